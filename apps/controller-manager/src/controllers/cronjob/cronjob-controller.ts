import { StatusError, StatusReason, hasReason, type KubeObject, type batchv1, type corev1, type metav1 } from '@tskube/api-types';
import { NamespaceIndex, formatTime, metaNamespaceKey, objectOf, parseTime, realClock, type ApiClient, type Clock, type EventRecorder, type Informer } from '@tskube/client';
import { Resources, newQueue, runController, type ControllerContext } from '../../framework/context';
import { finishedType } from '../job/conditions';
import { ClockRequeue } from '../job/requeue';
import { ScheduleError, isValidTimeZone, localTimeZone, parseSchedule, type Schedule } from './schedule';
import { MissedSchedules, formatInZone, formatRFC1123Z, jobNameFor, nextScheduleDelay, nextScheduleTime } from './scheduling';

/** A CronJob as the API returns it (defaulted: spec always present). */
export type CronJob = batchv1.CronJob & KubeObject & { spec: batchv1.CronJobSpec };
type Job = batchv1.Job & KubeObject;

/** The annotation with the scheduled time a Job was created for (RFC 3339, in the CronJob's zone). */
export const CronJobScheduledTimestampAnnotation = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

export interface CronJobControllerOptions {
  /**
   * The time schedules are evaluated at, and the clock their wake-ups are set on; the real clock
   * by default. A test steps a fake clock through scheduled times instead of waiting for them.
   */
  clock?: Clock;
  /** The zone of schedules without spec.timeZone (Kubernetes: the controller-manager's local zone). */
  localTimeZone?: string;
}

/**
 * The CronJob controller, as Kubernetes' cronjob ControllerV2: on each sync it reconciles the
 * CronJob's active list with its Jobs (SawCompletedJob, MissingJob), deletes finished Jobs beyond
 * the history limits, and, unless suspended, creates the Job for the most recent unmet scheduled
 * time (named after that time, so it is never created twice) while honouring
 * startingDeadlineSeconds and the concurrency policy. It then sleeps until the next scheduled
 * time on its clock.
 */
export class CronJobController {
  private readonly client: ApiClient;
  private readonly recorder: EventRecorder;
  private readonly clock: Clock;
  private readonly defaultZone: string;
  private readonly cronJobs: Informer<CronJob>;
  private readonly jobs: Informer<Job>;
  private readonly queue = newQueue();
  private readonly requeue: ClockRequeue;

  constructor(
    private readonly ctx: ControllerContext,
    options: CronJobControllerOptions = {},
  ) {
    this.client = ctx.client;
    this.recorder = ctx.recorder;
    this.clock = options.clock ?? realClock;
    this.defaultZone = options.localTimeZone ?? localTimeZone();
    this.requeue = new ClockRequeue(this.clock, this.queue);
    this.cronJobs = ctx.informers.informer<CronJob>('cronjobs');
    this.jobs = ctx.informers.informer<Job>('jobs');
    this.cronJobs.addEventHandler({
      onAdd: (cj) => this.queue.add(metaNamespaceKey(cj)),
      onUpdate: (old, cur) => this.cronJobUpdated(old, cur),
      onDelete: (obj) => this.queue.add(metaNamespaceKey(obj)),
    });
    this.jobs.addEventHandler({
      onAdd: (job) => this.jobChanged(job),
      onUpdate: (old, cur) => {
        if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
        const oldRef = controllerRef(old);
        if (oldRef && oldRef.uid !== controllerRef(cur)?.uid) this.jobChanged(old);
        this.jobChanged(cur);
      },
      onDelete: (obj) => this.jobChanged(objectOf(obj)),
    });
  }

  /** Runs the workers until the context stops. */
  async run(): Promise<void> {
    const { signal } = this.ctx;
    if (!(await this.jobs.waitForSync(signal)) || !(await this.cronJobs.waitForSync(signal))) return;
    try {
      await runController(this.ctx, 'cronjob', this.queue, this.ctx.workers('cron-job', 5), (key) => this.sync(key));
    } finally {
      this.requeue.stop();
    }
  }

  /** Wakes the CronJob controlling `job`, if it is one of ours. */
  private jobChanged(job: Job): void {
    const ref = controllerRef(job);
    if (!ref || ref.kind !== 'CronJob') return;
    const cj = this.cronJobs.lister.get(`${job.metadata.namespace ?? ''}/${ref.name}`);
    if (cj && cj.metadata.uid === ref.uid) this.queue.add(metaNamespaceKey(cj));
  }

  private cronJobUpdated(old: CronJob, cur: CronJob): void {
    const key = metaNamespaceKey(cur);
    if (old.spec.schedule === cur.spec.schedule && old.spec.timeZone === cur.spec.timeZone) {
      this.queue.add(key);
      return;
    }
    // A new schedule: look again at its next time (a sooner one replaces the planned wake-up).
    let schedule: Schedule;
    try {
      schedule = this.scheduleOf(cur, false);
    } catch (err) {
      this.recorder.event(cur, 'Warning', 'UnParseableCronJobSchedule', `unparseable schedule for cronjob: ${cur.spec.schedule}`);
      this.ctx.logger.info('unparseable schedule for cronjob', { cronjob: key, err: errorMessage(err) });
      return;
    }
    const delay = nextScheduleDelay(cur, this.clock.now(), schedule);
    if (delay !== undefined) this.requeue.after(key, delay);
  }

  /**
   * The CronJob's schedule in its zone. A schedule carrying its own TZ= prefix (accepted only from
   * before timeZone existed) is used as it is, with a warning when `warn`.
   */
  private scheduleOf(cj: CronJob, warn: boolean): Schedule {
    const spec = cj.spec.schedule ?? '';
    if (spec.includes('TZ')) {
      if (warn) {
        this.recorder.event(
          cj,
          'Warning',
          'UnsupportedSchedule',
          `CRON_TZ or TZ used in schedule ${JSON.stringify(spec)} is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details`,
        );
      }
      return parseSchedule(spec, this.defaultZone);
    }
    const zone = cj.spec.timeZone;
    return parseSchedule(spec, zone !== undefined && isValidTimeZone(zone) ? zone : this.defaultZone);
  }

  /** Reconciles one CronJob; idempotent, never run twice at once for a key. */
  async sync(key: string): Promise<void> {
    const shared = this.cronJobs.lister.get(key);
    if (!shared) {
      this.requeue.cancel(key);
      return;
    }
    // Jobs it controls, by name as Kubernetes matches them, including those whose labels no longer match.
    const jobs = this.jobs.lister.byIndex(NamespaceIndex, shared.metadata.namespace ?? '').filter((j) => {
      const ref = controllerRef(j);
      return ref?.kind === 'CronJob' && ref.name === shared.metadata.name;
    });
    // Every change goes into this copy and is written once at the end.
    let cj = structuredClone(shared);
    const cleaned = await this.cleanupFinishedJobs(cj, jobs);
    const result = await this.syncCronJob(cj, jobs);
    cj = result.cronJob;
    if (cleaned || result.updateStatus) {
      await this.client.updateStatus<CronJob>(Resources.cronjobs, cj.metadata.namespace ?? '', cj);
    }
    if (result.requeueAfter !== undefined) {
      this.requeue.after(key, result.requeueAfter);
      return;
    }
    if (result.error !== undefined) throw result.error;
  }

  private async syncCronJob(
    input: CronJob,
    jobs: readonly Job[],
  ): Promise<{ cronJob: CronJob; requeueAfter?: number; updateStatus: boolean; error?: unknown }> {
    let cj = input;
    const now = this.clock.now();
    let updateStatus = false;
    const status = () => (cj.status ??= {});
    const children = new Set<string>();
    for (const job of jobs) {
      const uid = job.metadata.uid ?? '';
      children.add(uid);
      const inActive = isActive(cj, uid);
      const finished = finishedType(job);
      if (!inActive && !finished) {
        // Maybe our own Job whose status update we have not seen yet: ask the apiserver.
        const fresh = await this.client.get<CronJob>(Resources.cronjobs, cj.metadata.namespace ?? '', cj.metadata.name ?? '');
        if (isActive(fresh, uid)) {
          cj = fresh;
          continue;
        }
        this.recorder.event(cj, 'Warning', 'UnexpectedJob', `Saw a job that the controller did not create or forgot: ${job.metadata.name}`);
      } else if (inActive && finished) {
        removeFromActive(cj, uid);
        this.recorder.event(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${job.metadata.name}, status: ${finished}`);
        updateStatus = true;
      } else if (finished === 'Complete') {
        // A Job need not be active to have succeeded: only its completion time matters here.
        const completed = parseTime(job.status?.completionTime);
        const last = parseTime(cj.status?.lastSuccessfulTime);
        if (job.status?.completionTime && (last === undefined || (completed !== undefined && completed > last))) {
          status().lastSuccessfulTime = job.status.completionTime;
          updateStatus = true;
        }
      }
    }

    // Active Jobs that are gone would keep the CronJob busy forever.
    for (const ref of [...(cj.status?.active ?? [])]) {
      if (children.has(ref.uid ?? '')) continue;
      try {
        await this.client.get(Resources.jobs, ref.namespace ?? '', ref.name ?? '');
        // Still there: the cache is behind.
      } catch (err) {
        if (!hasReason(err, StatusReason.NotFound)) return { cronJob: cj, updateStatus, error: err };
        this.recorder.event(cj, 'Normal', 'MissingJob', `Active job went missing: ${ref.name}`);
        removeFromActive(cj, ref.uid ?? '');
        updateStatus = true;
      }
    }

    if (cj.metadata.deletionTimestamp) return { cronJob: cj, updateStatus };
    const zone = cj.spec.timeZone;
    if (zone !== undefined && !isValidTimeZone(zone)) {
      this.recorder.event(cj, 'Warning', 'UnknownTimeZone', `invalid timeZone: ${JSON.stringify(zone)}: unknown time zone ${zone}`);
      return { cronJob: cj, updateStatus };
    }
    if (cj.spec.suspend === true) return { cronJob: cj, updateStatus };

    let schedule: Schedule;
    try {
      schedule = this.scheduleOf(cj, true);
    } catch (err) {
      if (!(err instanceof ScheduleError)) throw err;
      this.recorder.event(cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: ${JSON.stringify(cj.spec.schedule)} : ${err.message}`);
      return { cronJob: cj, updateStatus };
    }
    const wake = () => nextScheduleDelay(cj, now, schedule);
    const next = nextScheduleTime(cj, now, schedule);
    if (next.time === undefined) {
      if (next.error !== undefined) {
        this.recorder.event(cj, 'Warning', 'InvalidSchedule', `invalid schedule: ${cj.spec.schedule} : ${next.error}`);
        return { cronJob: cj, updateStatus };
      }
      return { cronJob: cj, requeueAfter: wake(), updateStatus };
    }
    if (next.missed === MissedSchedules.Many) {
      this.recorder.event(cj, 'Warning', 'TooManyMissedTimes', 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew');
    }
    const scheduled = next.time;
    const sds = cj.spec.startingDeadlineSeconds;
    if (sds !== undefined && scheduled + sds * 1000 < now) {
      this.recorder.event(cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${formatRFC1123Z(scheduled)}`);
      return { cronJob: cj, requeueAfter: wake(), updateStatus };
    }
    const name = jobNameFor(cj.metadata.name ?? '', scheduled);
    if ((cj.status?.active ?? []).some((r) => r.name === name && r.namespace === cj.metadata.namespace) || parseTime(cj.status?.lastScheduleTime) === scheduled) {
      // This scheduled time was handled already.
      return { cronJob: cj, requeueAfter: wake(), updateStatus };
    }
    const policy = cj.spec.concurrencyPolicy ?? 'Allow';
    if (policy === 'Forbid' && (cj.status?.active?.length ?? 0) > 0) {
      this.recorder.event(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
      return { cronJob: cj, requeueAfter: wake(), updateStatus };
    }
    if (policy === 'Replace') {
      for (const ref of [...(cj.status?.active ?? [])]) {
        let job: Job;
        try {
          job = await this.client.get<Job>(Resources.jobs, ref.namespace ?? '', ref.name ?? '');
        } catch (err) {
          this.recorder.event(cj, 'Warning', 'FailedGet', `Get job: ${errorMessage(err)}`);
          return { cronJob: cj, updateStatus, error: err };
        }
        if (!(await this.deleteJob(cj, job))) {
          return { cronJob: cj, updateStatus, error: new Error(`could not replace job ${job.metadata.namespace}/${job.metadata.name}`) };
        }
        updateStatus = true;
      }
    }

    let created: Job;
    try {
      created = await this.client.create<Job>(Resources.jobs, cj.metadata.namespace ?? '', this.jobFor(cj, scheduled, name));
      this.recorder.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${created.metadata.name}`);
    } catch (err) {
      if (err instanceof StatusError && err.details?.causes?.some((c) => c.reason === 'NamespaceTerminating')) {
        return { cronJob: cj, updateStatus, error: err };
      }
      if (!hasReason(err, StatusReason.AlreadyExists)) {
        this.recorder.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${errorMessage(err)}`);
        return { cronJob: cj, updateStatus, error: err };
      }
      // Created before, but the status update that should have followed was lost.
      const existing = await this.client.get<Job>(Resources.jobs, cj.metadata.namespace ?? '', name);
      const ref = controllerRef(existing);
      if (ref?.uid !== cj.metadata.uid || isActive(cj, existing.metadata.uid ?? '')) return { cronJob: cj, updateStatus };
      this.ctx.logger.info('job already exists', { cronjob: metaNamespaceKey(cj), job: name });
      created = existing;
    }
    status().active = [...(cj.status?.active ?? []), referenceTo(created)];
    status().lastScheduleTime = formatTime(scheduled);
    return { cronJob: cj, requeueAfter: wake(), updateStatus: true };
  }

  /** The Job for one scheduled time: the template's labels, annotations and spec, owned by the CronJob. */
  private jobFor(cj: CronJob, scheduled: number, name: string): Job {
    const template = structuredClone(cj.spec.jobTemplate ?? {});
    return {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name,
        namespace: cj.metadata.namespace ?? '',
        labels: { ...template.metadata?.labels },
        annotations: { ...template.metadata?.annotations, [CronJobScheduledTimestampAnnotation]: formatInZone(scheduled, cj.spec.timeZone) },
        ownerReferences: [
          { apiVersion: 'batch/v1', kind: 'CronJob', name: cj.metadata.name ?? '', uid: cj.metadata.uid ?? '', controller: true, blockOwnerDeletion: true },
        ],
      },
      spec: template.spec ?? ({} as batchv1.JobSpec),
    };
  }

  /**
   * Deletes finished Jobs beyond successfulJobsHistoryLimit and failedJobsHistoryLimit, oldest
   * (by start time, then name) first. Returns whether the CronJob's status changed.
   */
  private async cleanupFinishedJobs(cj: CronJob, jobs: readonly Job[]): Promise<boolean> {
    const { successfulJobsHistoryLimit: okLimit, failedJobsHistoryLimit: failedLimit } = cj.spec;
    if (okLimit === undefined && failedLimit === undefined) return false;
    const succeeded = jobs.filter((j) => finishedType(j) === 'Complete');
    const failed = jobs.filter((j) => finishedType(j) === 'Failed');
    let changed = false;
    if (okLimit !== undefined && (await this.removeOldestJobs(cj, succeeded, okLimit))) changed = true;
    if (failedLimit !== undefined && (await this.removeOldestJobs(cj, failed, failedLimit))) changed = true;
    return changed;
  }

  private async removeOldestJobs(cj: CronJob, jobs: readonly Job[], keep: number): Promise<boolean> {
    const excess = jobs.length - keep;
    if (excess <= 0) return false;
    let changed = false;
    for (const job of [...jobs].sort(byStartTime).slice(0, excess)) {
      if (await this.deleteJob(cj, job)) changed = true;
    }
    return changed;
  }

  /** Deletes a Job (its pods follow in the background) and drops it from the active list. */
  private async deleteJob(cj: CronJob, job: Job): Promise<boolean> {
    try {
      await this.client.delete(Resources.jobs, job.metadata.namespace ?? '', job.metadata.name ?? '', { propagationPolicy: 'Background' });
    } catch (err) {
      this.recorder.event(cj, 'Warning', 'FailedDelete', `Deleted job: ${errorMessage(err)}`);
      this.ctx.logger.warn('deleting job of cronjob failed', { cronjob: metaNamespaceKey(cj), job: job.metadata.name, err: errorMessage(err) });
      return false;
    }
    removeFromActive(cj, job.metadata.uid ?? '');
    this.recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata.name}`);
    return true;
  }
}

function controllerRef(obj: { metadata?: metav1.ObjectMeta }): metav1.OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((r) => r.controller === true);
}

function isActive(cj: batchv1.CronJob, uid: string): boolean {
  return (cj.status?.active ?? []).some((r) => r.uid === uid);
}

function removeFromActive(cj: batchv1.CronJob, uid: string): void {
  if (!cj.status?.active) return;
  cj.status.active = cj.status.active.filter((r) => r.uid !== uid);
}

function referenceTo(job: Job): corev1.ObjectReference {
  return {
    kind: 'Job',
    namespace: job.metadata.namespace ?? '',
    name: job.metadata.name ?? '',
    uid: job.metadata.uid ?? '',
    apiVersion: 'batch/v1',
    resourceVersion: job.metadata.resourceVersion ?? '',
  };
}

/** Jobs that started earlier first; those never started last; ties by name. */
function byStartTime(a: Job, b: Job): number {
  const sa = parseTime(a.status?.startTime);
  const sb = parseTime(b.status?.startTime);
  if (sa === undefined && sb !== undefined) return 1;
  if (sa !== undefined && sb === undefined) return -1;
  if (sa === sb) return (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
  return sa! - sb!;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
