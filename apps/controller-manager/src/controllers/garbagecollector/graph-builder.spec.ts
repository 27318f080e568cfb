import type { KubeObject } from '@tskube/api-types';
import { beforeEach, describe, expect, it } from 'vitest';
import { AbsentOwnerCache, ownerIdentity, referencesDiff, type OwnerReference } from './graph';
import { GraphBuilder } from './graph-builder';
import { monitoredResources } from './monitors';

function obj(kind: string, name: string, uid: string, meta: Partial<KubeObject['metadata']> = {}, apiVersion = kind === 'ReplicaSet' ? 'apps/v1' : 'v1'): KubeObject {
  return { apiVersion, kind, metadata: { name, namespace: kind === 'Node' ? undefined : 'ns', uid, ...meta } };
}

const ref = (o: KubeObject, extra: Partial<OwnerReference> = {}): OwnerReference => ({
  apiVersion: o.apiVersion,
  kind: o.kind,
  name: o.metadata.name!,
  uid: o.metadata.uid!,
  ...extra,
});

let toDelete: string[];
let toOrphan: string[];
let graph: GraphBuilder;

beforeEach(() => {
  toDelete = [];
  toOrphan = [];
  graph = new GraphBuilder({
    attemptToDelete: (n) => toDelete.push(n.identity.uid),
    attemptToOrphan: (n) => toOrphan.push(n.identity.uid),
  });
});

const rs = obj('ReplicaSet', 'web', 'rs-1');

describe('GraphBuilder', () => {
  it('creates a virtual node for an owner not seen yet and asks for it to be verified', () => {
    graph.observe(obj('Pod', 'p', 'pod-1', { ownerReferences: [ref(rs)] }));
    const owner = graph.node('rs-1')!;
    expect(owner.observed).toBe(false);
    expect(owner.identity).toEqual({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', namespace: 'ns', uid: 'rs-1' });
    expect([...owner.dependents].map((d) => d.identity.uid)).toEqual(['pod-1']);
    expect(toDelete).toEqual(['rs-1']);
  });

  it('turns a virtual node into an observed one when the owner shows up, without further work', () => {
    graph.observe(obj('Pod', 'p', 'pod-1', { ownerReferences: [ref(rs)] }));
    toDelete = [];
    graph.observe(rs);
    expect(graph.node('rs-1')!.observed).toBe(true);
    expect(toDelete).toEqual([]);
  });

  it('places a cluster-scoped owner outside the namespace', () => {
    const node = obj('Node', 'n1', 'node-1');
    expect(ownerIdentity(ref(node), 'ns').namespace).toBe('');
  });

  it('asks to look at the dependents of a deleted owner', () => {
    graph.observe(rs);
    graph.observe(obj('Pod', 'a', 'pod-a', { ownerReferences: [ref(rs)] }));
    graph.observe(obj('Pod', 'b', 'pod-b', { ownerReferences: [ref(rs)] }));
    graph.observeDeleted(rs);
    expect(graph.node('rs-1')).toBeUndefined();
    expect(toDelete.sort()).toEqual(['pod-a', 'pod-b']);
    expect(graph.absentOwners.has({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', namespace: 'ns', uid: 'rs-1' })).toBe(true);
  });

  it('starts a foreground deletion once: the dependents and the owner itself', () => {
    graph.observe(rs);
    graph.observe(obj('Pod', 'a', 'pod-a', { ownerReferences: [ref(rs, { blockOwnerDeletion: true })] }));
    const deleting = { ...rs, metadata: { ...rs.metadata, deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: ['foregroundDeletion'] } };
    graph.observe(deleting);
    expect(toDelete).toEqual(['pod-a', 'rs-1']);
    expect(graph.node('rs-1')!.deletingDependents).toBe(true);
    expect(graph.node('rs-1')!.blockingDependents().map((d) => d.identity.uid)).toEqual(['pod-a']);
    toDelete = [];
    graph.observe({ ...deleting, metadata: { ...deleting.metadata, resourceVersion: '9' } });
    expect(toDelete).toEqual([]);
  });

  it('hands an owner deleted with the orphan finalizer to the orphaning queue', () => {
    graph.observe({ ...rs, metadata: { ...rs.metadata, deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: ['orphan'] } });
    expect(toOrphan).toEqual(['rs-1']);
    expect(toDelete).toEqual([]);
  });

  it('looks again at an owner in foreground deletion when a dependent stops blocking it', () => {
    graph.observe({ ...rs, metadata: { ...rs.metadata, deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: ['foregroundDeletion'] } });
    const pod = obj('Pod', 'a', 'pod-a', { ownerReferences: [ref(rs, { blockOwnerDeletion: true })] });
    graph.observe(pod);
    // A dependent that shows up while the owner waits goes too.
    expect(toDelete).toEqual(['rs-1', 'pod-a']);
    toDelete = [];
    graph.observe({ ...pod, metadata: { ...pod.metadata, ownerReferences: [ref(rs, { blockOwnerDeletion: false })] } });
    expect(toDelete).toEqual(['rs-1']);
    toDelete = [];
    graph.observe({ ...pod, metadata: { ...pod.metadata, ownerReferences: [] } });
    expect(graph.node('rs-1')!.dependents.size).toBe(0);
    // The reference that went no longer blocked.
    expect(toDelete).toEqual([]);
  });

  it('looks again at an owner in foreground deletion when a dependent is deleted', () => {
    graph.observe({ ...rs, metadata: { ...rs.metadata, deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: ['foregroundDeletion'] } });
    const pod = obj('Pod', 'a', 'pod-a', { ownerReferences: [ref(rs, { blockOwnerDeletion: true })] });
    graph.observe(pod);
    toDelete = [];
    graph.observeDeleted(pod);
    expect(toDelete).toEqual(['rs-1']);
  });

  it('forgets a virtual owner verified absent, and looks again at its dependents', () => {
    graph.observe(obj('Pod', 'a', 'pod-a', { ownerReferences: [ref(rs)] }));
    toDelete = [];
    graph.virtualDelete(graph.node('rs-1')!.identity);
    expect(graph.node('rs-1')).toBeUndefined();
    expect(toDelete).toEqual(['pod-a']);
  });

  it('keeps an observed owner that a dependent names wrongly, looking again only at that dependent', () => {
    graph.observe(rs);
    graph.observe(obj('Pod', 'a', 'pod-a', { ownerReferences: [ref(rs)] }));
    graph.observe(obj('Pod', 'b', 'pod-b', { ownerReferences: [{ ...ref(rs), name: 'other' }] }));
    toDelete = [];
    graph.virtualDelete({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'other', namespace: 'ns', uid: 'rs-1' });
    expect(graph.node('rs-1')).toBeDefined();
    expect(toDelete).toEqual(['pod-b']);
  });

  it('drops a virtual owner that no dependent names any more', () => {
    const pod = obj('Pod', 'a', 'pod-a', { ownerReferences: [ref(rs)] });
    graph.observe(pod);
    graph.observe({ ...pod, metadata: { ...pod.metadata, ownerReferences: [] } });
    expect(graph.node('rs-1')).toBeUndefined();
    expect(graph.size).toBe(1);
  });
});

describe('referencesDiff', () => {
  const a: OwnerReference = { apiVersion: 'v1', kind: 'ConfigMap', name: 'a', uid: 'a' };
  const b: OwnerReference = { apiVersion: 'v1', kind: 'ConfigMap', name: 'b', uid: 'b' };
  it.each([
    { name: 'nothing changed', old: [a], next: [a], want: { added: [], removed: [], changed: [] } },
    { name: 'one added', old: [a], next: [a, b], want: { added: [b], removed: [], changed: [] } },
    { name: 'one removed', old: [a, b], next: [b], want: { added: [], removed: [a], changed: [] } },
    {
      name: 'blockOwnerDeletion changed',
      old: [{ ...a, blockOwnerDeletion: true }],
      next: [a],
      want: { added: [], removed: [], changed: [[{ ...a, blockOwnerDeletion: true }, a]] },
    },
  ])('$name', ({ old, next, want }) => expect(referencesDiff(old, next)).toEqual(want));
});

describe('AbsentOwnerCache', () => {
  it('forgets the oldest entries beyond its size', () => {
    const cache = new AbsentOwnerCache(2);
    const id = (uid: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: uid, namespace: 'ns', uid });
    cache.add(id('1'));
    cache.add(id('2'));
    cache.add(id('3'));
    expect([cache.has(id('1')), cache.has(id('2')), cache.has(id('3'))]).toEqual([false, true, true]);
  });
});

describe('monitoredResources', () => {
  const names = monitoredResources().map((r) => `${r.resource}.${r.group}/${r.version}`);
  it.each(['pods./v1', 'configmaps./v1', 'nodes./v1', 'namespaces./v1', 'replicasets.apps/v1', 'jobs.batch/v1', 'leases.coordination.k8s.io/v1'])('watches %s', (n) =>
    expect(names).toContain(n),
  );
  it.each(['events./v1', 'events.events.k8s.io/v1', 'bindings./v1', 'horizontalpodautoscalers.autoscaling/v1', 'componentstatuses./v1'])('leaves out %s', (n) =>
    expect(names).not.toContain(n),
  );
});
