import { FakeClock } from '@tskube/client/testing';
import { describe, expect, it } from 'vitest';
import { ClockRequeue } from './requeue';

describe('ClockRequeue', () => {
  it('adds keys when the clock reaches their time, keeping the earliest of two', () => {
    const clock = new FakeClock();
    const added: string[] = [];
    const r = new ClockRequeue(clock, { add: (k) => added.push(k) });
    r.after('a', 5000);
    r.after('a', 2000);
    r.after('a', 9000);
    r.after('b', 3000);
    r.after('now', 0);
    expect(added).toEqual(['now']);
    clock.step(2000);
    expect(added).toEqual(['now', 'a']);
    clock.step(10_000);
    expect(added).toEqual(['now', 'a', 'b']);
  });

  it('forgets cancelled keys and everything once stopped', () => {
    const clock = new FakeClock();
    const added: string[] = [];
    const r = new ClockRequeue(clock, { add: (k) => added.push(k) });
    r.after('a', 1000);
    r.after('b', 1000);
    r.cancel('a');
    r.stop();
    r.after('c', 1000);
    clock.step(5000);
    expect(added).toEqual([]);
    expect(clock.pendingTimers()).toBe(0);
  });
});
