import { registry, servedResources, ResourceRegistry } from '@tskube/api-types';
import { describe, expect, it } from 'vitest';
import { groupVersionDocument, schemaIndex, type GroupVersionDocument } from './document';
import generated from './generated/schemas.json';
import { PATCH_CONTENT_TYPES, groupIdentifier, groupVersionPath, groupVersionTag, type Operation, type PathItem } from './operations';
import { referencedSchemas, type Schema, type Schemas } from './schema';

const schemas = generated as unknown as Schemas;
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

const groupVersions = registry.groups().flatMap((g) => g.versions.map((version) => ({ group: g.group, version })));
const docs = new Map<string, GroupVersionDocument>(
  groupVersions.map((gv) => [groupVersionPath(gv), groupVersionDocument(gv, registry.resourcesFor(gv), schemas)]),
);
const doc = (path: string) => docs.get(path)!;

function operations(d: GroupVersionDocument): Array<{ path: string; method: string; op: Operation; item: PathItem }> {
  return Object.entries(d.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((method) => ({ path, method, op: item[method]!, item })),
  );
}

const gvCases = [...docs.keys()].map((path) => ({ path }));

describe('group version documents', () => {
  it('cover every served group version', () => {
    expect([...docs.keys()]).toEqual([
      'api/v1',
      'apis/apps/v1',
      'apis/events.k8s.io/v1',
      'apis/autoscaling/v2',
      'apis/autoscaling/v1',
      'apis/batch/v1',
      'apis/networking.k8s.io/v1',
      'apis/policy/v1',
      'apis/rbac.authorization.k8s.io/v1',
      'apis/storage.k8s.io/v1',
      'apis/scheduling.k8s.io/v1',
      'apis/coordination.k8s.io/v1',
      'apis/discovery.k8s.io/v1',
    ]);
  });

  it.each(gvCases)('$path: every $ref resolves within the document', ({ path }) => {
    const d = doc(path);
    const own = d.components.schemas;
    expect(() => referencedSchemas(d, own)).not.toThrow();
  });

  it.each(gvCases)('$path: components hold exactly the schemas its paths reach', ({ path }) => {
    const d = doc(path);
    expect(new Set(Object.keys(d.components.schemas))).toEqual(referencedSchemas(d.paths, schemas));
  });

  it.each(gvCases)('$path: every patchable kind has a patch operation that declares fieldValidation', ({ path }) => {
    const d = doc(path);
    const gv = groupVersions.find((x) => groupVersionPath(x) === path)!;
    const patchable = registry.resourcesFor(gv).filter((r) => r.verbs.includes('patch'));
    expect(patchable.length).toBeGreaterThan(0);
    for (const r of patchable) {
      const ops = operations(d).filter(
        ({ method, op }) =>
          method === 'patch' &&
          op['x-kubernetes-group-version-kind']?.kind === r.kind &&
          op['x-kubernetes-group-version-kind'].group === r.group &&
          op['x-kubernetes-group-version-kind'].version === r.version,
      );
      expect(ops.length, `${r.kind}`).toBeGreaterThan(0);
      for (const { op } of ops) {
        expect(op.parameters!.find((p) => p.name === 'fieldValidation')).toMatchObject({ in: 'query' });
        expect(Object.keys(op.requestBody!.content).sort()).toEqual([...PATCH_CONTENT_TYPES]);
      }
    }
  });

  it.each(gvCases)('$path: the kind of every operation has a schema carrying that group-version-kind', ({ path }) => {
    const d = doc(path);
    for (const { op } of operations(d)) {
      const gvk = op['x-kubernetes-group-version-kind'];
      if (!gvk) continue;
      const name = schemaIndex(d.components.schemas)(gvk);
      expect(d.components.schemas[name]!['x-kubernetes-group-version-kind']).toContainEqual(gvk);
    }
  });

  it.each(gvCases)('$path: operation ids are unique, every operation is tagged and has an action', ({ path }) => {
    const d = doc(path);
    const ids = operations(d).map(({ op }) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { path: p, op } of operations(d)) {
      expect(op.tags).toEqual([groupVersionTag(groupVersions.find((x) => groupVersionPath(x) === path)!)]);
      if (p.endsWith('/')) continue;
      expect(op['x-kubernetes-action'], `${p} ${op.operationId}`).toMatch(/^(get|list|post|put|patch|delete|deletecollection|watch|watchlist)$/);
    }
  });

  it.each(gvCases)('$path: path templates declare every parameter they use', ({ path }) => {
    for (const [p, item] of Object.entries(doc(path).paths)) {
      const used = [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      const declared = (item.parameters ?? []).filter((x) => x.in === 'path').map((x) => x.name).sort();
      expect(declared, p).toEqual(used);
    }
  });
});

describe('operations as Kubernetes names them', () => {
  it.each([
    { path: 'api/v1', url: '/api/v1/namespaces/{namespace}/pods/{name}', method: 'get', id: 'readCoreV1NamespacedPod', action: 'get' },
    { path: 'api/v1', url: '/api/v1/namespaces/{namespace}/pods/{name}', method: 'patch', id: 'patchCoreV1NamespacedPod', action: 'patch' },
    { path: 'api/v1', url: '/api/v1/namespaces/{namespace}/pods/{name}', method: 'put', id: 'replaceCoreV1NamespacedPod', action: 'put' },
    { path: 'api/v1', url: '/api/v1/namespaces/{namespace}/pods/{name}', method: 'delete', id: 'deleteCoreV1NamespacedPod', action: 'delete' },
    { path: 'api/v1', url: '/api/v1/namespaces/{namespace}/pods', method: 'get', id: 'listCoreV1NamespacedPod', action: 'list' },
    { path: 'api/v1', url: '/api/v1/namespaces/{namespace}/pods', method: 'post', id: 'createCoreV1NamespacedPod', action: 'post' },
    { path: 'api/v1', url: '/api/v1/namespaces/{namespace}/pods', method: 'delete', id: 'deleteCoreV1CollectionNamespacedPod', action: 'deletecollection' },
    { path: 'api/v1', url: '/api/v1/pods', method: 'get', id: 'listCoreV1PodForAllNamespaces', action: 'list' },
    { path: 'api/v1', url: '/api/v1/watch/namespaces/{namespace}/pods', method: 'get', id: 'watchCoreV1NamespacedPodList', action: 'watchlist' },
    { path: 'api/v1', url: '/api/v1/watch/namespaces/{namespace}/pods/{name}', method: 'get', id: 'watchCoreV1NamespacedPod', action: 'watch' },
    { path: 'api/v1', url: '/api/v1/watch/pods', method: 'get', id: 'watchCoreV1PodListForAllNamespaces', action: 'watchlist' },
    { path: 'api/v1', url: '/api/v1/namespaces/{namespace}/pods/{name}/status', method: 'patch', id: 'patchCoreV1NamespacedPodStatus', action: 'patch' },
    { path: 'api/v1', url: '/api/v1/namespaces/{namespace}/pods/{name}/eviction', method: 'post', id: 'createCoreV1NamespacedPodEviction', action: 'post' },
    { path: 'api/v1', url: '/api/v1/namespaces/{namespace}/pods/{name}/binding', method: 'post', id: 'createCoreV1NamespacedPodBinding', action: 'post' },
    { path: 'api/v1', url: '/api/v1/namespaces/{namespace}/bindings', method: 'post', id: 'createCoreV1NamespacedBinding', action: 'post' },
    { path: 'api/v1', url: '/api/v1/namespaces/{namespace}/serviceaccounts/{name}/token', method: 'post', id: 'createCoreV1NamespacedServiceAccountToken', action: 'post' },
    { path: 'api/v1', url: '/api/v1/namespaces/{name}', method: 'get', id: 'readCoreV1Namespace', action: 'get' },
    { path: 'api/v1', url: '/api/v1/namespaces/{name}/finalize', method: 'put', id: 'replaceCoreV1NamespaceFinalize', action: 'put' },
    { path: 'api/v1', url: '/api/v1/nodes/{name}/status', method: 'patch', id: 'patchCoreV1NodeStatus', action: 'patch' },
    { path: 'api/v1', url: '/api/v1/', method: 'get', id: 'getCoreV1APIResources', action: undefined },
    { path: 'apis/apps/v1', url: '/apis/apps/v1/namespaces/{namespace}/deployments/{name}', method: 'patch', id: 'patchAppsV1NamespacedDeployment', action: 'patch' },
    { path: 'apis/apps/v1', url: '/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale', method: 'put', id: 'replaceAppsV1NamespacedDeploymentScale', action: 'put' },
    { path: 'apis/rbac.authorization.k8s.io/v1', url: '/apis/rbac.authorization.k8s.io/v1/clusterroles', method: 'get', id: 'listRbacAuthorizationV1ClusterRole', action: 'list' },
    { path: 'apis/autoscaling/v2', url: '/apis/autoscaling/v2/namespaces/{namespace}/horizontalpodautoscalers/{name}', method: 'patch', id: 'patchAutoscalingV2NamespacedHorizontalPodAutoscaler', action: 'patch' },
  ])('$id: $method $url', ({ path, url, method, id, action }) => {
    const op = doc(path).paths[url]?.[method as (typeof METHODS)[number]];
    expect(op, `${method} ${url}`).toBeDefined();
    expect(op!.operationId).toBe(id);
    expect(op!['x-kubernetes-action']).toBe(action);
  });

  it.each([
    { group: '', want: 'Core', tag: 'core_v1' },
    { group: 'apps', want: 'Apps', tag: 'apps_v1' },
    { group: 'rbac.authorization.k8s.io', want: 'RbacAuthorization', tag: 'rbacAuthorization_v1' },
    { group: 'networking.k8s.io', want: 'Networking', tag: 'networking_v1' },
  ])('group $group is $want in operation ids and $tag in tags', ({ group, want, tag }) => {
    expect(groupIdentifier(group)).toBe(want);
    expect(groupVersionTag({ group, version: 'v1' })).toBe(tag);
  });

  it('subresource operations carry the subresource kind: deployments/scale is autoscaling/v1 Scale', () => {
    const op = doc('apis/apps/v1').paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale']!.patch!;
    expect(op['x-kubernetes-group-version-kind']).toEqual({ group: 'autoscaling', kind: 'Scale', version: 'v1' });
    expect(op.responses['200']!.content['application/json']!.schema.$ref).toBe('#/components/schemas/io.k8s.api.autoscaling.v1.Scale');
    expect(doc('apis/apps/v1').components.schemas['io.k8s.api.autoscaling.v1.Scale']).toBeDefined();
  });

  it('a list operation names the item kind and returns the list kind, also as a watch stream', () => {
    const op = doc('api/v1').paths['/api/v1/namespaces/{namespace}/pods']!.get!;
    expect(op['x-kubernetes-group-version-kind']).toEqual({ group: '', kind: 'Pod', version: 'v1' });
    expect(op.responses['200']!.content['application/json;stream=watch']!.schema.$ref).toBe('#/components/schemas/io.k8s.api.core.v1.PodList');
    expect(op.parameters!.map((p) => p.name)).toEqual(expect.arrayContaining(['labelSelector', 'fieldSelector', 'limit', 'continue', 'watch', 'resourceVersion']));
  });

  it('verbs come from the registry: namespaces have no deletecollection, componentstatuses are read-only', () => {
    const core = doc('api/v1').paths;
    expect(core['/api/v1/namespaces']!.delete).toBeUndefined();
    expect(core['/api/v1/namespaces']!.post).toBeDefined();
    expect(core['/api/v1/componentstatuses/{name}']).toEqual({ parameters: expect.any(Array), get: expect.any(Object) });
  });

  it('streaming subresources (exec, attach, log, portforward, proxy) are left out', () => {
    const core = Object.keys(doc('api/v1').paths);
    for (const sub of ['exec', 'attach', 'log', 'portforward', 'proxy']) {
      expect(core.filter((p) => p.endsWith(`/${sub}`))).toEqual([]);
    }
  });

  it('an item path declares name, namespace and pretty for all its operations', () => {
    const item = doc('api/v1').paths['/api/v1/namespaces/{namespace}/pods/{name}']!;
    expect(item.parameters!.map((p) => `${p.in}:${p.name}`)).toEqual(['path:name', 'query:pretty', 'path:namespace']);
  });
});

describe('schemas in the documents', () => {
  const core = doc('api/v1').components.schemas;
  const apps = doc('apis/apps/v1').components.schemas;
  const prop = (s: Schema | undefined, name: string) => (s!.properties as Record<string, Schema>)[name]!;

  it('Pod carries its group-version-kind and description', () => {
    const pod = core['io.k8s.api.core.v1.Pod']!;
    expect(pod['x-kubernetes-group-version-kind']).toEqual([{ group: '', kind: 'Pod', version: 'v1' }]);
    expect(pod.description).toMatch(/^Pod is a collection of containers/);
    expect(pod.type).toBe('object');
  });

  it('PodSpec.containers merges by name', () => {
    expect(prop(core['io.k8s.api.core.v1.PodSpec'], 'containers')).toMatchObject({
      type: 'array',
      items: { $ref: '#/components/schemas/io.k8s.api.core.v1.Container' },
      'x-kubernetes-patch-merge-key': 'name',
      'x-kubernetes-patch-strategy': 'merge',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
    });
  });

  it.each([
    { schema: 'io.k8s.api.core.v1.Container', field: 'ports', key: 'containerPort', strategy: 'merge' },
    { schema: 'io.k8s.api.core.v1.Container', field: 'env', key: 'name', strategy: 'merge' },
    { schema: 'io.k8s.api.core.v1.Container', field: 'volumeMounts', key: 'mountPath', strategy: 'merge' },
    { schema: 'io.k8s.api.core.v1.PodSpec', field: 'volumes', key: 'name', strategy: 'merge,retainKeys' },
    { schema: 'io.k8s.api.core.v1.PodSpec', field: 'initContainers', key: 'name', strategy: 'merge' },
    { schema: 'io.k8s.api.core.v1.PodSpec', field: 'ephemeralContainers', key: 'name', strategy: 'merge' },
    { schema: 'io.k8s.api.core.v1.PodSpec', field: 'imagePullSecrets', key: 'name', strategy: 'merge' },
    { schema: 'io.k8s.api.core.v1.PodSpec', field: 'hostAliases', key: 'ip', strategy: 'merge' },
    { schema: 'io.k8s.api.core.v1.PodSpec', field: 'topologySpreadConstraints', key: 'topologyKey', strategy: 'merge' },
    { schema: 'io.k8s.api.core.v1.PodStatus', field: 'conditions', key: 'type', strategy: 'merge' },
    { schema: 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', field: 'ownerReferences', key: 'uid', strategy: 'merge' },
  ])('$schema.$field merges by $key', ({ schema, field, key, strategy }) => {
    expect(prop(core[schema], field)).toMatchObject({ 'x-kubernetes-patch-merge-key': key, 'x-kubernetes-patch-strategy': strategy });
  });

  it('finalizers merge as a set; tolerations are replaced whole, as Kubernetes publishes them', () => {
    expect(prop(core['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'], 'finalizers')).toMatchObject({
      'x-kubernetes-patch-strategy': 'merge',
      'x-kubernetes-list-type': 'set',
    });
    const tolerations = prop(core['io.k8s.api.core.v1.PodSpec'], 'tolerations');
    expect(tolerations['x-kubernetes-list-type']).toBe('atomic');
    expect(tolerations['x-kubernetes-patch-merge-key']).toBeUndefined();
  });

  it('Deployment carries its kind and its strategy retains keys', () => {
    expect(apps['io.k8s.api.apps.v1.Deployment']!['x-kubernetes-group-version-kind']).toEqual([{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
    expect(prop(apps['io.k8s.api.apps.v1.DeploymentSpec'], 'strategy')).toMatchObject({ 'x-kubernetes-patch-strategy': 'retainKeys' });
  });

  it('a described reference is wrapped in allOf, as Kubernetes v3 documents do', () => {
    expect(prop(core['io.k8s.api.core.v1.Pod'], 'metadata')).toEqual({
      allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }],
      description: expect.stringMatching(/^Standard object's metadata/),
    });
  });

  it('the scheduling.k8s.io document holds no core/v1 kinds', () => {
    const names = Object.keys(doc('apis/scheduling.k8s.io/v1').components.schemas);
    expect(names).toContain('io.k8s.api.scheduling.v1.PriorityClass');
    expect(names.filter((n) => n.startsWith('io.k8s.api.core.'))).toEqual([]);
  });
});

describe('schemaIndex', () => {
  it('names the schema of a kind and fails loudly for an unknown one', () => {
    const of = schemaIndex(schemas);
    expect(of({ group: 'apps', version: 'v1', kind: 'Deployment' })).toBe('io.k8s.api.apps.v1.Deployment');
    expect(() => of({ group: 'apps', version: 'v1', kind: 'Nope' })).toThrow(/no schema for apps\/v1 Nope/);
  });

  it('refuses two schemas that claim one kind', () => {
    const gvk = [{ group: '', kind: 'Pod', version: 'v1' }];
    expect(() => schemaIndex({ a: { 'x-kubernetes-group-version-kind': gvk }, b: { 'x-kubernetes-group-version-kind': gvk } })).toThrow(/both claim \/v1\/Pod/);
  });

  it('a document for a registry whose kind has no schema does not build', () => {
    const pod = servedResources.find((r) => r.kind === 'Pod')!;
    const custom = new ResourceRegistry({ resources: [{ ...pod, kind: 'Widget', listKind: 'WidgetList' }], groupVersions: [{ group: '', versions: ['v1'] }] });
    expect(() => groupVersionDocument({ group: '', version: 'v1' }, custom.resourcesFor({ group: '', version: 'v1' }), schemas)).toThrow(/no schema for v1 Widget/);
  });
});
