import type { RateLimitingQueue } from './rate-limiting-queue';

export interface RunWorkersOptions<T> {
  /** Aborting shuts the queue down; workers finish their current item and exit. */
  signal?: AbortSignal;
  /**
   * After this many re-queues an item that keeps failing is dropped (forgotten) instead of
   * retried; absent: retried forever, with back-off.
   */
  maxRetries?: number;
  /** Told about every failed sync, before the item is re-queued or dropped. */
  onError?: (err: unknown, item: T, dropped: boolean) => void;
}

/**
 * Runs `workers` concurrent loops that take items from `queue` and `sync` them: success forgets
 * the item's back-off, failure re-queues it rate-limited. The queue guarantees one item is never
 * synced by two workers at once. Resolves once the queue is shut down and every worker has exited.
 */
export async function runWorkers<T>(
  queue: RateLimitingQueue<T>,
  workers: number,
  sync: (item: T) => Promise<void> | void,
  options: RunWorkersOptions<T> = {},
): Promise<void> {
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError('workers must be a positive integer');
  const { signal, maxRetries, onError } = options;
  const onAbort = () => queue.shutDown();
  if (signal?.aborted) queue.shutDown();
  else signal?.addEventListener('abort', onAbort, { once: true });

  const worker = async () => {
    for (;;) {
      const item = await queue.get();
      if (item === undefined) return;
      try {
        await sync(item);
        queue.forget(item);
      } catch (err) {
        const dropped = maxRetries !== undefined && queue.numRequeues(item) >= maxRetries;
        try {
          onError?.(err, item, dropped);
        } catch {
          // A failing error callback must not take the worker (and its item) down with it.
        }
        if (dropped) queue.forget(item);
        else queue.addRateLimited(item);
      } finally {
        queue.done(item);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: workers }, worker));
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
