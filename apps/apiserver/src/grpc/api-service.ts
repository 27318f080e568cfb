import { Server, ServerCredentials, type ServerWritableStream, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { ApiService, WatchEventType, statusToGrpc, type ApiServer as ApiServiceImpl, type GroupVersionResource, type ListOptions, type WatchEvent } from '@tskube/proto';
import { ApiError } from '../errors';
import type { Admit, Catalog, FilterFactory, ServedResource } from '../rest/handler';
import { apiVersion, checkTypeMeta, deleteOptionsFrom, notFoundResource, withTypeMeta } from '../rest/handler';
import { isObject } from '../rest/body';
import { applyPatchBody, PatchType } from '../rest/patch';
import type { ApiObject } from '../storage/codec';
import type { Logger } from '@tskube/component';
import { bindPod } from '../binding';

export interface GrpcApiOptions {
  catalog: Catalog;
  filters: FilterFactory;
  admit?: Admit;
  logger: Logger;
  /** Watches without timeoutSeconds last this to twice this many seconds. */
  minWatchTimeoutSeconds?: number;
  bookmarkIntervalMs?: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const toBytes = (obj: unknown) => Buffer.from(encoder.encode(JSON.stringify(obj)));

/**
 * The components' API: the same verbs, storage, validation and errors as REST, over gRPC with
 * JSON object bytes in typed envelopes. Refusals carry the Status in `tskube-status-bin`.
 */
export class GrpcApi {
  readonly server = new Server({ 'grpc.keepalive_time_ms': 30_000, 'grpc.keepalive_permit_without_calls': 1 });
  private boundPort = 0;
  private readonly streams = new Set<ServerWritableStream<unknown, unknown>>();

  constructor(private readonly o: GrpcApiOptions) {
    const impl: ApiServiceImpl = {
      get: this.unary(async (req) => {
        const served = this.resolve(req.gvr, req.subresource);
        const obj = await served.store.get(this.ns(served, req.namespace), req.name, { resourceVersion: req.resourceVersion || undefined });
        return { object: toBytes(withTypeMeta(obj, served)) };
      }),
      list: this.unary(async (req) => {
        const served = this.resolve(req.gvr);
        const opts = req.options;
        const result = await served.store.list(this.ns(served, req.namespace), {
          filter: this.o.filters(served, opts?.labelSelector ?? '', opts?.fieldSelector ?? ''),
          limit: opts?.limit || undefined,
          continue: opts?.continue || undefined,
          resourceVersion: opts?.resourceVersion || undefined,
          resourceVersionMatch: opts?.resourceVersionMatch || undefined,
        });
        return {
          items: result.items.map((i) => toBytes(withTypeMeta(i, served))),
          resourceVersion: result.resourceVersion,
          continue: result.continue ?? '',
          remainingItemCount: result.remainingItemCount,
        };
      }),
      create: this.unary(async (req) => {
        const served = this.resolve(req.gvr);
        const obj = parseObject(req.object);
        checkTypeMeta(obj, served);
        const ns = this.ns(served, req.namespace || (obj.metadata as { namespace?: string } | undefined)?.namespace || '');
        await this.o.admit?.('create', served, ns, obj as ApiObject, { dryRun: isDryRun(req.dryRun) });
        const created = await served.store.create(ns, obj as ApiObject, { dryRun: isDryRun(req.dryRun) });
        return { object: toBytes(withTypeMeta(created, served)) };
      }),
      update: this.unary(async (req) => {
        const served = this.resolve(req.gvr, req.subresource);
        const obj = parseObject(req.object);
        checkTypeMeta(obj, served);
        const ns = this.ns(served, req.namespace);
        await this.o.admit?.('update', served, ns, obj as ApiObject, { dryRun: isDryRun(req.dryRun), subresource: req.subresource });
        const updated = await served.store.update(ns, req.name, obj as ApiObject, { dryRun: isDryRun(req.dryRun), subresource: req.subresource });
        return { object: toBytes(withTypeMeta(updated, served)) };
      }),
      updateStatus: this.unary(async (req) => {
        const served = this.resolve(req.gvr, 'status');
        const obj = parseObject(req.object);
        checkTypeMeta(obj, served);
        const updated = await served.store.update(this.ns(served, req.namespace), req.name, obj as ApiObject, {
          dryRun: isDryRun(req.dryRun),
          subresource: 'status',
        });
        return { object: toBytes(withTypeMeta(updated, served)) };
      }),
      patch: this.unary(async (req) => {
        const served = this.resolve(req.gvr, req.subresource);
        if (req.patchType === PatchType.Apply) throw ApiError.unsupportedMediaType(req.patchType, [PatchType.Json, PatchType.Merge, PatchType.StrategicMerge]);
        const ns = this.ns(served, req.namespace);
        const updated = await served.store.guaranteedUpdate(
          ns,
          req.name,
          async (current) => {
            if (!current) throw ApiError.notFound(served.store.qualifiedResource, req.name);
            const patched = applyPatchBody(req.patchType, current as Record<string, unknown>, Buffer.from(req.data));
            const rv = (patched.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;
            if (rv && rv !== current.metadata?.resourceVersion) throw ApiError.conflict(served.store.qualifiedResource, req.name);
            await this.o.admit?.('update', served, ns, patched as ApiObject, { dryRun: isDryRun(req.dryRun), subresource: req.subresource });
            return { object: patched as ApiObject };
          },
          { dryRun: isDryRun(req.dryRun), subresource: req.subresource },
        );
        return { object: toBytes(withTypeMeta(updated, served)) };
      }),
      delete: this.unary(async (req) => {
        const served = this.resolve(req.gvr);
        const ns = this.ns(served, req.namespace);
        const opts = req.options.length ? parseObject(req.options) : {};
        await this.o.admit?.('delete', served, ns, undefined);
        const { object, deleted } = await served.store.delete(ns, req.name, deleteOptionsFrom(opts));
        if (deleted && served.resource !== 'pods') {
          const meta = object.metadata ?? {};
          return {
            object: toBytes({
              kind: 'Status',
              apiVersion: 'v1',
              metadata: {},
              status: 'Success',
              details: { name: meta.name, group: served.group, kind: served.resource, uid: meta.uid },
            }),
          };
        }
        return { object: toBytes(withTypeMeta(object, served)) };
      }),
      bind: this.unary(async (req) => {
        const pods = this.resolve({ group: '', version: 'v1', resource: 'pods' });
        const binding = parseObject(req.binding) as { metadata?: { name?: string; uid?: string }; target?: { kind?: string; name?: string } };
        await bindPod(pods, req.namespace, req.name, binding, isDryRun(req.dryRun));
        return { object: toBytes({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 }) };
      }),
      watch: (call: ServerWritableStream<{ gvr?: GroupVersionResource; namespace: string; options?: ListOptions }, WatchEvent>) => {
        void this.watch(call);
      },
    };
    this.server.addService(ApiService, impl);
  }

  async listen(port: number, host: string): Promise<number> {
    this.boundPort = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync(`${host}:${port}`, ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    return this.boundPort;
  }

  get port(): number {
    return this.boundPort;
  }

  close(): Promise<void> {
    for (const s of this.streams) s.end();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, 2000);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private resolve(gvr: GroupVersionResource | undefined, subresource = ''): ServedResource {
    if (!gvr) throw ApiError.badRequest('gvr is required');
    const served = this.o.catalog.lookup(gvr.group, gvr.version, gvr.resource);
    if (!served) throw notFoundResource();
    if (subresource && !served.subresources.includes(subresource)) throw notFoundResource();
    return served;
  }

  private ns(served: ServedResource, namespace: string): string {
    return served.namespaced ? namespace : '';
  }

  private unary<Req, Res>(fn: (req: Req) => Promise<Res>) {
    return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => {
      fn(call.request).then(
        (res) => callback(null, res),
        (err: unknown) => callback(this.toGrpcError(err)),
      );
    };
  }

  private toGrpcError(err: unknown) {
    const apiErr = err instanceof ApiError ? err : ApiError.internal(err);
    if (!(err instanceof ApiError)) this.o.logger.error('grpc call failed', { err: (err as Error)?.stack ?? String(err) });
    const s = apiErr.toStatus();
    return statusToGrpc({ code: s.code, reason: s.reason ?? '', message: s.message ?? '', details: s.details ? toBytes(s.details) : Buffer.alloc(0) });
  }

  private async watch(call: ServerWritableStream<{ gvr?: GroupVersionResource; namespace: string; options?: ListOptions }, WatchEvent>): Promise<void> {
    let served: ServedResource;
    const opts = call.request.options;
    let watch: Awaited<ReturnType<ServedResource['store']['watch']>>;
    try {
      served = this.resolve(call.request.gvr);
      const rv = opts?.resourceVersion ?? '';
      const initial = opts?.sendInitialEvents === true;
      watch = await served.store.watch(this.ns(served, call.request.namespace), {
        resourceVersion: initial ? undefined : rv || undefined,
        filter: this.o.filters(served, opts?.labelSelector ?? '', opts?.fieldSelector ?? ''),
      });
    } catch (err) {
      if (err instanceof ApiError && err.code === 410) {
        call.write({ type: WatchEventType.ERROR, object: toBytes(err.toStatus()), resourceVersion: '' });
        call.end();
        return;
      }
      call.emit('error', this.toGrpcError(err));
      return;
    }
    this.streams.add(call as ServerWritableStream<unknown, unknown>);
    const min = this.o.minWatchTimeoutSeconds ?? 1800;
    const timeoutSeconds = opts?.timeoutSeconds ?? min * (1 + Math.random());
    let closed = false;
    const stop = () => {
      if (closed) return;
      closed = true;
      watch.close();
    };
    call.on('cancelled', stop);
    call.on('close', stop);
    const timer = setTimeout(stop, timeoutSeconds * 1000);
    const bookmark = (rv: number, initialEnd = false) => {
      const metadata: Record<string, unknown> = { resourceVersion: String(rv) };
      if (initialEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
      call.write({ type: WatchEventType.BOOKMARK, object: toBytes({ kind: served.kind, apiVersion: apiVersion(served), metadata }), resourceVersion: String(rv) });
    };
    const bookmarks = opts?.allowWatchBookmarks
      ? setInterval(() => {
          if (!closed) bookmark(watch.revision);
        }, this.o.bookmarkIntervalMs ?? 60_000)
      : undefined;
    try {
      const endBookmark = opts?.sendInitialEvents === true;
      if (endBookmark && watch.initialCount === 0) bookmark(watch.startRevision, true);
      let sent = 0;
      for await (const ev of watch) {
        if (closed) break;
        const obj = withTypeMeta(ev.object, served);
        call.write({ type: WatchEventType[ev.type], object: toBytes(obj), resourceVersion: obj.metadata?.resourceVersion ?? String(ev.revision) });
        sent++;
        if (endBookmark && sent === watch.initialCount) bookmark(watch.startRevision, true);
      }
    } finally {
      clearTimeout(timer);
      if (bookmarks) clearInterval(bookmarks);
      this.streams.delete(call as ServerWritableStream<unknown, unknown>);
      stop();
      call.end();
    }
  }
}

function parseObject(bytes: Uint8Array): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(bytes));
  } catch (err) {
    throw ApiError.badRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
  }
  if (!isObject(value)) throw ApiError.badRequest('the object must be a JSON object');
  return value;
}

function isDryRun(values: string[]): boolean {
  for (const v of values) if (v !== 'All') throw ApiError.badRequest(`dryRun: Unsupported value: "${v}": supported values: "All"`);
  return values.length > 0;
}
