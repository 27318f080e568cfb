import type { KubeObject, appsv1, corev1 } from '@tskube/api-types';
import { tolerates } from '../nodelifecycle/taints';
import { requiredNodeAffinityMatches } from './node-affinity';

/** A DaemonSet as the informer holds it. */
export type DaemonSet = appsv1.DaemonSet & KubeObject;
/** A Node as the informer holds it. */
export type Node = corev1.Node & KubeObject;

/**
 * The tolerations every daemon pod gets (AddOrUpdateDaemonPodTolerations), so node problems
 * neither evict it nor keep it off a node: not-ready and unreachable NoExecute, and the condition
 * taints disk-pressure, memory-pressure, pid-pressure and unschedulable NoSchedule (plus
 * network-unavailable for host-network pods), all with operator Exists and no time limit.
 */
export function daemonTolerations(hostNetwork: boolean): corev1.Toleration[] {
  const exists = (key: string, effect: string): corev1.Toleration => ({ key, operator: 'Exists', effect });
  return [
    exists('node.kubernetes.io/not-ready', 'NoExecute'),
    exists('node.kubernetes.io/unreachable', 'NoExecute'),
    exists('node.kubernetes.io/disk-pressure', 'NoSchedule'),
    exists('node.kubernetes.io/memory-pressure', 'NoSchedule'),
    exists('node.kubernetes.io/pid-pressure', 'NoSchedule'),
    exists('node.kubernetes.io/unschedulable', 'NoSchedule'),
    ...(hostNetwork ? [exists('node.kubernetes.io/network-unavailable', 'NoSchedule')] : []),
  ];
}

/** Same key, operator, value and effect (Toleration.MatchToleration). */
function sameToleration(a: corev1.Toleration, b: corev1.Toleration): boolean {
  return (a.key ?? '') === (b.key ?? '') && (a.operator ?? '') === (b.operator ?? '') && (a.value ?? '') === (b.value ?? '') && (a.effect ?? '') === (b.effect ?? '');
}

/**
 * Adds the daemon tolerations to `spec` (AddOrUpdateTolerationInPodSpec for each): one matching an
 * existing toleration replaces it in place (dropping a tolerationSeconds limit), others are
 * appended. Mutates `spec`.
 */
export function addDaemonTolerations(spec: corev1.PodSpec): void {
  for (const tol of daemonTolerations(spec.hostNetwork === true)) {
    const list = spec.tolerations ?? [];
    const i = list.findIndex((t) => sameToleration(t, tol));
    if (i >= 0) list[i] = tol;
    else list.push(tol);
    spec.tolerations = list;
  }
}

/** The pod the DaemonSet would run on `node`, as eligibility sees it (NewPod). */
export function daemonPodFor(ds: appsv1.DaemonSet, nodeName: string): corev1.Pod {
  const spec = structuredClone(ds.spec?.template?.spec ?? { containers: [] });
  spec.nodeName = nodeName;
  addDaemonTolerations(spec);
  return { metadata: { ...structuredClone(ds.spec?.template?.metadata ?? {}), namespace: ds.metadata?.namespace ?? '' }, spec };
}

/** Whether some taint with an effect `effects` includes is not tolerated (FindMatchingUntoleratedTaint). */
function hasUntoleratedTaint(taints: readonly corev1.Taint[], tolerations: readonly corev1.Toleration[], effects: readonly string[]): boolean {
  return taints.some((t) => effects.includes(t.effect) && !tolerations.some((tol) => tolerates(tol, t)));
}

/**
 * Whether the DaemonSet should run a pod on the node, and whether a pod already there may stay
 * (NodeShouldRunDaemonPod): the template's nodeName (if any), nodeSelector and required node
 * affinity must admit the node, and its NoSchedule and NoExecute taints be tolerated to run; a
 * running pod stays as long as no NoExecute taint is untolerated.
 */
export function nodeShouldRunDaemonPod(node: corev1.Node, ds: appsv1.DaemonSet): { shouldRun: boolean; shouldContinueRunning: boolean } {
  const name = node.metadata?.name ?? '';
  const templateNode = ds.spec?.template?.spec?.nodeName;
  if (templateNode && templateNode !== name) return { shouldRun: false, shouldContinueRunning: false };
  const pod = daemonPodFor(ds, name);
  if (!requiredNodeAffinityMatches(pod.spec, node)) return { shouldRun: false, shouldContinueRunning: false };
  const taints = node.spec?.taints ?? [];
  const tolerations = pod.spec?.tolerations ?? [];
  if (hasUntoleratedTaint(taints, tolerations, ['NoSchedule', 'NoExecute'])) {
    return { shouldRun: false, shouldContinueRunning: !hasUntoleratedTaint(taints, tolerations, ['NoExecute']) };
  }
  return { shouldRun: true, shouldContinueRunning: true };
}
