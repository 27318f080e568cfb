import type { Clock } from '../clock';
import { DelayingWorkQueue, type DelayingQueue } from './delaying-queue';
import { defaultControllerRateLimiter, type RateLimiter } from './rate-limiters';

/** A DelayingQueue whose retries wait as a RateLimiter says. */
export interface RateLimitingQueue<T> extends DelayingQueue<T> {
  /** Adds `item` after the limiter's delay for it, counting one more failure. */
  addRateLimited(item: T): void;
  /** Forgets `item`'s failures (call it when processing succeeded); does not remove it from the queue. */
  forget(item: T): void;
  /** How many times `item` has been re-queued through addRateLimited since it was last forgotten. */
  numRequeues(item: T): number;
}

export interface RateLimitingQueueOptions<T> {
  /** `defaultControllerRateLimiter` on the same clock by default. */
  rateLimiter?: RateLimiter<T>;
  clock?: Clock;
}

/** The queue controllers use: client-go's rate-limiting work queue. */
export class RateLimitingWorkQueue<T extends NonNullable<unknown> = string> extends DelayingWorkQueue<T> implements RateLimitingQueue<T> {
  private readonly limiter: RateLimiter<T>;

  constructor(options: RateLimitingQueueOptions<T> = {}) {
    super(options.clock ? { clock: options.clock } : {});
    this.limiter = options.rateLimiter ?? defaultControllerRateLimiter<T>({ clock: this.clock });
  }

  addRateLimited(item: T): void {
    this.addAfter(item, this.limiter.when(item));
  }

  forget(item: T): void {
    this.limiter.forget(item);
  }

  numRequeues(item: T): number {
    return this.limiter.numRequeues(item);
  }
}
