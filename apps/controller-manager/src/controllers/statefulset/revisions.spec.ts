import type { appsv1 } from '@tskube/api-types';
import { describe, expect, it } from 'vitest';
import { byRevision, findEqualRevisions, hashRevisionData, nextRevision, revisionName, templateOfRevision, templatePatch } from './revisions';

const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } };
const rev = (name: string, revision: number, image = 'nginx:1.27', created = '2026-01-01T00:00:00Z'): appsv1.ControllerRevision => ({
  metadata: { name, creationTimestamp: created },
  revision,
  data: templatePatch({ ...template, spec: { containers: [{ name: 'c', image }] } }) as appsv1.ControllerRevision['data'],
});

describe('revision data', () => {
  it('is the template as a replacing patch, and gives the template back', () => {
    const data = templatePatch(template);
    expect(data).toEqual({ spec: { template: { ...template, $patch: 'replace' } } });
    expect(templateOfRevision({ revision: 1, data: data as appsv1.ControllerRevision['data'] })).toEqual(template);
  });

  it('hashes equal data equally, whatever the key order, and the collision count moves the hash', () => {
    const a = hashRevisionData({ x: 1, y: [1, 2] });
    expect(hashRevisionData({ y: [1, 2], x: 1 })).toBe(a);
    expect(a).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(hashRevisionData({ x: 1, y: [1, 2] }, 0)).not.toBe(a);
    expect(hashRevisionData({ x: 1, y: [1, 2] }, 1)).not.toBe(hashRevisionData({ x: 1, y: [1, 2] }, 0));
  });

  it('names revisions <prefix>-<hash> with the prefix cut to 223 characters', () => {
    expect(revisionName('web', 'abc')).toBe('web-abc');
    expect(revisionName('x'.repeat(300), 'abc')).toBe(`${'x'.repeat(223)}-abc`);
  });
});

describe('revision order', () => {
  it('sorts by revision, then creation, then name; finds equal ones; numbers the next', () => {
    const revs = [rev('c', 2), rev('b', 1, 'nginx:1.27', '2026-01-02T00:00:00Z'), rev('a', 1, 'nginx:1.28', '2026-01-02T00:00:00Z'), rev('d', 1, 'nginx:1.28')];
    const sorted = [...revs].sort(byRevision);
    expect(sorted.map((r) => r.metadata?.name)).toEqual(['d', 'a', 'b', 'c']);
    expect(findEqualRevisions(sorted, rev('x', 9)).map((r) => r.metadata?.name)).toEqual(['b', 'c']);
    expect(nextRevision(revs)).toBe(3);
    expect(nextRevision([])).toBe(1);
  });
});
