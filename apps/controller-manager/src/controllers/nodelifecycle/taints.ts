import type { corev1 } from '@tskube/api-types';

/** Well-known taint keys (k8s.io/api/core/v1 well_known_taints.go). */
export const TaintKey = {
  NotReady: 'node.kubernetes.io/not-ready',
  Unreachable: 'node.kubernetes.io/unreachable',
  Unschedulable: 'node.kubernetes.io/unschedulable',
  MemoryPressure: 'node.kubernetes.io/memory-pressure',
  DiskPressure: 'node.kubernetes.io/disk-pressure',
  NetworkUnavailable: 'node.kubernetes.io/network-unavailable',
  PIDPressure: 'node.kubernetes.io/pid-pressure',
} as const;
export type TaintKey = (typeof TaintKey)[keyof typeof TaintKey];

export type Taint = corev1.Taint;
export type Toleration = corev1.Toleration;

/** The NoExecute taint of a node whose Ready condition is Unknown. */
export const UnreachableNoExecute: Taint = { key: TaintKey.Unreachable, effect: 'NoExecute' };
/** The NoExecute taint of a node whose Ready condition is False. */
export const NotReadyNoExecute: Taint = { key: TaintKey.NotReady, effect: 'NoExecute' };

/** Same key and effect: the identity of a taint on a node (Taint.MatchTaint). */
export function matchTaint(a: Taint, b: Taint): boolean {
  return a.key === b.key && a.effect === b.effect;
}

export function taintExists(taints: readonly Taint[] | undefined, taint: Taint): boolean {
  return (taints ?? []).some((t) => matchTaint(t, taint));
}

/**
 * The NoSchedule taints a node's conditions call for (TaintNodesByCondition): Ready False →
 * not-ready, Ready Unknown → unreachable, pressure conditions True → their taint, network
 * unavailable → network-unavailable, spec.unschedulable → unschedulable.
 */
export function conditionTaints(node: corev1.Node): Taint[] {
  const out: Taint[] = [];
  for (const c of node.status?.conditions ?? []) {
    const key = conditionTaintKey(c.type, c.status);
    if (key) out.push({ key, effect: 'NoSchedule' });
  }
  if (node.spec?.unschedulable) out.push({ key: TaintKey.Unschedulable, effect: 'NoSchedule' });
  return out;
}

function conditionTaintKey(type: string, status: string): TaintKey | undefined {
  switch (type) {
    case 'Ready':
      return status === 'False' ? TaintKey.NotReady : status === 'Unknown' ? TaintKey.Unreachable : undefined;
    case 'MemoryPressure':
      return status === 'True' ? TaintKey.MemoryPressure : undefined;
    case 'DiskPressure':
      return status === 'True' ? TaintKey.DiskPressure : undefined;
    case 'NetworkUnavailable':
      return status === 'True' ? TaintKey.NetworkUnavailable : undefined;
    case 'PIDPressure':
      return status === 'True' ? TaintKey.PIDPressure : undefined;
    default:
      return undefined;
  }
}

const conditionTaintKeys = new Set<string>([TaintKey.NotReady, TaintKey.Unreachable, TaintKey.MemoryPressure, TaintKey.DiskPressure, TaintKey.NetworkUnavailable, TaintKey.PIDPressure, TaintKey.Unschedulable]);

/**
 * The node's taints with the condition-driven NoSchedule ones made to match `conditionTaints`;
 * other taints are kept as they are. Undefined when nothing changes.
 */
export function reconcileConditionTaints(node: corev1.Node): Taint[] | undefined {
  const current = node.spec?.taints ?? [];
  const want = conditionTaints(node);
  const isManaged = (t: Taint) => t.effect === 'NoSchedule' && conditionTaintKeys.has(t.key);
  const have = current.filter(isManaged);
  const add = want.filter((w) => !have.some((h) => matchTaint(h, w)));
  const remove = have.filter((h) => !want.some((w) => matchTaint(h, w)));
  if (add.length === 0 && remove.length === 0) return undefined;
  return [...current.filter((t) => !remove.includes(t)), ...add];
}

/**
 * The taints with `add` put in (replacing any with the same key and effect, stamped `timeAdded`
 * when NoExecute) and `remove` taken out; undefined when that changes nothing.
 */
export function swapTaints(taints: readonly Taint[] | undefined, add: readonly Taint[], remove: readonly Taint[], timeAdded: string): Taint[] | undefined {
  const current = [...(taints ?? [])];
  let out = current.filter((t) => !remove.some((r) => matchTaint(t, r)));
  let changed = out.length !== current.length;
  for (const a of add) {
    if (out.some((t) => matchTaint(t, a) && (t.value ?? '') === (a.value ?? ''))) continue;
    out = out.filter((t) => !matchTaint(t, a));
    out.push(a.effect === 'NoExecute' ? { ...a, timeAdded } : { ...a });
    changed = true;
  }
  return changed ? out : undefined;
}

/** Whether a toleration tolerates a taint (Toleration.ToleratesTaint). */
export function tolerates(tol: Toleration, taint: Taint): boolean {
  if (tol.effect && tol.effect !== taint.effect) return false;
  if (tol.key && tol.key !== taint.key) return false;
  switch (tol.operator ?? 'Equal') {
    case 'Exists':
      return true;
    case 'Equal':
      return (tol.value ?? '') === (taint.value ?? '');
    default:
      return false;
  }
}

/**
 * Whether every taint is tolerated, and the tolerations that did it (getMatchingTolerations: the
 * first toleration matching each taint).
 */
export function matchingTolerations(taints: readonly Taint[], tolerations: readonly Toleration[]): { all: boolean; used: Toleration[] } {
  const used: Toleration[] = [];
  for (const taint of taints) {
    const tol = tolerations.find((t) => tolerates(t, taint));
    if (!tol) return { all: false, used: [] };
    used.push(tol);
  }
  return { all: true, used };
}

/**
 * How long the tolerations keep a pod on a NoExecute-tainted node (getMinTolerationTime): the
 * least tolerationSeconds among them in ms (0 when any is zero or negative, or when there are
 * none), or -1 when none sets a limit (tolerated forever).
 */
export function minTolerationMs(tolerations: readonly Toleration[]): number {
  if (tolerations.length === 0) return 0;
  let min = Infinity;
  for (const t of tolerations) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
    if (t.tolerationSeconds <= 0) return 0;
    min = Math.min(min, t.tolerationSeconds);
  }
  return min === Infinity ? -1 : min * 1000;
}

/** The node's NoExecute taints. */
export function noExecuteTaints(node: corev1.Node | undefined): Taint[] {
  return (node?.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');
}
