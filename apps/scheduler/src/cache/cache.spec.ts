import { describe, expect, it } from 'vitest';
import { PodInfo } from '../framework/pod-info';
import { makeNode, makePod } from '../framework/testing';
import { CacheError, SchedulerCache } from './cache';

const podNames = (cache: SchedulerCache, node: string) => cache.snapshot().get(node)?.pods.map((p) => p.pod.metadata?.name) ?? [];

function withNodes(...names: string[]): SchedulerCache {
  const cache = new SchedulerCache();
  for (const n of names) cache.addNode(makeNode(n).obj());
  return cache;
}

describe('SchedulerCache assumed pods', () => {
  it('counts an assumed pod at once and forgets it when binding fails', () => {
    const cache = withNodes('n1');
    const info = new PodInfo(makePod('p').req({ cpu: '1' }).obj());
    cache.assumePod(info, 'n1');
    expect(cache.isAssumed('uid-p')).toBe(true);
    expect(podNames(cache, 'n1')).toEqual(['p']);
    expect(cache.snapshot().get('n1')!.requested.milliCPU).toBe(1000);
    expect(() => cache.assumePod(info, 'n1')).toThrow(CacheError);
    cache.forgetPod('uid-p');
    expect(podNames(cache, 'n1')).toEqual([]);
    expect(cache.snapshot().get('n1')!.requested.milliCPU).toBe(0);
  });

  it.each([
    { name: 'on the assumed node', boundTo: 'n1', want: { n1: ['p'], n2: [] } },
    { name: 'moving a pod bound elsewhere', boundTo: 'n2', want: { n1: [], n2: ['p'] } },
  ])('the informer confirms an assumed pod $name', ({ boundTo, want }) => {
    const cache = withNodes('n1', 'n2');
    cache.assumePod(new PodInfo(makePod('p').obj()), 'n1');
    cache.addPod(makePod('p').node(boundTo).obj());
    expect(cache.isAssumed('uid-p')).toBe(false);
    expect({ n1: podNames(cache, 'n1'), n2: podNames(cache, 'n2') }).toEqual(want);
    cache.forgetPod('uid-p');
    expect(cache.podCount).toBe(1);
  });

  it('keeps pods of a node removed before them, and pods that arrive before their node', () => {
    const cache = withNodes('n1');
    cache.addPod(makePod('a').node('n1').obj());
    cache.removeNode(makeNode('n1').obj());
    expect(cache.snapshot().size).toBe(0);
    cache.addPod(makePod('early').node('n2').obj());
    cache.addNode(makeNode('n1').obj());
    cache.addNode(makeNode('n2').obj());
    expect(podNames(cache, 'n1')).toEqual(['a']);
    expect(podNames(cache, 'n2')).toEqual(['early']);
    cache.removePod(makePod('a').node('n1').obj());
    cache.removePod(makePod('never-added').obj());
    expect(podNames(cache, 'n1')).toEqual([]);
  });
});

describe('SchedulerCache snapshot', () => {
  it('copies only changed nodes and keeps the Snapshot object while the node list holds', () => {
    const cache = withNodes('n1', 'n2');
    const s1 = cache.snapshot();
    const n1 = s1.get('n1')!;
    const n2 = s1.get('n2')!;
    expect(cache.snapshot()).toBe(s1);
    const n2Generation = n2.generation;
    cache.addPod(makePod('p').node('n1').obj());
    const s2 = cache.snapshot();
    expect(s2).toBe(s1);
    expect(s2.get('n1')).toBe(n1);
    expect(n1.pods.map((p) => p.pod.metadata?.name)).toEqual(['p']);
    expect(n2.generation).toBe(n2Generation);
    expect(n1).not.toBe(cache.nodeInfo('n1'));
  });

  it('is isolated from the cache until the next call', () => {
    const cache = withNodes('n1');
    const snap = cache.snapshot();
    cache.addPod(makePod('p').node('n1').obj());
    expect(snap.get('n1')!.pods).toHaveLength(0);
    cache.addNode(makeNode('n3').obj());
    expect(snap.size).toBe(1);
    const next = cache.snapshot();
    expect(next.size).toBe(2);
    expect(next.get('n1')!.pods).toHaveLength(1);
  });

  it('rebuilds the affinity lists when a node gains or loses affinity pods', () => {
    const cache = withNodes('n1', 'n2');
    expect(cache.snapshot().havePodsWithAffinity).toEqual([]);
    const anti = makePod('anti').node('n2').podAntiAffinity('kubernetes.io/hostname', 'app', 'web').obj();
    cache.addPod(anti);
    const snap = cache.snapshot();
    expect(snap.havePodsWithAffinity.map((n) => n.name)).toEqual(['n2']);
    expect(snap.havePodsWithRequiredAntiAffinity.map((n) => n.name)).toEqual(['n2']);
    cache.removePod(anti);
    expect(cache.snapshot().havePodsWithRequiredAntiAffinity).toEqual([]);
  });

  it('orders nodes zone by zone and counts images per node', () => {
    const cache = new SchedulerCache();
    cache.addNode(makeNode('a1').label('topology.kubernetes.io/zone', 'a').image(10, 'nginx:1').obj());
    cache.addNode(makeNode('a2').label('topology.kubernetes.io/zone', 'a').image(10, 'nginx:1').obj());
    cache.addNode(makeNode('b1').label('topology.kubernetes.io/zone', 'b').obj());
    const snap = cache.snapshot();
    expect(snap.nodeInfos.map((n) => n.name)).toEqual(['a1', 'b1', 'a2']);
    expect(snap.imageNumNodes('nginx:1')).toBe(2);
    cache.updateNode(makeNode('a2').obj(), makeNode('a2').label('topology.kubernetes.io/zone', 'a').obj());
    expect(cache.snapshot().imageNumNodes('nginx:1')).toBe(1);
    cache.removeNode(makeNode('a1').obj());
    expect(cache.snapshot().imageNumNodes('nginx:1')).toBe(0);
    expect(cache.nodeCount).toBe(2);
  });
});
