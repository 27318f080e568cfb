import type { KubeObject, corev1, metav1 } from '@tskube/api-types';
import { parseTime } from '@tskube/client';

/** A pod as the informer holds it. */
export type Pod = corev1.Pod & KubeObject;

/**
 * Whether a pod still counts toward its controller's replicas (controller.IsPodActive): not
 * finished and not being deleted. A terminating pod is on its way out; counting it would make the
 * controller wait for it instead of replacing it.
 */
export function isPodActive(pod: corev1.Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata?.deletionTimestamp;
}

/** The pod's Ready condition, if it reports one. */
export function podReadyCondition(pod: corev1.Pod): corev1.PodCondition | undefined {
  return pod.status?.conditions?.find((c) => c.type === 'Ready');
}

/** Whether the Ready condition is True (podutil.IsPodReady). */
export function isPodReady(pod: corev1.Pod): boolean {
  return podReadyCondition(pod)?.status === 'True';
}

/**
 * Ready for at least `minReadySeconds` at `nowMs` (podutil.IsPodAvailable): with 0 any ready pod
 * is available; otherwise the Ready condition must have turned True strictly more than that long ago.
 */
export function isPodAvailable(pod: corev1.Pod, minReadySeconds: number, nowMs: number): boolean {
  if (!isPodReady(pod)) return false;
  if (minReadySeconds <= 0) return true;
  const since = parseTime(podReadyCondition(pod)?.lastTransitionTime);
  return since !== undefined && since + minReadySeconds * 1000 < nowMs;
}

/** The ownerReference with controller=true (metav1.GetControllerOf), if any. */
export function controllerRefOf(obj: { metadata?: metav1.ObjectMeta }): metav1.OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((r) => r.controller === true);
}

/** `namespace/name` of a pod (controller.PodKey). */
export function podKey(pod: { metadata?: metav1.ObjectMeta }): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}
