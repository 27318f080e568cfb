import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff';
import { FakeClock } from './testing/fake-clock';

describe('Backoff', () => {
  it('grows by the factor up to the maximum, with no jitter at random 0', () => {
    const b = new Backoff({ initialMs: 100, maxMs: 1_000, factor: 2, random: () => 0, clock: new FakeClock() });
    expect(Array.from({ length: 6 }, () => b.next())).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('stretches each delay by up to jitter × itself', () => {
    const b = new Backoff({ initialMs: 100, jitter: 0.5, random: () => 0.999, clock: new FakeClock() });
    const d = b.next();
    expect(d).toBeGreaterThan(149);
    expect(d).toBeLessThan(150);
  });

  it('starts over after reset or a quiet spell', () => {
    const clock = new FakeClock();
    const b = new Backoff({ initialMs: 10, maxMs: 1_000, random: () => 0, resetAfterMs: 60_000, clock });
    b.next();
    b.next();
    b.reset();
    expect(b.next()).toBe(10);
    b.next();
    clock.step(60_001);
    expect(b.next()).toBe(10);
  });

  it('uses client-go reflector defaults: 800 ms to 30 s', () => {
    const b = new Backoff({ random: () => 0, clock: new FakeClock() });
    const delays = Array.from({ length: 8 }, () => b.next());
    expect(delays[0]).toBe(800);
    expect(delays.at(-1)).toBe(30_000);
  });

  it.each([
    { name: 'negative initial', o: { initialMs: -1 } },
    { name: 'max below initial', o: { initialMs: 10, maxMs: 5 } },
    { name: 'shrinking factor', o: { factor: 0.5 } },
  ])('refuses $name', ({ o }) => {
    expect(() => new Backoff(o)).toThrow(RangeError);
  });
});
