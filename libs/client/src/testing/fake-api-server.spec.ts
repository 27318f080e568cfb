import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { KubeObject } from '@tskube/api-types';
import { ApiClient, type GroupVersionResource } from '../api-client';
import type { WatchEvent } from '../watch-stream';
import { FakeApiServer } from './fake-api-server';

const pods: GroupVersionResource = { group: '', version: 'v1', resource: 'pods' };
const pod = (name: string, labels: Record<string, string> = {}, nodeName?: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'ns', labels },
  spec: nodeName ? { nodeName } : {},
});

async function take(stream: AsyncIterable<WatchEvent<KubeObject>>, n: number) {
  const out: string[] = [];
  for await (const ev of stream) {
    out.push(ev.type === 'ERROR' ? `ERROR ${ev.error.code}` : `${ev.type} ${ev.object.metadata.name ?? ''}`);
    if (out.length === n) break;
  }
  return out;
}

describe('FakeApiServer', () => {
  let server: FakeApiServer;
  let client: ApiClient;
  beforeAll(async () => {
    server = await FakeApiServer.start();
    client = new ApiClient({ master: server.address });
  });
  afterAll(async () => {
    client.close();
    await server.stop();
  });

  it('turns changes that enter or leave a selection into ADDED and DELETED', async () => {
    const from = String(server.revision);
    const stream = client.watch(pods, 'ns', { resourceVersion: from, labelSelector: 'app=web' });
    server.createObject(pods, 'ns', pod('a', { app: 'db' }));
    server.updateObject(pods, 'ns', { ...server.getObject(pods, 'ns', 'a')!, metadata: { ...server.getObject(pods, 'ns', 'a')!.metadata, labels: { app: 'web' } } });
    server.updateObject(pods, 'ns', { ...server.getObject(pods, 'ns', 'a')!, spec: { x: 1 } });
    server.updateObject(pods, 'ns', { ...server.getObject(pods, 'ns', 'a')!, metadata: { ...server.getObject(pods, 'ns', 'a')!.metadata, labels: {} } });
    expect(await take(stream, 3)).toEqual(['ADDED a', 'MODIFIED a', 'DELETED a']);
  });

  it('filters by field selector on spec.nodeName', async () => {
    server.createObject(pods, 'ns', pod('on-n1', {}, 'n1'));
    server.createObject(pods, 'ns', pod('on-n2', {}, 'n2'));
    const list = await client.list(pods, 'ns', { fieldSelector: 'spec.nodeName=n1' });
    expect(list.items.map((p) => p.metadata.name)).toEqual(['on-n1']);
  });

  it('sends a bookmark at the latest revision, and the initial-events-end bookmark for sendInitialEvents', async () => {
    const stream = client.watch(pods, 'ns', { resourceVersion: String(server.revision), allowWatchBookmarks: true });
    const got = take(stream, 1);
    await new Promise((r) => setTimeout(r, 20));
    server.sendBookmarks();
    expect(await got).toEqual(['BOOKMARK ']);

    const initial: WatchEvent<KubeObject>[] = [];
    for await (const ev of client.watch(pods, 'ns', { sendInitialEvents: true, allowWatchBookmarks: true, resourceVersionMatch: 'NotOlderThan' })) {
      initial.push(ev);
      if (ev.type === 'BOOKMARK') break;
    }
    const last = initial.at(-1)!;
    expect(last.type === 'BOOKMARK' && last.object.metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
    expect(initial.slice(0, -1).every((e) => e.type === 'ADDED')).toBe(true);
  });

  it('ends a watch cleanly after timeoutSeconds', async () => {
    const started = Date.now();
    expect(await take(client.watch(pods, 'ns', { resourceVersion: String(server.revision), timeoutSeconds: 1 }), 1)).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('expires continue tokens older than a compaction', async () => {
    const first = await client.list(pods, 'ns', { limit: 1 });
    server.createObject(pods, 'ns', pod('later'));
    server.compact();
    await expect(client.list(pods, 'ns', { limit: 1, continue: first.continue })).rejects.toMatchObject({ code: 410, reason: 'Expired' });
  });

  it('keeps its data across a restart', async () => {
    server.createObject(pods, 'ns', pod('durable'));
    await server.restart();
    // A call racing the dropped connection may fail as a TransportError; the client reconnects.
    await vi.waitFor(async () => expect((await client.get(pods, 'ns', 'durable')).metadata.name).toBe('durable'), { timeout: 5_000, interval: 20 });
  });
});
