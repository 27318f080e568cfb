import { describe, expect, it } from 'vitest';
import type * as corev1 from '../types/corev1';
import { QuotaRefusal, checkQuotaRequest } from './admission';
import { evaluatorFor, parseObjectCountResourceName, podMatchesScope, resourcesForQuota, serviceEvaluator, pvcEvaluator } from './evaluators';
import { podConstraints, podUsage } from './pods';
import { formatResourceList, parseResourceList } from './resource-list';
import { calculateQuotaUsage } from './usage';

const NOW = Date.parse('2026-01-01T00:00:00Z');

function pod(name: string, spec: Partial<corev1.PodSpec> = {}, extra: { phase?: string; deletionTimestamp?: string; grace?: number } = {}): corev1.Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'ns',
      ...(extra.deletionTimestamp ? { deletionTimestamp: extra.deletionTimestamp, deletionGracePeriodSeconds: extra.grace ?? 30 } : {}),
    },
    spec: { containers: [{ name: 'c', image: 'x' }], ...spec },
    status: { phase: extra.phase ?? 'Running' },
  };
}

const res = (requests?: Record<string, string>, limits?: Record<string, string>) => ({ ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) });

function quota(name: string, hard: Record<string, string>, opts: { used?: Record<string, string>; scopes?: string[]; scopeSelector?: corev1.ScopeSelector; noStatus?: boolean } = {}): corev1.ResourceQuota {
  return {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name, namespace: 'ns', resourceVersion: '1' },
    spec: { hard, ...(opts.scopes ? { scopes: opts.scopes } : {}), ...(opts.scopeSelector ? { scopeSelector: opts.scopeSelector } : {}) },
    ...(opts.noStatus ? {} : { status: { hard, used: opts.used ?? Object.fromEntries(Object.keys(hard).map((k) => [k, '0'])) } }),
  };
}

describe('podUsage', () => {
  it.each([
    { name: 'best effort pod counts as one pod', pod: pod('p'), want: { 'count/pods': '1', pods: '1' } },
    {
      name: 'requests and limits under bare, requests. and limits. names',
      pod: pod('p', { containers: [{ name: 'a', resources: res({ cpu: '100m', memory: '64Mi' }, { cpu: '200m', memory: '128Mi' }) }] }),
      want: { 'count/pods': '1', pods: '1', cpu: '100m', 'requests.cpu': '100m', memory: '64Mi', 'requests.memory': '64Mi', 'limits.cpu': '200m', 'limits.memory': '128Mi' },
    },
    {
      name: 'limits stand in for missing requests',
      pod: pod('p', { containers: [{ name: 'a', resources: res(undefined, { cpu: '1' }) }] }),
      want: { 'count/pods': '1', pods: '1', cpu: '1', 'requests.cpu': '1', 'limits.cpu': '1' },
    },
    {
      name: 'containers add up; the largest init container wins when larger',
      pod: pod('p', {
        containers: [
          { name: 'a', resources: res({ cpu: '100m' }) },
          { name: 'b', resources: res({ cpu: '200m' }) },
        ],
        initContainers: [{ name: 'i', resources: res({ cpu: '500m', memory: '1Gi' }) }],
      }),
      want: { 'count/pods': '1', pods: '1', cpu: '500m', 'requests.cpu': '500m', memory: '1Gi', 'requests.memory': '1Gi' },
    },
    {
      name: 'sidecars add to the containers and to later init containers',
      pod: pod('p', {
        containers: [{ name: 'a', resources: res({ cpu: '100m' }) }],
        initContainers: [
          { name: 'side', restartPolicy: 'Always', resources: res({ cpu: '300m' }) },
          { name: 'once', resources: res({ cpu: '300m' }) },
        ],
      }),
      want: { 'count/pods': '1', pods: '1', cpu: '600m', 'requests.cpu': '600m' },
    },
    {
      name: 'overhead, huge pages and extended resources',
      pod: pod('p', {
        overhead: { cpu: '50m' },
        containers: [{ name: 'a', resources: res({ cpu: '100m', 'hugepages-2Mi': '4Mi', 'example.com/gpu': '2' }, { 'hugepages-2Mi': '4Mi', 'example.com/gpu': '2' }) }],
      }),
      want: { 'count/pods': '1', pods: '1', cpu: '150m', 'requests.cpu': '150m', 'hugepages-2Mi': '4Mi', 'requests.hugepages-2Mi': '4Mi', 'requests.example.com/gpu': '2' },
    },
    { name: 'a finished pod keeps only its object count', pod: pod('p', { containers: [{ name: 'a', resources: res({ cpu: '1' }) }] }, { phase: 'Succeeded' }), want: { 'count/pods': '1' } },
    { name: 'a failed pod too', pod: pod('p', {}, { phase: 'Failed' }), want: { 'count/pods': '1' } },
    {
      name: 'a pod terminating past its grace period is not charged',
      pod: pod('p', {}, { deletionTimestamp: '2025-12-31T23:58:00Z', grace: 30 }),
      want: { 'count/pods': '1' },
    },
    {
      name: 'a pod within its grace period still is',
      pod: pod('p', {}, { deletionTimestamp: '2025-12-31T23:59:50Z', grace: 30 }),
      want: { 'count/pods': '1', pods: '1' },
    },
  ])('$name', ({ pod: p, want }) => {
    expect(formatResourceList(podUsage(p, NOW))).toEqual(want);
  });
});

describe('podConstraints', () => {
  it.each([
    { name: 'nothing required', required: ['pods'], pod: pod('p'), want: undefined },
    { name: 'limits.cpu unset', required: ['pods', 'limits.cpu'], pod: pod('p', { containers: [{ name: 'x', resources: res({ cpu: '1' }) }] }), want: 'must specify limits.cpu for: x' },
    {
      name: 'several resources and containers, sorted',
      required: ['requests.memory', 'limits.cpu'],
      pod: pod('p', { containers: [{ name: 'b' }, { name: 'a', resources: res(undefined, { cpu: '1' }) }] }),
      want: 'must specify limits.cpu for: b; requests.memory for: a,b',
    },
    { name: 'a limit satisfies the request it defaults', required: ['cpu'], pod: pod('p', { containers: [{ name: 'a', resources: res(undefined, { cpu: '1' }) }] }), want: undefined },
    { name: 'ephemeral storage is never required', required: ['requests.ephemeral-storage'], pod: pod('p'), want: undefined },
  ])('$name', ({ required, pod: p, want }) => {
    expect(podConstraints(required, p)).toBe(want);
  });
});

describe('pod scopes', () => {
  const best = pod('best');
  const burst = pod('burst', { containers: [{ name: 'a', resources: res({ cpu: '1' }) }] });
  const deadline = pod('deadline', { activeDeadlineSeconds: 30 });
  const high = pod('high', { priorityClassName: 'high' });
  const affinity = pod('aff', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'k', namespaces: ['other'] }] } } });
  it.each([
    { scope: { scopeName: 'BestEffort', operator: 'Exists' }, in: [best, deadline, high, affinity], out: [burst] },
    { scope: { scopeName: 'NotBestEffort', operator: 'Exists' }, in: [burst], out: [best] },
    { scope: { scopeName: 'Terminating', operator: 'Exists' }, in: [deadline], out: [best] },
    { scope: { scopeName: 'NotTerminating', operator: 'Exists' }, in: [best, burst], out: [deadline] },
    { scope: { scopeName: 'PriorityClass', operator: 'In', values: ['high'] }, in: [high], out: [best] },
    { scope: { scopeName: 'PriorityClass', operator: 'NotIn', values: ['high'] }, in: [best], out: [high] },
    { scope: { scopeName: 'PriorityClass', operator: 'Exists' }, in: [high], out: [best] },
    { scope: { scopeName: 'PriorityClass', operator: 'DoesNotExist' }, in: [best], out: [high] },
    { scope: { scopeName: 'CrossNamespacePodAffinity', operator: 'Exists' }, in: [affinity], out: [best] },
  ])('$scope.scopeName $scope.operator', ({ scope, in: inside, out }) => {
    for (const p of inside) expect(podMatchesScope(scope, p), p.metadata!.name).toBe(true);
    for (const p of out) expect(podMatchesScope(scope, p), p.metadata!.name).toBe(false);
  });
});

describe('services and claims', () => {
  it.each([
    { type: 'ClusterIP', want: { 'count/services': '1', services: '1', 'services.loadbalancers': '0', 'services.nodeports': '0' } },
    { type: 'NodePort', want: { 'count/services': '1', services: '1', 'services.loadbalancers': '0', 'services.nodeports': '2' } },
    { type: 'LoadBalancer', want: { 'count/services': '1', services: '1', 'services.loadbalancers': '1', 'services.nodeports': '2' } },
  ])('a $type service', ({ type, want }) => {
    const svc: corev1.Service = { spec: { type, ports: [{ port: 80 }, { port: 443 }] } };
    expect(formatResourceList(serviceEvaluator.usage(svc, NOW))).toEqual(want);
  });

  it('a claim is charged its storage, overall and for its class', () => {
    const pvc: corev1.PersistentVolumeClaim = { spec: { storageClassName: 'gold', resources: { requests: { storage: '10Gi' } } } };
    expect(formatResourceList(pvcEvaluator.usage(pvc, NOW))).toEqual({
      persistentvolumeclaims: '1',
      'count/persistentvolumeclaims': '1',
      'gold.storageclass.storage.k8s.io/persistentvolumeclaims': '1',
      'requests.storage': '10Gi',
      'gold.storageclass.storage.k8s.io/requests.storage': '10Gi',
    });
  });
});

describe('resource names', () => {
  it.each([
    { name: 'count/pods', want: { group: '', resource: 'pods' } },
    { name: 'count/deployments.apps', want: { group: 'apps', resource: 'deployments' } },
    { name: 'count/ingresses.networking.k8s.io', want: { group: 'networking.k8s.io', resource: 'ingresses' } },
    { name: 'pods', want: undefined },
  ])('$name', ({ name, want }) => expect(parseObjectCountResourceName(name)).toEqual(want));

  it('finds the resources a quota must measure', () => {
    const names = ['requests.cpu', 'services.nodeports', 'configmaps', 'count/jobs.batch', 'requests.storage', 'count/events', 'bogus'];
    expect(resourcesForQuota(names).map((gr) => `${gr.resource}.${gr.group}`)).toEqual([
      'pods.',
      'services.',
      'persistentvolumeclaims.',
      'configmaps.',
      'jobs.batch',
    ]);
  });

  it('counts configmaps under both of their names', () => {
    expect(formatResourceList(evaluatorFor({ group: '', resource: 'configmaps' }).usage({}, NOW))).toEqual({ 'count/configmaps': '1', configmaps: '1' });
  });
});

describe('calculateQuotaUsage', () => {
  const pods = [
    pod('a', { containers: [{ name: 'c', resources: res({ cpu: '250m', memory: '64Mi' }, { cpu: '500m' }) }] }),
    pod('b', { containers: [{ name: 'c', resources: res({ cpu: '250m', memory: '64Mi' }, { cpu: '500m' }) }] }),
    pod('done', { containers: [{ name: 'c', resources: res({ cpu: '1' }) }] }, { phase: 'Succeeded' }),
    pod('best'),
  ];
  const list = (gr: { resource: string }) => (gr.resource === 'pods' ? pods : gr.resource === 'configmaps' ? [{}, {}, {}] : undefined);

  it('sums what the quota limits, zero for what nothing uses, nothing for what cannot be listed', () => {
    const q = quota('q', { pods: '10', 'count/pods': '10', 'requests.cpu': '2', 'limits.memory': '1Gi', 'requests.memory': '1Gi', configmaps: '5', 'count/secrets': '3' });
    expect(formatResourceList(calculateQuotaUsage(q, list, NOW))).toEqual({
      pods: '3',
      'count/pods': '4',
      'requests.cpu': '500m',
      'requests.memory': '128Mi',
      'limits.memory': '0',
      configmaps: '3',
    });
  });

  it('only counts pods in the quota scopes', () => {
    expect(formatResourceList(calculateQuotaUsage(quota('q', { pods: '10' }, { scopes: ['BestEffort'] }), list, NOW))).toEqual({ pods: '1' });
    expect(formatResourceList(calculateQuotaUsage(quota('q', { pods: '10', configmaps: '4' }, { scopes: ['NotBestEffort'] }), list, NOW))).toEqual({
      pods: '2',
      configmaps: '0',
    });
  });
});

describe('checkQuotaRequest', () => {
  const create = (object: unknown, resource = { group: '', resource: 'pods' }) => ({ op: 'create' as const, subresource: '', resource, object, nowMs: NOW });
  const refusal = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      expect(err).toBeInstanceOf(QuotaRefusal);
      return (err as Error).message;
    }
    return undefined;
  };

  it('charges a pod to every quota that limits what it uses', () => {
    const charges = checkQuotaRequest([quota('q', { pods: '2' }, { used: { pods: '1' } }), quota('cm', { configmaps: '1' })], create(pod('p')));
    expect(charges.map((c) => [c.quota.metadata?.name, formatResourceList(c.used)])).toEqual([['q', { pods: '2' }]]);
  });

  it('refuses a pod beyond the quota in Kubernetes words', () => {
    expect(refusal(() => checkQuotaRequest([quota('q', { pods: '2' }, { used: { pods: '2' } })], create(pod('p'))))).toBe(
      'exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2',
    );
    const cpu = pod('p', { containers: [{ name: 'c', resources: res({ cpu: '600m', memory: '1Gi' }) }] });
    expect(
      refusal(() =>
        checkQuotaRequest([quota('compute', { 'requests.cpu': '1', 'requests.memory': '4Gi', pods: '10' }, { used: { 'requests.cpu': '500m', 'requests.memory': '1Gi', pods: '1' } })], create(cpu)),
      ),
    ).toBe('exceeded quota: compute, requested: requests.cpu=600m, used: requests.cpu=500m, limited: requests.cpu=1');
  });

  it('requires what the quota limits to be set', () => {
    expect(refusal(() => checkQuotaRequest([quota('q', { 'limits.cpu': '2' })], create(pod('p', { containers: [{ name: 'x' }] }))))).toBe('failed quota: q: must specify limits.cpu for: x');
  });

  it('refuses while the quota has no usage yet for what it limits', () => {
    const fresh = quota('q', { pods: '2', 'requests.cpu': '1' });
    fresh.status = { hard: fresh.spec!.hard };
    expect(refusal(() => checkQuotaRequest([fresh], create(pod('p', { containers: [{ name: 'c', resources: res({ cpu: '1' }) }] }))))).toBe(
      'status unknown for quota: q, resources: pods,requests.cpu',
    );
  });

  it('ignores quotas whose status has no hard limits yet, out-of-scope quotas and other kinds', () => {
    expect(checkQuotaRequest([quota('q', { pods: '0' }, { noStatus: true })], create(pod('p')))).toEqual([]);
    expect(checkQuotaRequest([quota('q', { pods: '0' }, { scopes: ['Terminating'] })], create(pod('p')))).toEqual([]);
    expect(checkQuotaRequest([quota('q', { pods: '0' })], create({}, { group: '', resource: 'configmaps' }))).toEqual([]);
    expect(checkQuotaRequest([quota('q', { 'count/events': '0' })], create({}, { group: '', resource: 'events' }))).toEqual([]);
  });

  it('counts objects of any resource by count/ names', () => {
    const q = quota('q', { 'count/deployments.apps': '1' }, { used: { 'count/deployments.apps': '1' } });
    expect(refusal(() => checkQuotaRequest([q], create({}, { group: 'apps', resource: 'deployments' })))).toBe(
      'exceeded quota: q, requested: count/deployments.apps=1, used: count/deployments.apps=1, limited: count/deployments.apps=1',
    );
    expect(checkQuotaRequest([q], { ...create({}, { group: 'apps', resource: 'deployments' }), op: 'update' })).toEqual([]);
  });

  it('charges a service its growth on update', () => {
    const q = quota('q', { 'services.nodeports': '2' }, { used: { 'services.nodeports': '1' } });
    const old = { metadata: { resourceVersion: '5' }, spec: { type: 'NodePort', ports: [{ port: 1 }] } };
    const grown = { metadata: { resourceVersion: '5' }, spec: { type: 'NodePort', ports: [{ port: 1 }, { port: 2 }, { port: 3 }] } };
    const req = { op: 'update' as const, subresource: '', resource: { group: '', resource: 'services' }, object: grown, oldObject: old, nowMs: NOW };
    expect(refusal(() => checkQuotaRequest([q], req))).toBe('exceeded quota: q, requested: services.nodeports=2, used: services.nodeports=1, limited: services.nodeports=2');
    expect(checkQuotaRequest([q], { ...req, object: old })).toEqual([]);
  });

  it('parses the lists it reads leniently', () => {
    expect(formatResourceList(parseResourceList({ pods: 2, cpu: 'nonsense', memory: '1Gi' }))).toEqual({ pods: '2', memory: '1Gi' });
  });
});
