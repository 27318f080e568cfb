import type { appsv1, corev1 } from '@tskube/api-types';
import { PatchType } from '@tskube/client';
import { startComponentProcess, type ComponentProcess } from '@tskube/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Resources } from '../../framework/context';
import { startControllers, type ControllerTestEnv } from '../../framework/testing';
import { newPodGCController } from '../podgc';
import { createNamespace, eventsFor, listPods } from '../replicaset/testing';
import { fakeKubelet, testNode, type FakeKubelet } from '../statefulset/testing';
import { daemonSetController } from './index';

// The DaemonSet controller in process against a real apiserver, with the real scheduler as its
// own process binding the daemon pods, node objects without kubelets, and a stand-in kubelet that
// runs what is bound to them (Running, Ready, graceful deletions confirmed).

let env: ControllerTestEnv;
let scheduler: ComponentProcess;
let kubelet: FakeKubelet;

beforeAll(async () => {
  env = await startControllers([daemonSetController, newPodGCController({ gcCheckPeriodMs: 500, quarantineMs: 500 })]);
  for (const name of ['node-0', 'node-1', 'node-2']) await env.client.create(Resources.nodes, '', testNode(name));
  kubelet = fakeKubelet(env.client, '', { intervalMs: 30 });
  scheduler = await startComponentProcess('scheduler', [`--master=${env.api.master}`, '--leader-elect=false']);
}, 120_000);

afterAll(async () => {
  const code = await scheduler?.stop();
  await kubelet?.stop();
  await env?.stop();
  expect(code).toBe(0);
}, 60_000);

function daemonSet(name: string, extra: Partial<appsv1.DaemonSetSpec> = {}, image = 'nginx:1.27'): appsv1.DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image }] } },
      ...extra,
    },
  };
}

const getDS = (ns: string, name: string) => env.client.get<appsv1.DaemonSet>(Resources.daemonsets, ns, name);
const live = async (ns: string) => (await listPods(env.client, ns)).filter((p) => !p.metadata?.deletionTimestamp);
const nodeOf = (p: corev1.Pod) => p.spec?.nodeName ?? '';
const byNode = (pods: corev1.Pod[]) => pods.map(nodeOf).sort();
const ready = (p: corev1.Pod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

async function statusWhen(ns: string, name: string, check: (s: appsv1.DaemonSetStatus) => boolean, timeoutMs = 30_000): Promise<appsv1.DaemonSetStatus> {
  return env.eventually(async () => {
    const s = (await getDS(ns, name)).status;
    return s && check(s) ? s : undefined;
  }, timeoutMs);
}

const setImage = (ns: string, name: string, image: string) =>
  env.client.patch(Resources.daemonsets, ns, name, PatchType.JSONPatch, [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: image }]);

describe('DaemonSet controller', () => {
  it('runs one pod per node, pinned by node affinity and bound by the scheduler, with the daemon tolerations', async () => {
    const ns = 'ds-basic';
    await createNamespace(env.client, ns);
    const ds = await env.client.create<appsv1.DaemonSet>(Resources.daemonsets, ns, daemonSet('agent'));
    const status = await statusWhen(ns, 'agent', (s) => s.numberReady === 3 && s.numberAvailable === 3);
    expect(status).toEqual({ desiredNumberScheduled: 3, currentNumberScheduled: 3, numberMisscheduled: 0, numberReady: 3, numberAvailable: 3, updatedNumberScheduled: 3, observedGeneration: 1 });
    const pods = await live(ns);
    expect(byNode(pods)).toEqual(['node-0', 'node-1', 'node-2']);
    const pod = pods.find((p) => nodeOf(p) === 'node-1')!;
    expect(pod.metadata?.generateName).toBe('agent-');
    expect(pod.metadata?.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: ds.metadata?.uid, controller: true, blockOwnerDeletion: true }]);
    expect(pod.spec?.affinity).toEqual({
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-1'] }] }] } },
    });
    expect(pod.spec?.tolerations?.filter((t) => t.key?.startsWith('node.kubernetes.io/'))).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
      { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
    ]);
    const revisions = await env.client.list<appsv1.ControllerRevision>(Resources.controllerrevisions, ns);
    expect(revisions.items).toHaveLength(1);
    const hash = revisions.items[0]!.metadata?.labels?.['controller-revision-hash'];
    expect(revisions.items[0]!.metadata?.name).toBe(`agent-${hash}`);
    expect(pods.every((p) => p.metadata?.labels?.['controller-revision-hash'] === hash)).toBe(true);
    const created = (await eventsFor(env.client, ns, 'agent')).filter((e) => e.reason === 'SuccessfulCreate').map((e) => e.message);
    expect(created.sort()).toEqual(pods.map((p) => `Created pod: ${p.metadata?.name}`).sort());
  });

  it('follows nodes being added, tainted, untainted and removed, and honours nodeSelector', async () => {
    const ns = 'ds-nodes';
    await createNamespace(env.client, ns);
    await env.client.create(Resources.daemonsets, ns, daemonSet('agent'));
    await env.client.create(Resources.daemonsets, ns, daemonSet('gpu', { template: { metadata: { labels: { app: 'gpu' } }, spec: { nodeSelector: { gpu: 'true' }, containers: [{ name: 'app', image: 'nginx:1.27' }] } } }));
    await statusWhen(ns, 'agent', (s) => s.numberReady === 3);
    expect((await statusWhen(ns, 'gpu', (s) => s.observedGeneration === 1)).desiredNumberScheduled).toBe(0);

    // A new node with the gpu label gets both daemons.
    await env.client.create(Resources.nodes, '', testNode('node-3', { gpu: 'true' }));
    await statusWhen(ns, 'agent', (s) => s.desiredNumberScheduled === 4 && s.numberReady === 4);
    await statusWhen(ns, 'gpu', (s) => s.desiredNumberScheduled === 1 && s.numberReady === 1);
    expect(byNode((await live(ns)).filter((p) => p.metadata?.labels?.app === 'gpu'))).toEqual(['node-3']);

    // NoSchedule: no new pod would go there, but the running one stays (misscheduled).
    await env.client.patch(Resources.nodes, '', 'node-2', PatchType.MergePatch, { spec: { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] } });
    await statusWhen(ns, 'agent', (s) => s.desiredNumberScheduled === 3 && s.numberMisscheduled === 1);
    expect(byNode((await live(ns)).filter((p) => p.metadata?.labels?.app === 'agent'))).toContain('node-2');
    // NoExecute: the pod goes.
    await env.client.patch(Resources.nodes, '', 'node-2', PatchType.MergePatch, { spec: { taints: [{ key: 'dedicated', value: 'db', effect: 'NoExecute' }] } });
    await statusWhen(ns, 'agent', (s) => s.desiredNumberScheduled === 3 && s.numberMisscheduled === 0 && s.currentNumberScheduled === 3);
    await env.eventually(async () => !byNode((await listPods(env.client, ns))).includes('node-2'), 30_000);
    // Untainted, it gets a pod again.
    await env.client.patch(Resources.nodes, '', 'node-2', PatchType.MergePatch, { spec: { taints: null } });
    await statusWhen(ns, 'agent', (s) => s.desiredNumberScheduled === 4 && s.numberReady === 4);

    // Removing the node: it stops counting at once; pod GC removes its orphaned pods.
    await env.client.delete(Resources.nodes, '', 'node-3');
    await statusWhen(ns, 'agent', (s) => s.desiredNumberScheduled === 3 && s.currentNumberScheduled === 3 && s.numberReady === 3);
    await statusWhen(ns, 'gpu', (s) => s.desiredNumberScheduled === 0);
    await env.eventually(async () => !byNode(await listPods(env.client, ns)).includes('node-3'), 30_000);
    const misscheduled = await getDS(ns, 'gpu');
    expect(misscheduled.status?.currentNumberScheduled).toBe(0);
  });

  it('rolls out with maxUnavailable: never more nodes without an available pod than allowed', async () => {
    const ns = 'ds-unavailable';
    await createNamespace(env.client, ns);
    await env.client.create(Resources.daemonsets, ns, daemonSet('agent', { minReadySeconds: 1, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } } }));
    await statusWhen(ns, 'agent', (s) => s.numberAvailable === 3);
    const nodes = ['node-0', 'node-1', 'node-2'];

    await setImage(ns, 'agent', 'nginx:1.28');
    let worst = 0;
    let samples = 0;
    let done = false;
    const deadline = Date.now() + 60_000;
    while (!done) {
      const pods = await live(ns);
      const now = Date.now();
      // Available: ready for minReadySeconds (1 s) and not being deleted.
      const availableOn = new Set(pods.filter((p) => ready(p) && Date.parse(p.status!.conditions!.find((c) => c.type === 'Ready')!.lastTransitionTime!) + 1000 < now).map(nodeOf));
      worst = Math.max(worst, nodes.filter((n) => !availableOn.has(n)).length);
      samples++;
      const s = (await getDS(ns, 'agent')).status;
      done = s?.observedGeneration === 2 && s.updatedNumberScheduled === 3 && s.numberAvailable === 3;
      if (Date.now() > deadline) throw new Error(`rollout did not finish: ${JSON.stringify(s)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(samples).toBeGreaterThan(5);
    expect(worst).toBeGreaterThan(0);
    expect(worst).toBeLessThanOrEqual(2);
    const pods = await live(ns);
    expect(pods.every((p) => p.spec?.containers[0]?.image === 'nginx:1.28')).toBe(true);
    expect((await env.client.list<appsv1.ControllerRevision>(Resources.controllerrevisions, ns)).items.map((r) => r.revision).sort()).toEqual([1, 2]);
  });

  it('rolls out with maxSurge: a new pod starts next to the old one, which goes once the new one is available', async () => {
    const ns = 'ds-surge';
    await createNamespace(env.client, ns);
    await env.client.create(Resources.daemonsets, ns, daemonSet('agent', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } }));
    await statusWhen(ns, 'agent', (s) => s.numberAvailable === 3);
    const nodes = ['node-0', 'node-1', 'node-2'];

    await setImage(ns, 'agent', 'nginx:1.28');
    let maxPods = 0;
    let maxPerNode = 0;
    let minCovered = nodes.length;
    let done = false;
    const deadline = Date.now() + 60_000;
    while (!done) {
      const pods = await listPods(env.client, ns);
      // Pods being deleted no longer count against the surge, as in Kubernetes.
      maxPods = Math.max(maxPods, pods.filter((p) => !p.metadata?.deletionTimestamp).length);
      for (const n of nodes) maxPerNode = Math.max(maxPerNode, pods.filter((p) => nodeOf(p) === n || p.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0]?.matchFields?.[0]?.values?.[0] === n).length);
      // Every node keeps a ready pod that is not being deleted.
      minCovered = Math.min(minCovered, new Set(pods.filter((p) => ready(p) && !p.metadata?.deletionTimestamp).map(nodeOf)).size);
      const s = (await getDS(ns, 'agent')).status;
      done = s?.observedGeneration === 2 && s.updatedNumberScheduled === 3 && s.numberAvailable === 3 && pods.length === 3;
      if (Date.now() > deadline) throw new Error(`rollout did not finish: ${JSON.stringify(s)}`);
      await new Promise((r) => setTimeout(r, 30));
    }
    expect(minCovered).toBe(3);
    expect(maxPerNode).toBe(2);
    expect(maxPods).toBeLessThanOrEqual(4);
    expect((await live(ns)).every((p) => p.spec?.containers[0]?.image === 'nginx:1.28')).toBe(true);
  });

  it('OnDelete leaves old pods until they are deleted', async () => {
    const ns = 'ds-ondelete';
    await createNamespace(env.client, ns);
    await env.client.create(Resources.daemonsets, ns, daemonSet('agent', { updateStrategy: { type: 'OnDelete' } }));
    await statusWhen(ns, 'agent', (s) => s.numberAvailable === 3);
    await setImage(ns, 'agent', 'nginx:1.28');
    const s = await statusWhen(ns, 'agent', (st) => st.observedGeneration === 2);
    expect(s.updatedNumberScheduled ?? 0).toBe(0);
    const victim = (await live(ns)).find((p) => nodeOf(p) === 'node-0')!;
    await env.client.delete(Resources.pods, ns, victim.metadata!.name!);
    await statusWhen(ns, 'agent', (st) => st.updatedNumberScheduled === 1 && st.numberAvailable === 3);
    const pods = await live(ns);
    expect(pods.find((p) => nodeOf(p) === 'node-0')?.spec?.containers[0]?.image).toBe('nginx:1.28');
    expect(pods.filter((p) => p.spec?.containers[0]?.image === 'nginx:1.27')).toHaveLength(2);
  });
});
