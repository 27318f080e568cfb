import { LabelsSelector, SelectionOperator, newLabelRequirement, type corev1 } from '@tskube/api-types';

/** The only field node selector terms may name (metav1.ObjectNameField). */
export const NodeNameField = 'metadata.name';

const operators: Readonly<Record<string, SelectionOperator>> = {
  In: SelectionOperator.In,
  NotIn: SelectionOperator.NotIn,
  Exists: SelectionOperator.Exists,
  DoesNotExist: SelectionOperator.DoesNotExist,
  Gt: SelectionOperator.GreaterThan,
  Lt: SelectionOperator.LessThan,
};

/**
 * Whether one NodeSelectorTerm holds for the node: every label expression and every field
 * expression. An empty term or one that does not parse matches nothing, as Kubernetes' lazy-error
 * node selector treats them.
 */
function termMatches(term: corev1.NodeSelectorTerm, node: corev1.Node): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  try {
    if (exprs.length > 0) {
      const reqs = exprs.map((e) => {
        const op = Object.hasOwn(operators, e.operator) ? operators[e.operator] : undefined;
        if (op === undefined) throw new Error(`unsupported operator ${e.operator}`);
        return newLabelRequirement(e.key, op, e.values);
      });
      if (!LabelsSelector.everything().add(...reqs).matches(node.metadata?.labels ?? {})) return false;
    }
    for (const f of fields) {
      if (f.key !== NodeNameField || (f.operator !== 'In' && f.operator !== 'NotIn') || f.values?.length !== 1) return false;
      const equal = node.metadata?.name === f.values[0];
      if (f.operator === 'In' ? !equal : equal) return false;
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether the pod's hard node constraints admit the node (GetRequiredNodeAffinity(pod).Match):
 * spec.nodeSelector's labels and, when present, one of the required affinity terms.
 */
export function requiredNodeAffinityMatches(spec: corev1.PodSpec | undefined, node: corev1.Node): boolean {
  const labels = node.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(spec?.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const required = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required) return true;
  return (required.nodeSelectorTerms ?? []).some((t) => termMatches(t, node));
}

/**
 * The affinity that pins a daemon pod to `nodeName` (ReplaceDaemonSetPodNodeNameNodeAffinity): the
 * required terms become one term matching the node's name, so the default scheduler can only place
 * it there; preferred terms and pod (anti-)affinity are kept.
 */
export function pinToNode(affinity: corev1.Affinity | undefined, nodeName: string): corev1.Affinity {
  const required: corev1.NodeSelector = { nodeSelectorTerms: [{ matchFields: [{ key: NodeNameField, operator: 'In', values: [nodeName] }] }] };
  const out = structuredClone(affinity ?? {});
  out.nodeAffinity = { ...out.nodeAffinity, requiredDuringSchedulingIgnoredDuringExecution: required };
  return out;
}

/**
 * The node a daemon pod is for (GetTargetNodeName): spec.nodeName once bound, otherwise the single
 * value of an `In` match on metadata.name in its required affinity; undefined when it names none.
 */
export function targetNodeName(pod: corev1.Pod): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  for (const term of pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const f of term.matchFields ?? []) {
      if (f.key === NodeNameField && f.operator === 'In') return f.values?.length === 1 ? f.values[0] : undefined;
    }
  }
  return undefined;
}
