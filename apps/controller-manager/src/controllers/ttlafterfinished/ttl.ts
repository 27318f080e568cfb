import type { batchv1 } from '@tskube/api-types';

/** Whether the Job has a Complete or Failed condition that is True. */
export function isJobFinished(job: batchv1.Job): boolean {
  return (job.status?.conditions ?? []).some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

/** A finished Job with a TTL, not already being deleted: one this controller must clean up. */
export function needsCleanup(job: batchv1.Job): boolean {
  return job.spec?.ttlSecondsAfterFinished != null && !job.metadata?.deletionTimestamp && isJobFinished(job);
}

/** The Job's finish condition has no time to count the TTL from. */
export class MissingFinishTimeError extends Error {
  constructor(job: batchv1.Job) {
    super(`unable to find the time when the Job ${job.metadata?.namespace ?? ''}/${job.metadata?.name ?? ''} finished`);
    this.name = 'MissingFinishTimeError';
  }
}

/**
 * When the finished Job finished and when its TTL runs out, in ms since the epoch: the
 * lastTransitionTime of its True Complete or Failed condition, plus ttlSecondsAfterFinished.
 */
export function finishAndExpireTime(job: batchv1.Job): { finishAt: number; expireAt: number } {
  const condition = (job.status?.conditions ?? []).find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
  const finishAt = condition?.lastTransitionTime ? Date.parse(condition.lastTransitionTime) : NaN;
  if (Number.isNaN(finishAt)) throw new MissingFinishTimeError(job);
  return { finishAt, expireAt: finishAt + (job.spec?.ttlSecondsAfterFinished ?? 0) * 1000 };
}

/** Milliseconds until the Job's TTL runs out at `now`; zero or less once it has. */
export function timeLeft(job: batchv1.Job, now: number): number {
  return finishAndExpireTime(job).expireAt - now;
}
