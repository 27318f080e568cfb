import { metaNamespaceKey, type KeyFunc, type ObjectWithMeta } from './keys';

/** Values an object is indexed under (zero or more). Must be a pure function of the object. */
export type IndexFunc<T> = (obj: T) => string[];

/** Index functions by index name. */
export type Indexers<T> = Record<string, IndexFunc<T>>;

/** The built-in index: objects by metadata.namespace ('' for cluster-scoped ones). */
export const NamespaceIndex = 'namespace';
/** The opt-in index of pods by spec.nodeName (unscheduled pods are not in it). */
export const NodeNameIndex = 'nodeName';

/** Indexes an object under its namespace, as client-go's MetaNamespaceIndexFunc. */
export function namespaceIndexFunc(obj: ObjectWithMeta): string[] {
  return [obj.metadata?.namespace ?? ''];
}

/** Indexes a pod under spec.nodeName; pods not bound to a node are left out. */
export function nodeNameIndexFunc(obj: { spec?: { nodeName?: string } }): string[] {
  const node = obj.spec?.nodeName;
  return node ? [node] : [];
}

/**
 * Read access to a cache: what controllers get. Objects are shared with the cache and every other
 * reader: treat them as read-only and copy before changing them, as with client-go listers.
 */
export interface Lister<T> {
  /** The object under `key` (`namespace/name` by default), or undefined. */
  get(key: string): T | undefined;
  /** Every object `selector` accepts (all without one), in no particular order. */
  list(selector?: (obj: T) => boolean): T[];
  /** Every key, in no particular order. */
  listKeys(): string[];
  /** How many objects the cache holds. */
  readonly size: number;
}

/** Lookups through named indexes. */
export interface IndexedLister<T> extends Lister<T> {
  /** Objects indexed under `value` in index `name`; throws for an unknown index. */
  byIndex(name: string, value: string): T[];
  /** Keys indexed under `value` in index `name`; throws for an unknown index. */
  indexKeys(name: string, value: string): string[];
  /** Every value index `name` currently holds objects under; throws for an unknown index. */
  indexValues(name: string): string[];
}

/** A keyed object cache. Mutations apply at once and are visible to the next read. */
export interface Store<T> extends Lister<T> {
  /** Inserts or replaces the object under its key. */
  add(obj: T): void;
  /** Same as add: the cache does not distinguish, the informer does. */
  update(obj: T): void;
  /** Removes the object with `obj`'s key (or `key` itself); a missing key is a no-op. */
  delete(objOrKey: T | string): void;
  /** Makes the cache hold exactly `items`. */
  replace(items: readonly T[]): void;
}

/** A Store with indexes, client-go's cache.Indexer. */
export interface Indexer<T> extends Store<T>, IndexedLister<T> {
  /** Adds indexes and indexes what is already stored; an existing name throws. */
  addIndexers(indexers: Indexers<T>): void;
}

export interface CacheOptions<T> {
  /** Object key; `metaNamespaceKey` by default. */
  keyFunc?: KeyFunc<T>;
  /** Indexes besides the built-in namespace index, e.g. `{ [NodeNameIndex]: nodeNameIndexFunc }`. */
  indexers?: Indexers<T>;
}

/** The in-memory Indexer informers fill. Synchronous, so readers never see a half-applied change. */
export class Cache<T> implements Indexer<T> {
  private readonly keyFunc: KeyFunc<T>;
  private readonly items = new Map<string, T>();
  private readonly indexers = new Map<string, IndexFunc<T>>();
  /** index name → value → keys. */
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  constructor(options: CacheOptions<T> = {}) {
    this.keyFunc = options.keyFunc ?? ((obj: T) => metaNamespaceKey(obj as ObjectWithMeta));
    this.addIndexers({ [NamespaceIndex]: (obj: T) => namespaceIndexFunc(obj as ObjectWithMeta), ...options.indexers });
  }

  get size(): number {
    return this.items.size;
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  list(selector?: (obj: T) => boolean): T[] {
    const out: T[] = [];
    for (const obj of this.items.values()) if (selector === undefined || selector(obj)) out.push(obj);
    return out;
  }

  listKeys(): string[] {
    return [...this.items.keys()];
  }

  add(obj: T): void {
    const key = this.keyFunc(obj);
    const old = this.items.get(key);
    this.items.set(key, obj);
    this.reindex(key, old, obj);
  }

  update(obj: T): void {
    this.add(obj);
  }

  delete(objOrKey: T | string): void {
    const key = typeof objOrKey === 'string' ? objOrKey : this.keyFunc(objOrKey);
    const old = this.items.get(key);
    if (old === undefined) return;
    this.items.delete(key);
    this.reindex(key, old, undefined);
  }

  replace(items: readonly T[]): void {
    this.items.clear();
    for (const index of this.indices.values()) index.clear();
    for (const obj of items) this.add(obj);
  }

  byIndex(name: string, value: string): T[] {
    return this.indexKeys(name, value).map((k) => this.items.get(k)!);
  }

  indexKeys(name: string, value: string): string[] {
    return [...(this.index(name).get(value) ?? [])];
  }

  indexValues(name: string): string[] {
    return [...this.index(name).keys()];
  }

  addIndexers(indexers: Indexers<T>): void {
    for (const [name, fn] of Object.entries(indexers)) {
      if (this.indexers.has(name)) throw new Error(`indexer ${JSON.stringify(name)} already exists`);
      this.indexers.set(name, fn);
      const index = new Map<string, Set<string>>();
      this.indices.set(name, index);
      for (const [key, obj] of this.items) for (const v of fn(obj)) addTo(index, v, key);
    }
  }

  private index(name: string): Map<string, Set<string>> {
    const index = this.indices.get(name);
    if (index === undefined) throw new Error(`index ${JSON.stringify(name)} does not exist`);
    return index;
  }

  private reindex(key: string, old: T | undefined, next: T | undefined): void {
    for (const [name, fn] of this.indexers) {
      const index = this.indices.get(name)!;
      const before = old === undefined ? [] : fn(old);
      const after = next === undefined ? [] : fn(next);
      if (before.length === 1 && after.length === 1 && before[0] === after[0]) continue;
      for (const v of before) {
        const keys = index.get(v);
        keys?.delete(key);
        if (keys?.size === 0) index.delete(v);
      }
      for (const v of after) addTo(index, v, key);
    }
  }
}

function addTo(index: Map<string, Set<string>>, value: string, key: string): void {
  let keys = index.get(value);
  if (keys === undefined) index.set(value, (keys = new Set()));
  keys.add(key);
}
