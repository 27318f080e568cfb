import type { appsv1, corev1 } from '@tskube/api-types';
import { PatchType } from '@tskube/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Resources } from '../../framework/context';
import { startControllers, type ControllerTestEnv } from '../../framework/testing';
import { garbageCollectorController } from '../garbagecollector';
import { createNamespace, eventsFor, listPods } from '../replicaset/testing';
import { statefulSetController } from './index';
import { fakeKubelet, staysFalse } from './testing';

let env: ControllerTestEnv;

beforeAll(async () => {
  env = await startControllers([statefulSetController, garbageCollectorController]);
});

afterAll(async () => {
  await env?.stop();
});

/** A StatefulSet whose pods are bound to node-1, so deletions are graceful and the fake kubelet confirms them. */
function statefulSet(name: string, replicas: number, spec: Partial<appsv1.StatefulSetSpec> = {}, image = 'nginx:1.27'): appsv1.StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name },
    spec: {
      replicas,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { nodeName: 'node-1', containers: [{ name: 'app', image }] } },
      ...spec,
    },
  };
}

const getSet = (ns: string, name: string) => env.client.get<appsv1.StatefulSet>(Resources.statefulsets, ns, name);
const names = (pods: corev1.Pod[]) => pods.map((p) => p.metadata?.name).sort();
const live = async (ns: string) => (await listPods(env.client, ns)).filter((p) => !p.metadata?.deletionTimestamp);

async function podsWhen(ns: string, check: (pods: corev1.Pod[]) => boolean, timeoutMs = 20_000): Promise<corev1.Pod[]> {
  return env.eventually(async () => {
    const pods = await listPods(env.client, ns);
    return check(pods) ? pods : undefined;
  }, timeoutMs);
}

const setImage = (ns: string, name: string, image: string) =>
  env.client.patch(Resources.statefulsets, ns, name, PatchType.JSONPatch, [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: image }]);

describe('StatefulSet controller', () => {
  it('OrderedReady: creates pods one by one, each after its predecessor is Running and Ready, and deletes them in reverse', async () => {
    const ns = 'sts-ordered';
    await createNamespace(env.client, ns);
    const kubelet = fakeKubelet(env.client, ns);
    kubelet.hold(() => true);
    try {
      const set = await env.client.create<appsv1.StatefulSet>(Resources.statefulsets, ns, statefulSet('web', 3));
      const [web0] = await podsWhen(ns, (p) => p.length === 1);
      expect(web0?.metadata?.name).toBe('web-0');
      expect(web0?.metadata?.labels).toMatchObject({
        app: 'web',
        'statefulset.kubernetes.io/pod-name': 'web-0',
        'apps.kubernetes.io/pod-index': '0',
      });
      expect(web0?.metadata?.labels?.['controller-revision-hash']).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]+$/);
      expect(web0?.spec?.hostname).toBe('web-0');
      expect(web0?.spec?.subdomain).toBe('web');
      expect(web0?.metadata?.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: set.metadata?.uid, controller: true, blockOwnerDeletion: true }]);
      // web-0 is not ready: web-1 must wait.
      expect(await staysFalse(async () => (await listPods(env.client, ns)).length > 1, 1500)).toBe(true);

      kubelet.release();
      await podsWhen(ns, (p) => p.length === 3 && p.every((x) => x.status?.phase === 'Running'));
      expect(kubelet.readied).toEqual(['web-0', 'web-1', 'web-2']);
      const status = await env.eventually(async () => {
        const s = (await getSet(ns, 'web')).status;
        return s?.readyReplicas === 3 && s.currentReplicas === 3 ? s : undefined;
      });
      expect(status).toMatchObject({ replicas: 3, readyReplicas: 3, availableReplicas: 3, currentReplicas: 3, updatedReplicas: 3, observedGeneration: 1, collisionCount: 0 });
      expect(status.currentRevision).toBe(status.updateRevision);
      expect(status.currentRevision).toBe(web0?.metadata?.labels?.['controller-revision-hash']);
      const revisions = await env.client.list<appsv1.ControllerRevision>(Resources.controllerrevisions, ns);
      expect(revisions.items.map((r) => [r.metadata?.name, r.revision])).toEqual([[status.currentRevision, 1]]);
      expect(revisions.items[0]?.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'StatefulSet', name: 'web', controller: true });
      const created = await env.eventually(async () => {
        const events = (await eventsFor(env.client, ns, 'web')).filter((e) => e.reason === 'SuccessfulCreate');
        return events.length === 3 ? events.map((e) => e.message).sort() : undefined;
      });
      expect(created).toEqual(['create Pod web-0 in StatefulSet web successful', 'create Pod web-1 in StatefulSet web successful', 'create Pod web-2 in StatefulSet web successful']);

      // Scale down to 1: web-2 goes first; web-1 only once web-2 is gone.
      kubelet.hold((p) => p.metadata?.name === 'web-2');
      await env.client.patch(Resources.statefulsets, ns, 'web', PatchType.MergePatch, { spec: { replicas: 1 } });
      await podsWhen(ns, (p) => p.some((x) => x.metadata?.name === 'web-2' && x.metadata.deletionTimestamp));
      expect(await staysFalse(async () => (await listPods(env.client, ns)).some((x) => x.metadata?.name === 'web-1' && x.metadata.deletionTimestamp), 1500)).toBe(true);
      kubelet.release();
      await podsWhen(ns, (p) => names(p).join() === 'web-0');
      expect(kubelet.deleted).toEqual(['web-2', 'web-1']);
      await env.eventually(async () => {
        const s = (await getSet(ns, 'web')).status;
        return s?.replicas === 1 && s.readyReplicas === 1 && s.observedGeneration === 2;
      });
    } finally {
      await kubelet.stop();
    }
  });

  it('Parallel: creates and deletes all pods at once, without waiting for readiness', async () => {
    const ns = 'sts-parallel';
    await createNamespace(env.client, ns);
    await env.client.create(Resources.statefulsets, ns, statefulSet('db', 4, { podManagementPolicy: 'Parallel' }));
    // Nobody marks these pods ready, yet all four appear.
    const pods = await podsWhen(ns, (p) => p.length === 4);
    expect(names(pods)).toEqual(['db-0', 'db-1', 'db-2', 'db-3']);
    await env.client.patch(Resources.statefulsets, ns, 'db', PatchType.MergePatch, { spec: { replicas: 1 } });
    const after = await podsWhen(ns, (p) => p.filter((x) => x.metadata?.deletionTimestamp).length === 3);
    expect(names(after.filter((x) => !x.metadata?.deletionTimestamp))).toEqual(['db-0']);
  });

  it('RollingUpdate with a partition updates ordinals >= partition from the highest down, then the rest when lowered', async () => {
    const ns = 'sts-rolling';
    await createNamespace(env.client, ns);
    const kubelet = fakeKubelet(env.client, ns);
    try {
      await env.client.create(Resources.statefulsets, ns, statefulSet('web', 3, { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } }));
      const first = await env.eventually(async () => {
        const s = (await getSet(ns, 'web')).status;
        return s?.readyReplicas === 3 && s.updatedReplicas === 3 ? s : undefined;
      });
      const oldRevision = first.currentRevision!;

      await setImage(ns, 'web', 'nginx:1.28');
      const partial = await env.eventually(async () => {
        const s = (await getSet(ns, 'web')).status;
        return s?.updatedReplicas === 2 && s.readyReplicas === 3 && s.observedGeneration === 2 ? s : undefined;
      }, 30_000);
      expect(partial.currentRevision).toBe(oldRevision);
      expect(partial.updateRevision).not.toBe(oldRevision);
      expect(partial.currentReplicas).toBe(1);
      expect(kubelet.deleted).toEqual(['web-2', 'web-1']);
      const byName = Object.fromEntries((await live(ns)).map((p) => [p.metadata?.name, p]));
      expect(byName['web-0']?.spec?.containers[0]?.image).toBe('nginx:1.27');
      expect(byName['web-1']?.spec?.containers[0]?.image).toBe('nginx:1.28');
      expect(byName['web-2']?.metadata?.labels?.['controller-revision-hash']).toBe(partial.updateRevision);
      expect(await staysFalse(async () => kubelet.deleted.includes('web-0'), 1000)).toBe(true);

      await env.client.patch(Resources.statefulsets, ns, 'web', PatchType.MergePatch, { spec: { updateStrategy: { rollingUpdate: { partition: 0 } } } });
      const done = await env.eventually(async () => {
        const s = (await getSet(ns, 'web')).status;
        return s?.updatedReplicas === 3 && s.currentRevision === s.updateRevision && s.readyReplicas === 3 ? s : undefined;
      }, 30_000);
      expect(done.currentReplicas).toBe(3);
      expect(kubelet.deleted).toEqual(['web-2', 'web-1', 'web-0']);
      const revisions = await env.client.list<appsv1.ControllerRevision>(Resources.controllerrevisions, ns);
      expect(revisions.items.map((r) => r.revision).sort()).toEqual([1, 2]);
    } finally {
      await kubelet.stop();
    }
  });

  it('OnDelete replaces nothing until a pod is deleted, which comes back at the new revision', async () => {
    const ns = 'sts-ondelete';
    await createNamespace(env.client, ns);
    const kubelet = fakeKubelet(env.client, ns);
    try {
      await env.client.create(Resources.statefulsets, ns, statefulSet('web', 2, { updateStrategy: { type: 'OnDelete' } }));
      await env.eventually(async () => (await getSet(ns, 'web')).status?.readyReplicas === 2);
      await setImage(ns, 'web', 'nginx:1.28');
      const s = await env.eventually(async () => {
        const st = (await getSet(ns, 'web')).status;
        return st?.observedGeneration === 2 ? st : undefined;
      });
      expect(s.updatedReplicas ?? 0).toBe(0);
      expect(s.currentReplicas).toBe(2);
      expect(await staysFalse(async () => kubelet.deleted.length > 0, 1500)).toBe(true);

      await env.client.delete(Resources.pods, ns, 'web-1');
      const pods = await podsWhen(ns, (p) => p.some((x) => x.metadata?.name === 'web-1' && !x.metadata.deletionTimestamp && x.spec?.containers[0]?.image === 'nginx:1.28'));
      expect(pods.find((p) => p.metadata?.name === 'web-0')?.spec?.containers[0]?.image).toBe('nginx:1.27');
      await env.eventually(async () => {
        const st = (await getSet(ns, 'web')).status;
        return st?.updatedReplicas === 1 && st.currentReplicas === 1 && st.readyReplicas === 2;
      });
    } finally {
      await kubelet.stop();
    }
  });

  it('creates claims from volumeClaimTemplates and keeps or deletes them as persistentVolumeClaimRetentionPolicy says', async () => {
    const ns = 'sts-claims';
    await createNamespace(env.client, ns);
    const kubelet = fakeKubelet(env.client, ns);
    const claimTemplate: corev1.PersistentVolumeClaim = {
      metadata: { name: 'data', labels: { tier: 'storage' } },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    };
    const claims = async () => (await env.client.list<corev1.PersistentVolumeClaim>(Resources.persistentvolumeclaims, ns)).items;
    try {
      const set = await env.client.create<appsv1.StatefulSet>(
        Resources.statefulsets,
        ns,
        statefulSet('db', 2, { volumeClaimTemplates: [claimTemplate], persistentVolumeClaimRetentionPolicy: { whenScaled: 'Delete', whenDeleted: 'Retain' } }),
      );
      const pods = await podsWhen(ns, (p) => p.length === 2 && p.every((x) => x.status?.phase === 'Running'));
      const db1 = pods.find((p) => p.metadata?.name === 'db-1')!;
      expect(db1.spec?.volumes?.[0]).toEqual({ name: 'data', persistentVolumeClaim: { claimName: 'data-db-1' } });
      const made = await claims();
      expect(made.map((c) => c.metadata?.name).sort()).toEqual(['data-db-0', 'data-db-1']);
      expect(made[0]?.metadata?.labels).toEqual({ tier: 'storage', app: 'db' });
      // whenDeleted Retain and the pods in range: nobody owns the claims.
      expect(made.every((c) => !c.metadata?.ownerReferences?.length)).toBe(true);
      const claimEvents = await env.eventually(async () => {
        const events = (await eventsFor(env.client, ns, 'db')).filter((e) => e.message?.includes('Claim'));
        return events.length === 2 ? events.map((e) => e.message).sort() : undefined;
      });
      expect(claimEvents).toEqual(['create Claim data-db-0 Pod db-0 in StatefulSet db success', 'create Claim data-db-1 Pod db-1 in StatefulSet db success']);

      // Scaled away, db-1's claim is handed to db-1 and goes with it.
      await env.client.patch(Resources.statefulsets, ns, 'db', PatchType.MergePatch, { spec: { replicas: 1 } });
      await env.eventually(async () => (await claims()).map((c) => c.metadata?.name).join() === 'data-db-0', 30_000);
      expect(kubelet.deleted).toContain('db-1');

      // Deleting the set (whenDeleted Retain) leaves the remaining claim.
      await env.client.delete(Resources.statefulsets, ns, 'db', { propagationPolicy: 'Background' });
      await env.eventually(async () => (await live(ns)).length === 0, 30_000);
      const kept = await claims();
      expect(kept.map((c) => c.metadata?.name)).toEqual(['data-db-0']);
      expect(kept[0]?.metadata?.ownerReferences ?? []).toEqual([]);
      void set;

      // whenDeleted Delete: the set controls the claims, which go with it.
      await env.client.create(Resources.statefulsets, ns, statefulSet('cache', 2, { volumeClaimTemplates: [claimTemplate], persistentVolumeClaimRetentionPolicy: { whenScaled: 'Retain', whenDeleted: 'Delete' } }));
      const cacheSet = await getSet(ns, 'cache');
      const owned = await env.eventually(async () => {
        const cs = (await claims()).filter((c) => c.metadata?.name?.includes('-cache-'));
        return cs.length === 2 && cs.every((c) => c.metadata?.ownerReferences?.length === 1) ? cs : undefined;
      }, 30_000);
      expect(owned[0]?.metadata?.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'cache', uid: cacheSet.metadata?.uid, controller: true, blockOwnerDeletion: true }]);
      await env.client.delete(Resources.statefulsets, ns, 'cache', { propagationPolicy: 'Background' });
      await env.eventually(async () => (await claims()).map((c) => c.metadata?.name).join() === 'data-db-0', 30_000);
    } finally {
      await kubelet.stop();
    }
  });

  it('restarts a failed pod under the same name', async () => {
    const ns = 'sts-failed';
    await createNamespace(env.client, ns);
    await env.client.create(Resources.statefulsets, ns, statefulSet('job', 1, { podManagementPolicy: 'Parallel', template: { metadata: { labels: { app: 'job' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } } }));
    const [pod] = await podsWhen(ns, (p) => p.length === 1);
    await env.client.patch(Resources.pods, ns, 'job-0', PatchType.MergePatch, { status: { phase: 'Failed' } }, { subresource: 'status' });
    await podsWhen(ns, (p) => p.length === 1 && p[0]!.metadata?.uid !== pod!.metadata?.uid);
  });
});
