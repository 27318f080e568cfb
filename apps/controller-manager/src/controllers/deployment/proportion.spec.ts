import { describe, expect, it } from 'vitest';
import { findActiveOrLatest, isSaturated, planScale, replicaSetProportion } from './proportion';
import type { Deployment, ReplicaSet } from './replica-sets';

function deployment(replicas: number, surge: number | string = 3, unavailable: number | string = 2, statusReplicas = 0): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: { replicas, selector: {}, template: {}, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } } },
    status: { replicas: statusReplicas },
  };
}

function rs(name: string, replicas: number, created: string, annotations: Record<string, string> = {}, available = 0): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, uid: name, creationTimestamp: created, annotations },
    spec: { replicas, selector: {} },
    status: { replicas, availableReplicas: available },
  };
}

const max = (n: number) => ({ 'deployment.kubernetes.io/max-replicas': String(n), 'deployment.kubernetes.io/desired-replicas': String(n - 3) });
const sizes = (plan: ReturnType<typeof planScale>) => Object.fromEntries(plan.steps.map((s) => [s.rs.metadata.name, s.replicas]));

describe('planScale', () => {
  it('resizes the only active ReplicaSet to spec.replicas', () => {
    const plan = planScale(deployment(5), rs('new', 3, '2026-01-01T00:00:02Z'), [rs('old', 0, '2026-01-01T00:00:01Z')]);
    expect(plan.mode).toBe('record');
    expect(sizes(plan)).toEqual({ new: 5 });
  });

  it('resizes the new ReplicaSet when nothing is active', () => {
    const plan = planScale(deployment(2), rs('new', 0, '2026-01-01T00:00:02Z'), [rs('old', 0, '2026-01-01T00:00:01Z')]);
    expect(sizes(plan)).toEqual({ new: 2 });
  });

  it('scales old ReplicaSets to zero once the new one is saturated', () => {
    const newRS = rs('new', 5, '2026-01-01T00:00:02Z', { 'deployment.kubernetes.io/desired-replicas': '5' }, 5);
    const plan = planScale(deployment(5), newRS, [rs('old', 2, '2026-01-01T00:00:01Z')]);
    expect(sizes(plan)).toEqual({ old: 0 });
  });

  it.each([
    {
      name: 'growing 10 -> 20 with 8 old and 5 new shares 10 as 6 and 4',
      replicas: 20,
      old: 8,
      cur: 5,
      oldMax: 13,
      want: { old: 14, new: 9 },
    },
    {
      name: 'shrinking 10 -> 5 with 8 old and 5 new removes 5 as 3 and 2',
      replicas: 5,
      old: 8,
      cur: 5,
      oldMax: 13,
      want: { old: 5, new: 3 },
    },
    {
      name: 'scaling to zero empties every ReplicaSet',
      replicas: 0,
      old: 8,
      cur: 5,
      oldMax: 13,
      want: { old: 0, new: 0 },
    },
  ])('$name', ({ replicas, old, cur, oldMax, want }) => {
    const plan = planScale(deployment(replicas), rs('new', cur, '2026-01-01T00:00:02Z', max(oldMax)), [rs('old', old, '2026-01-01T00:00:01Z', max(oldMax))]);
    expect(plan.mode).toBe('proportional');
    expect(sizes(plan)).toEqual(want);
  });

  it('gives what rounding left over to the first ReplicaSet (the newest of equal ones when growing)', () => {
    const plan = planScale(deployment(4), rs('new', 2, '2026-01-01T00:00:03Z', max(6)), [rs('old1', 2, '2026-01-01T00:00:01Z', max(6)), rs('old2', 2, '2026-01-01T00:00:02Z', max(6))]);
    expect(plan.steps.map((s) => s.rs.metadata.name)).toEqual(['new', 'old2', 'old1']);
    expect(sizes(plan)).toEqual({ new: 3, old1: 2, old2: 2 });
  });

  it('keeps sizes but still refreshes annotations when the total already fits', () => {
    const plan = planScale(deployment(10), rs('new', 5, '2026-01-01T00:00:02Z', max(13)), [rs('old', 8, '2026-01-01T00:00:01Z', max(13))]);
    expect(plan.mode).toBe('proportional');
    expect(sizes(plan)).toEqual({ old: 8, new: 5 });
  });

  it('falls back to the Deployment status size without a max-replicas annotation', () => {
    expect(replicaSetProportion(rs('a', 5, '2026-01-01T00:00:01Z'), deployment(20, 0, 1, 10), 10, 0)).toBe(5);
  });
});

describe('findActiveOrLatest and isSaturated', () => {
  it('picks the newest old ReplicaSet when neither is active and there is no new one', () => {
    const a = rs('a', 0, '2026-01-01T00:00:01Z');
    const b = rs('b', 0, '2026-01-01T00:00:05Z');
    expect(findActiveOrLatest(undefined, [a, b])?.metadata.name).toBe('b');
    expect(findActiveOrLatest(undefined, [])).toBeUndefined();
    expect(findActiveOrLatest(rs('n', 1, '2026-01-01T00:00:09Z'), [rs('o', 1, '2026-01-01T00:00:01Z')])).toBeUndefined();
  });

  it('needs size, annotation and availability to match spec.replicas', () => {
    const d = deployment(3);
    expect(isSaturated(d, rs('n', 3, '2026-01-01T00:00:01Z', { 'deployment.kubernetes.io/desired-replicas': '3' }, 3))).toBe(true);
    expect(isSaturated(d, rs('n', 3, '2026-01-01T00:00:01Z', { 'deployment.kubernetes.io/desired-replicas': '3' }, 2))).toBe(false);
    expect(isSaturated(d, rs('n', 3, '2026-01-01T00:00:01Z', {}, 3))).toBe(false);
    expect(isSaturated(d, undefined)).toBe(false);
  });
});
