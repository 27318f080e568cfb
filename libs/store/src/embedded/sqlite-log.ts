import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { prefixEnd } from './key-range';

/**
 * One row of the log, as kine lays it out: every write appends a row whose id is the write's
 * revision. A key's state at revision R is its latest row with id <= R, absent if that row is a
 * deletion.
 */
export interface LogRow {
  /** The revision of the write. */
  id: number;
  name: string;
  /** 1 when this write created the key (no live row before it). */
  created: number;
  /** 1 when this write deleted the key; `value` is then null. */
  deleted: number;
  /**
   * Revision that created the key (since its last deletion); a deletion keeps the deleted one.
   * A creating row may hold 0 (kine's convention, and this store's first file format): read it
   * as the row's own id.
   */
  create_revision: number;
  /** id of the key's previous row, 0 if none: the prevKv's modRevision. */
  prev_revision: number;
  value: Buffer | null;
  /** The previous row's value (null after a create): the prevKv's value without a second read. */
  old_value: Buffer | null;
}

export type NewLogRow = Omit<LogRow, 'id'>;

/** Selects the rows a watch wants: one key, or every key under a prefix. */
export interface KeyMatch {
  key: string;
  prefix: boolean;
}

const SCHEMA_VERSION = 1;
const COMPACT_REVISION = 'compact_revision';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS kine (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  created INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  create_revision INTEGER NOT NULL,
  prev_revision INTEGER NOT NULL,
  value BLOB,
  old_value BLOB
);
CREATE INDEX IF NOT EXISTS kine_name_id ON kine (name, id);
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
`;

// A key's row is current at revision R when no later row of the same key is at or below R.
// Written as a correlated MAX so that SQLite walks (name, id) in key order and LIMIT stops early.
const LATEST_AT = `k.id = (SELECT MAX(id) FROM kine WHERE name = k.name AND id <= @rev)`;
// Range bounds: the upper one is a byte string that may not be valid UTF-8, so it arrives as a
// BLOB and is compared as TEXT (memcmp under the BINARY collation).
const IN_RANGE = `k.name >= @from AND k.name < CAST(@end AS TEXT)`;

export interface SqliteLogOptions {
  path: string;
  /** Hold an exclusive lock on the file for as long as it is open (default true). */
  exclusive?: boolean;
}

/**
 * The SQL side of the embedded store: schema, prepared statements and the revision counter. It
 * knows nothing of the Store contract's errors; the caller runs its checks and the append inside
 * `transaction` so that compare-and-swap and the write are one atomic step.
 */
export class SqliteLog {
  private readonly db: Database.Database;
  private revision: number;
  private compacted: number;
  private readonly stmts: ReturnType<typeof prepare>;

  constructor(options: SqliteLogOptions) {
    if (!options.path) throw new Error('embedded store: path is required');
    const memory = options.path === ':memory:';
    if (!memory) mkdirSync(dirname(options.path), { recursive: true });
    const exclusive = options.exclusive ?? true;
    // Exclusively locked, there is nobody to wait for: a busy file means another store has it.
    this.db = new Database(options.path, { timeout: exclusive ? 0 : 5000 });
    try {
      // Exclusive before WAL, so SQLite keeps the WAL index in heap memory instead of a shared
      // -shm file, and a second process (a second apiserver on the same data directory) fails
      // with SQLITE_BUSY instead of writing behind this one's back and its watchers.
      if (exclusive) this.db.pragma('locking_mode = EXCLUSIVE');
      if (!memory) this.db.pragma('journal_mode = WAL');
      // FULL: every commit syncs the WAL, so an acknowledged write survives a crash of the
      // process and of the machine (NORMAL would only survive the former).
      this.db.pragma('synchronous = FULL');
      const version = this.db.pragma('user_version', { simple: true }) as number;
      if (version > SCHEMA_VERSION) {
        throw new Error(`embedded store: ${options.path} has schema version ${version}, newer than ${SCHEMA_VERSION}`);
      }
      this.db.exec(SCHEMA);
      this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
      this.stmts = prepare(this.db);
      this.compacted = (this.stmts.getMeta.pluck().get(COMPACT_REVISION) as number | undefined) ?? 0;
      const maxId = (this.stmts.maxId.pluck().get() as number | null) ?? 0;
      // This compaction keeps the newest row; the first file format's could drop a newest
      // deletion, whose revision the recorded compacted revision still covers.
      this.revision = Math.max(maxId, this.compacted);
    } catch (err) {
      this.db.close();
      throw err;
    }
  }

  /** Revision of the last committed write (0 when empty). */
  currentRevision(): number {
    return this.revision;
  }

  /** Revision of the last compaction (0 if never). */
  compactRevision(): number {
    return this.compacted;
  }

  /** Runs `fn` in one SQLite transaction; a throw rolls back everything it appended. */
  transaction<T>(fn: () => T): T {
    const before = this.revision;
    try {
      return this.db.transaction(fn).immediate();
    } catch (err) {
      this.revision = before;
      throw err;
    }
  }

  /** The key's latest row at `revision`, deletions included; undefined if it never existed. */
  latest(name: string, revision: number): LogRow | undefined {
    const row = this.stmts.latest.get({ name, rev: revision }) as LogRow | undefined;
    return row && normalize(row);
  }

  /**
   * Live keys in [from, end) at `revision`, in byte order of key, at most `limit` (0: all).
   * `end` is a byte string (see prefixEnd).
   */
  list(from: string, end: Buffer, revision: number, limit: number): LogRow[] {
    return (this.stmts.list.all({ from, end, rev: revision, limit: limit > 0 ? limit : -1 }) as LogRow[]).map(normalize);
  }

  /** Number of live keys starting with `prefix` at `revision`. */
  count(prefix: string, revision: number): number {
    return this.stmts.count.pluck().get({ from: prefix, end: prefixEnd(prefix), rev: revision }) as number;
  }

  /** Rows matching `match` with from <= id <= to, in revision order, at most `limit`. */
  history(match: KeyMatch, from: number, to: number, limit: number): LogRow[] {
    if (match.prefix) {
      const rows = this.stmts.historyPrefix.all({ from: match.key, end: prefixEnd(match.key), lo: from, hi: to, limit }) as LogRow[];
      return rows.map(normalize);
    }
    return (this.stmts.historyKey.all({ name: match.key, lo: from, hi: to, limit }) as LogRow[]).map(normalize);
  }

  /** Appends a row at the next revision. Call inside `transaction`. */
  append(row: NewLogRow): LogRow {
    const full: LogRow = { ...row, id: this.revision + 1 };
    this.stmts.insert.run(full);
    this.revision = full.id;
    return full;
  }

  /**
   * Drops history below `revision`: every deletion row and every row superseded at or below
   * `revision`, when its id is below `revision`. The row at `revision` itself stays, so reads at
   * `revision` and watches from it still see everything they need. Returns the rows removed.
   */
  compact(revision: number): number {
    return this.transaction(() => {
      const removed = this.stmts.compact.run({ rev: revision }).changes;
      this.stmts.setMeta.run(COMPACT_REVISION, revision);
      this.compacted = revision;
      return removed;
    });
  }

  /** Number of rows in the log, history included (for tests and metrics). */
  rowCount(): number {
    return this.stmts.rowCount.pluck().get() as number;
  }

  close(): void {
    this.db.close();
  }
}

function normalize(row: LogRow): LogRow {
  if (row.create_revision === 0) row.create_revision = row.id;
  return row;
}

function prepare(db: Database.Database) {
  const columns = 'k.id, k.name, k.created, k.deleted, k.create_revision, k.prev_revision, k.value, k.old_value';
  return {
    maxId: db.prepare('SELECT MAX(id) FROM kine'),
    getMeta: db.prepare('SELECT value FROM meta WHERE key = ?'),
    setMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    rowCount: db.prepare('SELECT COUNT(*) FROM kine'),
    latest: db.prepare(`SELECT ${columns} FROM kine AS k WHERE k.name = @name AND k.id <= @rev ORDER BY k.id DESC LIMIT 1`),
    list: db.prepare(
      `SELECT ${columns} FROM kine AS k WHERE ${IN_RANGE} AND ${LATEST_AT} AND k.deleted = 0 ORDER BY k.name LIMIT @limit`,
    ),
    count: db.prepare(`SELECT COUNT(*) FROM kine AS k WHERE ${IN_RANGE} AND ${LATEST_AT} AND k.deleted = 0`),
    historyKey: db.prepare(
      `SELECT ${columns} FROM kine AS k WHERE k.name = @name AND k.id >= @lo AND k.id <= @hi ORDER BY k.id LIMIT @limit`,
    ),
    // The unary + keeps SQLite on the id range: a watch resumes from a recent revision, and a
    // prefix such as /registry/pods/ can cover most of the table.
    historyPrefix: db.prepare(
      `SELECT ${columns} FROM kine AS k WHERE k.id >= @lo AND k.id <= @hi AND +k.name >= @from AND +k.name < CAST(@end AS TEXT) ORDER BY k.id LIMIT @limit`,
    ),
    insert: db.prepare(
      `INSERT INTO kine (id, name, created, deleted, create_revision, prev_revision, value, old_value)
       VALUES (@id, @name, @created, @deleted, @create_revision, @prev_revision, @value, @old_value)`,
    ),
    compact: db.prepare(
      `DELETE FROM kine WHERE id < @rev AND (deleted = 1 OR id < (SELECT MAX(k2.id) FROM kine AS k2 WHERE k2.name = kine.name AND k2.id <= @rev))`,
    ),
  };
}
