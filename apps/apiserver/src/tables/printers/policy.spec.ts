import { describe, expect, it } from 'vitest';
import { podDisruptionBudgetPrinter, priorityClassPrinter } from './policy';

const now = new Date('2025-01-01T12:00:00Z');
const ctx = { now, group: '' };
const metadata = { name: 'x', creationTimestamp: '2025-01-01T11:00:00Z' };

describe('pod disruption budgets', () => {
  it.each([
    { name: 'min available as a number', spec: { minAvailable: 2 }, want: ['x', '2', 'N/A', 1, '60m'] },
    { name: 'max unavailable as a percentage', spec: { maxUnavailable: '25%' }, want: ['x', 'N/A', '25%', 1, '60m'] },
  ])('$name', ({ spec, want }) => {
    expect(podDisruptionBudgetPrinter.row({ metadata, spec, status: { disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3 } }, ctx).cells).toEqual(want);
  });
});

describe('priority classes', () => {
  it('prints value, global default and preemption policy', () => {
    expect(priorityClassPrinter.row({ metadata: { ...metadata, name: 'system-node-critical' }, value: 2000001000, preemptionPolicy: 'PreemptLowerPriority' }, ctx).cells).toEqual([
      'system-node-critical',
      2000001000,
      false,
      '60m',
      'PreemptLowerPriority',
    ]);
  });
});
