import { describe, expect, it } from 'vitest';
import { leasePrinter } from './lease';

const now = new Date('2025-01-01T12:00:00Z');
const ctx = { now, group: 'coordination.k8s.io' };
const metadata = { name: 'x', creationTimestamp: '2025-01-01T11:00:00Z' };

describe('leases', () => {
  it('prints the holder', () => {
    expect(leasePrinter.row({ metadata, spec: { holderIdentity: 'node-1' } }, ctx).cells).toEqual(['x', 'node-1', '60m']);
    expect(leasePrinter.row({ metadata, spec: {} }, ctx).cells).toEqual(['x', '', '60m']);
  });
});
