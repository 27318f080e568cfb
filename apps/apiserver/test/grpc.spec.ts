import { credentials, type ServiceError } from '@grpc/grpc-js';
import { ApiClient, WatchEventType, statusFromGrpc, type WatchEvent } from '@tskube/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from './harness';

const pods = { group: '', version: 'v1', resource: 'pods' };
const enc = (o: unknown) => Buffer.from(JSON.stringify(o));
const dec = (b: Uint8Array) => JSON.parse(Buffer.from(b).toString()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

type Unary = (req: unknown, cb: (err: ServiceError | null, res: unknown) => void) => unknown;
function rpc<Res = { object: Buffer }>(client: ApiClient, method: 'get' | 'list' | 'create' | 'patch' | 'bind' | 'delete', req: unknown): Promise<Res> {
  const fn = (client as unknown as Record<string, Unary>)[method].bind(client);
  return new Promise((resolve, reject) => fn(req, (err, res) => (err ? reject(err) : resolve(res as Res))));
}

describe('apiserver gRPC API', () => {
  let c: TestCluster;
  let client: ApiClient;
  beforeAll(async () => {
    c = await startCluster({ server: { grpcPort: 0, bookmarkIntervalMs: 200 } });
    client = new ApiClient(`127.0.0.1:${c.server.grpc!.port}`, credentials.createInsecure());
  });
  afterAll(async () => {
    client?.close();
    await c?.stop();
  });

  it('creates, gets, lists, patches, binds and deletes with the same objects REST serves', async () => {
    const created = dec(
      (await rpc(client, 'create', {
        gvr: pods,
        namespace: 'default',
        object: enc({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'g1', labels: { app: 'g' } }, spec: { containers: [{ name: 'c', image: 'x' }] } }),
        dryRun: [],
        fieldManager: 'test',
        fieldValidation: '',
      })).object,
    );
    expect(created.metadata.uid).toBeTruthy();
    const viaRest = (await c.request('GET', '/api/v1/namespaces/default/pods/g1')).json();
    expect(viaRest).toEqual(created);

    const list = await rpc<{ items: Buffer[] }>(client, 'list', {
      gvr: pods,
      namespace: 'default',
      options: { labelSelector: 'app=g', fieldSelector: '', limit: 0, continue: '', resourceVersion: '', resourceVersionMatch: '', allowWatchBookmarks: false },
    });
    expect(list.items.map((i) => dec(i).metadata.name)).toEqual(['g1']);

    const patched = dec(
      (await rpc(client, 'patch', {
        gvr: pods,
        namespace: 'default',
        name: 'g1',
        subresource: '',
        patchType: 'application/merge-patch+json',
        data: enc({ metadata: { annotations: { a: 'b' } } }),
        dryRun: [],
        fieldManager: 'test',
        fieldValidation: '',
      })).object,
    );
    expect(patched.metadata.annotations).toEqual({ a: 'b' });

    await rpc(client, 'bind', {
      namespace: 'default',
      name: 'g1',
      binding: enc({ apiVersion: 'v1', kind: 'Binding', metadata: { name: 'g1' }, target: { kind: 'Node', name: 'node-1' } }),
      dryRun: [],
      fieldManager: 'scheduler',
    });
    const bound = dec((await rpc(client, 'get', { gvr: pods, namespace: 'default', name: 'g1', subresource: '', resourceVersion: '' })).object);
    expect(bound.spec.nodeName).toBe('node-1');
    expect(bound.status.conditions).toContainEqual(expect.objectContaining({ type: 'PodScheduled', status: 'True' }));
    const again = await rpc(client, 'bind', {
      namespace: 'default',
      name: 'g1',
      binding: enc({ metadata: { name: 'g1' }, target: { kind: 'Node', name: 'node-2' } }),
      dryRun: [],
      fieldManager: 'scheduler',
    }).catch((e: ServiceError) => e);
    expect(statusFromGrpc(again as ServiceError)).toMatchObject({ code: 409, reason: 'Conflict', message: 'Operation cannot be fulfilled on pods "g1": pod g1 is already assigned to node "node-1"' });

    const deleted = dec((await rpc(client, 'delete', { gvr: pods, namespace: 'default', name: 'g1', options: enc({ gracePeriodSeconds: 0 }) })).object);
    expect(deleted.metadata.name).toBe('g1');
  });

  it('refuses with the Status in trailing metadata', async () => {
    const err = await rpc(client, 'get', { gvr: pods, namespace: 'default', name: 'missing', subresource: '', resourceVersion: '' }).catch((e: ServiceError) => e);
    expect(statusFromGrpc(err as ServiceError)).toMatchObject({ code: 404, reason: 'NotFound', message: 'pods "missing" not found' });
  });

  it('streams watch events with initial events, the initial-events-end bookmark and later changes', async () => {
    await c.request('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'gw1' } });
    const stream = client.watch({
      gvr: { group: '', version: 'v1', resource: 'configmaps' },
      namespace: 'default',
      options: { labelSelector: '', fieldSelector: '', limit: 0, continue: '', resourceVersion: '', resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: true, sendInitialEvents: true },
    });
    const events: WatchEvent[] = [];
    const done = new Promise<void>((resolve) => {
      stream.on('data', (ev: WatchEvent) => {
        events.push(ev);
        if (events.some((e) => e.type === WatchEventType.DELETED)) resolve();
      });
    });
    stream.on('error', () => undefined);
    await new Promise((r) => setTimeout(r, 100));
    await c.request('DELETE', '/api/v1/namespaces/default/configmaps/gw1');
    await done;
    stream.cancel();
    const types = events.filter((e) => !(e.type === WatchEventType.BOOKMARK && !dec(e.object).metadata.annotations)).map((e) => e.type);
    expect(types).toEqual([WatchEventType.ADDED, WatchEventType.BOOKMARK, WatchEventType.DELETED]);
    const endMark = events.find((e) => e.type === WatchEventType.BOOKMARK && dec(e.object).metadata.annotations);
    expect(dec(endMark!.object).metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
  });
});
