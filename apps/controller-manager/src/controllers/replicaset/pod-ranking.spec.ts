import type { corev1 } from '@tskube/api-types';
import { formatTime } from '@tskube/client';
import { describe, expect, it } from 'vitest';
import { compareForDeletion, deletionCost, podsToDelete, rankByRelatedPodsOnSameNode } from './pod-ranking';

const now = Date.parse('2026-01-01T12:00:00Z');

interface PodOpts {
  node?: string;
  phase?: string;
  ready?: boolean;
  readyAgoMs?: number;
  restarts?: number;
  createdAgoMs?: number;
  cost?: string;
  uid?: string;
}

function pod(name: string, o: PodOpts = {}): corev1.Pod {
  return {
    metadata: {
      name,
      uid: o.uid ?? name,
      creationTimestamp: formatTime(now - (o.createdAgoMs ?? 3_600_000)),
      ...(o.cost !== undefined ? { annotations: { 'controller.kubernetes.io/pod-deletion-cost': o.cost } } : {}),
    },
    spec: { containers: [{ name: 'c' }], ...(o.node ? { nodeName: o.node } : {}) },
    status: {
      phase: o.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: o.ready ? 'True' : 'False', lastTransitionTime: formatTime(now - (o.readyAgoMs ?? 3_600_000)) }],
      containerStatuses: [{ name: 'c', ready: Boolean(o.ready), restartCount: o.restarts ?? 0, image: '', imageID: '' }],
    },
  };
}

describe('compareForDeletion', () => {
  it.each([
    { name: 'unassigned before assigned', first: pod('a'), second: pod('b', { node: 'n1' }) },
    { name: 'Pending before Unknown', first: pod('a', { node: 'n1', phase: 'Pending' }), second: pod('b', { node: 'n1', phase: 'Unknown' }) },
    { name: 'Unknown before Running', first: pod('a', { node: 'n1', phase: 'Unknown' }), second: pod('b', { node: 'n1', phase: 'Running' }) },
    { name: 'not ready before ready', first: pod('a', { node: 'n1' }), second: pod('b', { node: 'n1', ready: true }) },
    { name: 'lower deletion cost before higher', first: pod('a', { node: 'n1', ready: true, cost: '-5' }), second: pod('b', { node: 'n1', ready: true, cost: '10' }) },
    { name: 'an invalid deletion cost counts as 0', first: pod('a', { node: 'n1', cost: 'lots' }), second: pod('b', { node: 'n1', cost: '1' }) },
    { name: 'ready recently before ready long ago', first: pod('a', { node: 'n1', ready: true, readyAgoMs: 5_000 }), second: pod('b', { node: 'n1', ready: true, readyAgoMs: 3_600_000 }) },
    { name: 'more restarts before fewer', first: pod('a', { node: 'n1', restarts: 4 }), second: pod('b', { node: 'n1', restarts: 1 }) },
    { name: 'newer before older', first: pod('a', { node: 'n1', createdAgoMs: 10_000 }), second: pod('b', { node: 'n1', createdAgoMs: 7_200_000 }) },
    {
      name: 'within one log2 bucket of age the uid decides, not the exact time',
      first: pod('a', { node: 'n1', createdAgoMs: 3_000_000, uid: 'uid-1' }),
      second: pod('b', { node: 'n1', createdAgoMs: 2_900_000, uid: 'uid-2' }),
    },
  ])('$name', ({ first, second }) => {
    expect(compareForDeletion({ pod: first, rank: 0 }, { pod: second, rank: 0 }, now)).toBeLessThan(0);
    expect(compareForDeletion({ pod: second, rank: 0 }, { pod: first, rank: 0 }, now)).toBeGreaterThan(0);
  });

  it('prefers the pod with more related pods on its node', () => {
    const a = pod('a', { node: 'n1' });
    const b = pod('b', { node: 'n2' });
    expect(compareForDeletion({ pod: a, rank: 3 }, { pod: b, rank: 1 }, now)).toBeLessThan(0);
  });

  it('compares exact times without a reference time', () => {
    const a = pod('a', { node: 'n1', createdAgoMs: 2_900_000, uid: 'z' });
    const b = pod('b', { node: 'n1', createdAgoMs: 3_000_000, uid: 'a' });
    expect(compareForDeletion({ pod: a, rank: 0 }, { pod: b, rank: 0 })).toBeLessThan(0);
  });

  it('treats identical pods as equal', () => {
    const a = pod('a', { node: 'n1' });
    expect(compareForDeletion({ pod: a, rank: 0 }, { pod: a, rank: 0 }, now)).toBe(0);
  });
});

describe('deletionCost', () => {
  it.each([
    { value: undefined, want: 0 },
    { value: '12', want: 12 },
    { value: '-3', want: -3 },
    { value: '1.5', want: 0 },
    { value: '99999999999', want: 0 },
  ])('$value -> $want', ({ value, want }) => {
    expect(deletionCost(pod('a', value === undefined ? {} : { cost: value }))).toBe(want);
  });
});

describe('podsToDelete', () => {
  it('picks the least valuable pods in order', () => {
    const pods = [
      pod('ready-old', { node: 'n1', ready: true, readyAgoMs: 7_200_000 }),
      pod('pending', { node: 'n1', phase: 'Pending' }),
      pod('unassigned', { phase: 'Pending' }),
      pod('ready-new', { node: 'n2', ready: true, readyAgoMs: 1_000 }),
      pod('crashing', { node: 'n2', restarts: 7 }),
    ];
    expect(podsToDelete(pods, pods, 4, now).map((p) => p.metadata?.name)).toEqual(['unassigned', 'pending', 'crashing', 'ready-new']);
  });

  it('returns every pod without ranking when all go', () => {
    const pods = [pod('a'), pod('b')];
    expect(podsToDelete(pods, pods, 5, now)).toEqual(pods);
  });

  it('ranks by active related pods on the same node', () => {
    const mine = [pod('a', { node: 'n1' }), pod('b', { node: 'n2' })];
    const sibling = [pod('s1', { node: 'n2' }), pod('s2', { node: 'n2', phase: 'Failed' })];
    expect(rankByRelatedPodsOnSameNode(mine, [...mine, ...sibling]).map((r) => r.rank)).toEqual([1, 2]);
  });
});
