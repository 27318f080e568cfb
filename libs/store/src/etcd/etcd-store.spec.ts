import { randomUUID } from 'node:crypto';
import { startEtcd, type EtcdServer } from '@tskube/test-support';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCompacted, isNotFound, isUnavailable, StorageError } from '../errors';
import type { WatchEvent } from '../store';
import { take } from '../testing';
import { EtcdStore } from './etcd-store';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const failure = (p: Promise<unknown>) => p.then(
  () => {
    throw new Error('expected a failure');
  },
  (err: unknown) => err,
);

let etcd: EtcdServer;
let raw: Etcd3;
let store: EtcdStore;

beforeAll(async () => {
  etcd = await startEtcd();
  raw = new Etcd3({ hosts: etcd.endpoint });
  store = new EtcdStore({ endpoints: etcd.endpoint });
});

afterAll(async () => {
  await store?.close();
  raw?.close();
  await etcd?.stop();
});

const prefix = () => `/etcd-spec/${randomUUID()}/`;

describe('EtcdStore options', () => {
  it.each([
    { name: 'no endpoints and no client', options: {}, want: TypeError },
    { name: 'an empty endpoint list', options: { endpoints: [] }, want: TypeError },
    { name: 'a non-positive timeout', options: { endpoints: 'http://127.0.0.1:1', requestTimeoutMs: 0 }, want: RangeError },
    { name: 'a non-positive buffer limit', options: { endpoints: 'http://127.0.0.1:1', watcherBufferLimit: 0 }, want: RangeError },
  ])('rejects $name', ({ options, want }) => {
    expect(() => new EtcdStore(options)).toThrow(want);
  });

  it('uses a given client and leaves it open on close', async () => {
    const shared = new EtcdStore({ client: raw });
    await shared.close();
    await expect(raw.kv.range({ key: Buffer.from('/any') })).resolves.toBeDefined();
  });
});

describe('EtcdStore key prefix', () => {
  it('stores keys under the prefix in etcd and strips it from everything it returns', async () => {
    const ns = `/ns-${randomUUID()}`;
    const scoped = new EtcdStore({ endpoints: etcd.endpoint, prefix: ns });
    try {
      const next = (await scoped.currentRevision()) + 1;
      const watcher = scoped.watch('', { prefix: true, startRevision: next });
      await raw.put(`/outside-${randomUUID()}/k`).value('outside');
      const kv = await scoped.create('/registry/pods/default/a', enc('inside'));

      expect(await raw.get(`${ns}/registry/pods/default/a`).string()).toBe('inside');
      expect(kv.key).toBe('/registry/pods/default/a');
      expect((await scoped.list('/')).items.map((i) => i.key)).toEqual(['/registry/pods/default/a']);
      const [event] = await take(watcher, 1);
      expect(event!.kv.key).toBe('/registry/pods/default/a');
      watcher.close();
    } finally {
      await scoped.close();
    }
  });
});

describe('EtcdStore reads', () => {
  it('reports the revision etcd reports', async () => {
    await raw.put(prefix() + 'k').value('v');
    const header = await raw.kv.range({ key: Buffer.from('/') });
    expect(await store.currentRevision()).toBe(Number(header.header.revision));
  });

  it('returns values as plain Uint8Array, not Buffer', async () => {
    const p = prefix();
    await store.create(p + 'k', enc('v'));
    const got = await store.get(p + 'k');
    expect(got!.value.constructor).toBe(Uint8Array);
    expect((await store.list(p)).items[0]!.value.constructor).toBe(Uint8Array);
  });

  it('answers a read at a future revision with a plain Error', async () => {
    const err = await failure(store.get('/k', { revision: (await store.currentRevision()) + 1000 }));
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(StorageError);
  });

  it('lists an empty page when fromKey is past the prefix, at the requested revision', async () => {
    const p = prefix();
    const kv = await store.create(p + 'a', enc('1'));
    expect(await store.list(p, { fromKey: p.slice(0, -1) + '0', revision: kv.modRevision })).toEqual({ items: [], revision: kv.modRevision, more: false });
  });
});

describe('EtcdStore writes', () => {
  it('never creates a missing key through update with expected revision 0', async () => {
    const p = prefix();
    expect(isNotFound(await failure(store.update(p + 'missing', enc('x'), 0)))).toBe(true);
    expect(await store.get(p + 'missing')).toBeUndefined();
  });

  it('returns the deleted state with the delete revision', async () => {
    const p = prefix();
    const created = await store.create(p + 'k', enc('v'));
    const deleted = await store.delete(p + 'k', created.modRevision);
    expect(deleted).toEqual({ key: p + 'k', value: enc('v'), createRevision: created.createRevision, modRevision: await store.currentRevision() });
  });
});

describe('EtcdStore compaction', () => {
  it('finds a compaction made by another client, exactly', async () => {
    const p = prefix();
    const a = await store.create(p + 'k', enc('1'));
    for (let i = 0; i < 20; i++) await store.update(p + 'k', enc(String(i)), (await store.get(p + 'k'))!.modRevision);
    const target = a.modRevision + 7;
    await raw.kv.compact({ revision: target });
    expect(await store.compactedRevision()).toBe(target);
    // A fresh store, knowing nothing of it, finds the same value.
    const other = new EtcdStore({ endpoints: etcd.endpoint });
    try {
      expect(await other.compactedRevision()).toBe(target);
    } finally {
      await other.close();
    }
  });

  it('reports the revision it compacted itself, and is idempotent below it', async () => {
    const p = prefix();
    await store.create(p + 'a', enc('1'));
    const b = await store.create(p + 'b', enc('2'));
    await store.compact(b.modRevision);
    expect(await store.compactedRevision()).toBe(b.modRevision);
    await store.compact(b.modRevision - 1);
    await store.compact(b.modRevision);
    expect(await store.compactedRevision()).toBe(b.modRevision);
  });

  it('tolerates compacting below a revision another client already compacted', async () => {
    const p = prefix();
    const a = await store.create(p + 'a', enc('1'));
    const b = await store.create(p + 'b', enc('2'));
    await raw.kv.compact({ revision: b.modRevision });
    const fresh = new EtcdStore({ endpoints: etcd.endpoint });
    try {
      await expect(fresh.compact(a.modRevision)).resolves.toBeUndefined();
    } finally {
      await fresh.close();
    }
  });

  it('refuses to compact a future revision with a plain Error', async () => {
    const err = await failure(store.compact((await store.currentRevision()) + 1000));
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(StorageError);
  });

  it('carries the compacted revision on Compacted from reads and watches', async () => {
    const p = prefix();
    const a = await store.create(p + 'k', enc('1'));
    const b = await store.update(p + 'k', enc('2'), a.modRevision);
    await store.compact(b.modRevision);

    const read = await failure(store.get(p + 'k', { revision: a.modRevision }));
    expect(isCompacted(read)).toBe(true);
    expect((read as StorageError).revision).toBe(b.modRevision);

    const watched = await failure(take(store.watch(p, { prefix: true, startRevision: a.modRevision }), 1));
    expect(isCompacted(watched)).toBe(true);
    expect((watched as StorageError).revision).toBe(b.modRevision);
  });
});

describe('EtcdStore watch', () => {
  it('delivers DELETE with an empty value, the delete revision and the previous state', async () => {
    const p = prefix();
    const created = await store.create(p + 'k', enc('v'));
    const watcher = store.watch(p + 'k', { startRevision: created.modRevision + 1 });
    const deleted = await store.delete(p + 'k');
    const [event] = await take(watcher, 1);
    expect(event).toEqual({
      type: 'DELETE',
      kv: { key: p + 'k', value: new Uint8Array(0), createRevision: 0, modRevision: deleted.modRevision },
      prevKv: { key: p + 'k', value: enc('v'), createRevision: created.modRevision, modRevision: created.modRevision },
      revision: deleted.modRevision,
    } satisfies WatchEvent);
    watcher.close();
  });

  it('without startRevision sees only writes after it is established', async () => {
    const p = prefix();
    await store.create(p + 'before', enc('x'));
    const watcher = store.watch(p, { prefix: true });
    // Established once etcd has acknowledged it: a write through another stream to a key the
    // watch covers proves ordering, so keep writing until the first event arrives.
    let seen: WatchEvent | undefined;
    const first = take(watcher, 1).then(([e]) => (seen = e));
    for (let i = 0; !seen && i < 200; i++) {
      await store.create(`${p}after-${i}`, enc('y'));
      await Promise.race([first, new Promise((r) => setTimeout(r, 10))]);
    }
    expect(seen!.kv.key.startsWith(p + 'after-')).toBe(true);
    watcher.close();
  });

  it('ends iteration on close and discards buffered events', async () => {
    const p = prefix();
    const start = (await store.currentRevision()) + 1;
    for (let i = 0; i < 5; i++) await store.create(`${p}${i}`, enc('x'));
    const watcher = store.watch(p, { prefix: true, startRevision: start });
    await take(watcher, 1);
    watcher.close();
    watcher.close();
    const next = await watcher[Symbol.asyncIterator]().next();
    expect(next.done).toBe(true);
  });

  it('closes the watch when the consumer breaks out of iteration', async () => {
    const p = prefix();
    const start = (await store.currentRevision()) + 1;
    for (let i = 0; i < 3; i++) await store.create(`${p}${i}`, enc('x'));
    const watcher = store.watch(p, { prefix: true, startRevision: start });
    for await (const event of watcher) {
      expect(event.type).toBe('PUT');
      break;
    }
    expect((await watcher[Symbol.asyncIterator]().next()).done).toBe(true);
  });

  it('ends every watch when the store closes', async () => {
    const own = new EtcdStore({ endpoints: etcd.endpoint });
    const watcher = own.watch(prefix(), { prefix: true });
    const ended = watcher[Symbol.asyncIterator]().next();
    await own.close();
    expect((await ended).done).toBe(true);
    expect(isUnavailable(await failure(own.get('/k')))).toBe(true);
    expect(() => own.watch('/k')).toThrow(StorageError);
  });

  it('fails with Unavailable when the consumer falls behind, after delivering what it buffered', async () => {
    const small = new EtcdStore({ endpoints: etcd.endpoint, watcherBufferLimit: 5 });
    try {
      const p = prefix();
      const written: number[] = [];
      for (let i = 0; i < 30; i++) written.push((await small.create(`${p}${String(i).padStart(2, '0')}`, enc('x'))).modRevision);
      const watcher = small.watch(p, { prefix: true, startRevision: written[0] });
      const delivered: number[] = [];
      const err = await failure(
        (async () => {
          for await (const event of watcher) delivered.push(event.revision);
        })(),
      );
      expect(isUnavailable(err)).toBe(true);
      expect(delivered.length).toBeGreaterThan(0);
      // Resuming after the last delivered revision loses nothing.
      const resumed = small.watch(p, { prefix: true, startRevision: delivered[delivered.length - 1]! + 1 });
      const rest = await take(resumed, written.length - delivered.length);
      resumed.close();
      expect([...delivered, ...rest.map((e) => e.revision)]).toEqual(written);
    } finally {
      await small.close();
    }
  });

  it('does not confuse values: a watched update carries the new value and the old one', async () => {
    const p = prefix();
    const a = await store.create(p + 'k', enc('old'));
    const watcher = store.watch(p + 'k', { startRevision: a.modRevision + 1 });
    await store.update(p + 'k', enc('new'), a.modRevision);
    const [event] = await take(watcher, 1);
    expect([dec(event!.kv.value), dec(event!.prevKv!.value)]).toEqual(['new', 'old']);
    watcher.close();
  });
});
