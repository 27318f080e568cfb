import { deploymentReplicas, isRollingUpdate, maxSurge } from './fenceposts';
import {
  byCreationTimestamp,
  bySizeNewer,
  bySizeOlder,
  desiredReplicasAnnotation,
  filterActive,
  maxReplicasAnnotation,
  replicaCount,
  specReplicas,
  type Deployment,
  type ReplicaSet,
} from './replica-sets';

/**
 * The one ReplicaSet a scaling event may simply resize (FindActiveOrLatest): the only one with
 * replicas, or with none active the new one (else the newest old one). Undefined when several
 * are active: then replicas are shared out proportionally.
 */
export function findActiveOrLatest(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const newestFirst = [...oldRSs].sort((a, b) => byCreationTimestamp(b, a));
  const active = filterActive([...newestFirst, newRS]);
  if (active.length === 0) return newRS ?? newestFirst[0];
  if (active.length === 1) return active[0];
  return undefined;
}

/**
 * Whether the new ReplicaSet runs the whole Deployment (IsSaturated): sized and annotated for
 * spec.replicas, with all of them available.
 */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const replicas = deploymentReplicas(d);
  return specReplicas(rs) === replicas && desiredReplicasAnnotation(rs) === replicas && (rs.status?.availableReplicas ?? 0) === replicas;
}

/** Go's RoundToInt32: halves away from zero. */
function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/**
 * How many replicas `rs` would gain (or lose) if it kept its share of the Deployment at the new
 * size (getReplicaSetFraction): its size times new max over the max it was last sized for (the
 * max-replicas annotation, or status.replicas of the Deployment without one).
 */
export function replicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  const replicas = deploymentReplicas(d);
  if (replicas === 0) return -specReplicas(rs);
  const newMax = replicas + maxSurge(d);
  let oldMax = maxReplicasAnnotation(rs);
  if (oldMax === undefined || oldMax === 0) oldMax = d.status?.replicas ?? 0;
  if (oldMax === 0) return 0;
  return roundHalfAway((specReplicas(rs) * newMax) / oldMax) - specReplicas(rs);
}

/**
 * The share of `toAdd` replicas `rs` gets (GetReplicaSetProportion), capped by what is left to
 * hand out (`toAdd - added`) so the total never overshoots. Empty ReplicaSets get nothing: they
 * are never scaled up proportionally from zero.
 */
export function replicaSetProportion(rs: ReplicaSet, d: Deployment, toAdd: number, added: number): number {
  if (specReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/** One resize a scaling plan asks for. */
export interface ScaleStep {
  rs: ReplicaSet;
  replicas: number;
}

/** What `planScale` decided. */
export interface ScalePlan {
  /**
   * 'record': resize only ReplicaSets whose size changes (scaleReplicaSetAndRecordEvent);
   * 'proportional': write every step, also to refresh the replicas annotations (scaleReplicaSet).
   */
  mode: 'record' | 'proportional';
  steps: ScaleStep[];
}

/**
 * How a Deployment whose size changed (or that is paused) resizes its ReplicaSets (the
 * controller's `scale`):
 * - one active ReplicaSet (or none): it gets spec.replicas;
 * - a saturated new ReplicaSet: old ones go to zero;
 * - a rolling update in flight: the difference between spec.replicas + maxSurge and what all
 *   active ReplicaSets have is shared out in proportion to their size, larger ones first (newer
 *   first when growing, older first when shrinking), leftovers to the first.
 * Recreate with several active ReplicaSets plans nothing: its rollout sorts that out.
 */
export function planScale(d: Deployment, newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): ScalePlan {
  const replicas = deploymentReplicas(d);
  const single = findActiveOrLatest(newRS, oldRSs);
  if (single) return { mode: 'record', steps: specReplicas(single) === replicas ? [] : [{ rs: single, replicas }] };
  if (isSaturated(d, newRS)) return { mode: 'record', steps: filterActive(oldRSs).map((rs) => ({ rs, replicas: 0 })) };
  if (!isRollingUpdate(d)) return { mode: 'record', steps: [] };

  const active = filterActive([...oldRSs, newRS]);
  const allowed = replicas > 0 ? replicas + maxSurge(d) : 0;
  const toAdd = allowed - replicaCount(active);
  if (toAdd > 0) active.sort(bySizeNewer);
  else if (toAdd < 0) active.sort(bySizeOlder);

  let added = 0;
  const sizes = active.map((rs) => {
    if (toAdd === 0) return specReplicas(rs);
    const proportion = replicaSetProportion(rs, d, toAdd, added);
    added += proportion;
    return specReplicas(rs) + proportion;
  });
  if (toAdd !== 0 && sizes.length > 0) sizes[0] = Math.max(0, sizes[0]! + toAdd - added);
  return { mode: 'proportional', steps: active.map((rs, i) => ({ rs, replicas: sizes[i]! })) };
}
