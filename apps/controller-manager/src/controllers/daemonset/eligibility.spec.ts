import type { appsv1, corev1 } from '@tskube/api-types';
import { describe, expect, it } from 'vitest';
import { addDaemonTolerations, nodeShouldRunDaemonPod } from './eligibility';
import { pinToNode, requiredNodeAffinityMatches, targetNodeName } from './node-affinity';

const node = (name: string, labels: Record<string, string> = {}, taints: corev1.Taint[] = []): corev1.Node => ({ metadata: { name, labels }, spec: { taints } });
const ds = (spec: Partial<corev1.PodSpec> = {}): appsv1.DaemonSet => ({
  metadata: { name: 'agent', namespace: 'ns' },
  spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c' }], ...spec } } },
});

describe('nodeShouldRunDaemonPod', () => {
  it.each([
    { name: 'a plain node', ds: ds(), node: node('n1'), want: { shouldRun: true, shouldContinueRunning: true } },
    { name: 'nodeSelector matching', ds: ds({ nodeSelector: { gpu: 'true' } }), node: node('n1', { gpu: 'true' }), want: { shouldRun: true, shouldContinueRunning: true } },
    { name: 'nodeSelector not matching', ds: ds({ nodeSelector: { gpu: 'true' } }), node: node('n1'), want: { shouldRun: false, shouldContinueRunning: false } },
    { name: 'template nodeName elsewhere', ds: ds({ nodeName: 'n2' }), node: node('n1'), want: { shouldRun: false, shouldContinueRunning: false } },
    {
      name: 'required affinity by label (Gt)',
      ds: ds({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['4'] }] }] } } } }),
      node: node('n1', { cores: '8' }),
      want: { shouldRun: true, shouldContinueRunning: true },
    },
    {
      name: 'required affinity by name not matching',
      ds: ds({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] }] } } } }),
      node: node('n1'),
      want: { shouldRun: false, shouldContinueRunning: false },
    },
    { name: 'untolerated NoSchedule taint: no new pod, the running one stays', ds: ds(), node: node('n1', {}, [{ key: 'dedicated', effect: 'NoSchedule' }]), want: { shouldRun: false, shouldContinueRunning: true } },
    { name: 'untolerated NoExecute taint: nothing runs', ds: ds(), node: node('n1', {}, [{ key: 'dedicated', effect: 'NoExecute' }]), want: { shouldRun: false, shouldContinueRunning: false } },
    { name: 'PreferNoSchedule taints do not matter', ds: ds(), node: node('n1', {}, [{ key: 'dedicated', effect: 'PreferNoSchedule' }]), want: { shouldRun: true, shouldContinueRunning: true } },
    {
      name: 'a tolerated taint',
      ds: ds({ tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'x', effect: 'NoExecute' }] }),
      node: node('n1', {}, [{ key: 'dedicated', value: 'x', effect: 'NoExecute' }]),
      want: { shouldRun: true, shouldContinueRunning: true },
    },
    {
      name: 'node problems are tolerated by the daemon tolerations',
      ds: ds(),
      node: node('n1', {}, [
        { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' },
        { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' },
        { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' },
        { key: 'node.kubernetes.io/disk-pressure', effect: 'NoSchedule' },
      ]),
      want: { shouldRun: true, shouldContinueRunning: true },
    },
    { name: 'network-unavailable only for host-network pods', ds: ds(), node: node('n1', {}, [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }]), want: { shouldRun: false, shouldContinueRunning: true } },
    { name: 'network-unavailable with hostNetwork', ds: ds({ hostNetwork: true }), node: node('n1', {}, [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }]), want: { shouldRun: true, shouldContinueRunning: true } },
  ])('$name', ({ ds, node, want }) => {
    expect(nodeShouldRunDaemonPod(node, ds)).toEqual(want);
  });
});

describe('daemon tolerations', () => {
  it('appends the node-problem tolerations and replaces a matching one that had a time limit', () => {
    const spec: corev1.PodSpec = { containers: [], tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }, { key: 'x', operator: 'Exists' }] };
    addDaemonTolerations(spec);
    expect(spec.tolerations).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
      { key: 'x', operator: 'Exists' },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
      { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
    ]);
  });
});

describe('pinning to a node', () => {
  it('replaces the required terms with the node name and keeps the rest', () => {
    const affinity: corev1.Affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }] },
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [{ key: 'ssd', operator: 'Exists' }] } }],
      },
    };
    const pinned = pinToNode(affinity, 'n7');
    expect(pinned.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toEqual({ nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n7'] }] }] });
    expect(pinned.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution).toEqual(affinity.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution);
    const pod: corev1.Pod = { spec: { containers: [], affinity: pinned } };
    expect(targetNodeName(pod)).toBe('n7');
    expect(targetNodeName({ spec: { ...pod.spec!, nodeName: 'n8' } })).toBe('n8');
    expect(targetNodeName({ spec: { containers: [] } })).toBeUndefined();
    expect(requiredNodeAffinityMatches(pod.spec, node('n7'))).toBe(true);
    expect(requiredNodeAffinityMatches(pod.spec, node('n6'))).toBe(false);
  });
});
