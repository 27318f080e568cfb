import { realClock, type Clock, type Timer } from '../clock';
import { WorkQueue, type Queue } from './queue';

/** A Queue that can also add items later. */
export interface DelayingQueue<T> extends Queue<T> {
  /**
   * Adds `item` after `delayMs` (at once when <= 0). An item already waiting keeps the earlier of
   * its two due times. Ignored after shut down; waiting items are dropped by shutDown.
   */
  addAfter(item: T, delayMs: number): void;
}

export interface DelayingQueueOptions {
  clock?: Clock;
}

interface Waiting<T> {
  item: T;
  at: number;
}

/** A min-heap of due times, with stale entries skipped on pop. */
class DueHeap<T> {
  private readonly heap: Waiting<T>[] = [];

  get size(): number {
    return this.heap.length;
  }

  peek(): Waiting<T> | undefined {
    return this.heap[0];
  }

  push(entry: Waiting<T>): void {
    const h = this.heap;
    h.push(entry);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent]!.at <= h[i]!.at) break;
      [h[parent], h[i]] = [h[i]!, h[parent]!];
      i = parent;
    }
  }

  pop(): Waiting<T> | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last !== undefined) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let min = i;
        if (l < h.length && h[l]!.at < h[min]!.at) min = l;
        if (r < h.length && h[r]!.at < h[min]!.at) min = r;
        if (min === i) break;
        [h[min], h[i]] = [h[i]!, h[min]!];
        i = min;
      }
    }
    return top;
  }

  clear(): void {
    this.heap.length = 0;
  }
}

/** client-go's delaying queue: one timer for the earliest due item, on an injected clock. */
export class DelayingWorkQueue<T extends NonNullable<unknown> = string> extends WorkQueue<T> implements DelayingQueue<T> {
  protected readonly clock: Clock;
  private readonly waiting = new Map<T, number>();
  private readonly heap = new DueHeap<T>();
  private timer: Timer | undefined;
  private timerAt: number | undefined;

  constructor(options: DelayingQueueOptions = {}) {
    super();
    this.clock = options.clock ?? realClock;
  }

  addAfter(item: T, delayMs: number): void {
    if (this.shuttingDown()) return;
    if (delayMs <= 0) {
      this.add(item);
      return;
    }
    const at = this.clock.now() + delayMs;
    const current = this.waiting.get(item);
    if (current !== undefined && current <= at) return;
    this.waiting.set(item, at);
    this.heap.push({ item, at });
    this.arm();
  }

  override shutDown(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.timerAt = undefined;
    this.waiting.clear();
    this.heap.clear();
    super.shutDown();
  }

  /** Items waiting for their due time (not yet queued). */
  waitingLen(): number {
    return this.waiting.size;
  }

  private arm(): void {
    const next = this.heap.peek();
    if (next === undefined) return;
    if (this.timerAt !== undefined && this.timerAt <= next.at) return;
    this.timer?.cancel();
    this.timerAt = next.at;
    this.timer = this.clock.setTimer(next.at - this.clock.now(), () => {
      this.timer = undefined;
      this.timerAt = undefined;
      this.release();
    });
  }

  private release(): void {
    const now = this.clock.now();
    for (let top = this.heap.peek(); top !== undefined && top.at <= now; top = this.heap.peek()) {
      this.heap.pop();
      // A stale entry: the item was moved to an earlier time and has been released already.
      if (this.waiting.get(top.item) !== top.at) continue;
      this.waiting.delete(top.item);
      this.add(top.item);
    }
    this.arm();
  }
}
