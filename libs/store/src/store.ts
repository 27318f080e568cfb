/**
 * The storage contract every backend implements, with etcd's semantics. Kubernetes' apiserver
 * storage layer (storage.Interface) is the model: values are opaque bytes, every write gets a
 * new cluster-wide revision, and history is kept until compacted.
 */

/** Largest value a backend accepts (etcd's default request limit is 1.5 MiB). Larger: TooLarge. */
export const MAX_VALUE_BYTES = 1.5 * 1024 * 1024;

export interface KeyValue {
  key: string;
  value: Uint8Array;
  /** Revision of the write that created this key (since its last deletion). */
  createRevision: number;
  /** Revision of the last write to this key; the value compare-and-swap compares against. */
  modRevision: number;
}

export interface ReadOptions {
  /**
   * Read the state as it was at this revision. Undefined: the latest state. A revision below
   * the compacted one fails with Compacted; one above the current revision fails with a plain
   * Error (etcd's "future revision").
   */
  revision?: number;
}

export interface ListOptions extends ReadOptions {
  /** At most this many items; 0 or undefined means no limit. */
  limit?: number;
  /** Start at this key (inclusive) instead of at the prefix: how a continue token resumes. */
  fromKey?: string;
}

export interface ListResult {
  /** Matching keys in ascending byte order of key. */
  items: KeyValue[];
  /** The revision the list was read at: pass it back as `revision` to page consistently. */
  revision: number;
  /** True when `limit` cut the list short; resume from the key after the last item. */
  more: boolean;
}

export const WatchEventType = { Put: 'PUT', Delete: 'DELETE' } as const;
export type WatchEventType = (typeof WatchEventType)[keyof typeof WatchEventType];

export interface WatchEvent {
  type: WatchEventType;
  /** For PUT the new state; for DELETE the key with an empty value and the delete's revision. */
  kv: KeyValue;
  /** The state before this event, when there was one (always present for DELETE). */
  prevKv?: KeyValue;
  /** Revision of the write that produced this event (equals kv.modRevision). */
  revision: number;
}

export interface WatchOptions {
  /** Watch every key that starts with `key` rather than `key` alone. */
  prefix?: boolean;
  /**
   * First revision to deliver, inclusive (etcd's start_revision). Undefined: only writes after
   * the watch is established. Below the compacted revision: the watch fails with Compacted.
   */
  startRevision?: number;
}

/**
 * A running watch. Iterating yields every matching event exactly once, in revision order, with
 * no gaps. Iteration ends after `close()`; it throws a StorageError (Compacted, Unavailable) when
 * the watch can no longer be continued, and the caller starts a new one.
 */
export interface Watcher extends AsyncIterable<WatchEvent> {
  /** Stops the watch; idempotent. Pending events already buffered are discarded. */
  close(): void;
}

export interface Reader {
  /** The key's current (or historical) state, or undefined when it does not exist. */
  get(key: string, options?: ReadOptions): Promise<KeyValue | undefined>;
  /** Keys starting with `prefix`, sorted by key, read at one revision. */
  list(prefix: string, options?: ListOptions): Promise<ListResult>;
  /** Number of keys starting with `prefix` at the current revision. */
  count(prefix: string): Promise<number>;
  /** The store's current revision: that of the last write (0 on an empty store). */
  currentRevision(): Promise<number>;
}

export interface Writer {
  /** Creates the key; fails with AlreadyExists if it exists, TooLarge over MAX_VALUE_BYTES. */
  create(key: string, value: Uint8Array): Promise<KeyValue>;
  /**
   * Replaces the value if the key's modRevision still equals `expectedModRevision` (compare-and-
   * swap). Fails with NotFound if the key is gone, Conflict if it changed (error.revision holds
   * the modRevision found). Never writes when it fails.
   */
  update(key: string, value: Uint8Array, expectedModRevision: number): Promise<KeyValue>;
  /**
   * Deletes the key, guarded by `expectedModRevision` when given. Returns the state that was
   * deleted, with `modRevision` set to the delete's revision. NotFound / Conflict as update.
   */
  delete(key: string, expectedModRevision?: number): Promise<KeyValue>;
}

export interface Watchable {
  watch(key: string, options?: WatchOptions): Watcher;
}

export interface Compactable {
  /**
   * Discards history older than `revision`: afterwards reads at a revision below it and watches
   * starting below it fail with Compacted. The latest state of every key is kept. Idempotent for
   * a revision at or below the last compaction.
   */
  compact(revision: number): Promise<void>;
  /** The revision of the last compaction (0 if never compacted). */
  compactedRevision(): Promise<number>;
}

export interface Store extends Reader, Writer, Watchable, Compactable {
  /** Releases connections and files; watches end. Idempotent. */
  close(): Promise<void>;
}
