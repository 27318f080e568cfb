import type { appsv1, corev1 } from '@tskube/api-types';
import { PatchType } from '@tskube/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Resources } from '../src/framework/context';
import { startControllers, type ControllerTestEnv } from '../src/framework/testing';
import { replicaSetController } from '../src/controllers/replicaset';
import { createNamespace, eventsFor, podTemplate } from '../src/controllers/replicaset/testing';
import { newResourceQuotaController } from '../src/controllers/resourcequota';

// The quota controller and the apiserver's quota admission together, against a real apiserver.

let env: ControllerTestEnv;

beforeAll(async () => {
  env = await startControllers([newResourceQuotaController(), replicaSetController]);
});

afterAll(async () => {
  await env?.stop();
});

const configmaps = { group: '', version: 'v1', resource: 'configmaps' };
const secrets = { group: '', version: 'v1', resource: 'secrets' };

function pod(name: string, spec: Partial<corev1.PodSpec> = {}, resources?: corev1.ResourceRequirements): corev1.Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { containers: [{ name: 'c', image: 'nginx:1.27', ...(resources ? { resources } : {}) }], ...spec },
  };
}

function quota(name: string, hard: Record<string, string>, extra: Partial<corev1.ResourceQuotaSpec> = {}): corev1.ResourceQuota {
  return { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name }, spec: { hard, ...extra } };
}

/** Waits for the quota's status to show `used` (and hard equal to spec). */
async function usedBecomes(ns: string, name: string, used: Record<string, string>, timeoutMs = 20_000): Promise<corev1.ResourceQuota> {
  let last: unknown;
  try {
    return await env.eventually(async () => {
      const q = await env.client.get<corev1.ResourceQuota>(Resources.resourcequotas, ns, name);
      last = q.status;
      return JSON.stringify(sorted(q.status?.used)) === JSON.stringify(sorted(used)) && JSON.stringify(sorted(q.status?.hard)) === JSON.stringify(sorted(q.spec?.hard)) ? q : undefined;
    }, timeoutMs);
  } catch (err) {
    throw new Error(`quota ${ns}/${name} status stayed ${JSON.stringify(last)}, want used ${JSON.stringify(used)}`, { cause: err });
  }
}

const sorted = (o: Record<string, string> | undefined) => Object.fromEntries(Object.entries(o ?? {}).sort(([a], [b]) => a.localeCompare(b)));

/** POSTs through REST, as kubectl would, returning status code and body. */
async function restCreate(ns: string, resource: string, body: unknown): Promise<{ code: number; body: { message?: string; reason?: string; kind?: string } }> {
  const res = await fetch(`${env.api.url}/api/v1/namespaces/${ns}/${resource}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { code: res.status, body: (await res.json()) as { message?: string; reason?: string } };
}

describe('ResourceQuota controller', () => {
  it('fills status.hard and status.used from what the namespace holds', async () => {
    const ns = 'quota-usage';
    await createNamespace(env.client, ns);
    // Objects made before the quota: only the controller can count them.
    await env.client.create(Resources.pods, ns, pod('small', {}, { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } }));
    await env.client.create(Resources.pods, ns, pod('limits-only', {}, { limits: { cpu: '1', memory: '1Gi' } }));
    await env.client.create(Resources.pods, ns, pod('best-effort'));
    const done = await env.client.create<corev1.Pod>(Resources.pods, ns, pod('done', {}, { requests: { cpu: '2' } }));
    await env.client.patch(Resources.pods, ns, 'done', PatchType.MergePatch, { status: { phase: 'Succeeded' } }, { subresource: 'status' });
    for (const n of ['a', 'b']) await env.client.create(configmaps, ns, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: n }, data: { k: 'v' } });
    await env.client.create(secrets, ns, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { k: 'v' } });
    await env.client.create(Resources.services, ns, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'np' }, spec: { type: 'NodePort', ports: [{ name: 'a', port: 80 }, { name: 'b', port: 81 }] } });
    await env.client.create(Resources.services, ns, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'lb' }, spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } });
    await env.client.create(Resources.services, ns, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'plain' }, spec: { ports: [{ port: 80 }] } });
    await env.client.create(Resources.deployments, ns, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: { replicas: 0, selector: { matchLabels: { app: 'd' } }, template: podTemplate({ app: 'd' }) },
    });
    expect(done.metadata?.name).toBe('done');

    await env.client.create(
      Resources.resourcequotas,
      ns,
      quota('everything', {
        pods: '10',
        'count/pods': '10',
        'requests.cpu': '10',
        cpu: '10',
        'requests.memory': '10Gi',
        'limits.cpu': '10',
        'limits.memory': '10Gi',
        'requests.ephemeral-storage': '10Gi',
        configmaps: '10',
        'count/configmaps': '10',
        secrets: '10',
        services: '10',
        'services.nodeports': '10',
        'services.loadbalancers': '10',
        persistentvolumeclaims: '10',
        'requests.storage': '10Gi',
        replicationcontrollers: '10',
        resourcequotas: '10',
        'count/deployments.apps': '10',
        'count/jobs.batch': '10',
      }),
    );
    await usedBecomes(ns, 'everything', {
      pods: '3',
      'count/pods': '4',
      'requests.cpu': '1250m',
      cpu: '1250m',
      'requests.memory': '1088Mi',
      'limits.cpu': '1500m',
      'limits.memory': '1152Mi',
      'requests.ephemeral-storage': '0',
      configmaps: '2',
      'count/configmaps': '2',
      secrets: '1',
      services: '3',
      'services.nodeports': '3',
      'services.loadbalancers': '1',
      persistentvolumeclaims: '0',
      'requests.storage': '0',
      replicationcontrollers: '0',
      resourcequotas: '1',
      'count/deployments.apps': '1',
      'count/jobs.batch': '0',
    });
  });

  it('gives back what deleted objects and finished pods used, and follows spec changes', async () => {
    const ns = 'quota-replenish';
    await createNamespace(env.client, ns);
    await env.client.create(Resources.resourcequotas, ns, quota('q', { pods: '5', 'requests.cpu': '4', configmaps: '5' }));
    await usedBecomes(ns, 'q', { pods: '0', 'requests.cpu': '0', configmaps: '0' });
    for (const n of ['p1', 'p2', 'p3']) await env.client.create(Resources.pods, ns, pod(n, {}, { requests: { cpu: '500m' } }));
    await env.client.create(configmaps, ns, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } });
    await usedBecomes(ns, 'q', { pods: '3', 'requests.cpu': '1500m', configmaps: '1' });

    await env.client.delete(Resources.pods, ns, 'p1', { gracePeriodSeconds: 0 });
    await env.client.delete(configmaps, ns, 'cm');
    await env.client.patch(Resources.pods, ns, 'p2', PatchType.MergePatch, { status: { phase: 'Failed' } }, { subresource: 'status' });
    await usedBecomes(ns, 'q', { pods: '1', 'requests.cpu': '500m', configmaps: '0' });

    await env.client.patch(Resources.resourcequotas, ns, 'q', PatchType.MergePatch, { spec: { hard: { pods: '7', 'configmaps': null, secrets: '2' } } });
    await usedBecomes(ns, 'q', { pods: '1', 'requests.cpu': '500m', secrets: '0' });
  });

  it('counts only the pods in the quota scopes', async () => {
    const ns = 'quota-scopes';
    await createNamespace(env.client, ns);
    await env.client.create(Resources.pods, ns, pod('best'));
    await env.client.create(Resources.pods, ns, pod('burst', {}, { requests: { cpu: '100m' } }));
    await env.client.create(Resources.pods, ns, pod('deadline', { activeDeadlineSeconds: 60 }));
    await env.client.create(Resources.pods, ns, pod('critical', { priorityClassName: 'system-cluster-critical' }));
    await env.client.create(Resources.resourcequotas, ns, quota('best-effort', { pods: '10' }, { scopes: ['BestEffort'] }));
    await env.client.create(Resources.resourcequotas, ns, quota('not-best-effort', { pods: '10', 'requests.cpu': '1' }, { scopes: ['NotBestEffort'] }));
    await env.client.create(Resources.resourcequotas, ns, quota('terminating', { pods: '10' }, { scopes: ['Terminating'] }));
    await env.client.create(Resources.resourcequotas, ns, quota('not-terminating', { pods: '10' }, { scopes: ['NotTerminating'] }));
    await env.client.create(
      Resources.resourcequotas,
      ns,
      quota('critical', { pods: '1' }, { scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['system-cluster-critical'] }] } }),
    );
    await usedBecomes(ns, 'best-effort', { pods: '3' });
    await usedBecomes(ns, 'not-best-effort', { pods: '1', 'requests.cpu': '100m' });
    await usedBecomes(ns, 'terminating', { pods: '1' });
    await usedBecomes(ns, 'not-terminating', { pods: '3' });
    await usedBecomes(ns, 'critical', { pods: '1' });

    // Admission applies the scopes too: another critical pod is over its quota, a plain one is not.
    const refused = await restCreate(ns, 'pods', pod('critical-2', { priorityClassName: 'system-cluster-critical' }));
    expect(refused.code).toBe(403);
    expect(refused.body.message).toBe('pods "critical-2" is forbidden: exceeded quota: critical, requested: pods=1, used: pods=1, limited: pods=1');
    expect((await restCreate(ns, 'pods', pod('plain'))).code).toBe(201);
  });
});

describe('ResourceQuota admission', () => {
  it('charges creates and refuses what exceeds the quota, as Kubernetes words it', async () => {
    const ns = 'quota-admission';
    await createNamespace(env.client, ns);
    await env.client.create(Resources.resourcequotas, ns, quota('q', { pods: '2', 'count/configmaps': '1' }));
    await usedBecomes(ns, 'q', { pods: '0', 'count/configmaps': '0' });

    expect((await restCreate(ns, 'pods', pod('p1'))).code).toBe(201);
    expect((await restCreate(ns, 'pods', pod('p2'))).code).toBe(201);
    const refused = await restCreate(ns, 'pods', pod('p3'));
    expect(refused.code).toBe(403);
    expect(refused.body.reason).toBe('Forbidden');
    expect(refused.body.message).toBe('pods "p3" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2');
    // Charged at admission, before the controller recalculates.
    const q = await env.client.get<corev1.ResourceQuota>(Resources.resourcequotas, ns, 'q');
    expect(q.status?.used?.['pods']).toBe('2');

    expect((await restCreate(ns, 'configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'one' } })).code).toBe(201);
    const cm = await restCreate(ns, 'configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'two' } });
    expect(cm.code).toBe(403);
    expect(cm.body.message).toBe('configmaps "two" is forbidden: exceeded quota: q, requested: count/configmaps=1, used: count/configmaps=1, limited: count/configmaps=1');

    // A dry run is checked but not charged.
    await env.client.delete(Resources.pods, ns, 'p2', { gracePeriodSeconds: 0 });
    await usedBecomes(ns, 'q', { pods: '1', 'count/configmaps': '1' });
    const dry = await fetch(`${env.api.url}/api/v1/namespaces/${ns}/pods?dryRun=All`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(pod('dry')) });
    expect(dry.status).toBe(201);
    expect((await env.client.get<corev1.ResourceQuota>(Resources.resourcequotas, ns, 'q')).status?.used?.['pods']).toBe('1');
  });

  it('never lets concurrent creates overrun the quota', async () => {
    const ns = 'quota-race';
    await createNamespace(env.client, ns);
    await env.client.create(Resources.resourcequotas, ns, quota('q', { pods: '5' }));
    await usedBecomes(ns, 'q', { pods: '0' });
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => restCreate(ns, 'pods', pod(`p${i}`))));
    expect(results.filter((r) => r.code === 201)).toHaveLength(5);
    expect(results.filter((r) => r.code === 403)).toHaveLength(7);
    await usedBecomes(ns, 'q', { pods: '5' });
  });

  it('requires the cpu and memory amounts a quota limits to be set, and counts limits', async () => {
    const ns = 'quota-constraints';
    await createNamespace(env.client, ns);
    await env.client.create(Resources.resourcequotas, ns, quota('compute', { 'limits.cpu': '2', 'requests.memory': '1Gi' }));
    await usedBecomes(ns, 'compute', { 'limits.cpu': '0', 'requests.memory': '0' });
    const bare = await restCreate(ns, 'pods', { ...pod('x'), spec: { containers: [{ name: 'x', image: 'nginx' }] } });
    expect(bare.code).toBe(403);
    expect(bare.body.message).toBe('pods "x" is forbidden: failed quota: compute: must specify limits.cpu for: x; requests.memory for: x');
    const set = await restCreate(ns, 'pods', pod('y', {}, { limits: { cpu: '1500m', memory: '512Mi' } }));
    expect(set.code).toBe(201);
    const over = await restCreate(ns, 'pods', pod('z', {}, { limits: { cpu: '1', memory: '128Mi' } }));
    expect(over.body.message).toBe('pods "z" is forbidden: exceeded quota: compute, requested: limits.cpu=1, used: limits.cpu=1500m, limited: limits.cpu=2');
  });

  it('makes a ReplicaSet report ReplicaFailure when quota refuses its pods', async () => {
    const ns = 'quota-rs';
    await createNamespace(env.client, ns);
    await env.client.create(Resources.resourcequotas, ns, quota('pods', { pods: '2' }));
    await usedBecomes(ns, 'pods', { pods: '0' });
    await env.client.create(Resources.replicasets, ns, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'web' },
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: podTemplate({ app: 'web' }) },
    });
    const cond = await env.eventually(async () => {
      const rs = await env.client.get<appsv1.ReplicaSet>(Resources.replicasets, ns, 'web');
      return rs.status?.conditions?.find((c) => c.type === 'ReplicaFailure');
    }, 20_000);
    expect(cond).toMatchObject({ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate' });
    expect(cond.message).toBe('pods "web-" is forbidden: exceeded quota: pods, requested: pods=1, used: pods=2, limited: pods=2');
    const events = await env.eventually(async () => {
      const list = (await eventsFor(env.client, ns, 'web')).filter((e) => e.reason === 'FailedCreate');
      return list.length ? list : undefined;
    });
    expect(events[0]?.message).toBe('Error creating: pods "web-" is forbidden: exceeded quota: pods, requested: pods=1, used: pods=2, limited: pods=2');
    expect((await env.client.list(Resources.pods, ns)).items).toHaveLength(2);

    // Room in the quota: the ReplicaSet completes and the condition goes.
    await env.client.patch(Resources.resourcequotas, ns, 'pods', PatchType.MergePatch, { spec: { hard: { pods: '3' } } });
    await env.eventually(async () => {
      const rs = await env.client.get<appsv1.ReplicaSet>(Resources.replicasets, ns, 'web');
      return rs.status?.replicas === 3 && !rs.status.conditions?.some((c) => c.type === 'ReplicaFailure');
    }, 30_000);
  });
});
