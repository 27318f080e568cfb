import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmbeddedStore } from './embedded';
import { isConflict, isTooLarge, StorageError } from './errors';
import { guaranteedUpdate } from './guaranteed-update';
import { MAX_VALUE_BYTES, type KeyValue, type Store } from './store';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const increment = (cur: KeyValue | undefined) => enc(String(Number(cur ? dec(cur.value) : '0') + 1));

describe('guaranteedUpdate', () => {
  let store: EmbeddedStore;
  beforeEach(() => {
    store = EmbeddedStore.open({ path: ':memory:' });
  });
  afterEach(() => store.close());

  it('creates the key when it is absent and the function returns a value', async () => {
    const seen: (KeyValue | undefined)[] = [];
    const kv = await guaranteedUpdate(store, '/k', (cur) => {
      seen.push(cur);
      return enc('new');
    });
    expect(seen).toEqual([undefined]);
    expect(dec(kv!.value)).toBe('new');
    expect(kv!.createRevision).toBe(kv!.modRevision);
  });

  it('updates from the current state, guarded by its modRevision', async () => {
    const first = await store.create('/k', enc('1'));
    const kv = await guaranteedUpdate(store, '/k', (cur) => {
      expect(cur).toEqual(first);
      return enc('2');
    });
    expect(dec(kv!.value)).toBe('2');
    expect(kv!.createRevision).toBe(first.createRevision);
  });

  it.each([
    { name: 'undefined on an absent key', seed: undefined, result: () => undefined },
    { name: 'undefined on an existing key', seed: 'v', result: () => undefined },
    { name: 'identical bytes', seed: 'v', result: () => enc('v') },
  ])('writes nothing when the function returns $name', async ({ seed, result }) => {
    const seeded = seed === undefined ? undefined : await store.create('/k', enc(seed));
    const before = await store.currentRevision();
    expect(await guaranteedUpdate(store, '/k', result)).toEqual(seeded);
    expect(await store.currentRevision()).toBe(before);
  });

  it('loses no increment among 50 concurrent writers, starting from an absent key', async () => {
    await Promise.all(Array.from({ length: 50 }, () => guaranteedUpdate(store, '/counter', increment)));
    expect(dec((await store.get('/counter'))!.value)).toBe('50');
  });

  it('re-reads and retries when the key changes between read and write', async () => {
    await store.create('/k', enc('1'));
    let calls = 0;
    const kv = await guaranteedUpdate(store, '/k', async (cur) => {
      calls++;
      // A concurrent writer sneaks in during the first attempt only.
      if (calls === 1) await store.update('/k', enc('10'), cur!.modRevision);
      return increment(cur);
    });
    expect(calls).toBe(2);
    expect(dec(kv!.value)).toBe('11');
  });

  it('creates again when the key is deleted between read and write', async () => {
    await store.create('/k', enc('1'));
    const seen: (string | undefined)[] = [];
    const kv = await guaranteedUpdate(store, '/k', async (cur) => {
      seen.push(cur && dec(cur.value));
      if (seen.length === 1) await store.delete('/k');
      return increment(cur);
    });
    expect(seen).toEqual(['1', undefined]);
    expect(dec(kv!.value)).toBe('1');
  });

  it('gives up with Conflict after maxRetries, the last conflict as cause', async () => {
    await store.create('/k', enc('0'));
    let attempts = 0;
    const racing: Pick<Store, 'get' | 'create' | 'update'> = {
      get: (key) => store.get(key),
      create: (key, value) => store.create(key, value),
      update: async (key, value, expected) => {
        attempts++;
        await store.update(key, enc('someone else'), expected);
        return store.update(key, value, expected);
      },
    };
    const err = await guaranteedUpdate(racing, '/k', increment, { maxRetries: 3 }).catch((e: unknown) => e);
    expect(isConflict(err)).toBe(true);
    expect(attempts).toBe(4);
    expect((err as StorageError).cause).toBeInstanceOf(StorageError);
  });

  it('passes other errors through without retrying', async () => {
    let calls = 0;
    const tooLarge = await guaranteedUpdate(store, '/k', () => {
      calls++;
      return new Uint8Array(MAX_VALUE_BYTES + 1);
    }).catch((e: unknown) => e);
    expect(isTooLarge(tooLarge)).toBe(true);
    expect(calls).toBe(1);

    const boom = new Error('refused by the update function');
    await expect(guaranteedUpdate(store, '/k', () => Promise.reject(boom))).rejects.toBe(boom);
  });

  it('refuses a negative maxRetries', async () => {
    await expect(guaranteedUpdate(store, '/k', increment, { maxRetries: -1 })).rejects.toThrow(RangeError);
  });
});
