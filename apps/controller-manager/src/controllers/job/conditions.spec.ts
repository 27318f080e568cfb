import { describe, expect, it } from 'vitest';
import { ensureConditionStatus, finishedType, newCondition, type JobCondition } from './conditions';

describe('ensureConditionStatus', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  const later = now + 60_000;
  const suspended = newCondition('Suspended', 'True', 'JobSuspended', 'Job suspended', now);

  it.each([
    { name: 'adds a True condition', list: [] as JobCondition[], status: 'True' as const, reason: 'JobSuspended', want: [suspended], changed: true },
    { name: 'does not add a False one', list: [] as JobCondition[], status: 'False' as const, reason: 'JobResumed', want: [], changed: false },
    { name: 'leaves an equal one (and its times) alone', list: [suspended], status: 'True' as const, reason: 'JobSuspended', want: [suspended], changed: false },
  ])('$name', ({ list, status, reason, want, changed }) => {
    const message = status === 'True' ? 'Job suspended' : 'Job resumed';
    expect(ensureConditionStatus(list, 'Suspended', status, reason, message, now)).toEqual([want, changed]);
  });

  it('replaces a changed one with fresh times', () => {
    const [list, changed] = ensureConditionStatus([suspended], 'Suspended', 'False', 'JobResumed', 'Job resumed', later);
    expect(changed).toBe(true);
    expect(list).toEqual([newCondition('Suspended', 'False', 'JobResumed', 'Job resumed', later)]);
    expect(list[0]!.lastTransitionTime).toBe('2026-01-01T00:01:00Z');
  });

  it('tells a finished Job by its Complete or Failed condition', () => {
    expect(finishedType({ status: { conditions: [newCondition('SuccessCriteriaMet', 'True', '', '', now)] } })).toBeUndefined();
    expect(finishedType({ status: { conditions: [newCondition('Complete', 'True', '', '', now)] } })).toBe('Complete');
    expect(finishedType({ status: { conditions: [newCondition('Failed', 'False', '', '', now), newCondition('Failed', 'True', '', '', now)] } })).toBe('Failed');
  });
});
