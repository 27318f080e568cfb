import { realClock, type Clock } from '../clock';
import { TokenBucket } from '../token-bucket';

/** Decides how long a failed item waits before it is retried, as client-go's workqueue.RateLimiter. */
export interface RateLimiter<T> {
  /** The delay in ms before `item` is retried; counts one more failure of it. */
  when(item: T): number;
  /** Forgets `item`'s failures: its next delay starts from the beginning. */
  forget(item: T): void;
  /** How many failures of `item` are being counted. */
  numRequeues(item: T): number;
}

export interface ExponentialOptions {
  /** Delay after the first failure; 5 ms by default. */
  baseDelayMs?: number;
  /** Delays stop growing here; 1000 s by default. */
  maxDelayMs?: number;
}

/** Per-item exponential back-off: base·2^failures, capped (client-go's ItemExponentialFailureRateLimiter). */
export class ItemExponentialFailureRateLimiter<T> implements RateLimiter<T> {
  private readonly failures = new Map<T, number>();
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(options: ExponentialOptions = {}) {
    this.baseDelayMs = options.baseDelayMs ?? 5;
    this.maxDelayMs = options.maxDelayMs ?? 1_000_000;
    if (!(this.baseDelayMs > 0) || !(this.maxDelayMs >= this.baseDelayMs)) throw new RangeError('need 0 < baseDelayMs <= maxDelayMs');
  }

  when(item: T): number {
    const exp = this.failures.get(item) ?? 0;
    this.failures.set(item, exp + 1);
    // 2^exp overflows to Infinity long after the cap applies; min() keeps the cap exact.
    return Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.min(exp, 1023));
  }

  forget(item: T): void {
    this.failures.delete(item);
  }

  numRequeues(item: T): number {
    return this.failures.get(item) ?? 0;
  }
}

export interface BucketOptions {
  /** Tokens added per second; 10 by default. */
  qps?: number;
  /** Bucket size, and its initial fill; 100 by default. */
  burst?: number;
  clock?: Clock;
}

/**
 * An overall token bucket shared by all items (client-go's BucketRateLimiter over
 * golang.org/x/time/rate): each `when` takes a token, and once the bucket is empty the delays
 * queue up behind each other at `qps`.
 */
export class BucketRateLimiter<T> implements RateLimiter<T> {
  private readonly bucket: TokenBucket;

  constructor(options: BucketOptions = {}) {
    this.bucket = new TokenBucket(options.qps ?? 10, options.burst ?? 100, options.clock ?? realClock);
  }

  when(_item: T): number {
    return this.bucket.reserve();
  }

  forget(_item: T): void {}

  numRequeues(_item: T): number {
    return 0;
  }
}

/** The longest delay any of several limiters asks for; every limiter counts every failure. */
export class MaxOfRateLimiter<T> implements RateLimiter<T> {
  private readonly limiters: RateLimiter<T>[];

  constructor(...limiters: RateLimiter<T>[]) {
    if (limiters.length === 0) throw new RangeError('MaxOfRateLimiter needs at least one limiter');
    this.limiters = limiters;
  }

  when(item: T): number {
    let max = 0;
    for (const l of this.limiters) max = Math.max(max, l.when(item));
    return max;
  }

  forget(item: T): void {
    for (const l of this.limiters) l.forget(item);
  }

  numRequeues(item: T): number {
    let max = 0;
    for (const l of this.limiters) max = Math.max(max, l.numRequeues(item));
    return max;
  }
}

/**
 * client-go's DefaultControllerRateLimiter: per-item exponential back-off from 5 ms to 1000 s,
 * combined with an overall bucket of 10 qps and burst 100 so a storm of failures cannot flood
 * the apiserver.
 */
export function defaultControllerRateLimiter<T>(options: { clock?: Clock } = {}): RateLimiter<T> {
  return new MaxOfRateLimiter<T>(
    new ItemExponentialFailureRateLimiter<T>({ baseDelayMs: 5, maxDelayMs: 1_000_000 }),
    new BucketRateLimiter<T>({ qps: 10, burst: 100, ...(options.clock ? { clock: options.clock } : {}) }),
  );
}
