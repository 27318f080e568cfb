import type { appsv1 } from '@tskube/api-types';
import { formatTime, parseTime } from '@tskube/client';
import { deploymentReplicas, maxUnavailable } from './fenceposts';
import { actualReplicaCount, availableReplicaCount, canonicalJson, readyReplicaCount, replicaCount, type Deployment, type ReplicaSet } from './replica-sets';

/** Deployment condition types. */
export const DeploymentConditionType = {
  Available: 'Available',
  Progressing: 'Progressing',
  ReplicaFailure: 'ReplicaFailure',
} as const;
export type DeploymentConditionType = (typeof DeploymentConditionType)[keyof typeof DeploymentConditionType];

/** Condition reasons, as Kubernetes' deployment util names them (kubectl compares some of them). */
export const DeploymentReason = {
  NewReplicaSetCreated: 'NewReplicaSetCreated',
  FoundNewReplicaSet: 'FoundNewReplicaSet',
  ReplicaSetUpdated: 'ReplicaSetUpdated',
  NewReplicaSetAvailable: 'NewReplicaSetAvailable',
  ProgressDeadlineExceeded: 'ProgressDeadlineExceeded',
  ReplicaSetCreateError: 'ReplicaSetCreateError',
  DeploymentPaused: 'DeploymentPaused',
  DeploymentResumed: 'DeploymentResumed',
  MinimumReplicasAvailable: 'MinimumReplicasAvailable',
  MinimumReplicasUnavailable: 'MinimumReplicasUnavailable',
} as const;

export type DeploymentCondition = appsv1.DeploymentCondition;
export type DeploymentStatus = appsv1.DeploymentStatus;

/** A condition stamped now for both its update and transition times (NewDeploymentCondition). */
export function newCondition(type: string, status: 'True' | 'False' | 'Unknown', reason: string, message: string, nowMs: number): DeploymentCondition {
  const t = formatTime(nowMs);
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

export function getCondition(status: DeploymentStatus | undefined, type: string): DeploymentCondition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

/**
 * Puts `cond` in place of the condition of its type (SetDeploymentCondition): nothing changes when
 * status and reason are the same, and the transition time is kept when only the reason changes.
 */
export function setCondition(status: DeploymentStatus, cond: DeploymentCondition): void {
  const current = getCondition(status, cond.type);
  if (current && current.status === cond.status && current.reason === cond.reason) return;
  const next = { ...cond };
  if (current && current.status === cond.status && current.lastTransitionTime) next.lastTransitionTime = current.lastTransitionTime;
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== cond.type), next];
}

export function removeCondition(status: DeploymentStatus, type: string): void {
  const rest = (status.conditions ?? []).filter((c) => c.type !== type);
  if (rest.length > 0) status.conditions = rest;
  else delete status.conditions;
}

/** Whether progress is tracked: progressDeadlineSeconds set and not MaxInt32 (HasProgressDeadline). */
export function hasProgressDeadline(d: Deployment): boolean {
  const s = d.spec?.progressDeadlineSeconds;
  return s !== undefined && s !== 2147483647;
}

/**
 * The status counts of a Deployment over its ReplicaSets (calculateStatus), keeping its
 * conditions and setting Available: True once at least spec.replicas - maxUnavailable pods are
 * available. Zero counts are left out, as Kubernetes' omitempty leaves them out.
 */
export function calculateStatus(allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, d: Deployment, nowMs: number): DeploymentStatus {
  const available = availableReplicaCount(allRSs);
  const unavailable = Math.max(0, replicaCount(allRSs) - available);
  const status: DeploymentStatus = {};
  const counts: [keyof DeploymentStatus, number][] = [
    ['observedGeneration', d.metadata.generation ?? 0],
    ['replicas', actualReplicaCount(allRSs)],
    ['updatedReplicas', actualReplicaCount([newRS])],
    ['readyReplicas', readyReplicaCount(allRSs)],
    ['availableReplicas', available],
    ['unavailableReplicas', unavailable],
  ];
  for (const [k, v] of counts) if (v !== 0) (status as Record<string, number>)[k] = v;
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
  if (d.status?.conditions?.length) status.conditions = d.status.conditions.map((c) => ({ ...c }));
  if (available >= deploymentReplicas(d) - maxUnavailable(d)) {
    setCondition(status, newCondition(DeploymentConditionType.Available, 'True', DeploymentReason.MinimumReplicasAvailable, 'Deployment has minimum availability.', nowMs));
  } else {
    setCondition(status, newCondition(DeploymentConditionType.Available, 'False', DeploymentReason.MinimumReplicasUnavailable, 'Deployment does not have minimum availability.', nowMs));
  }
  return status;
}

/** Every replica updated, existing and available, and the spec observed (DeploymentComplete). */
export function deploymentComplete(d: Deployment, status: DeploymentStatus): boolean {
  const replicas = deploymentReplicas(d);
  return (
    (status.updatedReplicas ?? 0) === replicas &&
    (status.replicas ?? 0) === replicas &&
    (status.availableReplicas ?? 0) === replicas &&
    (status.observedGeneration ?? 0) >= (d.metadata.generation ?? 0)
  );
}

/**
 * Whether `next` shows progress over the Deployment's current status (DeploymentProgressing):
 * more updated, ready or available pods, or fewer old ones.
 */
export function deploymentProgressing(d: Deployment, next: DeploymentStatus): boolean {
  const cur = d.status ?? {};
  const curOld = (cur.replicas ?? 0) - (cur.updatedReplicas ?? 0);
  const nextOld = (next.replicas ?? 0) - (next.updatedReplicas ?? 0);
  return (
    (next.updatedReplicas ?? 0) > (cur.updatedReplicas ?? 0) ||
    nextOld < curOld ||
    (next.readyReplicas ?? 0) > (cur.readyReplicas ?? 0) ||
    (next.availableReplicas ?? 0) > (cur.availableReplicas ?? 0)
  );
}

/**
 * Whether the rollout ran out of time (DeploymentTimedOut): no progress reported for
 * progressDeadlineSeconds since the Progressing condition's last update. A completed rollout never
 * times out; one that already timed out stays timed out.
 */
export function deploymentTimedOut(d: Deployment, next: DeploymentStatus, nowMs: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const cond = getCondition(next, DeploymentConditionType.Progressing);
  if (!cond) return false;
  if (cond.reason === DeploymentReason.NewReplicaSetAvailable) return false;
  if (cond.reason === DeploymentReason.ProgressDeadlineExceeded) return true;
  const from = parseTime(cond.lastUpdateTime);
  if (from === undefined) return false;
  return from + (d.spec?.progressDeadlineSeconds ?? 0) * 1000 < nowMs;
}

/** ReplicaFailure conditions of the ReplicaSets, the new one's first, as Deployment conditions. */
export function replicaFailures(allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): DeploymentCondition[] {
  const of = (rs: ReplicaSet | undefined) =>
    (rs?.status?.conditions ?? [])
      .filter((c) => c.type === DeploymentConditionType.ReplicaFailure)
      .map((c) => ({
        type: c.type,
        status: c.status,
        ...(c.lastTransitionTime ? { lastUpdateTime: c.lastTransitionTime, lastTransitionTime: c.lastTransitionTime } : {}),
        ...(c.reason ? { reason: c.reason } : {}),
        ...(c.message ? { message: c.message } : {}),
      }));
  const fromNew = of(newRS);
  return fromNew.length > 0 ? fromNew : allRSs.flatMap(of);
}

/**
 * The status a rolling or recreate sync writes (syncRolloutStatus): the counts, and unless the
 * rollout already completed, Progressing as NewReplicaSetAvailable once complete, as
 * ReplicaSetUpdated (keeping the transition time) while it makes progress, or as
 * ProgressDeadlineExceeded once it has not for progressDeadlineSeconds; ReplicaFailure mirrors
 * the ReplicaSets'.
 */
export function rolloutStatus(d: Deployment, allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, nowMs: number): DeploymentStatus {
  const next = calculateStatus(allRSs, newRS, d, nowMs);
  if (!hasProgressDeadline(d)) removeCondition(next, DeploymentConditionType.Progressing);
  const current = getCondition(d.status, DeploymentConditionType.Progressing);
  const complete = (next.replicas ?? 0) === (next.updatedReplicas ?? 0) && current?.reason === DeploymentReason.NewReplicaSetAvailable;
  if (hasProgressDeadline(d) && !complete) {
    const subject = newRS ? `ReplicaSet "${newRS.metadata.name}"` : `Deployment "${d.metadata.name}"`;
    if (deploymentComplete(d, next)) {
      setCondition(next, newCondition(DeploymentConditionType.Progressing, 'True', DeploymentReason.NewReplicaSetAvailable, `${subject} has successfully progressed.`, nowMs));
    } else if (deploymentProgressing(d, next)) {
      const cond = newCondition(DeploymentConditionType.Progressing, 'True', DeploymentReason.ReplicaSetUpdated, `${subject} is progressing.`, nowMs);
      // Progress refreshes lastUpdateTime even with an unchanged reason: the deadline counts from it.
      if (current) {
        if (current.status === 'True' && current.lastTransitionTime) cond.lastTransitionTime = current.lastTransitionTime;
        removeCondition(next, DeploymentConditionType.Progressing);
      }
      setCondition(next, cond);
    } else if (deploymentTimedOut(d, next, nowMs)) {
      setCondition(next, newCondition(DeploymentConditionType.Progressing, 'False', DeploymentReason.ProgressDeadlineExceeded, `${subject} has timed out progressing.`, nowMs));
    }
  }
  const failures = replicaFailures(allRSs, newRS);
  if (failures.length > 0) setCondition(next, failures[0]!);
  else removeCondition(next, DeploymentConditionType.ReplicaFailure);
  return next;
}

/**
 * When to look at the Deployment again to notice a missed deadline (requeueStuckDeployment):
 * undefined when there is nothing to watch (complete, timed out, or no deadline); otherwise the
 * time left plus a second, so the look comes after the deadline. Kubernetes requeues at once
 * (rate limited) with under a second left; since a successful sync resets the back-off that
 * spins for that second, so a due deadline is looked at one second on instead.
 */
export function stuckRequeueDelayMs(d: Deployment, next: DeploymentStatus, nowMs: number): number | undefined {
  const cond = getCondition(next, DeploymentConditionType.Progressing);
  if (!cond || cond.reason === DeploymentReason.NewReplicaSetAvailable || cond.reason === DeploymentReason.ProgressDeadlineExceeded) return undefined;
  if (!hasProgressDeadline(d) || deploymentComplete(d, next)) return undefined;
  const from = parseTime(cond.lastUpdateTime);
  if (from === undefined) return undefined;
  const after = from + (d.spec?.progressDeadlineSeconds ?? 0) * 1000 - nowMs;
  return Math.max(0, after) + 1000;
}

/** Status equality as Kubernetes compares it: zero counts and empty lists count as absent. */
export function statusEqual(a: DeploymentStatus | undefined, b: DeploymentStatus | undefined): boolean {
  const norm = (s: DeploymentStatus | undefined) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(s ?? {})) {
      if (v === 0 || v === undefined || (Array.isArray(v) && v.length === 0)) continue;
      out[k] = v;
    }
    return out;
  };
  const na = norm(a);
  const nb = norm(b);
  const keys = new Set([...Object.keys(na), ...Object.keys(nb)]);
  for (const k of keys) if (canonicalJson(na[k]) !== canonicalJson(nb[k])) return false;
  return true;
}
