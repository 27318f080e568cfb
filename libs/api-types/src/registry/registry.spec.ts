import { describe, expect, it } from 'vitest';
import { ResourceRegistry, registry } from './registry';
import { servedResources } from './resources';
import type { ResourceInfo } from './types';

const id = (r: ResourceInfo | undefined) => (r ? `${r.apiVersion}/${r.resource}` : undefined);

describe('resolve: what a user types on kubectl', () => {
  it.each([
    { input: 'pods', want: 'v1/pods' },
    { input: 'pod', want: 'v1/pods' },
    { input: 'po', want: 'v1/pods' },
    { input: 'Pod', want: 'v1/pods' },
    { input: 'PODS', want: 'v1/pods' },
    { input: 'svc', want: 'v1/services' },
    { input: 'ep', want: 'v1/endpoints' },
    { input: 'endpoints', want: 'v1/endpoints' },
    { input: 'no', want: 'v1/nodes' },
    { input: 'ns', want: 'v1/namespaces' },
    { input: 'cs', want: 'v1/componentstatuses' },
    { input: 'limits', want: 'v1/limitranges' },
    { input: 'quota', want: 'v1/resourcequotas' },
    { input: 'deploy', want: 'apps/v1/deployments' },
    { input: 'deployment', want: 'apps/v1/deployments' },
    { input: 'Deployment', want: 'apps/v1/deployments' },
    { input: 'deployments.apps', want: 'apps/v1/deployments' },
    { input: 'deployment.apps', want: 'apps/v1/deployments' },
    { input: 'deploy.apps', want: 'apps/v1/deployments' },
    { input: 'deployments.v1.apps', want: 'apps/v1/deployments' },
    { input: 'deploy.v1.apps', want: 'apps/v1/deployments' },
    { input: 'sts', want: 'apps/v1/statefulsets' },
    { input: 'cj', want: 'batch/v1/cronjobs' },
    { input: 'jobs.batch', want: 'batch/v1/jobs' },
    { input: 'ing', want: 'networking.k8s.io/v1/ingresses' },
    { input: 'ingresses.networking.k8s.io', want: 'networking.k8s.io/v1/ingresses' },
    { input: 'ingresses.v1.networking.k8s.io', want: 'networking.k8s.io/v1/ingresses' },
    { input: 'netpol', want: 'networking.k8s.io/v1/networkpolicies' },
    { input: 'pdb', want: 'policy/v1/poddisruptionbudgets' },
    { input: 'pc', want: 'scheduling.k8s.io/v1/priorityclasses' },
    { input: 'sc', want: 'storage.k8s.io/v1/storageclasses' },
    { input: 'lease', want: 'coordination.k8s.io/v1/leases' },
    { input: 'clusterrolebindings', want: 'rbac.authorization.k8s.io/v1/clusterrolebindings' },
    { input: 'endpointslices', want: 'discovery.k8s.io/v1/endpointslices' },
    { input: 'hpa', want: 'autoscaling/v2/horizontalpodautoscalers', why: 'the preferred version' },
    { input: 'hpa.v1.autoscaling', want: 'autoscaling/v1/horizontalpodautoscalers', why: 'the version asked for' },
    { input: 'hpa.autoscal', want: 'autoscaling/v2/horizontalpodautoscalers', why: 'a short name matches a group prefix' },
    { input: 'events', want: 'v1/events', why: 'the core group comes first' },
    { input: 'ev', want: 'v1/events' },
    { input: 'events.events.k8s.io', want: 'events.k8s.io/v1/events' },
    { input: 'ev.events.k8s.io', want: 'events.k8s.io/v1/events' },
    { input: 'ip', want: 'networking.k8s.io/v1/ipaddresses' },
  ])('$input → $want', ({ input, want }) => {
    expect(id(registry.resolve(input))).toBe(want);
  });

  it.each([
    { input: 'nope' },
    { input: 'pods.apps', why: 'pods is not in apps' },
    { input: 'deployments.v2.apps', why: 'apps has no v2' },
    { input: 'deployments.app', why: 'full names need the exact group' },
    { input: 'pods/status', why: 'subresources are not resources' },
    { input: '' },
  ])('$input does not resolve', ({ input }) => {
    expect(registry.resolve(input)).toBeUndefined();
  });
});

describe('exact lookups', () => {
  it('by group, version and resource', () => {
    expect(registry.byGroupVersionResource({ group: 'apps', version: 'v1', resource: 'deployments' })?.kind).toBe('Deployment');
    expect(registry.byGroupVersionResource({ group: '', version: 'v1', resource: 'pods' })?.kind).toBe('Pod');
    expect(registry.byGroupVersionResource({ group: 'apps', version: 'v1', resource: 'deploy' })).toBeUndefined();
    expect(registry.byGroupVersionResource({ group: '', version: 'v1', resource: 'pods/status' })).toBeUndefined();
    expect(registry.byGroupVersionResource({ group: 'apps', version: 'v1beta1', resource: 'deployments' })).toBeUndefined();
  });

  it('by group, version and kind', () => {
    expect(registry.byGroupVersionKind({ group: 'batch', version: 'v1', kind: 'CronJob' })?.resource).toBe('cronjobs');
    expect(registry.byGroupVersionKind({ group: '', version: 'v1', kind: 'Endpoints' })?.resource).toBe('endpoints');
    expect(registry.byGroupVersionKind({ group: 'apps', version: 'v1', kind: 'deployment' })).toBeUndefined();
  });

  it('by an object’s apiVersion and kind', () => {
    expect(id(registry.byApiVersionKind('v1', 'Service'))).toBe('v1/services');
    expect(id(registry.byApiVersionKind('autoscaling/v1', 'HorizontalPodAutoscaler'))).toBe('autoscaling/v1/horizontalpodautoscalers');
    expect(id(registry.byApiVersionKind('events.k8s.io/v1', 'Event'))).toBe('events.k8s.io/v1/events');
    expect(registry.byApiVersionKind('apps/v1', 'Pod')).toBeUndefined();
  });

  it('every entry is found by its own coordinates', () => {
    for (const r of servedResources) {
      expect(registry.byGroupVersionResource(r)).toBe(r);
      expect(registry.byGroupVersionKind(r)).toBe(r);
    }
  });
});

describe('groups and versions', () => {
  it('lists groups in kube-apiserver priority order, core first', () => {
    expect(registry.groups().map((g) => g.group)).toEqual([
      '',
      'apps',
      'events.k8s.io',
      'autoscaling',
      'batch',
      'networking.k8s.io',
      'policy',
      'rbac.authorization.k8s.io',
      'storage.k8s.io',
      'scheduling.k8s.io',
      'coordination.k8s.io',
      'discovery.k8s.io',
    ]);
  });

  it('prefers autoscaling/v2 and still serves v1', () => {
    expect(registry.groups().find((g) => g.group === 'autoscaling')).toEqual({
      group: 'autoscaling',
      versions: ['v2', 'v1'],
      preferredVersion: 'v2',
    });
    expect(registry.preferredVersion('autoscaling')).toBe('v2');
    expect(registry.preferredVersion('')).toBe('v1');
    expect(registry.preferredVersion('example.com')).toBeUndefined();
  });

  it('lists a group version’s resources sorted by name', () => {
    expect(registry.resourcesFor({ group: 'apps', version: 'v1' }).map((r) => r.resource)).toEqual([
      'controllerrevisions',
      'daemonsets',
      'deployments',
      'replicasets',
      'statefulsets',
    ]);
    expect(registry.resourcesFor({ group: 'apps', version: 'v2' })).toEqual([]);
  });

  it('orders all() by group, version preference, then name', () => {
    const ids = registry.all().map(id);
    expect(ids[0]).toBe('v1/bindings');
    expect(ids.indexOf('autoscaling/v2/horizontalpodautoscalers')).toBeLessThan(ids.indexOf('autoscaling/v1/horizontalpodautoscalers'));
    expect(ids.at(-1)).toBe('discovery.k8s.io/v1/endpointslices');
    expect(ids).toHaveLength(servedResources.length);
  });

  it('expands the all category as kubectl get all does', () => {
    expect(registry.inCategory('all').map(id)).toEqual([
      'v1/pods',
      'v1/replicationcontrollers',
      'v1/services',
      'apps/v1/daemonsets',
      'apps/v1/deployments',
      'apps/v1/replicasets',
      'apps/v1/statefulsets',
      'autoscaling/v2/horizontalpodautoscalers',
      'batch/v1/cronjobs',
      'batch/v1/jobs',
    ]);
    expect(registry.inCategory('api-extensions')).toEqual([]);
  });
});

describe('ResourceRegistry refuses an inconsistent table', () => {
  const pod = servedResources.find((r) => r.resource === 'pods')!;
  const core = { group: '', versions: ['v1'] };

  it.each([
    { name: 'a resource of an unlisted group version', resources: [pod], groupVersions: [{ group: 'apps', versions: ['v1'] }], message: /not listed/ },
    { name: 'a duplicate resource', resources: [pod, pod], groupVersions: [core], message: /duplicate resource/ },
    { name: 'a duplicate kind', resources: [pod, { ...pod, resource: 'pods2' }], groupVersions: [core], message: /duplicate kind/ },
    { name: 'a group listed twice', resources: [pod], groupVersions: [core, core], message: /listed twice/ },
    { name: 'a group without versions', resources: [pod], groupVersions: [{ group: '', versions: [] }], message: /no versions/ },
    { name: 'a version without resources', resources: [pod], groupVersions: [core, { group: 'apps', versions: ['v1'] }], message: /serves no resources/ },
  ])('$name', ({ resources, groupVersions, message }) => {
    expect(() => new ResourceRegistry({ resources, groupVersions })).toThrow(message);
  });
});
