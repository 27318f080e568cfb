import { Etcd3, type IOptions, type IRangeRequest, type IRangeResponse, type IResponseHeader } from 'etcd3';
import { StorageError, StorageErrorCode } from '../errors';
import {
  MAX_VALUE_BYTES,
  type KeyValue,
  type ListOptions,
  type ListResult,
  type ReadOptions,
  type Store,
  type Watcher,
  type WatchOptions,
} from '../store';
import { fromEtcdError, isEtcdCompacted } from './etcd-errors';
import { EtcdWatcher } from './etcd-watcher';
import { KeyCodec, prefixEnd, toKeyValue } from './keys';

export interface EtcdStoreOptions {
  /** etcd client URLs (`http://127.0.0.1:2379`). Required unless `client` is given. */
  endpoints?: string | string[];
  /** An existing etcd3 client to use; the store then never closes it. */
  client?: Etcd3;
  /**
   * Prepended to every key sent to etcd and stripped from every key returned, so several stores
   * (or clusters) can share one etcd, like the apiserver's --etcd-prefix. It is prepended byte
   * for byte (no separator is added), so one prefix must not start another: `/a` also covers
   * `/ab/...`. Compaction and revisions stay global to the etcd cluster.
   */
  prefix?: string;
  /** Deadline of each unary etcd call; default 30 s. A call that misses it fails Unavailable. */
  requestTimeoutMs?: number;
  /** Events one watcher may have waiting before it is ended with Unavailable; default 100 000. */
  watcherBufferLimit?: number;
  /** Wait for compaction to be applied to the backend database (etcd's `physical`); default false. */
  physicalCompaction?: boolean;
  /** More etcd3 client options (TLS credentials, auth, fault handling); ignored with `client`. */
  clientOptions?: Omit<IOptions, 'hosts'>;
}

type Header = Pick<IResponseHeader, 'revision'>;

const revisionOf = (header: Header) => Number(header.revision);

/**
 * The Store over a real etcd v3 cluster through the `etcd3` client, mirroring the apiserver's
 * storage/etcd3 store: creates and guarded writes are single transactions comparing
 * createRevision or modRevision, reads are linearizable (never serializable), and each watch is
 * its own etcd watch stream with prevKv.
 *
 * compactedRevision: etcd has no call that returns the last compacted revision cheaply (HashKV
 * reports it but hashes the whole keyspace). The store remembers the highest revision it
 * compacted itself, and when another client may have compacted further (the apiserver's own
 * compactor, etcd's --auto-compaction) it finds the exact value by binary search over
 * `count_only` reads at old revisions: etcd answers "compacted" for every revision below the
 * compacted one and serves every revision from it on. That is one read when nothing changed and
 * about log2(revision) reads after a foreign compaction. A compaction at revision 1 removes nothing
 * and cannot be told apart from none; both report 0.
 */
export class EtcdStore implements Store {
  private readonly client: Etcd3;
  private readonly ownsClient: boolean;
  private readonly codec: KeyCodec;
  private readonly watchBufferLimit: number;
  private readonly physicalCompaction: boolean;
  private readonly watchers = new Set<EtcdWatcher>();
  /** Lower bound of etcd's compacted revision; exact after compact() or compactedRevision(). */
  private knownCompacted = 0;
  private closed = false;

  constructor(options: EtcdStoreOptions) {
    const timeout = options.requestTimeoutMs ?? 30_000;
    if (!(timeout > 0)) throw new RangeError(`EtcdStore: requestTimeoutMs must be positive, got ${timeout}`);
    this.watchBufferLimit = options.watcherBufferLimit ?? 100_000;
    if (!(this.watchBufferLimit > 0)) throw new RangeError(`EtcdStore: watcherBufferLimit must be positive, got ${this.watchBufferLimit}`);
    this.physicalCompaction = options.physicalCompaction ?? false;
    this.codec = new KeyCodec(options.prefix ?? '');
    if (options.client) {
      this.client = options.client;
      this.ownsClient = false;
    } else {
      const hosts = options.endpoints;
      if (hosts === undefined || hosts.length === 0) throw new TypeError('EtcdStore: endpoints or client is required');
      this.client = new Etcd3({
        ...options.clientOptions,
        hosts,
        // Lists of many objects exceed gRPC's 4 MiB receive default; etcd bounds requests itself.
        grpcOptions: { 'grpc.max_receive_message_length': -1, ...options.clientOptions?.grpcOptions },
        defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + timeout }),
      });
      this.ownsClient = true;
    }
  }

  async get(key: string, options: ReadOptions = {}): Promise<KeyValue | undefined> {
    const res = await this.range(key, { key: this.codec.encode(key), ...revisionField(options.revision) });
    const raw = res.kvs[0];
    return raw ? toKeyValue(this.codec, raw) : undefined;
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    const range = this.codec.prefixRange(prefix, options.fromKey);
    if (!range) return { items: [], revision: options.revision ?? (await this.currentRevision()), more: false };
    const res = await this.range(prefix, {
      ...range,
      ...revisionField(options.revision),
      ...(options.limit ? { limit: options.limit } : {}),
    });
    return {
      items: res.kvs.map((raw) => toKeyValue(this.codec, raw)),
      // etcd's header always carries the current revision, not the one a past read was made at.
      revision: options.revision ?? revisionOf(res.header),
      // etcd computes `more` from the full range under the limit, so no extra item is fetched.
      more: res.more,
    };
  }

  async count(prefix: string): Promise<number> {
    const range = this.codec.prefixRange(prefix);
    if (!range) return 0;
    const res = await this.range(prefix, { ...range, count_only: true });
    return Number(res.count);
  }

  async currentRevision(): Promise<number> {
    const res = await this.range(undefined, { key: this.codec.encode('/'), count_only: true });
    return revisionOf(res.header);
  }

  async create(key: string, value: Uint8Array): Promise<KeyValue> {
    checkSize(key, value);
    const k = this.codec.encode(key);
    const res = await this.call(key, () =>
      this.client.kv.txn({
        compare: [{ key: k, target: 'Create', result: 'Equal', create_revision: 0 }],
        success: [{ request_put: { key: k, value: toBuffer(value) } }],
      }),
    );
    if (!res.succeeded) throw new StorageError(StorageErrorCode.AlreadyExists, `key ${key} already exists`, { key });
    const revision = revisionOf(res.header);
    return { key, value, createRevision: revision, modRevision: revision };
  }

  async update(key: string, value: Uint8Array, expectedModRevision: number): Promise<KeyValue> {
    checkSize(key, value);
    const k = this.codec.encode(key);
    const res = await this.call(key, () =>
      this.client.kv.txn({
        compare: [
          // A missing key has modRevision 0: without the version guard, update(key, v, 0) would create it.
          { key: k, target: 'Version', result: 'Greater', version: 0 },
          { key: k, target: 'Mod', result: 'Equal', mod_revision: expectedModRevision },
        ],
        success: [{ request_put: { key: k, value: toBuffer(value), prev_kv: true } }],
        failure: [{ request_range: { key: k } }],
      }),
    );
    if (!res.succeeded) throw this.casFailure(key, res.responses[0]?.response_range);
    const previous = res.responses[0]!.response_put.prev_kv;
    return { key, value, createRevision: Number(previous.create_revision), modRevision: revisionOf(res.header) };
  }

  async delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    const k = this.codec.encode(key);
    const res = await this.call(key, () =>
      this.client.kv.txn({
        compare: [
          { key: k, target: 'Version', result: 'Greater', version: 0 },
          ...(expectedModRevision === undefined ? [] : [{ key: k, target: 'Mod' as const, result: 'Equal' as const, mod_revision: expectedModRevision }]),
        ],
        success: [{ request_delete_range: { key: k, prev_kv: true } }],
        failure: [{ request_range: { key: k } }],
      }),
    );
    if (!res.succeeded) throw this.casFailure(key, res.responses[0]?.response_range);
    const previous = res.responses[0]!.response_delete_range.prev_kvs[0];
    // Deleted by someone else between the compare and the delete cannot happen inside one txn.
    if (!previous) throw new StorageError(StorageErrorCode.NotFound, `key ${key} not found`, { key });
    return { ...toKeyValue(this.codec, previous), modRevision: revisionOf(res.header) };
  }

  watch(key: string, options: WatchOptions = {}): Watcher {
    if (this.closed) throw new StorageError(StorageErrorCode.Unavailable, 'store is closed', { key });
    const k = this.codec.encode(key);
    const watcher = new EtcdWatcher({
      open: () => this.client.watchClient.watch(),
      request: {
        key: k,
        ...(options.prefix ? { range_end: k.length === 0 ? Buffer.from([0]) : prefixEnd(k) } : {}),
        ...(options.startRevision === undefined ? {} : { start_revision: options.startRevision }),
        prev_kv: true,
      },
      codec: this.codec,
      bufferLimit: this.watchBufferLimit,
      onStop: (w) => this.watchers.delete(w),
    });
    this.watchers.add(watcher);
    return watcher;
  }

  async compact(revision: number): Promise<void> {
    if (!Number.isInteger(revision) || revision < 0) throw new RangeError(`compact: revision must be a non-negative integer, got ${revision}`);
    if (revision <= this.knownCompacted) return;
    try {
      await this.call(undefined, () => this.client.kv.compact({ revision, physical: this.physicalCompaction }));
    } catch (err) {
      // Already compacted at or past it (by us or another client): the request's goal holds.
      if (err instanceof StorageError && err.code === StorageErrorCode.Compacted) return;
      throw err;
    }
    this.knownCompacted = Math.max(this.knownCompacted, revision);
  }

  async compactedRevision(): Promise<number> {
    const known = this.knownCompacted;
    if (await this.servesRevision(Math.max(known, 1))) return known;
    // Invariant: the compacted revision c satisfies low < c <= high.
    let low = Math.max(known, 1);
    let high = await this.currentRevision();
    while (high - low > 1) {
      const mid = low + Math.floor((high - low) / 2);
      if (await this.servesRevision(mid)) high = mid;
      else low = mid;
    }
    this.knownCompacted = Math.max(this.knownCompacted, high);
    return high;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const watcher of [...this.watchers]) watcher.close();
    if (this.ownsClient) this.client.close();
  }

  /** Whether etcd still serves reads at `revision` (it is at or above the compacted revision). */
  private async servesRevision(revision: number): Promise<boolean> {
    try {
      await this.call(undefined, () => this.client.kv.range({ key: this.codec.encode('/'), revision, count_only: true }), false);
      return true;
    } catch (err) {
      if (err instanceof StorageError && err.code === StorageErrorCode.Compacted) return false;
      throw err;
    }
  }

  private range(key: string | undefined, request: IRangeRequest): Promise<IRangeResponse> {
    return this.call(key, () => this.client.kv.range({ serializable: false, ...request }));
  }

  /**
   * Runs one etcd call and maps its failure to a StorageError. A Compacted read is given the
   * compacted revision (looked up, so this costs extra reads on that rare path only).
   */
  private async call<T>(key: string | undefined, fn: () => Promise<T>, lookUpCompacted = true): Promise<T> {
    if (this.closed) throw new StorageError(StorageErrorCode.Unavailable, 'store is closed', { key });
    try {
      return await fn();
    } catch (err) {
      if (lookUpCompacted && isEtcdCompacted(err)) {
        const revision = await this.compactedRevision().catch(() => undefined);
        throw new StorageError(StorageErrorCode.Compacted, `revision has been compacted${revision ? ` (compacted revision ${revision})` : ''}`, {
          key,
          revision,
          cause: err,
        });
      }
      throw fromEtcdError(err, key);
    }
  }

  private casFailure(key: string, found: IRangeResponse | undefined): StorageError {
    const current = found?.kvs[0];
    if (!current) return new StorageError(StorageErrorCode.NotFound, `key ${key} not found`, { key });
    const revision = Number(current.mod_revision);
    return new StorageError(StorageErrorCode.Conflict, `key ${key} was modified (modRevision ${revision})`, { key, revision });
  }
}

function revisionField(revision: number | undefined): { revision?: number } {
  return revision === undefined ? {} : { revision };
}

function checkSize(key: string, value: Uint8Array): void {
  if (value.byteLength > MAX_VALUE_BYTES) {
    throw new StorageError(StorageErrorCode.TooLarge, `value of ${value.byteLength} bytes for ${key} exceeds the ${MAX_VALUE_BYTES} byte limit`, { key });
  }
}

function toBuffer(value: Uint8Array): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}
