import type { batchv1, corev1 } from '@tskube/api-types';
import { describe, expect, it } from 'vitest';
import { isPodFailed, onlyReplaceFailedPods, pastActiveDeadline, pastBackoffLimitOnFailure, wantActive } from './counting';
import type { Pod } from './pods';

function pod(phase: string, opts: { deleting?: boolean; restarts?: number[]; initRestarts?: number[] } = {}): Pod {
  const statuses = (counts: number[] = []) => counts.map((restartCount, i) => ({ name: `c${i}`, image: 'x', imageID: '', ready: false, restartCount }));
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', ...(opts.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    status: { phase, containerStatuses: statuses(opts.restarts), initContainerStatuses: statuses(opts.initRestarts) } as corev1.PodStatus,
  };
}

const job = (spec: Partial<batchv1.JobSpec> = {}): batchv1.Job => ({ spec: { template: {}, ...spec } });

describe('wantActive: active = min(parallelism, remaining completions)', () => {
  it.each([
    { name: 'nothing done yet', spec: { completions: 3, parallelism: 2 }, succeeded: 0, active: 0, want: 2 },
    { name: 'one completion left', spec: { completions: 3, parallelism: 2 }, succeeded: 2, active: 2, want: 1 },
    { name: 'all done', spec: { completions: 3, parallelism: 2 }, succeeded: 3, active: 0, want: 0 },
    { name: 'more done than needed', spec: { completions: 3, parallelism: 2 }, succeeded: 5, active: 0, want: 0 },
    { name: 'parallelism above completions', spec: { completions: 2, parallelism: 10 }, succeeded: 0, active: 0, want: 2 },
    { name: 'parallelism 0 pauses the job', spec: { completions: 5, parallelism: 0 }, succeeded: 1, active: 0, want: 0 },
    { name: 'work queue before any success', spec: { parallelism: 4 }, succeeded: 0, active: 1, want: 4 },
    { name: 'work queue after a success keeps what runs', spec: { parallelism: 4 }, succeeded: 1, active: 3, want: 3 },
  ])('$name', ({ spec, succeeded, active, want }) => {
    expect(wantActive(spec, succeeded, active)).toBe(want);
  });
});

describe('isPodFailed', () => {
  it.each([
    { name: 'phase Failed', pod: pod('Failed'), job: job(), want: true },
    { name: 'a running pod', pod: pod('Running'), job: job(), want: false },
    { name: 'a deleted running pod', pod: pod('Running', { deleting: true }), job: job(), want: true },
    { name: 'a deleted succeeded pod', pod: pod('Succeeded', { deleting: true }), job: job(), want: false },
    { name: 'deleted, with podReplacementPolicy Failed', pod: pod('Running', { deleting: true }), job: job({ podReplacementPolicy: 'Failed' }), want: false },
    { name: 'deleted, with a pod failure policy', pod: pod('Pending', { deleting: true }), job: job({ podFailurePolicy: { rules: [] } }), want: false },
    { name: 'failed, with a pod failure policy', pod: pod('Failed', { deleting: true }), job: job({ podFailurePolicy: { rules: [] } }), want: true },
  ])('$name', ({ pod, job, want }) => {
    expect(isPodFailed(pod, job)).toBe(want);
  });

  it('replaces only failed pods with a pod failure policy or podReplacementPolicy Failed', () => {
    expect(onlyReplaceFailedPods(job())).toBe(false);
    expect(onlyReplaceFailedPods(job({ podReplacementPolicy: 'TerminatingOrFailed' }))).toBe(false);
    expect(onlyReplaceFailedPods(job({ podReplacementPolicy: 'Failed' }))).toBe(true);
    expect(onlyReplaceFailedPods(job({ podFailurePolicy: { rules: [] } }))).toBe(true);
  });
});

describe('pastBackoffLimitOnFailure', () => {
  const onFailure = (backoffLimit: number) => job({ backoffLimit, template: { spec: { restartPolicy: 'OnFailure', containers: [] } } });
  it.each([
    { name: 'restartPolicy Never never counts restarts', job: job({ backoffLimit: 1 }), pods: [pod('Running', { restarts: [5] })], want: false },
    { name: 'below the limit', job: onFailure(3), pods: [pod('Running', { restarts: [1] }), pod('Pending', { restarts: [1] })], want: false },
    { name: 'restarts of all containers and pods add up to the limit', job: onFailure(3), pods: [pod('Running', { restarts: [1, 1] }), pod('Pending', { initRestarts: [1] })], want: true },
    { name: 'finished pods do not count', job: onFailure(1), pods: [pod('Failed', { restarts: [4] }), pod('Succeeded', { restarts: [4] })], want: false },
    { name: 'limit 0: any restart', job: onFailure(0), pods: [pod('Running', { restarts: [1] })], want: true },
    { name: 'limit 0: no restart yet', job: onFailure(0), pods: [pod('Running', { restarts: [0] })], want: false },
  ])('$name', ({ job, pods, want }) => {
    expect(pastBackoffLimitOnFailure(job, pods)).toBe(want);
  });
});

describe('pastActiveDeadline', () => {
  const start = Date.parse('2026-01-01T00:00:00Z');
  it.each([
    { name: 'no deadline', job: job(), now: start + 1e9, want: false },
    { name: 'before it', job: job({ activeDeadlineSeconds: 30 }), now: start + 29_999, want: false },
    { name: 'at it', job: job({ activeDeadlineSeconds: 30 }), now: start + 30_000, want: true },
    { name: 'never while suspended', job: job({ activeDeadlineSeconds: 30, suspend: true }), now: start + 60_000, want: false },
  ])('$name', ({ job, now, want }) => {
    expect(pastActiveDeadline(job, start, now)).toBe(want);
  });

  it('never before the Job started', () => {
    expect(pastActiveDeadline(job({ activeDeadlineSeconds: 1 }), undefined, start)).toBe(false);
  });
});
