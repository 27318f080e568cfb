import type { Clock, Timer } from '@tskube/client';

interface Entry {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * Many deadlines on one clock timer: a binary min-heap of due times with only its earliest entry
 * armed on the clock. A thousand simulated containers with pending exits cost a thousand small
 * heap entries, not a thousand Node timers. Cancelled entries are dropped lazily (when they reach
 * the top), and the heap is compacted when they make up most of it.
 */
export class TimerQueue {
  private heap: Entry[] = [];
  private seq = 0;
  private cancelled = 0;
  private armed: { at: number; timer: Timer } | undefined;
  private closed = false;

  constructor(private readonly clock: Clock) {}

  /** Runs `fn` once at clock time `at` (ms), or soon after; never synchronously inside this call. */
  at(at: number, fn: () => void): Timer {
    const entry: Entry = { at, seq: this.seq++, fn, cancelled: false };
    if (this.closed) return { cancel: () => undefined };
    this.push(entry);
    this.arm();
    return {
      cancel: () => {
        if (entry.cancelled) return;
        entry.cancelled = true;
        this.cancelled++;
        if (this.cancelled > 64 && this.cancelled * 2 > this.heap.length) this.compact();
      },
    };
  }

  /** Runs `fn` once, `ms` from now. */
  after(ms: number, fn: () => void): Timer {
    return this.at(this.clock.now() + Math.max(0, ms), fn);
  }

  /** A promise that resolves `ms` from now. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.after(ms, resolve));
  }

  /** Entries still waiting (cancelled ones excluded). */
  get size(): number {
    return this.heap.length - this.cancelled;
  }

  /** Drops every pending entry and disarms the clock timer; later `at` calls are ignored. Idempotent. */
  close(): void {
    this.closed = true;
    this.armed?.timer.cancel();
    this.armed = undefined;
    this.heap = [];
    this.cancelled = 0;
  }

  private arm(): void {
    const head = this.peek();
    if (head === undefined) {
      this.armed?.timer.cancel();
      this.armed = undefined;
      return;
    }
    if (this.armed !== undefined && this.armed.at <= head.at) return;
    this.armed?.timer.cancel();
    const at = head.at;
    this.armed = { at, timer: this.clock.setTimer(at - this.clock.now(), () => this.fire()) };
  }

  private fire(): void {
    this.armed = undefined;
    const now = this.clock.now();
    for (;;) {
      const head = this.peek();
      if (head === undefined || head.at > now) break;
      this.pop();
      head.fn();
    }
    if (!this.closed) this.arm();
  }

  /** The earliest live entry, discarding cancelled ones on top. */
  private peek(): Entry | undefined {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) {
      this.pop();
      this.cancelled--;
    }
    return this.heap[0];
  }

  private compact(): void {
    this.heap = this.heap.filter((e) => !e.cancelled);
    this.cancelled = 0;
    // Re-heapify from the last parent down.
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  private push(entry: Entry): void {
    this.heap.push(entry);
    let i = this.heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(this.heap[i]!, this.heap[parent]!)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private pop(): Entry | undefined {
    const top = this.heap[0];
    const last = this.heap.pop();
    if (this.heap.length > 0 && last !== undefined) {
      this.heap[0] = last;
      this.down(0);
    }
    return top;
  }

  private down(i: number): void {
    const n = this.heap.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && less(this.heap[l]!, this.heap[m]!)) m = l;
      if (r < n && less(this.heap[r]!, this.heap[m]!)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  private swap(a: number, b: number): void {
    const t = this.heap[a]!;
    this.heap[a] = this.heap[b]!;
    this.heap[b] = t;
  }
}

function less(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
