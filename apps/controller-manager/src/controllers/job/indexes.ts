import type { corev1 } from '@tskube/api-types';

/**
 * Completion indexes of Indexed Jobs, kept as sorted, disjoint, non-adjacent intervals: the form
 * of `status.completedIndexes` ("1,3-5"), which stays short however many indexes are done.
 */

/** The annotation (and, since PodIndexLabel, label) carrying a pod's completion index. */
export const JobCompletionIndexAnnotation = 'batch.kubernetes.io/job-completion-index';
/** The environment variable every container of an Indexed Job's pods reads its index from. */
export const CompletionIndexEnvName = 'JOB_COMPLETION_INDEX';

/** An inclusive range of indexes, `first <= last`. */
export interface Interval {
  readonly first: number;
  readonly last: number;
}

/**
 * A pod's completion index from its annotation; undefined when absent, not a decimal integer or
 * negative (such pods count for no index).
 */
export function completionIndexOf(pod: Pick<corev1.Pod, 'metadata'>): number | undefined {
  const value = pod.metadata?.annotations?.[JobCompletionIndexAnnotation];
  if (value === undefined || !/^[+-]?\d+$/.test(value)) return undefined;
  const ix = Number(value);
  return Number.isSafeInteger(ix) && ix >= 0 ? ix : undefined;
}

/**
 * Parses a completedIndexes string, keeping only indexes below `completions` (a Job scaled down
 * forgets the indexes it no longer has). Malformed intervals are skipped, as Kubernetes does; the
 * result is normalised (adjacent intervals joined).
 */
export function parseIndexes(text: string | undefined, completions: number): Interval[] {
  if (!text) return [];
  const out: Interval[] = [];
  for (const part of text.split(',')) {
    const bounds = part.split('-');
    const first = parseDecimal(bounds[0]);
    if (first === undefined) continue;
    if (first >= completions) break;
    let last = first;
    if (bounds.length > 1) {
      const parsed = parseDecimal(bounds[1]);
      if (parsed === undefined) continue;
      last = Math.min(parsed, completions - 1);
    }
    const prev = out[out.length - 1];
    if (prev && prev.last === first - 1) out[out.length - 1] = { first: prev.first, last };
    else out.push({ first, last });
  }
  return out;
}

function parseDecimal(s: string | undefined): number | undefined {
  if (s === undefined || !/^[+-]?\d+$/.test(s)) return undefined;
  return Number(s);
}

/**
 * The completedIndexes text: intervals joined by commas, a range of three or more as `a-b`, and a
 * pair of neighbours as `a,b` (Kubernetes writes "1,2", not "1-2").
 */
export function formatIndexes(intervals: readonly Interval[]): string {
  const parts: string[] = [];
  for (const { first, last } of intervals) {
    if (last === first) parts.push(String(first));
    else if (last === first + 1) parts.push(`${first},${last}`);
    else parts.push(`${first}-${last}`);
  }
  return parts.join(',');
}

/** The union of two interval lists, normalised. */
export function mergeIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const all = [...a, ...b].sort((x, y) => x.first - y.first);
  const out: Interval[] = [];
  for (const iv of all) {
    const prev = out[out.length - 1];
    if (prev === undefined || iv.first > prev.last + 1) out.push({ first: iv.first, last: iv.last });
    else if (iv.last > prev.last) out[out.length - 1] = { first: prev.first, last: iv.last };
  }
  return out;
}

/** `intervals` plus the given indexes (any order, repeats allowed). */
export function withIndexes(intervals: readonly Interval[], indexes: Iterable<number>): Interval[] {
  return mergeIntervals(
    intervals,
    [...indexes].map((ix) => ({ first: ix, last: ix })),
  );
}

/** How many indexes the intervals hold. */
export function countIndexes(intervals: readonly Interval[]): number {
  let n = 0;
  for (const { first, last } of intervals) n += last - first + 1;
  return n;
}

/** Whether `ix` is in one of the (normalised) intervals. */
export function hasIndex(intervals: readonly Interval[], ix: number): boolean {
  let lo = 0;
  let hi = intervals.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (intervals[mid]!.last >= ix) hi = mid;
    else lo = mid + 1;
  }
  return lo < intervals.length && intervals[lo]!.first <= ix;
}

/** The lowest `count` indexes below `completions` that `taken` does not hold, ascending. */
export function firstPendingIndexes(taken: readonly Interval[], count: number, completions: number): number[] {
  const out: number[] = [];
  let candidate = 0;
  for (const iv of taken) {
    for (; candidate < completions && out.length < count && candidate < iv.first; candidate++) out.push(candidate);
    if (candidate <= iv.last) candidate = iv.last + 1;
  }
  for (; candidate < completions && out.length < count; candidate++) out.push(candidate);
  return out;
}
