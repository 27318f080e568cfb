import { FakeClock } from '@tskube/client/testing';
import { describe, expect, it } from 'vitest';
import { Code, Status } from '../framework/status';
import { makeNode, makePod } from '../framework/testing';
import { PluginNames } from '../plugins/names';
import { PrioritySort } from '../plugins/queue-sort/priority-sort';
import { SchedulingGates } from '../plugins/scheduling-gates/scheduling-gates';
import { ClusterEvents, nodeUpdateEvent } from './events';
import { SchedulingQueue, isPodUpdated, type SchedulingQueueOptions } from './scheduling-queue';

function newQueue(options: Partial<SchedulingQueueOptions> = {}) {
  const clock = new FakeClock();
  const sort = new PrioritySort();
  const gates = new SchedulingGates();
  const queue = new SchedulingQueue({
    less: (a, b) => sort.less(a, b),
    preEnqueue: (p) => gates.preEnqueue(p)?.withPlugin(gates.name),
    clock,
    ...options,
  });
  return { queue, clock };
}

const gateStatus = new Status(Code.UnschedulableAndUnresolvable, ['waiting'], { plugin: 'Test' });
const name = (qp: { podInfo: { pod: { metadata?: { name?: string } } } } | undefined) => qp?.podInfo.pod.metadata?.name;

/** Pops a pod and fails it as if `plugins` rejected it. */
async function failWith(queue: SchedulingQueue, plugins: string[], error = false) {
  const qp = (await queue.pop())!;
  queue.addUnschedulableIfNotPresent(qp, { unschedulablePlugins: new Set(plugins), error });
  return qp;
}

describe('SchedulingQueue ordering', () => {
  it('pops by priority, then by arrival', async () => {
    const { queue, clock } = newQueue();
    queue.add(makePod('low').priority(1).obj());
    clock.step(1);
    queue.add(makePod('high-late').priority(10).obj());
    queue.add(makePod('mid').priority(5).obj());
    clock.step(1);
    queue.add(makePod('high-later').priority(10).obj());
    const order = [];
    for (let i = 0; i < 4; i++) order.push(name(await queue.pop()));
    expect(order).toEqual(['high-late', 'high-later', 'mid', 'low']);
    expect(queue.schedulingCycle).toBe(4);
  });

  it('a waiting pop gets the next pod added, and undefined after close', async () => {
    const { queue } = newQueue();
    const waiting = queue.pop();
    queue.add(makePod('p').obj());
    expect(name(await waiting)).toBe('p');
    expect(queue.whereIs('uid-p')).toBe('inFlight');
    const next = queue.pop();
    queue.close();
    expect(await next).toBeUndefined();
  });

  it('a pop aborted by its signal resolves undefined and takes nothing', async () => {
    const { queue } = newQueue();
    const ac = new AbortController();
    const waiting = queue.pop(ac.signal);
    ac.abort();
    expect(await waiting).toBeUndefined();
    queue.add(makePod('p').obj());
    expect(queue.whereIs('uid-p')).toBe('active');
  });
});

describe('SchedulingQueue backoff', () => {
  it.each([
    { attempts: 1, ms: 1000 },
    { attempts: 2, ms: 2000 },
    { attempts: 3, ms: 4000 },
    { attempts: 4, ms: 8000 },
    { attempts: 5, ms: 10_000 },
    { attempts: 12, ms: 10_000 },
  ])('attempt $attempts backs off $ms ms', ({ attempts, ms }) => {
    const { queue } = newQueue();
    expect(queue.backoffDuration({ attempts } as never)).toBe(ms);
  });

  it('an error sends the pod to backoffQ until its backoff is over, doubling per attempt', async () => {
    const { queue, clock } = newQueue();
    queue.add(makePod('p').obj());
    await failWith(queue, [], true);
    expect(queue.whereIs('uid-p')).toBe('backoff');
    clock.step(999);
    expect(queue.whereIs('uid-p')).toBe('backoff');
    clock.step(1);
    expect(queue.whereIs('uid-p')).toBe('active');
    await failWith(queue, [], true);
    clock.step(1999);
    expect(queue.whereIs('uid-p')).toBe('backoff');
    clock.step(1);
    expect(queue.whereIs('uid-p')).toBe('active');
    expect(queue.pendingPods()).toEqual({ active: 1, backoff: 0, unschedulable: 0, gated: 0 });
  });

  it('honours configured backoff bounds', async () => {
    const { queue, clock } = newQueue({ initialBackoffMs: 100, maxBackoffMs: 150 });
    queue.add(makePod('p').obj());
    for (const wait of [100, 150, 150]) {
      await failWith(queue, [], true);
      clock.step(wait - 1);
      expect(queue.whereIs('uid-p')).toBe('backoff');
      clock.step(1);
      expect(queue.whereIs('uid-p')).toBe('active');
    }
  });
});

describe('SchedulingQueue event-driven moves', () => {
  const bigNode = makeNode('big').capacity({ cpu: '8', memory: '8Gi', pods: '10' }).obj();
  const smallNode = makeNode('small').capacity({ cpu: '1', memory: '8Gi', pods: '10' }).obj();

  it.each([
    { name: 'a node that fits moves a pod rejected for resources', plugins: [PluginNames.NodeResourcesFit], event: ClusterEvents.NodeAdd, obj: bigNode, want: 'backoff' },
    { name: 'a node too small does not', plugins: [PluginNames.NodeResourcesFit], event: ClusterEvents.NodeAdd, obj: smallNode, want: 'unschedulable' },
    { name: 'a deleted pod may free resources', plugins: [PluginNames.NodeResourcesFit], event: ClusterEvents.AssignedPodDelete, old: makePod('gone').node('n').obj(), want: 'backoff' },
    { name: 'an added pod frees nothing', plugins: [PluginNames.NodeResourcesFit], event: ClusterEvents.AssignedPodAdd, obj: makePod('new').node('n').obj(), want: 'unschedulable' },
    {
      name: 'a node with an untolerated taint does not help a pod rejected for taints',
      plugins: [PluginNames.TaintToleration],
      event: ClusterEvents.NodeAdd,
      obj: makeNode('t').taint('k', 'v', 'NoSchedule').obj(),
      want: 'unschedulable',
    },
    { name: 'an untainted node does', plugins: [PluginNames.TaintToleration], event: ClusterEvents.NodeAdd, obj: makeNode('u').obj(), want: 'backoff' },
    { name: 'a node not matching the selector does not help NodeAffinity', plugins: [PluginNames.NodeAffinity], event: ClusterEvents.NodeAdd, obj: makeNode('x').obj(), want: 'unschedulable' },
    { name: 'the periodic flush event moves everyone', plugins: [PluginNames.NodeAffinity], event: ClusterEvents.UnschedulableTimeout, want: 'backoff' },
    { name: 'an unknown plugin is moved by any event', plugins: ['OutOfTree'], event: ClusterEvents.AssignedPodAdd, obj: makePod('x').node('n').obj(), want: 'backoff' },
    { name: 'a pod no plugin rejected is moved by any event', plugins: [], event: ClusterEvents.NodeAdd, obj: smallNode, want: 'backoff' },
  ])('$name', async ({ plugins, event, obj, old, want }) => {
    const { queue } = newQueue();
    queue.add(makePod('p').req({ cpu: '2' }).nodeSelector({ disk: 'ssd' }).obj());
    await failWith(queue, plugins);
    expect(queue.whereIs('uid-p')).toBe('unschedulable');
    queue.moveAllToActiveOrBackoffQueue(event, old, obj);
    expect(queue.whereIs('uid-p')).toBe(want);
  });

  it('a node update moves only pods whose rejecting plugin cares about what changed', async () => {
    const { queue, clock } = newQueue();
    queue.add(makePod('tainted-out').obj());
    await failWith(queue, [PluginNames.TaintToleration]);
    queue.add(makePod('too-big').req({ cpu: '6' }).obj());
    await failWith(queue, [PluginNames.NodeResourcesFit]);
    const before = makeNode('n').capacity({ cpu: '4', memory: '8Gi', pods: '10' }).taint('k', 'v', 'NoSchedule').obj();
    const relabelled = makeNode('n').capacity({ cpu: '4', memory: '8Gi', pods: '10' }).taint('k', 'v', 'NoSchedule').label('a', 'b').obj();
    queue.moveAllToActiveOrBackoffQueue(nodeUpdateEvent(before, relabelled)!, before, relabelled);
    expect(queue.pendingPods().unschedulable).toBe(2);
    const grown = makeNode('n').capacity({ cpu: '8', memory: '8Gi', pods: '10' }).taint('k', 'v', 'NoSchedule').obj();
    queue.moveAllToActiveOrBackoffQueue(nodeUpdateEvent(before, grown)!, before, grown);
    expect(queue.whereIs('uid-too-big')).toBe('backoff');
    expect(queue.whereIs('uid-tainted-out')).toBe('unschedulable');
    clock.step(1000);
    expect(queue.whereIs('uid-too-big')).toBe('active');
  });

  it('pod affinity waits for an assigned pod its terms select', async () => {
    const { queue } = newQueue();
    queue.add(makePod('follower').podAffinity('kubernetes.io/hostname', 'app', 'db').obj());
    await failWith(queue, [PluginNames.InterPodAffinity]);
    queue.moveAllToActiveOrBackoffQueue(ClusterEvents.AssignedPodAdd, undefined, makePod('web').label('app', 'web').node('n').obj());
    expect(queue.whereIs('uid-follower')).toBe('unschedulable');
    queue.moveAllToActiveOrBackoffQueue(ClusterEvents.AssignedPodAdd, undefined, makePod('db').label('app', 'db').node('n').obj());
    expect(queue.whereIs('uid-follower')).toBe('backoff');
  });

  it('an event during the attempt that may help sends the failed pod to backoffQ', async () => {
    const { queue, clock } = newQueue();
    queue.add(makePod('p').req({ cpu: '2' }).obj());
    const qp = (await queue.pop())!;
    queue.moveAllToActiveOrBackoffQueue(ClusterEvents.NodeAdd, undefined, smallNode);
    queue.addUnschedulableIfNotPresent(qp, { unschedulablePlugins: new Set([PluginNames.NodeResourcesFit]), error: false });
    expect(queue.whereIs('uid-p')).toBe('unschedulable');

    queue.moveAllToActiveOrBackoffQueue(ClusterEvents.UnschedulableTimeout);
    clock.step(1000);
    const again = (await queue.pop())!;
    queue.moveAllToActiveOrBackoffQueue(ClusterEvents.NodeAdd, undefined, bigNode);
    queue.addUnschedulableIfNotPresent(again, { unschedulablePlugins: new Set([PluginNames.NodeResourcesFit]), error: false });
    expect(queue.whereIs('uid-p')).toBe('backoff');
  });

  it('pods unschedulable for more than 5 minutes are retried by the periodic flush', async () => {
    const { queue, clock } = newQueue();
    queue.start();
    queue.add(makePod('p').obj());
    await failWith(queue, [PluginNames.NodeAffinity]);
    clock.step(5 * 60_000);
    expect(queue.whereIs('uid-p')).toBe('unschedulable');
    clock.step(30_000);
    expect(queue.whereIs('uid-p')).toBe('active');
    queue.close();
    expect(clock.pendingTimers()).toBe(0);
  });

  it('a spec change retries an unschedulable pod; a status change does not', async () => {
    const { queue } = newQueue();
    const pod = makePod('p').obj();
    queue.add(pod);
    await failWith(queue, [PluginNames.NodeAffinity]);
    const withCondition = { ...pod, status: { conditions: [{ type: 'PodScheduled', status: 'False' }] } };
    queue.update(pod, withCondition);
    expect(queue.whereIs('uid-p')).toBe('unschedulable');
    const relabelled = { ...withCondition, metadata: { ...pod.metadata, labels: { x: 'y' } } };
    queue.update(withCondition, relabelled);
    expect(queue.whereIs('uid-p')).toBe('backoff');
    expect(isPodUpdated(pod, withCondition)).toBe(false);
  });
});

describe('SchedulingQueue gating and bookkeeping', () => {
  it('keeps gated pods out until their gates are removed', async () => {
    const { queue } = newQueue();
    const gated = makePod('g').schedulingGates('example.com/wait').obj();
    queue.add(gated);
    expect(queue.whereIs('uid-g')).toBe('gated');
    expect(queue.pendingPods()).toEqual({ active: 0, backoff: 0, unschedulable: 0, gated: 1 });
    queue.moveAllToActiveOrBackoffQueue(ClusterEvents.UnschedulableTimeout);
    expect(queue.whereIs('uid-g')).toBe('gated');
    queue.update(gated, makePod('g').obj());
    expect(queue.whereIs('uid-g')).toBe('active');
  });

  it('activate moves a parked or backing-off pod to activeQ through PreEnqueue, and leaves others alone', async () => {
    let holding = true;
    const { queue } = newQueue({ preEnqueue: (p) => (holding && p.pod.metadata?.name === 'held' ? gateStatus : undefined) });
    queue.add(makePod('parked').obj());
    await failWith(queue, [PluginNames.NodeAffinity]);
    queue.add(makePod('erring').obj());
    await failWith(queue, [], true);
    queue.add(makePod('held').obj());
    expect([queue.whereIs('uid-parked'), queue.whereIs('uid-erring'), queue.whereIs('uid-held')]).toEqual(['unschedulable', 'backoff', 'gated']);
    queue.activate('uid-parked');
    queue.activate('uid-erring');
    queue.activate('uid-held');
    queue.activate('uid-unknown');
    expect([queue.whereIs('uid-parked'), queue.whereIs('uid-erring'), queue.whereIs('uid-held')]).toEqual(['active', 'active', 'gated']);
    holding = false;
    queue.activate('uid-held');
    expect(queue.whereIs('uid-held')).toBe('active');
    expect(queue.whereIs('uid-unknown')).toBeUndefined();
  });

  it('deletes pods from wherever they are and tracks nominations', async () => {
    const { queue } = newQueue();
    const a = makePod('a').nominated('n1').obj();
    queue.add(a);
    queue.add(makePod('b').obj());
    expect(queue.nominator.nominatedPodsForNode('n1').map((p) => p.key)).toEqual(['uid-a']);
    await failWith(queue, [PluginNames.NodeAffinity]);
    queue.delete(a);
    queue.delete(makePod('b').obj());
    expect(queue.whereIs('uid-a')).toBeUndefined();
    expect(queue.whereIs('uid-b')).toBeUndefined();
    expect(queue.nominator.nominatedPodsForNode('n1')).toEqual([]);
  });

  it('a pod re-added while in flight is not queued twice', async () => {
    const { queue } = newQueue();
    const pod = makePod('p').obj();
    queue.add(pod);
    const qp = (await queue.pop())!;
    queue.add(pod);
    expect(queue.whereIs('uid-p')).toBe('inFlight');
    queue.done(qp.podInfo.key);
    expect(queue.whereIs('uid-p')).toBeUndefined();
  });
});
