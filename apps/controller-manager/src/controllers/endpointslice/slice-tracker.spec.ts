import { describe, expect, it } from 'vitest';
import type { EndpointSlice } from './reconciler';
import { SliceTracker } from './slice-tracker';

describe('SliceTracker', () => {
  const slice = (uid: string, rv: string): EndpointSlice => ({ metadata: { uid, resourceVersion: rv }, addressType: 'IPv4', endpoints: [] });
  it.each([
    { name: 'nothing written', written: [], deleted: [], cache: [], want: false },
    { name: 'written, not seen', written: [slice('a', '10')], deleted: [], cache: [], want: true },
    { name: 'written, seen older', written: [slice('a', '10')], deleted: [], cache: [slice('a', '9')], want: true },
    { name: 'written, seen newer', written: [slice('a', '10')], deleted: [], cache: [slice('a', '11')], want: false },
    { name: 'deleted, still cached', written: [], deleted: ['a'], cache: [slice('a', '3')], want: true },
    { name: 'deleted, gone', written: [], deleted: ['a'], cache: [], want: false },
  ])('$name: stale=$want', ({ written, deleted, cache, want }) => {
    const t = new SliceTracker();
    for (const s of written) t.wrote('ns/web', s);
    for (const uid of deleted) t.deleted('ns/web', uid);
    expect(t.stale('ns/web', cache)).toBe(want);
  });

  it('forgets writes once seen, and slices deleted by others', () => {
    const t = new SliceTracker();
    t.wrote('ns/web', slice('a', '10'));
    t.wrote('ns/web', slice('b', '12'));
    expect(t.stale('ns/web', [slice('a', '10')])).toBe(true);
    t.observedDeletion('ns/web', 'b');
    expect(t.stale('ns/web', [])).toBe(false);
  });
});
