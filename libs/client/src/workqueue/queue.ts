/**
 * A work queue of items (usually `namespace/name` keys), with client-go's workqueue guarantees:
 *
 * - an item queued several times before a worker takes it is processed once;
 * - an item is handed to at most one worker at a time;
 * - an item added while a worker processes it is queued again when that worker calls `done`.
 *
 * Items are compared with SameValueZero (as Set members), so use strings or other primitives.
 */
export interface Queue<T> {
  /** Queues `item` unless it is already waiting; ignored after shut down. */
  add(item: T): void;
  /** Items waiting to be handed out (not the ones being processed). */
  len(): number;
  /**
   * The next item, marked as being processed, in FIFO order; waits while the queue is empty.
   * Resolves undefined once the queue is shut down and empty: the worker must exit.
   */
  get(): Promise<T | undefined>;
  /** Marks `item` processed; it is queued again if it was added meanwhile. */
  done(item: T): void;
  /** Refuses new items; workers drain what is queued, then get undefined. Idempotent. */
  shutDown(): void;
  /** Shuts down and resolves once every item handed out is done. */
  shutDownWithDrain(): Promise<void>;
  /** Whether shutDown has been called. */
  shuttingDown(): boolean;
}

/** The basic FIFO work queue. */
export class WorkQueue<T extends NonNullable<unknown> = string> implements Queue<T> {
  private items: T[] = [];
  private head = 0;
  /** Items waiting to be processed: queued ones, and processed ones added again. */
  private readonly dirty = new Set<T>();
  private readonly processing = new Set<T>();
  private readonly getters: ((item: T | undefined) => void)[] = [];
  private readonly drainWaiters: (() => void)[] = [];
  private stopping = false;

  add(item: T): void {
    if (this.stopping || this.dirty.has(item)) return;
    this.dirty.add(item);
    if (this.processing.has(item)) return;
    this.push(item);
  }

  len(): number {
    return this.items.length - this.head;
  }

  get(): Promise<T | undefined> {
    if (this.len() > 0) return Promise.resolve(this.take());
    if (this.stopping) return Promise.resolve(undefined);
    return new Promise((resolve) => this.getters.push(resolve));
  }

  done(item: T): void {
    if (!this.processing.delete(item)) return;
    if (this.dirty.has(item)) this.push(item);
    else if (this.processing.size === 0) this.wakeDrainers();
  }

  shutDown(): void {
    if (this.stopping) return;
    this.stopping = true;
    // Nothing is queued while getters wait, so every waiting worker learns it must exit.
    for (const g of this.getters.splice(0)) g(undefined);
  }

  shutDownWithDrain(): Promise<void> {
    this.shutDown();
    if (this.processing.size === 0 && this.len() === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  shuttingDown(): boolean {
    return this.stopping;
  }

  private push(item: T): void {
    const getter = this.getters.shift();
    if (getter !== undefined) {
      this.dirty.delete(item);
      this.processing.add(item);
      getter(item);
      return;
    }
    this.items.push(item);
  }

  private take(): T {
    const item = this.items[this.head]!;
    this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    this.dirty.delete(item);
    this.processing.add(item);
    return item;
  }

  private wakeDrainers(): void {
    if (this.len() > 0) return;
    for (const w of this.drainWaiters.splice(0)) w();
  }
}
