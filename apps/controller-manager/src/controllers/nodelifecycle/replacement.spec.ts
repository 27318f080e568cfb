import { StatusReason, hasReason, type corev1 } from '@tskube/api-types';
import { PatchType, formatMicroTime, formatTime } from '@tskube/client';
import { startComponentProcess, type ComponentProcess } from '@tskube/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Resources } from '../../framework/context';
import { startControllers, type ControllerTestEnv } from '../../framework/testing';
import { replicaSetController } from '../replicaset/index';
import { testNode } from '../statefulset/testing';
import { nodeLifecycleController, taintEvictionController } from './index';

type Pod = corev1.Pod;

/**
 * A node dies under a ReplicaSet: its kubelet stops renewing the lease, node lifecycle marks it
 * Unknown and taints it, taint eviction deletes its pod once the toleration runs out, and the
 * ReplicaSet's replacement is scheduled on the node that is still alive.
 */
describe('a killed node’s pods are replaced elsewhere (integration)', () => {
  let env: ControllerTestEnv;
  let scheduler: ComponentProcess;
  const renewing = new Set(['survivor', 'victim']);
  let renewer: NodeJS.Timeout | undefined;

  beforeAll(async () => {
    env = await startControllers([nodeLifecycleController, taintEvictionController, replicaSetController], {
      'node-monitor-grace-period': '2s',
      'node-monitor-period': '200ms',
    });
    try {
      await env.client.create(Resources.namespaces, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-node-lease' } });
    } catch (err) {
      if (!hasReason(err, StatusReason.AlreadyExists)) throw err;
    }
    for (const name of renewing) {
      const node = testNode(name);
      const now = formatTime(Date.now());
      node.status!.conditions = [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: now }];
      await env.client.create(Resources.nodes, '', node);
      await env.client.create(Resources.leases, 'kube-node-lease', {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name, namespace: 'kube-node-lease' },
        spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: formatMicroTime(Date.now()) },
      });
    }
    renewer = setInterval(() => {
      for (const name of renewing) {
        void env.client.patch(Resources.leases, 'kube-node-lease', name, PatchType.MergePatch, { spec: { renewTime: formatMicroTime(Date.now()) } }).catch(() => undefined);
      }
    }, 300);
    scheduler = await startComponentProcess('scheduler', [`--master=${env.api.master}`, '--leader-elect=false']);
  }, 120_000);

  afterAll(async () => {
    clearInterval(renewer);
    await scheduler?.stop();
    await env?.stop();
  }, 60_000);

  const webPods = async () => (await env.client.list<Pod>(Resources.pods, 'default', { labelSelector: 'app=web' })).items;

  it('evicts the dead node’s pod after its toleration and runs the replacement on the live node', async () => {
    // Short NoExecute tolerations (the apiserver would otherwise default them to 300 s), and a
    // preference to spread, so the two replicas start one on each node.
    const tolerations: corev1.Toleration[] = ['node.kubernetes.io/unreachable', 'node.kubernetes.io/not-ready'].map((key) => ({
      key,
      operator: 'Exists',
      effect: 'NoExecute',
      tolerationSeconds: 2,
    }));
    await env.client.create(Resources.replicasets, 'default', {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [{ name: 'c', image: 'nginx' }],
            tolerations,
            affinity: {
              podAntiAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [
                  { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } } } },
                ],
              },
            },
          },
        },
      },
    });
    const placed = await env.eventually(async () => {
      const pods = await webPods();
      return pods.length === 2 && pods.every((p) => p.spec?.nodeName) ? pods : undefined;
    }, 30_000);
    expect(placed.map((p) => p.spec?.nodeName).sort()).toEqual(['survivor', 'victim']);
    const doomed = placed.find((p) => p.spec?.nodeName === 'victim')!;

    renewing.delete('victim');
    const evicted = await env.eventually(async () => {
      const p = (await webPods()).find((x) => x.metadata?.uid === doomed.metadata?.uid);
      return p?.metadata?.deletionTimestamp ? p : undefined;
    }, 30_000);
    expect(evicted.status?.conditions).toContainEqual(expect.objectContaining({ type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager' }));

    // The ReplicaSet does not wait for the dead kubelet to finish the deletion: the replacement
    // is created at once and lands on the node that is alive (the dead one is tainted NoSchedule).
    const live = await env.eventually(async () => {
      const pods = (await webPods()).filter((p) => !p.metadata?.deletionTimestamp);
      return pods.length === 2 && pods.every((p) => p.spec?.nodeName) ? pods : undefined;
    }, 30_000);
    expect(live.map((p) => p.spec?.nodeName)).toEqual(['survivor', 'survivor']);
    expect(live.map((p) => p.metadata?.uid)).not.toContain(doomed.metadata?.uid);
    const victimTaints = (await env.client.get<corev1.Node>(Resources.nodes, '', 'victim')).spec?.taints ?? [];
    expect(victimTaints.map((t) => `${t.key}:${t.effect}`).sort()).toEqual(['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule']);
  }, 120_000);
});
