/**
 * Time as the client machinery sees it. Everything that waits (back-off, delayed queue adds,
 * lease renewal, resync, event rate limits) goes through a Clock, so tests drive time with a
 * FakeClock instead of sleeping, as client-go's work queue takes a clock.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch; used both for durations and for API timestamps. */
  now(): number;
  /**
   * Runs `fn` once, `ms` milliseconds from now (at once-ish for `ms <= 0`, but never
   * synchronously inside this call). The returned timer's `cancel()` is idempotent and a no-op
   * after the timer fired.
   */
  setTimer(ms: number, fn: () => void): Timer;
}

/** A pending `Clock.setTimer` call. */
export interface Timer {
  /** Stops the timer if it has not fired yet; safe to call any number of times. */
  cancel(): void;
}

/** The process's wall clock and Node's timers. */
export const realClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const handle = setTimeout(fn, Math.max(0, ms));
    return { cancel: () => clearTimeout(handle) };
  },
};

/**
 * Resolves after `ms` on `clock`, or at once (without rejecting) when `signal` aborts: callers
 * check the signal after waking, which keeps stop paths free of exception plumbing.
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const onAbort = () => {
      timer.cancel();
      resolve();
    };
    const timer = clock.setTimer(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
