import { isConflict, isAlreadyExists, isNotFound, StorageError, StorageErrorCode } from './errors';
import type { KeyValue, Store } from './store';

export interface GuaranteedUpdateOptions {
  /** Attempts before giving up with Conflict; default 100. */
  maxAttempts?: number;
}

/**
 * The store's transaction helper: read-modify-write of one key that retries on concurrent
 * writes, as Kubernetes' GuaranteedUpdate does. `mutate` receives the current state (undefined
 * when absent) and returns the new value; returning undefined leaves the key as it is. An absent
 * key is created; no update is ever lost to a concurrent writer.
 */
export async function guaranteedUpdate(
  store: Pick<Store, 'get' | 'create' | 'update'>,
  key: string,
  mutate: (current: KeyValue | undefined) => Uint8Array | undefined | Promise<Uint8Array | undefined>,
  options: GuaranteedUpdateOptions = {},
): Promise<KeyValue | undefined> {
  const maxAttempts = options.maxAttempts ?? 100;
  for (let attempt = 1; ; attempt++) {
    const current = await store.get(key);
    const next = await mutate(current);
    if (next === undefined) return current;
    try {
      return current ? await store.update(key, next, current.modRevision) : await store.create(key, next);
    } catch (err) {
      const raced = isConflict(err) || isAlreadyExists(err) || isNotFound(err);
      if (!raced) throw err;
      if (attempt >= maxAttempts) {
        throw new StorageError(StorageErrorCode.Conflict, `gave up updating ${key} after ${attempt} conflicting attempts`, { key, cause: err });
      }
    }
  }
}
