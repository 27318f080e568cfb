import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../../apps/apiserver/test/harness';
import { createHollowNodes, runLeaseRenewer, runPodMarker } from './hollow-nodes';

describe('hollow nodes', () => {
  let c: TestCluster;
  beforeAll(async () => {
    c = await startCluster();
  });
  afterAll(async () => {
    await c?.stop();
  });

  it('registers nodes with capacity, zone labels and taints', async () => {
    const names = await createHollowNodes(c.url, { count: 50, cpu: '8', zones: ['a', 'b'], taints: [{ key: 'dedicated', value: 'bench', effect: 'NoSchedule' }] });
    expect(names).toHaveLength(50);
    const list = (await c.request('GET', '/api/v1/nodes?labelSelector=topology.kubernetes.io%2Fzone%3Db')).json() as {
      items: { status: { allocatable: { cpu: string } }; spec: { taints: unknown[] } }[];
    };
    expect(list.items).toHaveLength(25);
    expect(list.items[0].status.allocatable.cpu).toBe('8');
    expect(list.items[0].spec.taints).toEqual([{ key: 'dedicated', value: 'bench', effect: 'NoSchedule' }]);
  });

  it('marks pods bound to hollow nodes Running and leaves unbound pods alone', async () => {
    const running: string[] = [];
    const marker = runPodMarker(c.url, { onRunning: (p) => running.push(p) });
    try {
      for (const name of ['bound', 'unbound']) {
        await c.request('POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'x' }] } });
      }
      const bind = await c.request('POST', '/api/v1/namespaces/default/pods/bound/binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bound' }, target: { kind: 'Node', name: 'hollow-3' } });
      expect(bind.status).toBe(201);
      const deadline = Date.now() + 5000;
      while (!running.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(running).toEqual(['default/bound']);
      const pod = (await c.request('GET', '/api/v1/namespaces/default/pods/bound')).json() as { status: { phase: string; conditions: { type: string; status: string }[] } };
      expect(pod.status.phase).toBe('Running');
      expect(pod.status.conditions).toContainEqual(expect.objectContaining({ type: 'Ready', status: 'True' }));
      const other = (await c.request('GET', '/api/v1/namespaces/default/pods/unbound')).json() as { status: { phase: string } };
      expect(other.status.phase).toBe('Pending');
    } finally {
      marker.stop();
      await marker.done;
    }
  });
  it('reports a running status per container and completes graceful deletions of its pods', async () => {
    const marker = runPodMarker(c.url);
    try {
      await c.request('POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'leaving' }, spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] } });
      await c.request('POST', '/api/v1/namespaces/default/pods/leaving/binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'leaving' }, target: { kind: 'Node', name: 'hollow-1' } });
      const poll = async <T>(fn: () => Promise<T | undefined>): Promise<T> => {
        const deadline = Date.now() + 10_000;
        for (;;) {
          const v = await fn();
          if (v !== undefined) return v;
          if (Date.now() > deadline) throw new Error('condition not met');
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      const statuses = await poll(async () => {
        const pod = (await c.request('GET', '/api/v1/namespaces/default/pods/leaving')).json() as { status: { containerStatuses?: { name: string; ready: boolean }[] } };
        return pod.status.containerStatuses;
      });
      expect(statuses.map((s) => [s.name, s.ready])).toEqual([
        ['a', true],
        ['b', true],
      ]);
      const del = await c.request('DELETE', '/api/v1/namespaces/default/pods/leaving', { gracePeriodSeconds: 30 });
      expect(del.status).toBe(200);
      await poll(async () => ((await c.request('GET', '/api/v1/namespaces/default/pods/leaving')).status === 404 ? true : undefined));
    } finally {
      marker.stop();
      await marker.done;
    }
  });

  it('keeps a Lease per hollow node renewed', async () => {
    const renewer = runLeaseRenewer(c.url, ['hollow-0', 'hollow-1'], 100);
    await renewer.renewed;
    const first = (await c.request('GET', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/hollow-0')).json() as { spec: { renewTime: string } };
    await new Promise((r) => setTimeout(r, 250));
    renewer.stop();
    const later = (await c.request('GET', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/hollow-0')).json() as { spec: { renewTime: string } };
    expect(Date.parse(later.spec.renewTime)).toBeGreaterThan(Date.parse(first.spec.renewTime));
  });
});
