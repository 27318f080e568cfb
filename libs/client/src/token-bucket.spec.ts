import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket';
import { FakeClock } from './testing/fake-clock';

describe('TokenBucket', () => {
  it('takes tokens while there are any and refills at its rate, up to the burst', () => {
    const clock = new FakeClock();
    const b = new TokenBucket(2, 3, clock);
    expect([b.tryTake(), b.tryTake(), b.tryTake(), b.tryTake()]).toEqual([true, true, true, false]);
    clock.step(499);
    expect(b.tryTake()).toBe(false);
    clock.step(1);
    expect(b.tryTake()).toBe(true);
    clock.step(60_000);
    expect([b.tryTake(), b.tryTake(), b.tryTake(), b.tryTake()]).toEqual([true, true, true, false]);
  });

  it('reserves on credit, each reservation waiting 1/rate behind the previous one', () => {
    const clock = new FakeClock();
    const b = new TokenBucket(4, 1, clock);
    expect([b.reserve(), b.reserve(), b.reserve()]).toEqual([0, 250, 500]);
    clock.step(500);
    expect(b.reserve()).toBe(250);
  });

  it('refuses a zero rate or an empty burst', () => {
    expect(() => new TokenBucket(0, 1, new FakeClock())).toThrow(RangeError);
    expect(() => new TokenBucket(1, 0, new FakeClock())).toThrow(RangeError);
  });
});
