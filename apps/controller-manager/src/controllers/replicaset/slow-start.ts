/** The first batch of slow-start creation (controller.SlowStartInitialBatchSize). */
export const slowStartInitialBatchSize = 1;

/** What a slow-start run did. */
export interface SlowStartResult {
  /** Calls of `fn` that succeeded. */
  successes: number;
  /** The first failure of the batch that stopped the run; undefined when every call succeeded. */
  error?: unknown;
}

/**
 * Calls `fn` `count` times in batches of growing size (1, 2, 4, ...), each batch concurrently, as
 * Kubernetes' slowStartBatch: a batch with any failure stops the run, so a controller whose creates
 * are all refused (quota, admission) makes one failed call per sync instead of hundreds. Calls not
 * made are neither successes nor failures: the caller lowers its expectations by
 * `count - successes`.
 */
export async function slowStartBatch(count: number, initialBatchSize: number, fn: () => Promise<void>): Promise<SlowStartResult> {
  let remaining = count;
  let successes = 0;
  for (let batch = Math.min(remaining, initialBatchSize); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn()));
    let error: unknown;
    let failed = false;
    for (const r of results) {
      if (r.status === 'fulfilled') successes++;
      else if (!failed) {
        failed = true;
        error = r.reason;
      }
    }
    if (failed) return { successes, error };
    remaining -= batch;
  }
  return { successes };
}
