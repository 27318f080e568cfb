import type { corev1 } from '@tskube/api-types';
import { LabelsSelector, SelectionOperator, newLabelRequirement, type LabelRequirement } from '@tskube/api-types';
import type { NodeInfo } from '../../framework/node-info';
import type { PodInfo } from '../../framework/pod-info';

const NODE_NAME_FIELD = 'metadata.name';

const nodeSelectorOperators: Readonly<Record<string, SelectionOperator>> = {
  In: SelectionOperator.In,
  NotIn: SelectionOperator.NotIn,
  Exists: SelectionOperator.Exists,
  DoesNotExist: SelectionOperator.DoesNotExist,
  Gt: SelectionOperator.GreaterThan,
  Lt: SelectionOperator.LessThan,
};

interface FieldRequirement {
  readonly key: string;
  readonly equal: boolean;
  readonly value: string;
}

/**
 * One parsed NodeSelectorTerm (nodeaffinity.nodeSelectorTerm): label requirements and metadata.name
 * field requirements, all of which must hold. A term that fails to parse matches no node, as the
 * lazy-error selector in Kubernetes treats it.
 */
class NodeSelectorTerm {
  private readonly labels: LabelsSelector | undefined;
  private readonly fields: readonly FieldRequirement[] | undefined;
  readonly parseError: Error | undefined;

  constructor(term: corev1.NodeSelectorTerm) {
    let labels: LabelsSelector | undefined;
    let fields: FieldRequirement[] | undefined;
    let parseError: Error | undefined;
    try {
      if (term.matchExpressions !== undefined && term.matchExpressions.length > 0) {
        const reqs: LabelRequirement[] = [];
        for (const e of term.matchExpressions) {
          const op = Object.hasOwn(nodeSelectorOperators, e.operator) ? nodeSelectorOperators[e.operator] : undefined;
          if (op === undefined) throw new Error(`Unsupported value: ${JSON.stringify(e.operator)}`);
          reqs.push(newLabelRequirement(e.key, op, e.values));
        }
        labels = LabelsSelector.everything().add(...reqs);
      }
      if (term.matchFields !== undefined && term.matchFields.length > 0) {
        fields = term.matchFields.map((f) => {
          if ((f.operator !== 'In' && f.operator !== 'NotIn') || f.values?.length !== 1) {
            throw new Error(`invalid field requirement on ${JSON.stringify(f.key)}: only In/NotIn with one value are supported`);
          }
          return { key: f.key, equal: f.operator === 'In', value: f.values[0]! };
        });
      }
    } catch (err) {
      parseError = err instanceof Error ? err : new Error(String(err));
    }
    this.labels = labels;
    this.fields = fields;
    this.parseError = parseError;
  }

  matches(nodeName: string, nodeLabels: Readonly<Record<string, string>>): boolean {
    if (this.parseError !== undefined) return false;
    if (this.labels !== undefined && !this.labels.matches(nodeLabels)) return false;
    if (this.fields !== undefined) {
      for (const f of this.fields) {
        const value = f.key === NODE_NAME_FIELD ? nodeName : undefined;
        if (f.equal ? value !== f.value : value === f.value) return false;
      }
    }
    return true;
  }
}

const isEmptyTerm = (t: corev1.NodeSelectorTerm): boolean =>
  (t.matchExpressions === undefined || t.matchExpressions.length === 0) && (t.matchFields === undefined || t.matchFields.length === 0);

/**
 * A NodeSelector (terms ORed) that ignores empty terms and terms that fail to parse
 * (nodeaffinity.LazyErrorNodeSelector): with no usable term, no node matches.
 */
export class NodeSelectorMatcher {
  private readonly terms: readonly NodeSelectorTerm[];

  constructor(selector: corev1.NodeSelector) {
    this.terms = (selector.nodeSelectorTerms ?? []).filter((t) => !isEmptyTerm(t)).map((t) => new NodeSelectorTerm(t));
  }

  matches(nodeName: string, nodeLabels: Readonly<Record<string, string>>): boolean {
    for (const t of this.terms) if (t.matches(nodeName, nodeLabels)) return true;
    return false;
  }
}

/**
 * A pod's hard node constraints (nodeaffinity.RequiredNodeAffinity): spec.nodeSelector labels and
 * requiredDuringSchedulingIgnoredDuringExecution terms; both must hold.
 */
export class RequiredNodeAffinity {
  private readonly labelSelector: LabelsSelector | undefined;
  private readonly nodeSelector: NodeSelectorMatcher | undefined;

  constructor(pod: corev1.Pod) {
    const ns = pod.spec?.nodeSelector;
    this.labelSelector = ns !== undefined && Object.keys(ns).length > 0 ? LabelsSelector.fromSet(ns) : undefined;
    const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    this.nodeSelector = required !== undefined ? new NodeSelectorMatcher(required) : undefined;
  }

  /** True when the pod constrains nothing. */
  get isEmpty(): boolean {
    return this.labelSelector === undefined && this.nodeSelector === undefined;
  }

  matches(node: NodeInfo): boolean {
    if (this.labelSelector !== undefined && !this.labelSelector.matches(node.labels)) return false;
    if (this.nodeSelector !== undefined) return this.nodeSelector.matches(node.name, node.labels);
    return true;
  }
}

const requiredCache = new WeakMap<PodInfo, RequiredNodeAffinity>();

/** The pod's RequiredNodeAffinity, parsed once per PodInfo. */
export function requiredNodeAffinityOf(pod: PodInfo): RequiredNodeAffinity {
  let r = requiredCache.get(pod);
  if (r === undefined) requiredCache.set(pod, (r = new RequiredNodeAffinity(pod.pod)));
  return r;
}

/** Weighted preferred terms (nodeaffinity.PreferredSchedulingTerms); weight-0 and empty terms are dropped. */
export class PreferredSchedulingTerms {
  private readonly terms: readonly { readonly term: NodeSelectorTerm; readonly weight: number }[];

  constructor(terms: readonly corev1.PreferredSchedulingTerm[]) {
    this.terms = terms.filter((t) => t.weight !== 0 && !isEmptyTerm(t.preference)).map((t) => ({ term: new NodeSelectorTerm(t.preference), weight: t.weight }));
  }

  get isEmpty(): boolean {
    return this.terms.length === 0;
  }

  /** The first parse error among the terms, if any. */
  get parseError(): Error | undefined {
    return this.terms.find((t) => t.term.parseError !== undefined)?.term.parseError;
  }

  /** The sum of the weights of the terms the node matches. */
  score(node: NodeInfo): number {
    let score = 0;
    for (const t of this.terms) if (t.term.matches(node.name, node.labels)) score += t.weight;
    return score;
  }
}

