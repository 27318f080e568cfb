import type { appsv1, corev1 } from '@tskube/api-types';
import { PatchType } from '@tskube/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Resources } from '../../framework/context';
import { startControllers, type ControllerTestEnv } from '../../framework/testing';
import { replicaSetController, replicationControllerController } from './index';
import { createNamespace, eventsFor, listPods, podIsReady, podTemplate, setPodStatus } from './testing';

let env: ControllerTestEnv;

beforeAll(async () => {
  env = await startControllers([replicaSetController, replicationControllerController]);
});

afterAll(async () => {
  await env?.stop();
});

function replicaSet(namespace: string, name: string, replicas: number, labels: Record<string, string>, extra: Partial<appsv1.ReplicaSetSpec> = {}): appsv1.ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace },
    spec: { replicas, selector: { matchLabels: labels }, template: podTemplate(labels), ...extra },
  };
}

const getRS = (ns: string, name: string) => env.client.get<appsv1.ReplicaSet>(Resources.replicasets, ns, name);

async function podsWhen(ns: string, selector: string, check: (pods: corev1.Pod[]) => boolean): Promise<corev1.Pod[]> {
  return env.eventually(async () => {
    const pods = await listPods(env.client, ns, selector);
    return check(pods) ? pods : undefined;
  });
}

describe('ReplicaSet controller', () => {
  it('creates spec.replicas pods from the template, owned by the ReplicaSet, with events and status', async () => {
    await createNamespace(env.client, 'rs-create');
    const rs = await env.client.create<appsv1.ReplicaSet>(Resources.replicasets, 'rs-create', replicaSet('rs-create', 'web', 3, { app: 'web' }));

    const pods = await podsWhen('rs-create', 'app=web', (p) => p.length === 3);
    for (const pod of pods) {
      expect(pod.metadata?.generateName).toBe('web-');
      expect(pod.metadata?.name).toMatch(/^web-[a-z0-9]{5}$/);
      expect(pod.metadata?.labels).toEqual({ app: 'web' });
      expect(pod.metadata?.ownerReferences).toEqual([
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata?.uid, controller: true, blockOwnerDeletion: true },
      ]);
    }
    const status = await env.eventually(async () => {
      const cur = await getRS('rs-create', 'web');
      return cur.status?.replicas === 3 && cur.status.observedGeneration === 1 ? cur.status : undefined;
    });
    expect(status).toEqual({ replicas: 3, fullyLabeledReplicas: 3, observedGeneration: 1 });

    const messages = await env.eventually(async () => {
      const events = (await eventsFor(env.client, 'rs-create', 'web')).filter((e) => e.reason === 'SuccessfulCreate');
      return events.length === 3 ? events.map((e) => e.message).sort() : undefined;
    });
    expect(messages).toEqual(pods.map((p) => `Created pod: ${p.metadata?.name}`).sort());

    // Ready pods count as ready and (minReadySeconds 0) available.
    await setPodStatus(env.client, pods[0]!);
    await setPodStatus(env.client, pods[1]!);
    await env.eventually(async () => {
      const cur = await getRS('rs-create', 'web');
      return cur.status?.readyReplicas === 2 && cur.status.availableReplicas === 2;
    });
  });

  it('deletes the least valuable pods first when scaled down', async () => {
    await createNamespace(env.client, 'rs-scale');
    await env.client.create(Resources.replicasets, 'rs-scale', replicaSet('rs-scale', 'web', 5, { app: 'web' }));
    const pods = await podsWhen('rs-scale', 'app=web', (p) => p.length === 5);
    const [pending, notReady, readyNew, readyOld1, readyOld2] = pods as [corev1.Pod, corev1.Pod, corev1.Pod, corev1.Pod, corev1.Pod];
    const now = Date.now();
    await setPodStatus(env.client, notReady, { ready: false, restartCount: 3 });
    await setPodStatus(env.client, readyNew, { readySinceMs: now - 5_000 });
    await setPodStatus(env.client, readyOld1, { readySinceMs: now - 3_600_000 });
    await setPodStatus(env.client, readyOld2, { readySinceMs: now - 7_200_000 });
    await env.eventually(async () => (await getRS('rs-scale', 'web')).status?.readyReplicas === 3);

    await env.client.patch(Resources.replicasets, 'rs-scale', 'web', PatchType.MergePatch, { spec: { replicas: 2 } });
    const left = await podsWhen('rs-scale', 'app=web', (p) => p.length === 2);
    expect(left.map((p) => p.metadata?.name).sort()).toEqual([readyOld1, readyOld2].map((p) => p.metadata?.name).sort());
    const deleted = await env.eventually(async () => {
      const events = (await eventsFor(env.client, 'rs-scale', 'web')).filter((e) => e.reason === 'SuccessfulDelete');
      return events.length === 3 ? events.map((e) => e.message).sort() : undefined;
    });
    expect(deleted).toEqual([pending, notReady, readyNew].map((p) => `Deleted pod: ${p.metadata?.name}`).sort());
    await env.eventually(async () => {
      const cur = await getRS('rs-scale', 'web');
      return cur.status?.replicas === 2 && cur.status.readyReplicas === 2 && cur.status.observedGeneration === 2;
    });
  });

  it('adopts a matching orphan instead of creating a pod, and releases a pod relabelled out of the selector', async () => {
    await createNamespace(env.client, 'rs-adopt');
    const orphan = await env.client.create<corev1.Pod>(Resources.pods, 'rs-adopt', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'orphan', labels: { app: 'web' } },
      spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] },
    });
    const rs = await env.client.create<appsv1.ReplicaSet>(Resources.replicasets, 'rs-adopt', replicaSet('rs-adopt', 'web', 2, { app: 'web' }));

    const pods = await podsWhen('rs-adopt', 'app=web', (p) => p.length === 2 && p.every((x) => x.metadata?.ownerReferences?.length));
    const adopted = pods.find((p) => p.metadata?.name === 'orphan');
    expect(adopted?.metadata?.uid).toBe(orphan.metadata?.uid);
    expect(adopted?.metadata?.ownerReferences).toEqual([
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata?.uid, controller: true, blockOwnerDeletion: true },
    ]);

    await env.client.patch(Resources.pods, 'rs-adopt', 'orphan', PatchType.MergePatch, { metadata: { labels: { app: 'other' } } });
    const released = await env.eventually(async () => {
      const pod = await env.client.get<corev1.Pod>(Resources.pods, 'rs-adopt', 'orphan');
      return (pod.metadata?.ownerReferences ?? []).length === 0 ? pod : undefined;
    });
    expect(released.metadata?.labels).toEqual({ app: 'other' });
    const replaced = await podsWhen('rs-adopt', 'app=web', (p) => p.length === 2);
    expect(replaced.map((p) => p.metadata?.name)).not.toContain('orphan');
  });

  it('does not count a terminating pod and replaces it', async () => {
    await createNamespace(env.client, 'rs-terminating');
    // Bound to a node, the pod is deleted gracefully: it stays, with a deletionTimestamp, until a kubelet confirms.
    await env.client.create(Resources.pods, 'rs-terminating', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'bound', labels: { app: 'web' } },
      spec: { nodeName: 'node-1', containers: [{ name: 'app', image: 'nginx:1.27' }] },
    });
    await env.client.create(Resources.replicasets, 'rs-terminating', replicaSet('rs-terminating', 'web', 1, { app: 'web' }));
    await env.eventually(async () => (await env.client.get<corev1.Pod>(Resources.pods, 'rs-terminating', 'bound')).metadata?.ownerReferences?.length === 1);
    await env.eventually(async () => (await getRS('rs-terminating', 'web')).status?.replicas === 1);
    expect(await listPods(env.client, 'rs-terminating')).toHaveLength(1);

    await env.client.delete(Resources.pods, 'rs-terminating', 'bound');
    const pods = await podsWhen('rs-terminating', 'app=web', (p) => p.length === 2);
    expect(pods.find((p) => p.metadata?.name === 'bound')?.metadata?.deletionTimestamp).toBeDefined();
    await env.eventually(async () => {
      const cur = await getRS('rs-terminating', 'web');
      return cur.status?.replicas === 1 && cur.status.fullyLabeledReplicas === 1;
    });
  });

  it('reports ReplicaFailure while pod creation is refused and clears it once creation works', async () => {
    await createNamespace(env.client, 'rs-failure');
    await env.client.create(Resources.replicasets, 'rs-failure', replicaSet('rs-failure', 'web', 2, { app: 'web' }, { template: podTemplate({ app: 'web' }, 'nginx:1.27', { priorityClassName: 'rs-failure-high' }) }));

    const cond = await env.eventually(async () => (await getRS('rs-failure', 'web')).status?.conditions?.find((c) => c.type === 'ReplicaFailure'));
    expect(cond).toMatchObject({ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate' });
    expect(cond.message).toContain('no PriorityClass with name rs-failure-high was found');
    const failed = await env.eventually(async () => (await eventsFor(env.client, 'rs-failure', 'web')).find((e) => e.reason === 'FailedCreate'));
    expect(failed.type).toBe('Warning');
    // Kubernetes names the generateName in the Status ("pods \"web-\" is forbidden"); the message is the server's.
    expect(failed.message).toMatch(/^Error creating: pods (".*" )?is forbidden: no PriorityClass with name rs-failure-high was found$/);

    await env.client.create({ group: 'scheduling.k8s.io', version: 'v1', resource: 'priorityclasses' }, '', {
      apiVersion: 'scheduling.k8s.io/v1',
      kind: 'PriorityClass',
      metadata: { name: 'rs-failure-high' },
      value: 1000,
    });
    await podsWhen('rs-failure', 'app=web', (p) => p.length === 2);
    await env.eventually(async () => {
      const cur = await getRS('rs-failure', 'web');
      return cur.status?.replicas === 2 && !cur.status.conditions?.length;
    }, 15_000);
  });

  it('counts a ready pod as available only after minReadySeconds', async () => {
    await createNamespace(env.client, 'rs-minready');
    await env.client.create(Resources.replicasets, 'rs-minready', replicaSet('rs-minready', 'web', 1, { app: 'web' }, { minReadySeconds: 1 }));
    const [pod] = await podsWhen('rs-minready', 'app=web', (p) => p.length === 1);
    await setPodStatus(env.client, pod!);
    const early = await env.eventually(async () => {
      const cur = await getRS('rs-minready', 'web');
      return cur.status?.readyReplicas === 1 ? cur.status : undefined;
    });
    expect(early.availableReplicas ?? 0).toBe(0);
    // No further pod event comes: the controller looks again by itself once the second passed.
    await env.eventually(async () => (await getRS('rs-minready', 'web')).status?.availableReplicas === 1, 5_000);
  });
});

describe('ReplicationController controller', () => {
  it('keeps the replicas of a map selector, owned as a v1 ReplicationController', async () => {
    await createNamespace(env.client, 'rc');
    const rc = await env.client.create<corev1.ReplicationController>(Resources.replicationcontrollers, 'rc', {
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { name: 'legacy' },
      spec: { replicas: 3, selector: { app: 'legacy' }, template: podTemplate({ app: 'legacy', tier: 'web' }) },
    });
    const pods = await podsWhen('rc', 'app=legacy', (p) => p.length === 3);
    expect(pods[0]?.metadata?.ownerReferences).toEqual([
      { apiVersion: 'v1', kind: 'ReplicationController', name: 'legacy', uid: rc.metadata?.uid, controller: true, blockOwnerDeletion: true },
    ]);
    expect(pods[0]?.metadata?.generateName).toBe('legacy-');
    await setPodStatus(env.client, pods[0]!);

    await env.client.patch(Resources.replicationcontrollers, 'rc', 'legacy', PatchType.MergePatch, { spec: { replicas: 1 } });
    const left = await podsWhen('rc', 'app=legacy', (p) => p.length === 1);
    expect(podIsReady(left[0]!)).toBe(true);
    const status = await env.eventually(async () => {
      const cur = await env.client.get<corev1.ReplicationController>(Resources.replicationcontrollers, 'rc', 'legacy');
      return cur.status?.replicas === 1 && cur.status.observedGeneration === 2 ? cur.status : undefined;
    });
    expect(status).toEqual({ replicas: 1, fullyLabeledReplicas: 1, readyReplicas: 1, availableReplicas: 1, observedGeneration: 2 });
  });
});
