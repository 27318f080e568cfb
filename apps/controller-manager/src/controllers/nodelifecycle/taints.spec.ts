import type { corev1 } from '@tskube/api-types';
import { describe, expect, it } from 'vitest';
import { conditionTaints, matchingTolerations, minTolerationMs, reconcileConditionTaints, swapTaints, tolerates, type Taint, type Toleration } from './taints';

const unreachable: Taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' };
const notReady: Taint = { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' };

describe('tolerates', () => {
  it.each<{ name: string; tol: Toleration; taint: Taint; want: boolean }>([
    { name: 'Exists on the key', tol: { key: unreachable.key, operator: 'Exists' }, taint: unreachable, want: true },
    { name: 'Exists without key tolerates everything', tol: { operator: 'Exists' }, taint: unreachable, want: true },
    { name: 'effect must match when set', tol: { key: unreachable.key, operator: 'Exists', effect: 'NoSchedule' }, taint: unreachable, want: false },
    { name: 'Equal compares values', tol: { key: 'k', operator: 'Equal', value: 'v' }, taint: { key: 'k', value: 'v', effect: 'NoExecute' }, want: true },
    { name: 'Equal is the default operator', tol: { key: 'k', value: 'v' }, taint: { key: 'k', value: 'w', effect: 'NoExecute' }, want: false },
    { name: 'Equal with empty value matches a valueless taint', tol: { key: unreachable.key }, taint: unreachable, want: true },
    { name: 'other key', tol: { key: 'other', operator: 'Exists' }, taint: unreachable, want: false },
  ])('$name', ({ tol, taint, want }) => {
    expect(tolerates(tol, taint)).toBe(want);
  });
});

describe('matchingTolerations and minTolerationMs', () => {
  it('needs every taint tolerated', () => {
    const tol: Toleration = { key: unreachable.key, operator: 'Exists', tolerationSeconds: 10 };
    expect(matchingTolerations([unreachable], [tol])).toEqual({ all: true, used: [tol] });
    expect(matchingTolerations([unreachable, notReady], [tol]).all).toBe(false);
  });

  it.each<{ name: string; tols: Toleration[]; want: number }>([
    { name: 'none: at once', tols: [], want: 0 },
    { name: 'no limit: forever', tols: [{ operator: 'Exists' }], want: -1 },
    { name: 'the least limit', tols: [{ tolerationSeconds: 300 }, { tolerationSeconds: 30 }, {}], want: 30_000 },
    { name: 'a negative limit: at once', tols: [{ tolerationSeconds: -5 }, { tolerationSeconds: 30 }], want: 0 },
  ])('$name', ({ tols, want }) => {
    expect(minTolerationMs(tols)).toBe(want);
  });
});

describe('condition taints', () => {
  const node = (conditions: [string, string][], taints: Taint[] = [], unschedulable = false): corev1.Node => ({
    metadata: { name: 'n' },
    spec: { taints, unschedulable },
    status: { conditions: conditions.map(([type, status]) => ({ type, status })) },
  });

  it.each<{ name: string; conditions: [string, string][]; unschedulable?: boolean; want: string[] }>([
    { name: 'healthy', conditions: [['Ready', 'True']], want: [] },
    { name: 'not ready', conditions: [['Ready', 'False']], want: ['node.kubernetes.io/not-ready'] },
    { name: 'unreachable', conditions: [['Ready', 'Unknown']], want: ['node.kubernetes.io/unreachable'] },
    {
      name: 'pressures',
      conditions: [
        ['Ready', 'True'],
        ['MemoryPressure', 'True'],
        ['DiskPressure', 'True'],
        ['PIDPressure', 'True'],
        ['NetworkUnavailable', 'True'],
      ],
      want: ['node.kubernetes.io/memory-pressure', 'node.kubernetes.io/disk-pressure', 'node.kubernetes.io/pid-pressure', 'node.kubernetes.io/network-unavailable'],
    },
    { name: 'cordoned', conditions: [['Ready', 'True']], unschedulable: true, want: ['node.kubernetes.io/unschedulable'] },
  ])('$name', ({ conditions, unschedulable, want }) => {
    const taints = conditionTaints(node(conditions, [], unschedulable));
    expect(taints.map((t) => t.key)).toEqual(want);
    expect(taints.every((t) => t.effect === 'NoSchedule')).toBe(true);
  });

  it('adds and removes only the condition taints, keeping the rest', () => {
    const user: Taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
    const stale: Taint = { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' };
    expect(reconcileConditionTaints(node([['Ready', 'Unknown']], [user, stale, unreachable]))).toEqual([user, unreachable, { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }]);
    expect(reconcileConditionTaints(node([['Ready', 'True']], [user]))).toBeUndefined();
  });
});

describe('swapTaints', () => {
  it('swaps one NoExecute taint for the other, stamping the new one', () => {
    expect(swapTaints([notReady], [unreachable], [notReady], 'T')).toEqual([{ ...unreachable, timeAdded: 'T' }]);
  });

  it('changes nothing when the taint is there already and the other is not', () => {
    expect(swapTaints([{ ...unreachable, timeAdded: 'old' }], [unreachable], [notReady], 'T')).toBeUndefined();
  });

  it('removes', () => {
    expect(swapTaints([unreachable, { key: 'x', effect: 'NoSchedule' }], [], [unreachable, notReady], 'T')).toEqual([{ key: 'x', effect: 'NoSchedule' }]);
  });
});
