import type { batchv1 } from '@tskube/api-types';
import type { Pod } from './pods';

/** The arithmetic of a Job's pods: how many should run, which failed, when the limit is passed. */

/**
 * How many pods should be active. With completions: the completions still missing, at most
 * parallelism (never below 0). Without completions (a work queue): parallelism until the first
 * success, then whatever still runs, since any success means the work is done.
 */
export function wantActive(spec: Pick<batchv1.JobSpec, 'completions' | 'parallelism'>, succeeded: number, active: number): number {
  const parallelism = spec.parallelism ?? 1;
  if (spec.completions === undefined || spec.completions === null) return succeeded > 0 ? active : parallelism;
  return Math.max(0, Math.min(spec.completions - succeeded, parallelism));
}

/**
 * Whether a Job replaces a pod only once it has failed (podReplacementPolicy Failed, which a pod
 * failure policy implies) rather than as soon as it is terminating.
 */
export function onlyReplaceFailedPods(job: batchv1.Job): boolean {
  return job.spec?.podReplacementPolicy === 'Failed' || job.spec?.podFailurePolicy !== undefined;
}

/**
 * Whether a pod counts as failed: phase Failed, or — unless only failed pods are replaced — being
 * deleted without having succeeded, so pods removed before they could finish still count.
 */
export function isPodFailed(pod: Pod, job: batchv1.Job): boolean {
  if (pod.status?.phase === 'Failed') return true;
  if (onlyReplaceFailedPods(job)) return false;
  return Boolean(pod.metadata.deletionTimestamp) && pod.status?.phase !== 'Succeeded';
}

/**
 * For restartPolicy OnFailure, where the kubelet restarts failing containers instead of failing
 * the pod: whether the container restarts of running and pending pods reach backoffLimit (any
 * restart at all when the limit is 0).
 */
export function pastBackoffLimitOnFailure(job: batchv1.Job, pods: readonly Pod[]): boolean {
  if (job.spec?.template?.spec?.restartPolicy !== 'OnFailure') return false;
  let total = 0;
  for (const pod of pods) {
    const phase = pod.status?.phase;
    if (phase !== 'Running' && phase !== 'Pending') continue;
    for (const cs of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) total += cs.restartCount ?? 0;
  }
  const limit = job.spec?.backoffLimit ?? 6;
  return limit === 0 ? total > 0 : total >= limit;
}

/** The Job's active deadline has passed at `now` (never while suspended or before it started). */
export function pastActiveDeadline(job: batchv1.Job, startTime: number | undefined, now: number): boolean {
  const ads = job.spec?.activeDeadlineSeconds;
  if (ads === undefined || startTime === undefined || job.spec?.suspend === true) return false;
  return now - startTime >= ads * 1000;
}
