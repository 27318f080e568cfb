import { StatusError, type corev1 } from '@tskube/api-types';
import { FakeClock } from '@tskube/client/testing';
import { createLogger } from '@tskube/component';
import { describe, expect, it } from 'vitest';
import { SchedulerCache } from './cache/cache';
import type { PermitPlugin, ReservePlugin } from './framework/interfaces';
import { buildProfiles } from './framework/profile';
import { Registry } from './framework/registry';
import { Code, Status } from './framework/status';
import { makeNode, makePod } from './framework/testing';
import type { PodApi } from './pod-api';
import { inTreeRegistry } from './plugins/registry';
import { Nominator } from './queue/nominator';
import { SchedulingQueue } from './queue/scheduling-queue';
import { SchedulingCore } from './schedule-one';

/** A fake apiserver side: pods by namespace/name, bind behaviour chosen per test, calls recorded. */
class FakePodApi implements PodApi {
  readonly pods = new Map<string, corev1.Pod>();
  readonly binds: string[] = [];
  readonly statusWrites: corev1.Pod[] = [];
  bindError: ((pod: corev1.Pod) => unknown) | undefined;

  async bind(pod: corev1.Pod, nodeName: string): Promise<void> {
    this.binds.push(`${pod.metadata?.name}->${nodeName}`);
    const err = this.bindError?.(pod);
    if (err !== undefined) throw err;
  }

  async getPod(namespace: string, name: string): Promise<corev1.Pod> {
    const p = this.pods.get(`${namespace}/${name}`);
    if (p === undefined) throw new StatusError({ code: 404, reason: 'NotFound', message: 'not found' });
    return p;
  }

  async updatePodStatus(pod: corev1.Pod): Promise<corev1.Pod> {
    this.statusWrites.push(pod);
    return pod;
  }

  /** Deletions wait for this when set (a victim's eviction still under way). */
  deleteGate: Promise<void> | undefined;
  readonly deletes: string[] = [];

  async deletePod(namespace: string, name: string): Promise<void> {
    await this.deleteGate;
    this.deletes.push(`${namespace}/${name}`);
  }
}

function setup(nodes: corev1.Node[], config: unknown = {}, plugins?: Registry) {
  const clock = new FakeClock();
  const api = new FakePodApi();
  const nominator = new Nominator();
  const registry = inTreeRegistry({ bind: (p, n) => api.bind(p, n) });
  if (plugins) registry.merge(plugins);
  const { profiles } = buildProfiles(config, { registry, nominator, rng: () => 0 });
  const profile = profiles.get('default-scheduler')!;
  // As the Scheduler wires it: the core's PreEnqueue holds back pods whose preemption is under way.
  const queue: SchedulingQueue = new SchedulingQueue({ less: (a, b) => profile.queueSort.less(a, b), preEnqueue: (p): Status | undefined => core.preEnqueue(p), nominator, clock });
  const cache = new SchedulerCache();
  for (const n of nodes) cache.addNode(n);
  const events: string[] = [];
  const informerPods = new Map<string, corev1.Pod>();
  const core: SchedulingCore = new SchedulingCore({
    profiles,
    queue,
    cache,
    api,
    recorder: () => ({ event: (obj, type, reason, message) => void events.push(`${type} ${reason} ${(obj as corev1.Pod).metadata?.name}: ${message}`) }),
    getPod: (ns, name) => informerPods.get(`${ns}/${name}`),
    clock,
    logger: createLogger({ component: 'test', level: 'error', write: () => undefined }),
  });
  /** Adds a pending pod as the informer would see it and runs one scheduling attempt on it. */
  const attempt = async (pod: corev1.Pod) => {
    informerPods.set(`default/${pod.metadata!.name}`, pod);
    queue.add(pod);
    await core.scheduleOne((await queue.pop())!);
    await core.drain();
  };
  return { api, queue, cache, core, events, informerPods, attempt, clock };
}

describe('SchedulingCore', () => {
  it('assumes, binds and reports a pod that fits', async () => {
    const t = setup([makeNode('n1').obj()]);
    await t.attempt(makePod('p').req({ cpu: '1' }).obj());
    expect(t.api.binds).toEqual(['p->n1']);
    expect(t.events).toEqual(['Normal Scheduled p: Successfully assigned default/p to n1']);
    expect(t.cache.nodeOf('uid-p')).toBe('n1');
    expect(t.cache.isAssumed('uid-p')).toBe(true);
    expect(t.queue.whereIs('uid-p')).toBeUndefined();
    expect(t.api.statusWrites).toEqual([]);
  });

  it('treats a 409 for a pod another replica already bound as bound, without a failure', async () => {
    const t = setup([makeNode('n1').obj(), makeNode('n2').obj()]);
    t.api.bindError = (pod) => {
      t.api.pods.set('default/p', { ...pod, spec: { ...pod.spec!, nodeName: 'n2' } });
      return new StatusError({ code: 409, reason: 'Conflict', message: 'pod p is already assigned to node "n2"' });
    };
    await t.attempt(makePod('p').nodeAffinityIn('kubernetes.io/hostname', ['n1']).obj());
    expect(t.api.binds).toEqual(['p->n1']);
    expect(t.cache.nodeOf('uid-p')).toBe('n2');
    expect(t.cache.isAssumed('uid-p')).toBe(false);
    expect(t.queue.whereIs('uid-p')).toBeUndefined();
    expect(t.events).toEqual([]);
  });

  it('forgets the pod, backs it off and reports SchedulerError when binding fails', async () => {
    const t = setup([makeNode('n1').obj()]);
    t.api.bindError = () => new StatusError({ code: 500, reason: 'InternalError', message: 'etcd is down' });
    await t.attempt(makePod('p').req({ cpu: '1' }).obj());
    expect(t.cache.nodeOf('uid-p')).toBeUndefined();
    expect(t.cache.snapshot().get('n1')!.requested.milliCPU).toBe(0);
    expect(t.queue.whereIs('uid-p')).toBe('backoff');
    expect(t.events).toEqual(['Warning FailedScheduling p: running Bind plugin "DefaultBinder": etcd is down']);
    expect(t.api.statusWrites[0]?.status?.conditions).toEqual([
      { type: 'PodScheduled', status: 'False', reason: 'SchedulerError', message: 'running Bind plugin "DefaultBinder": etcd is down', lastTransitionTime: '2026-01-01T00:00:00Z' },
    ]);
  });

  it('parks an unschedulable pod and writes the condition once for a repeated verdict', async () => {
    const t = setup([makeNode('n1').capacity({ cpu: '1', memory: '1Gi', pods: '10' }).obj()]);
    const pod = makePod('p').req({ cpu: '2' }).obj();
    await t.attempt(pod);
    const message = '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.';
    expect(t.queue.whereIs('uid-p')).toBe('unschedulable');
    expect(t.events).toEqual([`Warning FailedScheduling p: ${message}`]);
    const written = t.api.statusWrites[0]!;
    expect(written.status?.conditions?.[0]).toMatchObject({ reason: 'Unschedulable', message });
    // The informer now shows the condition: the same verdict again changes nothing on the server.
    t.informerPods.set('default/p', written);
    t.queue.delete(pod);
    await t.attempt(written);
    expect(t.api.statusWrites).toHaveLength(1);
  });

  describe('a preemptor', () => {
    const preemptionSetup = () => {
      const t = setup([makeNode('n1').capacity({ cpu: '1', memory: '1Gi', pods: '10' }).obj()]);
      const victim = makePod('low').uid('uid-low').req({ cpu: '1' }).priority(0).node('n1').obj();
      t.cache.addPod(victim);
      t.informerPods.set('default/low', victim);
      const high = makePod('high').uid('uid-high').req({ cpu: '1' }).priority(100).obj();
      t.informerPods.set('default/high', high);
      const preempt = async () => {
        t.queue.add(high);
        const qp = (await t.queue.pop())!;
        await t.core.scheduleOne(qp);
        return qp.podInfo;
      };
      return { ...t, victim, preempt };
    };

    it('stays out of activeQ until the evictions are made and the informer shows the victims gone', async () => {
      const t = preemptionSetup();
      let evict!: () => void;
      t.api.deleteGate = new Promise((r) => (evict = r));
      const info = await t.preempt();
      expect(t.queue.whereIs(info.key)).not.toBe('active');
      expect(t.core.preEnqueue(info)).toMatchObject({ code: Code.UnschedulableAndUnresolvable, reasons: ['waiting for the preemption for this pod to be finished'], plugin: 'DefaultPreemption' });
      // Cluster events meanwhile do not let it through to preempt a second time elsewhere.
      t.queue.flushUnschedulablePodsLeftover();
      t.queue.activate(info.key);
      expect(t.queue.whereIs(info.key)).toBe('gated');

      evict();
      await t.core.drain();
      expect(t.api.deletes).toEqual(['default/low']);
      // Deleted, but the cache still has the victim until the informer says otherwise.
      expect(t.queue.whereIs(info.key)).toBe('gated');
      t.cache.removePod(t.victim);
      t.core.victimEvicted(t.victim);
      expect(t.core.preEnqueue(info)).toBeUndefined();
      expect(t.queue.whereIs(info.key)).toBe('active');
    });

    it('is activated at once when the informer showed the victims gone before the deletions returned, or a deletion failed', async () => {
      const t = preemptionSetup();
      let evict!: () => void;
      t.api.deleteGate = new Promise((r) => (evict = r));
      const info = await t.preempt();
      t.cache.removePod(t.victim);
      t.core.victimEvicted(t.victim);
      expect(t.queue.whereIs(info.key)).not.toBe('active');
      evict();
      await t.core.drain();
      expect(t.queue.whereIs(info.key)).toBe('active');

      const u = preemptionSetup();
      u.api.deleteGate = Promise.reject(new StatusError({ code: 500, reason: 'InternalError', message: 'boom' }));
      const failed = await u.preempt();
      await u.core.drain();
      expect(u.api.deletes).toEqual([]);
      expect(u.queue.whereIs(failed.key)).toBe('active');
    });
  });

  it('drops a pod deleted during its attempt instead of requeueing it', async () => {
    const t = setup([]);
    const pod = makePod('p').obj();
    t.informerPods.set('default/p', pod);
    t.queue.add(pod);
    const qp = (await t.queue.pop())!;
    t.informerPods.delete('default/p');
    await t.core.scheduleOne(qp);
    await t.core.drain();
    expect(t.queue.whereIs('uid-p')).toBeUndefined();
    expect(t.events).toEqual([]);
  });

  it('skips pods being deleted and pods already placed', async () => {
    const t = setup([makeNode('n1').obj()]);
    await t.attempt(makePod('gone').terminating().obj());
    t.cache.addPod(makePod('placed').node('n1').obj());
    await t.attempt(makePod('placed').obj());
    expect(t.api.binds).toEqual([]);
    expect(t.queue.whereIs('uid-gone')).toBeUndefined();
    expect(t.queue.whereIs('uid-placed')).toBeUndefined();
  });

  describe('out-of-tree Reserve and Permit plugins', () => {
    const calls: string[] = [];
    let reserveVerdict: () => Status | undefined = () => undefined;
    let permitVerdict: () => { status?: Status; timeoutMs?: number } = () => ({});
    const reserve: ReservePlugin = {
      name: 'TestReserve',
      reserve: (_s, p, n) => {
        calls.push(`reserve ${p.pod.metadata?.name} ${n}`);
        return reserveVerdict();
      },
      unreserve: (_s, p, n) => void calls.push(`unreserve ${p.pod.metadata?.name} ${n}`),
    };
    const permit: PermitPlugin = { name: 'TestPermit', permit: () => permitVerdict() };
    const config = { profiles: [{ plugins: { reserve: { enabled: [{ name: 'TestReserve' }] }, permit: { enabled: [{ name: 'TestPermit' }] } } }] };
    const registry = () =>
      new Registry([
        ['TestReserve', () => reserve],
        ['TestPermit', () => permit],
      ]);
    const reset = () => {
      calls.length = 0;
      reserveVerdict = () => undefined;
      permitVerdict = () => ({});
    };

    it('a Reserve rejection unreserves, forgets the pod and parks it for that plugin', async () => {
      reset();
      reserveVerdict = () => Status.unschedulable('volume busy');
      const t = setup([makeNode('n1').obj()], config, registry());
      await t.attempt(makePod('p').obj());
      expect(calls).toEqual(['reserve p n1', 'unreserve p n1']);
      expect(t.cache.nodeOf('uid-p')).toBeUndefined();
      expect(t.queue.whereIs('uid-p')).toBe('unschedulable');
      expect(t.events).toEqual(['Warning FailedScheduling p: volume busy']);
      expect(t.api.binds).toEqual([]);
    });

    it('a Permit that waits is rejected at its timeout, then unreserved and backed off', async () => {
      reset();
      permitVerdict = () => ({ status: new Status(Code.Wait), timeoutMs: 5000 });
      const t = setup([makeNode('n1').obj()], config, registry());
      t.informerPods.set('default/p', makePod('p').obj());
      t.queue.add(makePod('p').obj());
      await t.core.scheduleOne((await t.queue.pop())!);
      expect(t.cache.isAssumed('uid-p')).toBe(true);
      t.clock.step(5000);
      await t.core.drain();
      expect(calls).toEqual(['reserve p n1', 'unreserve p n1']);
      expect(t.events).toEqual(['Warning FailedScheduling p: rejected due to timeout after waiting 5s at plugin TestPermit']);
      // The pod's own forgotten assumption is an event, and a plugin without registrations hears every event.
      expect(t.queue.whereIs('uid-p')).toBe('backoff');
      expect(t.api.binds).toEqual([]);
    });

    it('a plugin that throws is an error: the assumption is undone and the pod backs off', async () => {
      reset();
      permitVerdict = () => {
        throw new Error('plugin bug');
      };
      const t = setup([makeNode('n1').obj()], config, registry());
      await t.attempt(makePod('p').obj());
      expect(calls).toEqual(['reserve p n1', 'unreserve p n1']);
      expect(t.cache.nodeOf('uid-p')).toBeUndefined();
      expect(t.queue.whereIs('uid-p')).toBe('backoff');
      expect(t.events).toEqual(['Warning FailedScheduling p: plugin bug']);
    });
  });
});
