import type { Logger } from '@tskube/component';

interface Worker {
  running: Promise<void> | undefined;
  dirty: boolean;
  timer: NodeJS.Timeout | undefined;
  /** When the timer fires, ms since the epoch. */
  timerAt: number;
  failures: number;
}

export interface PodWorkersOptions {
  /**
   * Syncs one pod. Resolves with when to sync again at the latest (undefined: at the periodic
   * resync), or 'forget' when the pod is gone and its worker can go too.
   */
  sync(uid: string): Promise<number | undefined | 'forget'>;
  logger: Logger;
  /** Every pod is synced at least this often; 10 s by default. */
  resyncMs?: number;
}

/**
 * One worker per pod, as the kubelet's pod workers: syncs of one pod never overlap; an update
 * that arrives during a sync makes exactly one more sync follow it; a failed sync is retried
 * with back-off (1 s doubling to 30 s); and every pod is synced again after its requested delay
 * or the periodic resync, whichever comes first.
 */
export class PodWorkers {
  private readonly workers = new Map<string, Worker>();
  private readonly resyncMs: number;
  private stopped = false;

  constructor(private readonly opts: PodWorkersOptions) {
    this.resyncMs = opts.resyncMs ?? 10_000;
  }

  /** The pods that have a worker. */
  uids(): string[] {
    return [...this.workers.keys()];
  }

  /** Syncs the pod now (or right after its sync in progress). */
  update(uid: string): void {
    if (this.stopped) return;
    let w = this.workers.get(uid);
    if (!w) {
      w = { running: undefined, dirty: false, timer: undefined, timerAt: 0, failures: 0 };
      this.workers.set(uid, w);
    }
    if (w.running) {
      w.dirty = true;
      return;
    }
    this.run(uid, w);
  }

  private run(uid: string, w: Worker): void {
    if (w.timer) clearTimeout(w.timer);
    w.timer = undefined;
    w.running = (async () => {
      let next: number | undefined | 'forget';
      do {
        w.dirty = false;
        try {
          next = await this.opts.sync(uid);
          w.failures = 0;
        } catch (err) {
          w.failures++;
          next = Math.min(30_000, 1000 * 2 ** (w.failures - 1));
          this.opts.logger.warn('pod sync failed', { uid, err: (err as Error)?.message ?? String(err), retryInMs: next });
        }
      } while (w.dirty && !this.stopped && next !== 'forget');
      w.running = undefined;
      if (this.stopped) return;
      if (next === 'forget') {
        this.workers.delete(uid);
        return;
      }
      this.schedule(uid, w, Math.min(next ?? this.resyncMs, this.resyncMs));
    })();
  }

  private schedule(uid: string, w: Worker, delayMs: number): void {
    const at = Date.now() + delayMs;
    if (w.timer && w.timerAt <= at) return;
    if (w.timer) clearTimeout(w.timer);
    w.timerAt = at;
    w.timer = setTimeout(() => {
      w.timer = undefined;
      this.update(uid);
    }, delayMs);
  }

  /** Stops scheduling syncs and waits for those in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    const running: Promise<void>[] = [];
    for (const w of this.workers.values()) {
      if (w.timer) clearTimeout(w.timer);
      if (w.running) running.push(w.running);
    }
    await Promise.allSettled(running);
  }
}
