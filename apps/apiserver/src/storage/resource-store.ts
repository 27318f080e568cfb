import { randomUUID } from 'node:crypto';
import { StorageError, StorageErrorCode, type KeyValue, type Store } from '@tskube/store';
import { ApiError } from '../errors';
import { clone, decodeObject, encodeObject, generateName, jsonEqual, timestamp, type ApiObject } from './codec';
import { TooOldResourceVersionError, WatchCache, type CacheEvent, type CacheWatcher } from './watch-cache';

/** The served resource this store keeps. */
export interface ResourceInfo {
  group: string;
  version: string;
  kind: string;
  /** Plural resource name, e.g. "pods". */
  resource: string;
  namespaced: boolean;
  /** Key prefix in the store, ending in '/': `/registry/pods/`. */
  keyPrefix: string;
}

/**
 * Per-kind behaviour the generic store calls at fixed points, as Kubernetes' REST strategies do.
 * Every hook may throw an ApiError (e.g. 422 Invalid) to refuse the write; nothing is stored then.
 */
export interface Strategy {
  /** metadata.generation starts at 1 and is bumped when anything but metadata and status changes. */
  tracksGeneration?: boolean;
  /** The kind has a status subresource: the main resource keeps status, /status changes only it. */
  statusSubresource?: boolean;
  /** Fills defaults and resets what clients may not set on create. */
  prepareForCreate?(obj: ApiObject): void | Promise<void>;
  prepareForUpdate?(obj: ApiObject, old: ApiObject): void | Promise<void>;
  validate?(obj: ApiObject): void | Promise<void>;
  validateUpdate?(obj: ApiObject, old: ApiObject): void | Promise<void>;
  /**
   * Grace period for a delete: undefined = delete at once. Pods answer their
   * terminationGracePeriodSeconds when bound to a node and 0 otherwise.
   */
  gracePeriod?(obj: ApiObject, requested: number | undefined): number | undefined;
  /** Deletion waits while this holds, besides metadata.finalizers (namespaces' spec.finalizers). */
  blocksDeletion?(obj: ApiObject): boolean;
  /** Changes made when deletion starts but must wait (a namespace turns Terminating). */
  prepareForDelete?(obj: ApiObject): void;
}

export interface WriteOptions {
  dryRun?: boolean;
}

export interface UpdateOptions extends WriteOptions {
  /** "" for the main resource, "status" for the status subresource. */
  subresource?: string;
  /** Create the object when absent (PUT on a missing name, server-side apply). */
  allowCreate?: boolean;
}

export interface DeleteOptions extends WriteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface ListOptions {
  /** Only objects for which this holds (label and field selectors). */
  filter?: (obj: ApiObject) => boolean;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

export interface ListResult {
  items: ApiObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface WatchOptions {
  /** Resume after this revision; undefined or "0"/"" start with ADDED events for what exists. */
  resourceVersion?: string;
  filter?: (obj: ApiObject) => boolean;
  /** The object's name (a watch of one object, from `fieldSelector=metadata.name=x`). */
  name?: string;
}

/** A client's watch: events as Kubernetes sends them, after selector filtering. */
export interface ObjectWatch extends AsyncIterable<{ type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: ApiObject; revision: number }> {
  /** Revision the watch starts from, for bookmarks sent before the first event. */
  readonly startRevision: number;
  /** Revision of the last event delivered, or the start revision. */
  readonly revision: number;
  /** Whether the watch ended because the client fell behind. */
  readonly overflowed: boolean;
  /** How many synthetic ADDED events for the existing state come first. */
  readonly initialCount: number;
  close(): void;
}

/**
 * One resource's storage: keys, metadata that only the server sets (uid, creationTimestamp,
 * resourceVersion, generation, deletionTimestamp), compare-and-swap updates, graceful deletion and
 * finalizers, lists with continue tokens, and watches through the resource's watch cache.
 */
export class ResourceStore {
  readonly cache: WatchCache<ApiObject>;

  constructor(
    readonly store: Store,
    readonly info: ResourceInfo,
    readonly strategy: Strategy = {},
    options: { historySize?: number; onError?: (err: unknown) => void } = {},
  ) {
    this.cache = new WatchCache<ApiObject>({
      store,
      prefix: info.keyPrefix,
      decode: decodeObject,
      historySize: options.historySize,
      onError: options.onError,
    });
  }

  get qualifiedResource(): { group: string; resource: string } {
    return { group: this.info.group, resource: this.info.resource };
  }

  start(): Promise<void> {
    this.cache.start();
    return this.cache.ready;
  }

  close(): void {
    this.cache.close();
  }

  key(namespace: string, name: string): string {
    return this.info.namespaced ? `${this.info.keyPrefix}${namespace}/${name}` : `${this.info.keyPrefix}${name}`;
  }

  /** Key prefix of one namespace's objects (or of all of them when namespace is empty). */
  prefix(namespace: string): string {
    return this.info.namespaced && namespace ? `${this.info.keyPrefix}${namespace}/` : this.info.keyPrefix;
  }

  async get(namespace: string, name: string, options: { resourceVersion?: string } = {}): Promise<ApiObject> {
    const key = this.key(namespace, name);
    if (options.resourceVersion === '0') {
      await this.cache.ready;
      const hit = this.cache.get(key);
      if (!hit) throw ApiError.notFound(this.qualifiedResource, name);
      return clone(hit.object);
    }
    const kv = await this.storeCall(() => this.store.get(key, this.revisionOption(options.resourceVersion)));
    if (!kv) throw ApiError.notFound(this.qualifiedResource, name);
    return decodeObject(kv);
  }

  async list(namespace: string, options: ListOptions = {}): Promise<ListResult> {
    const prefix = this.prefix(namespace);
    const filter = options.filter ?? (() => true);
    const limit = options.limit && options.limit > 0 ? options.limit : 0;
    const rv = options.resourceVersion ?? '';
    const match = options.resourceVersionMatch ?? '';
    if (match && match !== 'Exact' && match !== 'NotOlderThan') {
      throw ApiError.badRequest(`resourceVersionMatch: Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`);
    }
    if (match && !rv) {
      throw ApiError.invalidList(`resourceVersionMatch is forbidden unless resourceVersion is provided`);
    }
    if (options.continue) {
      if (rv && rv !== '0') throw ApiError.badRequest('specifying resource version is not allowed when using continue');
      const token = decodeContinue(options.continue);
      return this.listFromStore(prefix, filter, limit, token.rv, token.start);
    }
    // rv=0 (and "not older than" a revision the cache has reached) may be served from the cache;
    // everything else is a consistent read from the store.
    const cacheOk = (rv === '0' && match !== 'Exact') || (rv !== '' && match === 'NotOlderThan' && Number(rv) <= this.cache.revision);
    if (cacheOk || (rv !== '' && !match && !limit && Number(rv) <= this.cache.revision)) {
      await this.cache.ready;
      const { items, revision } = this.cache.list(prefix);
      const selected: ApiObject[] = [];
      for (const entry of items) if (filter(entry.object)) selected.push(entry.object);
      if (limit && selected.length > limit && rv !== '0') {
        // A page from the cache continues from the store at the cache's revision.
        const page = selected.slice(0, limit);
        const last = page[page.length - 1];
        const lastKey = this.key(last.metadata?.namespace ?? '', last.metadata?.name ?? '');
        return { items: page.map(clone), resourceVersion: String(revision), continue: encodeContinue(revision, lastKey + '\u0000') };
      }
      return { items: selected.map(clone), resourceVersion: String(revision) };
    }
    const atRevision = rv && rv !== '0' ? this.parseRevision(rv) : undefined;
    return this.listFromStore(prefix, filter, limit, atRevision, undefined);
  }

  private async listFromStore(
    prefix: string,
    filter: (obj: ApiObject) => boolean,
    limit: number,
    revision: number | undefined,
    fromKey: string | undefined,
  ): Promise<ListResult> {
    const items: ApiObject[] = [];
    let rev = revision;
    let from = fromKey;
    // With a selector a page may match little: keep reading pages until `limit` items are found.
    const pageSize = limit ? Math.max(limit, 100) : 0;
    for (;;) {
      const page = await this.storeCall(() => this.store.list(prefix, { limit: pageSize, fromKey: from, revision: rev }), true);
      rev = page.revision;
      for (let i = 0; i < page.items.length; i++) {
        const obj = decodeObject(page.items[i]);
        if (!filter(obj)) continue;
        items.push(obj);
        if (limit && items.length === limit) {
          const more = i < page.items.length - 1 || page.more;
          if (!more) return { items, resourceVersion: String(rev) };
          return { items, resourceVersion: String(rev), continue: encodeContinue(rev, page.items[i].key + '\u0000') };
        }
      }
      if (!page.more) return { items, resourceVersion: String(rev) };
      from = page.items[page.items.length - 1].key + '\u0000';
    }
  }

  async create(namespace: string, input: ApiObject, options: WriteOptions = {}): Promise<ApiObject> {
    const obj = clone(input);
    const meta = (obj.metadata ??= {});
    if (this.info.namespaced) {
      if (meta.namespace && namespace && meta.namespace !== namespace) {
        throw ApiError.badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      meta.namespace = namespace || meta.namespace;
    } else {
      delete meta.namespace;
    }
    if (meta.resourceVersion) throw ApiError.badRequest('resourceVersion should not be set on objects to be created');
    if (!meta.name && meta.generateName) meta.name = generateName(meta.generateName);
    meta.uid = randomUUID();
    meta.creationTimestamp = timestamp();
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    if (this.strategy.tracksGeneration) meta.generation = 1;
    else delete meta.generation;
    await this.strategy.prepareForCreate?.(obj);
    await this.strategy.validate?.(obj);
    if (!meta.name) throw ApiError.invalid(this.info, '', [{ type: 'Required', field: 'metadata.name', detail: 'name or generateName is required' }]);
    const key = this.key(meta.namespace ?? '', meta.name);
    if (options.dryRun) {
      if (await this.store.get(key)) throw ApiError.alreadyExists(this.qualifiedResource, meta.name);
      return obj;
    }
    try {
      const kv = await this.store.create(key, encodeObject(obj));
      return this.withRevision(obj, kv);
    } catch (err) {
      if (err instanceof StorageError && err.code === StorageErrorCode.AlreadyExists) throw ApiError.alreadyExists(this.qualifiedResource, meta.name);
      throw this.mapStorageError(err, meta.name);
    }
  }

  /**
   * PUT: replaces the object. A resourceVersion in the body makes it a compare-and-swap (409 on
   * mismatch); without one the latest state is replaced, as Kubernetes allows for most kinds.
   */
  async update(namespace: string, name: string, input: ApiObject, options: UpdateOptions = {}): Promise<ApiObject> {
    const bodyName = input.metadata?.name;
    if (bodyName && bodyName !== name) {
      throw ApiError.badRequest(`the name of the object (${bodyName}) does not match the name on the URL (${name})`);
    }
    const bodyNs = input.metadata?.namespace;
    if (this.info.namespaced && bodyNs && bodyNs !== namespace) {
      throw ApiError.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    const expected = input.metadata?.resourceVersion;
    return this.guaranteedUpdate(namespace, name, (current) => {
      if (!current) {
        if (!options.allowCreate) throw ApiError.notFound(this.qualifiedResource, name);
        if (expected) throw ApiError.notFound(this.qualifiedResource, name);
        return { create: true, object: input };
      }
      if (expected && expected !== current.metadata?.resourceVersion) throw ApiError.conflict(this.qualifiedResource, name);
      return { object: input };
    }, options);
  }

  /**
   * Read-modify-write with retry on conflict: `mutate` gets the current object (a copy) and
   * returns the desired one. Used by PATCH and by PUT. No-op writes are not stored.
   */
  async guaranteedUpdate(
    namespace: string,
    name: string,
    mutate: (current: ApiObject | undefined) => { object: ApiObject; create?: boolean } | Promise<{ object: ApiObject; create?: boolean }>,
    options: UpdateOptions = {},
  ): Promise<ApiObject> {
    const key = this.key(namespace, name);
    for (let attempt = 0; ; attempt++) {
      const kv = await this.storeCall(() => this.store.get(key));
      const current = kv ? decodeObject(kv) : undefined;
      const result = await mutate(current ? clone(current) : undefined);
      if (result.create || !current || !kv) {
        if (!result.create) throw ApiError.notFound(this.qualifiedResource, name);
        const obj = clone(result.object);
        delete obj.metadata?.resourceVersion;
        try {
          return await this.create(namespace, obj, options);
        } catch (err) {
          if (err instanceof ApiError && err.reason === 'AlreadyExists' && attempt < 10) continue;
          throw err;
        }
      }
      const next = await this.prepareUpdate(clone(result.object), current, options.subresource ?? '');
      if (jsonEqual(withoutRv(next), withoutRv(current))) return current;
      if (options.dryRun) return next;
      const nm = next.metadata ?? {};
      const finalize =
        Boolean(nm.deletionTimestamp) &&
        !nm.finalizers?.length &&
        !this.strategy.blocksDeletion?.(next) &&
        (!this.strategy.gracePeriod || nm.deletionGracePeriodSeconds === 0);
      try {
        if (finalize) {
          // The last finalizer is gone from an object being deleted: the delete completes now.
          const deleted = await this.store.delete(key, kv.modRevision);
          return this.withRevision(next, deleted);
        }
        const written = await this.store.update(key, encodeObject(next), kv.modRevision);
        return this.withRevision(next, written);
      } catch (err) {
        if (err instanceof StorageError && (err.code === StorageErrorCode.Conflict || err.code === StorageErrorCode.NotFound)) {
          // Someone wrote in between: a precondition from the client's body still holds or fails
          // on the next read; otherwise just try again.
          if (attempt < 100) continue;
          throw ApiError.conflict(this.qualifiedResource, name);
        }
        throw this.mapStorageError(err, name);
      }
    }
  }

  private async prepareUpdate(next: ApiObject, current: ApiObject, subresource: string): Promise<ApiObject> {
    const meta = (next.metadata ??= {});
    const old = current.metadata ?? {};
    // Fields only the server sets are carried over whatever the client sent.
    meta.name = old.name;
    if (this.info.namespaced) meta.namespace = old.namespace;
    meta.uid = old.uid;
    meta.creationTimestamp = old.creationTimestamp;
    meta.deletionTimestamp = old.deletionTimestamp;
    meta.deletionGracePeriodSeconds = old.deletionGracePeriodSeconds;
    if (meta.deletionTimestamp === undefined) delete meta.deletionTimestamp;
    if (meta.deletionGracePeriodSeconds === undefined) delete meta.deletionGracePeriodSeconds;
    next.apiVersion = current.apiVersion;
    next.kind = current.kind;

    if (subresource === 'finalize') {
      // Namespaces: /finalize changes spec.finalizers and nothing else.
      const merged = clone(current);
      merged.spec = { ...((current.spec as object) ?? {}), finalizers: (next.spec as { finalizers?: string[] } | undefined)?.finalizers ?? [] };
      delete merged.metadata?.resourceVersion;
      return merged;
    }
    if (subresource === 'binding') {
      // pods/binding sets spec.nodeName and the PodScheduled condition together.
      return next;
    }
    if (subresource === 'status') {
      // The status subresource changes status only (and nothing of metadata but labels,
      // annotations, finalizers and owners are kept from the current object).
      const merged = clone(current);
      merged.status = next.status;
      // Status writers may also set annotations (the deployment controller's revision), as
      // Kubernetes' status strategies keep them; spec, labels and the rest stay as stored.
      if (next.metadata && 'annotations' in next.metadata) {
        merged.metadata = { ...(merged.metadata ?? {}), annotations: next.metadata.annotations };
        if (!merged.metadata.annotations) delete merged.metadata.annotations;
      }
      delete merged.metadata?.resourceVersion;
      return merged;
    }
    if (this.strategy.statusSubresource && 'status' in current) next.status = current.status;
    else if (this.strategy.statusSubresource) delete next.status;
    // Validation of an update expects the resourceVersion the write is based on.
    meta.resourceVersion = old.resourceVersion;
    if (this.strategy.tracksGeneration) {
      meta.generation = old.generation ?? 1;
      if (!jsonEqual(specOf(next), specOf(current))) meta.generation += 1;
    }
    await this.strategy.prepareForUpdate?.(next, current);
    await this.strategy.validateUpdate?.(next, current);
    return next;
  }

  /**
   * DELETE: at once, or — when the object has finalizers or a grace period — by setting
   * deletionTimestamp; `deleted` tells which. Propagation Orphan and Foreground add the
   * matching finalizer for the garbage collector.
   */
  async delete(namespace: string, name: string, options: DeleteOptions = {}): Promise<{ object: ApiObject; deleted: boolean }> {
    const key = this.key(namespace, name);
    for (let attempt = 0; ; attempt++) {
      const kv = await this.storeCall(() => this.store.get(key));
      if (!kv) throw ApiError.notFound(this.qualifiedResource, name);
      const current = decodeObject(kv);
      const meta = current.metadata ?? {};
      const pre = options.preconditions;
      if (pre?.uid && pre.uid !== meta.uid) {
        throw ApiError.conflictWith(
          this.qualifiedResource,
          name,
          `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${meta.uid ?? ''}`,
        );
      }
      if (pre?.resourceVersion && pre.resourceVersion !== meta.resourceVersion) {
        throw ApiError.conflictWith(
          this.qualifiedResource,
          name,
          `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${meta.resourceVersion ?? ''}`,
        );
      }
      const next = clone(current);
      const nmeta = (next.metadata ??= {});
      const finalizers = new Set(nmeta.finalizers ?? []);
      if (options.propagationPolicy === 'Orphan') {
        finalizers.add('orphan');
        finalizers.delete('foregroundDeletion');
      } else if (options.propagationPolicy === 'Foreground') {
        finalizers.add('foregroundDeletion');
        finalizers.delete('orphan');
      }
      const grace = this.strategy.gracePeriod?.(current, options.gracePeriodSeconds);
      const graceful = grace !== undefined && grace > 0;
      const mustWait = finalizers.size > 0 || graceful || Boolean(this.strategy.blocksDeletion?.(current));
      if (!mustWait) {
        if (options.dryRun) return { object: current, deleted: true };
        try {
          const deleted = await this.store.delete(key, kv.modRevision);
          return { object: this.withRevision(current, deleted), deleted: true };
        } catch (err) {
          if (err instanceof StorageError && err.code === StorageErrorCode.Conflict && attempt < 100) continue;
          if (err instanceof StorageError && err.code === StorageErrorCode.NotFound) throw ApiError.notFound(this.qualifiedResource, name);
          throw this.mapStorageError(err, name);
        }
      }
      this.strategy.prepareForDelete?.(next);
      nmeta.finalizers = [...finalizers];
      if (!nmeta.finalizers.length) delete nmeta.finalizers;
      if (!nmeta.deletionTimestamp) {
        nmeta.deletionTimestamp = timestamp(new Date(Date.now() + (graceful ? grace * 1000 : 0)));
        nmeta.deletionGracePeriodSeconds = graceful ? grace : 0;
      } else if (graceful && (nmeta.deletionGracePeriodSeconds ?? Infinity) > grace) {
        // A second delete may shorten the grace period, never lengthen it.
        nmeta.deletionTimestamp = timestamp(new Date(Date.now() + grace * 1000));
        nmeta.deletionGracePeriodSeconds = grace;
      }
      if (jsonEqual(withoutRv(next), withoutRv(current))) return { object: current, deleted: false };
      if (options.dryRun) return { object: next, deleted: false };
      try {
        const written = await this.store.update(key, encodeObject(next), kv.modRevision);
        return { object: this.withRevision(next, written), deleted: false };
      } catch (err) {
        if (err instanceof StorageError && (err.code === StorageErrorCode.Conflict || err.code === StorageErrorCode.NotFound) && attempt < 100) continue;
        throw this.mapStorageError(err, name);
      }
    }
  }

  /**
   * A watch through the cache. Without a resourceVersion (or with "0") it begins with an ADDED
   * event per existing object. Objects that stop matching the filter are sent as DELETED and
   * objects that start matching as ADDED, as Kubernetes does.
   */
  async watch(namespace: string, options: WatchOptions = {}): Promise<ObjectWatch> {
    await this.cache.ready;
    const rv = options.resourceVersion;
    const from = rv === undefined || rv === '' || rv === '0' ? undefined : this.parseRevision(rv);
    const prefix = options.name ? this.key(namespace, options.name) : this.prefix(namespace);
    const exact = Boolean(options.name);
    const filter = options.filter ?? (() => true);
    const matchesKey = (key: string) => (exact ? key === prefix : key.startsWith(prefix));
    // Exactly the events FilteredWatch.translate turns into something for the client.
    const accept = (ev: CacheEvent<ApiObject>) =>
      matchesKey(ev.key) && ((ev.type !== 'DELETED' && filter(ev.object)) || (ev.previous !== undefined && filter(ev.previous)));
    let started: ReturnType<WatchCache<ApiObject>['watch']>;
    try {
      started = this.cache.watch(from, accept);
    } catch (err) {
      if (err instanceof TooOldResourceVersionError) throw ApiError.expired(err.message);
      throw err;
    }
    const { watcher, snapshot } = started;
    const startRevision = from ?? started.revision;
    const initial = snapshot.filter((e) => matchesKey(e.key) && filter(e.object));
    return new FilteredWatch(watcher, initial, startRevision, matchesKey, filter);
  }

  private withRevision(obj: ApiObject, kv: KeyValue): ApiObject {
    const out = clone(obj);
    out.metadata = { ...(out.metadata ?? {}), resourceVersion: String(kv.modRevision) };
    return out;
  }

  private parseRevision(rv: string): number {
    if (!/^\d+$/.test(rv)) throw ApiError.badRequest(`invalid resource version "${rv}"`);
    return Number(rv);
  }

  private revisionOption(rv: string | undefined): { revision?: number } {
    return rv && rv !== '0' ? { revision: this.parseRevision(rv) } : {};
  }

  private async storeCall<T>(fn: () => Promise<T>, forContinue = false): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof StorageError && err.code === StorageErrorCode.Compacted) {
        throw forContinue ? ApiError.expiredContinue() : ApiError.expired(`too old resource version: ${err.message}`);
      }
      throw this.mapStorageError(err, '');
    }
  }

  private mapStorageError(err: unknown, name: string): unknown {
    if (err instanceof ApiError) return err;
    if (err instanceof StorageError) {
      switch (err.code) {
        case StorageErrorCode.NotFound:
          return ApiError.notFound(this.qualifiedResource, name);
        case StorageErrorCode.AlreadyExists:
          return ApiError.alreadyExists(this.qualifiedResource, name);
        case StorageErrorCode.Conflict:
          return ApiError.conflict(this.qualifiedResource, name);
        case StorageErrorCode.TooLarge:
          return ApiError.requestEntityTooLarge('etcdserver: request is too large');
        case StorageErrorCode.Compacted:
          return ApiError.expired(err.message);
        case StorageErrorCode.Unavailable:
          return ApiError.serviceUnavailable(`storage is unavailable: ${err.message}`);
      }
    }
    return err;
  }
}

class FilteredWatch implements ObjectWatch {
  private last: number;
  private initialSent = false;

  constructor(
    private readonly watcher: CacheWatcher<ApiObject>,
    private readonly initial: { object: ApiObject; revision: number }[],
    readonly startRevision: number,
    private readonly matchesKey: (key: string) => boolean,
    private readonly filter: (obj: ApiObject) => boolean,
  ) {
    this.last = startRevision;
    this.initialSent = initial.length === 0;
  }

  get revision(): number {
    // With nothing queued, every event up to the last one offered has been sent or was of no
    // interest, so the watch stands at that revision (what its bookmarks report).
    return this.initialSent && this.watcher.pending === 0 ? Math.max(this.last, this.watcher.seen) : this.last;
  }

  get overflowed(): boolean {
    return this.watcher.overflowed;
  }

  get initialCount(): number {
    return this.initial.length;
  }

  close(): void {
    this.watcher.end();
  }

  private iterator: AsyncGenerator<{ type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: ApiObject; revision: number }> | undefined;

  /** One iterator per watch: iterating again continues where the last iteration stopped. */
  [Symbol.asyncIterator]() {
    this.iterator ??= this.events();
    return this.iterator;
  }

  private async *events() {
    for (const e of this.initial) yield { type: 'ADDED' as const, object: clone(e.object), revision: e.revision };
    this.initialSent = true;
    for await (const ev of this.watcher) {
      const out = this.translate(ev);
      this.last = ev.revision;
      if (out) yield out;
    }
  }

  private translate(ev: CacheEvent<ApiObject>): { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: ApiObject; revision: number } | undefined {
    if (!this.matchesKey(ev.key)) return undefined;
    const now = ev.type !== 'DELETED' && this.filter(ev.object);
    const before = ev.previous !== undefined && this.filter(ev.previous);
    let object = ev.object;
    if (ev.type === 'DELETED') {
      if (!before) return undefined;
      // A DELETED event carries the last state with the delete's revision.
      object = { ...object, metadata: { ...(object.metadata ?? {}), resourceVersion: String(ev.revision) } };
      return { type: 'DELETED', object: clone(object), revision: ev.revision };
    }
    if (now && before) return { type: 'MODIFIED', object: clone(object), revision: ev.revision };
    if (now) return { type: 'ADDED', object: clone(object), revision: ev.revision };
    if (before) return { type: 'DELETED', object: clone(object), revision: ev.revision };
    return undefined;
  }
}

function withoutRv(obj: ApiObject): ApiObject {
  if (!obj.metadata) return obj;
  const { resourceVersion: _rv, ...meta } = obj.metadata;
  return { ...obj, metadata: meta };
}

/** What generation tracks: everything but metadata and status. */
function specOf(obj: ApiObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}

/** Continue tokens as Kubernetes encodes them: base64 of {"v":"meta.k8s.io/v1","rv":N,"start":key}. */
export function encodeContinue(revision: number, startKey: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: revision, start: startKey })).toString('base64url');
}

export function decodeContinue(token: string): { rv: number; start: string } {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { v?: string; rv?: number; start?: string };
    if (parsed.v !== 'meta.k8s.io/v1' || typeof parsed.rv !== 'number' || typeof parsed.start !== 'string') throw new Error('bad');
    return { rv: parsed.rv, start: parsed.start };
  } catch {
    throw ApiError.badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
}
