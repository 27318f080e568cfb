import { realClock, type Clock } from './clock';

export interface BackoffOptions {
  /** First delay in ms; 800 by default, client-go's reflector back-off. */
  initialMs?: number;
  /** Delays never exceed this (before jitter); 30 000 by default. */
  maxMs?: number;
  /** Growth per failure; 2 by default. */
  factor?: number;
  /** Each delay is stretched by up to this fraction of itself, at random; 1.0 by default. */
  jitter?: number;
  /** After this long without a `next()`, the back-off starts over; 2 minutes by default. */
  resetAfterMs?: number;
  clock?: Clock;
  /** A number in [0, 1); Math.random by default. */
  random?: () => number;
}

/**
 * Exponential back-off with jitter for retry loops (re-watch, relist, lease retries), as
 * client-go's wait.Backoff behind its reflector: delays grow by `factor` up to `maxMs`, and a
 * quiet spell of `resetAfterMs` forgets earlier failures.
 */
export class Backoff {
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly factor: number;
  private readonly jitter: number;
  private readonly resetAfterMs: number;
  private readonly clock: Clock;
  private readonly random: () => number;
  private current: number;
  private last: number | undefined;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 800;
    this.maxMs = options.maxMs ?? 30_000;
    this.factor = options.factor ?? 2;
    this.jitter = options.jitter ?? 1.0;
    this.resetAfterMs = options.resetAfterMs ?? 120_000;
    this.clock = options.clock ?? realClock;
    this.random = options.random ?? Math.random;
    if (!(this.initialMs >= 0) || !(this.maxMs >= this.initialMs) || !(this.factor >= 1) || !(this.jitter >= 0)) {
      throw new RangeError('backoff needs 0 <= initialMs <= maxMs, factor >= 1 and jitter >= 0');
    }
    this.current = this.initialMs;
  }

  /** The delay before the next attempt; each call counts as one more failure. */
  next(): number {
    const now = this.clock.now();
    if (this.last !== undefined && now - this.last > this.resetAfterMs) this.current = this.initialMs;
    this.last = now;
    const base = this.current;
    this.current = Math.min(this.maxMs, this.current * this.factor);
    return base + base * this.jitter * this.random();
  }

  /** Forgets earlier failures: the next delay is `initialMs` again. */
  reset(): void {
    this.current = this.initialMs;
    this.last = undefined;
  }
}
