import { describe, expect, it } from 'vitest';
import { makeNode } from '../framework/testing';
import { NodeTree, zoneKey } from './node-tree';

const inZone = (name: string, zone?: string) => (zone === undefined ? makeNode(name).obj() : makeNode(name).label('topology.kubernetes.io/zone', zone).obj());

describe('NodeTree', () => {
  it('interleaves zones so that any prefix of the list covers them', () => {
    const t = new NodeTree();
    for (const [n, z] of [['a1', 'a'], ['a2', 'a'], ['a3', 'a'], ['b1', 'b'], ['c1', 'c'], ['b2', 'b']] as const) t.add(inZone(n, z));
    expect(t.list()).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'a3']);
    expect(t.size).toBe(6);
  });

  it('moves a node whose zone changed and forgets removed ones', () => {
    const t = new NodeTree();
    t.add(inZone('n1', 'a'));
    t.add(inZone('n2', 'a'));
    t.add(inZone('n1', 'b'));
    expect(t.list()).toEqual(['n2', 'n1']);
    t.remove(inZone('n2'));
    t.remove(inZone('missing'));
    expect(t.list()).toEqual(['n1']);
  });

  it.each<{ labels: Record<string, string>; want: string }>([
    { labels: {}, want: '' },
    { labels: { 'topology.kubernetes.io/zone': 'z' }, want: ':\u0000:z' },
    { labels: { 'failure-domain.beta.kubernetes.io/region': 'r', 'failure-domain.beta.kubernetes.io/zone': 'z' }, want: 'r:\u0000:z' },
  ])('zoneKey($labels) = $want', ({ labels, want }) => {
    expect(zoneKey(makeNode('n').labels(labels).obj())).toBe(want);
  });
});
