import Database from 'better-sqlite3';
import { StorageError, StorageErrorCode } from '../errors';
import {
  MAX_VALUE_BYTES,
  WatchEventType,
  type KeyValue,
  type ListOptions,
  type ListResult,
  type ReadOptions,
  type Store,
  type WatchEvent,
  type WatchOptions,
  type Watcher,
} from '../store';
import { EmbeddedWatcher, type WatchSource } from './embedded-watcher';
import { compareKeys, prefixEnd } from './key-range';
import { SqliteLog, type KeyMatch, type LogRow, type NewLogRow } from './sqlite-log';

export interface EmbeddedStoreOptions {
  /** SQLite database file (its directory is created), or ':memory:' for a throwaway store. */
  path: string;
  /**
   * Events a watch may hold for a consumer that is not reading before it fails with
   * Unavailable (default 100,000). Writers never wait for watchers; this bounds their memory.
   */
  watcherBufferLimit?: number;
  /**
   * Hold an exclusive lock on the file while open (default true): a second store on the same
   * file fails with Unavailable instead of writing behind this one's watchers.
   */
  exclusive?: boolean;
}

const DEFAULT_WATCH_BUFFER_LIMIT = 100_000;

interface PendingWrite {
  /** Checks the key's current state (throwing StorageError) and returns the row to append. */
  build: () => NewLogRow;
  resolve: (row: LogRow) => void;
  reject: (err: unknown) => void;
}
const EMPTY = new Uint8Array(0);

/** Opens (creating if needed) an embedded store; reopening a file restores its whole state. */
export async function openEmbeddedStore(options: EmbeddedStoreOptions): Promise<EmbeddedStore> {
  return EmbeddedStore.open(options);
}

/**
 * The Store on one SQLite file, laid out like k3s' kine: an append-only log of rows whose ids are
 * revisions, so history, reads at a revision and watches from a revision fall out of one table.
 * Every write checks and appends in one step and is synced to disk before its promise resolves
 * (WAL, synchronous=FULL). Writes are group-committed, as etcd commits a batch of raft entries
 * with one fsync: those issued during one turn of the event loop share one SQLite transaction and
 * so one sync of the WAL, each in a savepoint of its own so that a failed check (a conflict, an
 * existing key) leaves the others alone. Watches are fanned out in process after each commit, so
 * only this process may write the file (see `exclusive`).
 */
export class EmbeddedStore implements Store {
  private readonly log: SqliteLog;
  private readonly watchers = new Set<EmbeddedWatcher>();
  private readonly watcherBufferLimit: number;
  private readonly source: WatchSource;
  private closed = false;
  /** Writes waiting for the next group commit, in the order they were issued. */
  private pending: PendingWrite[] = [];
  private commits = 0;

  private constructor(log: SqliteLog, watcherBufferLimit: number) {
    this.log = log;
    this.watcherBufferLimit = watcherBufferLimit;
    this.source = {
      history: (match: KeyMatch, from: number, to: number, limit: number) =>
        guard(() => this.log.history(match, from, to, limit)).map(toEvent),
      compactRevision: () => this.log.compactRevision(),
      detach: (watcher) => this.watchers.delete(watcher),
    };
  }

  /** Opens synchronously; `openEmbeddedStore` is the same behind a promise. */
  static open(options: EmbeddedStoreOptions): EmbeddedStore {
    const limit = options.watcherBufferLimit ?? DEFAULT_WATCH_BUFFER_LIMIT;
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`embedded store: watcherBufferLimit must be a positive integer, got ${limit}`);
    const log = guard(() => new SqliteLog({ path: options.path, exclusive: options.exclusive }));
    return new EmbeddedStore(log, limit);
  }

  async get(key: string, options: ReadOptions = {}): Promise<KeyValue | undefined> {
    this.ensureOpen();
    const revision = this.readRevision(options.revision);
    const row = guard(() => this.log.latest(key, revision));
    return row && !row.deleted ? toKeyValue(row) : undefined;
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    this.ensureOpen();
    const revision = this.readRevision(options.revision);
    const limit = options.limit ?? 0;
    if (!Number.isInteger(limit) || limit < 0) throw new Error(`list: limit must be a non-negative integer, got ${limit}`);
    const from = options.fromKey !== undefined && compareKeys(options.fromKey, prefix) > 0 ? options.fromKey : prefix;
    // One row past the limit tells whether there is more without a second query.
    const rows = guard(() => this.log.list(from, prefixEnd(prefix), revision, limit > 0 ? limit + 1 : 0));
    const more = limit > 0 && rows.length > limit;
    return { items: (more ? rows.slice(0, limit) : rows).map(toKeyValue), revision, more };
  }

  async count(prefix: string): Promise<number> {
    this.ensureOpen();
    return guard(() => this.log.count(prefix, this.log.currentRevision()));
  }

  async currentRevision(): Promise<number> {
    this.ensureOpen();
    return this.log.currentRevision();
  }

  async create(key: string, value: Uint8Array): Promise<KeyValue> {
    checkWrite(key, value);
    const row = await this.write(() => {
      const latest = this.log.latest(key, this.log.currentRevision());
      if (latest && !latest.deleted) {
        throw new StorageError(StorageErrorCode.AlreadyExists, `key ${key} already exists`, { key, revision: latest.id });
      }
      return {
        name: key,
        created: 1,
        deleted: 0,
        create_revision: this.log.currentRevision() + 1,
        prev_revision: latest?.id ?? 0,
        value: Buffer.from(value),
        old_value: null,
      };
    });
    return toKeyValue(row);
  }

  async update(key: string, value: Uint8Array, expectedModRevision: number): Promise<KeyValue> {
    checkWrite(key, value);
    const row = await this.write(() => {
      const latest = this.expectLive(key, expectedModRevision);
      return {
        name: key,
        created: 0,
        deleted: 0,
        create_revision: latest.create_revision,
        prev_revision: latest.id,
        value: Buffer.from(value),
        old_value: latest.value,
      };
    });
    return toKeyValue(row);
  }

  async delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    checkKey(key);
    const row = await this.write(() => {
      const latest = this.expectLive(key, expectedModRevision);
      return {
        name: key,
        created: 0,
        deleted: 1,
        create_revision: latest.create_revision,
        prev_revision: latest.id,
        value: null,
        old_value: latest.value,
      };
    });
    return { key, value: bytes(row.old_value), createRevision: row.create_revision, modRevision: row.id };
  }

  /**
   * Watches are served from this process' memory after each commit and from the log for
   * `startRevision`; see EmbeddedWatcher for buffering and the Unavailable a slow consumer gets.
   * Every matching watcher receives the same event objects: treat them as read-only.
   */
  watch(key: string, options: WatchOptions = {}): Watcher {
    const current = this.closed ? 0 : this.log.currentRevision();
    const start = options.startRevision;
    const from = start !== undefined && start > 0 ? start : current + 1;
    const watcher = new EmbeddedWatcher({
      match: { key, prefix: options.prefix ?? false },
      source: this.source,
      from,
      to: current,
      bufferLimit: this.watcherBufferLimit,
    });
    if (this.closed) {
      watcher.fail(closedError());
    } else if (from < this.log.compactRevision()) {
      watcher.fail(compactedError(from, this.log.compactRevision(), key));
    } else {
      this.watchers.add(watcher);
    }
    return watcher;
  }

  async compact(revision: number): Promise<void> {
    this.ensureOpen();
    if (!Number.isInteger(revision) || revision < 0) throw new Error(`compact: revision must be a non-negative integer, got ${revision}`);
    if (revision <= this.log.compactRevision()) return;
    if (revision > this.log.currentRevision()) {
      throw new Error(`compact: revision ${revision} is a future revision (current ${this.log.currentRevision()})`);
    }
    // Watches still catching up below `revision` notice on their next history read.
    guard(() => this.log.compact(revision));
  }

  async compactedRevision(): Promise<number> {
    this.ensureOpen();
    return this.log.compactRevision();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Writes issued before close still commit.
    this.commitPending();
    this.closed = true;
    for (const watcher of [...this.watchers]) watcher.close();
    this.watchers.clear();
    this.log.close();
  }

  /** Rows in the log, history included: lets tests see that compaction removed something. */
  historyRowCount(): number {
    this.ensureOpen();
    return this.log.rowCount();
  }

  /** Transactions committed so far; several writes share one under load (for tests and metrics). */
  commitCount(): number {
    return this.commits;
  }

  /** Queues a write for the next group commit; resolves with its row once it is on disk. */
  private write(build: () => NewLogRow): Promise<LogRow> {
    this.ensureOpen();
    return new Promise((resolve, reject) => {
      // setImmediate runs after the I/O callbacks of this turn: every request parsed meanwhile joins.
      if (this.pending.push({ build, resolve, reject }) === 1) setImmediate(() => this.commitPending());
    });
  }

  /**
   * Checks and appends the pending writes in order, each in a savepoint, and commits them in one
   * transaction; then tells the watchers, so commit order is event order. When the commit itself
   * fails nothing was written and every write of the batch fails.
   */
  private commitPending(): void {
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    if (this.closed) {
      for (const w of batch) w.reject(closedError());
      return;
    }
    const outcomes: { row?: LogRow; error?: unknown }[] = [];
    try {
      guard(() =>
        this.log.transaction(() => {
          for (const w of batch) {
            try {
              outcomes.push({ row: guard(() => this.log.transaction(() => this.log.append(w.build()))) });
            } catch (error) {
              outcomes.push({ error });
            }
          }
        }),
      );
      this.commits++;
    } catch (err) {
      for (const w of batch) w.reject(err);
      return;
    }
    for (let i = 0; i < batch.length; i++) {
      const { row, error } = outcomes[i]!;
      if (row === undefined) {
        batch[i]!.reject(error);
        continue;
      }
      const event = toEvent(row);
      for (const watcher of this.watchers) {
        if (watcher.matches(row.name)) watcher.push(event);
      }
      batch[i]!.resolve(row);
    }
  }

  private expectLive(key: string, expectedModRevision: number | undefined): LogRow {
    const latest = this.log.latest(key, this.log.currentRevision());
    if (!latest || latest.deleted) throw new StorageError(StorageErrorCode.NotFound, `key ${key} not found`, { key });
    if (expectedModRevision !== undefined && latest.id !== expectedModRevision) {
      throw new StorageError(
        StorageErrorCode.Conflict,
        `key ${key} has modRevision ${latest.id}, expected ${expectedModRevision}`,
        { key, revision: latest.id },
      );
    }
    return latest;
  }

  private readRevision(requested: number | undefined): number {
    const current = this.log.currentRevision();
    if (requested === undefined || requested === 0) return current;
    if (!Number.isInteger(requested) || requested < 0) throw new Error(`revision must be a non-negative integer, got ${requested}`);
    if (requested > current) throw new Error(`required revision ${requested} is a future revision (current ${current})`);
    const compacted = this.log.compactRevision();
    if (requested < compacted) throw compactedError(requested, compacted);
    return requested;
  }

  private ensureOpen(): void {
    if (this.closed) throw closedError();
  }
}

function checkKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) throw new Error('key must be a non-empty string');
}

function checkWrite(key: string, value: Uint8Array): void {
  checkKey(key);
  if (!(value instanceof Uint8Array)) throw new Error(`value for ${key} must be a Uint8Array`);
  if (value.byteLength > MAX_VALUE_BYTES) {
    throw new StorageError(StorageErrorCode.TooLarge, `value for ${key} is ${value.byteLength} bytes, over the limit of ${MAX_VALUE_BYTES}`, { key });
  }
}

/** SQLite failures (disk full, I/O error, locked file) reach callers as Unavailable. */
function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof Database.SqliteError) {
      throw new StorageError(StorageErrorCode.Unavailable, `embedded store: ${err.message}`, { cause: err });
    }
    throw err;
  }
}

function closedError(): StorageError {
  return new StorageError(StorageErrorCode.Unavailable, 'embedded store is closed');
}

function compactedError(requested: number, compacted: number, key?: string): StorageError {
  return new StorageError(
    StorageErrorCode.Compacted,
    `required revision ${requested} has been compacted (compacted revision ${compacted})`,
    { key, revision: compacted },
  );
}

/** A view, not a copy: rows are never mutated after they are read or written. */
function bytes(buffer: Buffer | null): Uint8Array {
  return buffer ? new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength) : EMPTY;
}

function toKeyValue(row: LogRow): KeyValue {
  return { key: row.name, value: bytes(row.value), createRevision: row.create_revision, modRevision: row.id };
}

function previous(row: LogRow): KeyValue {
  return { key: row.name, value: bytes(row.old_value), createRevision: row.create_revision, modRevision: row.prev_revision };
}

/**
 * A row as etcd would report it: a deletion's kv is the bare key at the delete's revision
 * (createRevision 0, as etcd sends it); prevKv comes from the row itself, so it survives the
 * compaction of the row it describes.
 */
function toEvent(row: LogRow): WatchEvent {
  if (row.deleted) {
    return {
      type: WatchEventType.Delete,
      kv: { key: row.name, value: EMPTY, createRevision: 0, modRevision: row.id },
      prevKv: previous(row),
      revision: row.id,
    };
  }
  const event: WatchEvent = { type: WatchEventType.Put, kv: toKeyValue(row), revision: row.id };
  if (!row.created) event.prevKv = previous(row);
  return event;
}
