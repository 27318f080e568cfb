import { createHash } from 'node:crypto';
import { registry, ResourceRegistry, type GroupVersion } from '@tskube/api-types';
import { describe, expect, it } from 'vitest';
import { OpenApiV3, openApiDocument, openApiRoot } from './index';

/** A registry that counts how often each group version's resources are read. */
function countingRegistry(): { registry: ResourceRegistry; reads: Map<string, number> } {
  const reads = new Map<string, number>();
  const counted = Object.create(registry) as ResourceRegistry;
  counted.resourcesFor = (gv: GroupVersion) => {
    const key = `${gv.group}/${gv.version}`;
    reads.set(key, (reads.get(key) ?? 0) + 1);
    return registry.resourcesFor(gv);
  };
  return { registry: counted, reads };
}

describe('OpenApiV3', () => {
  it('the root lists every served group version at a URL carrying its document hash', () => {
    const root = openApiRoot();
    const gvs = registry.groups().flatMap((g) => g.versions.map((v) => (g.group === '' ? `api/${v}` : `apis/${g.group}/${v}`)));
    expect(Object.keys(root.paths)).toEqual(gvs);
    for (const [path, { serverRelativeURL }] of Object.entries(root.paths)) {
      expect(serverRelativeURL).toBe(`/openapi/v3/${path}?hash=${openApiDocument(path)!.hash}`);
    }
  });

  it.each([{ path: 'api/v1' }, { path: 'apis/apps/v1' }, { path: 'apis/autoscaling/v1' }])(
    '$path: hash is the upper-case hex SHA-512 of the body, the ETag that hash quoted',
    ({ path }) => {
      const doc = openApiDocument(path)!;
      const want = createHash('sha512').update(doc.body).digest('hex').toUpperCase();
      expect(doc.hash).toBe(want);
      expect(doc.hash).toMatch(/^[0-9A-F]{128}$/);
      expect(doc.etag).toBe(`"${want}"`);
      const parsed = JSON.parse(doc.body.toString());
      expect(parsed).toMatchObject({ openapi: '3.0.0', info: { title: 'Kubernetes', version: 'unversioned' } });
    },
  );

  it.each([{ path: 'apis/apps' }, { path: 'api' }, { path: 'apis/apps/v2' }, { path: 'apis/example.com/v1' }, { path: '' }])(
    'serves nothing at $path',
    ({ path }) => {
      expect(openApiDocument(path)).toBeUndefined();
    },
  );

  it('builds each document once, on first use, and then serves the same bytes', () => {
    const { registry: counted, reads } = countingRegistry();
    const o = new OpenApiV3({ registry: counted });
    expect(reads.size).toBe(0);
    const first = o.document('apis/apps/v1')!;
    expect(o.document('apis/apps/v1')).toBe(first);
    expect([...reads]).toEqual([['apps/v1', 1]]);
    o.root();
    o.root();
    expect(reads.get('apps/v1')).toBe(1);
    expect(reads.get('/v1')).toBe(1);
  });

  it('is deterministic: two services give byte-identical documents', () => {
    const a = new OpenApiV3();
    const b = new OpenApiV3();
    for (const path of a.paths()) expect(a.document(path)!.body.equals(b.document(path)!.body), path).toBe(true);
  });

  it('documents a registry of its own', () => {
    const apps = registry.resourcesFor({ group: 'apps', version: 'v1' }).filter((r) => r.resource === 'deployments');
    const custom = new ResourceRegistry({ resources: apps, groupVersions: [{ group: 'apps', versions: ['v1'] }] });
    const o = new OpenApiV3({ registry: custom });
    expect(Object.keys(o.root().paths)).toEqual(['apis/apps/v1']);
    const doc = JSON.parse(o.document('apis/apps/v1')!.body.toString());
    expect(Object.keys(doc.paths).filter((p) => p.includes('statefulsets'))).toEqual([]);
    expect(doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch.operationId).toBe('patchAppsV1NamespacedDeployment');
  });
});
