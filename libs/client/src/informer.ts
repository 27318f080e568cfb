import type { Logger } from '@tskube/component';
import { Backoff, type BackoffOptions } from './backoff';
import { Cache, type IndexedLister, type Indexers } from './cache/indexer';
import { DeletedFinalStateUnknown, metaNamespaceKey, type ObjectWithMeta } from './cache/keys';
import { realClock, sleep, type Clock, type Timer } from './clock';
import { isResourceExpired, isTransportError } from './errors';
import type { ListerWatcher } from './list-watch';
import { silentLogger } from './logging';
import type { ObjectWatchEvent } from './watch-stream';
import { StatusError } from '@tskube/api-types';

/**
 * What an informer tells its handlers. Calls arrive one at a time, in the order the changes
 * happened, after the cache already reflects them. Handlers must be quick and must not throw
 * (a throw is logged and swallowed): compute a key and enqueue it.
 */
export interface EventHandler<T> {
  /** A new object; `isInInitialList` is true for objects of the first list (or of a late registration). */
  onAdd?(obj: T, isInInitialList: boolean): void;
  /**
   * An object changed. On a resync both arguments are the same cached object, as in client-go;
   * compare resourceVersions to tell.
   */
  onUpdate?(oldObj: T, newObj: T): void;
  /**
   * An object is gone: its last state from the watch, or a DeletedFinalStateUnknown tombstone when
   * the deletion was only noticed by listing again.
   */
  onDelete?(obj: T | DeletedFinalStateUnknown<T>): void;
}

/** A handler's place in an informer. */
export interface HandlerRegistration {
  /** Stops further calls to the handler. Idempotent. */
  remove(): void;
  /** Whether the handler has received every object of the informer's first list. */
  hasSynced(): boolean;
}

export interface InformerOptions<T> {
  /** The collection to mirror. */
  listerWatcher: ListerWatcher<T>;
  /** Indexes besides the built-in namespace index. */
  indexers?: Indexers<T>;
  /** Every this many ms, onUpdate(obj, obj) for every cached object; 0 or absent: never. */
  resyncPeriodMs?: number;
  /** Items per list page; 500 by default, as client-go's pager. 0 lists at once. */
  pageSize?: number;
  /** Back-off between failed lists and re-watches; client-go's reflector defaults (800 ms to 30 s). */
  backoff?: BackoffOptions;
  /** Each watch asks the server to end it after between this and twice this many seconds; 300. */
  minWatchTimeoutSeconds?: number;
  clock?: Clock;
  logger?: Logger;
  /** A number in [0, 1); spreads watch timeouts. Math.random by default. */
  random?: () => number;
}

interface Registration<T> {
  handler: EventHandler<T>;
  synced: boolean;
  removed: boolean;
}

/**
 * Mirrors one collection into an indexed cache and reports every change to handlers, as
 * client-go's shared informer (reflector, DeltaFIFO and indexer in one):
 *
 * - lists (in pages), then watches from the list's resourceVersion with bookmarks;
 * - when a watch breaks or ends it watches again from the last resourceVersion it saw (an event's
 *   or a bookmark's), with back-off on failures, so no change is lost or reported twice;
 * - when the server answers 410 (an ERROR event or a failed call) it lists again and reports the
 *   difference to its cache: adds, updates, and deletes as DeletedFinalStateUnknown tombstones;
 * - a change the cache already holds (same resourceVersion) is not reported again.
 */
export class Informer<T extends ObjectWithMeta> {
  private readonly lw: ListerWatcher<T>;
  private readonly cache: Cache<T>;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly random: () => number;
  private readonly backoff: Backoff;
  private readonly pageSize: number;
  private readonly resyncPeriodMs: number;
  private readonly minWatchTimeoutSeconds: number;
  private readonly registrations = new Set<Registration<T>>();
  private readonly syncWaiters = new Set<(synced: boolean) => void>();
  private synced = false;
  private lastRV = '';
  private rvUnavailable = false;
  private controller: AbortController | undefined;
  private running: Promise<void> | undefined;
  private resyncTimer: Timer | undefined;

  constructor(options: InformerOptions<T>) {
    if (!options.listerWatcher) throw new TypeError('listerWatcher is required');
    this.lw = options.listerWatcher;
    this.cache = new Cache<T>(options.indexers ? { indexers: options.indexers } : {});
    this.clock = options.clock ?? realClock;
    this.logger = options.logger ?? silentLogger;
    this.random = options.random ?? Math.random;
    this.backoff = new Backoff({ clock: this.clock, ...options.backoff });
    this.pageSize = options.pageSize ?? 500;
    this.resyncPeriodMs = options.resyncPeriodMs ?? 0;
    this.minWatchTimeoutSeconds = options.minWatchTimeoutSeconds ?? 300;
    if (this.pageSize < 0 || this.resyncPeriodMs < 0 || this.minWatchTimeoutSeconds <= 0) {
      throw new RangeError('pageSize and resyncPeriodMs must be >= 0, minWatchTimeoutSeconds > 0');
    }
  }

  /** The cache the informer fills: read it, never write it. */
  get lister(): IndexedLister<T> {
    return this.cache;
  }

  /** Whether the first list has been applied to the cache and reported to the handlers. */
  hasSynced(): boolean {
    return this.synced;
  }

  /** The resourceVersion the informer would resume from: of the last list, event or bookmark. */
  lastSyncResourceVersion(): string {
    return this.lastRV;
  }

  /**
   * Resolves true once synced, or false if `signal` aborts or the informer stops first.
   */
  waitForSync(signal?: AbortSignal): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (synced: boolean) => {
        this.syncWaiters.delete(done);
        signal?.removeEventListener('abort', onAbort);
        resolve(synced);
      };
      const onAbort = () => done(false);
      this.syncWaiters.add(done);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Adds a handler. Added after the informer synced, it first gets onAdd for every cached object
   * (isInInitialList true), as client-go's AddEventHandler does.
   */
  addEventHandler(handler: EventHandler<T>): HandlerRegistration {
    const reg: Registration<T> = { handler, synced: false, removed: false };
    this.registrations.add(reg);
    if (this.synced) {
      for (const obj of this.cache.list()) this.call(reg, 'onAdd', () => reg.handler.onAdd?.(obj, true));
      reg.synced = true;
    }
    return {
      remove: () => {
        reg.removed = true;
        this.registrations.delete(reg);
      },
      hasSynced: () => reg.synced,
    };
  }

  /**
   * Starts listing and watching in the background; a second call while running is a no-op. The
   * returned promise settles when the informer stops (it never rejects: failures are retried).
   */
  start(): Promise<void> {
    if (this.running) return this.running;
    const controller = new AbortController();
    this.controller = controller;
    this.scheduleResync(controller.signal);
    this.running = this.loop(controller.signal).finally(() => {
      this.resyncTimer?.cancel();
      for (const w of [...this.syncWaiters]) w(false);
    });
    return this.running;
  }

  /** Stops the informer: closes the watch and waits for the loop to end. The cache keeps its content. */
  async stop(): Promise<void> {
    this.controller?.abort();
    await this.running;
    this.running = undefined;
  }

  private async loop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.listAndReplace(signal);
      } catch (err) {
        if (signal.aborted) break;
        this.logger.warn('informer list failed', { err });
        await sleep(this.clock, this.backoff.next(), signal);
        continue;
      }
      const relistNow = await this.watchUntilRelist(signal);
      if (!relistNow && !signal.aborted) await sleep(this.clock, this.backoff.next(), signal);
    }
  }

  /** client-go's relistResourceVersion: any state first, then never older than what was seen. */
  private relistResourceVersion(): string {
    if (this.rvUnavailable) return '';
    return this.lastRV === '' ? '0' : this.lastRV;
  }

  private async listAndReplace(signal: AbortSignal): Promise<void> {
    let rv = this.relistResourceVersion();
    let limit = this.pageSize;
    for (;;) {
      try {
        const { items, resourceVersion } = await this.listPages(rv, limit, signal);
        this.rvUnavailable = false;
        this.replace(items, resourceVersion);
        return;
      } catch (err) {
        if (!isResourceExpired(err) || signal.aborted) throw err;
        // The revision (or a continue token) is gone: read the latest state instead, and at once
        // rather than page by page if even that expired mid-way.
        if (rv !== '') {
          this.rvUnavailable = true;
          rv = '';
        } else if (limit !== 0) {
          limit = 0;
        } else {
          throw err;
        }
      }
    }
  }

  private async listPages(resourceVersion: string, limit: number, signal: AbortSignal): Promise<{ items: T[]; resourceVersion: string }> {
    const items: T[] = [];
    let cont = '';
    let rv = resourceVersion;
    for (;;) {
      const page = await this.lw.list({ resourceVersion: cont ? '' : rv, limit, continue: cont, signal });
      items.push(...page.items);
      if (!page.continue) return { items, resourceVersion: page.resourceVersion };
      cont = page.continue;
      rv = page.resourceVersion;
    }
  }

  /**
   * Watches (again and again) from the last resourceVersion. Resolves true when the informer must
   * list again at once (410), false when it must list again after a back-off (another error).
   */
  private async watchUntilRelist(signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      const timeoutSeconds = Math.floor(this.minWatchTimeoutSeconds * (1 + this.random()));
      const stream = this.lw.watch({ resourceVersion: this.lastRV, allowWatchBookmarks: true, timeoutSeconds, signal });
      const startedAt = this.clock.now();
      let delivered = 0;
      try {
        for await (const ev of stream) {
          delivered++;
          if (ev.type === 'ERROR') {
            if (isResourceExpired(ev.error)) {
              this.logger.info('watch expired, listing again', { resourceVersion: this.lastRV, message: ev.error.message });
              return true;
            }
            this.logger.warn('watch ended with an error event', { err: ev.error });
            return false;
          }
          this.backoff.reset();
          this.apply(ev);
        }
        // A clean end (server timeout or shutdown): resume from where it stopped, at once unless
        // the server keeps closing watches straight away (client-go's "very short watch").
        if (!signal.aborted && delivered === 0 && this.clock.now() - startedAt < 1_000) {
          await sleep(this.clock, this.backoff.next(), signal);
        }
      } catch (err) {
        if (signal.aborted) break;
        if (isResourceExpired(err)) {
          this.logger.info('watch expired, listing again', { resourceVersion: this.lastRV, err });
          return true;
        }
        if (isTransportError(err) || isRetriableStatus(err)) {
          this.logger.warn('watch failed, watching again', { resourceVersion: this.lastRV, err });
          await sleep(this.clock, this.backoff.next(), signal);
          continue;
        }
        this.logger.warn('watch refused, listing again', { err });
        return false;
      } finally {
        stream.close();
      }
    }
    return false;
  }

  private apply(ev: ObjectWatchEvent<T>): void {
    if (ev.type !== 'BOOKMARK') {
      const key = metaNamespaceKey(ev.object);
      const old = this.cache.get(key);
      if (ev.type === 'DELETED') {
        if (old !== undefined) {
          this.cache.delete(key);
          this.dispatch('onDelete', (h) => h.onDelete?.(ev.object));
        }
      } else if (old === undefined) {
        this.cache.add(ev.object);
        this.dispatch('onAdd', (h) => h.onAdd?.(ev.object, false));
      } else if (old.metadata?.resourceVersion !== ev.object.metadata?.resourceVersion) {
        this.cache.update(ev.object);
        this.dispatch('onUpdate', (h) => h.onUpdate?.(old, ev.object));
      }
    }
    if (ev.resourceVersion) this.lastRV = ev.resourceVersion;
  }

  /** Makes the cache hold exactly `items`, reporting the difference. */
  private replace(items: T[], resourceVersion: string): void {
    const seen = new Set<string>();
    const initial = !this.synced;
    for (const obj of items) {
      const key = metaNamespaceKey(obj);
      seen.add(key);
      const old = this.cache.get(key);
      if (old === undefined) {
        this.cache.add(obj);
        this.dispatch('onAdd', (h) => h.onAdd?.(obj, initial));
      } else if (old.metadata?.uid !== obj.metadata?.uid) {
        // Deleted and created again under the same name while the watch was down.
        this.cache.add(obj);
        this.dispatch('onDelete', (h) => h.onDelete?.(new DeletedFinalStateUnknown(key, old)));
        this.dispatch('onAdd', (h) => h.onAdd?.(obj, initial));
      } else if (old.metadata?.resourceVersion !== obj.metadata?.resourceVersion) {
        this.cache.update(obj);
        this.dispatch('onUpdate', (h) => h.onUpdate?.(old, obj));
      }
    }
    for (const key of this.cache.listKeys()) {
      if (seen.has(key)) continue;
      const old = this.cache.get(key)!;
      this.cache.delete(key);
      this.dispatch('onDelete', (h) => h.onDelete?.(new DeletedFinalStateUnknown(key, old)));
    }
    this.lastRV = resourceVersion;
    if (!this.synced) {
      this.synced = true;
      for (const reg of this.registrations) reg.synced = true;
      for (const w of [...this.syncWaiters]) w(true);
    }
  }

  private scheduleResync(signal: AbortSignal): void {
    if (this.resyncPeriodMs <= 0) return;
    this.resyncTimer = this.clock.setTimer(this.resyncPeriodMs, () => {
      if (signal.aborted) return;
      if (this.synced) {
        for (const obj of this.cache.list()) this.dispatch('onUpdate', (h) => h.onUpdate?.(obj, obj));
      }
      this.scheduleResync(signal);
    });
  }

  private dispatch(what: keyof EventHandler<T>, fn: (h: EventHandler<T>) => void): void {
    for (const reg of this.registrations) this.call(reg, what, () => fn(reg.handler));
  }

  private call(reg: Registration<T>, what: string, fn: () => void): void {
    if (reg.removed) return;
    try {
      fn();
    } catch (err) {
      this.logger.error('informer event handler threw', { handler: what, err });
    }
  }
}

/** Server-side conditions that pass: overload and timeouts, worth re-watching from the same place. */
function isRetriableStatus(err: unknown): boolean {
  return err instanceof StatusError && (err.code === 429 || err.code === 503 || err.code === 504 || err.reason === 'ServerTimeout');
}
