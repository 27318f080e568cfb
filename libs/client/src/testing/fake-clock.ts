import type { Clock, Timer } from '../clock';

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * A Clock that only moves when told to. Timers fire in due order (ties in creation order) while
 * `step` walks time forward, and `now()` reads each timer's due time while it runs, as if time had
 * passed for real. Timers created by a firing timer fire in the same `step` when they fall due
 * within it.
 */
export class FakeClock implements Clock {
  private current: number;
  private seq = 0;
  private pending: Pending[] = [];

  /** `start`: the initial time in ms since the epoch; 2026-01-01T00:00:00Z by default. */
  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimer(ms: number, fn: () => void): Timer {
    const entry: Pending = { at: this.current + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.pending.push(entry);
    return {
      cancel: () => {
        entry.cancelled = true;
      },
    };
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  step(ms: number): void {
    const end = this.current + ms;
    for (;;) {
      this.pending = this.pending.filter((p) => !p.cancelled);
      let next: Pending | undefined;
      for (const p of this.pending) {
        if (p.at <= end && (next === undefined || p.at < next.at || (p.at === next.at && p.seq < next.seq))) next = p;
      }
      if (next === undefined) break;
      this.pending.splice(this.pending.indexOf(next), 1);
      this.current = Math.max(this.current, next.at);
      next.fn();
    }
    this.current = end;
  }

  /** Timers that have neither fired nor been cancelled. */
  pendingTimers(): number {
    return this.pending.filter((p) => !p.cancelled).length;
  }

  /** Due time of the earliest pending timer, or undefined when none is pending. */
  nextTimerAt(): number | undefined {
    let min: number | undefined;
    for (const p of this.pending) if (!p.cancelled && (min === undefined || p.at < min)) min = p.at;
    return min;
  }
}
