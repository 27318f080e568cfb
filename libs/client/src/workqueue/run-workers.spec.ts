import { describe, expect, it } from 'vitest';
import { FakeClock } from '../testing/fake-clock';
import { RateLimitingWorkQueue } from './rate-limiting-queue';
import { runWorkers } from './run-workers';

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('runWorkers', () => {
  it('syncs every key, never one key in two workers at once, and exits on abort', async () => {
    const q = new RateLimitingWorkQueue();
    const busy = new Set<string>();
    const synced: string[] = [];
    let overlap = false;
    const ac = new AbortController();
    const done = runWorkers(
      q,
      4,
      async (key) => {
        if (busy.has(key)) overlap = true;
        busy.add(key);
        await flush();
        busy.delete(key);
        synced.push(key);
      },
      { signal: ac.signal },
    );
    for (let round = 0; round < 5; round++) {
      for (const k of ['a', 'b', 'c', 'a', 'b']) q.add(k);
      await flush();
    }
    while (q.len() > 0 || synced.length < 3) await flush();
    ac.abort();
    await done;
    expect(overlap).toBe(false);
    expect(new Set(synced)).toEqual(new Set(['a', 'b', 'c']));
    expect(q.shuttingDown()).toBe(true);
  });

  it('re-queues a failed key with back-off and forgets it once it succeeds', async () => {
    const clock = new FakeClock();
    const q = new RateLimitingWorkQueue({ clock });
    let attempts = 0;
    const errors: unknown[] = [];
    const ac = new AbortController();
    const done = runWorkers(
      q,
      1,
      () => {
        attempts++;
        if (attempts < 3) throw new Error(`fail ${attempts}`);
      },
      { signal: ac.signal, onError: (err) => errors.push(err) },
    );
    q.add('k');
    await flush();
    expect(attempts).toBe(1);
    expect(q.numRequeues('k')).toBe(1);
    clock.step(4);
    await flush();
    expect(attempts).toBe(1);
    clock.step(1);
    await flush();
    expect(attempts).toBe(2);
    clock.step(10);
    await flush();
    expect(attempts).toBe(3);
    expect(q.numRequeues('k')).toBe(0);
    expect(errors).toHaveLength(2);
    ac.abort();
    await done;
  });

  it('drops a key after maxRetries re-queues', async () => {
    const clock = new FakeClock();
    const q = new RateLimitingWorkQueue({ clock });
    const dropped: boolean[] = [];
    let attempts = 0;
    const ac = new AbortController();
    const done = runWorkers(
      q,
      2,
      () => {
        attempts++;
        throw new Error('always');
      },
      { signal: ac.signal, maxRetries: 2, onError: (_e, _k, d) => dropped.push(d) },
    );
    q.add('k');
    for (let i = 0; i < 10; i++) {
      await flush();
      clock.step(1_000);
    }
    expect(attempts).toBe(3);
    expect(dropped).toEqual([false, false, true]);
    expect(q.numRequeues('k')).toBe(0);
    ac.abort();
    await done;
  });

  it('refuses a worker count below one', async () => {
    await expect(runWorkers(new RateLimitingWorkQueue(), 0, () => undefined)).rejects.toThrow(RangeError);
  });
});
