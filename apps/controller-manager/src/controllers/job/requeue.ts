import type { Clock, Queue, Timer } from '@tskube/client';

/**
 * Adds keys to a work queue at times of an injected clock: the wake-ups a controller plans from
 * API timestamps (a Job's active deadline, the end of a pod failure back-off, a CronJob's next
 * schedule). Kept apart from the queue's own delays, which pace retries in real time, so a test
 * can step a fake clock through schedules while failed syncs still retry by themselves.
 */
export class ClockRequeue {
  private readonly pending = new Map<string, { at: number; timer: Timer }>();
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly queue: Pick<Queue<string>, 'add'>,
  ) {}

  /**
   * Adds `key` to the queue `delayMs` from now on the clock (at once when <= 0). A key already
   * waiting keeps the earlier of its two times, as a delaying queue does.
   */
  after(key: string, delayMs: number): void {
    if (this.stopped) return;
    if (delayMs <= 0) {
      this.queue.add(key);
      return;
    }
    const at = this.clock.now() + delayMs;
    const current = this.pending.get(key);
    if (current && current.at <= at) return;
    current?.timer.cancel();
    const timer = this.clock.setTimer(delayMs, () => {
      if (this.pending.get(key)?.timer !== timer) return;
      this.pending.delete(key);
      this.queue.add(key);
    });
    this.pending.set(key, { at, timer });
  }

  /** Drops the planned wake-up of `key`, if any. */
  cancel(key: string): void {
    this.pending.get(key)?.timer.cancel();
    this.pending.delete(key);
  }

  /** Cancels every wake-up; later calls to `after` are ignored. */
  stop(): void {
    this.stopped = true;
    for (const { timer } of this.pending.values()) timer.cancel();
    this.pending.clear();
  }
}
