import { newNotFound, type corev1 } from '@tskube/api-types';
import { describe, expect, it } from 'vitest';
import { adoptPatch, claimObjects, newControllerRef, releasePatch, type Owner } from './controller-ref';

const owner: Owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web', namespace: 'ns', uid: 'rs-uid' } };
const ref = newControllerRef(owner);
const otherRef = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'other', uid: 'other-uid', controller: true };

function pod(name: string, labels: Record<string, string>, extra: Partial<corev1.Pod['metadata']> = {}): corev1.Pod {
  return { metadata: { name, namespace: 'ns', uid: `${name}-uid`, labels, ...extra } };
}

function recorder(failAdopt?: unknown) {
  const calls: string[] = [];
  let rechecks = 0;
  return {
    calls,
    rechecks: () => rechecks,
    options: {
      owner,
      match: (p: corev1.Pod) => p.metadata?.labels?.app === 'web',
      canAdopt: async () => {
        rechecks++;
      },
      adopt: async (p: corev1.Pod) => {
        calls.push(`adopt ${p.metadata?.name}`);
        if (failAdopt) throw failAdopt;
      },
      release: async (p: corev1.Pod) => {
        calls.push(`release ${p.metadata?.name}`);
      },
    },
  };
}

describe('claimObjects', () => {
  it('keeps owned matches, adopts orphans, releases owned non-matches and ignores others', async () => {
    const r = recorder();
    const pods = [
      pod('owned', { app: 'web' }, { ownerReferences: [ref] }),
      pod('orphan', { app: 'web' }),
      pod('orphan-elsewhere', { app: 'web' }, { namespace: 'other' }),
      pod('orphan-deleting', { app: 'web' }, { deletionTimestamp: '2026-01-01T00:00:00Z' }),
      pod('orphan-mismatch', { app: 'db' }),
      pod('relabelled', { app: 'db' }, { ownerReferences: [ref] }),
      pod('foreign', { app: 'web' }, { ownerReferences: [otherRef] }),
    ];
    const { claimed, errors } = await claimObjects(pods, r.options);
    expect(claimed.map((p) => p.metadata?.name)).toEqual(['owned', 'orphan']);
    expect(errors).toEqual([]);
    expect(r.calls).toEqual(['adopt orphan', 'release relabelled']);
    expect(r.rechecks()).toBe(1);
  });

  it('neither adopts nor releases while the owner is being deleted', async () => {
    const r = recorder();
    const deleting = { ...owner, metadata: { ...owner.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } };
    const pods = [pod('owned', { app: 'web' }, { ownerReferences: [ref] }), pod('orphan', { app: 'web' }), pod('relabelled', { app: 'db' }, { ownerReferences: [ref] })];
    const { claimed } = await claimObjects(pods, { ...r.options, owner: deleting });
    expect(claimed.map((p) => p.metadata?.name)).toEqual(['owned']);
    expect(r.calls).toEqual([]);
  });

  it('skips an orphan that vanished and reports other failures', async () => {
    const gone = await claimObjects([pod('orphan', { app: 'web' })], recorder(newNotFound({ group: '', resource: 'pods' }, 'orphan')).options);
    expect(gone).toEqual({ claimed: [], errors: [] });
    const failed = await claimObjects([pod('orphan', { app: 'web' })], recorder(new Error('boom')).options);
    expect(failed.claimed).toEqual([]);
    expect(String(failed.errors[0])).toContain('boom');
  });

  it('does not adopt when the recheck refuses', async () => {
    const r = recorder();
    const { claimed, errors } = await claimObjects([pod('orphan', { app: 'web' })], {
      ...r.options,
      canAdopt: async () => {
        throw new Error('ns/web has just been deleted');
      },
    });
    expect(claimed).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(r.calls).toEqual([]);
  });
});

describe('ownership patches', () => {
  it('adds the controller reference, testing uid and the current owners', () => {
    expect(adoptPatch(pod('p', {}), owner)).toEqual([
      { op: 'test', path: '/metadata/uid', value: 'p-uid' },
      { op: 'add', path: '/metadata/ownerReferences', value: [ref] },
    ]);
    const gc = { apiVersion: 'v1', kind: 'ConfigMap', name: 'cm', uid: 'cm-uid' };
    expect(adoptPatch(pod('p', {}, { ownerReferences: [gc] }), owner)).toEqual([
      { op: 'test', path: '/metadata/uid', value: 'p-uid' },
      { op: 'test', path: '/metadata/ownerReferences', value: [gc] },
      { op: 'add', path: '/metadata/ownerReferences/-', value: ref },
    ]);
  });

  it('removes the owner reference at its index', () => {
    const gc = { apiVersion: 'v1', kind: 'ConfigMap', name: 'cm', uid: 'cm-uid' };
    expect(releasePatch(pod('p', {}, { ownerReferences: [gc, ref] }), 'rs-uid')).toEqual([
      { op: 'test', path: '/metadata/uid', value: 'p-uid' },
      { op: 'test', path: '/metadata/ownerReferences/1/uid', value: 'rs-uid' },
      { op: 'remove', path: '/metadata/ownerReferences/1' },
    ]);
    expect(releasePatch(pod('p', {}), 'rs-uid')).toBeUndefined();
  });

  it('builds a blocking controller reference', () => {
    expect(ref).toEqual({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs-uid', controller: true, blockOwnerDeletion: true });
  });
});
