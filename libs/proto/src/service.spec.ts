import {
  Server,
  ServerCredentials,
  credentials,
  status as GrpcStatus,
  type ServerUnaryCall,
  type ServerWritableStream,
  type ServiceError,
  type sendUnaryData,
} from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ApiClient,
  ApiService,
  ListOptions,
  Status,
  WatchEvent,
  WatchEventType,
  statusFromGrpc,
  statusToGrpc,
  type ApiServer,
  type GetRequest,
  type GetResponse,
  type WatchRequest,
} from './index';

// A real grpc-js server and client over loopback TCP, wired only with the generated service
// definition and client constructor: what the apiserver and the components will do.

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const parse = (bytes: Uint8Array) => JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
const pods = ['a', 'b', 'c'].map((name, i) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', resourceVersion: String(10 + i) } }));

const notImplemented = Status.fromPartial({ code: 405, reason: 'MethodNotAllowed', message: 'not served by this test' });
const refuse = (_call: unknown, callback: sendUnaryData<never>) => callback(statusToGrpc(notImplemented));
const baseImpl: ApiServer = {
  get: refuse,
  list: refuse,
  create: refuse,
  update: refuse,
  updateStatus: refuse,
  patch: refuse,
  delete: refuse,
  bind: refuse,
  watch: (call) => call.emit('error', statusToGrpc(notImplemented)),
};

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

async function serve(impl: Partial<ApiServer>): Promise<ApiClient> {
  const server = new Server();
  const full: ApiServer = Object.assign({}, baseImpl, impl);
  server.addService(ApiService, full);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  const client = new ApiClient(`127.0.0.1:${port}`, credentials.createInsecure());
  cleanups.push(async () => {
    client.close();
    server.forceShutdown();
  });
  return client;
}

function get(client: ApiClient, request: GetRequest): Promise<GetResponse> {
  return new Promise((resolve, reject) => client.get(request, (err, res) => (err ? reject(err) : resolve(res))));
}

/** Everything a watch stream delivers, and how it ended. */
function collect(client: ApiClient, request: WatchRequest): Promise<{ events: WatchEvent[]; error: ServiceError | undefined }> {
  return new Promise((resolve) => {
    const events: WatchEvent[] = [];
    const stream = client.watch(request);
    stream.on('data', (e: WatchEvent) => events.push(e));
    stream.on('error', (error: ServiceError) => resolve({ events, error }));
    stream.on('end', () => resolve({ events, error: undefined }));
  });
}

const podsGvr = { group: '', version: 'v1', resource: 'pods' };

describe('Api service over grpc-js', () => {
  it('answers a unary call with the object as JSON bytes', async () => {
    let seen: GetRequest | undefined;
    const client = await serve({
      get: (call: ServerUnaryCall<GetRequest, GetResponse>, callback: sendUnaryData<GetResponse>) => {
        seen = call.request;
        callback(null, { object: json(pods[0]) });
      },
    });
    const res = await get(client, { gvr: podsGvr, namespace: 'default', name: 'a', subresource: '', resourceVersion: '0' });
    expect(parse(res.object)).toEqual(pods[0]);
    expect(seen).toEqual({ gvr: podsGvr, namespace: 'default', name: 'a', subresource: '', resourceVersion: '0' });
  });

  it('streams watch events in order, then ends', async () => {
    let seen: WatchRequest | undefined;
    const client = await serve({
      watch: (call: ServerWritableStream<WatchRequest, WatchEvent>) => {
        seen = call.request;
        call.write(WatchEvent.fromPartial({ type: WatchEventType.ADDED, object: json(pods[0]), resourceVersion: '10' }));
        call.write(WatchEvent.fromPartial({ type: WatchEventType.MODIFIED, object: json(pods[1]), resourceVersion: '11' }));
        call.write(WatchEvent.fromPartial({ type: WatchEventType.DELETED, object: json(pods[2]), resourceVersion: '12' }));
        call.end();
      },
    });
    const options = { resourceVersion: '9', allowWatchBookmarks: true, timeoutSeconds: 60 };
    const { events, error } = await collect(client, { gvr: podsGvr, namespace: 'default', options: ListOptions.fromPartial(options) });

    expect(error).toBeUndefined();
    expect(events.map((e) => [e.type, e.resourceVersion, parse(e.object)])).toEqual([
      [WatchEventType.ADDED, '10', pods[0]],
      [WatchEventType.MODIFIED, '11', pods[1]],
      [WatchEventType.DELETED, '12', pods[2]],
    ]);
    expect(seen?.options).toMatchObject(options);
  });

  it('delivers a refused unary call as a gRPC error carrying the Status', async () => {
    const notFound = Status.fromPartial({
      code: 404,
      reason: 'NotFound',
      message: 'pods "zz" not found',
      details: json({ name: 'zz', kind: 'pods' }),
    });
    const client = await serve({ get: (_call, callback) => callback(statusToGrpc(notFound)) });

    const err = (await get(client, { gvr: podsGvr, namespace: 'default', name: 'zz', subresource: '', resourceVersion: '' }).then(
      () => expect.unreachable('get should fail'),
      (e: unknown) => e,
    )) as ServiceError;
    expect(err.code).toBe(GrpcStatus.NOT_FOUND);
    expect(err.details).toBe('pods "zz" not found');
    const status = statusFromGrpc(err);
    expect(status).toEqual(notFound);
    expect(parse(status!.details)).toEqual({ name: 'zz', kind: 'pods' });
  });

  it('delivers a watch refused after some events as a stream error carrying the Status', async () => {
    const forbidden = Status.fromPartial({ code: 403, reason: 'Forbidden', message: 'pods is forbidden' });
    const client = await serve({
      watch: (call) => {
        call.write(WatchEvent.fromPartial({ type: WatchEventType.ADDED, object: json(pods[0]), resourceVersion: '10' }));
        call.emit('error', statusToGrpc(forbidden));
      },
    });
    const { events, error } = await collect(client, { gvr: podsGvr, namespace: '' });
    expect(events.map((e) => e.resourceVersion)).toEqual(['10']);
    expect(error?.code).toBe(GrpcStatus.PERMISSION_DENIED);
    expect(statusFromGrpc(error!)).toEqual(forbidden);
  });

  it('answers a method the server does not serve with its Status', async () => {
    const client = await serve({});
    const err = await new Promise<ServiceError | null>((resolve) =>
      client.bind({ namespace: 'default', name: 'a', binding: json({}), dryRun: [], fieldManager: '' }, (e) => resolve(e)),
    );
    expect(err?.code).toBe(GrpcStatus.UNIMPLEMENTED);
    expect(statusFromGrpc(err!)?.reason).toBe('MethodNotAllowed');
  });

  it('tells the server when the client cancels a watch, so it can stop fanning out to it', async () => {
    let cancelled!: () => void;
    const serverSawCancel = new Promise<void>((resolve) => (cancelled = resolve));
    const client = await serve({
      watch: (call) => {
        call.on('cancelled', () => cancelled());
        call.write(WatchEvent.fromPartial({ type: WatchEventType.BOOKMARK, object: json({ metadata: { resourceVersion: '10' } }), resourceVersion: '10' }));
      },
    });
    const stream = client.watch({ gvr: podsGvr, namespace: '' });
    stream.on('error', () => undefined); // the client's own CANCELLED
    await new Promise<void>((resolve) => stream.once('data', () => resolve()));
    stream.cancel();
    await serverSawCancel;
  });
});
