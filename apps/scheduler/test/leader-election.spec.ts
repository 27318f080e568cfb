import type { corev1 } from '@tskube/api-types';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Scheduler } from '../src/scheduler';
import { Res, TestCluster, waitFor } from './harness';

let cluster: TestCluster;
beforeEach(async () => {
  cluster = await TestCluster.start();
});
afterEach(async () => {
  await cluster.stop();
});

const ns = 'default';
const shortLease = { leaseDurationMs: 2000, renewDeadlineMs: 1500, retryPeriodMs: 250 };

async function scheduledCount(s: Scheduler): Promise<number> {
  const text = await s.metricsRegistry.getSingleMetricAsString('scheduler_schedule_attempts_total');
  const m = /scheduler_schedule_attempts_total\{result="scheduled",profile="default-scheduler"\} (\d+)/.exec(text);
  return m ? Number(m[1]) : 0;
}

/** Records every node each pod of the namespace is ever seen on, from a watch. */
function watchBindings(): { nodesOf: Map<string, Set<string>>; stop(): void } {
  const nodesOf = new Map<string, Set<string>>();
  const stream = cluster.client.watch<corev1.Pod>(Res.pods, ns, { resourceVersion: '0' });
  void (async () => {
    try {
      for await (const ev of stream) {
        if (ev.type !== 'ADDED' && ev.type !== 'MODIFIED') continue;
        const node = ev.object.spec?.nodeName;
        if (!node) continue;
        const name = ev.object.metadata?.name ?? '';
        if (!nodesOf.has(name)) nodesOf.set(name, new Set());
        nodesOf.get(name)!.add(node);
      }
    } catch {
      // closed
    }
  })();
  return { nodesOf, stop: () => stream.close() };
}

async function createPods(prefix: string, n: number): Promise<string[]> {
  const names = Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
  await Promise.all(names.map((name) => cluster.createPod(ns, name, { requests: { cpu: '100m' } })));
  return names;
}

async function scheduledEvents(names: string[]): Promise<Map<string, number>> {
  const { items } = await cluster.client.list<corev1.Event>(Res.events, ns);
  const counts = new Map<string, number>();
  for (const e of items) if (e.reason === 'Scheduled' && names.includes(e.involvedObject.name ?? '')) counts.set(e.involvedObject.name!, (counts.get(e.involvedObject.name!) ?? 0) + (e.count ?? 1));
  return counts;
}

describe('scheduler high availability', () => {
  it('only the leader schedules; when it stops, the standby takes over at once', async () => {
    for (const n of ['n1', 'n2', 'n3']) await cluster.createNode(n);
    const a = await cluster.startScheduler({ leaderElection: { ...shortLease, identity: 'a' } }, 'a');
    await waitFor(() => (a.isLeader() ? true : undefined), 5000, 'a to lead');
    const b = await cluster.startScheduler({ leaderElection: { ...shortLease, identity: 'b' } }, 'b');
    const first = await createPods('first', 5);
    await Promise.all(first.map((p) => cluster.boundNode(ns, p)));
    expect(b.isLeader()).toBe(false);
    expect(await scheduledCount(a)).toBe(5);
    expect(await scheduledCount(b)).toBe(0);
    const lease = await cluster.client.get<{ spec?: { holderIdentity?: string } }>(Res.leases, 'kube-system', 'kube-scheduler');
    expect(lease.spec?.holderIdentity).toBe('a');

    const stoppedAt = Date.now();
    await a.stop();
    await waitFor(() => (b.isLeader() ? true : undefined), 5000, 'b to lead');
    // a released the lease, so b need not wait for it to expire (which takes a full lease duration).
    expect(Date.now() - stoppedAt).toBeLessThan(shortLease.leaseDurationMs);
    const second = await createPods('second', 5);
    await Promise.all(second.map((p) => cluster.boundNode(ns, p)));
    expect(await scheduledCount(b)).toBe(5);
  });

  it('when the leader dies without releasing the lease, the standby takes over within the lease duration and no pod is bound twice', async () => {
    for (const n of ['n1', 'n2', 'n3', 'n4']) await cluster.createNode(n, { cpu: '16' });
    const bindings = watchBindings();
    const leaderClient = cluster.newClient();
    let lost = false;
    const a = await cluster.startScheduler({ client: leaderClient, leaderElection: { ...shortLease, identity: 'a' }, onLostLeadership: () => (lost = true) }, 'a');
    await waitFor(() => (a.isLeader() ? true : undefined), 5000, 'a to lead');
    const b = await cluster.startScheduler({ leaderElection: { ...shortLease, identity: 'b' } }, 'b');

    const before = await createPods('before', 10);
    await Promise.all(before.map((p) => cluster.boundNode(ns, p)));
    // Pods arrive while the leader dies mid-flight: its connection to the apiserver is cut at once,
    // as a crash or a partition would, and it never gives the lease back.
    const during = createPods('during', 30);
    await new Promise((r) => setTimeout(r, 20));
    const diedAt = Date.now();
    leaderClient.close();
    const duringNames = await during;

    await waitFor(() => (b.isLeader() ? true : undefined), 15_000, 'b to take over');
    const takeover = Date.now() - diedAt;
    expect(takeover).toBeLessThan(15_000);
    expect(takeover).toBeGreaterThanOrEqual(1000);
    await waitFor(() => (lost ? true : undefined), 5000, 'a to notice it lost the lease');
    expect(a.isLeader()).toBe(false);

    const after = await createPods('after', 10);
    const all = [...before, ...duringNames, ...after];
    await Promise.all(all.map((p) => cluster.boundNode(ns, p, 15_000)));
    await waitFor(() => (all.every((p) => bindings.nodesOf.has(p)) ? true : undefined), 5000, 'the watch to see every binding');
    bindings.stop();
    for (const name of all) expect([...(bindings.nodesOf.get(name) ?? [])], name).toHaveLength(1);
    const events = await scheduledEvents(all);
    for (const [name, count] of events) expect(count, name).toBe(1);
    expect((await scheduledCount(a)) + (await scheduledCount(b))).toBeLessThanOrEqual(all.length);
    expect(await scheduledCount(b)).toBeGreaterThanOrEqual(after.length);
  });
});
