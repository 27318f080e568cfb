import { createLogger } from '@tskube/component';
import { describe, expect, it } from 'vitest';
import { PodWorkers } from './workers';

const logger = createLogger({ component: 't', level: 'error' });
const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

describe('PodWorkers', () => {
  it('never overlaps syncs of one pod, and runs exactly one more for updates during a sync', async () => {
    let active = 0;
    let maxActive = 0;
    const calls: string[] = [];
    let release!: () => void;
    const w = new PodWorkers({
      logger,
      resyncMs: 60_000,
      sync: async (uid) => {
        active++;
        maxActive = Math.max(maxActive, active);
        calls.push(uid);
        if (calls.length === 1) await new Promise<void>((r) => (release = r));
        active--;
        return undefined;
      },
    });
    w.update('a');
    await tick();
    w.update('a');
    w.update('a');
    w.update('a');
    release();
    for (const deadline = Date.now() + 5_000; calls.length < 2 && Date.now() < deadline; ) await tick(10);
    await tick(50);
    expect(calls).toEqual(['a', 'a']);
    expect(maxActive).toBe(1);
    await w.stop();
  });

  it('syncs again after the requested delay, retries failures, and drops a forgotten pod', async () => {
    const calls: number[] = [];
    let n = 0;
    const w = new PodWorkers({
      logger,
      resyncMs: 60_000,
      sync: async () => {
        n++;
        calls.push(n);
        if (n === 1) return 30;
        if (n === 2) throw new Error('boom');
        return 'forget';
      },
    });
    w.update('a');
    // The retry after the failure waits its 1 s back-off.
    for (const deadline = Date.now() + 15_000; calls.length < 3 && Date.now() < deadline; ) await tick(50);
    expect(calls).toEqual([1, 2, 3]);
    expect(w.uids()).toEqual([]);
    await w.stop();
  });
});
