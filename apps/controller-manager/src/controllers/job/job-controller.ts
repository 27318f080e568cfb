import { StatusError, StatusReason, hasReason, labelSelectorAsSelector, type KubeObject, type batchv1, type metav1 } from '@tskube/api-types';
import {
  NamespaceIndex,
  RateLimitingWorkQueue,
  defaultControllerRateLimiter,
  formatTime,
  metaNamespaceKey,
  objectOf,
  parseTime,
  realClock,
  type ApiClient,
  type Clock,
  type DeletedFinalStateUnknown,
  type EventRecorder,
  type Informer,
} from '@tskube/client';
import { Resources, newQueue, runController, type ControllerContext } from '../../framework/context';
import { nextBackoffRecord, remainingBackoffMs, type BackoffRecord } from './backoff';
import {
  JobConditionType,
  JobMessage,
  JobReason,
  ensureConditionStatus,
  findCondition,
  isJobFinished,
  newCondition,
  type JobCondition,
} from './conditions';
import { isPodFailed, onlyReplaceFailedPods, pastActiveDeadline, pastBackoffLimitOnFailure, wantActive } from './counting';
import { ControllerExpectations, UidTrackingExpectations } from './expectations';
import { completionIndexOf, countIndexes, firstPendingIndexes, formatIndexes, hasIndex, parseIndexes, withIndexes, type Interval } from './indexes';
import { adoptPod, releasePod, removeTrackingFinalizer } from './pod-control';
import { matchPodFailurePolicy } from './pod-failure-policy';
import {
  activePodsForRemoval,
  controllerRefOf,
  hasTrackingFinalizer,
  isPodActive,
  isPodReady,
  isPodTerminating,
  jobControllerRef,
  podFromTemplate,
  type Pod,
} from './pods';
import { ClockRequeue } from './requeue';

/** A Job as the API returns it (defaulted: spec always present). */
export type Job = batchv1.Job & KubeObject & { spec: batchv1.JobSpec };

export interface JobControllerOptions {
  /**
   * Time for everything the controller derives from timestamps: startTime and condition times,
   * the active deadline, the pod failure back-off. The real clock by default.
   */
  clock?: Clock;
  /** First delay before replacing a failed pod; doubles per further failure. 10 s, as Kubernetes. */
  podFailureBackoffMs?: number;
  /** Longest such delay: 10 min, as kube-controller-manager 1.33 (MaxJobPodFailureBackOff). */
  maxPodFailureBackoffMs?: number;
}

/** `spec.managedBy` of Jobs this controller reconciles; other values belong to other controllers. */
const jobControllerName = 'kubernetes.io/job-controller';
/** Kubernetes caps creates and deletes per sync so one big Job cannot starve the others. */
const maxPodCreateDeletePerSync = 500;
/** ...and the UIDs held in status.uncountedTerminatedPods, to keep the status small. */
const maxUncountedPods = 500;
/** Creates go out in batches of 1, 2, 4, ... and stop at the first failing batch (slow start). */
const slowStartInitialBatchSize = 1;

/** What one sync knows about a Job; built at its start, updated as it acts. */
interface SyncState {
  key: string;
  job: Job;
  pods: Pod[];
  active: Pod[];
  now: number;
  indexed: boolean;
  succeeded: number;
  failed: number;
  prevSucceededIndexes: Interval[];
  succeededIndexes: Interval[];
  backoff: BackoffRecord;
  expectedRemovals: Set<string>;
  uncounted: { succeeded: Set<string>; failed: Set<string> };
  finished: JobCondition | undefined;
  terminating: number;
  ready: number;
}

interface DeleteResult {
  deleted: number;
  deletedReady: number;
  error?: unknown;
}

/**
 * The Job controller, as Kubernetes' pkg/controller/job with the 1.33 feature set (pod
 * replacement policy, pod failure policy, delayed terminal conditions):
 *
 * - creates pods from the template (Indexed Jobs: one per pending completion index) until
 *   min(parallelism, remaining completions) are active, waiting out an exponential back-off
 *   after failures, and deletes the surplus;
 * - counts finished pods exactly once through the `batch.kubernetes.io/job-tracking` finalizer:
 *   a finished pod's UID goes to status.uncountedTerminatedPods, its finalizer is removed, then
 *   it moves into the succeeded/failed counters, so deleting pods never loses a count;
 * - fails the Job past backoffLimit, past activeDeadlineSeconds or on a FailJob pod failure rule
 *   (FailureTarget first, Failed once no pod is left terminating), completes it when enough pods
 *   succeeded (SuccessCriteriaMet, then Complete), suspends and resumes it.
 */
export class JobController {
  private readonly client: ApiClient;
  private readonly recorder: EventRecorder;
  private readonly clock: Clock;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;
  private readonly jobs: Informer<Job>;
  private readonly pods: Informer<Pod>;
  readonly queue: RateLimitingWorkQueue<string>;
  private readonly orphanQueue: RateLimitingWorkQueue<string>;
  private readonly requeue: ClockRequeue;
  private readonly expectations: ControllerExpectations;
  private readonly finalizerExpectations = new UidTrackingExpectations();
  private readonly backoffs = new Map<string, BackoffRecord>();

  constructor(
    private readonly ctx: ControllerContext,
    options: JobControllerOptions = {},
  ) {
    this.client = ctx.client;
    this.recorder = ctx.recorder;
    this.clock = options.clock ?? realClock;
    this.backoffBaseMs = options.podFailureBackoffMs ?? 10_000;
    this.backoffMaxMs = options.maxPodFailureBackoffMs ?? 10 * 60_000;
    if (!(this.backoffBaseMs >= 0) || !(this.backoffMaxMs >= this.backoffBaseMs)) {
      throw new RangeError('podFailureBackoffMs must be >= 0 and maxPodFailureBackoffMs >= podFailureBackoffMs');
    }
    this.expectations = new ControllerExpectations(this.clock);
    this.queue = newQueue();
    this.orphanQueue = new RateLimitingWorkQueue<string>({ rateLimiter: defaultControllerRateLimiter() });
    this.requeue = new ClockRequeue(this.clock, this.queue);
    this.jobs = ctx.informers.informer<Job>('jobs');
    this.pods = ctx.informers.informer<Pod>('pods');
    this.jobs.addEventHandler({
      onAdd: (job) => this.queue.add(metaNamespaceKey(job)),
      onUpdate: (old, cur) => this.jobUpdated(old, cur),
      onDelete: (obj) => {
        this.queue.add(metaNamespaceKey(obj));
        this.cleanupPodFinalizers(objectOf(obj));
      },
    });
    this.pods.addEventHandler({
      onAdd: (pod) => this.podAdded(pod),
      onUpdate: (old, cur) => this.podUpdated(old, cur),
      onDelete: (obj) => this.podDeleted(obj, true),
    });
  }

  /** Runs the workers until the context stops. */
  async run(): Promise<void> {
    const { signal } = this.ctx;
    if (!(await this.jobs.waitForSync(signal)) || !(await this.pods.waitForSync(signal))) return;
    try {
      await Promise.all([
        runController(this.ctx, 'job', this.queue, this.ctx.workers('job', 5), (key) => this.sync(key)),
        runController(this.ctx, 'job-orphan-pod', this.orphanQueue, 1, (key) => this.syncOrphanPod(key)),
      ]);
    } finally {
      this.requeue.stop();
    }
  }

  // ---- event handlers: compute keys, keep expectations, enqueue ----

  private jobUpdated(old: Job, cur: Job): void {
    const key = metaNamespaceKey(cur);
    this.queue.add(key);
    // Pods a finished Job still holds a finalizer on would never be released otherwise.
    if (isJobFinished(cur)) this.cleanupPodFinalizers(cur);
    const start = parseTime(cur.status?.startTime);
    const ads = cur.spec?.activeDeadlineSeconds;
    if (start !== undefined && ads !== undefined && old.spec?.activeDeadlineSeconds !== ads) {
      this.requeue.after(key, ads * 1000 - (this.clock.now() - start));
    }
  }

  private podAdded(pod: Pod): void {
    if (pod.metadata.deletionTimestamp) {
      // Seen for the first time already terminating (e.g. after a restart): not a create we wait for.
      this.podDeleted(pod, false);
      return;
    }
    const ref = controllerRefOf(pod);
    if (ref) {
      const job = this.resolveControllerRef(pod.metadata.namespace ?? '', ref);
      if (!job) return;
      const key = metaNamespaceKey(job);
      this.expectations.creationObserved(key);
      this.queue.add(key);
      return;
    }
    if (hasTrackingFinalizer(pod)) this.orphanQueue.add(metaNamespaceKey(pod));
    for (const job of this.jobsSelecting(pod)) this.queue.add(metaNamespaceKey(job));
  }

  private podUpdated(old: Pod, cur: Pod): void {
    if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
    if (cur.metadata.deletionTimestamp) {
      // A graceful delete starts now: the Job may replace the pod without waiting for it to go.
      this.podDeleted(cur, false);
      return;
    }
    const finalizerRemoved = !hasTrackingFinalizer(cur);
    const curRef = controllerRefOf(cur);
    const oldRef = controllerRefOf(old);
    const refChanged = curRef?.uid !== oldRef?.uid || curRef?.name !== oldRef?.name || curRef?.kind !== oldRef?.kind;
    if (refChanged && oldRef) {
      const job = this.resolveControllerRef(old.metadata.namespace ?? '', oldRef);
      if (job) {
        const key = metaNamespaceKey(job);
        if (finalizerRemoved) this.finalizerExpectations.observed(key, cur.metadata.uid ?? '');
        this.queue.add(key);
      }
    }
    if (curRef) {
      const job = this.resolveControllerRef(cur.metadata.namespace ?? '', curRef);
      if (!job) return;
      const key = metaNamespaceKey(job);
      if (finalizerRemoved) this.finalizerExpectations.observed(key, cur.metadata.uid ?? '');
      this.queue.add(key);
      return;
    }
    if (hasTrackingFinalizer(cur)) this.orphanQueue.add(metaNamespaceKey(cur));
    if (refChanged || !sameLabels(old.metadata.labels, cur.metadata.labels)) {
      for (const job of this.jobsSelecting(cur)) this.queue.add(metaNamespaceKey(job));
    }
  }

  /** A pod is gone (`final`) or being deleted. */
  private podDeleted(obj: Pod | DeletedFinalStateUnknown<Pod>, final: boolean): void {
    const pod = objectOf(obj);
    const ref = controllerRefOf(pod);
    const withFinalizer = hasTrackingFinalizer(pod);
    if (!ref) {
      // It may have been a Job's pod whose owner reference the garbage collector removed.
      if (withFinalizer) this.orphanQueue.add(metaNamespaceKey(obj));
      return;
    }
    const job = this.resolveControllerRef(pod.metadata.namespace ?? '', ref);
    if (!job || isJobFinished(job)) {
      // No sync will release this pod's finalizer.
      if (withFinalizer) this.orphanQueue.add(metaNamespaceKey(obj));
      return;
    }
    const key = metaNamespaceKey(job);
    this.expectations.deletionObserved(key);
    if (final || !withFinalizer) this.finalizerExpectations.observed(key, pod.metadata.uid ?? '');
    this.queue.add(key);
  }

  private resolveControllerRef(namespace: string, ref: metav1.OwnerReference): Job | undefined {
    if (ref.kind !== 'Job') return undefined;
    const job = this.jobs.lister.get(`${namespace}/${ref.name}`);
    return job && job.metadata.uid === ref.uid ? job : undefined;
  }

  /** Jobs of the pod's namespace whose selector matches it: candidates to adopt an orphan. */
  private jobsSelecting(pod: Pod): Job[] {
    const labels = pod.metadata.labels ?? {};
    return this.jobs.lister.byIndex(NamespaceIndex, pod.metadata.namespace ?? '').filter((job) => {
      try {
        const selector = labelSelectorAsSelector(job.spec?.selector);
        return !selector.empty() && selector.matches(labels);
      } catch {
        return false;
      }
    });
  }

  /** Queues the finalizer removal of every pod `job` controls that still carries one. */
  private cleanupPodFinalizers(job: Job): void {
    const uid = job.metadata.uid;
    for (const pod of this.pods.lister.byIndex(NamespaceIndex, job.metadata.namespace ?? '')) {
      if (controllerRefOf(pod)?.uid === uid && hasTrackingFinalizer(pod)) this.orphanQueue.add(metaNamespaceKey(pod));
    }
  }

  // ---- orphan pods ----

  /** Removes the tracking finalizer of a pod no running Job of this controller owns. */
  async syncOrphanPod(key: string): Promise<void> {
    const pod = this.pods.lister.get(key);
    if (!pod) return;
    const ref = controllerRefOf(pod);
    if (ref) {
      // Someone else's pod: its controller decides about its finalizers.
      if (ref.kind !== 'Job' || ref.apiVersion !== 'batch/v1') return;
      const job = this.resolveControllerRef(pod.metadata.namespace ?? '', ref);
      if (job && managedByOther(job)) return;
      if (job && !isJobFinished(job)) return;
    }
    await removeTrackingFinalizer(this.client, pod);
  }

  // ---- the sync ----

  /** Reconciles one Job; idempotent, never run twice at once for a key. */
  async sync(key: string): Promise<void> {
    const shared = this.jobs.lister.get(key);
    if (!shared) {
      this.expectations.delete(key);
      this.finalizerExpectations.delete(key);
      this.backoffs.delete(key);
      this.requeue.cancel(key);
      return;
    }
    if (managedByOther(shared)) return;
    if (isJobFinished(shared)) {
      this.backoffs.delete(key);
      return;
    }
    const mode = shared.spec?.completionMode ?? 'NonIndexed';
    if (mode !== 'NonIndexed' && mode !== 'Indexed') {
      this.recorder.event(shared, 'Warning', 'UnknownCompletionMode', 'Skipped Job sync because completion mode is unknown');
      return;
    }

    const job = structuredClone(shared);
    const status = (job.status ??= {});
    const uncountedStatus = (status.uncountedTerminatedPods ??= {});
    // Check expectations before reading pods: a pod arriving after the check is only deferred.
    const satisfied = this.expectations.satisfied(key);
    const pods = await this.claimPods(job);
    const active = pods.filter(isPodActive);
    const now = this.clock.now();
    const st: SyncState = {
      key,
      job,
      pods,
      active,
      now,
      indexed: mode === 'Indexed',
      succeeded: 0,
      failed: 0,
      prevSucceededIndexes: [],
      succeededIndexes: [],
      backoff: { failuresAfterLastSuccess: 0 },
      expectedRemovals: this.finalizerExpectations.expected(key),
      uncounted: { succeeded: new Set(uncountedStatus.succeeded ?? []), failed: new Set(uncountedStatus.failed ?? []) },
      finished: undefined,
      terminating: pods.filter(isPodTerminating).length,
      ready: active.filter(isPodReady).length,
    };

    const [newSucceeded, newFailed] = this.newFinishedPods(st);
    st.succeeded = (status.succeeded ?? 0) + newSucceeded.length + st.uncounted.succeeded.size;
    st.failed = (status.failed ?? 0) + newFailed.filter((p) => matchPodFailurePolicy(job.spec.podFailurePolicy, p).countFailed).length + st.uncounted.failed.size;

    const suspended = job.spec.suspend === true;
    if (!status.startTime && !suspended) status.startTime = formatTime(now);
    st.backoff = nextBackoffRecord(this.backoffs.get(key), newSucceeded, newFailed);

    const successMet = findCondition(status.conditions, JobConditionType.SuccessCriteriaMet);
    if (successMet?.status === 'True') st.finished = successMet;
    if (!st.finished) {
      const target = findCondition(status.conditions, JobConditionType.FailureTarget);
      if (target?.status === 'True') {
        st.finished = newCondition(JobConditionType.Failed, 'True', target.reason ?? '', target.message ?? '', now);
      } else {
        const message = this.failJobMessage(job, pods);
        // FailureTarget records the failure before the finalizers (and so the pods) go.
        if (message !== undefined) st.finished = newCondition(JobConditionType.FailureTarget, 'True', JobReason.PodFailurePolicy, message, now);
      }
    }
    const startTime = parseTime(status.startTime);
    if (!st.finished) {
      if (st.failed > (job.spec.backoffLimit ?? 6) || pastBackoffLimitOnFailure(job, pods)) {
        st.finished = newCondition(JobConditionType.FailureTarget, 'True', JobReason.BackoffLimitExceeded, JobMessage.BackoffLimitExceeded, now);
      } else if (pastActiveDeadline(job, startTime, now)) {
        st.finished = newCondition(JobConditionType.FailureTarget, 'True', JobReason.DeadlineExceeded, JobMessage.DeadlineExceeded, now);
      } else if (job.spec.activeDeadlineSeconds !== undefined && !suspended && startTime !== undefined) {
        this.requeue.after(key, job.spec.activeDeadlineSeconds * 1000 - (now - startTime));
      }
    }

    if (st.indexed) {
      const completions = job.spec.completions ?? 0;
      st.prevSucceededIndexes = parseIndexes(status.completedIndexes, completions);
      const done: number[] = [];
      for (const p of pods) {
        const ix = completionIndexOf(p);
        if (p.status?.phase === 'Succeeded' && ix !== undefined && ix < completions && hasTrackingFinalizer(p)) done.push(ix);
      }
      st.succeededIndexes = withIndexes(st.prevSucceededIndexes, done);
      st.succeeded = countIndexes(st.succeededIndexes);
    }

    let activeCount = active.length;
    let suspendChanged = false;
    let manageError: unknown;
    if (st.finished) {
      const result = await this.deleteActivePods(job, active);
      // Not finished yet: pods may still have finalizers, or creations may not be in the cache.
      if (result.deleted !== active.length || !satisfied) st.finished = undefined;
      activeCount -= result.deleted;
      st.terminating += result.deleted;
      st.ready -= result.deletedReady;
      manageError = result.error;
    } else {
      let managed = false;
      if (satisfied && !job.metadata.deletionTimestamp) {
        const result = await this.manageJob(st);
        activeCount = result.active;
        manageError = result.error;
        managed = true;
      }
      const completions = job.spec.completions;
      const complete = completions === undefined ? st.succeeded > 0 && activeCount === 0 : st.succeeded >= completions && activeCount === 0;
      if (complete) {
        st.finished = newCondition(JobConditionType.SuccessCriteriaMet, 'True', JobReason.CompletionsReached, JobMessage.CompletionsReached, now);
      } else if (managed) {
        // Only a sync that managed pods may report (un)suspension.
        if (suspended) {
          const [conditions, changed] = ensureConditionStatus(status.conditions, JobConditionType.Suspended, 'True', JobReason.Suspended, JobMessage.Suspended, now);
          status.conditions = conditions;
          if (changed) {
            suspendChanged = true;
            this.recorder.event(job, 'Normal', 'Suspended', 'Job suspended');
          }
        } else {
          const [conditions, changed] = ensureConditionStatus(status.conditions, JobConditionType.Suspended, 'False', JobReason.Resumed, JobMessage.Resumed, now);
          status.conditions = conditions;
          if (changed) {
            suspendChanged = true;
            this.recorder.event(job, 'Normal', 'Resumed', 'Job resumed');
            // activeDeadlineSeconds counts continuous activity: a resumed Job starts over.
            status.startTime = formatTime(now);
          }
        }
      }
    }

    const needsUpdate = suspendChanged || activeCount !== (status.active ?? 0) || st.ready !== status.ready || st.terminating !== status.terminating;
    status.active = activeCount;
    status.ready = st.ready;
    status.terminating = st.terminating;
    await this.trackStatusAndRemoveFinalizers(st, needsUpdate);
    if (manageError !== undefined) throw manageError;
  }

  /** Finished pods not yet accounted for: they still carry the finalizer and are not uncounted. */
  private newFinishedPods(st: SyncState): [Pod[], Pod[]] {
    const completions = st.job.spec.completions ?? 0;
    const candidates = st.pods.filter((p) => {
      const uid = p.metadata.uid ?? '';
      if (!hasTrackingFinalizer(p) || st.expectedRemovals.has(uid)) return false;
      if (!st.indexed) return true;
      const ix = completionIndexOf(p);
      return ix !== undefined && ix < completions;
    });
    const succeeded = candidates.filter((p) => !st.uncounted.succeeded.has(p.metadata.uid ?? '') && p.status?.phase === 'Succeeded');
    const failed = candidates.filter((p) => !st.uncounted.failed.has(p.metadata.uid ?? '') && isPodFailed(p, st.job));
    return [succeeded, failed];
  }

  private failJobMessage(job: Job, pods: readonly Pod[]): string | undefined {
    if (!job.spec.podFailurePolicy) return undefined;
    for (const p of pods) {
      if (!isPodFailed(p, job)) continue;
      const message = matchPodFailurePolicy(job.spec.podFailurePolicy, p).failJobMessage;
      if (message !== undefined) return message;
    }
    return undefined;
  }

  /**
   * Creates or deletes pods toward the wanted number of active ones (or deletes them all when
   * suspended). Returns the active count after the writes that went through.
   */
  private async manageJob(st: SyncState): Promise<{ active: number; error?: unknown }> {
    const { job, key } = st;
    let active = st.active.length;
    if (job.spec.suspend === true) {
      const doomed = activePodsForRemoval(job, st.active, active);
      this.expectations.expectDeletions(key, doomed.length);
      const result = await this.deleteJobPods(job, key, doomed);
      st.terminating += result.deleted;
      st.ready -= result.deletedReady;
      return { active: active - result.deleted, error: result.error };
    }

    const want = wantActive(job.spec, st.succeeded, active);
    const doomed = activePodsForRemoval(job, st.active, Math.max(0, active - want)).slice(0, maxPodCreateDeletePerSync);
    if (doomed.length > 0) {
      this.expectations.expectDeletions(key, doomed.length);
      const result = await this.deleteJobPods(job, key, doomed);
      st.terminating += result.deleted;
      st.ready -= result.deletedReady;
      // One sync either deletes or creates; deleting comes first.
      return { active: active - result.deleted, error: result.error };
    }

    const terminating = onlyReplaceFailedPods(job) ? st.terminating : 0;
    let diff = want - terminating - active;
    if (diff <= 0) return { active };
    const remaining = remainingBackoffMs(st.backoff, st.now, this.backoffBaseMs, this.backoffMaxMs);
    if (remaining > 0) {
      this.requeue.after(key, remaining);
      return { active };
    }
    diff = Math.min(diff, maxPodCreateDeletePerSync);
    let indexes: number[] | undefined;
    if (st.indexed) {
      const completions = job.spec.completions ?? 0;
      const taken = [...st.active, ...(onlyReplaceFailedPods(job) ? st.pods.filter(isPodTerminating) : [])]
        .map(completionIndexOf)
        .filter((ix): ix is number => ix !== undefined);
      indexes = firstPendingIndexes(withIndexes(st.succeededIndexes, taken), diff, completions);
      diff = indexes.length;
      if (diff === 0) return { active };
    }

    this.expectations.expectCreations(key, diff);
    active += diff;
    let firstError: unknown;
    let left = diff;
    for (let batch = Math.min(left, slowStartInitialBatchSize); left > 0; batch = Math.min(2 * batch, left)) {
      const results = await Promise.all(
        Array.from({ length: batch }, () => {
          const index = indexes?.shift();
          return this.createPod(job, key, index);
        }),
      );
      const failures = results.filter((r) => r !== undefined);
      for (const err of failures) {
        active--;
        firstError ??= err;
      }
      left -= batch;
      if (failures.length > 0 && left > 0) {
        // Creates that were never tried will never be observed either.
        for (let i = 0; i < left; i++) this.expectations.creationObserved(key);
        active -= left;
        break;
      }
    }
    return firstError === undefined ? { active } : { active, error: firstError };
  }

  /** Creates one pod; resolves the error when it failed (expectations already lowered). */
  private async createPod(job: Job, key: string, index: number | undefined): Promise<unknown> {
    try {
      const pod = await this.client.create<Pod>(Resources.pods, job.metadata.namespace ?? '', podFromTemplate(job, index));
      this.recorder.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
      return undefined;
    } catch (err) {
      this.expectations.creationObserved(key);
      // A namespace being torn down refuses every create; nothing to report or retry.
      if (err instanceof StatusError && err.details?.causes?.some((c) => c.reason === 'NamespaceTerminating')) return undefined;
      this.recorder.event(job, 'Warning', 'FailedCreate', `Error creating: ${errorMessage(err)}`);
      return err;
    }
  }

  /**
   * Deletes pods that should not count as failures (suspension, scale-down): the finalizer goes
   * first, so they vanish without being counted.
   */
  private async deleteJobPods(job: Job, key: string, pods: readonly Pod[]): Promise<DeleteResult> {
    const outcomes = await Promise.all(
      pods.map(async (pod) => {
        try {
          await removeTrackingFinalizer(this.client, pod);
          await this.deletePod(job, pod);
          return { ok: true, ready: isPodReady(pod) };
        } catch (err) {
          this.expectations.deletionObserved(key);
          if (hasReason(err, StatusReason.NotFound)) return { ok: true, ready: isPodReady(pod) };
          return { ok: false, ready: false, err };
        }
      }),
    );
    return summarize(outcomes);
  }

  /**
   * Deletes active pods of a finishing Job, keeping their finalizers: the tracking then counts
   * them (as failed, unless the Job succeeded) before letting them go.
   */
  private async deleteActivePods(job: Job, pods: readonly Pod[]): Promise<DeleteResult> {
    const outcomes = await Promise.all(
      pods.map(async (pod) => {
        try {
          await this.deletePod(job, pod);
          return { ok: true, ready: isPodReady(pod) };
        } catch (err) {
          if (hasReason(err, StatusReason.NotFound)) return { ok: true, ready: isPodReady(pod) };
          return { ok: false, ready: false, err };
        }
      }),
    );
    return summarize(outcomes);
  }

  private async deletePod(job: Job, pod: Pod): Promise<void> {
    try {
      await this.client.delete(Resources.pods, pod.metadata.namespace ?? '', pod.metadata.name ?? '');
    } catch (err) {
      if (!hasReason(err, StatusReason.NotFound)) this.recorder.event(job, 'Warning', 'FailedDelete', `Error deleting: ${errorMessage(err)}`);
      throw err;
    }
    this.recorder.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
  }

  /**
   * Moves finished pods into the status: their UIDs to uncountedTerminatedPods (flushed first),
   * then their finalizers off, then into the counters; writes the interim and final conditions.
   */
  private async trackStatusAndRemoveFinalizers(st: SyncState, needsFlushIn: boolean): Promise<void> {
    let needsFlush = needsFlushIn;
    let job = st.job;
    const completions = job.spec.completions ?? 0;
    const uncounted = job.status!.uncountedTerminatedPods!;
    const pods = st.indexed ? [...st.pods].sort((a, b) => (completionIndexOf(a) ?? -1) - (completionIndexOf(b) ?? -1)) : st.pods;
    const withFinalizer = new Set<string>();
    for (const p of st.pods) {
      const uid = p.metadata.uid ?? '';
      if (hasTrackingFinalizer(p) && !st.expectedRemovals.has(uid)) withFinalizer.add(uid);
    }
    if (countUncountedWithoutFinalizers(job.status!, withFinalizer)) needsFlush = true;

    const toRemove: Pod[] = [];
    const newSucceededIndexes: number[] = [];
    let reachedMaxUncounted = false;
    for (const pod of pods) {
      const uid = pod.metadata.uid ?? '';
      // Pods without the finalizer, or whose removal is in flight, were counted before.
      if (!hasTrackingFinalizer(pod) || st.expectedRemovals.has(uid)) continue;
      const failed = isPodFailed(pod, job);
      if (!canRemoveFinalizer(job, st.finished, pod, failed)) continue;
      toRemove.push(pod);
      if (pod.status?.phase === 'Succeeded' && !st.uncounted.failed.has(uid)) {
        if (st.indexed) {
          // The index alone keeps a success from being counted twice.
          const ix = completionIndexOf(pod);
          if (ix !== undefined && ix < completions && !hasIndex(st.prevSucceededIndexes, ix)) {
            newSucceededIndexes.push(ix);
            needsFlush = true;
          }
        } else if (!st.uncounted.succeeded.has(uid)) {
          (uncounted.succeeded ??= []).push(uid);
          needsFlush = true;
        }
      } else if (failed || (st.finished && st.finished.type !== JobConditionType.SuccessCriteriaMet)) {
        // Once the Job is failing, every pod that did not succeed counts as failed.
        const ix = completionIndexOf(pod);
        if (!st.uncounted.failed.has(uid) && (!st.indexed || (ix !== undefined && ix < completions))) {
          if (matchPodFailurePolicy(job.spec.podFailurePolicy, pod).countFailed) {
            (uncounted.failed ??= []).push(uid);
            needsFlush = true;
          }
        }
      }
      if (newSucceededIndexes.length + (uncounted.succeeded?.length ?? 0) + (uncounted.failed?.length ?? 0) >= maxUncountedPods) {
        // The rest waits for the next sync, which the status and pod updates trigger.
        reachedMaxUncounted = true;
        break;
      }
    }
    if (st.indexed) {
      st.succeededIndexes = withIndexes(st.succeededIndexes, newSucceededIndexes);
      const text = formatIndexes(st.succeededIndexes);
      if (text !== (job.status!.completedIndexes ?? '')) needsFlush = true;
      job.status!.succeeded = countIndexes(st.succeededIndexes);
      if (text) job.status!.completedIndexes = text;
      else delete job.status!.completedIndexes;
    }
    let finished = st.finished;
    if (finished?.type === JobConditionType.FailureTarget) {
      job.status!.conditions = [...(job.status!.conditions ?? []), finished];
      needsFlush = true;
      finished = newCondition(JobConditionType.Failed, 'True', finished.reason ?? '', finished.message ?? '', st.now);
    }
    if (finished?.type === JobConditionType.SuccessCriteriaMet) {
      if (findCondition(job.status!.conditions, JobConditionType.SuccessCriteriaMet)?.status !== 'True') {
        job.status!.conditions = [...(job.status!.conditions ?? []), finished];
        needsFlush = true;
      }
      finished = newCondition(JobConditionType.Complete, 'True', finished.reason ?? '', finished.message ?? '', st.now);
    }

    // 1. Record the new uncounted UIDs (and interim conditions) before any finalizer goes.
    if (needsFlush) {
      job = await this.updateStatus(job);
      this.backoffs.set(st.key, st.backoff);
      needsFlush = false;
    }
    // 2. Remove the finalizers.
    let removeError: unknown;
    if (toRemove.length > 0) {
      const { removed, error } = await this.removeFinalizers(st.key, toRemove);
      for (const uid of removed) withFinalizer.delete(uid);
      removeError = error;
    }
    // 3. Count the pods whose finalizer is gone.
    if (countUncountedWithoutFinalizers(job.status!, withFinalizer)) needsFlush = true;
    if (removeError !== undefined) {
      if (needsFlush) await this.updateStatus(job);
      throw removeError;
    }
    // 4. The terminal condition, once nothing is left uncounted or terminating.
    const jobFinished = !reachedMaxUncounted && this.enactJobFinished(job, finished, st.terminating, st.now);
    if (jobFinished) needsFlush = true;
    if (needsFlush) {
      const stored = await this.updateStatus(job);
      if (jobFinished && finished) this.recordJobFinished(stored, finished);
    }
  }

  private async removeFinalizers(key: string, pods: readonly Pod[]): Promise<{ removed: string[]; error?: unknown }> {
    this.finalizerExpectations.expectRemoved(
      key,
      pods.map((p) => p.metadata.uid ?? ''),
    );
    const removed: string[] = [];
    let error: unknown;
    await Promise.all(
      pods.map(async (pod) => {
        const uid = pod.metadata.uid ?? '';
        try {
          await removeTrackingFinalizer(this.client, pod);
          removed.push(uid);
        } catch (err) {
          // No update will show this removal: stop expecting it.
          this.finalizerExpectations.observed(key, uid);
          error ??= err;
        }
      }),
    );
    return error === undefined ? { removed } : { removed, error };
  }

  private enactJobFinished(job: Job, finished: JobCondition | undefined, terminating: number, now: number): boolean {
    if (!finished) return false;
    const uncounted = job.status!.uncountedTerminatedPods;
    if ((uncounted?.succeeded?.length ?? 0) + (uncounted?.failed?.length ?? 0) > 0) return false;
    // Pods still shutting down could still write results: the Job is not over before they are gone.
    if (terminating > 0) return false;
    const [conditions] = ensureConditionStatus(job.status!.conditions, finished.type as JobConditionType, 'True', finished.reason ?? '', finished.message ?? '', now);
    job.status!.conditions = conditions;
    if (finished.type === JobConditionType.Complete) job.status!.completionTime = finished.lastTransitionTime ?? formatTime(now);
    return true;
  }

  private recordJobFinished(job: Job, finished: JobCondition): void {
    if (finished.type === JobConditionType.Complete) {
      const completions = job.spec.completions;
      if (completions !== undefined && (job.status?.succeeded ?? 0) > completions) {
        this.recorder.event(job, 'Warning', 'TooManySucceededPods', 'Too many succeeded pods running after completion count reached');
      }
      this.recorder.event(job, 'Normal', 'Completed', 'Job completed');
    } else {
      this.recorder.event(job, 'Warning', finished.reason ?? '', finished.message ?? '');
    }
  }

  private async updateStatus(job: Job): Promise<Job> {
    return this.client.updateStatus<Job>(Resources.jobs, job.metadata.namespace ?? '', job);
  }

  /**
   * The pods the Job manages: those it controls that still match its selector (others are
   * released), plus matching orphans, which it adopts (owner reference and finalizer) unless it
   * is being deleted.
   */
  private async claimPods(job: Job): Promise<Pod[]> {
    const selector = labelSelectorAsSelector(job.spec.selector);
    const uid = job.metadata.uid ?? '';
    const deleting = Boolean(job.metadata.deletionTimestamp);
    const claimed: Pod[] = [];
    let canAdopt: boolean | undefined;
    for (const pod of this.pods.lister.byIndex(NamespaceIndex, job.metadata.namespace ?? '')) {
      const ref = controllerRefOf(pod);
      const matches = selector.matches(pod.metadata.labels ?? {});
      if (ref) {
        if (ref.uid !== uid) continue;
        if (matches) claimed.push(pod);
        else if (!deleting) await releasePod(this.client, pod, uid);
        continue;
      }
      if (deleting || !matches || pod.metadata.deletionTimestamp) continue;
      // Adopt only if a fresh read confirms the Job still exists and is not being deleted.
      canAdopt ??= await this.stillAdopting(job);
      if (!canAdopt) continue;
      try {
        claimed.push(await adoptPod(this.client, pod, jobControllerRef(job)));
      } catch (err) {
        if (!hasReason(err, StatusReason.NotFound)) throw err;
      }
    }
    return claimed;
  }

  private async stillAdopting(job: Job): Promise<boolean> {
    try {
      const fresh = await this.client.get<Job>(Resources.jobs, job.metadata.namespace ?? '', job.metadata.name ?? '');
      return fresh.metadata.uid === job.metadata.uid && !fresh.metadata.deletionTimestamp;
    } catch (err) {
      if (hasReason(err, StatusReason.NotFound)) return false;
      throw err;
    }
  }
}

/** Whether a finished pod's finalizer may go now. */
function canRemoveFinalizer(job: Job, finished: JobCondition | undefined, pod: Pod, failed: boolean): boolean {
  if (job.metadata.deletionTimestamp || finished || pod.status?.phase === 'Succeeded') return true;
  return failed;
}

/**
 * Moves the uncounted UIDs whose pods no longer have the finalizer into the counters. Returns
 * whether the status changed.
 */
function countUncountedWithoutFinalizers(status: batchv1.JobStatus, withFinalizer: ReadonlySet<string>): boolean {
  const uncounted = (status.uncountedTerminatedPods ??= {});
  let changed = false;
  const keepSucceeded = (uncounted.succeeded ?? []).filter((uid) => withFinalizer.has(uid));
  if (keepSucceeded.length !== (uncounted.succeeded ?? []).length) {
    status.succeeded = (status.succeeded ?? 0) + (uncounted.succeeded!.length - keepSucceeded.length);
    changed = true;
  }
  const keepFailed = (uncounted.failed ?? []).filter((uid) => withFinalizer.has(uid));
  if (keepFailed.length !== (uncounted.failed ?? []).length) {
    status.failed = (status.failed ?? 0) + (uncounted.failed!.length - keepFailed.length);
    changed = true;
  }
  if (keepSucceeded.length) uncounted.succeeded = keepSucceeded;
  else delete uncounted.succeeded;
  if (keepFailed.length) uncounted.failed = keepFailed;
  else delete uncounted.failed;
  return changed;
}

function managedByOther(job: batchv1.Job): boolean {
  const by = job.spec?.managedBy;
  return by !== undefined && by !== jobControllerName;
}

function sameLabels(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const ka = Object.keys(a ?? {});
  if (ka.length !== Object.keys(b ?? {}).length) return false;
  return ka.every((k) => a![k] === b?.[k]);
}

function summarize(outcomes: readonly { ok: boolean; ready: boolean; err?: unknown }[]): DeleteResult {
  let deleted = 0;
  let deletedReady = 0;
  let error: unknown;
  for (const o of outcomes) {
    if (o.ok) {
      deleted++;
      if (o.ready) deletedReady++;
    } else error ??= o.err;
  }
  return error === undefined ? { deleted, deletedReady } : { deleted, deletedReady, error };
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
