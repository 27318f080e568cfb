import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from './harness';

const PODS = '/api/v1/namespaces/default/pods';
const PDBS = '/apis/policy/v1/namespaces/default/poddisruptionbudgets';

type Status = { kind: string; status: string; code: number; reason?: string; message?: string; details?: { causes?: { reason?: string; message?: string }[] } };

describe('pods/eviction', () => {
  let c: TestCluster;
  beforeAll(async () => {
    c = await startCluster();
  });
  afterAll(async () => {
    await c?.stop();
  });

  /** A pod that runs (on `node`, if given) and is Ready or not. */
  async function runningPod(name: string, labels: Record<string, string>, options: { ready?: boolean; node?: string; phase?: string } = {}) {
    const created = await c.request('POST', PODS, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, labels },
      spec: { containers: [{ name: 'c', image: 'busybox' }], ...(options.node ? { nodeName: options.node } : {}) },
    });
    expect(created.status).toBe(201);
    const pod = created.json() as Record<string, unknown>;
    const status = {
      phase: options.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: options.ready === false ? 'False' : 'True' }],
    };
    const updated = await c.request('PUT', `${PODS}/${name}/status`, { ...pod, status });
    expect(updated.status).toBe(200);
  }

  async function budget(name: string, app: string, status: Record<string, unknown> | undefined) {
    const created = await c.request('POST', PDBS, {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name },
      spec: { minAvailable: 1, selector: { matchLabels: { app } } },
    });
    expect(created.status).toBe(201);
    if (status) {
      const pdb = created.json() as Record<string, unknown>;
      const updated = await c.request('PUT', `${PDBS}/${name}/status`, { ...pdb, status });
      expect(updated.status).toBe(200);
    }
  }

  const evict = (name: string, body: Record<string, unknown> = {}) =>
    c.request('POST', `${PODS}/${name}/eviction`, {
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name, namespace: 'default' },
      deleteOptions: { gracePeriodSeconds: 0 },
      ...body,
    });
  const podStatus = async (name: string) => (await c.request('GET', `${PODS}/${name}`)).status;

  it('deletes a pod no budget covers and answers 201 Success', async () => {
    await runningPod('free', { app: 'free' });
    const res = await evict('free');
    expect(res.status).toBe(201);
    expect(res.json()).toMatchObject({ kind: 'Status', status: 'Success' });
    expect(await podStatus('free')).toBe(404);
  });

  it('refuses with 429 when the budget allows no disruption, and leaves pod and budget alone', async () => {
    await runningPod('guarded', { app: 'guarded' });
    await budget('guarded', 'guarded', { observedGeneration: 1, disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1 });
    const res = await evict('guarded');
    expect(res.status).toBe(429);
    const status = res.json() as Status;
    expect(status).toMatchObject({ kind: 'Status', status: 'Failure', code: 429, reason: 'TooManyRequests', message: "Cannot evict pod as it would violate the pod's disruption budget." });
    expect(status.details?.causes).toEqual([{ reason: 'DisruptionBudget', message: 'The disruption budget guarded needs 1 healthy pods and has 1 currently' }]);
    expect(await podStatus('guarded')).toBe(200);
    const pdb = (await c.request('GET', `${PDBS}/guarded`)).json() as { status: { disruptionsAllowed: number; disruptedPods?: unknown } };
    expect(pdb.status.disruptionsAllowed).toBe(0);
    expect(pdb.status.disruptedPods).toBeUndefined();
  });

  it('refuses while the budget has not been processed by the disruption controller', async () => {
    await runningPod('fresh', { app: 'fresh' });
    await budget('fresh', 'fresh', undefined);
    const res = await evict('fresh');
    expect(res.status).toBe(429);
    expect((res.json() as Status).details?.causes?.[0]?.message).toBe('The disruption budget fresh is still being processed by the server.');
    expect(await podStatus('fresh')).toBe(200);
  });

  it('spends one allowed disruption, records the pod in disruptedPods, and deletes it', async () => {
    await runningPod('spend-a', { app: 'spend' });
    await runningPod('spend-b', { app: 'spend' });
    await budget('spend', 'spend', { observedGeneration: 1, disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2 });
    expect((await evict('spend-a')).status).toBe(201);
    expect(await podStatus('spend-a')).toBe(404);
    const pdb = (await c.request('GET', `${PDBS}/spend`)).json() as { status: { disruptionsAllowed: number; disruptedPods: Record<string, string> } };
    expect(pdb.status.disruptionsAllowed).toBe(0);
    expect(Object.keys(pdb.status.disruptedPods)).toEqual(['spend-a']);
    // The second eviction finds the budget spent.
    expect((await evict('spend-b')).status).toBe(429);
    expect(await podStatus('spend-b')).toBe(200);
  });

  it('lets pending pods and unready pods (with a healthy budget) go without spending the budget', async () => {
    await runningPod('pending', { app: 'lenient' }, { phase: 'Pending' });
    await runningPod('unready', { app: 'lenient' }, { ready: false });
    await runningPod('healthy', { app: 'lenient' });
    await budget('lenient', 'lenient', { observedGeneration: 1, disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 3 });
    expect((await evict('pending')).status).toBe(201);
    expect((await evict('unready')).status).toBe(201);
    expect((await evict('healthy')).status).toBe(429);
    expect(await podStatus('pending')).toBe(404);
    expect(await podStatus('unready')).toBe(404);
  });

  it('answers 500 for a pod covered by two budgets, 404 for a missing pod, 400 for a name mismatch', async () => {
    await runningPod('double', { app: 'double', tier: 'x' });
    await budget('double-1', 'double', { observedGeneration: 1, disruptionsAllowed: 1 });
    await budget('double-2', 'double', { observedGeneration: 1, disruptionsAllowed: 1 });
    const two = await evict('double');
    expect(two.status).toBe(500);
    expect((two.json() as Status).message).toBe('Internal error occurred: This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
    expect(await podStatus('double')).toBe(200);

    const missing = await evict('nobody');
    expect(missing.status).toBe(404);
    expect((missing.json() as Status).message).toBe('pods "nobody" not found');

    const mismatch = await evict('double', { metadata: { name: 'other' } });
    expect(mismatch.status).toBe(400);
    expect((mismatch.json() as Status).message).toBe('name in URL does not match name in Eviction object');
    expect(await podStatus('double')).toBe(200);
  });

  it('checks everything but deletes nothing on a dry run', async () => {
    await runningPod('dry', { app: 'dry' });
    const res = await c.request('POST', `${PODS}/dry/eviction?dryRun=All`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'dry' } });
    expect(res.status).toBe(201);
    expect(await podStatus('dry')).toBe(200);
  });

  it('never reads a POST to another subresource as a create of the resource itself', async () => {
    await c.request('POST', '/api/v1/namespaces/default/serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'robot' } });
    const before = ((await c.request('GET', '/api/v1/namespaces/default/serviceaccounts')).json() as { items: unknown[] }).items.length;
    const res = await c.request('POST', '/api/v1/namespaces/default/serviceaccounts/robot/token', {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { audiences: ['api'] },
    });
    expect(res.status).toBe(405);
    expect((res.json() as Status).reason).toBe('MethodNotAllowed');
    const after = ((await c.request('GET', '/api/v1/namespaces/default/serviceaccounts')).json() as { items: unknown[] }).items.length;
    expect(after).toBe(before);
  });

  it('serves kubectl drain, which evicts the pods of a cordoned node', async () => {
    await c.request('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'drained' } });
    await runningPod('on-drained-1', { app: 'drain' }, { node: 'drained' });
    await runningPod('on-drained-2', { app: 'drain' }, { node: 'drained' });
    const out = await c.kubectl(['drain', 'drained', '--force', '--grace-period=0', '--timeout=60s'], { timeoutMs: 90_000 });
    expect(out).toContain('node/drained cordoned');
    expect(out).toContain('pod/on-drained-1 evicted');
    expect(out).toContain('pod/on-drained-2 evicted');
    expect(out).toContain('node/drained drained');
    expect(await podStatus('on-drained-1')).toBe(404);
    const node = (await c.request('GET', '/api/v1/nodes/drained')).json() as { spec: { unschedulable?: boolean } };
    expect(node.spec.unschedulable).toBe(true);
  });
});
