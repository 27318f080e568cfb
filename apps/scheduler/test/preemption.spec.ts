import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Res, TestCluster, podScheduledCondition, waitFor } from './harness';

let cluster: TestCluster;
beforeEach(async () => {
  cluster = await TestCluster.start();
});
afterEach(async () => {
  await cluster.stop();
});

const ns = 'default';

describe('scheduler against a real apiserver: preemption', () => {
  it('evicts a lower-priority pod for a higher-priority one and binds it on the nominated node', async () => {
    await cluster.createPriorityClass('low', 100);
    await cluster.createPriorityClass('high', 1000);
    await cluster.createNode('n1', { cpu: '2' });
    const scheduler = await cluster.startScheduler();
    const victim = await cluster.createPod(ns, 'batch', { priorityClassName: 'low', requests: { cpu: '2' }, terminationGracePeriodSeconds: 30 });
    expect(await cluster.boundNode(ns, 'batch')).toBe('n1');

    const preemptor = await cluster.createPod(ns, 'urgent', { priorityClassName: 'high', requests: { cpu: '2' } });
    expect(preemptor.spec?.priority).toBe(1000);

    // The victim is marked and deleted gracefully; with no kubelet it stays terminating.
    const terminating = await waitFor(async () => {
      const p = await cluster.getPod(ns, 'batch');
      return p.metadata?.deletionTimestamp ? p : undefined;
    }, 5000, 'the victim to be deleted');
    expect(terminating.status?.conditions?.find((c) => c.type === 'DisruptionTarget')).toMatchObject({
      status: 'True',
      reason: 'PreemptionByScheduler',
      message: 'default-scheduler: preempting to accommodate a higher priority pod',
    });
    const nominated = await waitFor(async () => (await cluster.getPod(ns, 'urgent')).status?.nominatedNodeName, 5000, 'the nomination');
    expect(nominated).toBe('n1');
    // Activated once its preemption is done, it tries again and waits for the terminating victim.
    const retried = '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to a terminating pod on the nominated node.';
    await waitFor(async () => (podScheduledCondition(await cluster.getPod(ns, 'urgent'))?.message === retried ? true : undefined), 5000, 'the retry after preemption');
    expect(podScheduledCondition(await cluster.getPod(ns, 'urgent'))).toMatchObject({ status: 'False', reason: 'Unschedulable' });
    const [preempted] = await waitFor(async () => {
      const ev = await cluster.events(ns, 'batch', 'Preempted');
      return ev.length > 0 ? ev : undefined;
    }, 5000, 'the Preempted event');
    expect(preempted?.message).toBe(`Preempted by pod ${preemptor.metadata?.uid} on node n1`);
    expect((await cluster.getPod(ns, 'urgent')).spec?.nodeName).toBeUndefined();

    // The kubelet's part: the container stopped, the pod object goes.
    await cluster.delete(Res.pods, ns, 'batch', { gracePeriodSeconds: 0, preconditions: { uid: victim.metadata?.uid } });
    expect(await cluster.boundNode(ns, 'urgent')).toBe('n1');
    expect(await scheduler.metricsRegistry.getSingleMetricAsString('scheduler_preemption_victims')).toMatch(/scheduler_preemption_victims_sum 1/);
  });

  it('does not preempt for a pod with preemptionPolicy Never', async () => {
    await cluster.client.create(Res.priorityclasses, '', {
      apiVersion: 'scheduling.k8s.io/v1',
      kind: 'PriorityClass',
      metadata: { name: 'polite' },
      value: 1000,
      preemptionPolicy: 'Never',
    });
    await cluster.createNode('n1', { cpu: '1' });
    await cluster.startScheduler();
    await cluster.createPod(ns, 'incumbent', { requests: { cpu: '1' } });
    await cluster.boundNode(ns, 'incumbent');
    await cluster.createPod(ns, 'polite', { priorityClassName: 'polite', requests: { cpu: '1' } });
    const message = await waitFor(async () => podScheduledCondition(await cluster.getPod(ns, 'polite'))?.message, 5000, 'FailedScheduling');
    expect(message).toBe('0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.');
    expect((await cluster.getPod(ns, 'incumbent')).metadata?.deletionTimestamp).toBeUndefined();
  });
});
