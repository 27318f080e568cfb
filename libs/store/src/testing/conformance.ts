import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlreadyExists, isCompacted, isConflict, isNotFound, isTooLarge, StorageError } from '../errors';
import { guaranteedUpdate } from '../guaranteed-update';
import { MAX_VALUE_BYTES, type Store, type WatchEvent, type Watcher } from '../store';

export interface StoreUnderTest {
  store: Store;
  cleanup(): Promise<void>;
}

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** Takes `n` events from a watcher, failing after `timeoutMs`. */
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
 * The behaviour every Store backend must share, registered as vitest tests. `open` gives a store
 * (one per suite); every test works under its own random key prefix, so a backend shared with
 * other suites (one etcd) is fine.
 */
export function describeStoreConformance(name: string, open: () => Promise<StoreUnderTest>): void {
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

    it('creates, reads, updates and deletes with revisions that only grow', async () => {
      const p = prefix();
      const before = await store.currentRevision();
      const created = await store.create(p + 'a', enc('one'));
      expect(created.modRevision).toBeGreaterThan(before);
      expect(created.createRevision).toBe(created.modRevision);
      expect(await store.currentRevision()).toBe(created.modRevision);

      const got = await store.get(p + 'a');
      expect(dec(got!.value)).toBe('one');
      expect(got!.modRevision).toBe(created.modRevision);

      const updated = await store.update(p + 'a', enc('two'), created.modRevision);
      expect(updated.modRevision).toBeGreaterThan(created.modRevision);
      expect(updated.createRevision).toBe(created.createRevision);
      expect(dec((await store.get(p + 'a'))!.value)).toBe('two');

      const deleted = await store.delete(p + 'a', updated.modRevision);
      expect(dec(deleted.value)).toBe('two');
      expect(deleted.modRevision).toBeGreaterThan(updated.modRevision);
      expect(await store.get(p + 'a')).toBeUndefined();
      expect(await store.currentRevision()).toBe(deleted.modRevision);
    });

    it('refuses a second create with AlreadyExists and changes nothing', async () => {
      const p = prefix();
      const first = await store.create(p + 'k', enc('v1'));
      const err = await store.create(p + 'k', enc('v2')).catch((e: unknown) => e);
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
      const stale = await store.update(p + 'k', enc('lost'), a.modRevision).catch((e: unknown) => e);
      expect(isConflict(stale)).toBe(true);
      expect((stale as StorageError).revision).toBe(b.modRevision);
      const staleDelete = await store.delete(p + 'k', a.modRevision).catch((e: unknown) => e);
      expect(isConflict(staleDelete)).toBe(true);
      expect(dec((await store.get(p + 'k'))!.value)).toBe('v2');
      expect(isNotFound(await store.update(p + 'missing', enc('x'), 1).catch((e: unknown) => e))).toBe(true);
      expect(isNotFound(await store.delete(p + 'missing').catch((e: unknown) => e))).toBe(true);
      // An unguarded delete succeeds whatever the revision.
      await store.delete(p + 'k');
      expect(await store.get(p + 'k')).toBeUndefined();
    });

    it('re-creating a deleted key starts a new createRevision', async () => {
      const p = prefix();
      const a = await store.create(p + 'k', enc('1'));
      await store.delete(p + 'k');
      const b = await store.create(p + 'k', enc('2'));
      expect(b.createRevision).toBeGreaterThan(a.createRevision);
    });

    it('lists by prefix in key order, with limit and fromKey paging at one revision', async () => {
      const p = prefix();
      const names = ['b', 'a', 'c/1', 'c/0', 'd%', 'd_', 'e'];
      for (const n of names) await store.create(p + n, enc(n));
      await store.create(p.slice(0, -1) + 'x', enc('outside the prefix'));
      const all = await store.list(p);
      expect(all.items.map((kv) => kv.key.slice(p.length))).toEqual([...names].sort());
      expect(all.more).toBe(false);
      expect(await store.count(p)).toBe(names.length);

      const page1 = await store.list(p, { limit: 3 });
      expect(page1.items.map((kv) => kv.key.slice(p.length))).toEqual(['a', 'b', 'c/0']);
      expect(page1.more).toBe(true);
      // Writes between pages do not show in later pages read at the first page's revision.
      await store.create(p + 'c/00', enc('late'));
      await store.delete(p + 'e');
      const rest = await store.list(p, { fromKey: page1.items[2].key + '\u0000', revision: page1.revision });
      expect(rest.items.map((kv) => kv.key.slice(p.length))).toEqual(['c/1', 'd%', 'd_', 'e']);
      expect(rest.revision).toBe(page1.revision);
      // And the latest list sees them.
      const latest = await store.list(p);
      expect(latest.items.map((kv) => kv.key.slice(p.length))).toContain('c/00');
      expect(latest.items.map((kv) => kv.key.slice(p.length))).not.toContain('e');
    });

    it('reads a key as it was at an earlier revision', async () => {
      const p = prefix();
      const a = await store.create(p + 'k', enc('v1'));
      await store.update(p + 'k', enc('v2'), a.modRevision);
      expect(dec((await store.get(p + 'k', { revision: a.modRevision }))!.value)).toBe('v1');
      expect(await store.get(p + 'k', { revision: a.modRevision - 1 })).toBeUndefined();
    });

    it('loses no update under 20 concurrent read-modify-write writers', async () => {
      const p = prefix();
      await store.create(p + 'counter', enc('0'));
      const writers = 20;
      const perWriter = 5;
      await Promise.all(
        Array.from({ length: writers }, async () => {
          for (let i = 0; i < perWriter; i++) {
            await guaranteedUpdate(store, p + 'counter', (cur) => enc(String(Number(dec(cur!.value)) + 1)));
          }
        }),
      );
      expect(dec((await store.get(p + 'counter'))!.value)).toBe(String(writers * perWriter));
    });

    it('lets exactly one of many concurrent creators win', async () => {
      const p = prefix();
      const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => store.create(p + 'k', enc(String(i)))));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(isAlreadyExists(r.reason)).toBe(true);
    });

    it('watches one key and a prefix, delivering events in revision order with prevKv', async () => {
      const p = prefix();
      // From the next revision: the watches see every later write however long they take to set up.
      const next = (await store.currentRevision()) + 1;
      const one = store.watch(p + 'a', { startRevision: next });
      const all = store.watch(p, { prefix: true, startRevision: next });
      const a = await store.create(p + 'a', enc('1'));
      const b = await store.create(p + 'b', enc('1'));
      const a2 = await store.update(p + 'a', enc('2'), a.modRevision);
      await store.delete(p + 'b');
      const evOne = await take(one, 2);
      expect(evOne.map((e) => [e.type, e.kv.key.slice(p.length), e.revision])).toEqual([
        ['PUT', 'a', a.modRevision],
        ['PUT', 'a', a2.modRevision],
      ]);
      expect(dec(evOne[1].prevKv!.value)).toBe('1');
      const evAll = await take(all, 4);
      expect(evAll.map((e) => `${e.type} ${e.kv.key.slice(p.length)}`)).toEqual(['PUT a', 'PUT b', 'PUT a', 'DELETE b']);
      expect(evAll.map((e) => e.revision)).toEqual([...evAll.map((e) => e.revision)].sort((x, y) => x - y));
      expect(evAll[3].prevKv && dec(evAll[3].prevKv.value)).toBe('1');
      expect(evAll[3].kv.modRevision).toBeGreaterThan(b.modRevision);
      one.close();
      all.close();
    });

    it('resumes a watch exactly after a revision: no event lost or duplicated across restarts', async () => {
      const p = prefix();
      const log: { key: string; revision: number }[] = [];
      for (let i = 0; i < 30; i++) {
        const kv = await store.create(`${p}k${String(i).padStart(2, '0')}`, enc(String(i)));
        log.push({ key: kv.key, revision: kv.modRevision });
      }
      const seen: WatchEvent[] = [];
      let from = log[0].revision;
      // Restart the watch three times mid-stream, each time from the last revision seen + 1.
      for (const batch of [7, 11, 12]) {
        const w = store.watch(p, { prefix: true, startRevision: from });
        const got = await take(w, batch);
        w.close();
        seen.push(...got);
        from = got[got.length - 1].revision + 1;
      }
      expect(seen.map((e) => e.revision)).toEqual(log.map((l) => l.revision));
      expect(seen.map((e) => e.kv.key)).toEqual(log.map((l) => l.key));
      // Live events keep flowing after the replayed history.
      const w = store.watch(p, { prefix: true, startRevision: from });
      const late = await store.create(p + 'late', enc('x'));
      const [ev] = await take(w, 1);
      expect(ev.revision).toBe(late.modRevision);
      w.close();
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
      const events = await take(w, 20);
      await writes;
      expect(events.map((e) => dec(e.kv.value))).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
      w.close();
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

      expect(isCompacted(await store.get(p + 'k', { revision: a.modRevision }).catch((e: unknown) => e))).toBe(true);
      expect(isCompacted(await store.list(p, { revision: b.modRevision }).catch((e: unknown) => e))).toBe(true);
      const w = store.watch(p, { prefix: true, startRevision: a.modRevision });
      const failure = await take(w, 1, 5000).catch((e: unknown) => e);
      expect(isCompacted(failure)).toBe(true);

      expect(dec((await store.get(p + 'k'))!.value)).toBe('v3');
      expect((await store.list(p)).items.map((kv) => kv.key)).toEqual([p + 'k']);
      // Compacting again at or below the compacted revision is harmless.
      await store.compact(a.modRevision).catch((e: unknown) => expect(isCompacted(e)).toBe(true));
      expect(dec((await store.get(p + 'k'))!.value)).toBe('v3');
    });

    it('accepts a value of exactly 1.5 MiB and refuses one byte more with TooLarge', async () => {
      const p = prefix();
      const big = new Uint8Array(MAX_VALUE_BYTES).fill(97);
      const kv = await store.create(p + 'big', big);
      expect((await store.get(p + 'big'))!.value.byteLength).toBe(MAX_VALUE_BYTES);
      const tooBig = new Uint8Array(MAX_VALUE_BYTES + 1);
      expect(isTooLarge(await store.create(p + 'bigger', tooBig).catch((e: unknown) => e))).toBe(true);
      expect(isTooLarge(await store.update(p + 'big', tooBig, kv.modRevision).catch((e: unknown) => e))).toBe(true);
      expect(await store.get(p + 'bigger')).toBeUndefined();
      expect((await store.get(p + 'big'))!.modRevision).toBe(kv.modRevision);
    });

    it('handles keys with characters that are special to SQL and to URLs', async () => {
      const p = prefix();
      const keys = ['a%b', 'a_b', "a'b", 'a b', 'ä/ü', 'a\\b'];
      for (const k of keys) await store.create(p + k, enc(k));
      for (const k of keys) expect(dec((await store.get(p + k))!.value)).toBe(k);
      expect((await store.list(p + 'a%')).items.map((kv) => kv.key)).toEqual([p + 'a%b']);
      expect((await store.list(p + 'a_')).items.map((kv) => kv.key)).toEqual([p + 'a_b']);
    });
  });
}
