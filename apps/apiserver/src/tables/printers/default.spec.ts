import { describe, expect, it } from 'vitest';
import { defaultPrinter, rfc3339 } from './default';

describe('default printer', () => {
  it.each([
    { name: 'UTC as is', ts: '2025-01-01T11:00:00Z', want: '2025-01-01T11:00:00Z' },
    { name: 'offsets become UTC', ts: '2025-01-01T13:00:00+02:00', want: '2025-01-01T11:00:00Z' },
    { name: 'fractions are dropped', ts: '2025-01-01T11:00:00.999999Z', want: '2025-01-01T11:00:00Z' },
    { name: "missing is Go's zero time", ts: undefined, want: '0001-01-01T00:00:00Z' },
    { name: "Go's zero time stays", ts: '0001-01-01T00:00:00Z', want: '0001-01-01T00:00:00Z' },
  ])('CREATED AT: $name', ({ ts, want }) => {
    expect(rfc3339(ts)).toBe(want);
  });

  it('prints NAME and CREATED AT', () => {
    const row = defaultPrinter.row({ metadata: { name: 'admin', creationTimestamp: '2025-01-01T11:00:00Z' } }, { now: new Date(), group: 'rbac.authorization.k8s.io' });
    expect(row.cells).toEqual(['admin', '2025-01-01T11:00:00Z']);
  });
});
