import { describe, expect, it } from 'vitest';
import { Backoff, formatGoDuration } from './backoff';

describe('Backoff', () => {
  it('starts at the initial delay, doubles to the maximum, and is in back-off until it has passed', () => {
    let now = 0;
    const b = new Backoff(10_000, 300_000, () => now);
    expect(b.isInBackOffSince('k', now)).toBe(false);
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) {
      b.next('k', now);
      delays.push(b.get('k'));
      now += 1000;
    }
    expect(delays).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
    const finished = now;
    expect(b.isInBackOffSince('k', finished)).toBe(true);
    now = finished + 299_999;
    expect(b.isInBackOffSince('k', finished)).toBe(true);
    now = finished + 300_000;
    expect(b.isInBackOffSince('k', finished)).toBe(false);
  });

  it('forgets an entry whose last update is more than twice the maximum before the event (10 minutes of running)', () => {
    let now = 0;
    const b = new Backoff(10_000, 300_000, () => now);
    b.next('k', 0);
    b.next('k', 0);
    expect(b.get('k')).toBe(20_000);
    now = 600_001;
    expect(b.isInBackOffSince('k', now)).toBe(false);
    b.next('k', now);
    expect(b.get('k')).toBe(10_000);
  });

  it('measures image pull back-off from the last update', () => {
    let now = 0;
    const b = new Backoff(10_000, 300_000, () => now);
    b.next('img', now);
    now = 9_999;
    expect(b.isInBackOffSinceUpdate('img', now)).toBe(true);
    now = 10_000;
    expect(b.isInBackOffSinceUpdate('img', now)).toBe(false);
  });
});

describe('formatGoDuration', () => {
  it.each([
    [0, '0s'],
    [250, '250ms'],
    [1234, '1.234s'],
    [10_000, '10s'],
    [80_000, '1m20s'],
    [300_000, '5m0s'],
    [3_723_000, '1h2m3s'],
  ])('%d ms is %s', (ms, want) => {
    expect(formatGoDuration(ms)).toBe(want);
  });
});
