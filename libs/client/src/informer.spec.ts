import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { newResourceExpired, type KubeObject } from '@tskube/api-types';
import { ApiClient, type GroupVersionResource, type ListResult } from './api-client';
import { DeletedFinalStateUnknown, metaNamespaceKey } from './cache/keys';
import { Informer, type EventHandler } from './informer';
import { listWatch, type ListPageOptions, type ListerWatcher } from './list-watch';
import { FakeApiServer } from './testing/fake-api-server';
import { FakeClock } from './testing/fake-clock';
import type { WatchEvent, WatchStream } from './watch-stream';

const configmaps: GroupVersionResource = { group: '', version: 'v1', resource: 'configmaps' };
const secrets: GroupVersionResource = { group: '', version: 'v1', resource: 'secrets' };

const cm = (ns: string, name: string, data: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns },
  data,
});

type Record_ = [type: 'ADDED' | 'MODIFIED' | 'DELETED', key: string, rv: string, tombstone?: boolean];

/** A handler that writes down what it is told, checking onUpdate's old object against the last state it saw. */
function recorder() {
  const seen: Record_[] = [];
  const last = new Map<string, string>();
  const problems: string[] = [];
  const handler: EventHandler<KubeObject> = {
    onAdd: (obj) => {
      const key = metaNamespaceKey(obj);
      if (last.has(key)) problems.push(`add of present ${key}`);
      last.set(key, obj.metadata.resourceVersion!);
      seen.push(['ADDED', key, obj.metadata.resourceVersion!]);
    },
    onUpdate: (old, obj) => {
      const key = metaNamespaceKey(obj);
      if (last.get(key) !== old.metadata.resourceVersion) problems.push(`update of ${key} from ${old.metadata.resourceVersion}, last seen ${last.get(key)}`);
      last.set(key, obj.metadata.resourceVersion!);
      seen.push(['MODIFIED', key, obj.metadata.resourceVersion!]);
    },
    onDelete: (obj) => {
      const key = metaNamespaceKey(obj);
      if (!last.has(key)) problems.push(`delete of absent ${key}`);
      last.delete(key);
      if (obj instanceof DeletedFinalStateUnknown) seen.push(['DELETED', key, obj.obj.metadata.resourceVersion!, true]);
      else seen.push(['DELETED', key, obj.metadata.resourceVersion!]);
    },
  };
  return { seen, problems, handler };
}

/** A deterministic PRNG (mulberry32), so the operation mix is the same every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
const fastBackoff = { initialMs: 1, maxMs: 20, jitter: 0 };

describe('Informer against the fake apiserver', () => {
  let server: FakeApiServer;
  let client: ApiClient;
  let informer: Informer<KubeObject> | undefined;

  beforeEach(async () => {
    server = await FakeApiServer.start();
    client = new ApiClient({ master: server.address });
  });
  afterEach(async () => {
    await informer?.stop();
    informer = undefined;
    client.close();
    await server.stop();
  });

  it('delivers every one of 1,000 creates, updates and deletes in order, across dropped watches and a server restart', async () => {
    informer = new Informer<KubeObject>({ listerWatcher: listWatch(client, configmaps), backoff: fastBackoff });
    const { seen, problems, handler } = recorder();
    informer.addEventHandler(handler);
    void informer.start();
    expect(await informer.waitForSync()).toBe(true);
    const from = server.revision;

    const random = prng(42);
    const live: string[] = [];
    let next = 0;
    for (let i = 0; i < 1000; i++) {
      const r = random();
      if (live.length === 0 || r < 0.4) {
        const name = `cm-${next++}`;
        server.createObject(configmaps, `ns-${next % 3}`, cm(`ns-${next % 3}`, name, { i: String(i) }));
        live.push(`ns-${next % 3}/${name}`);
      } else {
        const idx = Math.floor(random() * live.length);
        const [ns, name] = live[idx]!.split('/') as [string, string];
        if (r < 0.8) {
          const cur = server.getObject(configmaps, ns, name)!;
          server.updateObject(configmaps, ns, { ...cur, data: { i: String(i) } });
        } else {
          server.deleteObject(configmaps, ns, name);
          live.splice(idx, 1);
        }
      }
      // Unrelated churn moves the revision on without events for this informer.
      if (i % 97 === 0) server.createObject(secrets, 'other', { apiVersion: 'v1', kind: 'Secret', metadata: { name: `s-${i}` } });
      if (i % 10 === 0) await tick();
      // Disrupt the watch, go on changing things while it is down, then let it come back.
      if (i === 250 || i === 600) server.breakWatches();
      if (i === 400) server.endWatches();
      if (i === 500) server.sendBookmarks();
      if (i === 800) await server.restart();
      if (i === 280 || i === 430 || i === 630 || i === 830) {
        await vi.waitFor(() => expect(server.watchCount).toBe(1), { timeout: 5_000, interval: 2 });
      }
    }

    const want: Record_[] = server.changes
      .filter((c) => c.revision > from && c.resource === '/configmaps')
      .map((c) => [c.type, `${c.namespace}/${c.name}`, String(c.revision)]);
    expect(want).toHaveLength(1000);
    await vi.waitFor(() => expect(seen.length).toBeGreaterThanOrEqual(want.length), { timeout: 10_000, interval: 10 });
    expect(problems).toEqual([]);
    expect(seen).toEqual(want);
    expect(server.calls.list).toBe(1);
    expect(server.calls.watch).toBeGreaterThanOrEqual(5);
    expect(informer.lister.listKeys().sort()).toEqual(server.listObjects(configmaps).map((o) => metaNamespaceKey(o)).sort());
  });

  it.each([
    { name: 'an ERROR event', expiredWatch: 'event' as const },
    { name: 'a refused watch call', expiredWatch: 'status' as const },
  ])('lists again after 410 ($name) and reports the difference to its cache', async ({ expiredWatch }) => {
    await server.stop();
    server = await FakeApiServer.start({ expiredWatch });
    client.close();
    client = new ApiClient({ master: server.address });
    for (const name of ['a', 'b', 'c', 'd']) server.createObject(configmaps, 'ns', cm('ns', name));

    informer = new Informer<KubeObject>({ listerWatcher: listWatch(client, configmaps, { namespace: 'ns' }), backoff: fastBackoff });
    const { seen, problems, handler } = recorder();
    const initial: boolean[] = [];
    informer.addEventHandler(handler);
    informer.addEventHandler({ onAdd: (_o, isInInitialList) => initial.push(isInInitialList) });
    void informer.start();
    await informer.waitForSync();
    await vi.waitFor(() => expect(server.watchCount).toBe(1));
    expect(seen.map(([t, k]) => [t, k])).toEqual([
      ['ADDED', 'ns/a'],
      ['ADDED', 'ns/b'],
      ['ADDED', 'ns/c'],
      ['ADDED', 'ns/d'],
    ]);
    seen.length = 0;

    // The watch goes down; meanwhile things change and the history is compacted away.
    server.rejectWatches = true;
    server.breakWatches();
    const b = server.updateObject(configmaps, 'ns', { ...server.getObject(configmaps, 'ns', 'b')!, data: { v: '2' } });
    const c = server.getObject(configmaps, 'ns', 'c')!;
    server.deleteObject(configmaps, 'ns', 'c');
    const oldD = server.getObject(configmaps, 'ns', 'd')!;
    server.deleteObject(configmaps, 'ns', 'd');
    const d = server.createObject(configmaps, 'ns', cm('ns', 'd', { new: 'yes' }));
    const e = server.createObject(configmaps, 'ns', cm('ns', 'e'));
    server.compact();
    const listsBefore = server.calls.list;
    server.rejectWatches = false;

    await vi.waitFor(() => expect(seen).toHaveLength(5), { timeout: 5_000, interval: 5 });
    expect(server.calls.list).toBe(listsBefore + 1);
    expect(problems).toEqual([]);
    expect(seen).toEqual([
      ['MODIFIED', 'ns/b', b.metadata.resourceVersion],
      ['DELETED', 'ns/d', oldD.metadata.resourceVersion, true],
      ['ADDED', 'ns/d', d.metadata.resourceVersion],
      ['ADDED', 'ns/e', e.metadata.resourceVersion],
      ['DELETED', 'ns/c', c.metadata.resourceVersion, true],
    ]);
    expect(initial).toEqual([true, true, true, true, false, false]);
    expect(informer.lister.listKeys().sort()).toEqual(['ns/a', 'ns/b', 'ns/d', 'ns/e']);

    // And it watches on from the new list: later changes arrive as events.
    server.updateObject(configmaps, 'ns', { ...server.getObject(configmaps, 'ns', 'a')!, data: { v: '3' } });
    await vi.waitFor(() => expect(seen).toHaveLength(6));
    expect(seen[5]!.slice(0, 2)).toEqual(['MODIFIED', 'ns/a']);
  });

  it('resumes from a bookmark past a compaction without listing again', async () => {
    server.createObject(configmaps, 'ns', cm('ns', 'a'));
    informer = new Informer<KubeObject>({ listerWatcher: listWatch(client, configmaps), backoff: fastBackoff });
    void informer.start();
    await informer.waitForSync();
    await vi.waitFor(() => expect(server.watchCount).toBe(1));
    for (let i = 0; i < 20; i++) server.createObject(secrets, 'ns', { apiVersion: 'v1', kind: 'Secret', metadata: { name: `s${i}` } });
    server.sendBookmarks();
    await vi.waitFor(() => expect(informer!.lastSyncResourceVersion()).toBe(String(server.revision)));
    server.compact();
    server.breakWatches();
    server.createObject(configmaps, 'ns', cm('ns', 'b'));
    await vi.waitFor(() => expect(informer!.lister.get('ns/b')).toBeDefined());
    expect(server.calls.list).toBe(1);
  });

  it('gives a handler added after sync the cached objects as initial adds', async () => {
    server.createObject(configmaps, 'ns', cm('ns', 'a'));
    server.createObject(configmaps, 'ns', cm('ns', 'b'));
    informer = new Informer<KubeObject>({ listerWatcher: listWatch(client, configmaps) });
    void informer.start();
    await informer.waitForSync();
    const adds: [string, boolean][] = [];
    const reg = informer.addEventHandler({ onAdd: (o, initial) => adds.push([metaNamespaceKey(o), initial]) });
    expect(reg.hasSynced()).toBe(true);
    expect(adds.sort()).toEqual([
      ['ns/a', true],
      ['ns/b', true],
    ]);
    reg.remove();
    server.createObject(configmaps, 'ns', cm('ns', 'c'));
    await vi.waitFor(() => expect(informer!.lister.get('ns/c')).toBeDefined());
    expect(adds).toHaveLength(2);
  });
});

/** A ListerWatcher that serves scripted lists and watches and records what it was asked. */
function scripted(script: { lists: (ListResult<KubeObject> | Error)[]; watches: (WatchEvent<KubeObject>[] | 'hang')[] }) {
  const listCalls: ListPageOptions[] = [];
  const watchFrom: string[] = [];
  const lw: ListerWatcher<KubeObject> = {
    list: async (o) => {
      listCalls.push(o);
      const next = script.lists.shift();
      if (next === undefined) throw new Error('no more lists scripted');
      if (next instanceof Error) throw next;
      return next;
    },
    watch: (o) => {
      watchFrom.push(o.resourceVersion);
      const events = script.watches.shift() ?? 'hang';
      let closed = false;
      let wake: (() => void) | undefined;
      const stream: WatchStream<KubeObject> = {
        close: () => {
          closed = true;
          wake?.();
        },
        async *[Symbol.asyncIterator]() {
          if (events !== 'hang') {
            for (const ev of events) if (!closed) yield ev;
            return;
          }
          await new Promise<void>((resolve) => {
            wake = resolve;
            o.signal?.addEventListener('abort', () => resolve(), { once: true });
          });
        },
      };
      return stream;
    },
  };
  return { lw, listCalls, watchFrom };
}

const obj = (name: string, rv: string, uid = `uid-${name}`): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'ns', resourceVersion: rv, uid },
});

describe('Informer with a scripted lister-watcher', () => {
  let informer: Informer<KubeObject> | undefined;
  afterEach(async () => {
    await informer?.stop();
    informer = undefined;
  });

  it('does not report an event the cache already holds', async () => {
    const { lw } = scripted({
      lists: [{ items: [obj('a', '5')], resourceVersion: '5', continue: '' }],
      watches: [
        [
          { type: 'MODIFIED', object: obj('a', '5'), resourceVersion: '5' },
          { type: 'MODIFIED', object: obj('a', '6'), resourceVersion: '6' },
          { type: 'MODIFIED', object: obj('a', '6'), resourceVersion: '6' },
          { type: 'DELETED', object: obj('a', '7'), resourceVersion: '7' },
          { type: 'DELETED', object: obj('a', '7'), resourceVersion: '7' },
        ],
      ],
    });
    informer = new Informer<KubeObject>({ listerWatcher: lw, backoff: fastBackoff });
    const { seen, handler } = recorder();
    informer.addEventHandler(handler);
    void informer.start();
    await vi.waitFor(() => expect(seen).toHaveLength(3));
    await vi.waitFor(() => expect(informer!.lastSyncResourceVersion()).toBe('7'));
    expect(seen).toEqual([
      ['ADDED', 'ns/a', '5'],
      ['MODIFIED', 'ns/a', '6'],
      ['DELETED', 'ns/a', '7'],
    ]);
  });

  it('lists from "0" first, then from the last revision seen, then from "" when that is gone', async () => {
    const gone = newResourceExpired('too old resource version: 9 (12)');
    const { lw, listCalls, watchFrom } = scripted({
      lists: [
        { items: [obj('a', '3')], resourceVersion: '5', continue: '' },
        gone,
        { items: [obj('a', '13')], resourceVersion: '14', continue: '' },
      ],
      watches: [[{ type: 'BOOKMARK', object: obj('', '9'), resourceVersion: '9' }, { type: 'ERROR', object: gone.toStatus(), error: gone }], 'hang'],
    });
    informer = new Informer<KubeObject>({ listerWatcher: lw, backoff: fastBackoff, pageSize: 50 });
    void informer.start();
    await vi.waitFor(() => expect(watchFrom).toEqual(['5', '14']));
    expect(listCalls.map((c) => [c.resourceVersion, c.limit])).toEqual([
      ['0', 50],
      ['9', 50],
      ['', 50],
    ]);
    expect(informer.lister.get('ns/a')?.metadata.resourceVersion).toBe('13');
  });

  it('follows continue tokens and applies the pages as one list', async () => {
    const { lw, listCalls } = scripted({
      lists: [
        { items: [obj('a', '1'), obj('b', '2')], resourceVersion: '10', continue: 'tok1' },
        { items: [obj('c', '3')], resourceVersion: '10', continue: '' },
      ],
      watches: ['hang'],
    });
    informer = new Informer<KubeObject>({ listerWatcher: lw, pageSize: 2 });
    void informer.start();
    await informer.waitForSync();
    expect(listCalls.map((c) => [c.resourceVersion, c.continue])).toEqual([
      ['0', ''],
      ['', 'tok1'],
    ]);
    expect(informer.lister.listKeys().sort()).toEqual(['ns/a', 'ns/b', 'ns/c']);
    expect(informer.lastSyncResourceVersion()).toBe('10');
  });

  it('resyncs every period on its clock with onUpdate(obj, obj)', async () => {
    const clock = new FakeClock();
    const { lw } = scripted({ lists: [{ items: [obj('a', '1'), obj('b', '2')], resourceVersion: '2', continue: '' }], watches: ['hang'] });
    informer = new Informer<KubeObject>({ listerWatcher: lw, clock, resyncPeriodMs: 30_000 });
    const updates: [string, boolean][] = [];
    informer.addEventHandler({ onUpdate: (o, n) => updates.push([metaNamespaceKey(n), o === n]) });
    void informer.start();
    await informer.waitForSync();
    clock.step(29_999);
    expect(updates).toEqual([]);
    clock.step(1);
    expect(updates.sort()).toEqual([
      ['ns/a', true],
      ['ns/b', true],
    ]);
    clock.step(30_000);
    expect(updates).toHaveLength(4);
  });

  it('keeps going when a handler throws', async () => {
    const { lw } = scripted({ lists: [{ items: [obj('a', '1'), obj('b', '2')], resourceVersion: '2', continue: '' }], watches: ['hang'] });
    informer = new Informer<KubeObject>({ listerWatcher: lw });
    const got: string[] = [];
    informer.addEventHandler({
      onAdd: () => {
        throw new Error('boom');
      },
    });
    informer.addEventHandler({ onAdd: (o) => got.push(metaNamespaceKey(o)) });
    void informer.start();
    await informer.waitForSync();
    expect(got).toEqual(['ns/a', 'ns/b']);
  });

  it('answers waitForSync with false when stopped before syncing', async () => {
    const { lw } = scripted({ lists: [], watches: [] });
    informer = new Informer<KubeObject>({ listerWatcher: lw, backoff: { initialMs: 60_000, maxMs: 60_000 } });
    void informer.start();
    const waiting = informer.waitForSync();
    await informer.stop();
    await expect(waiting).resolves.toBe(false);
    expect(informer.hasSynced()).toBe(false);
  });
});
