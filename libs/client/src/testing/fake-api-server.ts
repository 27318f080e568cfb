import { randomUUID } from 'node:crypto';
import {
  Server,
  ServerCredentials,
  status as GrpcCode,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServerWritableStream,
} from '@grpc/grpc-js';
import {
  StatusError,
  newAlreadyExists,
  newBadRequest,
  newConflict,
  newNotFound,
  newResourceExpired,
  newTimeout,
  newTooOldResourceVersion,
  newUnsupportedMediaType,
  parseFieldSelector,
  parseLabelSelector,
  type KubeObject,
} from '@tskube/api-types';
import {
  ApiService,
  WatchEventType as ProtoEventType,
  type WatchEventType as ProtoEventTypeValue,
  statusToGrpc,
  type ApiServer,
  type GroupVersionResource,
  type ListOptions,
  type Status,
  type WatchEvent,
  type WatchRequest,
} from '@tskube/proto';
import fastJsonPatch, { type Operation } from 'fast-json-patch';

/** One change the fake store made, in revision order. */
export interface FakeChange {
  revision: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  /** `<group>/<resource>`, '' group for the core group. */
  resource: string;
  namespace: string;
  name: string;
  /** The object after the change (its last state, at the deletion's revision, for DELETED). */
  object: KubeObject;
  /** The object before the change; undefined for ADDED. */
  previous: KubeObject | undefined;
}

/** The gRPC methods of the Api service, as the fake counts and fails them. */
export type FakeMethod = 'get' | 'list' | 'create' | 'update' | 'updateStatus' | 'patch' | 'delete' | 'bind' | 'watch';

export interface FakeApiServerOptions {
  /** Port to listen on (127.0.0.1); 0 (default) picks a free one. */
  port?: number;
  /** How a watch from a compacted revision learns it: an ERROR event (default) or a failed call. */
  expiredWatch?: 'event' | 'status';
}

interface Watcher {
  resource: string;
  namespace: string;
  matches: (obj: KubeObject) => boolean;
  bookmarks: boolean;
  kind: string;
  apiVersion: string;
  call: ServerWritableStream<WatchRequest, WatchEvent>;
  timer: NodeJS.Timeout | undefined;
}

interface Snapshot {
  revision: number;
  items: KubeObject[];
}

type MutableMeta = { -readonly [K in keyof KubeObject['metadata']]: KubeObject['metadata'][K] };
/** The metadata the server owns is read-only in kubernetes-types; the fake is that server. */
const meta = (obj: KubeObject): MutableMeta => obj.metadata as MutableMeta;

const resourceKey = (gvr: GroupVersionResource | undefined): string => `${gvr?.group ?? ''}/${gvr?.resource ?? ''}`;
const toBytes = (v: unknown): Buffer => Buffer.from(JSON.stringify(v), 'utf8');
const clone = <T>(v: T): T => structuredClone(v);
const rfc3339 = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function toProtoStatus(err: StatusError): Status {
  return { code: err.code, reason: err.reason, message: err.message, details: err.details ? toBytes(err.details) : Buffer.alloc(0) };
}

function fieldValue(obj: unknown, path: string): string {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return '';
    cur = (cur as Record<string, unknown>)[part];
  }
  if (cur === undefined || cur === null) return '';
  return typeof cur === 'string' ? cur : JSON.stringify(cur);
}

function selectorFilter(labelSelector: string, fieldSelector: string): (obj: KubeObject) => boolean {
  const labels = parseLabelSelector(labelSelector);
  const fields = parseFieldSelector(fieldSelector);
  const paths = fields.requirements().map((r) => r.field);
  return (obj) => {
    if (!labels.matches(obj.metadata.labels ?? {})) return false;
    const set: Record<string, string> = {};
    for (const p of paths) set[p] = fieldValue(obj, p);
    return fields.matches(set);
  };
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return clone(patch);
  const out: Record<string, unknown> =
    typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

const byKey = (a: KubeObject, b: KubeObject): number => {
  const ak = `${a.metadata.namespace ?? ''}/${a.metadata.name ?? ''}`;
  const bk = `${b.metadata.namespace ?? ''}/${b.metadata.name ?? ''}`;
  return ak < bk ? -1 : ak > bk ? 1 : 0;
};

/**
 * An in-process implementation of the apiserver's gRPC `Api` service for the client's tests: an
 * in-memory store with one revision counter and a change history, so lists have a
 * resourceVersion and watches resume from any revision not yet compacted. It has none of the
 * apiserver's defaulting, validation or admission; objects are stored as sent, plus the metadata
 * the server owns (uid, resourceVersion, creationTimestamp, generation).
 *
 * Tests steer it: `breakWatches()` drops every watch as a lost connection would, `endWatches()` ends
 * them cleanly as a server timeout does, `compact()` makes older revisions answer 410,
 * `sendBookmarks()` sends progress notifications, `failNext()` refuses the next call of a method,
 * `restart()` drops every connection and listens again on the same port.
 */
export class FakeApiServer {
  /** `127.0.0.1:<port>`, for `ApiClient({ master })`. */
  address = '';
  /** Gives the change history to tests; entries up to the compacted revision are kept here too. */
  readonly changes: FakeChange[] = [];
  /** Calls received per method, failed or not. */
  readonly calls: Record<FakeMethod, number> = { get: 0, list: 0, create: 0, update: 0, updateStatus: 0, patch: 0, delete: 0, bind: 0, watch: 0 };
  /** While true, new watch calls fail with UNAVAILABLE (no status), as an unreachable server. */
  rejectWatches = false;

  private server: Server | undefined;
  private port: number;
  private rev = 1;
  private compacted = 0;
  private readonly objects = new Map<string, KubeObject>();
  private readonly watchers = new Set<Watcher>();
  private readonly snapshots = new Map<string, Snapshot>();
  private readonly failures = new Map<FakeMethod, StatusError[]>();
  private readonly expiredWatch: 'event' | 'status';

  private constructor(options: FakeApiServerOptions) {
    this.port = options.port ?? 0;
    this.expiredWatch = options.expiredWatch ?? 'event';
  }

  /** Starts a server listening on 127.0.0.1. */
  static async start(options: FakeApiServerOptions = {}): Promise<FakeApiServer> {
    const s = new FakeApiServer(options);
    await s.listen();
    return s;
  }

  /** The latest revision: the resourceVersion of the last change (1 before any change). */
  get revision(): number {
    return this.rev;
  }

  /** Open watch streams. */
  get watchCount(): number {
    return this.watchers.size;
  }

  /** Stops listening and cuts every connection. */
  async stop(): Promise<void> {
    for (const w of [...this.watchers]) this.dropWatcher(w);
    const server = this.server;
    this.server = undefined;
    server?.forceShutdown();
  }

  /** Cuts every connection, then listens again on the same port with the same data. */
  async restart(): Promise<void> {
    await this.stop();
    await this.listen();
  }

  /** Ends every open watch with OK, as the server's watch timeout does. */
  endWatches(): void {
    for (const w of [...this.watchers]) {
      this.dropWatcher(w);
      w.call.end();
    }
  }

  /** Fails every open watch with UNAVAILABLE and no Status, as a dropped connection does. */
  breakWatches(): void {
    for (const w of [...this.watchers]) {
      this.dropWatcher(w);
      w.call.emit('error', { code: GrpcCode.UNAVAILABLE, details: 'connection dropped (fake)' });
    }
  }

  /**
   * Forgets the history up to `revision` (default: the latest): a watch or a paginated list
   * from an older revision then answers 410 Expired, as etcd's compaction makes Kubernetes do.
   */
  compact(revision = this.rev): void {
    this.compacted = Math.max(this.compacted, revision);
    for (const [token, snap] of this.snapshots) if (snap.revision < this.compacted) this.snapshots.delete(token);
  }

  /** Sends a BOOKMARK at the latest revision to every watch that asked for bookmarks. */
  sendBookmarks(): void {
    for (const w of this.watchers) if (w.bookmarks) this.write(w, ProtoEventType.BOOKMARK, this.bookmarkObject(w), this.rev);
  }

  /** Makes the next call of `method` fail with `error` (queued: several calls fail in turn). */
  failNext(method: FakeMethod, error: StatusError): void {
    const q = this.failures.get(method) ?? [];
    q.push(error);
    this.failures.set(method, q);
  }

  /** The stored object, or undefined. */
  getObject(gvr: GroupVersionResource, namespace: string, name: string): KubeObject | undefined {
    const obj = this.objects.get(this.key(resourceKey(gvr), namespace, name));
    return obj === undefined ? undefined : clone(obj);
  }

  /** Every stored object of a resource (all namespaces when `namespace` is ''), in key order. */
  listObjects(gvr: GroupVersionResource, namespace = ''): KubeObject[] {
    return this.select(resourceKey(gvr), namespace, () => true).map(clone);
  }

  /** Stores a new object, as Create does; throws StatusError AlreadyExists. */
  createObject(gvr: GroupVersionResource, namespace: string, input: KubeObject): KubeObject {
    const obj = clone(input);
    obj.metadata ??= {};
    const ns = this.checkNamespace(namespace, obj);
    if (obj.metadata.resourceVersion) throw newBadRequest('resourceVersion should not be set on objects to be created');
    if (!obj.metadata.name) {
      if (!obj.metadata.generateName) throw newBadRequest('name or generateName is required');
      obj.metadata.name = obj.metadata.generateName + randomUUID().slice(0, 5);
    }
    const res = resourceKey(gvr);
    const key = this.key(res, ns, obj.metadata.name);
    if (this.objects.has(key)) throw newAlreadyExists({ group: gvr.group, resource: gvr.resource }, obj.metadata.name);
    meta(obj).uid = randomUUID();
    meta(obj).creationTimestamp = rfc3339(Date.now());
    meta(obj).generation = 1;
    return this.commit('ADDED', res, key, obj, undefined);
  }

  /**
   * Replaces an object, as Update does: a resourceVersion in `input` must be the stored one
   * (Conflict otherwise). `subresource` 'status' keeps everything but `.status`.
   */
  updateObject(gvr: GroupVersionResource, namespace: string, input: KubeObject, subresource = ''): KubeObject {
    const res = resourceKey(gvr);
    const name = input.metadata?.name ?? '';
    const key = this.key(res, namespace, name);
    const prev = this.objects.get(key);
    const gr = { group: gvr.group, resource: gvr.resource };
    if (prev === undefined) throw newNotFound(gr, name);
    if (input.metadata.resourceVersion && input.metadata.resourceVersion !== prev.metadata.resourceVersion) throw newConflict(gr, name);
    let next: KubeObject;
    if (subresource === 'status') {
      next = clone(prev);
      next['status'] = clone(input['status']);
    } else {
      next = clone(input);
      next.metadata = { ...next.metadata, uid: prev.metadata.uid, creationTimestamp: prev.metadata.creationTimestamp, namespace: prev.metadata.namespace };
      if (next.metadata.namespace === undefined) delete next.metadata.namespace;
      const specChanged = JSON.stringify(next['spec']) !== JSON.stringify(prev['spec']);
      meta(next).generation = (prev.metadata.generation ?? 1) + (specChanged ? 1 : 0);
    }
    return this.commit('MODIFIED', res, key, next, prev);
  }

  /** Deletes an object at once, as Delete does without finalizers; returns its last state. */
  deleteObject(gvr: GroupVersionResource, namespace: string, name: string, preconditions: { uid?: string; resourceVersion?: string } = {}): KubeObject {
    const res = resourceKey(gvr);
    const key = this.key(res, namespace, name);
    const prev = this.objects.get(key);
    const gr = { group: gvr.group, resource: gvr.resource };
    if (prev === undefined) throw newNotFound(gr, name);
    if (preconditions.uid && preconditions.uid !== prev.metadata.uid) throw newConflict(gr, name, `Precondition failed: UID in precondition: ${preconditions.uid}, UID in object meta: ${prev.metadata.uid ?? ''}`);
    if (preconditions.resourceVersion && preconditions.resourceVersion !== prev.metadata.resourceVersion) throw newConflict(gr, name);
    return this.commit('DELETED', res, key, clone(prev), prev);
  }

  private async listen(): Promise<void> {
    const server = new Server();
    server.addService(ApiService, this.implementation());
    this.port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`127.0.0.1:${this.port}`, ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port)));
    });
    this.server = server;
    this.address = `127.0.0.1:${this.port}`;
  }

  private key(resource: string, namespace: string, name: string): string {
    return `${resource}|${namespace}|${name}`;
  }

  private checkNamespace(namespace: string, obj: KubeObject): string {
    if (obj.metadata.namespace && namespace && obj.metadata.namespace !== namespace) {
      throw newBadRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    const ns = namespace || obj.metadata.namespace || '';
    if (ns) obj.metadata.namespace = ns;
    return ns;
  }

  private select(resource: string, namespace: string, matches: (o: KubeObject) => boolean): KubeObject[] {
    const prefix = `${resource}|${namespace ? `${namespace}|` : ''}`;
    const out: KubeObject[] = [];
    for (const [key, obj] of this.objects) if (key.startsWith(prefix) && matches(obj)) out.push(obj);
    return out.sort(byKey);
  }

  private commit(type: FakeChange['type'], resource: string, key: string, obj: KubeObject, prev: KubeObject | undefined): KubeObject {
    this.rev += 1;
    meta(obj).resourceVersion = String(this.rev);
    if (type === 'DELETED') this.objects.delete(key);
    else this.objects.set(key, obj);
    const change: FakeChange = {
      revision: this.rev,
      type,
      resource,
      namespace: obj.metadata.namespace ?? '',
      name: obj.metadata.name ?? '',
      object: clone(obj),
      previous: prev === undefined ? undefined : clone(prev),
    };
    this.changes.push(change);
    for (const w of this.watchers) this.deliver(w, change);
    return clone(obj);
  }

  /** Sends one change to one watcher, turning selector transitions into ADDED/DELETED. */
  private deliver(w: Watcher, c: FakeChange): void {
    if (c.resource !== w.resource || (w.namespace && c.namespace !== w.namespace)) return;
    const now = w.matches(c.object);
    const before = c.previous !== undefined && w.matches(c.previous);
    let type: ProtoEventTypeValue | undefined;
    let obj = c.object;
    if (c.type === 'ADDED') type = now ? ProtoEventType.ADDED : undefined;
    else if (c.type === 'DELETED') type = before ? ProtoEventType.DELETED : undefined;
    else if (now && before) type = ProtoEventType.MODIFIED;
    else if (now) type = ProtoEventType.ADDED;
    else if (before) {
      type = ProtoEventType.DELETED;
      obj = { ...c.previous!, metadata: { ...c.previous!.metadata, resourceVersion: String(c.revision) } };
    }
    if (type !== undefined) this.write(w, type, obj, c.revision);
  }

  private write(w: Watcher, type: ProtoEventTypeValue, obj: unknown, revision: number): void {
    w.call.write({ type, object: toBytes(obj), resourceVersion: type === ProtoEventType.ERROR ? '' : String(revision) });
  }

  private bookmarkObject(w: Watcher, annotations?: Record<string, string>): unknown {
    return { apiVersion: w.apiVersion, kind: w.kind, metadata: { resourceVersion: String(this.rev), ...(annotations ? { annotations } : {}) } };
  }

  private dropWatcher(w: Watcher): void {
    this.watchers.delete(w);
    if (w.timer) clearTimeout(w.timer);
  }

  private takeFailure(method: FakeMethod): StatusError | undefined {
    this.calls[method] += 1;
    const q = this.failures.get(method);
    const err = q?.shift();
    if (q && q.length === 0) this.failures.delete(method);
    return err;
  }

  private unary<Req, Res>(method: FakeMethod, fn: (req: Req) => Res) {
    return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => {
      const injected = this.takeFailure(method);
      if (injected) {
        callback(statusToGrpc(toProtoStatus(injected)));
        return;
      }
      try {
        callback(null, fn(call.request));
      } catch (err) {
        if (err instanceof StatusError) callback(statusToGrpc(toProtoStatus(err)));
        else callback({ code: GrpcCode.INTERNAL, details: String(err) });
      }
    };
  }

  private parse(bytes: Uint8Array): KubeObject {
    try {
      const obj = JSON.parse(Buffer.from(bytes).toString('utf8')) as KubeObject;
      if (typeof obj !== 'object' || obj === null) throw new Error('not an object');
      obj.metadata ??= {};
      return obj;
    } catch (err) {
      throw newBadRequest(`invalid object JSON: ${String(err)}`);
    }
  }

  private list(gvr: GroupVersionResource | undefined, namespace: string, o: ListOptions | undefined) {
    const res = resourceKey(gvr);
    const limit = o?.limit ?? 0;
    let snap: Snapshot;
    let offset = 0;
    if (o?.continue) {
      const [token, start] = o.continue.split(':');
      const found = this.snapshots.get(token ?? '');
      if (found === undefined) throw newResourceExpired('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
      snap = found;
      offset = Number(start);
    } else {
      const rv = o?.resourceVersion ?? '';
      if (rv !== '' && rv !== '0') {
        const n = Number(rv);
        if (!Number.isInteger(n) || n < 0) throw newBadRequest(`invalid resourceVersion ${rv}`);
        if (n > this.rev) throw newTimeout(`Too large resource version: ${n}, current: ${this.rev}`, 1);
        if (o?.resourceVersionMatch === 'Exact' && n !== this.rev) throw newBadRequest('the fake server lists only the latest revision exactly');
      }
      snap = { revision: this.rev, items: this.select(res, namespace, selectorFilter(o?.labelSelector ?? '', o?.fieldSelector ?? '')).map(clone) };
    }
    const end = limit > 0 ? Math.min(snap.items.length, offset + limit) : snap.items.length;
    let cont = '';
    if (end < snap.items.length) {
      const token = o?.continue?.split(':')[0] || randomUUID();
      this.snapshots.set(token, snap);
      cont = `${token}:${end}`;
    }
    return {
      items: snap.items.slice(offset, end).map(toBytes),
      resourceVersion: String(snap.revision),
      continue: cont,
      ...(cont ? { remainingItemCount: snap.items.length - end } : {}),
    };
  }

  private watch(call: ServerWritableStream<WatchRequest, WatchEvent>): void {
    const injected = this.takeFailure('watch');
    if (injected) {
      call.emit('error', statusToGrpc(toProtoStatus(injected)));
      return;
    }
    if (this.rejectWatches) {
      call.emit('error', { code: GrpcCode.UNAVAILABLE, details: 'server unreachable (fake)' });
      return;
    }
    const req = call.request;
    const o = req.options;
    const res = resourceKey(req.gvr);
    let matches: (obj: KubeObject) => boolean;
    try {
      matches = selectorFilter(o?.labelSelector ?? '', o?.fieldSelector ?? '');
    } catch (err) {
      call.emit('error', statusToGrpc(toProtoStatus(err instanceof StatusError ? err : newBadRequest(String(err)))));
      return;
    }
    const sample = this.changes.find((c) => c.resource === res)?.object;
    const w: Watcher = {
      resource: res,
      namespace: req.namespace,
      matches,
      bookmarks: o?.allowWatchBookmarks ?? false,
      kind: sample?.kind ?? '',
      apiVersion: sample?.apiVersion ?? '',
      call,
      timer: undefined,
    };
    const rv = o?.resourceVersion ?? '';
    if (rv === '' || rv === '0' || o?.sendInitialEvents) {
      for (const obj of this.select(res, req.namespace, matches)) this.write(w, ProtoEventType.ADDED, obj, Number(obj.metadata.resourceVersion));
      if (o?.sendInitialEvents) this.write(w, ProtoEventType.BOOKMARK, this.bookmarkObject(w, { 'k8s.io/initial-events-end': 'true' }), this.rev);
    } else {
      const from = Number(rv);
      if (!Number.isInteger(from) || from < 0) {
        call.emit('error', statusToGrpc(toProtoStatus(newBadRequest(`invalid resourceVersion ${rv}`))));
        return;
      }
      if (from < this.compacted) {
        const gone = newTooOldResourceVersion(from, this.compacted + 1);
        if (this.expiredWatch === 'status') {
          call.emit('error', statusToGrpc(toProtoStatus(gone)));
        } else {
          this.write(w, ProtoEventType.ERROR, gone.toStatus(), 0);
          call.end();
        }
        return;
      }
      for (const c of this.changes) if (c.revision > from) this.deliver(w, c);
    }
    this.watchers.add(w);
    call.on('cancelled', () => this.dropWatcher(w));
    call.on('close', () => this.dropWatcher(w));
    if (o?.timeoutSeconds !== undefined && o.timeoutSeconds > 0) {
      w.timer = setTimeout(() => {
        this.dropWatcher(w);
        call.end();
      }, o.timeoutSeconds * 1000);
    }
  }

  private implementation(): ApiServer {
    return {
      get: this.unary('get', (req) => {
        const obj = this.getObject(req.gvr!, req.namespace, req.name);
        if (obj === undefined) throw newNotFound({ group: req.gvr?.group ?? '', resource: req.gvr?.resource ?? '' }, req.name);
        return { object: toBytes(obj) };
      }),
      list: this.unary('list', (req) => this.list(req.gvr, req.namespace, req.options)),
      create: this.unary('create', (req) => ({ object: toBytes(this.createObject(req.gvr!, req.namespace, this.parse(req.object))) })),
      update: this.unary('update', (req) => {
        const obj = this.parse(req.object);
        if (obj.metadata.name !== req.name) throw newBadRequest('the name of the object does not match the name on the URL');
        return { object: toBytes(this.updateObject(req.gvr!, req.namespace, obj, req.subresource)) };
      }),
      updateStatus: this.unary('updateStatus', (req) => ({
        object: toBytes(this.updateObject(req.gvr!, req.namespace, this.parse(req.object), 'status')),
      })),
      patch: this.unary('patch', (req) => {
        const gvr = req.gvr!;
        const current = this.getObject(gvr, req.namespace, req.name);
        if (current === undefined) throw newNotFound({ group: gvr.group, resource: gvr.resource }, req.name);
        const text = Buffer.from(req.data).toString('utf8');
        let next: KubeObject;
        try {
          if (req.patchType === 'application/json-patch+json') {
            next = fastJsonPatch.applyPatch(current, JSON.parse(text) as Operation[], true, false).newDocument;
          } else if (req.patchType === 'application/merge-patch+json' || req.patchType === 'application/strategic-merge-patch+json') {
            // Strategic merge equals a merge patch for the maps and scalars these tests patch.
            next = mergePatch(current, JSON.parse(text)) as KubeObject;
          } else {
            throw newUnsupportedMediaType(['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json']);
          }
        } catch (err) {
          if (err instanceof StatusError) throw err;
          throw newBadRequest(`invalid patch: ${String(err)}`);
        }
        if (JSON.stringify(next) === JSON.stringify(current)) return { object: toBytes(current) };
        next.metadata = { ...next.metadata, resourceVersion: current.metadata.resourceVersion };
        return { object: toBytes(this.updateObject(gvr, req.namespace, next, req.subresource)) };
      }),
      delete: this.unary('delete', (req) => {
        const opts = req.options.length ? (JSON.parse(Buffer.from(req.options).toString('utf8')) as { preconditions?: { uid?: string; resourceVersion?: string } }) : {};
        return { object: toBytes(this.deleteObject(req.gvr!, req.namespace, req.name, opts.preconditions)) };
      }),
      bind: this.unary('bind', (req) => {
        const pods = { group: '', version: 'v1', resource: 'pods' };
        const binding = this.parse(req.binding);
        const pod = this.getObject(pods, req.namespace, req.name);
        if (pod === undefined) throw newNotFound({ group: '', resource: 'pods' }, req.name);
        if (binding.metadata.uid && binding.metadata.uid !== pod.metadata.uid) throw newConflict({ group: '', resource: 'pods' }, req.name, 'uid mismatch');
        const spec = (pod['spec'] ?? {}) as Record<string, unknown>;
        if (spec['nodeName']) throw newConflict({ group: '', resource: 'pods' }, req.name, `pod ${req.name} is already assigned to node "${String(spec['nodeName'])}"`);
        const target = (binding['target'] ?? {}) as { name?: string };
        pod['spec'] = { ...spec, nodeName: target.name ?? '' };
        this.updateObject(pods, req.namespace, pod);
        return { object: toBytes({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 }) };
      }),
      watch: (call) => this.watch(call),
    };
  }
}
