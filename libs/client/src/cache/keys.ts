/** The metadata the cache reads: enough to key, index and compare objects. */
export interface ObjectWithMeta {
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
  };
}

/**
 * What a handler's onDelete receives instead of the object when the informer learned of the
 * deletion only by listing again (the watch was down): the last state it had seen, which may be
 * stale, under its key. client-go's cache.DeletedFinalStateUnknown.
 */
export class DeletedFinalStateUnknown<T> {
  constructor(
    /** The `namespace/name` key of the deleted object. */
    readonly key: string,
    /** The last state the cache held; changes made after it were never observed. */
    readonly obj: T,
  ) {}
}

/** Computes an object's cache key. Must be stable for the object's lifetime. */
export type KeyFunc<T> = (obj: T) => string;

/**
 * `namespace/name`, or `name` for cluster-scoped objects: the key every cache, queue and lister
 * uses, as client-go's MetaNamespaceKeyFunc. A tombstone yields its own key.
 */
export function metaNamespaceKey(obj: ObjectWithMeta | DeletedFinalStateUnknown<unknown>): string {
  if (obj instanceof DeletedFinalStateUnknown) return obj.key;
  const name = obj.metadata?.name;
  if (!name) throw new TypeError('object has no metadata.name');
  const ns = obj.metadata?.namespace;
  return ns ? `${ns}/${name}` : name;
}

/** Splits a `metaNamespaceKey` into namespace ('' for cluster-scoped) and name. */
export function splitMetaNamespaceKey(key: string): { namespace: string; name: string } {
  const parts = key.split('/');
  if (parts.length === 1 && parts[0]) return { namespace: '', name: parts[0] };
  if (parts.length === 2 && parts[0] && parts[1]) return { namespace: parts[0], name: parts[1] };
  throw new TypeError(`unexpected key format: ${JSON.stringify(key)}`);
}

/** The object a delete notification stands for, unwrapping a tombstone. */
export function objectOf<T>(obj: T | DeletedFinalStateUnknown<T>): T {
  return obj instanceof DeletedFinalStateUnknown ? obj.obj : obj;
}
