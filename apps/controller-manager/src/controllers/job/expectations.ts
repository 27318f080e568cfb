import { realClock, type Clock } from '@tskube/client';

/**
 * client-go's ControllerExpectations: per controller key, how many creates and deletes it issued
 * that its informer has not shown yet. While some are outstanding the controller must not act on
 * counts from its cache (they would not include its own writes). Records expire after a TTL so
 * an event lost for good cannot wedge a key forever.
 */
export class ControllerExpectations {
  private readonly records = new Map<string, { add: number; del: number; at: number }>();

  constructor(
    private readonly clock: Clock = realClock,
    /** Kubernetes' ExpectationsTimeout: 5 minutes. */
    private readonly ttlMs = 5 * 60_000,
  ) {}

  /** Whether `key` may act: nothing outstanding, no record at all, or the record expired. */
  satisfied(key: string): boolean {
    const r = this.records.get(key);
    if (!r) return true;
    if (r.add <= 0 && r.del <= 0) return true;
    return this.clock.now() - r.at > this.ttlMs;
  }

  /** Replaces the record of `key`: `n` creates are now outstanding. */
  expectCreations(key: string, n: number): void {
    this.records.set(key, { add: n, del: 0, at: this.clock.now() });
  }

  /** Replaces the record of `key`: `n` deletes are now outstanding. */
  expectDeletions(key: string, n: number): void {
    this.records.set(key, { add: 0, del: n, at: this.clock.now() });
  }

  /** One create of `key` was seen (or will never be: it failed). */
  creationObserved(key: string): void {
    const r = this.records.get(key);
    if (r) r.add--;
  }

  /** One delete of `key` was seen (or will never be). */
  deletionObserved(key: string): void {
    const r = this.records.get(key);
    if (r) r.del--;
  }

  /** Forgets `key` (its object is gone). */
  delete(key: string): void {
    this.records.delete(key);
  }
}

/**
 * The Job controller's finalizer expectations: per Job, the pod UIDs whose tracking finalizer it
 * removed and whose update it has not seen yet. Until then the cache still shows the finalizer,
 * and the pod must not be counted a second time.
 */
export class UidTrackingExpectations {
  private readonly uids = new Map<string, Set<string>>();

  /** The UIDs still expected for `key` (a copy). */
  expected(key: string): Set<string> {
    return new Set(this.uids.get(key));
  }

  expectRemoved(key: string, uids: Iterable<string>): void {
    let set = this.uids.get(key);
    if (!set) this.uids.set(key, (set = new Set()));
    for (const uid of uids) set.add(uid);
  }

  /** The pod `uid` of `key` was seen without its finalizer (or gone). */
  observed(key: string, uid: string): void {
    const set = this.uids.get(key);
    if (!set) return;
    set.delete(uid);
    if (set.size === 0) this.uids.delete(key);
  }

  delete(key: string): void {
    this.uids.delete(key);
  }
}
