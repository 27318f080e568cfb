import type { appsv1, corev1, metav1 } from '@tskube/api-types';
import { describe, expect, it } from 'vitest';
import { claimOwnerRefs, claimOwnerUpToDate } from './retention';

const setRef: metav1.OwnerReference = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'set-uid', controller: true, blockOwnerDeletion: true };
const podRef = (name: string): metav1.OwnerReference => ({ apiVersion: 'v1', kind: 'Pod', name, uid: `${name}-uid`, controller: true, blockOwnerDeletion: true });

function set(whenScaled: string, whenDeleted: string): appsv1.StatefulSet {
  return { metadata: { name: 'web', namespace: 'ns', uid: 'set-uid' }, spec: { replicas: 2, selector: {}, serviceName: '', template: {}, persistentVolumeClaimRetentionPolicy: { whenScaled, whenDeleted } } };
}
const pod = (ordinal: number): corev1.Pod => ({ metadata: { name: `web-${ordinal}`, namespace: 'ns', uid: `web-${ordinal}-uid` } });
const claim = (refs: metav1.OwnerReference[] = []) => ({ metadata: { name: 'data-web-0', ownerReferences: refs } });

describe('claim owners for the retention policy', () => {
  it.each([
    { name: 'Retain/Retain: nobody', scaled: 'Retain', deleted: 'Retain', ordinal: 0, want: [] },
    { name: 'Retain/Retain scaled away: nobody', scaled: 'Retain', deleted: 'Retain', ordinal: 5, want: [] },
    { name: 'whenDeleted Delete: the set', scaled: 'Retain', deleted: 'Delete', ordinal: 0, want: [setRef] },
    { name: 'whenScaled Delete in range: nobody', scaled: 'Delete', deleted: 'Retain', ordinal: 1, want: [] },
    { name: 'whenScaled Delete scaled away: the pod', scaled: 'Delete', deleted: 'Retain', ordinal: 3, want: [podRef('web-3')] },
    { name: 'Delete/Delete in range: the set', scaled: 'Delete', deleted: 'Delete', ordinal: 0, want: [setRef] },
    { name: 'Delete/Delete scaled away: the pod only', scaled: 'Delete', deleted: 'Delete', ordinal: 2, want: [podRef('web-2')] },
  ])('$name', ({ scaled, deleted, ordinal, want }) => {
    const s = set(scaled, deleted);
    const p = pod(ordinal);
    const fresh = claim();
    const refs = claimOwnerRefs(fresh, s, p);
    expect(refs).toEqual(want);
    expect(claimOwnerUpToDate({ metadata: { ownerReferences: refs } }, s, p)).toBe(true);
    expect(claimOwnerUpToDate(fresh, s, p)).toBe(want.length === 0);
  });

  it('moves the reference from the set to the pod when a Delete/Delete pod is scaled away', () => {
    expect(claimOwnerUpToDate(claim([setRef]), set('Delete', 'Delete'), pod(4))).toBe(false);
    expect(claimOwnerRefs(claim([setRef]), set('Delete', 'Delete'), pod(4))).toEqual([podRef('web-4')]);
  });

  it('leaves claims alone whose references are stale or that another controller owns', () => {
    const stale = { ...setRef, uid: 'old-set-uid' };
    expect(claimOwnerUpToDate(claim([stale]), set('Retain', 'Delete'), pod(0))).toBe(true);
    const other: metav1.OwnerReference = { apiVersion: 'example.com/v1', kind: 'Backup', name: 'b', uid: 'b-uid', controller: true };
    expect(claimOwnerUpToDate(claim([other]), set('Retain', 'Delete'), pod(0))).toBe(true);
    expect(claimOwnerRefs(claim([other, setRef]), set('Retain', 'Delete'), pod(0))).toEqual([other]);
  });

  it('fixes a reference that is not a controller reference', () => {
    const weak = { ...setRef, controller: false };
    expect(claimOwnerUpToDate(claim([weak]), set('Retain', 'Delete'), pod(0))).toBe(false);
    expect(claimOwnerRefs(claim([weak]), set('Retain', 'Delete'), pod(0))).toEqual([setRef]);
  });
});
