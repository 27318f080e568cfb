import type { appsv1, corev1 } from '@tskube/api-types';
import { PatchType } from '@tskube/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Resources } from '../../framework/context';
import { startControllers, type ControllerTestEnv } from '../../framework/testing';
import { replicaSetController } from '../replicaset/index';
import { autoReady, createNamespace, eventsFor, listPods, podIsReady, podTemplate, setPodStatus } from '../replicaset/testing';
import { deploymentController } from './index';

let env: ControllerTestEnv;

beforeAll(async () => {
  env = await startControllers([replicaSetController, deploymentController]);
});

afterAll(async () => {
  await env?.stop();
});

type Deployment = appsv1.Deployment;
type ReplicaSet = appsv1.ReplicaSet;

function deployment(name: string, replicas: number, extra: Partial<appsv1.DeploymentSpec> = {}, image = 'nginx:1.27'): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: podTemplate({ app: name }, image), ...extra },
  };
}

const getDeploy = (ns: string, name: string) => env.client.get<Deployment>(Resources.deployments, ns, name);
const setImage = (ns: string, name: string, image: string) =>
  env.client.patch(Resources.deployments, ns, name, PatchType.MergePatch, { spec: { template: { spec: { containers: [{ name: 'app', image }] } } } });

async function replicaSets(ns: string): Promise<ReplicaSet[]> {
  const { items } = await env.client.list<ReplicaSet>(Resources.replicasets, ns);
  return items;
}

const imageOf = (rs: ReplicaSet) => rs.spec?.template?.spec?.containers[0]?.image;
const revisionOf = (rs: ReplicaSet) => rs.metadata?.annotations?.['deployment.kubernetes.io/revision'];

/** The ReplicaSets by image, once `check` holds for them. */
async function rsWhen(ns: string, check: (byImage: Map<string, ReplicaSet>) => boolean, timeoutMs?: number): Promise<Map<string, ReplicaSet>> {
  return env.eventually(async () => {
    const byImage = new Map((await replicaSets(ns)).map((rs) => [imageOf(rs) ?? '', rs]));
    return check(byImage) ? byImage : undefined;
  }, timeoutMs);
}

/** Waits until `kubectl rollout status` would say the rollout finished. */
async function rolledOut(ns: string, name: string, timeoutMs?: number): Promise<Deployment> {
  return env.eventually(async () => {
    const d = await getDeploy(ns, name);
    const s = d.status ?? {};
    const want = d.spec?.replicas ?? 1;
    const done =
      (d.metadata?.generation ?? 0) <= (s.observedGeneration ?? 0) &&
      (s.updatedReplicas ?? 0) === want &&
      (s.replicas ?? 0) === want &&
      (s.availableReplicas ?? 0) === want &&
      s.conditions?.some((c) => c.type === 'Progressing' && c.reason === 'NewReplicaSetAvailable');
    return done ? d : undefined;
  }, timeoutMs);
}

/** Samples the namespace's pods until stopped, recording the extremes the rollout reached. */
function sampler(ns: string) {
  let stopped = false;
  const seen = { maxPods: 0, minReady: Number.POSITIVE_INFINITY, samples: 0, mixed: false };
  const loop = (async () => {
    while (!stopped) {
      const pods = (await listPods(env.client, ns).catch(() => undefined))?.filter((p) => !p.metadata?.deletionTimestamp);
      if (pods) {
        seen.samples++;
        seen.maxPods = Math.max(seen.maxPods, pods.length);
        seen.minReady = Math.min(seen.minReady, pods.filter(podIsReady).length);
        const hashes = new Set(pods.map((p) => p.metadata?.labels?.['pod-template-hash']));
        if (hashes.size > 1) seen.mixed = true;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  return {
    seen,
    stop: async () => {
      stopped = true;
      await loop;
      return seen;
    },
  };
}

async function markReady(pods: corev1.Pod[]): Promise<void> {
  for (const pod of pods) await setPodStatus(env.client, pod);
}

describe('Deployment controller', () => {
  it('creates a ReplicaSet named by the template hash, its pods, and reports a finished rollout', async () => {
    await createNamespace(env.client, 'd-create');
    const created = await env.client.create<Deployment>(Resources.deployments, 'd-create', deployment('web', 3));
    const [rs] = (await rsWhen('d-create', (m) => m.size === 1)).values();
    const hash = rs!.metadata?.labels?.['pod-template-hash'];
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(rs!.metadata?.name).toBe(`web-${hash}`);
    expect(rs!.metadata?.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs!.spec?.selector).toEqual({ matchLabels: { app: 'web', 'pod-template-hash': hash } });
    expect(rs!.spec?.template?.metadata?.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs!.spec?.replicas).toBe(3);
    expect(rs!.metadata?.annotations).toEqual({
      'deployment.kubernetes.io/revision': '1',
      'deployment.kubernetes.io/desired-replicas': '3',
      'deployment.kubernetes.io/max-replicas': '4',
    });
    expect(rs!.metadata?.ownerReferences).toEqual([
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: created.metadata?.uid, controller: true, blockOwnerDeletion: true },
    ]);

    const pods = await env.eventually(async () => {
      const p = await listPods(env.client, 'd-create');
      return p.length === 3 ? p : undefined;
    });
    expect(pods.every((p) => p.metadata?.labels?.['pod-template-hash'] === hash && p.metadata?.generateName === `web-${hash}-`)).toBe(true);
    const scaled = await env.eventually(async () => (await eventsFor(env.client, 'd-create', 'web')).find((e) => e.reason === 'ScalingReplicaSet'));
    expect(scaled.message).toBe(`Scaled up replica set web-${hash} from 0 to 3`);

    const progressing = await env.eventually(async () => (await getDeploy('d-create', 'web')).status?.conditions?.find((c) => c.type === 'Progressing'));
    expect(progressing.reason).toMatch(/^(NewReplicaSetCreated|FoundNewReplicaSet|ReplicaSetUpdated)$/);
    const waiting = await getDeploy('d-create', 'web');
    expect(waiting.status?.conditions?.find((c) => c.type === 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable' });

    await markReady(pods);
    const done = await rolledOut('d-create', 'web');
    expect(done.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    expect({ ...done.status, conditions: undefined }).toEqual({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, conditions: undefined });
    const byType = Object.fromEntries((done.status?.conditions ?? []).map((c) => [c.type, c]));
    expect(byType.Available).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' });
    expect(byType.Progressing).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "web-${hash}" has successfully progressed.` });
  });

  it('rolls a template change out in steps bounded by maxSurge and maxUnavailable', async () => {
    const ns = 'd-rolling';
    await createNamespace(env.client, ns);
    const kubelet = autoReady(env.client, ns);
    await env.client.create(Resources.deployments, ns, deployment('web', 4, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } } }, 'app:v1'));
    await rolledOut(ns, 'web');
    await kubelet.stop();

    const sample = sampler(ns);
    await setImage(ns, 'web', 'app:v2');
    // One surge pod, one old pod gone, then a second new pod: 3 old and 2 new, waiting for readiness.
    let rs = await rsWhen(ns, (m) => m.get('app:v1')?.spec?.replicas === 3 && m.get('app:v2')?.spec?.replicas === 2);
    const newName = rs.get('app:v2')!.metadata?.name ?? '';
    const oldName = rs.get('app:v1')!.metadata?.name ?? '';
    let newPods = await env.eventually(async () => {
      const p = await listPods(env.client, ns, `pod-template-hash=${rs.get('app:v2')!.metadata?.labels?.['pod-template-hash']}`);
      return p.length === 2 ? p : undefined;
    });
    await new Promise((r) => setTimeout(r, 200));
    rs = await rsWhen(ns, () => true);
    expect([rs.get('app:v1')?.spec?.replicas, rs.get('app:v2')?.spec?.replicas]).toEqual([3, 2]);

    await markReady(newPods);
    rs = await rsWhen(ns, (m) => m.get('app:v1')?.spec?.replicas === 1 && m.get('app:v2')?.spec?.replicas === 4);
    newPods = await env.eventually(async () => {
      const p = (await listPods(env.client, ns, `pod-template-hash=${rs.get('app:v2')!.metadata?.labels?.['pod-template-hash']}`)).filter((x) => !podIsReady(x));
      return p.length === 2 ? p : undefined;
    });
    await markReady(newPods);
    const done = await rolledOut(ns, 'web');
    const seen = await sample.stop();

    expect(seen.samples).toBeGreaterThan(10);
    expect(seen.maxPods).toBeLessThanOrEqual(5);
    expect(seen.minReady).toBeGreaterThanOrEqual(3);
    rs = await rsWhen(ns, (m) => m.get('app:v1')?.spec?.replicas === 0);
    expect(revisionOf(rs.get('app:v1')!)).toBe('1');
    expect(revisionOf(rs.get('app:v2')!)).toBe('2');
    expect(done.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    const messages = (await eventsFor(env.client, ns, 'web')).filter((e) => e.reason === 'ScalingReplicaSet').map((e) => e.message ?? '');
    // Until new pods turn ready the steps are fixed; after that their size depends on how fast they do.
    expect(messages.slice(0, 4)).toEqual([
      `Scaled up replica set ${oldName} from 0 to 4`,
      `Scaled up replica set ${newName} from 0 to 1`,
      `Scaled down replica set ${oldName} from 4 to 3`,
      `Scaled up replica set ${newName} from 1 to 2`,
    ]);
    for (const m of messages.slice(4)) expect(m).toMatch(new RegExp(`^Scaled (up replica set ${newName}|down replica set ${oldName}) from \\d+ to \\d+$`));
    expect(messages.at(-1)).toMatch(new RegExp(`^Scaled (down replica set ${oldName} from \\d+ to 0|up replica set ${newName} from \\d+ to 4)$`));
  });

  it('Recreate removes every old pod before creating new ones', async () => {
    const ns = 'd-recreate';
    await createNamespace(env.client, ns);
    const kubelet = autoReady(env.client, ns);
    await env.client.create(Resources.deployments, ns, deployment('web', 2, { strategy: { type: 'Recreate' } }, 'app:v1'));
    await rolledOut(ns, 'web');
    const sample = sampler(ns);
    await setImage(ns, 'web', 'app:v2');
    await rsWhen(ns, (m) => m.get('app:v1')?.spec?.replicas === 0 && m.get('app:v2')?.status?.readyReplicas === 2);
    await rolledOut(ns, 'web');
    const seen = await sample.stop();
    await kubelet.stop();
    expect(seen.mixed).toBe(false);
    expect(seen.maxPods).toBe(2);
    const rs = await rsWhen(ns, () => true);
    expect(rs.get('app:v2')?.metadata?.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '2', 'deployment.kubernetes.io/max-replicas': '2' });
  });

  it('pauses rollouts but not scaling, and resumes', async () => {
    const ns = 'd-pause';
    await createNamespace(env.client, ns);
    const kubelet = autoReady(env.client, ns);
    await env.client.create(Resources.deployments, ns, deployment('web', 2, {}, 'app:v1'));
    await rolledOut(ns, 'web');

    await env.client.patch(Resources.deployments, ns, 'web', PatchType.MergePatch, { spec: { paused: true } });
    await env.eventually(async () => (await getDeploy(ns, 'web')).status?.conditions?.some((c) => c.type === 'Progressing' && c.status === 'Unknown' && c.reason === 'DeploymentPaused'));
    await setImage(ns, 'web', 'app:v2');
    await env.client.patch(Resources.deployments, ns, 'web', PatchType.MergePatch, { spec: { replicas: 3 } });
    const paused = await env.eventually(async () => {
      const d = await getDeploy(ns, 'web');
      return d.status?.observedGeneration === d.metadata?.generation && d.status?.availableReplicas === 3 ? d : undefined;
    });
    expect(paused.status?.updatedReplicas ?? 0).toBe(0);
    const rs = await rsWhen(ns, () => true);
    expect([...rs.keys()]).toEqual(['app:v1']);
    expect(rs.get('app:v1')?.spec?.replicas).toBe(3);

    await env.client.patch(Resources.deployments, ns, 'web', PatchType.MergePatch, { spec: { paused: false } });
    await rsWhen(ns, (m) => m.get('app:v2')?.spec?.replicas === 3 && m.get('app:v1')?.spec?.replicas === 0);
    await rolledOut(ns, 'web');
    await kubelet.stop();
  });

  it('rolls back to a previous template by reusing its ReplicaSet under a new revision', async () => {
    const ns = 'd-rollback';
    await createNamespace(env.client, ns);
    const kubelet = autoReady(env.client, ns);
    await env.client.create(Resources.deployments, ns, deployment('web', 2, {}, 'app:v1'));
    await rolledOut(ns, 'web');
    await setImage(ns, 'web', 'app:v2');
    await rsWhen(ns, (m) => m.get('app:v1')?.spec?.replicas === 0);
    await rolledOut(ns, 'web');
    // What `kubectl rollout undo` does: put the old ReplicaSet's template back.
    await setImage(ns, 'web', 'app:v1');
    const rs = await rsWhen(ns, (m) => m.get('app:v2')?.spec?.replicas === 0 && m.get('app:v1')?.spec?.replicas === 2);
    const done = await rolledOut(ns, 'web');
    await kubelet.stop();
    expect(rs.size).toBe(2);
    expect(revisionOf(rs.get('app:v1')!)).toBe('3');
    expect(rs.get('app:v1')?.metadata?.annotations?.['deployment.kubernetes.io/revision-history']).toBe('1');
    expect(revisionOf(rs.get('app:v2')!)).toBe('2');
    expect(done.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
  });

  it('keeps only revisionHistoryLimit old ReplicaSets', async () => {
    const ns = 'd-history';
    await createNamespace(env.client, ns);
    const kubelet = autoReady(env.client, ns);
    await env.client.create(Resources.deployments, ns, deployment('web', 1, { revisionHistoryLimit: 1 }, 'app:v1'));
    await rolledOut(ns, 'web');
    for (const image of ['app:v2', 'app:v3', 'app:v4']) {
      await setImage(ns, 'web', image);
      await rsWhen(ns, (m) => m.get(image)?.status?.availableReplicas === 1);
      await rolledOut(ns, 'web');
    }
    const rs = await rsWhen(ns, (m) => m.size === 2);
    await kubelet.stop();
    expect([...rs.keys()].sort()).toEqual(['app:v3', 'app:v4']);
    expect(revisionOf(rs.get('app:v3')!)).toBe('3');
  });

  it('scales proportionally across old and new ReplicaSets during a rollout', async () => {
    const ns = 'd-proportional';
    await createNamespace(env.client, ns);
    const kubelet = autoReady(env.client, ns);
    await env.client.create(Resources.deployments, ns, deployment('web', 10, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } }, 'app:v1'));
    await rolledOut(ns, 'web');
    await kubelet.stop();
    await setImage(ns, 'web', 'app:v2');
    await rsWhen(ns, (m) => m.get('app:v1')?.spec?.replicas === 8 && m.get('app:v2')?.spec?.replicas === 5);
    await env.client.patch(Resources.deployments, ns, 'web', PatchType.MergePatch, { spec: { replicas: 20 } });
    // 10 more replicas within 20 + 3 surge, shared 8:5 -> +6 and +4.
    const rs = await rsWhen(ns, (m) => m.get('app:v1')?.spec?.replicas === 14 && m.get('app:v2')?.spec?.replicas === 9);
    expect(rs.get('app:v1')?.metadata?.annotations).toMatchObject({ 'deployment.kubernetes.io/desired-replicas': '20', 'deployment.kubernetes.io/max-replicas': '23' });
    expect(rs.get('app:v2')?.metadata?.annotations).toMatchObject({ 'deployment.kubernetes.io/desired-replicas': '20', 'deployment.kubernetes.io/max-replicas': '23' });
  });

  it('reports ProgressDeadlineExceeded when a rollout stalls', async () => {
    const ns = 'd-deadline';
    await createNamespace(env.client, ns);
    await env.client.create(Resources.deployments, ns, deployment('web', 1, { progressDeadlineSeconds: 1 }));
    const cond = await env.eventually(async () => {
      const c = (await getDeploy(ns, 'web')).status?.conditions?.find((x) => x.type === 'Progressing');
      return c?.reason === 'ProgressDeadlineExceeded' ? c : undefined;
    }, 8_000);
    expect(cond.status).toBe('False');
    expect(cond.message).toMatch(/^ReplicaSet "web-[a-z0-9]+" has timed out progressing\.$/);
  });
});
