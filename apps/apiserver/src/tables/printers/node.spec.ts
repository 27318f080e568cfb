import type { corev1 } from '@tskube/api-types';
import { describe, expect, it } from 'vitest';
import { nodePrinter, nodeRoles, nodeStatus } from './node';

const now = new Date('2025-01-01T12:00:00Z');

function node(o: { labels?: Record<string, string>; ready?: string | string[]; unschedulable?: boolean; status?: corev1.NodeStatus } = {}): corev1.Node {
  const readies = o.ready === undefined ? [] : Array.isArray(o.ready) ? o.ready : [o.ready];
  return {
    metadata: { name: 'n1', labels: o.labels, creationTimestamp: '2024-12-29T08:00:00Z' },
    spec: { unschedulable: o.unschedulable },
    status: o.status ?? {
      conditions: [{ type: 'MemoryPressure', status: 'False' }, ...readies.map((status) => ({ type: 'Ready', status }))],
      nodeInfo: {
        kubeletVersion: 'v1.33.1',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        kernelVersion: '6.1.0-18-amd64',
        containerRuntimeVersion: 'containerd://1.7.24',
        architecture: 'amd64',
        bootID: '',
        kubeProxyVersion: '',
        machineID: '',
        operatingSystem: 'linux',
        systemUUID: '',
      },
      addresses: [
        { type: 'Hostname', address: 'n1' },
        { type: 'InternalIP', address: '192.168.1.10' },
        { type: 'InternalIP', address: 'fd00::10' },
      ],
    },
  };
}

describe('node STATUS', () => {
  it.each([
    { name: 'ready', node: node({ ready: 'True' }), want: 'Ready' },
    { name: 'not ready', node: node({ ready: 'False' }), want: 'NotReady' },
    { name: 'ready unknown is not ready', node: node({ ready: 'Unknown' }), want: 'NotReady' },
    { name: 'no Ready condition', node: node(), want: 'Unknown' },
    { name: 'cordoned', node: node({ ready: 'True', unschedulable: true }), want: 'Ready,SchedulingDisabled' },
    { name: 'cordoned without a Ready condition', node: node({ unschedulable: true }), want: 'Unknown,SchedulingDisabled' },
    { name: 'the last Ready condition wins', node: node({ ready: ['False', 'True'] }), want: 'Ready' },
  ])('$name', ({ node, want }) => {
    expect(nodeStatus(node)).toBe(want);
  });
});

describe('node ROLES', () => {
  it.each<{ name: string; labels: Record<string, string>; want: string[] }>([
    { name: 'none', labels: { 'kubernetes.io/hostname': 'n1' }, want: [] },
    { name: 'control plane', labels: { 'node-role.kubernetes.io/control-plane': '' }, want: ['control-plane'] },
    {
      name: 'several, sorted',
      labels: { 'node-role.kubernetes.io/worker': 'true', 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/etcd': '' },
      want: ['control-plane', 'etcd', 'worker'],
    },
    { name: 'an empty role name is ignored', labels: { 'node-role.kubernetes.io/': '' }, want: [] },
    { name: 'legacy kubernetes.io/role', labels: { 'kubernetes.io/role': 'master' }, want: ['master'] },
    { name: 'legacy role empty is ignored', labels: { 'kubernetes.io/role': '' }, want: [] },
    { name: 'both forms, once each', labels: { 'kubernetes.io/role': 'worker', 'node-role.kubernetes.io/worker': '' }, want: ['worker'] },
  ])('$name', ({ labels, want }) => {
    expect(nodeRoles(node({ labels }))).toEqual(want);
  });
});

describe('node row', () => {
  it('prints every column, wide ones included', () => {
    const row = nodePrinter.row(node({ ready: 'True', labels: { 'node-role.kubernetes.io/control-plane': '' } }), { now, group: '' });
    expect(row.cells).toEqual([
      'n1',
      'Ready',
      'control-plane',
      '3d4h',
      'v1.33.1',
      '192.168.1.10',
      '<none>',
      'Debian GNU/Linux 12 (bookworm)',
      '6.1.0-18-amd64',
      'containerd://1.7.24',
    ]);
  });

  it('prints <none> and <unknown> for a node that has not reported', () => {
    const row = nodePrinter.row(node({ status: {} }), { now, group: '' });
    expect(row.cells).toEqual(['n1', 'Unknown', '<none>', '3d4h', '', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>']);
  });
});
