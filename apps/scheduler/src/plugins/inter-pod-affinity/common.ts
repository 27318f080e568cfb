import type { corev1, LabelSet } from '@tskube/api-types';
import { LabelsSelector } from '@tskube/api-types';
import type { Listers } from '../../framework/interfaces';
import type { NodeInfo } from '../../framework/node-info';
import { affinityTermMatches, type AffinityTerm } from '../../framework/pod-info';

/** A topology key and value as one map key. NUL cannot appear in label keys or values. */
export const pairKey = (key: string, value: string): string => `${key}\u0000${value}`;

/** Counts of matching terms per topology pair (topologyToMatchedTermCount). */
export type TopologyCounts = Map<string, number>;

/** Adds `value` to the pair of `node`'s `topologyKey` label, dropping entries that reach zero; nodes without the label are ignored. */
export function updateCount(counts: TopologyCounts, node: NodeInfo, topologyKey: string, value: number): void {
  const tv = node.labels[topologyKey];
  if (tv === undefined) return;
  const key = pairKey(topologyKey, tv);
  const n = (counts.get(key) ?? 0) + value;
  if (n === 0) counts.delete(key);
  else counts.set(key, n);
}

/** Whether `pod` matches every term (podMatchesAllAffinityTerms); false for no terms. */
export function podMatchesAllAffinityTerms(terms: readonly AffinityTerm[], pod: corev1.Pod): boolean {
  if (terms.length === 0) return false;
  for (const t of terms) if (!affinityTermMatches(t, pod, undefined)) return false;
  return true;
}

/** Counts each of `terms` on `node` when `pod` matches all of them (updateWithAffinityTerms). */
export function updateWithAffinityTerms(counts: TopologyCounts, terms: readonly AffinityTerm[], pod: corev1.Pod, node: NodeInfo, value: number): void {
  if (!podMatchesAllAffinityTerms(terms, pod)) return;
  for (const t of terms) updateCount(counts, node, t.topologyKey, value);
}

/** Counts each of `terms` that `pod` matches on `node` (updateWithAntiAffinityTerms). */
export function updateWithAntiAffinityTerms(
  counts: TopologyCounts,
  terms: readonly AffinityTerm[],
  pod: corev1.Pod,
  nsLabels: LabelSet | undefined,
  node: NodeInfo,
  value: number,
): void {
  for (const t of terms) if (affinityTermMatches(t, pod, nsLabels)) updateCount(counts, node, t.topologyKey, value);
}

/**
 * The term with its namespaceSelector resolved into concrete namespace names now
 * (mergeAffinityTermNamespacesIfNotEmpty), so matching needs no namespace lookups later. An empty
 * selector (all namespaces) is kept as it is.
 */
export function mergeTermNamespaces<T extends AffinityTerm>(term: T, listers: Listers): T {
  const sel = term.namespaceSelector;
  if (sel.empty() || sel.matchesNothing()) return term;
  const namespaces = new Set(term.namespaces);
  for (const ns of listers.namespaces()) if (sel.matches(ns.metadata?.labels)) namespaces.add(ns.metadata?.name ?? '');
  return { ...term, namespaces, namespaceSelector: LabelsSelector.nothing() };
}

/** The labels of the pod's namespace, {} when unknown (GetNamespaceLabelsSnapshot). */
export function namespaceLabels(namespace: string, listers: Listers): LabelSet {
  return listers.namespace(namespace)?.metadata?.labels ?? {};
}
