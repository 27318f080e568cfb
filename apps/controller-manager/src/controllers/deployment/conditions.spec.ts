import { formatTime } from '@tskube/client';
import { describe, expect, it } from 'vitest';
import { calculateStatus, deploymentTimedOut, rolloutStatus, setCondition, statusEqual, stuckRequeueDelayMs, type DeploymentStatus } from './conditions';
import type { Deployment, ReplicaSet } from './replica-sets';

const now = Date.parse('2026-01-01T12:00:00Z');
const t = (secondsAgo: number) => formatTime(now - secondsAgo * 1000);

function deployment(replicas: number, status: DeploymentStatus = {}, progressDeadlineSeconds: number | null = 600): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', generation: 2 },
    spec: {
      replicas,
      selector: {},
      template: {},
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } },
      ...(progressDeadlineSeconds === null ? {} : { progressDeadlineSeconds }),
    },
    status,
  };
}

function rs(name: string, replicas: number, status: { replicas?: number; ready?: number; available?: number } = {}): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name },
    spec: { replicas, selector: {} },
    status: { replicas: status.replicas ?? replicas, readyReplicas: status.ready ?? 0, availableReplicas: status.available ?? 0 },
  };
}

const progressing = (reason: string, updatedAgo: number, status = 'True') => ({
  type: 'Progressing',
  status,
  reason,
  message: 'm',
  lastUpdateTime: t(updatedAgo),
  lastTransitionTime: t(updatedAgo + 100),
});

describe('calculateStatus', () => {
  it('sums the ReplicaSets and sets Available from spec.replicas - maxUnavailable', () => {
    const newRS = rs('new', 2, { ready: 1, available: 1 });
    const status = calculateStatus([rs('old', 3, { ready: 3, available: 3 }), newRS], newRS, deployment(4), now);
    expect({ ...status, conditions: undefined }).toEqual({ observedGeneration: 2, replicas: 5, updatedReplicas: 2, readyReplicas: 4, availableReplicas: 4, unavailableReplicas: 1, conditions: undefined });
    expect(status.conditions).toEqual([
      { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.', lastUpdateTime: t(0), lastTransitionTime: t(0) },
    ]);
    const short = calculateStatus([rs('new', 4, { available: 2 })], undefined, deployment(4), now);
    expect(short.conditions?.[0]).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' });
  });

  it('never reports negative unavailable replicas', () => {
    expect(calculateStatus([rs('a', 2, { replicas: 4, available: 4 })], undefined, deployment(2), now).unavailableReplicas).toBeUndefined();
  });
});

describe('setCondition', () => {
  it('keeps the transition time when only the reason changes and ignores a repeat', () => {
    const status: DeploymentStatus = { conditions: [progressing('NewReplicaSetCreated', 50)] };
    setCondition(status, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetCreated', message: 'x', lastUpdateTime: t(0), lastTransitionTime: t(0) });
    expect(status.conditions?.[0]?.lastUpdateTime).toBe(t(50));
    setCondition(status, { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: 'y', lastUpdateTime: t(0), lastTransitionTime: t(0) });
    expect(status.conditions?.[0]).toMatchObject({ reason: 'ReplicaSetUpdated', lastUpdateTime: t(0), lastTransitionTime: t(150) });
  });
});

describe('rolloutStatus', () => {
  it('reports NewReplicaSetAvailable once every replica is updated and available', () => {
    const newRS = rs('web-abc', 3, { ready: 3, available: 3 });
    const d = deployment(3, { conditions: [progressing('ReplicaSetUpdated', 10)] });
    const status = rolloutStatus(d, [rs('old', 0), newRS], newRS, now);
    expect(status.conditions?.find((c) => c.type === 'Progressing')).toEqual({
      type: 'Progressing',
      status: 'True',
      reason: 'NewReplicaSetAvailable',
      message: 'ReplicaSet "web-abc" has successfully progressed.',
      lastUpdateTime: t(0),
      lastTransitionTime: t(110),
    });
  });

  it('refreshes lastUpdateTime (not the transition) on progress with the same reason', () => {
    const before = rs('web-abc', 3, { ready: 1, available: 1 });
    const after = rs('web-abc', 3, { ready: 2, available: 2 });
    const d = deployment(3, { replicas: 3, updatedReplicas: 3, readyReplicas: 1, availableReplicas: 1, conditions: [progressing('ReplicaSetUpdated', 30)] });
    expect(rolloutStatus(d, [before], before, now).conditions?.find((c) => c.type === 'Progressing')?.lastUpdateTime).toBe(t(30));
    const cond = rolloutStatus(d, [after], after, now).conditions?.find((c) => c.type === 'Progressing');
    expect(cond).toMatchObject({ reason: 'ReplicaSetUpdated', message: 'ReplicaSet "web-abc" is progressing.', lastUpdateTime: t(0), lastTransitionTime: t(130) });
  });

  it('reports ProgressDeadlineExceeded after progressDeadlineSeconds without progress', () => {
    const stuck = rs('web-abc', 3);
    const d = deployment(3, { replicas: 3, updatedReplicas: 3, conditions: [progressing('ReplicaSetUpdated', 601)] }, 600);
    expect(rolloutStatus(d, [stuck], stuck, now).conditions?.find((c) => c.type === 'Progressing')).toMatchObject({
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
      message: 'ReplicaSet "web-abc" has timed out progressing.',
    });
    const fresh = deployment(3, { replicas: 3, updatedReplicas: 3, conditions: [progressing('ReplicaSetUpdated', 599)] }, 600);
    expect(rolloutStatus(fresh, [stuck], stuck, now).conditions?.find((c) => c.type === 'Progressing')?.reason).toBe('ReplicaSetUpdated');
  });

  it('leaves a completed rollout alone and drops Progressing without a deadline', () => {
    const done = rs('web-abc', 3, { ready: 3, available: 3 });
    const d = deployment(3, { conditions: [progressing('NewReplicaSetAvailable', 1000)] });
    expect(rolloutStatus(d, [done], done, now).conditions?.find((c) => c.type === 'Progressing')?.lastUpdateTime).toBe(t(1000));
    const noDeadline = deployment(3, { conditions: [progressing('ReplicaSetUpdated', 10)] }, null);
    expect(rolloutStatus(noDeadline, [done], done, now).conditions?.map((c) => c.type)).toEqual(['Available']);
  });

  it('mirrors the new ReplicaSet ReplicaFailure condition, and removes it when gone', () => {
    const failing: ReplicaSet = {
      ...rs('web-abc', 3, { replicas: 0 }),
      status: { replicas: 0, conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'quota', lastTransitionTime: t(5) }] },
    };
    const d = deployment(3);
    expect(rolloutStatus(d, [failing], failing, now).conditions?.find((c) => c.type === 'ReplicaFailure')).toEqual({
      type: 'ReplicaFailure',
      status: 'True',
      reason: 'FailedCreate',
      message: 'quota',
      lastUpdateTime: t(5),
      lastTransitionTime: t(5),
    });
    const healed = deployment(3, { conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate' }] });
    expect(rolloutStatus(healed, [rs('web-abc', 3)], rs('web-abc', 3), now).conditions?.some((c) => c.type === 'ReplicaFailure')).toBe(false);
  });
});

describe('deadlines', () => {
  it('times out only past the deadline from the last update, and never after success', () => {
    const d = deployment(3, {}, 60);
    expect(deploymentTimedOut(d, { conditions: [progressing('ReplicaSetUpdated', 61)] }, now)).toBe(true);
    expect(deploymentTimedOut(d, { conditions: [progressing('ReplicaSetUpdated', 60)] }, now)).toBe(false);
    expect(deploymentTimedOut(d, { conditions: [progressing('NewReplicaSetAvailable', 6000)] }, now)).toBe(false);
  });

  it('schedules the next look at the deadline', () => {
    const d = deployment(3, {}, 60);
    expect(stuckRequeueDelayMs(d, { conditions: [progressing('ReplicaSetUpdated', 20)] }, now)).toBe(41_000);
    expect(stuckRequeueDelayMs(d, { conditions: [progressing('ReplicaSetUpdated', 59)] }, now)).toBe(2_000);
    expect(stuckRequeueDelayMs(d, { conditions: [progressing('ReplicaSetUpdated', 70)] }, now)).toBe(1_000);
    expect(stuckRequeueDelayMs(d, { conditions: [progressing('NewReplicaSetAvailable', 20)] }, now)).toBeUndefined();
    expect(stuckRequeueDelayMs(d, {}, now)).toBeUndefined();
  });
});

describe('statusEqual', () => {
  it('treats zero counts as absent', () => {
    expect(statusEqual({ replicas: 0, observedGeneration: 1 }, { observedGeneration: 1 })).toBe(true);
    expect(statusEqual({ replicas: 1 }, {})).toBe(false);
  });
});
