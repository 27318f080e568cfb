import type { corev1 } from '@tskube/api-types';
import { parseTime } from '@tskube/client';
import { isPodActive, isPodReady, podReadyCondition } from './pods';

/** The annotation that lets users order which pods of a ReplicaSet go first (lower first). */
export const podDeletionCostAnnotation = 'controller.kubernetes.io/pod-deletion-cost';

const phaseOrdinal: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/** A pod with its rank: how many related active pods share its node. */
export interface RankedPod<P extends corev1.Pod = corev1.Pod> {
  pod: P;
  rank: number;
}

/** The pod-deletion-cost annotation as an int32; 0 when absent or invalid. */
export function deletionCost(pod: corev1.Pod): number {
  const raw = pod.metadata?.annotations?.[podDeletionCostAnnotation];
  if (raw === undefined || !/^[+-]?\d+$/.test(raw.trim())) return 0;
  const n = Number(raw.trim());
  return n >= -2147483648 && n <= 2147483647 ? n : 0;
}

function maxRestarts(pod: corev1.Pod): number {
  return Math.max(0, ...(pod.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));
}

function readyTime(pod: corev1.Pod): number | undefined {
  const c = podReadyCondition(pod);
  return c?.status === 'True' ? parseTime(c.lastTransitionTime) : undefined;
}

/**
 * Orders two times as "more recent first", with buckets of log2(age in ns) when `now` is known
 * (LogarithmicScaleDown, on by default): pods that came up at about the same moment are not
 * distinguished by milliseconds, so the tie goes to the uid, which is random and spreads deletions.
 * Missing times come first. Returns <0 when `a` should be deleted first, >0 for `b`, 0 when equal.
 */
function compareRecency(a: number | undefined, b: number | undefined, now: number | undefined, uidA: string, uidB: string): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  if (now === undefined) return a > b ? -1 : 1;
  const bucket = (t: number) => {
    const ageNs = (now - t) * 1e6;
    return ageNs > 0 ? Math.floor(Math.log2(ageNs)) : -1;
  };
  const diff = bucket(a) - bucket(b);
  if (diff !== 0) return diff;
  return uidA < uidB ? -1 : uidA > uidB ? 1 : 0;
}

/**
 * Compares two ranked pods by how much they are worth keeping, least valuable first, as
 * Kubernetes' ActivePodsWithRanks:
 * 1. unassigned before assigned;
 * 2. Pending before Unknown before Running;
 * 3. not ready before ready;
 * 4. lower pod-deletion-cost before higher;
 * 5. higher rank (more related pods on the same node) before lower;
 * 6. both ready: ready more recently before ready longer;
 * 7. more container restarts before fewer;
 * 8. created more recently before older.
 * `nowMs` turns on the logarithmic time buckets of 6 and 8; without it times compare exactly.
 */
export function compareForDeletion(a: RankedPod, b: RankedPod, nowMs?: number): number {
  const pa = a.pod;
  const pb = b.pod;
  const nodeA = pa.spec?.nodeName ?? '';
  const nodeB = pb.spec?.nodeName ?? '';
  if (nodeA !== nodeB && (nodeA === '' || nodeB === '')) return nodeA === '' ? -1 : 1;

  const phaseA = phaseOrdinal[pa.status?.phase ?? ''] ?? 0;
  const phaseB = phaseOrdinal[pb.status?.phase ?? ''] ?? 0;
  if (phaseA !== phaseB) return phaseA - phaseB;

  const readyA = isPodReady(pa);
  const readyB = isPodReady(pb);
  if (readyA !== readyB) return readyA ? 1 : -1;

  const costA = deletionCost(pa);
  const costB = deletionCost(pb);
  if (costA !== costB) return costA - costB;

  if (a.rank !== b.rank) return b.rank - a.rank;

  const uidA = pa.metadata?.uid ?? '';
  const uidB = pb.metadata?.uid ?? '';
  if (readyA && readyB) {
    const c = compareRecency(readyTime(pa), readyTime(pb), nowMs, uidA, uidB);
    if (c !== 0) return c;
  }

  const restartsA = maxRestarts(pa);
  const restartsB = maxRestarts(pb);
  if (restartsA !== restartsB) return restartsB - restartsA;

  return compareRecency(parseTime(pa.metadata?.creationTimestamp), parseTime(pb.metadata?.creationTimestamp), nowMs, uidA, uidB);
}

/**
 * Ranks `pods` by the number of active `related` pods (the pods of every ReplicaSet with the same
 * owner, `pods` included) on the same node: scaling down a node that holds many copies first
 * keeps the replicas spread out.
 */
export function rankByRelatedPodsOnSameNode<P extends corev1.Pod>(pods: readonly P[], related: readonly corev1.Pod[]): RankedPod<P>[] {
  const onNode = new Map<string, number>();
  for (const p of related) {
    if (!isPodActive(p)) continue;
    const node = p.spec?.nodeName ?? '';
    onNode.set(node, (onNode.get(node) ?? 0) + 1);
  }
  return pods.map((pod) => ({ pod, rank: onNode.get(pod.spec?.nodeName ?? '') ?? 0 }));
}

/**
 * The `count` pods to delete from `pods`, least valuable first (getPodsToDelete). When all of them
 * go no ranking is needed.
 */
export function podsToDelete<P extends corev1.Pod>(pods: readonly P[], related: readonly corev1.Pod[], count: number, nowMs: number): P[] {
  if (count >= pods.length) return [...pods];
  const ranked = rankByRelatedPodsOnSameNode(pods, related);
  ranked.sort((a, b) => compareForDeletion(a, b, nowMs));
  return ranked.slice(0, count).map((r) => r.pod);
}
