import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatusError, newServiceUnavailable, type KubeObject } from '@tskube/api-types';
import { ApiClient, PatchType, type GroupVersionResource } from './api-client';
import { TransportError } from './errors';
import type { WatchEvent } from './watch-stream';
import { FakeApiServer } from './testing/fake-api-server';

const configmaps: GroupVersionResource = { group: '', version: 'v1', resource: 'configmaps' };
const pods: GroupVersionResource = { group: '', version: 'v1', resource: 'pods' };

const cm = (name: string, data: Record<string, string> = {}, labels?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, ...(labels ? { labels } : {}) },
  data,
});

async function collect<T>(iterable: AsyncIterable<WatchEvent<T>>, n: number): Promise<WatchEvent<T>[]> {
  const out: WatchEvent<T>[] = [];
  for await (const ev of iterable) {
    out.push(ev);
    if (out.length === n) break;
  }
  return out;
}

describe('ApiClient', () => {
  let server: FakeApiServer;
  let client: ApiClient;

  beforeAll(async () => {
    server = await FakeApiServer.start();
    client = new ApiClient({ master: server.address, fieldManager: 'test' });
  });
  afterAll(async () => {
    client.close();
    await server.stop();
  });

  it.each([
    { name: 'empty', master: '' },
    { name: 'a URL', master: 'http://localhost:6444' },
    { name: 'no port', master: 'localhost' },
  ])('refuses a master that is $name', ({ master }) => {
    expect(() => new ApiClient({ master })).toThrow(TypeError);
  });

  it('creates, reads, updates and deletes objects as JSON', async () => {
    const created = await client.create(configmaps, 'crud', cm('a', { k: 'v' }));
    expect(created.metadata).toMatchObject({ name: 'a', namespace: 'crud' });
    expect(created.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(created.metadata.uid).toBeTruthy();

    const got = await client.get(configmaps, 'crud', 'a');
    expect(got).toEqual(created);

    const updated = await client.update(configmaps, 'crud', { ...got, data: { k: 'w' } });
    expect(updated['data']).toEqual({ k: 'w' });
    expect(Number(updated.metadata.resourceVersion)).toBeGreaterThan(Number(created.metadata.resourceVersion));

    const deleted = await client.delete(configmaps, 'crud', 'a');
    expect(deleted.metadata.name).toBe('a');
    await expect(client.get(configmaps, 'crud', 'a')).rejects.toMatchObject({ code: 404, reason: 'NotFound' });
  });

  it.each([
    {
      name: 'AlreadyExists for a second create',
      act: async (c: ApiClient) => {
        await c.create(configmaps, 'errs', cm('dup'));
        await c.create(configmaps, 'errs', cm('dup'));
      },
      want: { code: 409, reason: 'AlreadyExists', message: 'configmaps "dup" already exists' },
    },
    {
      name: 'Conflict for a stale resourceVersion',
      act: async (c: ApiClient) => {
        const o = await c.create(configmaps, 'errs', cm('cas'));
        await c.update(configmaps, 'errs', { ...o, data: { a: '1' } });
        await c.update(configmaps, 'errs', { ...o, data: { a: '2' } });
      },
      want: { code: 409, reason: 'Conflict' },
    },
    {
      name: 'NotFound with details',
      act: (c: ApiClient) => c.get(configmaps, 'errs', 'missing'),
      want: { code: 404, reason: 'NotFound', details: { kind: 'configmaps', name: 'missing', group: '' } },
    },
  ])('rejects with a StatusError: $name', async ({ act, want }) => {
    const err: unknown = await act(client).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StatusError);
    expect(err).toMatchObject(want);
  });

  it('passes a Status the server sends through, details included', async () => {
    server.failNext('list', newServiceUnavailable('try later'));
    await expect(client.list(configmaps, '')).rejects.toMatchObject({ name: 'StatusError', code: 503, reason: 'ServiceUnavailable', message: 'try later' });
  });

  it('rejects with a TransportError when nothing answers', async () => {
    const dead = await FakeApiServer.start();
    const address = dead.address;
    await dead.stop();
    const c = new ApiClient({ master: address, requestTimeoutMs: 2_000 });
    try {
      const err = await c.get(configmaps, 'x', 'y').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TransportError);
      expect(err).not.toBeInstanceOf(StatusError);
    } finally {
      c.close();
    }
  });

  it('cancels a call when its signal aborts', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(client.get(configmaps, 'x', 'y', { signal: ac.signal })).rejects.toBeInstanceOf(TransportError);
  });

  it('lists in pages of one snapshot, with selectors', async () => {
    for (const name of ['p1', 'p2', 'p3', 'p4', 'p5']) await client.create(configmaps, 'paged', cm(name, {}, { tier: name === 'p3' ? 'db' : 'web' }));
    const first = await client.list(configmaps, 'paged', { limit: 2 });
    expect(first.items.map((o) => o.metadata.name)).toEqual(['p1', 'p2']);
    expect(first.continue).not.toBe('');
    expect(first.remainingItemCount).toBe(3);
    await client.create(configmaps, 'paged', cm('p0'));
    const second = await client.list(configmaps, 'paged', { limit: 2, continue: first.continue });
    expect(second.items.map((o) => o.metadata.name)).toEqual(['p3', 'p4']);
    expect(second.resourceVersion).toBe(first.resourceVersion);
    const web = await client.list(configmaps, 'paged', { labelSelector: 'tier=web' });
    expect(web.items.map((o) => o.metadata.name)).toEqual(['p1', 'p2', 'p4', 'p5']);
  });

  it('patches with merge and JSON patches', async () => {
    await client.create(configmaps, 'patch', cm('m', { a: '1', b: '2' }));
    const merged = await client.patch(configmaps, 'patch', 'm', PatchType.MergePatch, { data: { a: null, c: '3' } });
    expect(merged['data']).toEqual({ b: '2', c: '3' });
    const json = await client.patch(configmaps, 'patch', 'm', PatchType.JSONPatch, [{ op: 'replace', path: '/data/b', value: 'x' }]);
    expect(json['data']).toEqual({ b: 'x', c: '3' });
  });

  it('updates status only through updateStatus', async () => {
    const pod = await client.create<KubeObject>(pods, 'st', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [] } });
    const after = await client.updateStatus(pods, 'st', { ...pod, spec: { changed: true }, status: { phase: 'Running' } });
    expect(after['status']).toEqual({ phase: 'Running' });
    expect(after['spec']).toEqual({ containers: [] });
  });

  it('binds a pod once', async () => {
    const pod = await client.create<KubeObject>(pods, 'bind', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: {} });
    const binding = { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p', namespace: 'bind', uid: pod.metadata.uid }, target: { kind: 'Node', name: 'n1' } };
    const status = await client.bind('bind', 'p', binding);
    expect(status).toMatchObject({ kind: 'Status', status: 'Success' });
    expect((await client.get(pods, 'bind', 'p'))['spec']).toEqual({ nodeName: 'n1' });
    await expect(client.bind('bind', 'p', binding)).rejects.toMatchObject({ reason: 'Conflict' });
  });

  it('watches changes after a resourceVersion, in order, and closes', async () => {
    const start = await client.list(configmaps, 'watched');
    const stream = client.watch(configmaps, 'watched', { resourceVersion: start.resourceVersion });
    const a = await client.create(configmaps, 'watched', cm('a'));
    await client.update(configmaps, 'watched', { ...a, data: { x: 'y' } });
    await client.delete(configmaps, 'watched', 'a');
    const events = await collect(stream, 3);
    expect(events.map((e) => [e.type, e.type === 'ERROR' ? '' : e.object.metadata.name])).toEqual([
      ['ADDED', 'a'],
      ['MODIFIED', 'a'],
      ['DELETED', 'a'],
    ]);
    const rvs = events.map((e) => (e.type === 'ERROR' ? 0 : Number(e.resourceVersion)));
    expect(rvs).toEqual([...rvs].sort((x, y) => x - y));
    stream.close();
  });

  it('ends iteration quietly when closed while waiting', async () => {
    const stream = client.watch(configmaps, 'idle', { resourceVersion: String(server.revision) });
    const pending = collect(stream, 1);
    setTimeout(() => stream.close(), 20);
    await expect(pending).resolves.toEqual([]);
  });

  it('reports a compacted revision as one ERROR event with a 410 Status', async () => {
    const rv = String(server.revision);
    await client.create(configmaps, 'gone', cm('x'));
    server.compact();
    const events = await collect(client.watch(configmaps, 'gone', { resourceVersion: rv }), 10);
    expect(events).toHaveLength(1);
    const [ev] = events;
    expect(ev!.type).toBe('ERROR');
    if (ev!.type === 'ERROR') expect(ev!.error).toMatchObject({ code: 410, reason: 'Expired' });
  });

  it('throws a StatusError from iteration when the server refuses the watch', async () => {
    const refusing = await FakeApiServer.start({ expiredWatch: 'status' });
    const c = new ApiClient({ master: refusing.address });
    try {
      refusing.createObject(configmaps, 'ns', cm('x'));
      refusing.compact();
      await expect(collect(c.watch(configmaps, 'ns', { resourceVersion: '1' }), 1)).rejects.toMatchObject({ name: 'StatusError', code: 410 });
    } finally {
      c.close();
      await refusing.stop();
    }
  });

  it('sends initial ADDED events for a watch from ""', async () => {
    await client.create(configmaps, 'initial', cm('i1'));
    await client.create(configmaps, 'initial', cm('i2'));
    const events = await collect(client.watch(configmaps, 'initial'), 2);
    expect(events.map((e) => [e.type, e.type === 'ERROR' ? '' : e.object.metadata.name])).toEqual([
      ['ADDED', 'i1'],
      ['ADDED', 'i2'],
    ]);
  });
});
