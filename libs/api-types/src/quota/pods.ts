import { Quantity } from '../quantity';
import type * as corev1 from '../types/corev1';
import { addUsage, parseResourceList, type Usage } from './resource-list';

/**
 * The requests a container is held to: its requests, with limits standing in where a request is
 * missing, as pod defaulting fills them before the object is stored. Quota admission sees pods
 * before defaulting, so it reads requests through this too.
 */
export function containerRequests(c: corev1.Container): Usage {
  const requests = parseResourceList(c.resources?.requests);
  for (const [name, q] of parseResourceList(c.resources?.limits)) if (!requests.has(name)) requests.set(name, q);
  return requests;
}

function containerLimits(c: corev1.Container): Usage {
  return parseResourceList(c.resources?.limits);
}

function maxUsage(a: Usage, b: Usage): Usage {
  const out: Usage = new Map(a);
  for (const [name, q] of b) {
    const have = out.get(name);
    if (!have || q.cmp(have) > 0) out.set(name, q);
  }
  return out;
}

/**
 * The pod's effective amount of `of(container)` as the scheduler and quota count it: the sum over
 * regular and sidecar (restartable init) containers, or the largest one-off init container (plus
 * the sidecars started before it) when that is more, plus the pod overhead (for limits, only on
 * the resources some container limits: an unlimited resource stays unlimited).
 */
function podAmount(pod: corev1.Pod, of: (c: corev1.Container) => Usage, overhead: 'all' | 'set'): Usage {
  let total: Usage = new Map();
  for (const c of pod.spec?.containers ?? []) total = addUsage(total, of(c));
  let sidecars: Usage = new Map();
  let initPeak: Usage = new Map();
  for (const c of pod.spec?.initContainers ?? []) {
    let need = of(c);
    if (c.restartPolicy === 'Always') {
      total = addUsage(total, need);
      sidecars = addUsage(sidecars, need);
      need = sidecars;
    } else {
      need = addUsage(need, sidecars);
    }
    initPeak = maxUsage(initPeak, need);
  }
  const result = maxUsage(total, initPeak);
  for (const [name, q] of parseResourceList(pod.spec?.overhead)) {
    const have = result.get(name);
    if (have) result.set(name, have.add(q));
    else if (overhead === 'all') result.set(name, q);
  }
  return result;
}

/** The pod's requests (resourcehelper.PodRequests). */
export function podRequests(pod: corev1.Pod): Usage {
  return podAmount(pod, containerRequests, 'all');
}

/** The pod's limits (resourcehelper.PodLimits): containers without a limit add nothing. */
export function podLimits(pod: corev1.Pod): Usage {
  return podAmount(pod, containerLimits, 'set');
}

/** QoS class BestEffort: no container requests or limits any cpu or memory. */
export function isBestEffort(pod: corev1.Pod): boolean {
  const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  for (const c of containers) {
    for (const list of [c.resources?.requests, c.resources?.limits]) {
      for (const [name, q] of parseResourceList(list)) {
        if ((name === 'cpu' || name === 'memory') && q.sign() > 0) return false;
      }
    }
  }
  return true;
}

/** Scope Terminating: the pod has an activeDeadlineSeconds. */
export function isTerminating(pod: corev1.Pod): boolean {
  const d = pod.spec?.activeDeadlineSeconds;
  return d !== undefined && d !== null && d >= 0;
}

/** Scope CrossNamespacePodAffinity: an affinity or anti-affinity term reaches other namespaces. */
export function usesCrossNamespacePodAffinity(pod: corev1.Pod): boolean {
  const crosses = (t: corev1.PodAffinityTerm | undefined) => Boolean(t && ((t.namespaces?.length ?? 0) > 0 || t.namespaceSelector));
  for (const a of [pod.spec?.affinity?.podAffinity, pod.spec?.affinity?.podAntiAffinity]) {
    if (!a) continue;
    if (a.requiredDuringSchedulingIgnoredDuringExecution?.some(crosses)) return true;
    if (a.preferredDuringSchedulingIgnoredDuringExecution?.some((w) => crosses(w.podAffinityTerm))) return true;
  }
  return false;
}

/**
 * Whether the pod is charged for its compute resources (QuotaV1Pod): not once it has finished
 * (Succeeded, Failed), nor once it has been terminating for longer than its grace period past its
 * deletion time (a pod stuck on a lost node must not block its replacement).
 */
export function podChargesCompute(pod: corev1.Pod, nowMs: number): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  const deletion = pod.metadata?.deletionTimestamp;
  const grace = pod.metadata?.deletionGracePeriodSeconds;
  if (deletion && grace !== undefined && grace !== null && nowMs > Date.parse(deletion) + grace * 1000) return false;
  return true;
}

const one = () => Quantity.fromInt(1);

/**
 * Whether a resource name is one of Kubernetes' own (unprefixed, or in a kubernetes.io domain),
 * as opposed to an extended resource such as `example.com/gpu`.
 */
export function isNativeResource(name: string): boolean {
  return !name.includes('/') || name.includes('kubernetes.io/');
}

/**
 * The quota resources one container's (or pod's) requests and limits amount to: `pods` 1, cpu and
 * memory and ephemeral-storage under their bare, `requests.` and `limits.` names, huge pages
 * under both their own and their `requests.` name, extended resources as `requests.<name>`.
 */
export function computeUsage(requests: Usage, limits: Usage): Usage {
  const out: Usage = new Map([['pods', one()]]);
  for (const name of ['cpu', 'memory', 'ephemeral-storage']) {
    const r = requests.get(name);
    if (r) {
      out.set(name, r);
      out.set(`requests.${name}`, r);
    }
    const l = limits.get(name);
    if (l) out.set(`limits.${name}`, l);
  }
  for (const [name, q] of requests) {
    if (name.startsWith('hugepages-')) {
      out.set(name, q);
      out.set(`requests.${name}`, q);
    }
    if (!isNativeResource(name) && !name.startsWith('requests.')) out.set(`requests.${name}`, q);
  }
  return out;
}

/**
 * A pod's quota usage (PodUsageFunc): `count/pods` always (it counts stored objects), and the
 * compute resources and `pods` only while the pod is charged for them.
 */
export function podUsage(pod: corev1.Pod, nowMs: number): Usage {
  const out: Usage = new Map([['count/pods', one()]]);
  if (!podChargesCompute(pod, nowMs)) return out;
  return addUsage(out, computeUsage(podRequests(pod), podLimits(pod)));
}

/** Resources that, when a quota limits them, each container must set explicitly. */
const mustBeSet = new Set(['cpu', 'memory', 'requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory']);

/**
 * The refusal for a pod that leaves unset a cpu or memory amount a quota limits (`must specify
 * limits.cpu for: a,b; requests.memory for: a`), or undefined when every container sets them.
 */
export function podConstraints(required: readonly string[], pod: corev1.Pod): string | undefined {
  const wanted = required.filter((r) => mustBeSet.has(r));
  if (!wanted.length) return undefined;
  const missing = new Map<string, Set<string>>();
  for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
    const has = computeUsage(containerRequests(c), containerLimits(c));
    for (const r of wanted) {
      if (has.has(r)) continue;
      let names = missing.get(r);
      if (!names) missing.set(r, (names = new Set()));
      names.add(c.name);
    }
  }
  if (!missing.size) return undefined;
  const parts = [...missing.keys()].sort().map((r) => `${r} for: ${[...missing.get(r)!].sort().join(',')}`);
  return `must specify ${parts.join('; ')}`;
}
