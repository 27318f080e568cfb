import { StatusReason, hasReason, type corev1 } from '@tskube/api-types';
import { EventType, formatTime, realClock, type Clock } from '@tskube/client';
import type { Logger } from '@tskube/component';
import { DEFAULT_SCHEDULER_NAME } from './framework/config';
import type { CycleState } from './framework/cycle-state';
import type { PostFilterResult } from './framework/interfaces';
import { podKey, type PodInfo } from './framework/pod-info';
import { newCycleState, type PermitOutcome, type Profile } from './framework/profile';
import { FitError, NoNodesAvailableError, schedulePod } from './framework/schedule';
import { Code, Status } from './framework/status';
import { PluginNames } from './plugins/names';
import type { SchedulerCache } from './cache/cache';
import { AttemptResult, type SchedulerMetrics } from './metrics';
import { setPodCondition, updatePodStatus, type PodApi } from './pod-api';
import { executePreemption, type EventSink } from './preemption';
import { ClusterEvents } from './queue/events';
import type { QueuedPod, SchedulingQueue } from './queue/scheduling-queue';

/** PodScheduled=False reasons (v1.PodReasonUnschedulable, v1.PodReasonSchedulerError). */
export const PodReason = { Unschedulable: 'Unschedulable', SchedulerError: 'SchedulerError' } as const;
export type PodReason = (typeof PodReason)[keyof typeof PodReason];

export interface SchedulingCoreOptions {
  /** Profiles by schedulerName. */
  profiles: ReadonlyMap<string, Profile>;
  queue: SchedulingQueue;
  cache: SchedulerCache;
  api: PodApi;
  /** The event recorder of a profile (events say `from <schedulerName>`). */
  recorder(schedulerName: string): EventSink;
  /** The informer's current copy of a pod; undefined once it is deleted. */
  getPod(namespace: string, name: string): corev1.Pod | undefined;
  metrics?: SchedulerMetrics;
  clock?: Clock;
  logger: Logger;
}

/** Why an attempt failed, and where the pod goes next. */
interface Failure {
  readonly reason: PodReason;
  readonly message: string;
  readonly plugins: ReadonlySet<string>;
  /** An internal error (backoff only) rather than a verdict (wait for an event). */
  readonly error: boolean;
  /** undefined: leave the nomination alone; '': clear it; a node: nominate (after preemption). */
  readonly nominatedNode?: string | undefined;
}

const noPlugins: ReadonlySet<string> = new Set();
const ref = (p: corev1.Pod): string => `${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`;

/**
 * One pod's way through the scheduler (kube-scheduler's schedule_one.go): the scheduling cycle
 * (snapshot, Filter/Score, assume, Reserve, Permit) runs to completion before the next pod, and
 * the binding cycle (PreBind, Bind, PostBind) runs in the background so that the next cycle never
 * waits for an API call. A failure at any step undoes what was done (Unreserve, forget the assumed
 * pod), reports FailedScheduling with a PodScheduled=False condition, and hands the pod back to
 * the queue.
 */
export class SchedulingCore {
  private readonly o: SchedulingCoreOptions;
  private readonly clock: Clock;
  private readonly pending = new Set<Promise<void>>();
  /** Preemptions under way, by preemptor key: the victims not yet seen evicted. */
  private readonly preemptions = new Map<string, { victims: Set<string>; evictionsMade: boolean }>();
  private readonly preemptorOfVictim = new Map<string, string>();
  private nextStartNodeIndex = 0;

  constructor(options: SchedulingCoreOptions) {
    this.o = options;
    this.clock = options.clock ?? realClock;
  }

  /**
   * Runs the scheduling cycle of a popped pod. Resolves once the cycle is over (the binding cycle,
   * if any, continues in the background; see `drain`). Never rejects.
   */
  async scheduleOne(qp: QueuedPod): Promise<void> {
    const info = qp.podInfo;
    const pod = info.pod;
    const profile = this.o.profiles.get(schedulerNameOf(pod));
    if (profile === undefined || this.skipPodSchedule(pod, info.key)) {
      this.o.queue.done(info.key);
      return;
    }
    const start = this.clock.now();
    const state = newCycleState();
    try {
      await this.schedulingCycle(qp, profile, state, info, start);
    } catch (err) {
      // A plugin threw instead of returning a status: undo what the cycle did and retry after backoff.
      // Still assumed here means assumed by this cycle (skipPodSchedule saw it absent) and not yet binding.
      this.o.logger.error('scheduling cycle failed', { pod: ref(pod), err });
      const assumedOn = this.o.cache.isAssumed(info.key) ? this.o.cache.nodeOf(info.key) : undefined;
      if (assumedOn !== undefined) await this.undo(profile, state, info, assumedOn);
      this.fail(qp, profile, start, { reason: PodReason.SchedulerError, message: errorMessage(err), plugins: noPlugins, error: true });
    }
  }

  /** Filter/Score, assume, Reserve, Permit; then starts the binding cycle. Throws only for plugin bugs. */
  private async schedulingCycle(qp: QueuedPod, profile: Profile, state: CycleState, info: PodInfo, start: number): Promise<void> {
    const pod = info.pod;
    let result;
    try {
      result = schedulePod(profile, state, info, this.o.cache.snapshot(), { startNodeIndex: this.nextStartNodeIndex });
    } catch (err) {
      if (!(err instanceof NoNodesAvailableError)) throw err;
      this.fail(qp, profile, start, { reason: PodReason.Unschedulable, message: err.message, plugins: noPlugins, error: false });
      return;
    }

    if (result instanceof FitError) {
      let nominatedNode: string | undefined;
      if (profile.hasPostFilterPlugins()) this.o.metrics?.preemptionAttempts.inc();
      const pf = result.postFilterResult;
      if (pf !== undefined) {
        nominatedNode = pf.nominatedNodeName;
        if (pf.nominatedNodeName !== '') this.preempt(profile, info, pf);
      }
      this.fail(qp, profile, start, { reason: PodReason.Unschedulable, message: result.message, plugins: result.diagnosis.unschedulablePlugins, error: false, nominatedNode });
      return;
    }
    this.nextStartNodeIndex = result.nextStartNodeIndex;
    const node = result.node;

    this.o.cache.assumePod(info, node);
    // A pod placed on its node no longer needs to hold a nomination there.
    this.o.queue.nominator.delete(pod);

    if (profile.pluginNames('reserve').length > 0) {
      const reserved = await profile.runReservePluginsReserve(state, info, node);
      if (reserved !== undefined) {
        await this.undo(profile, state, info, node);
        this.fail(qp, profile, start, this.statusFailure('Reserve', reserved));
        return;
      }
    }
    const permit = profile.runPermitPlugins(state, info, node);
    if (permit.status !== undefined && permit.status.code !== Code.Wait) {
      await this.undo(profile, state, info, node);
      this.fail(qp, profile, start, this.statusFailure('Permit', permit.status));
      return;
    }
    this.track(this.bindingCycle(qp, profile, state, info, node, permit, start));
  }

  /** Resolves once every binding cycle and preemption started so far has finished. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private track(work: Promise<void>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  /** Pods not to schedule after all (skipPodSchedule): being deleted, or already placed by an earlier cycle. */
  private skipPodSchedule(pod: corev1.Pod, key: string): boolean {
    if (pod.metadata?.deletionTimestamp !== undefined) return true;
    return this.o.cache.nodeOf(key) !== undefined;
  }

  private async bindingCycle(qp: QueuedPod, profile: Profile, state: CycleState, info: PodInfo, node: string, permit: PermitOutcome, start: number): Promise<void> {
    const pod = info.pod;
    try {
      if (permit.status?.code === Code.Wait) {
        const waited = await this.waitOnPermit(permit);
        if (waited !== undefined) return await this.bindingFailed(qp, profile, state, info, node, start, this.statusFailure('Permit', waited));
      }
      const preBound = await profile.runPreBindPlugins(state, info, node);
      if (preBound !== undefined) return await this.bindingFailed(qp, profile, state, info, node, start, this.statusFailure('PreBind', preBound));
      const bound = await profile.runBindPlugins(state, info, node);
      if (bound !== undefined) {
        if (hasReason(bound.cause, StatusReason.Conflict) && (await this.alreadyBound(info))) return;
        return await this.bindingFailed(qp, profile, state, info, node, start, this.statusFailure('Bind', bound));
      }
    } catch (err) {
      this.o.logger.error('binding cycle failed', { pod: ref(pod), node, err });
      return await this.bindingFailed(qp, profile, state, info, node, start, { reason: PodReason.SchedulerError, message: errorMessage(err), plugins: noPlugins, error: true });
    }
    this.o.queue.done(info.key);
    const now = this.clock.now();
    this.o.metrics?.attempt(AttemptResult.Scheduled, profile.schedulerName, (now - start) / 1000);
    this.o.metrics?.podScheduled(qp.attempts, (now - (qp.initialEnqueueTimestamp ?? start)) / 1000);
    this.o.recorder(profile.schedulerName).event(pod, EventType.Normal, 'Scheduled', `Successfully assigned ${ref(pod)} to ${node}`);
    this.o.logger.debug('bound', { pod: ref(pod), node });
    try {
      profile.runPostBindPlugins(state, info, node);
    } catch (err) {
      this.o.logger.warn('PostBind failed', { pod: ref(pod), err });
    }
  }

  /**
   * After a 409 on bind: whether the pod already has a node (another replica, or an earlier attempt
   * whose answer was lost, bound it). Then there is nothing to retry; the cache takes the pod where
   * it really is.
   */
  private async alreadyBound(info: PodInfo): Promise<boolean> {
    let current: corev1.Pod;
    try {
      current = await this.o.api.getPod(info.namespace, info.pod.metadata?.name ?? '');
    } catch {
      return false;
    }
    if (current.metadata?.uid !== info.pod.metadata?.uid || (current.spec?.nodeName ?? '') === '') return false;
    this.o.cache.forgetPod(info.key);
    this.o.cache.addPod(current);
    this.o.queue.done(info.key);
    this.o.logger.info('pod was already bound', { pod: ref(info.pod), node: current.spec?.nodeName });
    return true;
  }

  /** Undoes Reserve and the assumption, and tells the queue the node has room again. */
  private async undo(profile: Profile, state: CycleState, info: PodInfo, node: string): Promise<void> {
    try {
      await profile.runReservePluginsUnreserve(state, info, node);
    } catch (err) {
      this.o.logger.warn('Unreserve failed', { pod: ref(info.pod), err });
    }
    this.o.cache.forgetPod(info.key);
  }

  private async bindingFailed(qp: QueuedPod, profile: Profile, state: CycleState, info: PodInfo, node: string, start: number, failure: Failure): Promise<void> {
    await this.undo(profile, state, info, node);
    // The forgotten pod's resources are free again: pods waiting for room may fit now.
    this.o.queue.moveAllToActiveOrBackoffQueue(ClusterEvents.AssignedPodDelete, { ...info.pod, spec: { ...info.pod.spec, nodeName: node } }, undefined);
    this.fail(qp, profile, start, failure);
  }

  /** No plugin can allow a waiting pod through this framework's Handle, so a wait ends at its first timeout. */
  private waitOnPermit(permit: PermitOutcome): Promise<Status | undefined> {
    let plugin = '';
    let ms = Infinity;
    for (const [p, t] of permit.waitingOn) {
      if (t < ms) {
        ms = t;
        plugin = p;
      }
    }
    return new Promise((resolve) => {
      this.clock.setTimer(ms, () => resolve(new Status(Code.Unschedulable, [`rejected due to timeout after waiting ${ms / 1000}s at plugin ${plugin}`], { plugin })));
    });
  }

  private statusFailure(point: string, status: Status): Failure {
    if (status.isRejected()) {
      return { reason: PodReason.Unschedulable, message: status.message(), plugins: new Set(status.plugin === undefined ? [] : [status.plugin]), error: false };
    }
    return { reason: PodReason.SchedulerError, message: `running ${point} plugin ${JSON.stringify(status.plugin ?? '')}: ${status.message()}`, plugins: noPlugins, error: true };
  }

  /**
   * DefaultPreemption's PreEnqueue with asynchronous preemption: a pod whose preemption is under way
   * stays out of activeQ, or it would find its nominated node still full and preempt again
   * elsewhere. It is activated once the evictions were made and the informer has shown each victim
   * gone or terminating (`victimEvicted`), so that its next attempt sees their effect.
   */
  preEnqueue(pod: PodInfo): Status | undefined {
    if (!this.preemptions.has(pod.key)) return undefined;
    return new Status(Code.UnschedulableAndUnresolvable, ['waiting for the preemption for this pod to be finished'], { plugin: PluginNames.DefaultPreemption });
  }

  /** The informer shows a pod with a node deleted, or newly terminating. */
  victimEvicted(pod: corev1.Pod): void {
    const victim = podKey(pod);
    const preemptor = this.preemptorOfVictim.get(victim);
    if (preemptor === undefined) return;
    this.preemptorOfVictim.delete(victim);
    this.preemptions.get(preemptor)?.victims.delete(victim);
    this.settlePreemption(preemptor);
  }

  private preempt(profile: Profile, preemptor: PodInfo, result: PostFilterResult): void {
    this.o.metrics?.preemptionVictims.observe(result.victims.length);
    const key = preemptor.key;
    const entry = { victims: new Set(result.victims.map(podKey)), evictionsMade: false };
    this.preemptions.set(key, entry);
    for (const v of entry.victims) this.preemptorOfVictim.set(v, key);
    this.track(
      executePreemption(
        { api: this.o.api, recorder: this.o.recorder(profile.schedulerName), nominator: this.o.queue.nominator, getPod: this.o.getPod, clock: this.clock, logger: this.o.logger },
        profile.schedulerName,
        preemptor.pod,
        result,
      ).then(
        (failed) => {
          // Nothing will show these gone, nor those the informer already showed gone.
          for (const v of failed) this.forgetVictim(podKey(v));
          for (const v of [...entry.victims]) if (!this.o.cache.hasLivePod(v)) this.forgetVictim(v);
          entry.evictionsMade = true;
          this.settlePreemption(key);
        },
        () => undefined,
      ),
    );
  }

  private forgetVictim(victim: string): void {
    const preemptor = this.preemptorOfVictim.get(victim);
    this.preemptorOfVictim.delete(victim);
    if (preemptor !== undefined) this.preemptions.get(preemptor)?.victims.delete(victim);
  }

  private settlePreemption(preemptor: string): void {
    const entry = this.preemptions.get(preemptor);
    if (entry === undefined || !entry.evictionsMade || entry.victims.size > 0) return;
    this.preemptions.delete(preemptor);
    this.o.queue.activate(preemptor);
  }

  /**
   * handleSchedulingFailure: metrics, the pod back to the queue (unless it is gone or was bound
   * meanwhile), its nomination, a FailedScheduling event and the PodScheduled=False condition.
   */
  private fail(qp: QueuedPod, profile: Profile, start: number, failure: Failure): void {
    const pod = qp.podInfo.pod;
    const key = qp.podInfo.key;
    this.o.metrics?.attempt(failure.error ? AttemptResult.Error : AttemptResult.Unschedulable, profile.schedulerName, (this.clock.now() - start) / 1000);
    this.o.logger.debug('unable to schedule pod', { pod: ref(pod), reason: failure.reason, message: failure.message });

    const current = this.o.getPod(pod.metadata?.namespace ?? '', pod.metadata?.name ?? '');
    if (current === undefined || current.metadata?.uid !== pod.metadata?.uid || (current.spec?.nodeName ?? '') !== '') {
      this.o.queue.done(key);
      return;
    }
    this.o.queue.addUnschedulableIfNotPresent(qp, { unschedulablePlugins: failure.plugins, error: failure.error });
    const nominated = failure.nominatedNode;
    if (nominated === '') this.o.queue.nominator.delete(pod);
    else if (nominated !== undefined) this.o.queue.nominator.add(qp.podInfo, nominated);

    this.o.recorder(profile.schedulerName).event(current, EventType.Warning, 'FailedScheduling', failure.message);
    const now = formatTime(this.clock.now());
    this.track(
      updatePodStatus(this.o.api, current, (status) => {
        let changed = setPodCondition(status, { type: 'PodScheduled', status: 'False', reason: failure.reason, message: failure.message }, now);
        if (nominated !== undefined && (status.nominatedNodeName ?? '') !== nominated) {
          if (nominated === '') delete status.nominatedNodeName;
          else status.nominatedNodeName = nominated;
          changed = true;
        }
        return changed;
      }).catch((err: unknown) => this.o.logger.warn('updating the pod status failed', { pod: ref(pod), err })),
    );
  }
}

/** spec.schedulerName, which the apiserver defaults to default-scheduler. */
export function schedulerNameOf(pod: corev1.Pod): string {
  return pod.spec?.schedulerName || DEFAULT_SCHEDULER_NAME;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
