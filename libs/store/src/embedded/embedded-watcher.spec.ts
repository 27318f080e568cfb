import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isCompacted, isUnavailable, StorageError } from '../errors';
import { take } from '../testing';
import { EmbeddedStore } from './embedded-store';

const enc = (s: string) => new TextEncoder().encode(s);
const failure = (p: Promise<unknown>) => p.then(
  () => undefined,
  (e: unknown) => e,
);

describe('EmbeddedStore watch', () => {
  let store: EmbeddedStore;
  beforeEach(() => {
    store = EmbeddedStore.open({ path: ':memory:', watcherBufferLimit: 5 });
  });
  afterEach(() => store.close());

  it('ends a watcher that falls more than the buffer limit behind with Unavailable, without slowing writers', async () => {
    const w = store.watch('/slow/', { prefix: true });
    const fast = store.watch('/slow/', { prefix: true });
    const fastEvents = take(fast, 7);
    const written = [];
    for (let i = 0; i < 7; i++) written.push(await store.create(`/slow/${i}`, enc('x')));
    expect((await fastEvents).map((e) => e.revision)).toEqual(written.map((kv) => kv.modRevision));

    const err = await failure(take(w, 1));
    expect(isUnavailable(err)).toBe(true);
    expect((err as StorageError).message).toMatch(/fell more than 5 events behind/);
    // The watch is over; the consumer restarts from its last revision + 1 and misses nothing.
    expect((await w[Symbol.asyncIterator]().next()).done).toBe(true);
    const again = store.watch('/slow/', { prefix: true, startRevision: written[0]!.modRevision });
    expect((await take(again, 7)).map((e) => e.kv.key)).toEqual(written.map((kv) => kv.key));
    again.close();
    fast.close();
  });

  it('replays a long history in chunks and joins the live stream without gap or duplicate', async () => {
    const first = await store.create('/long/k', enc('0'));
    let last = first;
    for (let i = 1; i < 1300; i++) last = await store.update('/long/k', enc(String(i)), last.modRevision);
    const w = store.watch('/long/', { prefix: true, startRevision: first.modRevision });
    const it = w[Symbol.asyncIterator]();
    const revisions: number[] = [];
    // Live writes land while the watch is still catching up, more than the live buffer would
    // hold if replayed history counted against it.
    for (let i = 0; i < 1300 + 4; i++) {
      if (i % 400 === 0) last = await store.update('/long/k', enc('live'), last.modRevision);
      const r = await it.next();
      revisions.push((r.value as { revision: number }).revision);
    }
    expect(revisions).toEqual(Array.from({ length: 1304 }, (_, i) => first.modRevision + i));
    w.close();
  });

  it('fails a catching-up watch with Compacted when compaction overtakes it', async () => {
    const first = await store.create('/c/k', enc('0'));
    let last = first;
    for (let i = 1; i < 1200; i++) last = await store.update('/c/k', enc(String(i)), last.modRevision);
    const w = store.watch('/c/', { prefix: true, startRevision: first.modRevision });
    const events = await take(w, 600);
    expect(events.at(-1)!.revision).toBe(first.modRevision + 599);
    await store.compact(last.modRevision);
    const err = await failure(take(w, 1000));
    expect(isCompacted(err)).toBe(true);
    expect((err as StorageError).revision).toBe(last.modRevision);
  });

  it('refuses a startRevision below the compacted one, and serves one at it', async () => {
    const a = await store.create('/k', enc('1'));
    const b = await store.update('/k', enc('2'), a.modRevision);
    await store.compact(b.modRevision);
    expect(isCompacted(await failure(take(store.watch('/k', { startRevision: a.modRevision }), 1)))).toBe(true);
    const w = store.watch('/k', { startRevision: b.modRevision });
    expect((await take(w, 1))[0]!.prevKv).toEqual(a);
    w.close();
  });

  it('discards buffered events on close and ends on store close', async () => {
    const w = store.watch('/k');
    await store.create('/k', enc('1'));
    w.close();
    expect((await w[Symbol.asyncIterator]().next()).done).toBe(true);

    const open = store.watch('/k');
    const pending = open[Symbol.asyncIterator]().next();
    await store.close();
    expect((await pending).done).toBe(true);
  });

  it('refuses a second next() while one is pending', async () => {
    const w = store.watch('/k');
    const it = w[Symbol.asyncIterator]();
    const first = it.next();
    await expect(it.next()).rejects.toThrow(/pending/);
    await store.create('/k', enc('1'));
    expect((await first).value).toMatchObject({ revision: 1 });
    w.close();
  });
});
