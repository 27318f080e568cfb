import { Quantity, type corev1 } from '@tskube/api-types';

/** Why the kubelet refused a pod (its status reason) and what it says (its message). */
export interface Rejection {
  reason: string;
  message: string;
}

function parse(value: string | number | undefined): Quantity | undefined {
  if (value === undefined) return undefined;
  try {
    return Quantity.parse(String(value));
  } catch {
    return undefined;
  }
}

/** A resource in the units the kubelet's messages use: millicores for cpu, plain numbers otherwise. */
function amount(name: string, q: Quantity | undefined): number {
  if (!q) return 0;
  return name === 'cpu' ? q.milliValue() : q.value();
}

/**
 * The pod's effective requests as the scheduler and the kubelet count them: the sum over its
 * containers (sidecars included), or the largest init container's when that is more, plus the
 * pod overhead.
 */
export function podRequests(pod: corev1.Pod): Map<string, number> {
  const add = (m: Map<string, number>, reqs: Record<string, string | number> | undefined) => {
    for (const [name, v] of Object.entries(reqs ?? {})) m.set(name, (m.get(name) ?? 0) + amount(name, parse(v)));
  };
  // What runs together once the pod is initialized: the containers and every sidecar.
  const regular = new Map<string, number>();
  for (const c of pod.spec?.containers ?? []) add(regular, c.resources?.requests);
  // While initializing: each init container beside the sidecars started before it.
  const sidecars = new Map<string, number>();
  const initMax = new Map<string, number>();
  for (const c of pod.spec?.initContainers ?? []) {
    if (c.restartPolicy === 'Always') {
      add(regular, c.resources?.requests);
      add(sidecars, c.resources?.requests);
      for (const [name, v] of sidecars) initMax.set(name, Math.max(initMax.get(name) ?? 0, v));
      continue;
    }
    const one = new Map(sidecars);
    add(one, c.resources?.requests);
    for (const [name, v] of one) initMax.set(name, Math.max(initMax.get(name) ?? 0, v));
  }
  for (const [name, v] of initMax) regular.set(name, Math.max(regular.get(name) ?? 0, v));
  add(regular, pod.spec?.overhead);
  return regular;
}

function labelsMatch(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
}

/**
 * The kubelet's admission of a pod bound to its node (the predicate admit handler): refuses it
 * when the node does not have the cpu, memory or pod slots left that it requests next to the pods
 * already admitted (OutOfcpu, OutOfmemory, OutOfpods), or when its nodeSelector does not match
 * the node (NodeAffinity). Undefined: admitted.
 */
export function admitPod(pod: corev1.Pod, admitted: corev1.Pod[], node: corev1.Node | undefined): Rejection | undefined {
  if (!node) return undefined;
  const labels = node.metadata?.labels ?? {};
  if (!labelsMatch(pod.spec?.nodeSelector, labels)) {
    return { reason: 'NodeAffinity', message: "Predicate NodeAffinity failed: node(s) didn't match Pod's node affinity/selector" };
  }
  const allocatable = node.status?.allocatable ?? {};
  const podsCapacity = parse(allocatable['pods'])?.value();
  if (podsCapacity !== undefined && admitted.length + 1 > podsCapacity) {
    return { reason: 'OutOfpods', message: `Node didn't have enough resource: pods, requested: 1, used: ${admitted.length}, capacity: ${podsCapacity}` };
  }
  const wanted = podRequests(pod);
  const used = new Map<string, number>();
  for (const p of admitted) for (const [name, v] of podRequests(p)) used.set(name, (used.get(name) ?? 0) + v);
  for (const name of ['cpu', 'memory', 'ephemeral-storage']) {
    const requested = wanted.get(name) ?? 0;
    if (requested === 0) continue;
    const capacity = parse(allocatable[name]);
    if (!capacity) continue;
    const cap = amount(name, capacity);
    const inUse = used.get(name) ?? 0;
    if (requested + inUse > cap) {
      return { reason: `OutOf${name}`, message: `Node didn't have enough resource: ${name}, requested: ${requested}, used: ${inUse}, capacity: ${cap}` };
    }
  }
  return undefined;
}
