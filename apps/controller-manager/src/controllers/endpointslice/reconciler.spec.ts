import type { corev1 } from '@tskube/api-types';
import { describe, expect, it } from 'vitest';
import { reconcile, type EndpointSlice, type ReconcileInput, type ReconcilePlan } from './reconciler';

const service: corev1.Service = {
  metadata: { name: 'web', namespace: 'ns', uid: 'svc-uid', labels: { app: 'web' } },
  spec: { selector: { app: 'web' }, clusterIP: '10.96.0.10', ipFamilies: ['IPv4'], ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
};

function pod(i: number, o: { ready?: boolean; port?: number; node?: string } = {}): corev1.Pod {
  return {
    metadata: { name: `p${String(i).padStart(3, '0')}`, namespace: 'ns', uid: `uid-${i}`, labels: { app: 'web' } },
    spec: { nodeName: o.node ?? 'n1', containers: [{ name: 'c', ports: [{ name: 'http', containerPort: o.port ?? 8080 }] }] },
    status: { phase: 'Running', podIP: `10.0.${Math.floor(i / 250)}.${i % 250}`, conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
  };
}

const nodes: Record<string, corev1.Node> = { n1: { metadata: { name: 'n1', labels: { 'topology.kubernetes.io/zone': 'z1' } } } };

let seq = 0;
/** Plays the apiserver: names new slices, keeps the rest. */
function apply(existing: EndpointSlice[], plan: ReconcilePlan): EndpointSlice[] {
  const gone = new Set(plan.delete.map((s) => s.metadata?.name));
  const updated = new Map(plan.update.map((s) => [s.metadata?.name, s]));
  const kept = existing.filter((s) => !gone.has(s.metadata?.name)).map((s) => updated.get(s.metadata?.name) ?? s);
  const created = plan.create.map((s) => ({ ...s, metadata: { ...s.metadata, name: `${s.metadata?.generateName}${++seq}`, uid: `slice-${seq}` } }));
  return [...kept, ...created];
}

function run(pods: corev1.Pod[], existing: EndpointSlice[], max = 100, svc = service): { plan: ReconcilePlan; slices: EndpointSlice[] } {
  const input: ReconcileInput = { service: svc, pods, node: (n) => nodes[n], existing, maxEndpointsPerSlice: max };
  const plan = reconcile(input);
  return { plan, slices: apply(existing, plan) };
}

const sizes = (slices: EndpointSlice[]) => slices.map((s) => s.endpoints.length).sort((a, b) => a - b);
const counts = (p: ReconcilePlan) => ({ create: p.create.length, update: p.update.length, delete: p.delete.length });
const range = (from: number, to: number, o?: Parameters<typeof pod>[1]) => Array.from({ length: to - from }, (_, i) => pod(from + i, o));

describe('reconcile', () => {
  it('creates a placeholder for a service without endpoints, and keeps it', () => {
    const first = run([], []);
    expect(counts(first.plan)).toEqual({ create: 1, update: 0, delete: 0 });
    expect(first.slices[0]!.endpoints).toEqual([]);
    expect(first.slices[0]!.ports).toEqual([]);
    expect(counts(run([], first.slices).plan)).toEqual({ create: 0, update: 0, delete: 0 });
  });

  it('turns the placeholder into the first slice instead of replacing it', () => {
    const { slices } = run([], []);
    const next = run(range(0, 3), slices);
    expect(counts(next.plan)).toEqual({ create: 0, update: 1, delete: 0 });
    expect(next.slices[0]!.metadata?.name).toBe(slices[0]!.metadata?.name);
    expect(next.slices[0]!.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
  });

  it.each([
    { name: '250 endpoints in slices of 100', pods: 250, max: 100, want: [50, 100, 100] },
    { name: 'exactly full', pods: 100, max: 100, want: [100] },
    { name: 'small slices', pods: 7, max: 3, want: [1, 3, 3] },
  ])('$name', ({ pods, max, want }) => {
    const { slices } = run(range(0, pods), [], max);
    expect(sizes(slices)).toEqual(want);
    expect(counts(run(range(0, pods), slices, max).plan)).toEqual({ create: 0, update: 0, delete: 0 });
  });

  it('updates endpoints in place and deletes a slice left empty', () => {
    const { slices } = run(range(0, 150), []);
    const small = slices.find((s) => s.endpoints.length === 50)!;
    const gone = new Set(small.endpoints.map((e) => e.targetRef?.name));
    const pods = range(0, 150)
      .filter((p) => !gone.has(p.metadata?.name))
      .map((p, i) => (i === 0 ? pod(Number(p.metadata!.uid!.slice(4)), { ready: false }) : p));
    const next = run(pods, slices);
    expect(counts(next.plan)).toEqual({ create: 0, update: 1, delete: 1 });
    expect(next.plan.delete[0]!.metadata?.name).toBe(small.metadata?.name);
    expect(next.plan.update[0]!.endpoints[0]!.conditions).toEqual({ ready: false, serving: false, terminating: false });
  });

  it('fills a slice being updated before opening a new one', () => {
    const { slices } = run(range(0, 120), []);
    // One endpoint leaves the 100-slice; 15 new pods arrive.
    const full = slices.find((s) => s.endpoints.length === 100)!;
    const leaving = full.endpoints[0]!.targetRef!.name!;
    const pods = [...range(0, 120).filter((p) => p.metadata?.name !== leaving), ...range(200, 215)];
    const next = run(pods, slices);
    expect(counts(next.plan)).toEqual({ create: 0, update: 2, delete: 0 });
    expect(sizes(next.slices)).toEqual([34, 100]);
  });

  it('puts a few new endpoints into the unchanged slice that fits them best', () => {
    const { slices } = run(range(0, 190), [], 100);
    const next = run(range(0, 195), slices, 100);
    expect(counts(next.plan)).toEqual({ create: 0, update: 1, delete: 0 });
    expect(sizes(next.slices)).toEqual([95, 100]);
  });

  it('separates pods serving different ports into different slices', () => {
    const { slices } = run([pod(1, { port: 8080 }), pod(2, { port: 9090 })], []);
    expect(slices.map((s) => s.ports?.[0]?.port).sort()).toEqual([8080, 9090]);
  });

  it('deletes slices owned by an older service of the same name and of dropped address types', () => {
    const { slices } = run(range(0, 2), []);
    const foreign = { ...slices[0]!, metadata: { ...slices[0]!.metadata, name: 'web-old', ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'old' }] } };
    const v6 = { ...slices[0]!, metadata: { ...slices[0]!.metadata, name: 'web-v6' }, addressType: 'IPv6' };
    const next = run(range(0, 2), [...slices, foreign, v6] as EndpointSlice[]);
    expect(next.plan.delete.map((s) => s.metadata?.name).sort()).toEqual(['web-old', 'web-v6']);
    expect(counts(next.plan)).toEqual({ create: 0, update: 0, delete: 2 });
  });

  it('leaves out pods on unknown nodes and reports them', () => {
    const { plan, slices } = run([pod(1), pod(2, { node: 'ghost' })], []);
    expect(slices.flatMap((s) => s.endpoints.map((e) => e.targetRef?.name))).toEqual(['p001']);
    expect(plan.missingNodes).toHaveLength(1);
  });

  it('updates labels when the service labels change', () => {
    const { slices } = run(range(0, 2), []);
    const relabelled = { ...service, metadata: { ...service.metadata, labels: { app: 'web', tier: 'x' } } };
    const next = run(range(0, 2), slices, 100, relabelled);
    expect(counts(next.plan)).toEqual({ create: 0, update: 1, delete: 0 });
    expect(next.plan.update[0]!.metadata?.labels?.tier).toBe('x');
  });
});
