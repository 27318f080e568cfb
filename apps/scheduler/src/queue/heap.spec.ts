import { describe, expect, it } from 'vitest';
import { KeyedHeap } from './heap';

type Item = { key: string; v: number };
const newHeap = () => new KeyedHeap<Item>((i) => i.key, (a, b) => a.v < b.v);

function drain(h: KeyedHeap<Item>): string[] {
  const out: string[] = [];
  for (let it = h.pop(); it !== undefined; it = h.pop()) out.push(it.key);
  return out;
}

describe('KeyedHeap', () => {
  it('pops in order and finds items by key', () => {
    const h = newHeap();
    for (const [key, v] of [['c', 3], ['a', 1], ['e', 5], ['b', 2], ['d', 4]] as const) h.addOrUpdate({ key, v });
    expect(h.size).toBe(5);
    expect(h.get('e')).toEqual({ key: 'e', v: 5 });
    expect(h.peek()?.key).toBe('a');
    expect(drain(h)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(h.pop()).toBeUndefined();
  });

  it.each([
    { name: 'update moves an item up', update: { key: 'e', v: 0 }, want: ['e', 'a', 'b', 'c', 'd'] },
    { name: 'update moves an item down', update: { key: 'a', v: 9 }, want: ['b', 'c', 'd', 'e', 'a'] },
  ])('$name', ({ update, want }) => {
    const h = newHeap();
    for (const [key, v] of [['a', 1], ['b', 2], ['c', 3], ['d', 4], ['e', 5]] as const) h.addOrUpdate({ key, v });
    h.addOrUpdate(update);
    expect(h.size).toBe(5);
    expect(drain(h)).toEqual(want);
  });

  it('deletes from the middle and keeps the order', () => {
    const h = newHeap();
    for (let i = 0; i < 50; i++) h.addOrUpdate({ key: `k${i}`, v: (i * 37) % 50 });
    for (let i = 0; i < 50; i += 3) expect(h.delete(`k${i}`)?.key).toBe(`k${i}`);
    expect(h.delete('missing')).toBeUndefined();
    const values: number[] = [];
    for (let it = h.pop(); it !== undefined; it = h.pop()) values.push(it.v);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(values).toHaveLength(50 - 17);
  });
});
