import { realClock, type Clock } from '@tskube/client';

/** How long expectations hold before a controller acts anyway; client-go's ExpectationsTimeout. */
export const expectationsTimeoutMs = 5 * 60 * 1000;

interface Expectation {
  add: number;
  del: number;
  /** Clock time the expectation was set, for the timeout. */
  setAt: number;
}

export interface ExpectationsOptions {
  clock?: Clock;
  /** After this many ms unfulfilled expectations count as satisfied; 5 minutes by default. */
  timeoutMs?: number;
}

/**
 * Counts of creates and deletes a controller issued and has not yet seen in its informer, per
 * controller key, as client-go's ControllerExpectations. While a key's expectations are pending
 * the controller must not act on it again: its cache does not reflect its own writes yet, and
 * acting would create or delete twice. Expectations that are never fulfilled (a watch event lost)
 * expire after the timeout so the controller cannot stall forever.
 *
 * Safe for concurrent use from informer handlers and workers (a single JS thread; no awaits).
 */
export class ControllerExpectations {
  protected readonly clock: Clock;
  private readonly timeoutMs: number;
  private readonly entries = new Map<string, Expectation>();

  constructor(options: ExpectationsOptions = {}) {
    this.clock = options.clock ?? realClock;
    this.timeoutMs = options.timeoutMs ?? expectationsTimeoutMs;
  }

  /**
   * True when the controller may sync `key`: it has no expectations (never acted, or they were
   * deleted), they are fulfilled, or they expired.
   */
  satisfied(key: string): boolean {
    const e = this.entries.get(key);
    if (!e) return true;
    if (e.add <= 0 && e.del <= 0) return true;
    return this.clock.now() - e.setAt > this.timeoutMs;
  }

  /** Replaces the expectations of `key` with `count` creations (and no deletions). */
  expectCreations(key: string, count: number): void {
    this.entries.set(key, { add: count, del: 0, setAt: this.clock.now() });
  }

  /** Replaces the expectations of `key` with `count` deletions (and no creations). */
  expectDeletions(key: string, count: number): void {
    this.entries.set(key, { add: 0, del: count, setAt: this.clock.now() });
  }

  /** One expected creation was seen (or will never happen). No-op without expectations. */
  creationObserved(key: string): void {
    this.lower(key, 1, 0);
  }

  /** One expected deletion was seen (or will never happen). No-op without expectations. */
  deletionObserved(key: string): void {
    this.lower(key, 0, 1);
  }

  /** Forgets `key` (its object is gone). Idempotent. */
  delete(key: string): void {
    this.entries.delete(key);
  }

  /** The pending counts of `key`, for tests and logs; undefined without expectations. */
  pending(key: string): { add: number; del: number } | undefined {
    const e = this.entries.get(key);
    return e ? { add: e.add, del: e.del } : undefined;
  }

  private lower(key: string, add: number, del: number): void {
    const e = this.entries.get(key);
    if (!e) return;
    e.add -= add;
    e.del -= del;
  }
}

/**
 * Expectations that remember which objects a controller deleted, as client-go's
 * UIDTrackingControllerExpectations: a deletion counts only when it is one the controller asked
 * for, so a pod that was deleted by someone else (and also seen by the informer) does not fulfil
 * the controller's own pending deletes twice.
 */
export class UIDTrackingExpectations extends ControllerExpectations {
  private readonly deleting = new Map<string, Set<string>>();

  /** Replaces the expectations of `key` with deletions of exactly `podKeys`. */
  expectDeletionsOf(key: string, podKeys: readonly string[]): void {
    this.deleting.set(key, new Set(podKeys));
    this.expectDeletions(key, podKeys.length);
  }

  /** `podKey` is gone (or will not be deleted): counts only if it was expected. Idempotent per pod. */
  deletionOf(key: string, podKey: string): void {
    const set = this.deleting.get(key);
    if (!set?.has(podKey)) return;
    set.delete(podKey);
    this.deletionObserved(key);
  }

  override delete(key: string): void {
    super.delete(key);
    this.deleting.delete(key);
  }
}
