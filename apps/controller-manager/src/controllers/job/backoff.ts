import { parseTime } from '@tskube/client';
import type { Pod } from './pods';

/**
 * The delay before a Job replaces failed pods: the base delay doubled for every failure since the
 * last success, up to a cap, counted from the last failure (Kubernetes' backoff_utils.go).
 */

/** Failures since the Job's last success, and when the last of them happened. */
export interface BackoffRecord {
  readonly failuresAfterLastSuccess: number;
  /** ms since the epoch; undefined when there was no failure since the last success. */
  readonly lastFailureTime?: number;
}

const noFailures: BackoffRecord = { failuresAfterLastSuccess: 0 };

/**
 * When a pod finished: the latest finishedAt when every container terminated, else the time its
 * Ready condition turned False, else the moment of deletion (deletionTimestamp less the grace
 * period), else its creation.
 */
export function podFinishedTime(pod: Pod): number {
  const statuses = pod.status?.containerStatuses ?? [];
  let latest: number | undefined;
  let allTerminated = statuses.length > 0;
  for (const cs of statuses) {
    const at = parseTime(cs.state?.terminated?.finishedAt);
    if (at === undefined) {
      allTerminated = false;
      break;
    }
    latest = latest === undefined ? at : Math.max(latest, at);
  }
  if (allTerminated && latest !== undefined) return latest;
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'False');
  const readyAt = parseTime(ready?.lastTransitionTime);
  if (readyAt !== undefined) return readyAt;
  const deletedAt = parseTime(pod.metadata.deletionTimestamp);
  if (deletedAt !== undefined) return deletedAt - (pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
  return parseTime(pod.metadata.creationTimestamp) ?? 0;
}

/**
 * The record after this sync's newly finished pods: failures add up; a success resets the count
 * to the failures that finished after the latest success.
 */
export function nextBackoffRecord(previous: BackoffRecord | undefined, newSucceeded: readonly Pod[], newFailed: readonly Pod[]): BackoffRecord {
  const prev = previous ?? noFailures;
  const failedTimes = newFailed.map(podFinishedTime).sort((a, b) => a - b);
  if (newSucceeded.length === 0) {
    if (failedTimes.length === 0) return prev;
    return { failuresAfterLastSuccess: prev.failuresAfterLastSuccess + failedTimes.length, lastFailureTime: failedTimes[failedTimes.length - 1]! };
  }
  const lastSuccess = Math.max(...newSucceeded.map(podFinishedTime));
  const after = failedTimes.filter((t) => t > lastSuccess);
  if (after.length === 0) return noFailures;
  return { failuresAfterLastSuccess: after.length, lastFailureTime: after[after.length - 1]! };
}

/** How long pod creation must still wait at `now`; 0 when it may go ahead. */
export function remainingBackoffMs(record: BackoffRecord, now: number, baseMs: number, maxMs: number): number {
  if (record.failuresAfterLastSuccess === 0 || record.lastFailureTime === undefined) return 0;
  let delay = baseMs;
  for (let i = 1; i < record.failuresAfterLastSuccess; i++) {
    delay *= 2;
    if (delay >= maxMs) {
      delay = maxMs;
      break;
    }
  }
  const elapsed = now - record.lastFailureTime;
  return delay < elapsed ? 0 : delay - elapsed;
}
