import type { Clock } from './clock';

/**
 * A token bucket as golang.org/x/time/rate's Limiter: `burst` tokens, refilled at `ratePerSec`,
 * full at the start. Time comes from the clock, so tests step it.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
    private readonly clock: Clock,
  ) {
    if (!(ratePerSec > 0) || !(burst >= 1)) throw new RangeError('need ratePerSec > 0 and burst >= 1');
    this.tokens = burst;
    this.last = clock.now();
  }

  /** Takes a token if one is there (true), otherwise takes nothing (false). */
  tryTake(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /**
   * Takes a token now or on credit: the ms to wait until it is really there (0 when it was).
   * Credit accumulates, so back-to-back reservations on an empty bucket wait 1/rate apart.
   */
  reserve(): number {
    this.refill();
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens * 1000) / this.ratePerSec;
  }

  private refill(): void {
    const now = this.clock.now();
    if (now <= this.last) return;
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.ratePerSec) / 1000);
    this.last = now;
  }
}
