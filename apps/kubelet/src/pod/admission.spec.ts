import type { corev1 } from '@tskube/api-types';
import { describe, expect, it } from 'vitest';
import { admitPod, podRequests } from './admission';

const node: corev1.Node = { metadata: { name: 'n', labels: { zone: 'a' } }, status: { allocatable: { cpu: '2', memory: '1Gi', pods: '3' } } };

function pod(name: string, requests: Record<string, string> = {}, spec: Partial<corev1.PodSpec> = {}): corev1.Pod {
  return { metadata: { name }, spec: { containers: [{ name: 'c', image: 'x', resources: { requests } }], ...spec } };
}

describe('admitPod', () => {
  it('admits what fits', () => {
    expect(admitPod(pod('a', { cpu: '1', memory: '512Mi' }), [pod('b', { cpu: '1' })], node)).toBeUndefined();
  });

  it.each([
    { name: 'cpu', p: pod('a', { cpu: '1500m' }), admitted: [pod('b', { cpu: '1' })], want: { reason: 'OutOfcpu', message: "Node didn't have enough resource: cpu, requested: 1500, used: 1000, capacity: 2000" } },
    {
      name: 'memory',
      p: pod('a', { memory: '1Gi' }),
      admitted: [pod('b', { memory: '1Mi' })],
      want: { reason: 'OutOfmemory', message: `Node didn't have enough resource: memory, requested: ${1024 ** 3}, used: ${1024 ** 2}, capacity: ${1024 ** 3}` },
    },
    { name: 'pods', p: pod('a'), admitted: [pod('b'), pod('c'), pod('d')], want: { reason: 'OutOfpods', message: "Node didn't have enough resource: pods, requested: 1, used: 3, capacity: 3" } },
    { name: 'node selector', p: pod('a', {}, { nodeSelector: { zone: 'b' } }), admitted: [], want: { reason: 'NodeAffinity', message: "Predicate NodeAffinity failed: node(s) didn't match Pod's node affinity/selector" } },
  ])('refuses a pod short of $name', ({ p, admitted, want }) => {
    expect(admitPod(p, admitted, node)).toEqual(want);
  });

  it('counts the largest init container when it asks more than the containers, and sidecars on top', () => {
    const p: corev1.Pod = {
      spec: {
        initContainers: [
          { name: 'side', image: 'x', restartPolicy: 'Always', resources: { requests: { cpu: '100m' } } },
          { name: 'big', image: 'x', resources: { requests: { cpu: '1' } } },
        ],
        containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '200m' } } }],
      },
    };
    expect(podRequests(p).get('cpu')).toBe(1100);
  });
});
