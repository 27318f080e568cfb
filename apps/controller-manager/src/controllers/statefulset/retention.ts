import type { appsv1, corev1, metav1 } from '@tskube/api-types';
import { newControllerRef } from '../replicaset/controller-ref';
import { inOrdinalRange, setOwner } from './identity';

/**
 * persistentVolumeClaimRetentionPolicy through ownerReferences, as Kubernetes does it: the
 * garbage collector deletes a claim once every owner is gone, so
 * - Retain/Retain: the claim has no reference to the set or the pod;
 * - whenDeleted Delete: the set controls the claim (deleting the set deletes it);
 * - whenScaled Delete: a claim of a pod scaled away is controlled by that pod instead (deleting
 *   the condemned pod deletes it); claims of pods in range stay as whenDeleted says.
 * A claim some other controller owns, or whose references to the set or pod are stale (a uid of
 * an earlier object of that name), is left alone.
 */

type Policy = appsv1.StatefulSetPersistentVolumeClaimRetentionPolicy;
type Ref = metav1.OwnerReference;

/** The set's policy with unset parts as Retain. */
export function retentionPolicy(set: appsv1.StatefulSet): { whenDeleted: string; whenScaled: string } {
  const p: Policy = set.spec?.persistentVolumeClaimRetentionPolicy ?? {};
  return { whenDeleted: p.whenDeleted || 'Retain', whenScaled: p.whenScaled || 'Retain' };
}

interface Named {
  metadata?: metav1.ObjectMeta;
}

const setGV = { apiVersion: 'apps/v1', kind: 'StatefulSet' };
const podGV = { apiVersion: 'v1', kind: 'Pod' };

/** The reference names `obj` by kind and name, whatever its uid (matchesRef). */
function matchesRef(ref: Ref, obj: Named, gvk: { apiVersion: string; kind: string }): boolean {
  return ref.apiVersion === gvk.apiVersion && ref.kind === gvk.kind && ref.name === obj.metadata?.name;
}

function hasOwnerRef(claim: Named, owner: Named): boolean {
  const uid = owner.metadata?.uid;
  return (claim.metadata?.ownerReferences ?? []).some((r) => r.uid === uid);
}

/** A reference to `obj` by name with another uid (hasStaleOwnerRef): the first match decides. */
export function hasStaleOwnerRef(claim: Named, obj: Named, gvk: { apiVersion: string; kind: string }): boolean {
  const ref = (claim.metadata?.ownerReferences ?? []).find((r) => matchesRef(r, obj, gvk));
  return ref !== undefined && ref.uid !== obj.metadata?.uid;
}

/** Whether something other than the set or the pod controls the claim (hasUnexpectedController). */
export function hasUnexpectedController(claim: Named, set: appsv1.StatefulSet, pod: Named): boolean {
  const policy = retentionPolicy(set);
  if (policy.whenDeleted === 'Retain' && policy.whenScaled === 'Retain') return false;
  for (const ref of claim.metadata?.ownerReferences ?? []) {
    if (matchesRef(ref, set, setGV)) {
      if (ref.uid !== set.metadata?.uid) return true;
      continue;
    }
    if (matchesRef(ref, pod, podGV)) {
      if (ref.uid !== pod.metadata?.uid) return true;
      continue;
    }
    if (ref.controller === true) return true;
  }
  return false;
}

function hasNonControllerOwner(claim: Named, set: appsv1.StatefulSet, pod: Named): boolean {
  return (claim.metadata?.ownerReferences ?? []).some((r) => (r.uid === set.metadata?.uid || r.uid === pod.metadata?.uid) && r.controller !== true);
}

/** Whether the claim's references already say what the policy asks for `pod` (isClaimOwnerUpToDate). */
export function claimOwnerUpToDate(claim: Named, set: appsv1.StatefulSet, pod: Named): boolean {
  if (hasStaleOwnerRef(claim, set, setGV) || hasStaleOwnerRef(claim, pod, podGV)) return true;
  if (hasUnexpectedController(claim, set, pod)) return !(hasOwnerRef(claim, set) || hasOwnerRef(claim, pod));
  if (hasNonControllerOwner(claim, set, pod)) return false;
  const policy = retentionPolicy(set);
  const scaledDown = !inOrdinalRange(pod, set);
  const setRef = hasOwnerRef(claim, set);
  const podRef = hasOwnerRef(claim, pod);
  if (policy.whenScaled === 'Delete') {
    if (policy.whenDeleted === 'Delete' && scaledDown === setRef) return false;
    if (policy.whenDeleted !== 'Delete' && setRef) return false;
    return scaledDown === podRef;
  }
  if (policy.whenDeleted === 'Delete') return setRef && !podRef;
  return !setRef && !podRef;
}

/**
 * The ownerReferences the claim should have for `pod` under the set's policy
 * (updateClaimOwnerRefForSetAndPod): references to the set and pod scrubbed, then the one the
 * policy wants added as controller. With an unexpected controller, only the scrubbing happens.
 */
export function claimOwnerRefs(claim: Named, set: appsv1.StatefulSet, pod: corev1.Pod): Ref[] {
  const unexpected = hasUnexpectedController(claim, set, pod);
  const refs = (claim.metadata?.ownerReferences ?? []).filter((r) => !matchesRef(r, set, setGV) && !matchesRef(r, pod, podGV));
  if (unexpected) return refs;
  const policy = retentionPolicy(set);
  const scaledDown = !inOrdinalRange(pod, set);
  const add = (owner: Ref) => {
    if (!refs.some((r) => r.uid === owner.uid)) refs.push(owner);
  };
  const podRef = (): Ref => newControllerRef({ ...podGV, metadata: pod.metadata ?? {} });
  const setRef = (): Ref => newControllerRef(setOwner(set));
  if (policy.whenScaled === 'Delete') {
    if (scaledDown) add(podRef());
    else if (policy.whenDeleted === 'Delete') add(setRef());
  } else if (policy.whenDeleted === 'Delete') {
    add(setRef());
  }
  return refs;
}
