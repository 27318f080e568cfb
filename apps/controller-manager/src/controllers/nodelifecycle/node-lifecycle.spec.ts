import { StatusReason, hasReason, type corev1 } from '@tskube/api-types';
import { PatchType, formatMicroTime, formatTime } from '@tskube/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Resources } from '../../framework/context';
import { startControllers, type ControllerTestEnv } from '../../framework/testing';
import { setPodStatus } from '../endpoints/testing';
import { nodeLifecycleController, taintEvictionController } from './index';

type Node = corev1.Node;
type Pod = corev1.Pod;

/**
 * Two nodes whose "kubelets" are this test: `alive` keeps renewing its lease, `dying` stops. With a
 * 2 s grace period, `dying` goes Unknown, is tainted, its pods go not ready and are evicted as
 * their tolerations say.
 */
describe('node lifecycle and taint eviction (integration)', () => {
  let env: ControllerTestEnv;
  const renewing = new Set(['alive', 'dying']);
  let renewer: NodeJS.Timeout | undefined;

  beforeAll(async () => {
    env = await startControllers([nodeLifecycleController, taintEvictionController], { 'node-monitor-grace-period': '2s', 'node-monitor-period': '200ms' });
    try {
      await env.client.create(Resources.namespaces, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-node-lease' } });
    } catch (err) {
      if (!hasReason(err, StatusReason.AlreadyExists)) throw err;
    }
    for (const name of renewing) {
      await env.client.create(Resources.nodes, '', { apiVersion: 'v1', kind: 'Node', metadata: { name }, status: { conditions: [readyCondition()] } });
      await env.client.create(Resources.leases, 'kube-node-lease', {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name, namespace: 'kube-node-lease' },
        spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: formatMicroTime(Date.now()) },
      });
    }
    renewer = setInterval(() => {
      for (const name of renewing) void renew(name).catch(() => undefined);
    }, 300);
  }, 60_000);
  afterAll(async () => {
    clearInterval(renewer);
    await env?.stop();
  });

  const readyCondition = (): corev1.NodeCondition => {
    const now = formatTime(Date.now());
    return { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: now };
  };
  const renew = (name: string) => env.client.patch(Resources.leases, 'kube-node-lease', name, PatchType.MergePatch, { spec: { renewTime: formatMicroTime(Date.now()) } });
  const node = (name: string) => env.client.get<Node>(Resources.nodes, '', name);
  const pod = (name: string) => env.client.get<Pod>(Resources.pods, 'default', name);
  const podReady = (p: Pod) => p.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  const createPod = (name: string, nodeName: string, tolerations?: corev1.Toleration[]) =>
    env.client.create<Pod>(Resources.pods, 'default', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default' },
      spec: { nodeName, containers: [{ name: 'c', image: 'nginx' }], ...(tolerations ? { tolerations } : {}) },
    });

  it('marks a silent node Unknown and tainted, its pods not ready, evicts them by their tolerations, and untaints it when it is back', async () => {
    // Not tolerating: the toleration is for another value, and it keeps the apiserver from adding its 300 s default.
    await createPod('no-toleration', 'dying', [{ key: 'node.kubernetes.io/unreachable', operator: 'Equal', value: 'other', effect: 'NoExecute' }]);
    await createPod('short', 'dying', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 3 }]);
    const defaulted = await createPod('default', 'dying');
    expect(defaulted.spec?.tolerations).toContainEqual({ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
    await createPod('forever', 'dying', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' }]);
    await createPod('safe', 'alive');
    let ip = 1;
    for (const name of ['no-toleration', 'short', 'default', 'forever', 'safe']) await setPodStatus(env.client, 'default', name, { ip: `10.244.0.${ip++}`, ready: true });

    renewing.delete('dying');
    const dying = await env.eventually(async () => {
      const n = await node('dying');
      return n.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'Unknown' ? n : undefined;
    }, 8_000);
    const ready = dying.status?.conditions?.find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
    expect(dying.status?.conditions?.find((c) => c.type === 'MemoryPressure')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.' });

    const tainted = await env.eventually(async () => {
      const taints = (await node('dying')).spec?.taints ?? [];
      const ok = taints.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute') && taints.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoSchedule');
      return ok ? taints : undefined;
    });
    const taintSeenAt = Date.now();
    expect(tainted.find((t) => t.effect === 'NoExecute')?.timeAdded).toMatch(/Z$/);

    // Every pod on the node is not ready; the other node's pod is untouched.
    await env.eventually(async () => {
      const states = await Promise.all(['short', 'default', 'forever'].map(async (n) => podReady(await pod(n))));
      return states.every((s) => s === 'False');
    });
    expect(podReady(await pod('safe'))).toBe('True');

    // The pod that does not tolerate the taint goes at once, with the reason on it.
    // (Deleted gracefully: with no kubelet to finish it, it stays terminating.)
    const evicted = await env.eventually(async () => {
      const p = await pod('no-toleration');
      return p.metadata?.deletionTimestamp ? p : undefined;
    });
    expect(evicted.status?.conditions).toContainEqual(expect.objectContaining({ type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager' }));
    expect((await pod('short')).metadata?.deletionTimestamp).toBeUndefined();

    // The one tolerating it for 3 s goes after them.
    await env.eventually(async () => (await pod('short')).metadata?.deletionTimestamp, 8_000);
    expect(Date.now() - taintSeenAt).toBeGreaterThanOrEqual(2_000);
    for (const name of ['default', 'forever', 'safe']) expect((await pod(name)).metadata?.deletionTimestamp).toBeUndefined();
    expect(((await node('alive')).spec?.taints ?? []).length).toBe(0);

    const events = await env.client.list<corev1.Event>(Resources.events, 'default');
    expect(events.items.map((e) => `${e.reason}: ${e.message}`)).toEqual(
      expect.arrayContaining(['NodeNotReady: Node dying status is now: NodeNotReady', 'TaintManagerEviction: Marking for deletion Pod default/no-toleration', 'NodeNotReady: Node is not ready']),
    );

    // The kubelet is back: heartbeat, lease, Ready. The taints go.
    await env.client.patch(Resources.nodes, '', 'dying', PatchType.MergePatch, { status: { conditions: [readyCondition()] } }, { subresource: 'status' });
    renewing.add('dying');
    await env.eventually(async () => ((await node('dying')).spec?.taints ?? []).length === 0, 8_000);
  });
});
