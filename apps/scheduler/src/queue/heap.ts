/**
 * A binary heap whose items are also addressable by key (kube-scheduler's internal heap): O(log n)
 * add, update, delete and pop, O(1) lookup. `less(a, b)` true means `a` comes out first.
 */
export class KeyedHeap<T> {
  private readonly items: T[] = [];
  private readonly index = new Map<string, number>();

  constructor(
    private readonly keyOf: (item: T) => string,
    private readonly less: (a: T, b: T) => boolean,
  ) {}

  get size(): number {
    return this.items.length;
  }

  has(key: string): boolean {
    return this.index.has(key);
  }

  get(key: string): T | undefined {
    const i = this.index.get(key);
    return i === undefined ? undefined : this.items[i];
  }

  /** Inserts `item`, or replaces the item with the same key and restores the order. */
  addOrUpdate(item: T): void {
    const key = this.keyOf(item);
    const i = this.index.get(key);
    if (i !== undefined) {
      this.items[i] = item;
      if (!this.up(i)) this.down(i);
      return;
    }
    this.items.push(item);
    this.index.set(key, this.items.length - 1);
    this.up(this.items.length - 1);
  }

  /** Removes the item with `key`; returns it, or undefined when absent. */
  delete(key: string): T | undefined {
    const i = this.index.get(key);
    if (i === undefined) return undefined;
    return this.removeAt(i);
  }

  /** The first item without removing it. */
  peek(): T | undefined {
    return this.items[0];
  }

  /** Removes and returns the first item. */
  pop(): T | undefined {
    return this.items.length === 0 ? undefined : this.removeAt(0);
  }

  /** Every item, in no particular order. */
  list(): readonly T[] {
    return this.items;
  }

  private removeAt(i: number): T {
    const item = this.items[i]!;
    const last = this.items.pop()!;
    this.index.delete(this.keyOf(item));
    if (i < this.items.length) {
      this.items[i] = last;
      this.index.set(this.keyOf(last), i);
      if (!this.up(i)) this.down(i);
    }
    return item;
  }

  /** Moves item `i` towards the root while it beats its parent; true when it moved. */
  private up(i: number): boolean {
    const start = i;
    const item = this.items[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = this.items[parent]!;
      if (!this.less(item, p)) break;
      this.items[i] = p;
      this.index.set(this.keyOf(p), i);
      i = parent;
    }
    if (i !== start) {
      this.items[i] = item;
      this.index.set(this.keyOf(item), i);
    }
    return i !== start;
  }

  private down(i: number): void {
    const n = this.items.length;
    const item = this.items[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const child = r < n && this.less(this.items[r]!, this.items[l]!) ? r : l;
      const c = this.items[child]!;
      if (!this.less(c, item)) break;
      this.items[i] = c;
      this.index.set(this.keyOf(c), i);
      i = child;
    }
    this.items[i] = item;
    this.index.set(this.keyOf(item), i);
  }
}
