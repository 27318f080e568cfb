import { describe, expect, it } from 'vitest';
import { FakeClock } from '../testing/fake-clock';
import { BucketRateLimiter, ItemExponentialFailureRateLimiter, MaxOfRateLimiter, defaultControllerRateLimiter } from './rate-limiters';

describe('ItemExponentialFailureRateLimiter', () => {
  it('doubles the delay per failure from 5 ms up to 1000 s', () => {
    const r = new ItemExponentialFailureRateLimiter<string>();
    const delays = Array.from({ length: 30 }, () => r.when('a'));
    expect(delays.slice(0, 5)).toEqual([5, 10, 20, 40, 80]);
    expect(delays[17]).toBe(5 * 2 ** 17);
    expect(delays[18]).toBe(1_000_000);
    expect(delays[29]).toBe(1_000_000);
    expect(r.numRequeues('a')).toBe(30);
  });

  it('counts items apart and forgets them', () => {
    const r = new ItemExponentialFailureRateLimiter<string>({ baseDelayMs: 1, maxDelayMs: 100 });
    r.when('a');
    r.when('a');
    expect(r.when('b')).toBe(1);
    r.forget('a');
    expect(r.numRequeues('a')).toBe(0);
    expect(r.when('a')).toBe(1);
  });

  it('stays at the cap after a thousand failures', () => {
    const r = new ItemExponentialFailureRateLimiter<string>();
    for (let i = 0; i < 2000; i++) r.when('a');
    expect(r.when('a')).toBe(1_000_000);
  });
});

describe('BucketRateLimiter', () => {
  it('lets a burst through, then spaces items at the rate', () => {
    const clock = new FakeClock();
    const r = new BucketRateLimiter<string>({ qps: 10, burst: 100, clock });
    for (let i = 0; i < 100; i++) expect(r.when(`k${i}`)).toBe(0);
    expect(r.when('x')).toBeCloseTo(100);
    expect(r.when('y')).toBeCloseTo(200);
    clock.step(1_000);
    // Ten tokens came back, two of them owed already.
    for (let i = 0; i < 8; i++) expect(r.when(`z${i}`)).toBe(0);
    expect(r.when('late')).toBeCloseTo(100);
    expect(r.numRequeues('x')).toBe(0);
  });
});

describe('MaxOfRateLimiter and the default controller limiter', () => {
  it('takes the longest delay', () => {
    const clock = new FakeClock();
    const r = new MaxOfRateLimiter<string>(new ItemExponentialFailureRateLimiter({ baseDelayMs: 1000, maxDelayMs: 10_000 }), new BucketRateLimiter({ qps: 1, burst: 1, clock }));
    expect(r.when('a')).toBe(1000);
    expect(r.when('b')).toBe(1000);
    expect(r.when('c')).toBe(2000);
    expect(r.numRequeues('a')).toBe(1);
    r.forget('a');
    expect(r.numRequeues('a')).toBe(0);
  });

  it('is per-item exponential while the overall bucket has tokens, the bucket once it is empty', () => {
    const clock = new FakeClock();
    const r = defaultControllerRateLimiter<string>({ clock });
    expect([r.when('a'), r.when('a'), r.when('a')]).toEqual([5, 10, 20]);
    for (let i = 0; i < 97; i++) r.when(`k${i}`);
    expect(r.when('fresh')).toBeCloseTo(100);
  });
});
