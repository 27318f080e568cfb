import { describe, expect, it } from 'vitest';
import { Cache, NamespaceIndex, NodeNameIndex, nodeNameIndexFunc } from './indexer';

interface Pod {
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: { nodeName?: string };
}

const pod = (ns: string, name: string, node?: string, labels?: Record<string, string>): Pod => ({
  metadata: { name, namespace: ns, ...(labels ? { labels } : {}) },
  ...(node ? { spec: { nodeName: node } } : {}),
});

function filled() {
  const cache = new Cache<Pod>({
    indexers: {
      [NodeNameIndex]: nodeNameIndexFunc,
      byLabelApp: (p) => (p.metadata.labels?.['app'] ? [p.metadata.labels['app']] : []),
    },
  });
  cache.add(pod('a', 'p1', 'n1', { app: 'web' }));
  cache.add(pod('a', 'p2', 'n2', { app: 'db' }));
  cache.add(pod('b', 'p1', 'n1', { app: 'web' }));
  cache.add(pod('b', 'p3'));
  return cache;
}

const names = (pods: Pod[]) => pods.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).sort();

describe('Cache', () => {
  it('stores by namespace/name', () => {
    const cache = filled();
    expect(cache.size).toBe(4);
    expect(cache.get('a/p1')?.spec?.nodeName).toBe('n1');
    expect(cache.get('c/p1')).toBeUndefined();
    expect(cache.listKeys().sort()).toEqual(['a/p1', 'a/p2', 'b/p1', 'b/p3']);
  });

  it.each([
    { name: 'namespace a', index: NamespaceIndex, value: 'a', want: ['a/p1', 'a/p2'] },
    { name: 'node n1', index: NodeNameIndex, value: 'n1', want: ['a/p1', 'b/p1'] },
    { name: 'an unused node', index: NodeNameIndex, value: 'n9', want: [] },
    { name: 'a custom index', index: 'byLabelApp', value: 'web', want: ['a/p1', 'b/p1'] },
  ])('looks up by index: $name', ({ index, value, want }) => {
    expect(names(filled().byIndex(index, value))).toEqual(want);
  });

  it('leaves objects without an index value out of that index', () => {
    expect(filled().indexValues(NodeNameIndex).sort()).toEqual(['n1', 'n2']);
  });

  it('moves an updated object between index values', () => {
    const cache = filled();
    cache.update(pod('b', 'p3', 'n2'));
    cache.update(pod('a', 'p2', 'n1'));
    expect(names(cache.byIndex(NodeNameIndex, 'n2'))).toEqual(['b/p3']);
    expect(names(cache.byIndex(NodeNameIndex, 'n1'))).toEqual(['a/p1', 'a/p2', 'b/p1']);
  });

  it('drops a deleted object from every index, by object or by key', () => {
    const cache = filled();
    cache.delete(pod('a', 'p1'));
    cache.delete('b/p1');
    cache.delete('nope/nope');
    expect(cache.byIndex(NodeNameIndex, 'n1')).toEqual([]);
    expect(cache.indexValues(NodeNameIndex)).toEqual(['n2']);
    expect(cache.indexValues('byLabelApp')).toEqual(['db']);
    expect(cache.size).toBe(2);
  });

  it('lists with a selector', () => {
    expect(names(filled().list((p) => p.metadata.labels?.['app'] === 'web'))).toEqual(['a/p1', 'b/p1']);
    expect(filled().list()).toHaveLength(4);
  });

  it('replaces its whole content', () => {
    const cache = filled();
    cache.replace([pod('z', 'only', 'n5')]);
    expect(cache.listKeys()).toEqual(['z/only']);
    expect(cache.indexValues(NamespaceIndex)).toEqual(['z']);
    expect(cache.indexValues(NodeNameIndex)).toEqual(['n5']);
  });

  it('indexes existing objects when an indexer is added later, and refuses duplicates', () => {
    const cache = filled();
    cache.addIndexers({ first: (p) => [p.metadata.name[0]!] });
    expect(names(cache.byIndex('first', 'p'))).toHaveLength(4);
    expect(() => cache.addIndexers({ first: () => [] })).toThrow(/already exists/);
    expect(() => cache.byIndex('missing', 'x')).toThrow(/does not exist/);
  });

  it('indexes an object under several values', () => {
    const cache = new Cache<Pod>({ indexers: { labels: (p) => Object.keys(p.metadata.labels ?? {}) } });
    cache.add(pod('a', 'x', undefined, { k1: '', k2: '' }));
    cache.add(pod('a', 'y', undefined, { k2: '' }));
    expect(names(cache.byIndex('labels', 'k2'))).toEqual(['a/x', 'a/y']);
    cache.update(pod('a', 'x', undefined, { k3: '' }));
    expect(cache.indexValues('labels').sort()).toEqual(['k2', 'k3']);
  });

  it('takes a custom key function', () => {
    const cache = new Cache<Pod>({ keyFunc: (p) => p.metadata.name });
    cache.add(pod('a', 'x'));
    expect(cache.get('x')).toBeDefined();
  });
});
