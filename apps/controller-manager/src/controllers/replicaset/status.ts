import { LabelsSelector, type corev1 } from '@tskube/api-types';
import { formatTime } from '@tskube/client';
import { isPodAvailable, isPodReady } from './pods';

/** The condition type a ReplicaSet (or ReplicationController) reports refused pod writes with. */
export const ReplicaFailure = 'ReplicaFailure';

/** A ReplicaSet or ReplicationController condition (same shape for both). */
export interface ReplicaCondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/** The status fields ReplicaSets and ReplicationControllers share. */
export interface ReplicaStatus {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: ReplicaCondition[];
}

/** What status calculation reads of a ReplicaSet or ReplicationController. */
export interface ReplicaOwner {
  metadata?: { generation?: number };
  spec?: { replicas?: number; minReadySeconds?: number; template?: corev1.PodTemplateSpec };
  status?: ReplicaStatus;
}

/** Sets `cond` unless one of its type with the same status and reason is there (SetCondition). */
export function setCondition(status: ReplicaStatus, cond: ReplicaCondition): void {
  const current = status.conditions?.find((c) => c.type === cond.type);
  if (current && current.status === cond.status && current.reason === cond.reason) return;
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== cond.type), cond];
}

/** Removes the condition of `type`, and the list when it becomes empty. */
export function removeCondition(status: ReplicaStatus, type: string): void {
  const rest = (status.conditions ?? []).filter((c) => c.type !== type);
  if (rest.length > 0) status.conditions = rest;
  else delete status.conditions;
}

/**
 * The status a ReplicaSet controller writes after a sync (calculateStatus): counts over the
 * active pods it controls (fully labeled: carrying every template label; available: ready for
 * minReadySeconds), and the ReplicaFailure condition set when managing replicas failed (reason
 * FailedCreate when pods were missing, FailedDelete when there were too many) and removed once a
 * sync succeeds. `observedGeneration` is left as it was: the write sets it.
 */
export function calculateStatus(owner: ReplicaOwner, pods: readonly corev1.Pod[], manageError: unknown, nowMs: number): ReplicaStatus {
  const previous = owner.status ?? { replicas: 0 };
  const status: ReplicaStatus = structuredClone(previous);
  const templateLabels = LabelsSelector.fromSet(owner.spec?.template?.metadata?.labels);
  const minReadySeconds = owner.spec?.minReadySeconds ?? 0;
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of pods) {
    if (templateLabels.matches(pod.metadata?.labels)) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReadySeconds, nowMs)) available++;
    }
  }

  const failure = previous.conditions?.find((c) => c.type === ReplicaFailure);
  if (manageError !== undefined && !failure) {
    const diff = pods.length - (owner.spec?.replicas ?? 1);
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    setCondition(status, {
      type: ReplicaFailure,
      status: 'True',
      lastTransitionTime: formatTime(nowMs),
      ...(reason ? { reason } : {}),
      message: manageError instanceof Error ? manageError.message : String(manageError),
    });
  } else if (manageError === undefined && failure) {
    removeCondition(status, ReplicaFailure);
  }

  status.replicas = pods.length;
  setCount(status, 'fullyLabeledReplicas', fullyLabeled);
  setCount(status, 'readyReplicas', ready);
  setCount(status, 'availableReplicas', available);
  return status;
}

/** Zero counts are left out, as Go's omitempty leaves them out of Kubernetes' objects. */
function setCount(status: ReplicaStatus, field: 'fullyLabeledReplicas' | 'readyReplicas' | 'availableReplicas', n: number): void {
  if (n > 0) status[field] = n;
  else delete status[field];
}

/** Whether writing `next` as the status of `owner` would change anything (observedGeneration included). */
export function statusNeedsUpdate(owner: ReplicaOwner, next: ReplicaStatus): boolean {
  const cur = owner.status ?? { replicas: 0 };
  return (
    (cur.replicas ?? 0) !== next.replicas ||
    (cur.fullyLabeledReplicas ?? 0) !== (next.fullyLabeledReplicas ?? 0) ||
    (cur.readyReplicas ?? 0) !== (next.readyReplicas ?? 0) ||
    (cur.availableReplicas ?? 0) !== (next.availableReplicas ?? 0) ||
    (cur.observedGeneration ?? 0) !== (owner.metadata?.generation ?? 0) ||
    JSON.stringify(cur.conditions ?? []) !== JSON.stringify(next.conditions ?? [])
  );
}
