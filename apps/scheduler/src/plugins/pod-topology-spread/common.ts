import type { corev1 } from '@tskube/api-types';
import { LabelRequirement, LabelsSelector, SelectionOperator, labelSelectorAsSelector } from '@tskube/api-types';
import type { Listers } from '../../framework/interfaces';
import type { NodeInfo } from '../../framework/node-info';
import type { PodInfo } from '../../framework/pod-info';
import { requiredNodeAffinityOf } from '../helper/node-affinity';
import { defaultSelector } from '../helper/spread';
import { doNotScheduleTaints, findMatchingUntoleratedTaint } from '../helper/taints';

export const LABEL_HOSTNAME = 'kubernetes.io/hostname';
export const LABEL_TOPOLOGY_ZONE = 'topology.kubernetes.io/zone';

/** A spread constraint ready for counting (podtopologyspread.topologySpreadConstraint). */
export interface SpreadConstraint {
  readonly maxSkew: number;
  readonly topologyKey: string;
  readonly selector: LabelsSelector;
  /** 1 when unset. */
  readonly minDomains: number;
  /** Honor (default): nodes failing the pod's node affinity are not domains. */
  readonly nodeAffinityPolicy: 'Honor' | 'Ignore';
  /** Ignore (default): nodes with taints the pod does not tolerate still count. */
  readonly nodeTaintsPolicy: 'Honor' | 'Ignore';
}

/** The cluster defaults with defaultingType System: hostname skew 3 and zone skew 5, both ScheduleAnyway. */
export const SYSTEM_DEFAULT_CONSTRAINTS: readonly corev1.TopologySpreadConstraint[] = Object.freeze([
  { topologyKey: LABEL_HOSTNAME, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 3 },
  { topologyKey: LABEL_TOPOLOGY_ZONE, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 5 },
]);

/**
 * The constraints of `action` (DoNotSchedule or ScheduleAnyway) with selectors parsed and
 * matchLabelKeys merged in from the pod's labels (filterTopologySpreadConstraints). Throws for a
 * selector that does not parse.
 */
export function filterConstraints(
  constraints: readonly corev1.TopologySpreadConstraint[],
  podLabels: Readonly<Record<string, string>>,
  action: string,
): SpreadConstraint[] {
  const out: SpreadConstraint[] = [];
  for (const c of constraints) {
    if (c.whenUnsatisfiable !== action) continue;
    let selector = labelSelectorAsSelector(c.labelSelector);
    const extra: LabelRequirement[] = [];
    for (const key of c.matchLabelKeys ?? []) {
      if (Object.hasOwn(podLabels, key)) extra.push(new LabelRequirement(key, SelectionOperator.In, [podLabels[key]!]));
    }
    if (extra.length > 0) selector = selector.add(...extra);
    out.push({
      maxSkew: c.maxSkew,
      topologyKey: c.topologyKey,
      selector,
      minDomains: c.minDomains ?? 1,
      nodeAffinityPolicy: c.nodeAffinityPolicy === 'Ignore' ? 'Ignore' : 'Honor',
      nodeTaintsPolicy: c.nodeTaintsPolicy === 'Honor' ? 'Honor' : 'Ignore',
    });
  }
  return out;
}

/**
 * The constraints that apply to `pod` for `action`: its own when it has any; otherwise the cluster
 * defaults, only when the pod belongs to a Service or controller whose selector they can spread by.
 */
export function podConstraints(pod: PodInfo, action: string, defaults: readonly corev1.TopologySpreadConstraint[], listers: Listers): SpreadConstraint[] {
  const own = pod.pod.spec?.topologySpreadConstraints;
  const labels = pod.pod.metadata?.labels ?? {};
  if (own !== undefined && own.length > 0) return filterConstraints(own, labels, action);
  const constraints = filterConstraints(defaults, labels, action);
  if (constraints.length === 0) return constraints;
  const selector = defaultSelector(pod.pod, listers);
  if (selector.empty()) return [];
  return constraints.map((c) => ({ ...c, selector }));
}

/** Whether the node carries every constraint's topology key (nodeLabelsMatchSpreadConstraints). */
export function nodeHasAllTopologyKeys(node: NodeInfo, constraints: readonly SpreadConstraint[]): boolean {
  for (const c of constraints) if (node.labels[c.topologyKey] === undefined) return false;
  return true;
}

/** Whether the node counts as a domain for `c` under its nodeAffinityPolicy and nodeTaintsPolicy. */
export function matchNodeInclusionPolicies(c: SpreadConstraint, pod: PodInfo, node: NodeInfo): boolean {
  if (c.nodeAffinityPolicy === 'Honor') {
    const required = requiredNodeAffinityOf(pod);
    if (!required.isEmpty && !required.matches(node)) return false;
  }
  if (c.nodeTaintsPolicy === 'Honor') {
    if (findMatchingUntoleratedTaint(node.node?.spec?.taints, pod.pod.spec?.tolerations, doNotScheduleTaints) !== undefined) return false;
  }
  return true;
}

/** Pods on the node in `namespace` matching `selector`, terminating ones excluded; 0 for an empty selector (countPodsMatchSelector). */
export function countPodsMatchSelector(pods: readonly PodInfo[], selector: LabelsSelector, namespace: string): number {
  if (selector.empty()) return 0;
  let count = 0;
  for (const p of pods) {
    if (p.pod.metadata?.deletionTimestamp !== undefined || p.namespace !== namespace) continue;
    if (selector.matches(p.pod.metadata?.labels)) count++;
  }
  return count;
}
