import { describe, expect, it } from 'vitest';
import { realClock, sleep } from './clock';
import { FakeClock } from './testing/fake-clock';

describe('sleep', () => {
  it('resolves when the clock reaches the time', async () => {
    const clock = new FakeClock();
    let woke = false;
    const p = sleep(clock, 1_000).then(() => (woke = true));
    clock.step(999);
    await Promise.resolve();
    expect(woke).toBe(false);
    clock.step(1);
    await p;
    expect(woke).toBe(true);
  });

  it('resolves at once, cancelling its timer, when the signal aborts', async () => {
    const clock = new FakeClock();
    const ac = new AbortController();
    const p = sleep(clock, 60_000, ac.signal);
    ac.abort();
    await p;
    expect(clock.pendingTimers()).toBe(0);
    await sleep(clock, 60_000, ac.signal);
  });

  it('runs on the real clock too', async () => {
    const before = realClock.now();
    await sleep(realClock, 5);
    expect(realClock.now()).toBeGreaterThanOrEqual(before + 4);
  });
});

describe('FakeClock', () => {
  it('fires timers in due order, reading their due time, including ones set while stepping', () => {
    const clock = new FakeClock(0);
    const fired: string[] = [];
    clock.setTimer(30, () => fired.push(`c@${clock.now()}`));
    clock.setTimer(10, () => {
      fired.push(`a@${clock.now()}`);
      clock.setTimer(5, () => fired.push(`nested@${clock.now()}`));
    });
    const cancelled = clock.setTimer(20, () => fired.push('cancelled'));
    cancelled.cancel();
    clock.step(100);
    expect(fired).toEqual(['a@10', 'nested@15', 'c@30']);
    expect(clock.now()).toBe(100);
    expect(clock.nextTimerAt()).toBeUndefined();
  });
});
