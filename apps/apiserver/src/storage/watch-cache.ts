import type { KeyValue, Store, Watcher, WatchEvent } from '@tskube/store';

/** One stored object as the cache holds it: decoded once, shared by every reader. */
export interface CachedObject<T> {
  key: string;
  object: T;
  /** modRevision of the write that produced this state. */
  revision: number;
}

export type CacheEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface CacheEvent<T> {
  type: CacheEventType;
  key: string;
  /** The new state; for DELETED the last state before the delete. */
  object: T;
  /** The state before this event (MODIFIED and DELETED). */
  previous?: T;
  /** Revision of the write; for DELETED the delete's revision. */
  revision: number;
}

/** Thrown when a watch asks for history the cache no longer holds: the apiserver answers 410. */
export class TooOldResourceVersionError extends Error {
  override name = 'TooOldResourceVersionError';
  constructor(
    readonly requested: number,
    readonly oldest: number,
  ) {
    super(`too old resource version: ${requested} (${oldest})`);
  }
}

export interface WatchCacheOptions<T> {
  store: Store;
  /** Key prefix of the resource, ending in '/'. */
  prefix: string;
  /** Turns a stored value into the object clients see (resourceVersion filled in). */
  decode: (kv: KeyValue) => T;
  /** Events kept for watches that resume from a past revision. */
  historySize?: number;
  /** Events one slow watcher may have pending before it is ended (it then re-watches). */
  watcherBufferSize?: number;
  onError?: (err: unknown) => void;
}

/**
 * The apiserver's cache of one resource: every object's latest state plus a window of recent
 * events, fed by a single store watch. All watches and the reads that allow it are served from
 * here, so N clients cost one store watch. Applying an event is synchronous, so taking a
 * snapshot and subscribing in the same tick can neither miss nor repeat an event.
 */
export class WatchCache<T> {
  private readonly objects = new Map<string, CachedObject<T>>();
  private history: CacheEvent<T>[] = [];
  /** Every event with a revision above this one is in `history`. */
  private windowStart = 0;
  private current = 0;
  private readonly watchers = new Set<CacheWatcher<T>>();
  private storeWatch: Watcher | undefined;
  private closed = false;
  private readonly historySize: number;
  readonly watcherBufferSize: number;
  readonly ready: Promise<void>;
  private markReady!: () => void;

  constructor(private readonly options: WatchCacheOptions<T>) {
    this.historySize = options.historySize ?? 10_000;
    this.watcherBufferSize = options.watcherBufferSize ?? 10_000;
    this.ready = new Promise((resolve) => (this.markReady = resolve));
  }

  /** Loads the resource and follows the store until `close()`; re-lists when the watch breaks. */
  start(): void {
    void this.run();
  }

  /** Revision up to which the cache has applied every event of this resource. */
  get revision(): number {
    return this.current;
  }

  get size(): number {
    return this.objects.size;
  }

  get(key: string): CachedObject<T> | undefined {
    return this.objects.get(key);
  }

  /** Every object whose key starts with `prefix`, sorted by key, and the revision they are at. */
  list(prefix = this.options.prefix): { items: CachedObject<T>[]; revision: number } {
    const items: CachedObject<T>[] = [];
    for (const entry of this.objects.values()) if (entry.key.startsWith(prefix)) items.push(entry);
    items.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return { items, revision: this.current };
  }

  /**
   * Events after `fromRevision` (exclusive) and then live ones. Undefined: live events only,
   * with `snapshot` holding the state they follow (for a watch that starts with ADDED events).
   * Throws TooOldResourceVersionError when the history no longer reaches back that far.
   */
  watch(
    fromRevision: number | undefined,
    accept?: (ev: CacheEvent<T>) => boolean,
  ): { watcher: CacheWatcher<T>; snapshot: CachedObject<T>[]; revision: number } {
    if (this.closed) throw new Error('watch cache is closed');
    let snapshot: CachedObject<T>[] = [];
    let replay: CacheEvent<T>[] = [];
    if (fromRevision === undefined) {
      snapshot = this.list().items;
    } else {
      if (fromRevision < this.windowStart) throw new TooOldResourceVersionError(fromRevision, this.windowStart + 1);
      replay = this.eventsAfter(fromRevision);
    }
    // The replayed history does not count against the slow-client limit.
    const watcher = new CacheWatcher<T>(this.watcherBufferSize + replay.length, (w) => this.watchers.delete(w));
    watcher.skipThrough = fromRevision ?? 0;
    watcher.accept = accept;
    for (const ev of replay) watcher.push(ev);
    this.watchers.add(watcher);
    return { watcher, snapshot, revision: this.current };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.storeWatch?.close();
    for (const w of this.watchers) w.end();
    this.watchers.clear();
  }

  private eventsAfter(revision: number): CacheEvent<T>[] {
    // History is in revision order: binary search for the first event above `revision`.
    let lo = 0;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.history[mid].revision <= revision) lo = mid + 1;
      else hi = mid;
    }
    return this.history.slice(lo);
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      try {
        const revision = await this.load();
        this.markReady();
        this.storeWatch = this.options.store.watch(this.options.prefix, { prefix: true, startRevision: revision + 1 });
        if (this.closed) this.storeWatch.close();
        for await (const ev of this.storeWatch) this.apply(ev);
      } catch (err) {
        if (this.closed) return;
        this.options.onError?.(err);
        // The store watch broke (compaction, lost connection): watchers cannot be continued
        // exactly, so end them; clients re-watch and get 410 if they are too far behind.
        for (const w of this.watchers) w.end();
        this.watchers.clear();
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  /** Reads the whole resource at one revision (paged) and resets the cache to it. */
  private async load(): Promise<number> {
    const fresh = new Map<string, CachedObject<T>>();
    let revision: number | undefined;
    let fromKey: string | undefined;
    for (;;) {
      const page = await this.options.store.list(this.options.prefix, { limit: 1000, fromKey, revision });
      revision = page.revision;
      for (const kv of page.items) fresh.set(kv.key, { key: kv.key, object: this.options.decode(kv), revision: kv.modRevision });
      if (!page.more) break;
      fromKey = page.items[page.items.length - 1].key + '\u0000';
    }
    this.objects.clear();
    for (const [k, v] of fresh) this.objects.set(k, v);
    this.history = [];
    this.windowStart = revision;
    this.current = Math.max(this.current, revision);
    return revision;
  }

  private apply(ev: WatchEvent): void {
    const key = ev.kv.key;
    const previous = this.objects.get(key);
    let event: CacheEvent<T>;
    if (ev.type === 'DELETE') {
      if (!previous) return;
      this.objects.delete(key);
      event = { type: 'DELETED', key, object: previous.object, previous: previous.object, revision: ev.revision };
    } else {
      const object = this.options.decode(ev.kv);
      this.objects.set(key, { key, object, revision: ev.revision });
      event = previous
        ? { type: 'MODIFIED', key, object, previous: previous.object, revision: ev.revision }
        : { type: 'ADDED', key, object, revision: ev.revision };
    }
    this.current = ev.revision;
    this.history.push(event);
    if (this.history.length > this.historySize) {
      const dropped = this.history.splice(0, this.history.length - this.historySize);
      this.windowStart = dropped[dropped.length - 1].revision;
    }
    for (const w of this.watchers) w.push(event);
  }
}

/**
 * One client's view of the cache's event stream: an async iterable that ends when the client
 * closes it, when the cache restarts, or when the client falls too far behind.
 */
export class CacheWatcher<T> implements AsyncIterable<CacheEvent<T>> {
  private queue: CacheEvent<T>[] = [];
  private waiting: ((r: IteratorResult<CacheEvent<T>>) => void) | undefined;
  private done = false;
  /** True when ended because the client could not keep up (it should re-watch). */
  overflowed = false;
  /** Events at or below this revision are already known to the client. */
  skipThrough = 0;
  /**
   * The client's interest, checked as events arrive: an event it would discard anyway (another
   * node's pod, say) is never queued, so a thousand narrow watches cost a thousand cheap calls per
   * event rather than a thousand queued deliveries.
   */
  accept: ((ev: CacheEvent<T>) => boolean) | undefined;
  /** The highest revision offered to this watcher, whether or not it was accepted. */
  seen = 0;

  constructor(
    private readonly limit: number,
    private readonly onEnd: (w: CacheWatcher<T>) => void,
  ) {}

  push(ev: CacheEvent<T>): void {
    if (this.done || ev.revision <= this.skipThrough) return;
    this.seen = ev.revision;
    if (this.accept && !this.accept(ev)) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: ev, done: false });
      return;
    }
    if (this.queue.length >= this.limit) {
      this.overflowed = true;
      this.end();
      return;
    }
    this.queue.push(ev);
  }

  /** Events buffered but not yet taken. */
  get pending(): number {
    return this.queue.length;
  }

  end(): void {
    if (this.done) return;
    this.done = true;
    this.queue = [];
    this.onEnd(this);
    const resolve = this.waiting;
    this.waiting = undefined;
    resolve?.({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<CacheEvent<T>>> {
    const ev = this.queue.shift();
    if (ev) return Promise.resolve({ value: ev, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  [Symbol.asyncIterator](): AsyncIterator<CacheEvent<T>> {
    return { next: () => this.next(), return: async () => (this.end(), { value: undefined, done: true }) };
  }
}
