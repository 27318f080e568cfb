import { describe, expect, it } from 'vitest';
import { WorkQueue } from './queue';

describe('WorkQueue', () => {
  it('hands items out in FIFO order, each queued once however often it was added', async () => {
    const q = new WorkQueue();
    for (const k of ['a', 'b', 'a', 'c', 'b', 'a']) q.add(k);
    expect(q.len()).toBe(3);
    expect([await q.get(), await q.get(), await q.get()]).toEqual(['a', 'b', 'c']);
    expect(q.len()).toBe(0);
  });

  it('queues an item added while it is processed again only after done', async () => {
    const q = new WorkQueue();
    q.add('a');
    expect(await q.get()).toBe('a');
    q.add('a');
    q.add('a');
    expect(q.len()).toBe(0);
    q.done('a');
    expect(q.len()).toBe(1);
    expect(await q.get()).toBe('a');
    q.done('a');
    expect(q.len()).toBe(0);
  });

  it('never gives one item to two waiting workers at once', async () => {
    const q = new WorkQueue();
    const got: string[] = [];
    const w1 = q.get().then((k) => got.push(`w1:${k}`));
    const w2 = q.get().then((k) => got.push(`w2:${k}`));
    q.add('a');
    await w1;
    q.add('a');
    await Promise.resolve();
    expect(got).toEqual(['w1:a']);
    q.done('a');
    await w2;
    expect(got).toEqual(['w1:a', 'w2:a']);
  });

  it('keeps every key single-flight and processes the last add of each, under many concurrent workers', async () => {
    const q = new WorkQueue();
    const inFlight = new Set<string>();
    const lastAdd = new Map<string, number>();
    const lastStart = new Map<string, number>();
    let clock = 0;
    let violations = 0;
    const worker = async () => {
      for (;;) {
        const key = await q.get();
        if (key === undefined) return;
        if (inFlight.has(key)) violations++;
        inFlight.add(key);
        lastStart.set(key, ++clock);
        for (let i = 0; i < (key.charCodeAt(1) % 3) + 1; i++) await Promise.resolve();
        inFlight.delete(key);
        q.done(key);
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    for (let i = 0; i < 2000; i++) {
      const key = `k${i % 17}`;
      q.add(key);
      lastAdd.set(key, ++clock);
      if (i % 5 === 0) await Promise.resolve();
    }
    await q.shutDownWithDrain();
    await Promise.all(workers);
    expect(violations).toBe(0);
    for (const [key, added] of lastAdd) expect(lastStart.get(key)!).toBeGreaterThan(added);
  });

  it('drains what is queued after shutDown, then tells workers to exit', async () => {
    const q = new WorkQueue();
    q.add('a');
    q.add('b');
    q.shutDown();
    q.add('c');
    expect(q.shuttingDown()).toBe(true);
    expect(await q.get()).toBe('a');
    expect(await q.get()).toBe('b');
    expect(await q.get()).toBeUndefined();
  });

  it('wakes waiting workers with undefined on shutDown', async () => {
    const q = new WorkQueue();
    const waiting = [q.get(), q.get()];
    q.shutDown();
    expect(await Promise.all(waiting)).toEqual([undefined, undefined]);
  });

  it('resolves shutDownWithDrain only when the items handed out are done', async () => {
    const q = new WorkQueue();
    q.add('a');
    const item = await q.get();
    let drained = false;
    const draining = q.shutDownWithDrain().then(() => (drained = true));
    await Promise.resolve();
    expect(drained).toBe(false);
    q.done(item!);
    await draining;
    expect(drained).toBe(true);
  });

  it('ignores done for an item it did not hand out', () => {
    const q = new WorkQueue();
    q.done('x');
    expect(q.len()).toBe(0);
  });
});
