import { isAlreadyExists, isConflict, isNotFound, StorageError, StorageErrorCode } from './errors';
import type { KeyValue, Store } from './store';

export interface GuaranteedUpdateOptions {
  /**
   * Further attempts after the first when a concurrent writer got there first; default 100.
   * When they run out the call fails with Conflict (the last conflict as its cause).
   */
  maxRetries?: number;
}

/**
 * Computes the next value of a key from its current state. `current` is undefined when the key
 * does not exist. Returning undefined, or the same bytes, leaves the key untouched. It may run
 * several times (once per attempt), so it must not have side effects beyond computing the value;
 * throwing aborts the update with that error.
 */
export type UpdateFunction = (current: KeyValue | undefined) => Uint8Array | undefined | Promise<Uint8Array | undefined>;

/**
 * Read-modify-write of one key that never loses a concurrent update, as Kubernetes'
 * storage.Interface GuaranteedUpdate: read, let `update` compute the next value, write it guarded
 * by the modRevision read (or create it when absent), and start over from a fresh read when
 * another writer changed, created or deleted the key in between.
 *
 * Resolves to the key's state afterwards: the written KeyValue, the unchanged current one when
 * `update` asked for no change (Kubernetes also skips writes whose bytes are identical, so no
 * revision is spent and no watch event is sent), or undefined when the key is absent and stays so.
 */
export async function guaranteedUpdate(
  store: Pick<Store, 'get' | 'create' | 'update'>,
  key: string,
  update: UpdateFunction,
  options: GuaranteedUpdateOptions = {},
): Promise<KeyValue | undefined> {
  const maxRetries = options.maxRetries ?? 100;
  if (!Number.isInteger(maxRetries) || maxRetries < 0) throw new RangeError(`guaranteedUpdate: maxRetries must be a non-negative integer, got ${maxRetries}`);
  for (let attempt = 0; ; attempt++) {
    const current = await store.get(key);
    const next = await update(current);
    if (next === undefined || (current !== undefined && sameBytes(current.value, next))) return current;
    try {
      return current ? await store.update(key, next, current.modRevision) : await store.create(key, next);
    } catch (err) {
      // Each of these means the state `update` saw is stale: the key changed, was created, or
      // was deleted after the read.
      if (!(isConflict(err) || isAlreadyExists(err) || isNotFound(err))) throw err;
      if (attempt >= maxRetries) {
        throw new StorageError(StorageErrorCode.Conflict, `guaranteedUpdate of ${key} gave up after ${attempt + 1} conflicting attempts`, {
          key,
          revision: err.revision,
          cause: err,
        });
      }
    }
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}
