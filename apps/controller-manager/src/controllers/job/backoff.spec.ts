import { describe, expect, it } from 'vitest';
import { nextBackoffRecord, podFinishedTime, remainingBackoffMs } from './backoff';
import type { Pod } from './pods';

const t0 = Date.parse('2026-01-01T00:00:00Z');
const at = (s: number) => new Date(t0 + s * 1000).toISOString().replace('.000Z', 'Z');

/** A pod whose containers all finished `s` seconds after t0. */
const finished = (s: number, phase = 'Failed'): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: `p${s}`, creationTimestamp: at(0) },
  status: { phase, containerStatuses: [{ name: 'c', image: 'x', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 1, finishedAt: at(s) } } }] },
});

describe('podFinishedTime', () => {
  it.each([
    { name: 'the latest container finish', pod: { ...finished(5), status: { ...finished(5).status, containerStatuses: [...finished(5).status!.containerStatuses!, ...finished(9).status!.containerStatuses!] } }, want: 9 },
    {
      name: 'the Ready=False transition when a container has not terminated',
      pod: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p', creationTimestamp: at(0) },
        status: {
          containerStatuses: [{ name: 'c', image: 'x', imageID: '', ready: false, restartCount: 0, state: { running: {} } }],
          conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: at(7) }],
        },
      } as Pod,
      want: 7,
    },
    {
      name: 'the deletion less its grace period',
      pod: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', creationTimestamp: at(0), deletionTimestamp: at(40), deletionGracePeriodSeconds: 30 } } as Pod,
      want: 10,
    },
    { name: 'the creation otherwise', pod: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', creationTimestamp: at(3) } } as Pod, want: 3 },
  ])('$name', ({ pod, want }) => {
    expect(podFinishedTime(pod)).toBe(t0 + want * 1000);
  });
});

describe('nextBackoffRecord', () => {
  it.each([
    { name: 'nothing new keeps the record', prev: { failuresAfterLastSuccess: 2, lastFailureTime: t0 }, succeeded: [], failed: [], want: { failuresAfterLastSuccess: 2, lastFailureTime: t0 } },
    { name: 'failures add up, the latest is remembered', prev: { failuresAfterLastSuccess: 1, lastFailureTime: t0 }, succeeded: [], failed: [finished(20), finished(10)], want: { failuresAfterLastSuccess: 3, lastFailureTime: t0 + 20_000 } },
    { name: 'a success resets', prev: { failuresAfterLastSuccess: 4, lastFailureTime: t0 }, succeeded: [finished(5, 'Succeeded')], failed: [], want: { failuresAfterLastSuccess: 0 } },
    {
      name: 'only failures after the last success count',
      prev: { failuresAfterLastSuccess: 4, lastFailureTime: t0 },
      succeeded: [finished(10, 'Succeeded')],
      failed: [finished(5), finished(15), finished(20)],
      want: { failuresAfterLastSuccess: 2, lastFailureTime: t0 + 20_000 },
    },
  ])('$name', ({ prev, succeeded, failed, want }) => {
    expect(nextBackoffRecord(prev, succeeded, failed)).toEqual(want);
  });
});

describe('remainingBackoffMs: 10 s doubling, capped', () => {
  const base = 10_000;
  const max = 360_000;
  it.each([
    { failures: 0, elapsed: 0, want: 0 },
    { failures: 1, elapsed: 0, want: 10_000 },
    { failures: 1, elapsed: 4_000, want: 6_000 },
    { failures: 1, elapsed: 10_000, want: 0 },
    { failures: 2, elapsed: 0, want: 20_000 },
    { failures: 3, elapsed: 5_000, want: 35_000 },
    { failures: 6, elapsed: 0, want: 320_000 },
    { failures: 7, elapsed: 0, want: 360_000 },
    { failures: 30, elapsed: 60_000, want: 300_000 },
  ])('$failures failures, $elapsed ms ago: $want ms', ({ failures, elapsed, want }) => {
    expect(remainingBackoffMs({ failuresAfterLastSuccess: failures, lastFailureTime: t0 }, t0 + elapsed, base, max)).toBe(want);
  });
});
