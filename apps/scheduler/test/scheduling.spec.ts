import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestCluster, podScheduledCondition, waitFor } from './harness';

let cluster: TestCluster;
beforeEach(async () => {
  cluster = await TestCluster.start();
});
afterEach(async () => {
  await cluster.stop();
});

const ns = 'default';

describe('scheduler against a real apiserver: placement', () => {
  it('places a pod on the only node with room for its requests', async () => {
    await cluster.createNode('small', { cpu: '1' });
    await cluster.createNode('big', { cpu: '4' });
    await cluster.startScheduler();
    await cluster.createPod(ns, 'fits', { requests: { cpu: '2', memory: '1Gi' } });
    expect(await cluster.boundNode(ns, 'fits')).toBe('big');
    const [scheduled] = await waitFor(async () => {
      const ev = await cluster.events(ns, 'fits', 'Scheduled');
      return ev.length > 0 ? ev : undefined;
    }, 5000, 'the Scheduled event');
    expect(scheduled).toMatchObject({ type: 'Normal', message: 'Successfully assigned default/fits to big', source: { component: 'default-scheduler' } });
  });

  it('never double-books: consecutive pods account for the ones already placed', async () => {
    await cluster.createNode('n1', { cpu: '2' });
    await cluster.createNode('n2', { cpu: '2' });
    await cluster.startScheduler();
    await Promise.all(['a', 'b', 'c', 'd'].map((p) => cluster.createPod(ns, p, { requests: { cpu: '1' } })));
    const nodes = await Promise.all(['a', 'b', 'c', 'd'].map((p) => cluster.boundNode(ns, p)));
    expect(nodes.sort()).toEqual(['n1', 'n1', 'n2', 'n2']);
    await cluster.createPod(ns, 'e', { requests: { cpu: '1' } });
    const failed = await waitFor(async () => podScheduledCondition(await cluster.getPod(ns, 'e'))?.message, 5000, 'the fifth pod to be refused');
    expect(failed).toBe('0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.');
  });

  it('honours nodeSelector', async () => {
    await cluster.createNode('hdd', { labels: { disk: 'hdd' } });
    await cluster.createNode('ssd', { labels: { disk: 'ssd' } });
    await cluster.startScheduler();
    await cluster.createPod(ns, 'db', { nodeSelector: { disk: 'ssd' } });
    expect(await cluster.boundNode(ns, 'db')).toBe('ssd');
  });

  it('honours required node affinity and prefers the preferred node', async () => {
    await cluster.createNode('a1', { labels: { 'topology.kubernetes.io/zone': 'a', tier: 'gold' } });
    await cluster.createNode('a2', { labels: { 'topology.kubernetes.io/zone': 'a' } });
    await cluster.createNode('b1', { labels: { 'topology.kubernetes.io/zone': 'b', tier: 'gold' } });
    await cluster.startScheduler();
    const inZoneA = { key: 'topology.kubernetes.io/zone', operator: 'In', values: ['a'] };
    await cluster.createPod(ns, 'required', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [inZoneA] }] } } } });
    expect(['a1', 'a2']).toContain(await cluster.boundNode(ns, 'required'));
    for (const name of ['p1', 'p2', 'p3']) {
      await cluster.createPod(ns, name, {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [inZoneA] }] },
            preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, preference: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['gold'] }] } }],
          },
        },
      });
      expect(await cluster.boundNode(ns, name)).toBe('a1');
    }
  });

  it('keeps pods off tainted nodes unless they tolerate the taint', async () => {
    await cluster.createNode('gpu', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] });
    await cluster.createNode('cordoned', { unschedulable: true });
    await cluster.startScheduler();
    await cluster.createPod(ns, 'plain');
    const message = await waitFor(async () => podScheduledCondition(await cluster.getPod(ns, 'plain'))?.message, 5000, 'FailedScheduling');
    expect(message).toBe(
      "0/2 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 1 node(s) were unschedulable. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
    );
    await cluster.createPod(ns, 'tolerant', { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] });
    expect(await cluster.boundNode(ns, 'tolerant')).toBe('gpu');
  });

  it('spreads replicas with required pod anti-affinity one per hostname', async () => {
    for (const n of ['n1', 'n2', 'n3']) await cluster.createNode(n);
    await cluster.startScheduler();
    const antiAffinity = {
      podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } } }] },
    };
    for (let i = 0; i < 4; i++) await cluster.createPod(ns, `web-${i}`, { labels: { app: 'web' }, affinity: antiAffinity });
    const placed = await waitFor(async () => {
      const pods = await cluster.listPods(ns);
      const bound = pods.filter((p) => p.spec?.nodeName);
      const refused = pods.filter((p) => podScheduledCondition(p)?.reason === 'Unschedulable');
      return bound.length === 3 && refused.length === 1 ? { bound, refused } : undefined;
    }, 10_000, 'three replicas placed and one refused');
    expect(placed.bound.map((p) => p.spec?.nodeName).sort()).toEqual(['n1', 'n2', 'n3']);
    expect(podScheduledCondition(placed.refused[0]!)?.message).toBe(
      "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.",
    );
  });

  it('spreads pods evenly across zones with a DoNotSchedule topology spread constraint', async () => {
    await cluster.createNode('a1', { labels: { 'topology.kubernetes.io/zone': 'a' } });
    await cluster.createNode('a2', { labels: { 'topology.kubernetes.io/zone': 'a' } });
    await cluster.createNode('a3', { labels: { 'topology.kubernetes.io/zone': 'a' } });
    await cluster.createNode('b1', { labels: { 'topology.kubernetes.io/zone': 'b' } });
    await cluster.startScheduler();
    const spread = [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'api' } } }];
    const names = Array.from({ length: 6 }, (_, i) => `api-${i}`);
    for (const n of names) await cluster.createPod(ns, n, { labels: { app: 'api' }, topologySpreadConstraints: spread });
    const nodes = await Promise.all(names.map((n) => cluster.boundNode(ns, n)));
    const perZone = { a: nodes.filter((n) => n.startsWith('a')).length, b: nodes.filter((n) => n.startsWith('b')).length };
    expect(perZone).toEqual({ a: 3, b: 3 });
  });
});

describe('scheduler against a real apiserver: unschedulable pods', () => {
  it('reports FailedScheduling with Kubernetes’ message, then schedules the pod when a node that fits is added', async () => {
    await cluster.createNode('small', { cpu: '2' });
    const scheduler = await cluster.startScheduler();
    await cluster.createPod(ns, 'big', { requests: { cpu: '3' } });
    // Asking for more than the node has at all is unresolvable, so preemption is not even tried.
    const want = '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.';
    const condition = await waitFor(async () => podScheduledCondition(await cluster.getPod(ns, 'big')), 5000, 'the PodScheduled condition');
    expect(condition).toMatchObject({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: want });
    const [event] = await waitFor(async () => {
      const ev = await cluster.events(ns, 'big', 'FailedScheduling');
      return ev.length > 0 ? ev : undefined;
    }, 5000, 'the FailedScheduling event');
    expect(event).toMatchObject({ type: 'Warning', reason: 'FailedScheduling', message: want });
    expect(scheduler.queue.whereIs((await cluster.getPod(ns, 'big')).metadata!.uid!)).toBe('unschedulable');

    const addedAt = Date.now();
    await cluster.createNode('large', { cpu: '8' });
    expect(await cluster.boundNode(ns, 'big')).toBe('large');
    // Event-driven: within the pod's 1 s backoff, not the 5 min flush.
    expect(Date.now() - addedAt).toBeLessThan(5000);
    const bound = await cluster.getPod(ns, 'big');
    expect(podScheduledCondition(bound)).toMatchObject({ status: 'True' });

    const metrics = await scheduler.metricsRegistry.metrics();
    expect(metrics).toMatch(/scheduler_schedule_attempts_total\{result="unschedulable",profile="default-scheduler"\} [1-9]/);
    expect(metrics).toMatch(/scheduler_schedule_attempts_total\{result="scheduled",profile="default-scheduler"\} 1/);
    expect(metrics).toMatch(/scheduler_pod_scheduling_sli_duration_seconds_count\{attempts="2"\} 1/);
    expect(metrics).toMatch(/scheduler_pending_pods\{queue="unschedulable"\} 0/);
  });

  it('leaves pods of other schedulers and pods with a node alone, and schedules profiles by schedulerName', async () => {
    await cluster.createNode('n1');
    await cluster.createNode('n2');
    await cluster.startScheduler({
      config: {
        profiles: [
          { schedulerName: 'default-scheduler' },
          { schedulerName: 'bin-packer', pluginConfig: [{ name: 'NodeResourcesFit', args: { scoringStrategy: { type: 'MostAllocated' } } }] },
        ],
      },
    });
    await cluster.createPod(ns, 'foreign', { schedulerName: 'someone-else' });
    await cluster.createPod(ns, 'first', { schedulerName: 'bin-packer', requests: { cpu: '1' } });
    const first = await cluster.boundNode(ns, 'first');
    await cluster.createPod(ns, 'second', { schedulerName: 'bin-packer', requests: { cpu: '1' } });
    expect(await cluster.boundNode(ns, 'second')).toBe(first);
    const [scheduled] = await waitFor(async () => {
      const ev = await cluster.events(ns, 'second', 'Scheduled');
      return ev.length > 0 ? ev : undefined;
    }, 5000, 'the Scheduled event');
    expect(scheduled?.source?.component).toBe('bin-packer');
    expect((await cluster.getPod(ns, 'foreign')).spec?.nodeName).toBeUndefined();
    expect(podScheduledCondition(await cluster.getPod(ns, 'foreign'))).toBeUndefined();
  });
});
