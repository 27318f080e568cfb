import type { appsv1, corev1 } from '@tskube/api-types';
import { createLogger } from '@tskube/component';
import { describe, expect, it } from 'vitest';
import { StatefulSetControl, type HistoryControl } from './control';
import { newStatefulSetPod, setOwner, setPodRevision, type StatefulSet } from './identity';
import type { StatefulPodControl } from './pod-control';
import { newRevision, templatePatch, type ControllerRevision } from './revisions';

const NOW = Date.parse('2026-06-01T12:00:00Z');

function makeSet(spec: Partial<appsv1.StatefulSetSpec> = {}, image = 'nginx:1.27'): StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'ns', uid: 'uid-web', generation: 1 },
    spec: {
      replicas: 3,
      serviceName: 'web',
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      revisionHistoryLimit: 10,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image }] } },
      ...spec,
    },
  };
}

function revisionOf(set: StatefulSet, number: number): ControllerRevision {
  const r = newRevision(setOwner(set), set.spec?.template?.metadata?.labels, templatePatch(set.spec?.template), number, 0);
  return { ...r, metadata: { ...r.metadata, creationTimestamp: `2026-01-0${number}T00:00:00Z` } } as ControllerRevision;
}

type State = 'pending' | 'ready' | 'notready' | 'terminating' | 'failed';

function pod(set: StatefulSet, ordinal: number, revision: ControllerRevision, state: State = 'ready'): corev1.Pod {
  const p = newStatefulSetPod(set, ordinal);
  setPodRevision(p, revision.metadata.name ?? '');
  const since = new Date(NOW - 60_000).toISOString();
  const phase = state === 'pending' ? 'Pending' : state === 'failed' ? 'Failed' : 'Running';
  return {
    ...p,
    metadata: { ...p.metadata, uid: `uid-${ordinal}`, ...(state === 'terminating' ? { deletionTimestamp: since } : {}) },
    status: { phase, conditions: [{ type: 'Ready', status: state === 'ready' || state === 'terminating' ? 'True' : 'False', lastTransitionTime: since }] },
  };
}

function fakes() {
  const calls: string[] = [];
  const podControl: StatefulPodControl = {
    createStatefulPod: async (_s, p) => void calls.push(`create ${p.metadata?.name}`),
    updateStatefulPod: async (_s, p) => void calls.push(`update ${p.metadata?.name}`),
    deleteStatefulPod: async (_s, p) => void calls.push(`delete ${p.metadata?.name}`),
    createMissingClaims: async () => undefined,
    claimsMatchRetentionPolicy: () => true,
    updateClaimsForRetentionPolicy: async () => undefined,
    podClaimIsStale: () => false,
  };
  const history: HistoryControl = {
    create: async (_o, r) => {
      calls.push(`create revision ${r.revision}`);
      return r as ControllerRevision;
    },
    setRevisionNumber: async (r, n) => {
      calls.push(`renumber ${r.metadata.name} to ${n}`);
      return { ...r, revision: n };
    },
    delete: async (r) => void calls.push(`delete revision ${r.metadata?.name}`),
  };
  const statuses: appsv1.StatefulSetStatus[] = [];
  const control = new StatefulSetControl({
    podControl,
    history,
    updateStatus: async (_set, status) => void statuses.push(structuredClone(status)),
    clock: { now: () => NOW } as never,
    logger: createLogger({ component: 'test', level: 'error' }),
  });
  return { calls, statuses, control };
}

describe('StatefulSetControl', () => {
  const base = makeSet();
  const revA = revisionOf(base, 1);

  it.each([
    { name: 'OrderedReady creates only the first missing pod', set: base, pods: [] as State[], want: ['create web-0'] },
    { name: 'OrderedReady creates the next pod once its predecessor is Running and Ready', set: base, pods: ['ready'] as State[], want: ['create web-1'] },
    { name: 'OrderedReady waits while a predecessor is pending', set: base, pods: ['pending'] as State[], want: [] },
    { name: 'OrderedReady waits while a predecessor is not ready', set: base, pods: ['ready', 'notready'] as State[], want: [] },
    { name: 'OrderedReady waits for minReadySeconds of availability', set: makeSet({ minReadySeconds: 120 }), pods: ['ready'] as State[], want: [] },
    { name: 'OrderedReady goes on once available for minReadySeconds', set: makeSet({ minReadySeconds: 30 }), pods: ['ready'] as State[], want: ['create web-1'] },
    { name: 'Parallel creates every missing pod at once', set: makeSet({ podManagementPolicy: 'Parallel' }), pods: ['notready'] as State[], want: ['create web-1', 'create web-2'] },
    { name: 'a failed pod is deleted to be recreated', set: base, pods: ['ready', 'failed'] as State[], want: ['delete web-1'] },
    { name: 'OrderedReady scales down from the highest ordinal, one pod at a time', set: makeSet({ replicas: 1 }), pods: ['ready', 'ready', 'ready', 'ready'] as State[], want: ['delete web-3'] },
    { name: 'OrderedReady does not scale down past a terminating pod', set: makeSet({ replicas: 1 }), pods: ['ready', 'ready', 'terminating'] as State[], want: [] },
    { name: 'Parallel scales down every surplus pod at once', set: makeSet({ replicas: 1, podManagementPolicy: 'Parallel' }), pods: ['ready', 'notready', 'ready'] as State[], want: ['delete web-2', 'delete web-1'] },
  ])('$name', async ({ set, pods, want }) => {
    const { calls, control } = fakes();
    await control.sync(set, pods.map((s, i) => pod(set, i, revA, s)), [revA]);
    expect(calls.sort()).toEqual([...want].sort());
  });

  it('rolls out from the highest ordinal down to the partition, one pod at a time, waiting for health', async () => {
    const v2 = makeSet({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } }, 'nginx:1.28');
    const updated: StatefulSet = { ...v2, metadata: { ...v2.metadata, generation: 2 } };
    updated.status = { replicas: 3, currentRevision: revA.metadata.name, currentReplicas: 3 };
    const revB = revisionOf(updated, 2);
    const step = async (pods: corev1.Pod[]) => {
      const f = fakes();
      const r = await f.control.sync(updated, pods, [revA, revB]);
      return { calls: f.calls, status: f.statuses[0], r };
    };
    const first = await step([0, 1, 2].map((i) => pod(base, i, revA)));
    expect(first.calls).toEqual(['delete web-2']);
    expect(first.r.updateRevision.metadata.name).toBe(revB.metadata.name);
    expect(first.status).toMatchObject({ currentRevision: revA.metadata.name, updateRevision: revB.metadata.name, currentReplicas: 2, updatedReplicas: 0, observedGeneration: 2 });

    // web-2 came back at the update revision but is not ready yet: wait.
    expect((await step([pod(base, 0, revA), pod(base, 1, revA), pod(updated, 2, revB, 'notready')])).calls).toEqual([]);
    expect((await step([pod(base, 0, revA), pod(base, 1, revA), pod(updated, 2, revB)])).calls).toEqual(['delete web-1']);
    // At the partition: web-0 stays on the current revision.
    const held = await step([pod(base, 0, revA), pod(updated, 1, revB), pod(updated, 2, revB)]);
    expect(held.calls).toEqual([]);
    expect(held.status).toMatchObject({ currentReplicas: 1, updatedReplicas: 2, readyReplicas: 3 });
  });

  it('creates a missing pod below the partition at the current revision, and above it at the update revision', async () => {
    const updated = makeSet({ podManagementPolicy: 'Parallel', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } }, 'nginx:1.28');
    updated.status = { replicas: 1, currentRevision: revA.metadata.name };
    const revB = revisionOf(updated, 2);
    const created: corev1.Pod[] = [];
    const control = new StatefulSetControl({
      podControl: { ...fakesPodControl(), createStatefulPod: async (_s, p) => void created.push(p) },
      history: { create: async (_o, r) => r as ControllerRevision, setRevisionNumber: async (r) => r, delete: async () => undefined },
      updateStatus: async () => undefined,
      clock: { now: () => NOW } as never,
      logger: createLogger({ component: 'test', level: 'error' }),
    });
    await control.sync(updated, [], [revA, revB]);
    const byName = Object.fromEntries(created.map((p) => [p.metadata?.name, p]));
    expect(byName['web-0']?.spec?.containers[0]?.image).toBe('nginx:1.27');
    expect(byName['web-0']?.metadata?.labels?.['controller-revision-hash']).toBe(revA.metadata.name);
    expect(byName['web-2']?.spec?.containers[0]?.image).toBe('nginx:1.28');
    expect(byName['web-2']?.metadata?.labels?.['controller-revision-hash']).toBe(revB.metadata.name);
  });

  it('OnDelete never deletes for an update', async () => {
    const updated = makeSet({ updateStrategy: { type: 'OnDelete' } }, 'nginx:1.28');
    updated.status = { replicas: 3, currentRevision: revA.metadata.name };
    const { calls, control } = fakes();
    await control.sync(updated, [0, 1, 2].map((i) => pod(base, i, revA)), [revA, revisionOf(updated, 2)]);
    expect(calls).toEqual([]);
  });

  it('completes a rolling update once every pod is updated and ready', async () => {
    const updated = makeSet({}, 'nginx:1.28');
    const revB = revisionOf(updated, 2);
    updated.status = { replicas: 3, currentRevision: revA.metadata.name };
    const { statuses, control } = fakes();
    await control.sync(updated, [0, 1, 2].map((i) => pod(updated, i, revB)), [revA, revB]);
    expect(statuses[0]).toMatchObject({ currentRevision: revB.metadata.name, updateRevision: revB.metadata.name, currentReplicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 });
  });

  it('renumbers an older equal revision on rollback, and trims unused history beyond the limit', async () => {
    const v2 = makeSet({}, 'nginx:1.28');
    const v3 = makeSet({}, 'nginx:1.29');
    const revB = revisionOf(v2, 2);
    const revC = revisionOf(v3, 3);
    const back = makeSet({ revisionHistoryLimit: 0 });
    back.status = { replicas: 3, currentRevision: revC.metadata.name };
    const { calls, control } = fakes();
    const { updateRevision } = await control.sync(back, [0, 1, 2].map((i) => pod(v3, i, revC)), [revA, revB, revC]);
    expect(updateRevision.metadata.name).toBe(revA.metadata.name);
    expect(updateRevision.revision).toBe(4);
    expect(calls).toContain(`renumber ${revA.metadata.name} to 4`);
    expect(calls).toContain(`delete revision ${revB.metadata.name}`);
    expect(calls).not.toContain(`delete revision ${revC.metadata.name}`);
  });
});

function fakesPodControl(): StatefulPodControl {
  return {
    createStatefulPod: async () => undefined,
    updateStatefulPod: async () => undefined,
    deleteStatefulPod: async () => undefined,
    createMissingClaims: async () => undefined,
    claimsMatchRetentionPolicy: () => true,
    updateClaimsForRetentionPolicy: async () => undefined,
    podClaimIsStale: () => false,
  };
}
