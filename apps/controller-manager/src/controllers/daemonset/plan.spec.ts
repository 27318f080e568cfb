import type { appsv1, corev1 } from '@tskube/api-types';
import { describe, expect, it } from 'vitest';
import { daemonCounts, planNode, rollingUpdateStep, scaledValue } from './plan';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const HASH = 'new';

const node = (name: string, taints: corev1.Taint[] = []): corev1.Node => ({ metadata: { name }, spec: { taints } });
function ds(rolling: appsv1.RollingUpdateDaemonSet = { maxUnavailable: 1, maxSurge: 0 }, minReadySeconds = 0): appsv1.DaemonSet {
  return {
    metadata: { name: 'agent', namespace: 'ns', generation: 2 },
    spec: { minReadySeconds, updateStrategy: { type: 'RollingUpdate', rollingUpdate: rolling }, selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c' }] } } },
  };
}
let seq = 0;
function pod(nodeName: string, hash: string, opts: { ready?: boolean; phase?: string; deleting?: boolean; ageSec?: number } = {}): corev1.Pod {
  const created = new Date(NOW - (opts.ageSec ?? 600) * 1000).toISOString();
  return {
    metadata: { name: `agent-${nodeName}-${hash}-${seq++}`, labels: { app: 'agent', 'controller-revision-hash': hash }, creationTimestamp: created, ...(opts.deleting ? { deletionTimestamp: created } : {}) },
    spec: { nodeName, containers: [] },
    status: { phase: opts.phase ?? 'Running', conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True', lastTransitionTime: created }] },
  };
}
const always = () => true;

describe('planNode', () => {
  it('creates where a pod should run and none exists', () => {
    expect(planNode(node('n1'), ds(), undefined, HASH, NOW, always)).toEqual({ create: true, delete: [], backedOff: 0 });
  });
  it('deletes a failed pod (when not backed off) and a succeeded one', () => {
    const failed = pod('n1', HASH, { phase: 'Failed' });
    const done = pod('n1', HASH, { phase: 'Succeeded' });
    expect(planNode(node('n1'), ds(), [failed, done], HASH, NOW, always).delete).toEqual([failed.metadata?.name, done.metadata?.name]);
    expect(planNode(node('n1'), ds(), [failed], HASH, NOW, () => false)).toEqual({ create: false, delete: [], backedOff: 1 });
  });
  it('keeps only the oldest of several pods without surge', () => {
    const old = pod('n1', HASH, { ageSec: 900 });
    const young = pod('n1', HASH, { ageSec: 10 });
    expect(planNode(node('n1'), ds(), [young, old], HASH, NOW, always).delete).toEqual([young.metadata?.name]);
  });
  it('with surge keeps an old pod next to a new one until the new one is available', () => {
    const surge = ds({ maxSurge: 1, maxUnavailable: 0 }, 30);
    const old = pod('n1', 'old');
    const fresh = pod('n1', HASH, { ageSec: 5 });
    expect(planNode(node('n1'), surge, [old, fresh], HASH, NOW, always).delete).toEqual([]);
    const available = pod('n1', HASH, { ageSec: 60 });
    expect(planNode(node('n1'), surge, [old, available], HASH, NOW, always).delete).toEqual([old.metadata?.name]);
    const oldNotReady = pod('n1', 'old', { ready: false });
    expect(planNode(node('n1'), surge, [oldNotReady, fresh], HASH, NOW, always).delete).toEqual([oldNotReady.metadata?.name]);
  });
  it('deletes every pod on a node it may no longer run on', () => {
    const p = pod('n1', HASH);
    expect(planNode(node('n1', [{ key: 'k', effect: 'NoExecute' }]), ds(), [p], HASH, NOW, always).delete).toEqual([p.metadata?.name]);
    expect(planNode(node('n1', [{ key: 'k', effect: 'NoSchedule' }]), ds(), [p], HASH, NOW, always).delete).toEqual([]);
  });
});

describe('rollingUpdateStep', () => {
  const nodes = ['a', 'b', 'c', 'd'].map((n) => node(n));
  const map = (pods: corev1.Pod[]) => {
    const m = new Map<string, corev1.Pod[]>();
    for (const p of pods) m.set(p.spec!.nodeName!, [...(m.get(p.spec!.nodeName!) ?? []), p]);
    return m;
  };

  it.each([
    { name: 'maxUnavailable 1 deletes one old pod', rolling: { maxUnavailable: 1, maxSurge: 0 }, pods: ['old', 'old', 'old', 'old'], want: 1 },
    { name: 'maxUnavailable 50% of 4 deletes two', rolling: { maxUnavailable: '50%', maxSurge: 0 }, pods: ['old', 'old', 'old', 'old'], want: 2 },
    { name: 'an unavailable new pod uses up the budget', rolling: { maxUnavailable: 1, maxSurge: 0 }, pods: ['new-unready', 'old', 'old', 'old'], want: 0 },
    { name: 'a node without a pod counts as unavailable', rolling: { maxUnavailable: 2, maxSurge: 0 }, pods: ['old', 'old', 'old'], want: 1 },
    { name: 'neither configured means maxUnavailable 1', rolling: { maxUnavailable: 0, maxSurge: 0 }, pods: ['old', 'old', 'old', 'old'], want: 1 },
  ])('$name', ({ rolling, pods, want }) => {
    const list = pods.map((h, i) => pod(nodes[i]!.metadata!.name!, h.startsWith('new') ? HASH : 'old', { ready: !h.endsWith('unready') }));
    const step = rollingUpdateStep({ ds: ds(rolling as appsv1.RollingUpdateDaemonSet), nodes, nodeToPods: map(list), hash: HASH, nowMs: NOW });
    expect(step.createOn).toEqual([]);
    expect(step.deletePods).toHaveLength(want);
    for (const name of step.deletePods) expect(list.find((p) => p.metadata?.name === name)?.metadata?.labels?.['controller-revision-hash']).toBe('old');
  });

  it('an old pod that is not available is always replaced', () => {
    const list = [pod('a', 'old', { ready: false }), pod('b', 'old'), pod('c', 'old'), pod('d', 'old')];
    const step = rollingUpdateStep({ ds: ds({ maxUnavailable: 1, maxSurge: 0 }), nodes, nodeToPods: map(list), hash: HASH, nowMs: NOW });
    expect(step.deletePods).toEqual([list[0]!.metadata?.name]);
  });

  it('maxSurge creates next to up to maxSurge available old pods and deletes old pods whose successor is available', () => {
    const surge = ds({ maxSurge: 2, maxUnavailable: 0 });
    const list = [pod('a', 'old'), pod('b', 'old'), pod('c', 'old'), pod('d', 'old')];
    const first = rollingUpdateStep({ ds: surge, nodes, nodeToPods: map(list), hash: HASH, nowMs: NOW });
    expect(first).toEqual({ deletePods: [], createOn: ['a', 'b'] });
    const later = [...list, pod('a', HASH), pod('b', HASH, { ready: false })];
    const second = rollingUpdateStep({ ds: surge, nodes, nodeToPods: map(later), hash: HASH, nowMs: NOW });
    expect(second.deletePods).toEqual([list[0]!.metadata?.name]);
    // b's surge pod is still starting: only one more node may surge.
    expect(second.createOn).toEqual(['c']);
  });
});

describe('daemonCounts', () => {
  it('counts desired, scheduled, misscheduled, ready, available and updated per node', () => {
    const nodes = [node('a'), node('b'), node('c'), node('d', [{ key: 'k', effect: 'NoSchedule' }])];
    const pods = new Map([
      ['a', [pod('a', HASH)]],
      ['b', [pod('b', 'old', { ready: false })]],
      ['d', [pod('d', HASH)]],
      ['gone', [pod('gone', HASH)]],
    ]);
    expect(daemonCounts(ds(), nodes, pods, HASH, NOW)).toEqual({
      desiredNumberScheduled: 3,
      currentNumberScheduled: 2,
      numberMisscheduled: 1,
      numberReady: 1,
      updatedNumberScheduled: 1,
      numberAvailable: 1,
      numberUnavailable: 2,
    });
  });

  it.each([
    { v: 1, total: 10, want: 1 },
    { v: '25%', total: 10, want: 3 },
    { v: '0%', total: 10, want: 0 },
    { v: undefined, total: 10, want: 0 },
  ])('scaledValue($v of $total) = $want', ({ v, total, want }) => {
    expect(scaledValue(v, total)).toBe(want);
  });
});
