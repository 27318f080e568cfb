import { FakeClock } from '@tskube/client/testing';
import { describe, expect, it } from 'vitest';
import { TimerQueue } from './timer-queue';

describe('TimerQueue', () => {
  it('fires entries in due order (ties in insertion order) on one clock timer', () => {
    const clock = new FakeClock();
    const q = new TimerQueue(clock);
    const fired: string[] = [];
    q.after(30, () => fired.push('c'));
    q.after(10, () => fired.push('a'));
    q.after(10, () => fired.push('a2'));
    q.after(20, () => fired.push('b'));
    expect(clock.pendingTimers()).toBe(1);
    clock.step(10);
    expect(fired).toEqual(['a', 'a2']);
    clock.step(100);
    expect(fired).toEqual(['a', 'a2', 'b', 'c']);
    expect(q.size).toBe(0);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('re-arms for an earlier entry and skips cancelled ones', () => {
    const clock = new FakeClock();
    const q = new TimerQueue(clock);
    const fired: number[] = [];
    const late = q.after(1000, () => fired.push(1000));
    q.after(5, () => fired.push(5));
    const mid = q.after(50, () => fired.push(50));
    mid.cancel();
    mid.cancel();
    expect(q.size).toBe(2);
    clock.step(60);
    expect(fired).toEqual([5]);
    late.cancel();
    clock.step(2000);
    expect(fired).toEqual([5]);
    expect(q.size).toBe(0);
  });

  it('runs entries added by a firing entry when they are already due', () => {
    const clock = new FakeClock();
    const q = new TimerQueue(clock);
    const fired: string[] = [];
    q.after(10, () => {
      fired.push('first');
      q.after(0, () => fired.push('chained'));
    });
    clock.step(10);
    expect(fired).toEqual(['first', 'chained']);
  });

  it('compacts when most entries are cancelled, and stops everything on close', () => {
    const clock = new FakeClock();
    const q = new TimerQueue(clock);
    const handles = Array.from({ length: 1000 }, (_, i) => q.after(1000 + i, () => undefined));
    for (const h of handles.slice(0, 900)) h.cancel();
    expect(q.size).toBe(100);
    let fired = 0;
    q.after(5000, () => fired++);
    q.close();
    clock.step(10_000);
    expect(fired).toBe(0);
    expect(q.size).toBe(0);
    q.after(1, () => fired++);
    clock.step(10);
    expect(fired).toBe(0);
  });
});
