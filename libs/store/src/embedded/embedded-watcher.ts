import { StorageError, StorageErrorCode } from '../errors';
import type { WatchEvent, Watcher } from '../store';
import type { KeyMatch } from './sqlite-log';

/** What a watcher needs from its store: history for the catch-up, and to be let go. */
export interface WatchSource {
  /** Matching events with from <= revision <= to, in order, at most `limit`. */
  history(match: KeyMatch, from: number, to: number, limit: number): WatchEvent[];
  compactRevision(): number;
  /** Stop delivering to this watcher. */
  detach(watcher: EmbeddedWatcher): void;
}

export interface EmbeddedWatcherOptions {
  match: KeyMatch;
  source: WatchSource;
  /** First revision to deliver. */
  from: number;
  /** The store's revision when the watch started: history covers [from, to], live pushes the rest. */
  to: number;
  /** Live events held for a slow consumer before the watch fails with Unavailable. */
  bufferLimit: number;
}

/** Rows read from history per step of the catch-up, so a watch from far back streams. */
const REPLAY_CHUNK = 512;

/**
 * One watch on the embedded store. It catches up from history lazily, in chunks, as the consumer
 * iterates, while the store pushes live events into a bounded queue; the two cannot overlap
 * because the store is single-threaded and the watch was registered at revision `to`, so every
 * pushed event is above it. A consumer that falls `bufferLimit` events behind loses the watch
 * with Unavailable and restarts from its last revision + 1; writers never wait for it.
 */
export class EmbeddedWatcher implements Watcher {
  private readonly match: KeyMatch;
  private readonly source: WatchSource;
  private readonly bufferLimit: number;
  private readonly from: number;
  private cursor: number;
  private readonly replayTo: number;
  private replayDone: boolean;
  private replayed: WatchEvent[] = [];
  private readonly live = new Queue<WatchEvent>();
  private lastDelivered = 0;
  private failure: StorageError | undefined;
  private ended = false;
  private waiting: { resolve(r: IteratorResult<WatchEvent>): void; reject(err: unknown): void } | undefined;

  constructor(options: EmbeddedWatcherOptions) {
    this.match = options.match;
    this.source = options.source;
    this.bufferLimit = options.bufferLimit;
    this.from = options.from;
    this.cursor = options.from;
    this.replayTo = options.to;
    this.replayDone = options.from > options.to;
  }

  /** True when events for `name` belong to this watch. */
  matches(name: string): boolean {
    return this.match.prefix ? name.startsWith(this.match.key) : name === this.match.key;
  }

  /** Called by the store after a commit, in revision order. Never blocks and never throws. */
  push(event: WatchEvent): void {
    if (this.ended || event.revision <= this.replayTo || event.revision < this.from) return;
    if (this.waiting) {
      const waiting = this.waiting;
      this.waiting = undefined;
      this.lastDelivered = event.revision;
      waiting.resolve({ value: event, done: false });
      return;
    }
    if (this.live.length >= this.bufferLimit) {
      this.fail(
        new StorageError(
          StorageErrorCode.Unavailable,
          `watch on ${this.match.key} fell more than ${this.bufferLimit} events behind; restart it from revision ${this.lastDelivered + 1}`,
          { key: this.match.key, revision: this.lastDelivered },
        ),
      );
      return;
    }
    this.live.push(event);
  }

  /** Ends the watch with an error the consumer sees on its next read. */
  fail(err: StorageError): void {
    if (this.ended) return;
    this.finish();
    if (this.waiting) {
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting.reject(err);
    } else {
      this.failure = err;
    }
  }

  close(): void {
    if (this.ended) {
      this.failure = undefined;
      return;
    }
    this.finish();
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    return {
      next: () => this.next(),
      return: () => {
        this.close();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }

  private next(): Promise<IteratorResult<WatchEvent>> {
    if (this.failure) {
      const err = this.failure;
      this.failure = undefined;
      return Promise.reject(err);
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    if (this.waiting) return Promise.reject(new Error('watch: next() called while a previous next() is pending'));
    let event: WatchEvent | undefined;
    try {
      event = this.nextReplayed();
    } catch (err) {
      this.finish();
      return Promise.reject(err);
    }
    while (!event && this.live.length > 0) {
      const candidate = this.live.shift()!;
      // Cannot happen while the store pushes in order; guards the no-duplicate promise anyway.
      if (candidate.revision > this.lastDelivered) event = candidate;
    }
    if (event) {
      this.lastDelivered = event.revision;
      return Promise.resolve({ value: event, done: false });
    }
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  private nextReplayed(): WatchEvent | undefined {
    while (this.replayed.length === 0 && !this.replayDone) {
      const compacted = this.source.compactRevision();
      if (this.cursor < compacted) {
        throw new StorageError(
          StorageErrorCode.Compacted,
          `required revision ${this.cursor} has been compacted (compacted revision ${compacted})`,
          { key: this.match.key, revision: compacted },
        );
      }
      const rows = this.source.history(this.match, this.cursor, this.replayTo, REPLAY_CHUNK);
      if (rows.length < REPLAY_CHUNK) this.replayDone = true;
      if (rows.length > 0) this.cursor = rows[rows.length - 1]!.revision + 1;
      this.replayed = rows.reverse();
    }
    return this.replayed.pop();
  }

  private finish(): void {
    this.ended = true;
    this.replayed = [];
    this.replayDone = true;
    this.live.clear();
    this.source.detach(this);
  }
}

/** FIFO with O(1) shift; a watcher may hold many events. */
class Queue<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head]!;
    this.items[this.head] = undefined as T;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }
}
