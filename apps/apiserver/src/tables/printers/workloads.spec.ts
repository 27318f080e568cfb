import type { appsv1, corev1 } from '@tskube/api-types';
import { describe, expect, it } from 'vitest';
import {
  controllerName,
  controllerRevisionPrinter,
  daemonSetPrinter,
  deploymentPrinter,
  podTemplatePrinter,
  replicaSetPrinter,
  replicationControllerPrinter,
  statefulSetPrinter,
} from './workloads';

const now = new Date('2025-01-01T12:00:00Z');
const ctx = { now, group: 'apps' };
const metadata = { name: 'web', namespace: 'default', creationTimestamp: '2025-01-01T09:00:00Z' };
const template: corev1.PodTemplateSpec = {
  metadata: { labels: { app: 'web' } },
  spec: {
    containers: [
      { name: 'web', image: 'nginx:1.27' },
      { name: 'log', image: 'busybox' },
    ],
  },
};
const selector = { matchLabels: { app: 'web' } };

describe('workload rows', () => {
  it('deployment: READY ready/desired, integers for UP-TO-DATE and AVAILABLE', () => {
    const d: appsv1.Deployment = { metadata, spec: { replicas: 3, selector, template }, status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 } };
    expect(deploymentPrinter.row(d, ctx).cells).toEqual(['web', '2/3', 3, 2, '3h', 'web,log', 'nginx:1.27,busybox', 'app=web']);
  });

  it('deployment without status or replicas (defaults to 1)', () => {
    const d: appsv1.Deployment = { metadata, spec: { selector, template } };
    expect(deploymentPrinter.row(d, ctx).cells).toEqual(['web', '0/1', 0, 0, '3h', 'web,log', 'nginx:1.27,busybox', 'app=web']);
  });

  it('deployment with an invalid selector', () => {
    const d: appsv1.Deployment = { metadata, spec: { selector: { matchExpressions: [{ key: 'a', operator: 'In' }] }, template } };
    expect(deploymentPrinter.row(d, ctx).cells[7]).toBe('<invalid>');
  });

  it('replica set', () => {
    const rs: appsv1.ReplicaSet = { metadata, spec: { replicas: 3, selector, template }, status: { replicas: 3, readyReplicas: 1 } };
    expect(replicaSetPrinter.row(rs, ctx).cells).toEqual(['web', 3, 3, 1, '3h', 'web,log', 'nginx:1.27,busybox', 'app=web']);
  });

  it('replica set scaled to zero', () => {
    const rs: appsv1.ReplicaSet = { metadata, spec: { replicas: 0, selector, template }, status: { replicas: 0 } };
    expect(replicaSetPrinter.row(rs, ctx).cells.slice(0, 4)).toEqual(['web', 0, 0, 0]);
  });

  it('replication controller: a plain label selector', () => {
    const rc: corev1.ReplicationController = { metadata, spec: { replicas: 2, selector: { app: 'web', tier: 'fe' }, template }, status: { replicas: 2, readyReplicas: 2 } };
    expect(replicationControllerPrinter.row(rc, { now, group: '' }).cells).toEqual(['web', 2, 2, 2, '3h', 'web,log', 'nginx:1.27,busybox', 'app=web,tier=fe']);
  });

  it('stateful set: READY ready/desired', () => {
    const sts: appsv1.StatefulSet = { metadata, spec: { replicas: 3, selector, serviceName: 'web', template }, status: { replicas: 3, readyReplicas: 3 } };
    expect(statefulSetPrinter.row(sts, ctx).cells).toEqual(['web', '3/3', '3h', 'web,log', 'nginx:1.27,busybox']);
  });

  it('daemon set: counts, node selector, selector', () => {
    const ds: appsv1.DaemonSet = {
      metadata,
      spec: { selector, template: { ...template, spec: { ...template.spec!, nodeSelector: { 'kubernetes.io/os': 'linux' } } } },
      status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2, numberMisscheduled: 0 },
    };
    expect(daemonSetPrinter.row(ds, ctx).cells).toEqual(['web', 3, 3, 2, 3, 2, 'kubernetes.io/os=linux', '3h', 'web,log', 'nginx:1.27,busybox', 'app=web']);
  });

  it('daemon set without a node selector', () => {
    const ds: appsv1.DaemonSet = { metadata, spec: { selector, template } };
    expect(daemonSetPrinter.row(ds, ctx).cells.slice(1, 7)).toEqual([0, 0, 0, 0, 0, '<none>']);
  });

  it('pod template', () => {
    const pt: corev1.PodTemplate = { metadata, template };
    expect(podTemplatePrinter.row(pt, { now, group: '' }).cells).toEqual(['web', 'web,log', 'nginx:1.27,busybox', 'app=web']);
  });

  it('controller revision', () => {
    const cr: appsv1.ControllerRevision = {
      metadata: { ...metadata, name: 'web-7d9f', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u', controller: true }] },
      revision: 2,
    };
    expect(controllerRevisionPrinter.row(cr, ctx).cells).toEqual(['web-7d9f', 'statefulset.apps/web', 2, '3h']);
  });

  it.each([
    { name: 'no owner', owners: undefined, want: '<none>' },
    { name: 'owner but not controller', owners: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'x' }], want: '<none>' },
    { name: 'core group', owners: [{ apiVersion: 'v1', kind: 'Pod', name: 'x', controller: true }], want: 'pod/x' },
    { name: 'named group', owners: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'fluentd', controller: true }], want: 'daemonset.apps/fluentd' },
  ])('controller of a revision: $name', ({ owners, want }) => {
    expect(controllerName(owners)).toBe(want);
  });
});
