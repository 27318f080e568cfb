import { describe, expect, it } from 'vitest';
import { slowStartBatch } from './slow-start';

describe('slowStartBatch', () => {
  it.each([
    { name: 'zero calls nothing', count: 0, failAt: undefined, wantCalls: 0, wantBatches: [], wantSuccesses: 0 },
    { name: 'batches double: 1, 2, 4, then the rest', count: 10, failAt: undefined, wantCalls: 10, wantBatches: [1, 2, 4, 3], wantSuccesses: 10 },
    { name: 'a failure stops after its batch', count: 10, failAt: 2, wantCalls: 3, wantBatches: [1, 2], wantSuccesses: 2 },
    { name: 'the first call failing stops at once', count: 5, failAt: 0, wantCalls: 1, wantBatches: [1], wantSuccesses: 0 },
  ])('$name', async ({ count, failAt, wantCalls, wantBatches, wantSuccesses }) => {
    let calls = 0;
    let inFlight = 0;
    const batches: number[] = [];
    const result = await slowStartBatch(count, 1, async () => {
      const n = calls++;
      if (inFlight === 0) batches.push(0);
      inFlight++;
      batches[batches.length - 1]!++;
      await Promise.resolve();
      inFlight--;
      if (n === failAt) throw new Error(`call ${n} refused`);
    });
    expect(calls).toBe(wantCalls);
    expect(batches).toEqual(wantBatches);
    expect(result.successes).toBe(wantSuccesses);
    if (failAt === undefined) expect(result.error).toBeUndefined();
    else expect(String(result.error)).toContain(`call ${failAt} refused`);
  });
});
