import { describe, expect, it } from 'vitest';
import { FakeClock } from '../testing/fake-clock';
import { RateLimitingWorkQueue } from './rate-limiting-queue';

/** How long after now `key` shows up in the queue, stepping the clock 1 ms at a time. */
function dueIn(clock: FakeClock, q: RateLimitingWorkQueue, limit = 100_000): number {
  const start = clock.now();
  while (q.len() === 0) {
    if (clock.now() - start > limit) throw new Error('never queued');
    clock.step(1);
  }
  return clock.now() - start;
}

describe('RateLimitingWorkQueue', () => {
  it('retries a failing item after 5, 10, 20, 40 ms, and from 5 ms again once forgotten', async () => {
    const clock = new FakeClock();
    const q = new RateLimitingWorkQueue({ clock });
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      q.addRateLimited('a');
      delays.push(dueIn(clock, q));
      const k = (await q.get())!;
      q.done(k);
    }
    expect(delays).toEqual([5, 10, 20, 40]);
    expect(q.numRequeues('a')).toBe(4);
    q.forget('a');
    expect(q.numRequeues('a')).toBe(0);
    q.addRateLimited('a');
    expect(dueIn(clock, q)).toBe(5);
  });

  it('backs items off independently', () => {
    const clock = new FakeClock();
    const q = new RateLimitingWorkQueue({ clock });
    q.addRateLimited('a');
    q.addRateLimited('a');
    q.addRateLimited('b');
    clock.step(5);
    expect(q.len()).toBe(2);
  });

  it('holds back a storm of failures to the overall 10 qps once the burst of 100 is spent', () => {
    const clock = new FakeClock();
    const q = new RateLimitingWorkQueue({ clock });
    for (let i = 0; i < 150; i++) q.addRateLimited(`k${i}`);
    clock.step(5);
    expect(q.len()).toBe(100);
    clock.step(995);
    expect(q.len()).toBe(110);
    clock.step(4_000);
    expect(q.len()).toBe(150);
  });
});
