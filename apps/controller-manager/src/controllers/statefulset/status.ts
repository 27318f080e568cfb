import type { appsv1, corev1 } from '@tskube/api-types';
import { isPodAvailable, isPodReady } from '../replicaset/pods';
import { podRevision } from './identity';

/** A pod that exists in the API (isCreated): the apiserver gives every pod a phase. */
export function isCreated(pod: corev1.Pod): boolean {
  return Boolean(pod.status?.phase);
}

/** Has a deletionTimestamp (isTerminating). */
export function isTerminating(pod: corev1.Pod): boolean {
  return Boolean(pod.metadata?.deletionTimestamp);
}

/** Phase Running and Ready (isRunningAndReady). */
export function isRunningAndReady(pod: corev1.Pod): boolean {
  return pod.status?.phase === 'Running' && isPodReady(pod);
}

/** Ready for minReadySeconds at `nowMs` (isRunningAndAvailable; the phase is not checked). */
export function isRunningAndAvailable(pod: corev1.Pod, minReadySeconds: number, nowMs: number): boolean {
  return isPodAvailable(pod, minReadySeconds, nowMs);
}

/** Running, Ready and not terminating (isHealthy). */
export function isHealthy(pod: corev1.Pod): boolean {
  return isRunningAndReady(pod) && !isTerminating(pod);
}

/**
 * The pod counts of a StatefulSet's status (updateStatus/computeReplicaStatus) over `pods`:
 * replicas are created pods; ready ones are Running and Ready, available ones also ready for
 * minReadySeconds; current and updated ones are created, not terminating, and labelled with the
 * current or the update revision.
 */
export function countPods(pods: readonly (corev1.Pod | undefined)[], minReadySeconds: number, currentRevision: string, updateRevision: string, nowMs: number): Pick<appsv1.StatefulSetStatus, 'replicas' | 'readyReplicas' | 'availableReplicas' | 'currentReplicas' | 'updatedReplicas'> {
  let replicas = 0;
  let ready = 0;
  let available = 0;
  let current = 0;
  let updated = 0;
  for (const pod of pods) {
    if (!pod) continue;
    const created = isCreated(pod);
    if (created) replicas++;
    if (isRunningAndReady(pod)) {
      ready++;
      if (isRunningAndAvailable(pod, minReadySeconds, nowMs)) available++;
    }
    if (created && !isTerminating(pod)) {
      const rev = podRevision(pod);
      if (rev === currentRevision) current++;
      if (rev === updateRevision) updated++;
    }
  }
  return { replicas, readyReplicas: ready, availableReplicas: available, currentReplicas: current, updatedReplicas: updated };
}

/**
 * Ends a finished RollingUpdate (completeRollingUpdate): once every pod is updated and ready, the
 * update revision becomes the current one.
 */
export function completeRollingUpdate(set: appsv1.StatefulSet, status: appsv1.StatefulSetStatus): void {
  if (set.spec?.updateStrategy?.type === 'RollingUpdate' && (status.updatedReplicas ?? 0) === status.replicas && (status.readyReplicas ?? 0) === status.replicas) {
    status.currentReplicas = status.updatedReplicas ?? 0;
    status.currentRevision = status.updateRevision ?? '';
  }
}

/** Whether `status` differs from what the set reports (inconsistentStatus). */
export function inconsistentStatus(set: appsv1.StatefulSet, status: appsv1.StatefulSetStatus): boolean {
  const cur = set.status ?? { replicas: 0 };
  return (
    (status.observedGeneration ?? 0) > (cur.observedGeneration ?? 0) ||
    status.replicas !== (cur.replicas ?? 0) ||
    (status.currentReplicas ?? 0) !== (cur.currentReplicas ?? 0) ||
    (status.readyReplicas ?? 0) !== (cur.readyReplicas ?? 0) ||
    (status.updatedReplicas ?? 0) !== (cur.updatedReplicas ?? 0) ||
    (status.currentRevision ?? '') !== (cur.currentRevision ?? '') ||
    (status.availableReplicas ?? 0) !== (cur.availableReplicas ?? 0) ||
    (status.updateRevision ?? '') !== (cur.updateRevision ?? '') ||
    (status.collisionCount ?? 0) !== (cur.collisionCount ?? 0)
  );
}

/**
 * The status as Kubernetes serializes it: replicas and availableReplicas always, the other counts
 * and revisions only when set, collisionCount always (the controller always sets it).
 */
export function wireStatus(status: appsv1.StatefulSetStatus, conditions: appsv1.StatefulSetCondition[] | undefined): appsv1.StatefulSetStatus {
  const out: appsv1.StatefulSetStatus = { replicas: status.replicas, availableReplicas: status.availableReplicas ?? 0 };
  if (status.observedGeneration) out.observedGeneration = status.observedGeneration;
  if (status.readyReplicas) out.readyReplicas = status.readyReplicas;
  if (status.currentReplicas) out.currentReplicas = status.currentReplicas;
  if (status.updatedReplicas) out.updatedReplicas = status.updatedReplicas;
  if (status.currentRevision) out.currentRevision = status.currentRevision;
  if (status.updateRevision) out.updateRevision = status.updateRevision;
  out.collisionCount = status.collisionCount ?? 0;
  if (conditions?.length) out.conditions = conditions;
  return out;
}
