import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlreadyExists, isCompacted, isConflict, isNotFound, isTooLarge, StorageError } from '../errors';
import { guaranteedUpdate } from '../guaranteed-update';
import { MAX_VALUE_BYTES, WatchEventType, type KeyValue, type Store, type WatchEvent, type Watcher } from '../store';

export interface StoreUnderTest {
  store: Store;
  /** Closes the store and removes what the factory created (files, processes). */
  cleanup(): Promise<void>;
}

export interface StoreConformanceOptions {
  /** How long a test waits for an expected watch event before failing; default 5000 ms. */
  eventTimeoutMs?: number;
}

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const failure = (p: Promise<unknown>) => p.then(
  () => undefined,
  (e: unknown) => e,
);
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
const summary = (e: WatchEvent) => ({ type: e.type, key: e.kv.key, revision: e.revision });

/**
 * Takes `n` events from a watcher, failing after `timeoutMs`. The watcher stays open: take more
 * from it, or close it.
 */
export async function take(watcher: Watcher, n: number, timeoutMs = 5000): Promise<WatchEvent[]> {
  const out: WatchEvent[] = [];
  if (n === 0) return out;
  const it = watcher[Symbol.asyncIterator]();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${out.length} of ${n} events`)), timeoutMs);
  });
  try {
    while (out.length < n) {
      const r = await Promise.race([it.next(), timeout]);
      if (r.done) throw new Error(`watch ended after ${out.length} of ${n} events`);
      out.push(r.value);
    }
  } finally {
    clearTimeout(timer);
  }
  return out;
}

/**
 * The behaviour every Store backend must share, registered as vitest tests (the apiserver's
 * storage/testing suite plays this part for Kubernetes' etcd3 store and watch cache). `open`
 * gives one store for the whole suite. Every test works under its own random key prefix and
 * makes no assumption about revisions other writers spend, so a backend shared with other
 * suites (one etcd) is fine; tests in the suite run one after another, and the compaction test
 * only compacts history the others no longer read.
 */
export function describeStoreConformance(
  name: string,
  open: () => Promise<StoreUnderTest>,
  options: StoreConformanceOptions = {},
): void {
  const timeoutMs = options.eventTimeoutMs ?? 5000;
  describe(`Store conformance: ${name}`, () => {
    let subject: StoreUnderTest;
    let store: Store;
    beforeAll(async () => {
      subject = await open();
      store = subject.store;
    });
    afterAll(async () => {
      await subject?.cleanup();
    });
    const prefix = () => `/conformance/${randomUUID()}/`;
    const next = (w: Watcher, n: number) => take(w, n, timeoutMs);
    /** Proves a watch holds nothing more: the next event it delivers is a fresh write. */
    const expectNothingPending = async (w: Watcher, key: string) => {
      const sentinel = await store.create(key, enc('sentinel'));
      const [event] = await next(w, 1);
      expect(summary(event!)).toEqual({ type: WatchEventType.Put, key, revision: sentinel.modRevision });
    };

    describe('reads and writes', () => {
      it('creates, reads, updates and deletes with revisions that only grow', async () => {
        const p = prefix();
        const before = await store.currentRevision();
        const created = await store.create(p + 'a', enc('one'));
        expect(created).toMatchObject({ key: p + 'a', value: enc('one') });
        expect(created.modRevision).toBeGreaterThan(before);
        expect(created.createRevision).toBe(created.modRevision);
        expect(await store.currentRevision()).toBeGreaterThanOrEqual(created.modRevision);

        const got = await store.get(p + 'a');
        expect(dec(got!.value)).toBe('one');
        expect(got!.modRevision).toBe(created.modRevision);

        const updated = await store.update(p + 'a', enc('two'), created.modRevision);
        expect(updated.modRevision).toBeGreaterThan(created.modRevision);
        expect(updated.createRevision).toBe(created.createRevision);
        expect(dec((await store.get(p + 'a'))!.value)).toBe('two');

        const deleted = await store.delete(p + 'a', updated.modRevision);
        expect(dec(deleted.value)).toBe('two');
        expect(deleted.createRevision).toBe(created.createRevision);
        expect(deleted.modRevision).toBeGreaterThan(updated.modRevision);
        expect(await store.get(p + 'a')).toBeUndefined();
        expect(await store.currentRevision()).toBeGreaterThanOrEqual(deleted.modRevision);
      });

      it('gives every write a revision above all earlier ones', async () => {
        const p = prefix();
        const revisions: number[] = [];
        let kv = await store.create(p + 'k', enc('0'));
        revisions.push(kv.modRevision);
        for (let i = 1; i < 5; i++) {
          kv = await store.update(p + 'k', enc(String(i)), kv.modRevision);
          revisions.push(kv.modRevision);
          revisions.push((await store.create(`${p}other${i}`, enc('x'))).modRevision);
        }
        revisions.push((await store.delete(p + 'k')).modRevision);
        for (let i = 1; i < revisions.length; i++) expect(revisions[i]).toBeGreaterThan(revisions[i - 1]!);
      });

      it('refuses a second create with AlreadyExists and changes nothing', async () => {
        const p = prefix();
        const first = await store.create(p + 'k', enc('v1'));
        const err = await failure(store.create(p + 'k', enc('v2')));
        expect(isAlreadyExists(err)).toBe(true);
        expect(err).toBeInstanceOf(StorageError);
        const got = await store.get(p + 'k');
        expect(dec(got!.value)).toBe('v1');
        expect(got!.modRevision).toBe(first.modRevision);
      });

      it('guards update and delete by modRevision (compare-and-swap)', async () => {
        const p = prefix();
        const a = await store.create(p + 'k', enc('v1'));
        const b = await store.update(p + 'k', enc('v2'), a.modRevision);
        const stale = await failure(store.update(p + 'k', enc('lost'), a.modRevision));
        expect(isConflict(stale)).toBe(true);
        expect((stale as StorageError).revision).toBe(b.modRevision);
        const staleDelete = await failure(store.delete(p + 'k', a.modRevision));
        expect(isConflict(staleDelete)).toBe(true);
        expect((staleDelete as StorageError).revision).toBe(b.modRevision);
        const got = await store.get(p + 'k');
        expect(dec(got!.value)).toBe('v2');
        expect(got!.modRevision).toBe(b.modRevision);
        expect(isNotFound(await failure(store.update(p + 'missing', enc('x'), 1)))).toBe(true);
        expect(isNotFound(await failure(store.delete(p + 'missing')))).toBe(true);
        expect(isNotFound(await failure(store.delete(p + 'missing', 1)))).toBe(true);
        // An unguarded delete succeeds whatever the revision.
        await store.delete(p + 'k');
        expect(await store.get(p + 'k')).toBeUndefined();
        expect(isNotFound(await failure(store.update(p + 'k', enc('x'), b.modRevision)))).toBe(true);
      });

      it('re-creating a deleted key starts a new createRevision', async () => {
        const p = prefix();
        const a = await store.create(p + 'k', enc('1'));
        await store.delete(p + 'k');
        const b = await store.create(p + 'k', enc('2'));
        expect(b.createRevision).toBeGreaterThan(a.createRevision);
        expect(b.createRevision).toBe(b.modRevision);
      });

      it('reads keys and lists as they were at earlier revisions', async () => {
        const p = prefix();
        const a = await store.create(p + 'k', enc('v1'));
        const b = await store.update(p + 'k', enc('v2'), a.modRevision);
        const other = await store.create(p + 'other', enc('o'));
        const d = await store.delete(p + 'k');
        expect(await store.get(p + 'k', { revision: a.modRevision - 1 })).toBeUndefined();
        expect(await store.get(p + 'k', { revision: a.modRevision })).toEqual(a);
        expect(await store.get(p + 'k', { revision: b.modRevision })).toEqual(b);
        expect(await store.get(p + 'k', { revision: other.modRevision })).toEqual(b);
        expect(await store.get(p + 'k', { revision: d.modRevision })).toBeUndefined();
        expect(await store.get(p + 'k')).toBeUndefined();

        const then = await store.list(p, { revision: other.modRevision });
        expect(then.revision).toBe(other.modRevision);
        expect(then.items).toEqual([b, other]);
        expect((await store.list(p, { revision: a.modRevision })).items).toEqual([a]);
        expect((await store.list(p)).items).toEqual([other]);
      });

      it('refuses to read at a future revision', async () => {
        const future = (await store.currentRevision()) + 1000;
        expect(await failure(store.get('/conformance/any', { revision: future }))).toBeInstanceOf(Error);
        expect(await failure(store.list('/conformance/', { revision: future }))).toBeInstanceOf(Error);
      });
    });

    describe('lists', () => {
      it('lists by prefix in key order, with limit and fromKey paging at one revision', async () => {
        const p = prefix();
        const names = ['b', 'a', 'c/1', 'c/0', 'd%', 'd_', 'e'];
        for (const n of names) await store.create(p + n, enc(n));
        await store.create(p.slice(0, -1) + 'x', enc('outside the prefix'));
        await store.create(p.slice(0, -1), enc('the prefix without its slash'));
        const all = await store.list(p);
        expect(all.items.map((kv) => kv.key.slice(p.length))).toEqual([...names].sort());
        expect(all.items.map((kv) => dec(kv.value))).toEqual([...names].sort());
        expect(all.more).toBe(false);
        expect(await store.count(p)).toBe(names.length);

        const page1 = await store.list(p, { limit: 3 });
        expect(page1.items.map((kv) => kv.key.slice(p.length))).toEqual(['a', 'b', 'c/0']);
        expect(page1.more).toBe(true);
        // Writes between pages do not show in later pages read at the first page's revision.
        await store.create(p + 'c/00', enc('late'));
        await store.delete(p + 'e');
        const rest = await store.list(p, { fromKey: page1.items[2]!.key + '\u0000', revision: page1.revision });
        expect(rest.items.map((kv) => kv.key.slice(p.length))).toEqual(['c/1', 'd%', 'd_', 'e']);
        expect(rest.revision).toBe(page1.revision);
        expect(rest.more).toBe(false);
        // And the latest list sees them.
        const latest = await store.list(p);
        expect(latest.items.map((kv) => kv.key.slice(p.length))).toContain('c/00');
        expect(latest.items.map((kv) => kv.key.slice(p.length))).not.toContain('e');
        expect(await store.count(p)).toBe(names.length);
      });

      it('pages through a prefix consistently at one revision while writers change it', async () => {
        const p = prefix();
        const pad = (i: number) => String(i).padStart(2, '0');
        for (let i = 0; i < 15; i++) await store.create(`${p}k${pad(i)}`, enc('v0'));
        const pages: { keys: string[]; values: string[]; more: boolean; revision: number }[] = [];
        let fromKey: string | undefined;
        let revision: number | undefined;
        for (let i = 0; ; i++) {
          const page = await store.list(p, { limit: 4, fromKey, revision });
          revision ??= page.revision;
          pages.push({
            keys: page.items.map((kv) => kv.key.slice(p.length)),
            values: page.items.map((kv) => dec(kv.value)),
            more: page.more,
            revision: page.revision,
          });
          // Between pages: a key appears right after this page, a later key goes, another changes.
          await store.create(`${p}k${pad(i * 4)}+`, enc('new'));
          await store.delete(`${p}k${pad(14 - i)}`);
          await guaranteedUpdate(store, `${p}k${pad(5 + i)}`, () => enc('v1'));
          if (!page.more) break;
          fromKey = page.items[page.items.length - 1]!.key + '\u0000';
        }
        expect(pages.map((page) => page.more)).toEqual([true, true, true, false]);
        expect(pages.every((page) => page.revision === revision)).toBe(true);
        expect(pages.flatMap((page) => page.keys)).toEqual(Array.from({ length: 15 }, (_, i) => `k${pad(i)}`));
        expect(pages.flatMap((page) => page.values).every((v) => v === 'v0')).toBe(true);
        const latest = await store.list(p);
        expect(latest.revision).toBeGreaterThan(revision!);
        expect(latest.items).toHaveLength(15);
      });

      it('pages with a limit equal to the number of keys without claiming more', async () => {
        const p = prefix();
        for (const k of ['a', 'b', 'c']) await store.create(p + k, enc(k));
        const exact = await store.list(p, { limit: 3 });
        expect(exact.items).toHaveLength(3);
        expect(exact.more).toBe(false);
        const empty = await store.list(p, { fromKey: p + 'd' });
        expect(empty).toMatchObject({ items: [], more: false });
        expect((await store.list(p, { fromKey: p + 'b' })).items.map((kv) => kv.key)).toEqual([p + 'b', p + 'c']);
        // A fromKey below the prefix starts at the prefix.
        expect((await store.list(p, { fromKey: '/' })).items).toHaveLength(3);
      });

      it('counts only live keys under the prefix', async () => {
        const p = prefix();
        expect(await store.count(p)).toBe(0);
        for (const k of ['a', 'b', 'c/d']) await store.create(p + k, enc(k));
        await store.delete(p + 'b');
        const c = await store.get(p + 'c/d');
        await store.update(p + 'c/d', enc('again'), c!.modRevision);
        expect(await store.count(p)).toBe(2);
        expect(await store.count(p + 'c/')).toBe(1);
      });

      it('handles keys with characters special to SQL, URLs and UTF-16', async () => {
        const p = prefix();
        const keys = ['a%b', 'a_b', "a'b", 'a b', 'ä/ü', 'a\\b', 'ab', 'z\u{1F600}', 'z\uff5a', 'z\uffff', 'z'];
        for (const k of keys) await store.create(p + k, enc(k));
        for (const k of keys) expect(dec((await store.get(p + k))!.value)).toBe(k);
        // Byte order of the UTF-8 encoding, as etcd sorts: the emoji sorts after U+FFFF.
        expect((await store.list(p)).items.map((kv) => kv.key.slice(p.length))).toEqual([...keys].sort(byteOrder));
        expect((await store.list(p + 'a%')).items.map((kv) => kv.key)).toEqual([p + 'a%b']);
        expect((await store.list(p + 'a_')).items.map((kv) => kv.key)).toEqual([p + 'a_b']);
        expect((await store.list(p + 'z')).items.map((kv) => kv.key.slice(p.length))).toEqual(['z', 'z\uff5a', 'z\uffff', 'z\u{1F600}']);
        expect(await store.count(p + 'z')).toBe(4);
        const w = store.watch(p + 'z', { prefix: true, startRevision: 1 + (await store.currentRevision()) });
        await store.delete(p + 'z\u{1F600}');
        expect((await next(w, 1)).map(summary)).toMatchObject([{ type: WatchEventType.Delete, key: p + 'z\u{1F600}' }]);
        w.close();
      });
    });

    describe('concurrency', () => {
      it('loses no update under 20 concurrent read-modify-write writers', async () => {
        const p = prefix();
        const writers = 20;
        const perWriter = 5;
        await Promise.all(
          Array.from({ length: writers }, async () => {
            for (let i = 0; i < perWriter; i++) {
              await guaranteedUpdate(store, p + 'counter', (cur) => enc(String(Number(cur ? dec(cur.value) : '0') + 1)));
            }
          }),
        );
        expect(dec((await store.get(p + 'counter'))!.value)).toBe(String(writers * perWriter));
      });

      it('lets exactly one of many concurrent creators win', async () => {
        const p = prefix();
        const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => store.create(p + 'k', enc(String(i)))));
        const won = results.filter((r) => r.status === 'fulfilled');
        expect(won).toHaveLength(1);
        for (const r of results) if (r.status === 'rejected') expect(isAlreadyExists(r.reason)).toBe(true);
        expect(await store.get(p + 'k')).toEqual((won[0] as PromiseFulfilledResult<KeyValue>).value);
      });

      it('lets exactly one of many concurrent updates from the same revision win', async () => {
        const p = prefix();
        const base = await store.create(p + 'k', enc('base'));
        const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => store.update(p + 'k', enc(String(i)), base.modRevision)));
        const won = results.filter((r) => r.status === 'fulfilled') as PromiseFulfilledResult<KeyValue>[];
        expect(won).toHaveLength(1);
        for (const r of results) {
          if (r.status === 'rejected') {
            expect(isConflict(r.reason)).toBe(true);
            expect((r.reason as StorageError).revision).toBe(won[0]!.value.modRevision);
          }
        }
        expect(await store.get(p + 'k')).toEqual(won[0]!.value);
      });
    });

    describe('watch', () => {
      it('watches one key and a prefix, delivering events in revision order with prevKv', async () => {
        const p = prefix();
        // From the next revision: the watches see every later write however long they take to set up.
        const start = (await store.currentRevision()) + 1;
        const one = store.watch(p + 'a', { startRevision: start });
        const all = store.watch(p, { prefix: true, startRevision: start });
        const a = await store.create(p + 'a', enc('1'));
        await store.create(p + 'ab', enc('not the key a'));
        const b = await store.create(p + 'b', enc('1'));
        const a2 = await store.update(p + 'a', enc('2'), a.modRevision);
        const bd = await store.delete(p + 'b');
        const evOne = await next(one, 2);
        expect(evOne.map(summary)).toEqual([
          { type: WatchEventType.Put, key: p + 'a', revision: a.modRevision },
          { type: WatchEventType.Put, key: p + 'a', revision: a2.modRevision },
        ]);
        expect(evOne[0]!.kv).toEqual(a);
        expect(evOne[0]!.prevKv).toBeUndefined();
        expect(evOne[1]!.kv).toEqual(a2);
        expect(evOne[1]!.prevKv).toEqual(a);
        // Nothing else is pending on the single-key watch: its next event is the next write to a.
        const a3 = await store.update(p + 'a', enc('3'), a2.modRevision);
        expect((await next(one, 1)).map(summary)).toEqual([{ type: WatchEventType.Put, key: p + 'a', revision: a3.modRevision }]);

        const evAll = await next(all, 5);
        expect(evAll.map((e) => `${e.type} ${e.kv.key.slice(p.length)}`)).toEqual(['PUT a', 'PUT ab', 'PUT b', 'PUT a', 'DELETE b']);
        const del = evAll[4]!;
        expect(del.revision).toBe(bd.modRevision);
        expect(del.kv.modRevision).toBe(bd.modRevision);
        expect(del.kv.key).toBe(p + 'b');
        expect(del.kv.value.byteLength).toBe(0);
        expect(del.prevKv).toEqual(b);
        one.close();
        all.close();
      });

      it('delivers only writes made after a watch without startRevision started', async () => {
        const p = prefix();
        const old = await store.create(p + 'old', enc('before'));
        const w = store.watch(p, { prefix: true });
        const first = w[Symbol.asyncIterator]().next();
        // A backend may set the watch up asynchronously (etcd): keep writing until it reports.
        let got: IteratorResult<WatchEvent> | undefined;
        const deadline = Date.now() + timeoutMs;
        for (let i = 0; !got && Date.now() < deadline; i++) {
          await store.create(`${p}new${i}`, enc('after'));
          got = await Promise.race([first, new Promise<undefined>((r) => setTimeout(() => r(undefined), i === 0 ? 0 : 20))]);
        }
        expect(got?.done).toBe(false);
        const event = got!.value as WatchEvent;
        expect(event.kv.key.startsWith(p + 'new')).toBe(true);
        expect(event.revision).toBeGreaterThan(old.modRevision);
        w.close();
      });

      it('replays exactly the events from startRevision on, in order, then continues live', async () => {
        const p = prefix();
        const a = await store.create(p + 'a', enc('1'));
        const b = await store.create(p + 'b', enc('1'));
        const a2 = await store.update(p + 'a', enc('2'), a.modRevision);
        const bd = await store.delete(p + 'b');
        const c = await store.create(p + 'c', enc('1'));
        const a3 = await store.update(p + 'a', enc('3'), a2.modRevision);
        const w = store.watch(p, { prefix: true, startRevision: a2.modRevision });
        const replayed = await next(w, 4);
        expect(replayed.map(summary)).toEqual([
          { type: WatchEventType.Put, key: p + 'a', revision: a2.modRevision },
          { type: WatchEventType.Delete, key: p + 'b', revision: bd.modRevision },
          { type: WatchEventType.Put, key: p + 'c', revision: c.modRevision },
          { type: WatchEventType.Put, key: p + 'a', revision: a3.modRevision },
        ]);
        expect(replayed[0]!.prevKv).toEqual(a);
        expect(replayed[1]!.prevKv).toEqual(b);
        expect(replayed[2]!.prevKv).toBeUndefined();
        expect(replayed[3]!.prevKv).toEqual(a2);
        expect(replayed[3]!.kv).toEqual(a3);
        const live = await store.update(p + 'c', enc('2'), c.modRevision);
        expect((await next(w, 1)).map(summary)).toEqual([{ type: WatchEventType.Put, key: p + 'c', revision: live.modRevision }]);
        await expectNothingPending(w, p + 'sentinel');
        w.close();
      });

      it('waits at a future startRevision without delivering earlier writes', async () => {
        const p = prefix();
        const start = (await store.currentRevision()) + 3;
        const w = store.watch(p, { prefix: true, startRevision: start });
        const writes: KeyValue[] = [];
        for (let i = 0; i < 6; i++) writes.push(await store.create(`${p}k${i}`, enc(String(i))));
        const from = writes.filter((kv) => kv.modRevision >= start);
        expect((await next(w, from.length)).map((e) => e.revision)).toEqual(from.map((kv) => kv.modRevision));
        await expectNothingPending(w, p + 'sentinel');
        w.close();
      });

      it('resumes a watch exactly after a revision: no event lost or duplicated across restarts', async () => {
        const p = prefix();
        const log: { key: string; revision: number }[] = [];
        for (let i = 0; i < 30; i++) {
          const kv = await store.create(`${p}k${String(i).padStart(2, '0')}`, enc(String(i)));
          log.push({ key: kv.key, revision: kv.modRevision });
        }
        const seen: WatchEvent[] = [];
        let from = log[0]!.revision;
        // Restart the watch three times mid-stream, each time from the last revision seen + 1.
        for (const batch of [7, 11, 12]) {
          const w = store.watch(p, { prefix: true, startRevision: from });
          const got = await next(w, batch);
          w.close();
          seen.push(...got);
          from = got[got.length - 1]!.revision + 1;
        }
        expect(seen.map((e) => e.revision)).toEqual(log.map((l) => l.revision));
        expect(seen.map((e) => e.kv.key)).toEqual(log.map((l) => l.key));
        // Live events keep flowing after the replayed history.
        const w = store.watch(p, { prefix: true, startRevision: from });
        const late = await store.create(p + 'late', enc('x'));
        const [ev] = await next(w, 1);
        expect(ev!.revision).toBe(late.modRevision);
        w.close();
      });

      it('matches the full write log across watch restarts while writers keep going', async () => {
        const p = prefix();
        const start = (await store.currentRevision()) + 1;
        const log: { type: WatchEventType; key: string; revision: number }[] = [];
        const total = 60;
        const writer = (async () => {
          const live = new Map<string, number>();
          for (let i = 0; i < total; i++) {
            const key = `${p}k${i % 7}`;
            const mod = live.get(key);
            if (mod === undefined) {
              const kv = await store.create(key, enc(String(i)));
              live.set(key, kv.modRevision);
              log.push({ type: WatchEventType.Put, key, revision: kv.modRevision });
            } else if (i % 3 === 0) {
              const kv = await store.delete(key, mod);
              live.delete(key);
              log.push({ type: WatchEventType.Delete, key, revision: kv.modRevision });
            } else {
              const kv = await store.update(key, enc(String(i)), mod);
              live.set(key, kv.modRevision);
              log.push({ type: WatchEventType.Put, key, revision: kv.modRevision });
            }
          }
        })();
        const seen: WatchEvent[] = [];
        let from = start;
        for (const batch of [5, 17, 1, 23, total - 46]) {
          const w = store.watch(p, { prefix: true, startRevision: from });
          const got = await next(w, batch);
          seen.push(...got);
          from = got[got.length - 1]!.revision + 1;
          if (seen.length === total) {
            await writer;
            await expectNothingPending(w, p + 'sentinel');
          }
          w.close();
        }
        expect(seen.map(summary)).toEqual(log);
      });

      it('replays history and then live writes without a gap while writes continue', async () => {
        const p = prefix();
        const first = await store.create(p + 'k', enc('0'));
        let last = first;
        for (let i = 1; i < 10; i++) last = await store.update(p + 'k', enc(String(i)), last.modRevision);
        const w = store.watch(p + 'k', { startRevision: first.modRevision });
        const writes = (async () => {
          for (let i = 10; i < 20; i++) last = await store.update(p + 'k', enc(String(i)), last.modRevision);
        })();
        const events = await next(w, 20);
        await writes;
        expect(events.map((e) => dec(e.kv.value))).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
        w.close();
      });

      it('ends iteration when closed, also while a read is waiting', async () => {
        const p = prefix();
        const w = store.watch(p, { prefix: true, startRevision: (await store.currentRevision()) + 1 });
        const pending = w[Symbol.asyncIterator]().next();
        w.close();
        expect((await pending).done).toBe(true);
        w.close();
        expect((await w[Symbol.asyncIterator]().next()).done).toBe(true);
        // for-await that breaks out closes the watch too, without hanging.
        const w2 = store.watch(p, { prefix: true, startRevision: (await store.currentRevision()) + 1 });
        await store.create(p + 'k', enc('x'));
        for await (const event of w2) {
          expect(event.kv.key).toBe(p + 'k');
          break;
        }
      });
    });

    describe('limits and compaction', () => {
      it('accepts a value of exactly 1.5 MiB and refuses one byte more with TooLarge', async () => {
        const p = prefix();
        const big = new Uint8Array(MAX_VALUE_BYTES).fill(97);
        const kv = await store.create(p + 'big', big);
        expect((await store.get(p + 'big'))!.value.byteLength).toBe(MAX_VALUE_BYTES);
        const updated = await store.update(p + 'big', new Uint8Array(MAX_VALUE_BYTES).fill(98), kv.modRevision);
        const tooBig = new Uint8Array(MAX_VALUE_BYTES + 1);
        expect(isTooLarge(await failure(store.create(p + 'bigger', tooBig)))).toBe(true);
        expect(isTooLarge(await failure(store.update(p + 'big', tooBig, updated.modRevision)))).toBe(true);
        expect(await store.get(p + 'bigger')).toBeUndefined();
        const got = await store.get(p + 'big');
        expect(got!.modRevision).toBe(updated.modRevision);
        expect(got!.value[0]).toBe(98);
      });

      it('compacts: old revisions fail with Compacted, the latest state stays', async () => {
        const p = prefix();
        const a = await store.create(p + 'k', enc('v1'));
        const b = await store.update(p + 'k', enc('v2'), a.modRevision);
        await store.create(p + 'gone', enc('x'));
        await store.delete(p + 'gone');
        const c = await store.update(p + 'k', enc('v3'), b.modRevision);
        await store.compact(c.modRevision);
        expect(await store.compactedRevision()).toBeGreaterThanOrEqual(c.modRevision);

        const old = await failure(store.get(p + 'k', { revision: a.modRevision }));
        expect(isCompacted(old)).toBe(true);
        expect(isCompacted(await failure(store.list(p, { revision: b.modRevision })))).toBe(true);
        const w = store.watch(p, { prefix: true, startRevision: a.modRevision });
        expect(isCompacted(await failure(next(w, 1)))).toBe(true);
        w.close();

        // The compacted revision itself is still readable and watchable.
        expect(dec((await store.get(p + 'k', { revision: c.modRevision }))!.value)).toBe('v3');
        expect((await store.list(p, { revision: c.modRevision })).items.map((kv) => kv.key)).toEqual([p + 'k']);
        const from = store.watch(p, { prefix: true, startRevision: c.modRevision });
        const [first] = await next(from, 1);
        expect(summary(first!)).toEqual({ type: WatchEventType.Put, key: p + 'k', revision: c.modRevision });
        await expectNothingPending(from, p + 'sentinel');
        from.close();

        expect(dec((await store.get(p + 'k'))!.value)).toBe('v3');
        expect(await store.get(p + 'gone')).toBeUndefined();
        expect((await store.list(p)).items.map((kv) => kv.key)).toEqual([p + 'k', p + 'sentinel']);
        // Compacting again at or below the compacted revision is a no-op.
        await store.compact(a.modRevision);
        await store.compact(c.modRevision);
        expect(dec((await store.get(p + 'k'))!.value)).toBe('v3');
        // Writes go on after compaction.
        const d = await store.update(p + 'k', enc('v4'), c.modRevision);
        expect(d.modRevision).toBeGreaterThan(c.modRevision);
        expect(d.createRevision).toBe(a.createRevision);
      });
    });
  });
}
