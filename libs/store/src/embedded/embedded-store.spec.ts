import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAlreadyExists, isCompacted, isConflict, isUnavailable } from '../errors';
import { take } from '../testing';
import { EmbeddedStore, openEmbeddedStore } from './embedded-store';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const failure = (p: Promise<unknown>) => p.then(
  () => undefined,
  (e: unknown) => e,
);

describe('EmbeddedStore on disk', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tskube-embedded-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('comes back after reopening with its keys, revision, history and compacted revision', async () => {
    const path = join(dir, 'nested', 'dir', 'state.db');
    const s1 = await openEmbeddedStore({ path });
    const a = await s1.create('/r/a', enc('1'));
    const a2 = await s1.update('/r/a', enc('2'), a.modRevision);
    await s1.create('/r/b', enc('b'));
    await s1.compact(a2.modRevision);
    const rev = await s1.currentRevision();
    await s1.close();

    const s2 = EmbeddedStore.open({ path });
    expect(await s2.currentRevision()).toBe(rev);
    expect(await s2.compactedRevision()).toBe(a2.modRevision);
    expect(dec((await s2.get('/r/a'))!.value)).toBe('2');
    expect(isCompacted(await failure(s2.get('/r/a', { revision: a.modRevision })))).toBe(true);
    const next = await s2.create('/r/c', enc('c'));
    expect(next.modRevision).toBe(rev + 1);
    // Watching from a revision after reopening replays what was written before.
    const w = s2.watch('/r/', { prefix: true, startRevision: a2.modRevision });
    expect((await take(w, 3)).map((e) => e.kv.key)).toEqual(['/r/a', '/r/b', '/r/c']);
    w.close();
    await s2.close();
  });

  it('keeps revisions increasing when compaction removed the newest row (a deletion)', async () => {
    const path = join(dir, 'state.db');
    const s = EmbeddedStore.open({ path });
    const a = await s.create('/x', enc('1'));
    const d = await s.delete('/x');
    await s.compact(d.modRevision);
    // The deletion row is gone; its revision is still spent.
    expect(s.historyRowCount()).toBe(1);
    await s.close();
    const s2 = EmbeddedStore.open({ path });
    expect(await s2.currentRevision()).toBe(d.modRevision);
    expect((await s2.create('/x', enc('2'))).modRevision).toBe(d.modRevision + 1);
    expect(a.modRevision).toBeLessThan(d.modRevision);
    await s2.close();
  });

  it('reads a file in the first format (kine-style create rows with create_revision 0)', async () => {
    const path = join(dir, 'old.db');
    const db = new Database(path);
    db.exec(`
      CREATE TABLE kine (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, created INTEGER NOT NULL,
        deleted INTEGER NOT NULL, create_revision INTEGER NOT NULL, prev_revision INTEGER NOT NULL, value BLOB, old_value BLOB);
      CREATE INDEX kine_name_id ON kine (name, id);
      CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
      INSERT INTO meta (key, value) VALUES ('compact_revision', 0);
    `);
    const insert = db.prepare('INSERT INTO kine (name, created, deleted, create_revision, prev_revision, value, old_value) VALUES (?, ?, ?, ?, ?, ?, ?)');
    insert.run('/a', 1, 0, 0, 0, Buffer.from('1'), null);
    insert.run('/a', 0, 0, 1, 1, Buffer.from('2'), Buffer.from('1'));
    insert.run('/b', 1, 0, 0, 0, Buffer.from('b'), null);
    db.close();

    const s = EmbeddedStore.open({ path });
    expect(await s.get('/a')).toEqual({ key: '/a', value: enc('2'), createRevision: 1, modRevision: 2 });
    const b = await s.get('/b');
    expect(b).toMatchObject({ createRevision: 3, modRevision: 3 });
    const b2 = await s.update('/b', enc('b2'), 3);
    expect(b2).toMatchObject({ createRevision: 3, modRevision: 4 });
    const w = s.watch('/', { prefix: true, startRevision: 1 });
    const events = await take(w, 4);
    expect(events.map((e) => [e.kv.createRevision, e.prevKv?.modRevision])).toEqual([[1, undefined], [1, 1], [3, undefined], [3, 3]]);
    w.close();
    await s.close();
  });

  it('commits writes issued together in one synced transaction, and they survive reopening', async () => {
    const path = join(dir, 'state.db');
    const s1 = EmbeddedStore.open({ path });
    const before = s1.commitCount();
    const kvs = await Promise.all(Array.from({ length: 100 }, (_, i) => s1.create(`/r/${String(i).padStart(3, '0')}`, enc(String(i)))));
    expect(s1.commitCount() - before).toBe(1);
    expect(kvs.map((kv) => kv.modRevision)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    await s1.close();
    const s2 = EmbeddedStore.open({ path });
    expect((await s2.list('/r/')).items.map((kv) => dec(kv.value))).toEqual(Array.from({ length: 100 }, (_, i) => String(i)));
    await s2.close();
  });

  it('refuses a second store on the same file with Unavailable while the first is open', async () => {
    const path = join(dir, 'state.db');
    const first = EmbeddedStore.open({ path });
    await first.create('/k', enc('v'));
    let err: unknown;
    try {
      EmbeddedStore.open({ path }).close();
    } catch (e) {
      err = e;
    }
    expect(isUnavailable(err)).toBe(true);
    await first.close();
    const again = EmbeddedStore.open({ path });
    expect(dec((await again.get('/k'))!.value)).toBe('v');
    await again.close();
  });
});

describe('EmbeddedStore', () => {
  let store: EmbeddedStore;
  beforeEach(() => {
    store = EmbeddedStore.open({ path: ':memory:' });
  });
  afterEach(() => store.close());

  it('compaction removes superseded rows and deletions below the revision, nothing at or above it', async () => {
    const a = await store.create('/a', enc('1'));
    const a2 = await store.update('/a', enc('2'), a.modRevision);
    await store.create('/gone', enc('x'));
    await store.delete('/gone');
    const b = await store.create('/b', enc('1'));
    const a3 = await store.update('/a', enc('3'), a2.modRevision);
    await store.update('/b', enc('2'), b.modRevision);
    expect(store.historyRowCount()).toBe(7);
    await store.compact(a3.modRevision);
    // Left: /b@5 (latest of /b at the compacted revision), /a@6, /b@7.
    expect(store.historyRowCount()).toBe(3);
    expect(dec((await store.get('/b', { revision: a3.modRevision }))!.value)).toBe('1');
    expect((await store.list('/', { revision: a3.modRevision })).items.map((kv) => kv.modRevision)).toEqual([a3.modRevision, b.modRevision]);
  });

  it.each([
    { name: 'a future revision', revision: 100 },
    { name: 'a negative revision', revision: -1 },
    { name: 'a fractional revision', revision: 1.5 },
  ])('refuses to compact at $name', async ({ revision }) => {
    await store.create('/a', enc('1'));
    await expect(store.compact(revision)).rejects.toThrow(/revision/);
    expect(await store.compactedRevision()).toBe(0);
  });

  it.each([
    { name: 'an empty key', op: (s: EmbeddedStore) => s.create('', enc('v')) },
    { name: 'a value that is not bytes', op: (s: EmbeddedStore) => s.create('/k', 'v' as unknown as Uint8Array) },
    { name: 'a negative limit', op: (s: EmbeddedStore) => s.list('/', { limit: -1 }) },
    { name: 'a negative read revision', op: (s: EmbeddedStore) => s.get('/k', { revision: -1 }) },
  ])('rejects $name as a caller error, not a StorageError', async ({ op }) => {
    const err = await failure(op(store));
    expect(err).toBeInstanceOf(Error);
    expect(isUnavailable(err)).toBe(false);
  });

  it('checks the writes of one group commit in issue order, failing only those whose check fails', async () => {
    const a = await store.create('/a', enc('0'));
    const watch = store.watch('/', { prefix: true });
    const before = store.commitCount();
    const results = await Promise.allSettled([
      store.create('/b', enc('1')),
      store.create('/a', enc('again')),
      store.update('/a', enc('2'), a.modRevision),
      // The update before it in the same batch moved /a on.
      store.update('/a', enc('3'), a.modRevision),
      store.delete('/b'),
    ]);
    expect(store.commitCount() - before).toBe(1);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    expect(isAlreadyExists((results[1] as PromiseRejectedResult).reason)).toBe(true);
    expect(isConflict((results[3] as PromiseRejectedResult).reason)).toBe(true);
    // Failed checks take no revision: the three writes are consecutive.
    expect(results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.modRevision] : []))).toEqual([a.modRevision + 1, a.modRevision + 2, a.modRevision + 3]);
    expect((await take(watch, 3)).map((e) => [e.type, e.kv.key, e.revision])).toEqual([
      ['PUT', '/b', a.modRevision + 1],
      ['PUT', '/a', a.modRevision + 2],
      ['DELETE', '/b', a.modRevision + 3],
    ]);
    watch.close();
    expect(dec((await store.get('/a'))!.value)).toBe('2');
  });

  it('commits a write issued just before close', async () => {
    const pending = store.create('/k', enc('v'));
    await store.close();
    expect((await pending).modRevision).toBe(1);
  });

  it('refuses an invalid watcher buffer limit', () => {
    expect(() => EmbeddedStore.open({ path: ':memory:', watcherBufferLimit: 0 })).toThrow(/watcherBufferLimit/);
  });

  it('fails every call with Unavailable after close, and close is idempotent', async () => {
    await store.create('/k', enc('v'));
    await store.close();
    await store.close();
    for (const call of [store.get('/k'), store.list('/'), store.count('/'), store.currentRevision(), store.create('/x', enc('v')), store.delete('/k'), store.compact(1)]) {
      expect(isUnavailable(await failure(call))).toBe(true);
    }
    expect(isUnavailable(await failure(take(store.watch('/k'), 1)))).toBe(true);
  });

  it('returns values that do not alias the caller’s buffer', async () => {
    const value = enc('abc');
    const kv = await store.create('/k', value);
    value[0] = 0x7a;
    expect(dec(kv.value)).toBe('abc');
    expect(dec((await store.get('/k'))!.value)).toBe('abc');
  });

  it('lists and counts 10,000 keys with history quickly', async () => {
    const value = new Uint8Array(256).fill(0x61);
    for (let i = 0; i < 10_000; i++) {
      const kv = await store.create(`/registry/pods/ns/p${String(i).padStart(5, '0')}`, value);
      if (i % 2 === 0) await store.update(kv.key, value, kv.modRevision);
    }
    for (let i = 0; i < 500; i++) await store.create(`/registry/services/ns/s${i}`, value);
    const started = performance.now();
    const all = await store.list('/registry/pods/');
    const page = await store.list('/registry/pods/', { limit: 500, fromKey: '/registry/pods/ns/p05000' });
    const count = await store.count('/registry/pods/');
    const elapsed = performance.now() - started;
    expect(all.items).toHaveLength(10_000);
    expect(page.items[0]!.key).toBe('/registry/pods/ns/p05000');
    expect(page).toMatchObject({ more: true });
    expect(count).toBe(10_000);
    // Measured at ~60 ms; the bound only catches a lost index or a quadratic query.
    expect(elapsed).toBeLessThan(1500);
  });
});
