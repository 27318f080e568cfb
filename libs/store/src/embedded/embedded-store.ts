import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { StorageError, StorageErrorCode } from '../errors';
import {
  MAX_VALUE_BYTES,
  type KeyValue,
  type ListOptions,
  type ListResult,
  type ReadOptions,
  type Store,
  type Watcher,
  type WatchEvent,
  type WatchOptions,
} from '../store';

export interface EmbeddedStoreOptions {
  /** SQLite database file; its directory is created if missing. ":memory:" for a throwaway store. */
  path: string;
  /**
   * Events one watcher may have waiting before it is ended with Unavailable (it then re-watches
   * from its last revision). Keeps one stuck consumer from growing memory without bound.
   */
  watcherBufferLimit?: number;
}

type Row = {
  id: number;
  name: string;
  created: number;
  deleted: number;
  create_revision: number;
  prev_revision: number;
  value: Buffer | null;
  old_value: Buffer | null;
};

/**
 * The single-machine store, in the style of k3s' kine: one SQLite table where every write is a
 * new row whose id is the revision. The latest row of a key is its state (a row with `deleted`
 * set means absent), older rows are history until compacted, so reads at a past revision and
 * watches from a revision come straight from the table. Writes are synchronous SQLite
 * transactions in WAL mode with synchronous=FULL: once a call resolves the write is on disk.
 */
export class EmbeddedStore implements Store {
  private readonly db: Database.Database;
  private readonly watchers = new Set<EmbeddedWatcher>();
  private readonly bufferLimit: number;
  private closed = false;
  private readonly stmt: ReturnType<EmbeddedStore['prepare']>;

  static open(options: EmbeddedStoreOptions): EmbeddedStore {
    return new EmbeddedStore(options);
  }

  private constructor(options: EmbeddedStoreOptions) {
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    this.db = new Database(options.path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS kine (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        created INTEGER NOT NULL,
        deleted INTEGER NOT NULL,
        create_revision INTEGER NOT NULL,
        prev_revision INTEGER NOT NULL,
        value BLOB,
        old_value BLOB
      );
      CREATE INDEX IF NOT EXISTS kine_name_id ON kine (name, id);
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
      INSERT OR IGNORE INTO meta (key, value) VALUES ('compact_revision', 0);
    `);
    this.bufferLimit = options.watcherBufferLimit ?? 100_000;
    this.stmt = this.prepare();
  }

  private prepare() {
    const db = this.db;
    // The latest row of a key at or below a revision.
    const latest = db.prepare<[string, number], Row>('SELECT * FROM kine WHERE name = ? AND id <= ? ORDER BY id DESC LIMIT 1');
    // The latest row per key in [from, to) at or below a revision, live keys only, in key order.
    const range = db.prepare<[string, string, number, number], Row>(`
      SELECT k.* FROM kine k
      JOIN (SELECT name, MAX(id) AS id FROM kine WHERE name >= ? AND name < ? AND id <= ? GROUP BY name) last
        ON k.id = last.id
      WHERE k.deleted = 0
      ORDER BY k.name
      LIMIT ?`);
    const countRange = db.prepare<[string, string, number], { n: number }>(`
      SELECT COUNT(*) AS n FROM kine k
      JOIN (SELECT name, MAX(id) AS id FROM kine WHERE name >= ? AND name < ? AND id <= ? GROUP BY name) last
        ON k.id = last.id
      WHERE k.deleted = 0`);
    const insert = db.prepare<[string, number, number, number, number, Buffer | null, Buffer | null]>(
      'INSERT INTO kine (name, created, deleted, create_revision, prev_revision, value, old_value) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const currentRevision = db.prepare<[], { id: number | null }>('SELECT MAX(id) AS id FROM kine');
    const seq = db.prepare<[], { seq: number } | undefined>("SELECT seq FROM sqlite_sequence WHERE name = 'kine'");
    const history = db.prepare<[number, string, string, number], Row>(
      'SELECT * FROM kine WHERE id >= ? AND name >= ? AND name < ? ORDER BY id LIMIT ?',
    );
    const getMeta = db.prepare<[string], { value: number }>('SELECT value FROM meta WHERE key = ?');
    const setMeta = db.prepare<[number, string]>('UPDATE meta SET value = ? WHERE key = ?');
    const rowById = db.prepare<[number], Row>('SELECT * FROM kine WHERE id = ?');
    // Compaction: rows below the revision that a later row (at or below it) supersedes, and the
    // tombstones of deleted keys, are history nobody can ask for any more.
    const compactSuperseded = db.prepare<[number, number]>(`
      DELETE FROM kine WHERE id < ? AND id IN (
        SELECT k.id FROM kine k WHERE EXISTS (SELECT 1 FROM kine n WHERE n.name = k.name AND n.id > k.id AND n.id <= ?)
      )`);
    const compactTombstones = db.prepare<[number]>(`
      DELETE FROM kine WHERE deleted = 1 AND id <= ? AND NOT EXISTS (SELECT 1 FROM kine n WHERE n.name = kine.name AND n.id > kine.id)`);
    return { latest, range, countRange, insert, currentRevision, seq, history, getMeta, setMeta, rowById, compactSuperseded, compactTombstones };
  }

  // --- reads ---

  async get(key: string, options: ReadOptions = {}): Promise<KeyValue | undefined> {
    this.assertOpen();
    const rev = this.readRevision(options.revision);
    const row = this.stmt.latest.get(key, rev);
    return row && !row.deleted ? toKeyValue(row) : undefined;
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    this.assertOpen();
    const revision = this.readRevision(options.revision);
    const end = prefixEnd(prefix);
    const from = options.fromKey !== undefined && options.fromKey > prefix ? options.fromKey : prefix;
    const limit = options.limit && options.limit > 0 ? options.limit : -1;
    const rows = this.stmt.range.all(from, end, revision, limit > 0 ? limit + 1 : -1);
    const more = limit > 0 && rows.length > limit;
    if (more) rows.length = limit;
    return { items: rows.map(toKeyValue), revision, more };
  }

  async count(prefix: string): Promise<number> {
    this.assertOpen();
    return this.stmt.countRange.get(prefix, prefixEnd(prefix), this.revision())!.n;
  }

  async currentRevision(): Promise<number> {
    this.assertOpen();
    return this.revision();
  }

  // --- writes ---

  async create(key: string, value: Uint8Array): Promise<KeyValue> {
    this.assertOpen();
    checkSize(key, value);
    const event = this.db.transaction((): WatchEvent => {
      const last = this.stmt.latest.get(key, Number.MAX_SAFE_INTEGER);
      if (last && !last.deleted) throw new StorageError(StorageErrorCode.AlreadyExists, `key exists: ${key}`, { key, revision: last.id });
      const buf = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      const id = Number(this.stmt.insert.run(key, 1, 0, 0, last?.id ?? 0, buf, null).lastInsertRowid);
      const kv: KeyValue = { key, value: copy(value), createRevision: id, modRevision: id };
      return { type: 'PUT', kv, revision: id };
    }).immediate();
    this.notify(event);
    return event.kv;
  }

  async update(key: string, value: Uint8Array, expectedModRevision: number): Promise<KeyValue> {
    this.assertOpen();
    checkSize(key, value);
    const event = this.db.transaction((): WatchEvent => {
      const last = this.stmt.latest.get(key, Number.MAX_SAFE_INTEGER);
      if (!last || last.deleted) throw new StorageError(StorageErrorCode.NotFound, `key not found: ${key}`, { key });
      if (last.id !== expectedModRevision) {
        throw new StorageError(StorageErrorCode.Conflict, `key ${key} is at revision ${last.id}, not ${expectedModRevision}`, { key, revision: last.id });
      }
      const createRevision = last.create_revision || last.id;
      const buf = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      const id = Number(this.stmt.insert.run(key, 0, 0, createRevision, last.id, buf, last.value).lastInsertRowid);
      return {
        type: 'PUT',
        kv: { key, value: copy(value), createRevision, modRevision: id },
        prevKv: toKeyValue(last),
        revision: id,
      };
    }).immediate();
    this.notify(event);
    return event.kv;
  }

  async delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    this.assertOpen();
    const event = this.db.transaction((): WatchEvent => {
      const last = this.stmt.latest.get(key, Number.MAX_SAFE_INTEGER);
      if (!last || last.deleted) throw new StorageError(StorageErrorCode.NotFound, `key not found: ${key}`, { key });
      if (expectedModRevision !== undefined && last.id !== expectedModRevision) {
        throw new StorageError(StorageErrorCode.Conflict, `key ${key} is at revision ${last.id}, not ${expectedModRevision}`, { key, revision: last.id });
      }
      const createRevision = last.create_revision || last.id;
      const id = Number(this.stmt.insert.run(key, 0, 1, createRevision, last.id, null, last.value).lastInsertRowid);
      const prevKv = toKeyValue(last);
      return { type: 'DELETE', kv: { key, value: new Uint8Array(0), createRevision, modRevision: id }, prevKv, revision: id };
    }).immediate();
    this.notify(event);
    return { ...event.prevKv!, modRevision: event.revision };
  }

  // --- watch ---

  watch(key: string, options: WatchOptions = {}): Watcher {
    this.assertOpen();
    const matches = options.prefix ? (k: string) => k.startsWith(key) : (k: string) => k === key;
    const watcher = new EmbeddedWatcher(matches, this.bufferLimit, (w) => this.watchers.delete(w));
    if (options.startRevision !== undefined && options.startRevision <= this.revision()) {
      const compacted = this.compacted();
      if (options.startRevision < compacted) {
        watcher.fail(new StorageError(StorageErrorCode.Compacted, `required revision ${options.startRevision} has been compacted (compacted revision ${compacted})`, { revision: compacted }));
        return watcher;
      }
      // History is read synchronously and the live subscription added in the same tick, so no
      // write can fall between the two.
      const from = options.prefix ? key : key;
      const to = options.prefix ? prefixEnd(key) : key + '\u0000';
      let next = options.startRevision;
      for (;;) {
        const rows = this.stmt.history.all(next, from, to, 1000);
        for (const row of rows) watcher.push(this.rowEvent(row));
        if (rows.length < 1000) break;
        next = rows[rows.length - 1].id + 1;
      }
    } else if (options.startRevision !== undefined) {
      watcher.skipBelow = options.startRevision;
    }
    this.watchers.add(watcher);
    return watcher;
  }

  private rowEvent(row: Row): WatchEvent {
    const createRevision = row.create_revision || row.id;
    const prevKv: KeyValue | undefined =
      row.prev_revision && row.old_value
        ? { key: row.name, value: new Uint8Array(row.old_value), createRevision, modRevision: row.prev_revision }
        : undefined;
    if (row.deleted) {
      return { type: 'DELETE', kv: { key: row.name, value: new Uint8Array(0), createRevision, modRevision: row.id }, prevKv, revision: row.id };
    }
    return { type: 'PUT', kv: toKeyValue(row), prevKv: row.created ? undefined : prevKv, revision: row.id };
  }

  private notify(event: WatchEvent): void {
    for (const w of this.watchers) if (w.matches(event.kv.key)) w.push(event);
  }

  // --- compaction ---

  async compact(revision: number): Promise<void> {
    this.assertOpen();
    const current = this.revision();
    if (revision > current) throw new Error(`cannot compact to future revision ${revision} (current ${current})`);
    this.db.transaction(() => {
      if (revision <= this.compacted()) return;
      this.stmt.compactSuperseded.run(revision, revision);
      this.stmt.compactTombstones.run(revision);
      this.stmt.setMeta.run(revision, 'compact_revision');
    }).immediate();
  }

  async compactedRevision(): Promise<number> {
    this.assertOpen();
    return this.compacted();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.watchers) w.end();
    this.watchers.clear();
    this.db.close();
  }

  // --- helpers ---

  private revision(): number {
    // AUTOINCREMENT's sequence survives deletion of the newest rows by compaction.
    return this.stmt.seq.get()?.seq ?? 0;
  }

  private compacted(): number {
    return this.stmt.getMeta.get('compact_revision')!.value;
  }

  private readRevision(requested: number | undefined): number {
    const current = this.revision();
    if (requested === undefined || requested === 0) return current;
    if (requested > current) throw new Error(`mvcc: required revision is a future revision (${requested} > ${current})`);
    const compacted = this.compacted();
    if (requested < compacted) {
      throw new StorageError(StorageErrorCode.Compacted, `required revision ${requested} has been compacted (compacted revision ${compacted})`, { revision: compacted });
    }
    return requested;
  }

  private assertOpen(): void {
    if (this.closed) throw new StorageError(StorageErrorCode.Unavailable, 'store is closed');
  }
}

/** A live subscription: replayed history first, then events as writes commit. */
class EmbeddedWatcher implements Watcher {
  private queue: WatchEvent[] = [];
  private waiting: { resolve: (r: IteratorResult<WatchEvent>) => void; reject: (e: unknown) => void } | undefined;
  private done = false;
  private error: unknown;
  /** Live events below this revision are not delivered (a start revision in the future). */
  skipBelow = 0;

  constructor(
    readonly matches: (key: string) => boolean,
    private readonly limit: number,
    private readonly onEnd: (w: EmbeddedWatcher) => void,
  ) {}

  push(event: WatchEvent): void {
    if (this.done || event.revision < this.skipBelow) return;
    if (this.waiting) {
      const { resolve } = this.waiting;
      this.waiting = undefined;
      resolve({ value: event, done: false });
      return;
    }
    if (this.queue.length >= this.limit) {
      this.fail(new StorageError(StorageErrorCode.Unavailable, `watcher fell more than ${this.limit} events behind`));
      return;
    }
    this.queue.push(event);
  }

  fail(err: unknown): void {
    if (this.done) return;
    this.error = err;
    this.finish();
  }

  end(): void {
    this.finish();
  }

  close(): void {
    this.queue = [];
    this.error = undefined;
    this.finish();
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.onEnd(this);
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting) {
      if (this.error) waiting.reject(this.error);
      else waiting.resolve({ value: undefined, done: true });
    }
  }

  private next(): Promise<IteratorResult<WatchEvent>> {
    const ev = this.queue.shift();
    if (ev) return Promise.resolve({ value: ev, done: false });
    if (this.done) return this.error ? Promise.reject(this.error) : Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    return {
      next: () => this.next(),
      return: async () => {
        this.close();
        return { value: undefined, done: true };
      },
    };
  }
}

function toKeyValue(row: Row): KeyValue {
  return {
    key: row.name,
    value: row.value ? new Uint8Array(row.value) : new Uint8Array(0),
    createRevision: row.create_revision || row.id,
    modRevision: row.id,
  };
}

function copy(value: Uint8Array): Uint8Array {
  return new Uint8Array(value);
}

function checkSize(key: string, value: Uint8Array): void {
  if (value.byteLength > MAX_VALUE_BYTES) {
    throw new StorageError(StorageErrorCode.TooLarge, `value of ${value.byteLength} bytes for ${key} exceeds the ${MAX_VALUE_BYTES}-byte limit`, { key });
  }
}

/** The smallest string greater than every string starting with `prefix`. */
export function prefixEnd(prefix: string): string {
  if (prefix === '') return '\u{10FFFF}';
  return prefix + '\u{10FFFF}';
}
