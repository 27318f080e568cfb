import type { corev1 } from '@tskube/api-types';
import { describe, expect, it } from 'vitest';
import { aggregateMessage, runtimeErrors, setPressureCondition, setReadyCondition } from './conditions';

const T1 = '2026-01-01T00:00:00Z';
const T2 = '2026-01-01T00:00:10Z';

describe('pressure conditions', () => {
  it('starts Unknown, turns False with an event, then only moves the heartbeat', () => {
    const conditions: corev1.NodeCondition[] = [];
    const events: string[] = [];
    setPressureCondition(conditions, 'MemoryPressure', false, T1, (r) => events.push(r));
    expect(conditions).toEqual([
      { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available', lastHeartbeatTime: T1, lastTransitionTime: T1 },
    ]);
    setPressureCondition(conditions, 'MemoryPressure', false, T2, (r) => events.push(r));
    expect(conditions[0]).toMatchObject({ lastHeartbeatTime: T2, lastTransitionTime: T1 });
    setPressureCondition(conditions, 'MemoryPressure', true, T2, (r) => events.push(r));
    expect(conditions[0]).toMatchObject({ status: 'True', reason: 'KubeletHasInsufficientMemory', lastTransitionTime: T2 });
    expect(events).toEqual(['NodeHasSufficientMemory', 'NodeHasInsufficientMemory']);
  });

  it.each([
    ['DiskPressure', false, 'KubeletHasNoDiskPressure', 'NodeHasNoDiskPressure'],
    ['DiskPressure', true, 'KubeletHasDiskPressure', 'NodeHasDiskPressure'],
    ['PIDPressure', false, 'KubeletHasSufficientPID', 'NodeHasSufficientPID'],
    ['PIDPressure', true, 'KubeletHasInsufficientPID', 'NodeHasInsufficientPID'],
  ] as const)('%s %s is %s', (type, pressure, reason, event) => {
    const conditions: corev1.NodeCondition[] = [];
    const events: string[] = [];
    setPressureCondition(conditions, type, pressure, T1, (r) => events.push(r));
    expect(conditions[0]?.reason).toBe(reason);
    expect(events).toEqual([event]);
  });
});

describe('Ready condition', () => {
  it('is added last without an event, and records NodeNotReady and NodeReady on transitions', () => {
    const conditions: corev1.NodeCondition[] = [{ type: 'MemoryPressure', status: 'False' }];
    const events: string[] = [];
    const record = (r: string) => events.push(r);
    setReadyCondition(conditions, [], T1, record);
    expect(conditions[1]).toEqual({ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: T1, lastTransitionTime: T1 });
    expect(events).toEqual([]);
    setReadyCondition(conditions, ['container runtime is down'], T2, record);
    expect(conditions[1]).toMatchObject({ status: 'False', reason: 'KubeletNotReady', message: 'container runtime is down', lastTransitionTime: T2 });
    setReadyCondition(conditions, [], T2, record);
    expect(events).toEqual(['NodeNotReady', 'NodeReady']);
  });

  it('keeps the transition time while the status holds', () => {
    const conditions: corev1.NodeCondition[] = [];
    setReadyCondition(conditions, ['a'], T1, () => undefined);
    setReadyCondition(conditions, ['a', 'b'], T2, () => undefined);
    expect(conditions[0]).toMatchObject({ message: '[a, b]', lastHeartbeatTime: T2, lastTransitionTime: T1 });
  });
});

describe('runtime errors', () => {
  const cond = (type: string, status: boolean, reason = '', message = '') => ({ type, status, reason, message });
  it.each([
    { name: 'ready', input: { status: { conditions: [cond('RuntimeReady', true), cond('NetworkReady', true)] } }, want: [] },
    {
      name: 'network not ready',
      input: { status: { conditions: [cond('RuntimeReady', true), cond('NetworkReady', false, 'NetworkPluginNotReady', 'Network plugin returns error: cni plugin not initialized')] } },
      want: ['container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized'],
    },
    { name: 'no conditions', input: { status: { conditions: [] } }, want: ['container runtime not ready: <nil>', 'container runtime network not ready: <nil>'] },
    { name: 'status call failed', input: new Error('connection refused'), want: ['container runtime is down'] },
  ])('$name', ({ input, want }) => {
    expect(runtimeErrors(input)).toEqual(want);
  });

  it('aggregates as Go does', () => {
    expect(aggregateMessage(['x'])).toBe('x');
    expect(aggregateMessage(['x', 'y', 'x'])).toBe('[x, y]');
  });
});
