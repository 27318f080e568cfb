import { startEtcd, type EtcdServer } from '@tskube/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTooLarge, isUnavailable } from '../errors';
import { MAX_VALUE_BYTES } from '../store';
import { EtcdStore } from './etcd-store';

const failure = (p: Promise<unknown>) => p.then(
  () => {
    throw new Error('expected a failure');
  },
  (err: unknown) => err,
);

/**
 * An etcd of its own, because these tests limit its request size and then stop it. Its limit (1 MiB)
 * is below the store's, so etcd itself refuses what the store lets through.
 */
let etcd: EtcdServer;
let store: EtcdStore;

beforeAll(async () => {
  etcd = await startEtcd({ maxRequestBytes: 1024 * 1024 });
  store = new EtcdStore({ endpoints: etcd.endpoint, requestTimeoutMs: 2000 });
});

afterAll(async () => {
  await store?.close();
  await etcd?.stop();
});

describe('EtcdStore against a failing etcd', () => {
  it('maps etcd refusing a request as too large to TooLarge, and stays usable', async () => {
    const value = new Uint8Array(1.2 * 1024 * 1024);
    expect(value.byteLength).toBeLessThan(MAX_VALUE_BYTES);
    expect(isTooLarge(await failure(store.create('/big', value)))).toBe(true);
    expect(await store.get('/big')).toBeUndefined();
    await expect(store.create('/small', new Uint8Array(10))).resolves.toMatchObject({ key: '/small' });
  });

  it('ends a running watch with Unavailable when etcd goes away, and fails calls with Unavailable', async () => {
    const start = (await store.currentRevision()) + 1;
    const watcher = store.watch('/', { prefix: true, startRevision: start });
    await store.create('/before-stop', new Uint8Array(1));
    const events: string[] = [];
    const ended = failure(
      (async () => {
        for await (const event of watcher) {
          events.push(event.kv.key);
          if (events.length === 1) await etcd.stop();
        }
      })(),
    );
    const err = await ended;
    expect(events).toEqual(['/before-stop']);
    expect(isUnavailable(err)).toBe(true);
    expect(isUnavailable(await failure(store.get('/small')))).toBe(true);
    expect(isUnavailable(await failure(store.create('/after', new Uint8Array(1))))).toBe(true);
  });
});
