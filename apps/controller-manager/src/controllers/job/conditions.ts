import type { batchv1 } from '@tskube/api-types';
import { formatTime } from '@tskube/client';

/** Job condition types. */
export const JobConditionType = {
  Complete: 'Complete',
  Failed: 'Failed',
  Suspended: 'Suspended',
  /** Set before Failed, while the pods of a failing Job are still being cleaned up. */
  FailureTarget: 'FailureTarget',
  /** Set before Complete, while the pods of a succeeding Job are still being cleaned up. */
  SuccessCriteriaMet: 'SuccessCriteriaMet',
} as const;
export type JobConditionType = (typeof JobConditionType)[keyof typeof JobConditionType];

/** Reasons and messages of the conditions, word for word as Kubernetes 1.33 writes them. */
export const JobReason = {
  BackoffLimitExceeded: 'BackoffLimitExceeded',
  DeadlineExceeded: 'DeadlineExceeded',
  PodFailurePolicy: 'PodFailurePolicy',
  CompletionsReached: 'CompletionsReached',
  Suspended: 'JobSuspended',
  Resumed: 'JobResumed',
} as const;

export const JobMessage = {
  BackoffLimitExceeded: 'Job has reached the specified backoff limit',
  DeadlineExceeded: 'Job was active longer than specified deadline',
  CompletionsReached: 'Reached expected number of succeeded pods',
  Suspended: 'Job suspended',
  Resumed: 'Job resumed',
} as const;

export type JobCondition = batchv1.JobCondition;

export function newCondition(type: JobConditionType, status: 'True' | 'False', reason: string, message: string, now: number): JobCondition {
  const at = formatTime(now);
  return { type, status, lastProbeTime: at, lastTransitionTime: at, reason, message };
}

export function findCondition(conditions: readonly JobCondition[] | undefined, type: JobConditionType): JobCondition | undefined {
  return conditions?.find((c) => c.type === type);
}

/**
 * Sets the condition of `type` to the given status, reason and message (a fresh condition with
 * new timestamps when any differs). A missing condition is only added when its status is not
 * False: going from nothing to False says nothing. Returns the list and whether it changed.
 */
export function ensureConditionStatus(
  conditions: JobCondition[] | undefined,
  type: JobConditionType,
  status: 'True' | 'False',
  reason: string,
  message: string,
  now: number,
): [JobCondition[], boolean] {
  const list = conditions ?? [];
  const i = list.findIndex((c) => c.type === type);
  if (i >= 0) {
    const c = list[i]!;
    if (c.status === status && (c.reason ?? '') === reason && (c.message ?? '') === message) return [list, false];
    const next = [...list];
    next[i] = newCondition(type, status, reason, message, now);
    return [next, true];
  }
  if (status === 'False') return [list, false];
  return [[...list, newCondition(type, status, reason, message, now)], true];
}

/** Complete or Failed when the Job has that condition True; undefined while it runs. */
export function finishedType(job: batchv1.Job): 'Complete' | 'Failed' | undefined {
  for (const c of job.status?.conditions ?? []) {
    if ((c.type === JobConditionType.Complete || c.type === JobConditionType.Failed) && c.status === 'True') return c.type;
  }
  return undefined;
}

export function isJobFinished(job: batchv1.Job): boolean {
  return finishedType(job) !== undefined;
}
