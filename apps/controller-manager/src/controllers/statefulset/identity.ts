import type { KubeObject, appsv1, corev1 } from '@tskube/api-types';
import type { Owner } from '../replicaset/controller-ref';
import { podFromTemplate } from '../replicaset/pod-control';
import { PodRevisionLabel } from './revisions';

/** A StatefulSet as the informer holds it. */
export type StatefulSet = appsv1.StatefulSet & KubeObject;
/** A PersistentVolumeClaim as the informer holds it. */
export type Claim = corev1.PersistentVolumeClaim & KubeObject;

/** The label carrying a StatefulSet pod's own name (apps.StatefulSetPodNameLabel). */
export const PodNameLabel = 'statefulset.kubernetes.io/pod-name';
/** The label carrying a pod's ordinal (apps.PodIndexLabel). */
export const PodIndexLabel = 'apps.kubernetes.io/pod-index';

/** The StatefulSet as the owner of what it creates. */
export function setOwner(set: appsv1.StatefulSet): Owner {
  return { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: set.metadata ?? {} };
}

const ordinalName = /^(.*)-([0-9]+)$/;

/** The parent name and ordinal encoded in a pod's name; ordinal -1 when it has none (getParentNameAndOrdinal). */
export function parentAndOrdinal(pod: { metadata?: { name?: string } }): { parent: string; ordinal: number } {
  const m = ordinalName.exec(pod.metadata?.name ?? '');
  if (!m) return { parent: '', ordinal: -1 };
  const ordinal = Number(m[2]);
  // Go parses into an int32: larger numbers do not name an ordinal.
  if (!Number.isSafeInteger(ordinal) || ordinal > 2147483647) return { parent: '', ordinal: -1 };
  return { parent: m[1]!, ordinal };
}

/** A pod's ordinal, -1 when its name has none. */
export function ordinalOf(pod: { metadata?: { name?: string } }): number {
  return parentAndOrdinal(pod).ordinal;
}

/** Whether the pod's name says it belongs to `set` (isMemberOf). */
export function isMemberOf(set: appsv1.StatefulSet, pod: { metadata?: { name?: string } }): boolean {
  return parentAndOrdinal(pod).parent === set.metadata?.name;
}

/** `<set>-<ordinal>`. */
export function podName(set: appsv1.StatefulSet, ordinal: number): string {
  return `${set.metadata?.name ?? ''}-${ordinal}`;
}

/** spec.replicas (1 when unset). */
export function specReplicas(set: appsv1.StatefulSet): number {
  return set.spec?.replicas ?? 1;
}

/** The first ordinal, spec.ordinals.start (0 by default). */
export function startOrdinal(set: appsv1.StatefulSet): number {
  return set.spec?.ordinals?.start ?? 0;
}

/** The last ordinal in range; start - 1 for zero replicas. */
export function endOrdinal(set: appsv1.StatefulSet): number {
  return startOrdinal(set) + specReplicas(set) - 1;
}

/** Whether the pod's ordinal is within [start, end] (podInOrdinalRange). */
export function inOrdinalRange(pod: { metadata?: { name?: string } }, set: appsv1.StatefulSet): boolean {
  const ord = ordinalOf(pod);
  return ord >= startOrdinal(set) && ord <= endOrdinal(set);
}

/** `<template>-<set>-<ordinal>`, the claim of one pod (getPersistentVolumeClaimName). */
export function claimName(set: appsv1.StatefulSet, template: corev1.PersistentVolumeClaim, ordinal: number): string {
  return `${template.metadata?.name ?? ''}-${set.metadata?.name ?? ''}-${ordinal}`;
}

/**
 * The claims a pod of `set` with `ordinal` uses, one per volumeClaimTemplate in order, keyed by
 * template name (getPersistentVolumeClaims): the template named for the pod, in the set's
 * namespace, labelled with the set's matchLabels.
 */
export function claimsFor(set: appsv1.StatefulSet, ordinal: number): Map<string, corev1.PersistentVolumeClaim> {
  const claims = new Map<string, corev1.PersistentVolumeClaim>();
  for (const template of set.spec?.volumeClaimTemplates ?? []) {
    const claim = structuredClone(template);
    const meta = (claim.metadata ??= {});
    meta.name = claimName(set, template, ordinal);
    meta.namespace = set.metadata?.namespace ?? '';
    meta.labels = { ...meta.labels, ...set.spec?.selector?.matchLabels };
    delete (claim as { status?: unknown }).status;
    claim.apiVersion = 'v1';
    claim.kind = 'PersistentVolumeClaim';
    claims.set(template.metadata?.name ?? '', claim);
  }
  return claims;
}

/** Sets the name-derived identity: name, namespace, pod-name and pod-index labels (updateIdentity). */
export function updateIdentity(set: appsv1.StatefulSet, pod: corev1.Pod): void {
  const ordinal = ordinalOf(pod);
  const meta = (pod.metadata ??= {});
  meta.name = podName(set, ordinal);
  meta.namespace = set.metadata?.namespace ?? '';
  meta.labels = { ...meta.labels, [PodNameLabel]: meta.name, [PodIndexLabel]: String(ordinal) };
}

/** Whether the pod carries the identity its name gives it in `set` (identityMatches). */
export function identityMatches(set: appsv1.StatefulSet, pod: corev1.Pod): boolean {
  const { parent, ordinal } = parentAndOrdinal(pod);
  const labels = pod.metadata?.labels;
  return (
    ordinal >= 0 &&
    parent === set.metadata?.name &&
    pod.metadata?.name === podName(set, ordinal) &&
    pod.metadata?.namespace === set.metadata?.namespace &&
    labels !== undefined &&
    labels[PodNameLabel] === pod.metadata?.name &&
    labels[PodIndexLabel] === String(ordinal)
  );
}

/**
 * Points the pod's volumes named like claim templates at its claims, first and in template order,
 * keeping its other volumes after them (updateStorage).
 */
export function updateStorage(set: appsv1.StatefulSet, pod: corev1.Pod): void {
  const claims = claimsFor(set, ordinalOf(pod));
  const spec = (pod.spec ??= { containers: [] });
  const volumes: corev1.Volume[] = [...claims].map(([name, claim]) => ({ name, persistentVolumeClaim: { claimName: claim.metadata?.name ?? '' } }));
  for (const v of spec.volumes ?? []) if (!claims.has(v.name)) volumes.push(v);
  if (volumes.length > 0) spec.volumes = volumes;
}

/** Whether every claim template is mounted from this pod's claim (storageMatches). */
export function storageMatches(set: appsv1.StatefulSet, pod: corev1.Pod): boolean {
  const ordinal = ordinalOf(pod);
  if (ordinal < 0) return false;
  const volumes = new Map((pod.spec?.volumes ?? []).map((v) => [v.name, v]));
  for (const template of set.spec?.volumeClaimTemplates ?? []) {
    const v = volumes.get(template.metadata?.name ?? '');
    if (v?.persistentVolumeClaim?.claimName !== claimName(set, template, ordinal)) return false;
  }
  return true;
}

/**
 * The pod `set` runs at `ordinal` (newStatefulSetPod): its template with the set as controller,
 * named `<set>-<ordinal>`, hostname the pod name and subdomain the governing service, with its
 * identity labels and claims.
 */
export function newStatefulSetPod(set: appsv1.StatefulSet, ordinal: number): corev1.Pod {
  const pod = podFromTemplate(set.spec?.template ?? {}, setOwner(set));
  const meta = pod.metadata!;
  meta.name = podName(set, ordinal);
  updateIdentity(set, pod);
  pod.spec!.hostname = meta.name;
  if (set.spec?.serviceName) pod.spec!.subdomain = set.spec.serviceName;
  updateStorage(set, pod);
  return pod;
}

/** The revision label of a pod; '' without one (getPodRevision). */
export function podRevision(pod: corev1.Pod): string {
  return pod.metadata?.labels?.[PodRevisionLabel] ?? '';
}

/** Labels the pod with its revision (setPodRevision). */
export function setPodRevision(pod: corev1.Pod, revision: string): void {
  const meta = (pod.metadata ??= {});
  meta.labels = { ...meta.labels, [PodRevisionLabel]: revision };
}
