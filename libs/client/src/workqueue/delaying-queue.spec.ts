import { describe, expect, it } from 'vitest';
import { FakeClock } from '../testing/fake-clock';
import { DelayingWorkQueue } from './delaying-queue';

function setup() {
  const clock = new FakeClock();
  return { clock, q: new DelayingWorkQueue({ clock }) };
}

async function drain(q: DelayingWorkQueue): Promise<string[]> {
  const out: string[] = [];
  while (q.len() > 0) {
    const k = (await q.get())!;
    out.push(k);
    q.done(k);
  }
  return out;
}

describe('DelayingWorkQueue', () => {
  it('queues an item when its delay has passed, not before', () => {
    const { clock, q } = setup();
    q.addAfter('a', 100);
    clock.step(99);
    expect(q.len()).toBe(0);
    expect(q.waitingLen()).toBe(1);
    clock.step(1);
    expect(q.len()).toBe(1);
    expect(q.waitingLen()).toBe(0);
  });

  it.each([
    { name: 'zero', delay: 0 },
    { name: 'negative', delay: -5 },
  ])('queues at once for a $name delay', ({ delay }) => {
    const { q } = setup();
    q.addAfter('a', delay);
    expect(q.len()).toBe(1);
  });

  it.each([
    { name: 'a later add does not postpone', first: 50, second: 100, dueAt: 50 },
    { name: 'an earlier add brings it forward', first: 100, second: 50, dueAt: 50 },
  ])('keeps the earlier due time: $name', ({ first, second, dueAt }) => {
    const { clock, q } = setup();
    q.addAfter('a', first);
    q.addAfter('a', second);
    clock.step(dueAt - 1);
    expect(q.len()).toBe(0);
    clock.step(1);
    expect(q.len()).toBe(1);
    clock.step(200);
    expect(q.len()).toBe(1);
  });

  it('releases items in due order whatever order they were added in', async () => {
    const { clock, q } = setup();
    q.addAfter('c', 30);
    q.addAfter('a', 10);
    q.addAfter('d', 40);
    q.addAfter('b', 20);
    clock.step(25);
    expect(await drain(q)).toEqual(['a', 'b']);
    clock.step(100);
    expect(await drain(q)).toEqual(['c', 'd']);
  });

  it('deduplicates a released item with one already queued', () => {
    const { clock, q } = setup();
    q.add('a');
    q.addAfter('a', 10);
    clock.step(10);
    expect(q.len()).toBe(1);
  });

  it('drops waiting items and refuses new ones on shutDown', () => {
    const { clock, q } = setup();
    q.addAfter('a', 10);
    q.shutDown();
    q.addAfter('b', 10);
    clock.step(100);
    expect(q.len()).toBe(0);
    expect(clock.pendingTimers()).toBe(0);
  });
});
