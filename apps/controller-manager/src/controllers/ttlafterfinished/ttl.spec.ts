import type { batchv1 } from '@tskube/api-types';
import { describe, expect, it } from 'vitest';
import { MissingFinishTimeError, isJobFinished, needsCleanup, timeLeft } from './ttl';

const finishedAt = '2026-01-01T00:00:00Z';
const t0 = Date.parse(finishedAt);

function job(opts: { ttl?: number; type?: string; status?: string; at?: string; deleting?: boolean } = {}): batchv1.Job {
  return {
    metadata: { name: 'j', namespace: 'ns', ...(opts.deleting ? { deletionTimestamp: finishedAt } : {}) },
    spec: { template: {}, ...(opts.ttl === undefined ? {} : { ttlSecondsAfterFinished: opts.ttl }) },
    status: opts.type ? { conditions: [{ type: opts.type, status: opts.status ?? 'True', ...(opts.at === '' ? {} : { lastTransitionTime: opts.at ?? finishedAt }) }] } : {},
  };
}

describe('isJobFinished', () => {
  it.each([
    { name: 'Complete True', j: job({ type: 'Complete' }), want: true },
    { name: 'Failed True', j: job({ type: 'Failed' }), want: true },
    { name: 'Complete False', j: job({ type: 'Complete', status: 'False' }), want: false },
    { name: 'Suspended', j: job({ type: 'Suspended' }), want: false },
    { name: 'no conditions', j: job(), want: false },
  ])('$name', ({ j, want }) => expect(isJobFinished(j)).toBe(want));
});

describe('needsCleanup', () => {
  it.each([
    { name: 'finished with a TTL', j: job({ ttl: 10, type: 'Complete' }), want: true },
    { name: 'finished with TTL 0', j: job({ ttl: 0, type: 'Failed' }), want: true },
    { name: 'finished without a TTL', j: job({ type: 'Complete' }), want: false },
    { name: 'running with a TTL', j: job({ ttl: 10 }), want: false },
    { name: 'already being deleted', j: job({ ttl: 10, type: 'Complete', deleting: true }), want: false },
  ])('$name', ({ j, want }) => expect(needsCleanup(j)).toBe(want));
});

describe('timeLeft', () => {
  it.each([
    { name: 'before expiry', ttl: 100, now: t0 + 40_000, want: 60_000 },
    { name: 'at expiry', ttl: 100, now: t0 + 100_000, want: 0 },
    { name: 'after expiry', ttl: 100, now: t0 + 160_000, want: -60_000 },
    { name: 'finished in the future (clock skew)', ttl: 0, now: t0 - 5_000, want: 5_000 },
  ])('$name', ({ ttl, now, want }) => expect(timeLeft(job({ ttl, type: 'Complete' }), now)).toBe(want));

  it('refuses a finish condition without a time', () => {
    expect(() => timeLeft(job({ ttl: 1, type: 'Complete', at: '' }), t0)).toThrow(MissingFinishTimeError);
  });
});
