import type { discoveryv1 } from '@tskube/api-types';

type EndpointSlice = discoveryv1.EndpointSlice;

const Deleted = Symbol('deleted');

/**
 * What the controller last wrote, per service, so it never acts on a cache that has not caught up
 * with its own writes (Kubernetes' EndpointSliceTracker). Acting on such a cache would create a
 * second slice for endpoints it already placed, since new slices have generated names. A slice
 * counts as seen once the cache holds it at the resourceVersion written (or later), a deletion
 * once the cache no longer holds it. resourceVersions here are store revisions, so they order.
 */
export class SliceTracker {
  private readonly expected = new Map<string, Map<string, string | typeof Deleted>>();

  /** Records a create or update of a slice of `service` answered with `slice`. */
  wrote(service: string, slice: EndpointSlice): void {
    const uid = slice.metadata?.uid;
    if (!uid) return;
    this.entries(service).set(uid, slice.metadata?.resourceVersion ?? '');
  }

  /** Records a deletion of the slice with `uid`. */
  deleted(service: string, uid: string | undefined): void {
    if (uid) this.entries(service).set(uid, Deleted);
  }

  /**
   * Whether `cached` (the cache's slices for the service) misses one of the writes recorded; the
   * writes it reflects are forgotten.
   */
  stale(service: string, cached: readonly EndpointSlice[]): boolean {
    const entries = this.expected.get(service);
    if (!entries) return false;
    const byUid = new Map(cached.map((s) => [s.metadata?.uid ?? '', s]));
    let stale = false;
    for (const [uid, want] of entries) {
      const have = byUid.get(uid);
      const caughtUp = want === Deleted ? have === undefined : have !== undefined && atLeast(have.metadata?.resourceVersion ?? '', want);
      if (caughtUp) entries.delete(uid);
      else stale = true;
    }
    if (entries.size === 0) this.expected.delete(service);
    return stale;
  }

  /** The cache saw the slice deleted: nothing about it can be awaited any more. */
  observedDeletion(service: string, uid: string | undefined): void {
    const entries = this.expected.get(service);
    if (!entries || !uid) return;
    entries.delete(uid);
    if (entries.size === 0) this.expected.delete(service);
  }

  /** Forgets a service (it was deleted). */
  forget(service: string): void {
    this.expected.delete(service);
  }

  private entries(service: string): Map<string, string | typeof Deleted> {
    let m = this.expected.get(service);
    if (!m) this.expected.set(service, (m = new Map()));
    return m;
  }
}

/** `rv` is `want` or newer. */
function atLeast(rv: string, want: string): boolean {
  if (/^\d+$/.test(rv) && /^\d+$/.test(want)) return BigInt(rv) >= BigInt(want);
  return rv === want;
}
