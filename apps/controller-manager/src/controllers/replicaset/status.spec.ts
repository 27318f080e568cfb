import type { corev1 } from '@tskube/api-types';
import { formatTime } from '@tskube/client';
import { describe, expect, it } from 'vitest';
import { calculateStatus, statusNeedsUpdate, type ReplicaOwner } from './status';

const now = Date.parse('2026-01-01T12:00:00Z');

function pod(labels: Record<string, string>, readySecondsAgo?: number): corev1.Pod {
  return {
    metadata: { labels },
    status:
      readySecondsAgo === undefined
        ? { phase: 'Pending' }
        : { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: formatTime(now - readySecondsAgo * 1000) }] },
  };
}

function owner(replicas: number, minReadySeconds = 0, status?: ReplicaOwner['status']): ReplicaOwner {
  return {
    metadata: { generation: 2 },
    spec: { replicas, minReadySeconds, template: { metadata: { labels: { app: 'web', tier: 'front' } } } },
    ...(status ? { status } : {}),
  };
}

describe('calculateStatus', () => {
  it('counts fully labeled, ready and available pods', () => {
    const pods = [pod({ app: 'web', tier: 'front' }, 60), pod({ app: 'web', tier: 'front' }, 2), pod({ app: 'web' }), pod({ app: 'web', tier: 'front', extra: 'x' })];
    expect(calculateStatus(owner(4, 10), pods, undefined, now)).toEqual({ replicas: 4, fullyLabeledReplicas: 3, readyReplicas: 2, availableReplicas: 1 });
    expect(calculateStatus(owner(4), pods, undefined, now)).toEqual({ replicas: 4, fullyLabeledReplicas: 3, readyReplicas: 2, availableReplicas: 2 });
  });

  it('needs strictly more than minReadySeconds of readiness', () => {
    expect(calculateStatus(owner(1, 5), [pod({ app: 'web', tier: 'front' }, 5)], undefined, now).availableReplicas).toBeUndefined();
    expect(calculateStatus(owner(1, 5), [pod({ app: 'web', tier: 'front' }, 6)], undefined, now).availableReplicas).toBe(1);
  });

  it.each([
    { name: 'missing pods: FailedCreate', replicas: 3, pods: 1, want: 'FailedCreate' },
    { name: 'surplus pods: FailedDelete', replicas: 1, pods: 3, want: 'FailedDelete' },
  ])('sets ReplicaFailure on a manage error ($name)', ({ replicas, pods, want }) => {
    const list = Array.from({ length: pods }, () => pod({ app: 'web', tier: 'front' }));
    const status = calculateStatus(owner(replicas), list, new Error('pods "web-" is forbidden: exceeded quota'), now);
    expect(status.conditions).toEqual([
      { type: 'ReplicaFailure', status: 'True', lastTransitionTime: formatTime(now), reason: want, message: 'pods "web-" is forbidden: exceeded quota' },
    ]);
  });

  it('keeps an existing ReplicaFailure while failing and removes it after a clean sync', () => {
    const existing = { type: 'ReplicaFailure', status: 'True', lastTransitionTime: '2025-01-01T00:00:00Z', reason: 'FailedCreate', message: 'old' };
    const failing = owner(2, 0, { replicas: 0, conditions: [existing] });
    expect(calculateStatus(failing, [], new Error('new'), now).conditions).toEqual([existing]);
    expect(calculateStatus(failing, [], undefined, now).conditions).toBeUndefined();
  });
});

describe('statusNeedsUpdate', () => {
  it('is false only when counts, conditions and observedGeneration all match', () => {
    const current = owner(1, 0, { replicas: 1, readyReplicas: 1, availableReplicas: 1, fullyLabeledReplicas: 1, observedGeneration: 2 });
    expect(statusNeedsUpdate(current, { replicas: 1, readyReplicas: 1, availableReplicas: 1, fullyLabeledReplicas: 1, observedGeneration: 2 })).toBe(false);
    expect(statusNeedsUpdate(current, { replicas: 1, readyReplicas: 0, availableReplicas: 1, fullyLabeledReplicas: 1 })).toBe(true);
    expect(statusNeedsUpdate({ ...current, metadata: { generation: 3 } }, { ...current.status! })).toBe(true);
  });
});
