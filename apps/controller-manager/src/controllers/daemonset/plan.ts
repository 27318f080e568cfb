import type { appsv1, corev1 } from '@tskube/api-types';
import { parseTime } from '@tskube/client';
import { isPodAvailable, isPodReady } from '../replicaset/pods';
import { PodRevisionLabel } from '../statefulset/revisions';
import { nodeShouldRunDaemonPod } from './eligibility';

/**
 * The DaemonSet controller's decisions as pure functions of the cache: which nodes need a pod,
 * which pods must go, how a rolling update proceeds, and the status counts.
 */

/** The label pods carry with their DaemonSet's template generation (DaemonSetTemplateGenerationKey). */
export const TemplateGenerationLabel = 'pod-template-generation';
/** The DaemonSet annotation holding its template generation (DeprecatedTemplateGeneration). */
export const TemplateGenerationAnnotation = 'deprecated.daemonset.template.generation';

/** The template generation the DaemonSet's annotation records; undefined when absent or not a number. */
export function templateGeneration(ds: appsv1.DaemonSet): string | undefined {
  const v = ds.metadata?.annotations?.[TemplateGenerationAnnotation];
  return v !== undefined && /^-?\d+$/.test(v) ? v : undefined;
}

/** Whether the pod runs the current template: its hash label, or the template generation, matches (IsPodUpdated). */
export function isPodUpdated(pod: corev1.Pod, hash: string, generation: string | undefined): boolean {
  const labels = pod.metadata?.labels ?? {};
  return (hash !== '' && labels[PodRevisionLabel] === hash) || (generation !== undefined && labels[TemplateGenerationLabel] === generation);
}

/** Bound pods first, then older first, then by name (podByCreationTimestampAndPhase). */
export function byScheduledThenAge(a: corev1.Pod, b: corev1.Pod): number {
  const sa = Boolean(a.spec?.nodeName);
  const sb = Boolean(b.spec?.nodeName);
  if (sa !== sb) return sa ? -1 : 1;
  const ta = parseTime(a.metadata?.creationTimestamp) ?? 0;
  const tb = parseTime(b.metadata?.creationTimestamp) ?? 0;
  if (ta !== tb) return ta - tb;
  const na = a.metadata?.name ?? '';
  const nb = b.metadata?.name ?? '';
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** maxSurge and maxUnavailable are RollingUpdate settings only. */
function allowsSurge(ds: appsv1.DaemonSet): boolean {
  return surgeCount(ds, 1) > 0;
}

/** An int-or-percent of `total`, percentages rounded up (GetScaledValueFromIntOrPercent). */
export function scaledValue(v: number | string | undefined, total: number): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (m) return Math.ceil((Number(m[1]) * total) / 100);
  const n = Number(v);
  return Number.isInteger(n) ? n : 0;
}

/** maxSurge as a count of `desired` (SurgeCount); 0 unless RollingUpdate. */
export function surgeCount(ds: appsv1.DaemonSet, desired: number): number {
  const s = ds.spec?.updateStrategy;
  if (s?.type !== 'RollingUpdate' || !s.rollingUpdate) return 0;
  return scaledValue(s.rollingUpdate.maxSurge, desired);
}

/** maxUnavailable as a count of `desired` (UnavailableCount); 0 unless RollingUpdate. */
export function unavailableCount(ds: appsv1.DaemonSet, desired: number): number {
  const s = ds.spec?.updateStrategy;
  if (s?.type !== 'RollingUpdate' || !s.rollingUpdate) return 0;
  return scaledValue(s.rollingUpdate.maxUnavailable, desired);
}

/** What the manage loop does for one node. */
export interface NodePlan {
  /** The node needs a daemon pod created. */
  create: boolean;
  /** Names of the daemon pods to delete there. */
  delete: string[];
  /** Failed pods kept for now because the node is in failed-pod back-off. */
  backedOff: number;
}

/** Decides about failed daemon pods: delete now (true), or wait out a back-off (false). */
export type FailedPodGate = (pod: corev1.Pod, nodeName: string) => boolean;

/**
 * The manage loop's decision for one node (podsShouldBeOnNode): create a pod where one should run
 * and none exists; where pods may stay, delete failed (after back-off) and succeeded ones, and
 * extra ones — all but the oldest without surge, and with surge all but the oldest updated pod
 * and the oldest old one, the old one going too once the new one is available or the old one
 * is not ready; where no pod may stay, delete them all.
 */
export function planNode(node: corev1.Node, ds: appsv1.DaemonSet, pods: readonly corev1.Pod[] | undefined, hash: string, nowMs: number, failedGate: FailedPodGate): NodePlan {
  const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, ds);
  const plan: NodePlan = { create: false, delete: [], backedOff: 0 };
  const exists = pods !== undefined && pods.length > 0;
  if (shouldRun && !exists) {
    plan.create = true;
    return plan;
  }
  if (shouldContinueRunning) {
    const running: corev1.Pod[] = [];
    for (const pod of pods ?? []) {
      if (pod.metadata?.deletionTimestamp) continue;
      const phase = pod.status?.phase;
      if (phase === 'Failed') {
        if (failedGate(pod, node.metadata?.name ?? '')) plan.delete.push(pod.metadata?.name ?? '');
        else plan.backedOff++;
      } else if (phase === 'Succeeded') {
        plan.delete.push(pod.metadata?.name ?? '');
      } else {
        running.push(pod);
      }
    }
    if (!allowsSurge(ds)) {
      if (running.length > 1) {
        running.sort(byScheduledThenAge);
        for (const pod of running.slice(1)) plan.delete.push(pod.metadata?.name ?? '');
      }
      return plan;
    }
    if (running.length <= 1) {
      if (running.length === 0 && shouldRun) plan.create = true;
      return plan;
    }
    running.sort(byScheduledThenAge);
    let oldestNew: corev1.Pod | undefined;
    let oldestOld: corev1.Pod | undefined;
    for (const pod of running) {
      if (pod.metadata?.labels?.[PodRevisionLabel] === hash) {
        if (!oldestNew) {
          oldestNew = pod;
          continue;
        }
      } else if (!oldestOld) {
        oldestOld = pod;
        continue;
      }
      plan.delete.push(pod.metadata?.name ?? '');
    }
    if (oldestNew && oldestOld && (!isPodReady(oldestOld) || isPodAvailable(oldestNew, ds.spec?.minReadySeconds ?? 0, nowMs))) {
      plan.delete.push(oldestOld.metadata?.name ?? '');
    }
    return plan;
  }
  if (exists) {
    for (const pod of pods) if (!pod.metadata?.deletionTimestamp) plan.delete.push(pod.metadata?.name ?? '');
  }
  return plan;
}

/** The updated and the old pod of a node; `ok` false when it has more than one of either (findUpdatedPodsOnNode). */
export function updatedPodsOnNode(ds: appsv1.DaemonSet, pods: readonly corev1.Pod[], hash: string): { newPod?: corev1.Pod; oldPod?: corev1.Pod; ok: boolean } {
  let newPod: corev1.Pod | undefined;
  let oldPod: corev1.Pod | undefined;
  const generation = templateGeneration(ds);
  for (const pod of pods) {
    if (pod.metadata?.deletionTimestamp) continue;
    if (isPodUpdated(pod, hash, generation)) {
      if (newPod) return { ok: false };
      newPod = pod;
    } else {
      if (oldPod) return { ok: false };
      oldPod = pod;
    }
  }
  return { ...(newPod ? { newPod } : {}), ...(oldPod ? { oldPod } : {}), ok: true };
}

/** What one rolling update step does. */
export interface RollingStep {
  /** Old (or stranded) pods to delete. */
  deletePods: string[];
  /** Nodes to create a surge pod on. */
  createOn: string[];
}

export interface RollingInput {
  ds: appsv1.DaemonSet;
  nodes: readonly corev1.Node[];
  /** Daemon pods by target node (deleted terminal ones left out). */
  nodeToPods: ReadonlyMap<string, readonly corev1.Pod[]>;
  hash: string;
  nowMs: number;
}

/**
 * One step of a RollingUpdate (rollingUpdate). Without surge, old pods are deleted while no more
 * than maxUnavailable pods are unavailable (an unavailable old pod is always replaced); the manage
 * loop creates their successors. With surge, a new pod is created next to an old one on up to
 * maxSurge nodes at a time (at once where the old one is unavailable), and the old one goes when
 * its successor is available. With neither configured, maxUnavailable is 1.
 */
export function rollingUpdateStep(input: RollingInput): RollingStep {
  const { ds, nodes, hash, nowMs } = input;
  const minReady = ds.spec?.minReadySeconds ?? 0;
  const nodeToPods = new Map(input.nodeToPods);
  let desired = 0;
  for (const node of nodes) {
    if (!nodeShouldRunDaemonPod(node, ds).shouldRun) continue;
    desired++;
    if (!nodeToPods.has(node.metadata?.name ?? '')) nodeToPods.set(node.metadata?.name ?? '', []);
  }
  let maxUnavailable = unavailableCount(ds, desired);
  const maxSurge = surgeCount(ds, desired);
  if (desired > 0 && maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1;
  const available = (pod: corev1.Pod) => isPodAvailable(pod, minReady, nowMs);

  if (maxSurge === 0) {
    let unavailable = 0;
    const replacements: string[] = [];
    const candidates: string[] = [];
    for (const pods of nodeToPods.values()) {
      const { newPod, oldPod, ok } = updatedPodsOnNode(ds, pods, hash);
      if (!ok || (!oldPod && !newPod) || (oldPod && newPod)) {
        unavailable++;
        continue;
      }
      if (newPod) {
        if (!available(newPod)) unavailable++;
        continue;
      }
      if (!available(oldPod!)) {
        replacements.push(oldPod!.metadata?.name ?? '');
        unavailable++;
      } else if (unavailable < maxUnavailable) {
        candidates.push(oldPod!.metadata?.name ?? '');
      }
    }
    const remaining = Math.min(Math.max(maxUnavailable - unavailable, 0), candidates.length);
    return { deletePods: [...replacements, ...candidates.slice(0, remaining)], createOn: [] };
  }

  const deletePods: string[] = [];
  const shouldNotRun: string[] = [];
  const candidates: string[] = [];
  const allowed: string[] = [];
  let surge = 0;
  let availableCount = 0;
  const byName = new Map(nodes.map((n) => [n.metadata?.name ?? '', n]));
  for (const [nodeName, pods] of nodeToPods) {
    const { newPod, oldPod, ok } = updatedPodsOnNode(ds, pods, hash);
    if (!ok) {
      surge++;
      continue;
    }
    if (oldPod ? available(oldPod) : newPod ? available(newPod) : false) availableCount++;
    if (!oldPod) continue;
    const node = byName.get(nodeName);
    const runsHere = node !== undefined && nodeShouldRunDaemonPod(node, ds).shouldRun;
    if (!newPod) {
      if (!available(oldPod)) {
        if (!runsHere) deletePods.push(oldPod.metadata?.name ?? '');
        else allowed.push(nodeName);
        continue;
      }
      if (!runsHere) {
        shouldNotRun.push(oldPod.metadata?.name ?? '');
        continue;
      }
      if (surge >= maxSurge) continue;
      candidates.push(nodeName);
      continue;
    }
    if (!available(newPod)) {
      surge++;
      continue;
    }
    deletePods.push(oldPod.metadata?.name ?? '');
  }
  // Pods on nodes they may no longer run on go only while enough others are available.
  const deletable = Math.min(availableCount - desired, shouldNotRun.length);
  if (deletable > 0) deletePods.push(...shouldNotRun.slice(0, deletable));
  const remaining = Math.min(Math.max(maxSurge - surge, 0), candidates.length);
  return { deletePods, createOn: [...allowed, ...candidates.slice(0, remaining)] };
}

/** The status counts of a DaemonSet (updateDaemonSetStatus), before observedGeneration. */
export interface DaemonCounts {
  desiredNumberScheduled: number;
  currentNumberScheduled: number;
  numberMisscheduled: number;
  numberReady: number;
  updatedNumberScheduled: number;
  numberAvailable: number;
  numberUnavailable: number;
}

/**
 * Counts over the nodes: desired where a pod should run; scheduled where it should and has one
 * (the oldest, bound first, is the one judged ready, available and updated); misscheduled where
 * it should not but has one; unavailable is desired minus available.
 */
export function daemonCounts(ds: appsv1.DaemonSet, nodes: readonly corev1.Node[], nodeToPods: ReadonlyMap<string, readonly corev1.Pod[]>, hash: string, nowMs: number): DaemonCounts {
  const c: DaemonCounts = { desiredNumberScheduled: 0, currentNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0, updatedNumberScheduled: 0, numberAvailable: 0, numberUnavailable: 0 };
  const generation = templateGeneration(ds);
  for (const node of nodes) {
    const pods = nodeToPods.get(node.metadata?.name ?? '') ?? [];
    const scheduled = pods.length > 0;
    if (!nodeShouldRunDaemonPod(node, ds).shouldRun) {
      if (scheduled) c.numberMisscheduled++;
      continue;
    }
    c.desiredNumberScheduled++;
    if (!scheduled) continue;
    c.currentNumberScheduled++;
    const pod = [...pods].sort(byScheduledThenAge)[0]!;
    if (isPodReady(pod)) {
      c.numberReady++;
      if (isPodAvailable(pod, ds.spec?.minReadySeconds ?? 0, nowMs)) c.numberAvailable++;
    }
    if (isPodUpdated(pod, hash, generation)) c.updatedNumberScheduled++;
  }
  c.numberUnavailable = c.desiredNumberScheduled - c.numberAvailable;
  return c;
}
