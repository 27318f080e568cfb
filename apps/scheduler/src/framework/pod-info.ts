import type { corev1 } from '@tskube/api-types';
import { LabelRequirement, LabelsSelector, SelectionOperator, labelSelectorAsSelector, type LabelSet } from '@tskube/api-types';
import { podRequests, type Resource } from './resource';

/**
 * A pod (anti-)affinity term ready for matching (fwk.AffinityTerm): the pods it selects live in one of
 * `namespaces` or in a namespace whose labels match `namespaceSelector`, and carry labels that match
 * `selector`. Plain data, so a plugin may derive a copy (InterPodAffinity folds the namespace
 * selector into `namespaces` once per cycle).
 */
export interface AffinityTerm {
  readonly namespaces: ReadonlySet<string>;
  readonly selector: LabelsSelector;
  readonly topologyKey: string;
  /** Nothing when the term has no namespaceSelector; Everything for `{}`. */
  readonly namespaceSelector: LabelsSelector;
}

export interface WeightedAffinityTerm extends AffinityTerm {
  readonly weight: number;
}

/** Whether `term` selects `pod`, whose namespace has labels `nsLabels` (AffinityTerm.Matches). */
export function affinityTermMatches(term: AffinityTerm, pod: corev1.Pod, nsLabels: LabelSet | undefined): boolean {
  const ns = pod.metadata?.namespace ?? '';
  if (term.namespaces.has(ns) || term.namespaceSelector.matches(nsLabels)) {
    return term.selector.matches(pod.metadata?.labels);
  }
  return false;
}

/** spec.priority, 0 when unset (corev1helpers.PodPriority). */
export function podPriority(pod: corev1.Pod): number {
  return pod.spec?.priority ?? 0;
}

/** status.startTime in epoch milliseconds; a pod not started yet counts as starting at the end of time. */
export function podStartTime(pod: corev1.Pod): number {
  const t = pod.status?.startTime;
  if (t === undefined) return Number.MAX_SAFE_INTEGER;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? Number.MAX_SAFE_INTEGER : ms;
}

/** The identity the scheduler tracks a pod by: its UID, or namespace/name before it has one. */
export function podKey(pod: corev1.Pod): string {
  return pod.metadata?.uid ?? `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}

/**
 * Parsed terms shared by every pod that declares the same one (the pods of a Deployment do): a
 * plugin can then evaluate a term once per cycle however many pods carry it. Bounded by clearing.
 */
const internedTerms = new Map<string, AffinityTerm>();
const MAX_INTERNED_TERMS = 20_000;

function newAffinityTerm(pod: corev1.Pod, term: corev1.PodAffinityTerm): AffinityTerm {
  // matchLabelKeys/mismatchLabelKeys pin the selector to the incoming pod's own label values.
  const extra: [string, string][] = [];
  const mismatch: [string, string][] = [];
  if (term.labelSelector != null) {
    const labels = pod.metadata?.labels ?? {};
    for (const key of term.matchLabelKeys ?? []) if (Object.hasOwn(labels, key)) extra.push([key, labels[key]!]);
    for (const key of term.mismatchLabelKeys ?? []) if (Object.hasOwn(labels, key)) mismatch.push([key, labels[key]!]);
  }
  const defaultNamespace = (term.namespaces === undefined || term.namespaces.length === 0) && term.namespaceSelector == null;
  const namespaces = defaultNamespace ? [pod.metadata?.namespace ?? ''] : (term.namespaces ?? []);
  const signature = JSON.stringify([term.labelSelector ?? null, extra, mismatch, namespaces, term.topologyKey, term.namespaceSelector ?? null]);
  const known = internedTerms.get(signature);
  if (known !== undefined) return known;

  let selector = labelSelectorAsSelector(term.labelSelector);
  const requirements = [
    ...extra.map(([key, value]) => new LabelRequirement(key, SelectionOperator.In, [value])),
    ...mismatch.map(([key, value]) => new LabelRequirement(key, SelectionOperator.NotIn, [value])),
  ];
  if (requirements.length > 0) selector = selector.add(...requirements);
  const parsed: AffinityTerm = Object.freeze({
    namespaces: new Set(namespaces),
    selector,
    topologyKey: term.topologyKey,
    namespaceSelector: labelSelectorAsSelector(term.namespaceSelector),
  });
  if (internedTerms.size >= MAX_INTERNED_TERMS) internedTerms.clear();
  internedTerms.set(signature, parsed);
  return parsed;
}

const noTerms: readonly never[] = Object.freeze([]);

/**
 * A pod with what the scheduler derives from it, computed once (framework.PodInfo): resource
 * requests, the non-zero cpu/memory used for scoring, parsed affinity terms and host ports. The pod
 * object must not change afterwards; build a new PodInfo for a new version of the pod.
 */
export class PodInfo {
  readonly pod: corev1.Pod;
  /** UID, or namespace/name for a pod without one. */
  readonly key: string;
  readonly namespace: string;
  readonly priority: number;
  /** Requests as NodeResourcesFit sees them: containers, sidecars, init maximum and overhead. */
  readonly requests: Resource;
  /** Millicores counting 100m for each container without a cpu request. */
  readonly nonZeroMilliCPU: number;
  /** Bytes counting 200Mi for each container without a memory request. */
  readonly nonZeroMemory: number;
  readonly requiredAffinityTerms: readonly AffinityTerm[];
  readonly requiredAntiAffinityTerms: readonly AffinityTerm[];
  readonly preferredAffinityTerms: readonly WeightedAffinityTerm[];
  readonly preferredAntiAffinityTerms: readonly WeightedAffinityTerm[];
  /** The first error met parsing the affinity terms' selectors; the affected term lists are empty then. */
  readonly affinityParseError: Error | undefined;
  /** Container ports with a hostPort (> 0), as NodePorts and NodeInfo.usedPorts count them. */
  readonly hostPorts: readonly corev1.ContainerPort[];

  constructor(pod: corev1.Pod) {
    this.pod = pod;
    this.key = podKey(pod);
    this.namespace = pod.metadata?.namespace ?? '';
    this.priority = podPriority(pod);
    this.requests = podRequests(pod);
    // Containers that request nothing count the defaults; skip the second pass when all of them request both.
    const needsDefaults = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].some((c) => {
      const r = c.resources?.requests;
      return r === undefined || !Object.hasOwn(r, 'cpu') || !Object.hasOwn(r, 'memory');
    });
    if (needsDefaults) {
      const nonZero = podRequests(pod, true);
      this.nonZeroMilliCPU = nonZero.milliCPU;
      this.nonZeroMemory = nonZero.memory;
    } else {
      this.nonZeroMilliCPU = this.requests.milliCPU;
      this.nonZeroMemory = this.requests.memory;
    }

    const affinity = pod.spec?.affinity;
    let parseError: Error | undefined;
    const parse = (terms: readonly corev1.PodAffinityTerm[] | undefined): readonly AffinityTerm[] => {
      if (terms === undefined || terms.length === 0) return noTerms;
      try {
        return terms.map((t) => newAffinityTerm(pod, t));
      } catch (err) {
        parseError ??= err instanceof Error ? err : new Error(String(err));
        return noTerms;
      }
    };
    const parseWeighted = (terms: readonly corev1.WeightedPodAffinityTerm[] | undefined): readonly WeightedAffinityTerm[] => {
      if (terms === undefined || terms.length === 0) return noTerms;
      try {
        return terms.map((t) => ({ ...newAffinityTerm(pod, t.podAffinityTerm), weight: t.weight }));
      } catch (err) {
        parseError ??= err instanceof Error ? err : new Error(String(err));
        return noTerms;
      }
    };
    this.requiredAffinityTerms = parse(affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution);
    this.requiredAntiAffinityTerms = parse(affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution);
    this.preferredAffinityTerms = parseWeighted(affinity?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution);
    this.preferredAntiAffinityTerms = parseWeighted(affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution);
    this.affinityParseError = parseError;

    const ports: corev1.ContainerPort[] = [];
    for (const c of pod.spec?.containers ?? []) {
      for (const p of c.ports ?? []) if ((p.hostPort ?? 0) > 0) ports.push(p);
    }
    this.hostPorts = ports.length === 0 ? noTerms : ports;
  }

  /** True when the pod declares pod affinity or anti-affinity of any kind (NodeInfo.PodsWithAffinity). */
  get hasAffinity(): boolean {
    const a = this.pod.spec?.affinity;
    return a !== undefined && (a.podAffinity !== undefined || a.podAntiAffinity !== undefined);
  }

  /** True when the pod has required anti-affinity terms (NodeInfo.PodsWithRequiredAntiAffinity). */
  get hasRequiredAntiAffinity(): boolean {
    return this.requiredAntiAffinityTerms.length > 0;
  }
}

/** `pod` as a PodInfo, reusing it when it already is one. */
export function toPodInfo(pod: corev1.Pod | PodInfo): PodInfo {
  return pod instanceof PodInfo ? pod : new PodInfo(pod);
}

