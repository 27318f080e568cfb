import type { corev1 } from '@tskube/api-types';

/** The taint a cordoned node carries (v1.TaintNodeUnschedulable). */
export const TAINT_NODE_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

/**
 * Whether one toleration tolerates one taint (Toleration.ToleratesTaint): an empty effect matches
 * every effect, an empty key (with Exists) every key; `Equal` (or no operator) compares values.
 */
export function toleratesTaint(toleration: corev1.Toleration, taint: corev1.Taint): boolean {
  if (toleration.effect !== undefined && toleration.effect !== '' && toleration.effect !== taint.effect) return false;
  if (toleration.key !== undefined && toleration.key !== '' && toleration.key !== taint.key) return false;
  switch (toleration.operator) {
    case undefined:
    case '':
    case 'Equal':
      return (toleration.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

/** Whether any of `tolerations` tolerates `taint`. */
export function tolerationsTolerateTaint(tolerations: readonly corev1.Toleration[] | undefined, taint: corev1.Taint): boolean {
  if (tolerations === undefined) return false;
  for (const t of tolerations) if (toleratesTaint(t, taint)) return true;
  return false;
}

/** NoSchedule and NoExecute taints: the ones that keep pods off a node (helper.DoNotScheduleTaintsFilterFunc). */
export const doNotScheduleTaints = (t: corev1.Taint): boolean => t.effect === 'NoSchedule' || t.effect === 'NoExecute';

/** The first taint passing `filter` that no toleration tolerates (FindMatchingUntoleratedTaint). */
export function findMatchingUntoleratedTaint(
  taints: readonly corev1.Taint[] | undefined,
  tolerations: readonly corev1.Toleration[] | undefined,
  filter: (t: corev1.Taint) => boolean,
): corev1.Taint | undefined {
  if (taints === undefined) return undefined;
  for (const taint of taints) {
    if (!filter(taint)) continue;
    if (!tolerationsTolerateTaint(tolerations, taint)) return taint;
  }
  return undefined;
}
