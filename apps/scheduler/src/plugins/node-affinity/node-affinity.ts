import type { corev1 } from '@tskube/api-types';
import type { CycleState, StateData } from '../../framework/cycle-state';
import type { FilterPlugin, PluginFactory, PreFilterPlugin, PreFilterResult, PreScorePlugin, ScorePlugin } from '../../framework/interfaces';
import { MAX_NODE_SCORE } from '../../framework/interfaces';
import type { NodeInfo } from '../../framework/node-info';
import type { PodInfo } from '../../framework/pod-info';
import { Code, Status } from '../../framework/status';
import { NodeSelectorMatcher, PreferredSchedulingTerms, requiredNodeAffinityOf } from '../helper/node-affinity';
import { defaultNormalizeScore } from '../helper/normalize';
import { PluginNames } from '../names';

/** The reason a node fails the pod's nodeSelector or required node affinity. */
export const ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";
/** The reason a node fails the profile's addedAffinity. */
export const ERR_REASON_ENFORCED = "node(s) didn't match scheduler-enforced node affinity";
/** Every required term pins metadata.name, and no name satisfies them all. */
export const ERR_REASON_CONFLICT = 'pod affinity terms conflict';

const rejectedPod = Status.constant(Code.UnschedulableAndUnresolvable, ERR_REASON_POD, PluginNames.NodeAffinity);
const rejectedEnforced = Status.constant(Code.UnschedulableAndUnresolvable, ERR_REASON_ENFORCED, PluginNames.NodeAffinity);

/** NodeAffinityArgs. */
export interface NodeAffinityArgs {
  /** Node affinity added to every pod of the profile. */
  addedAffinity?: corev1.NodeAffinity;
}

const PRE_SCORE_KEY = `PreScore${PluginNames.NodeAffinity}`;

class PreScoreState implements StateData {
  constructor(readonly preferred: PreferredSchedulingTerms | undefined) {}
  clone(): StateData {
    return this;
  }
}

/**
 * spec.nodeSelector and node affinity (nodeaffinity.NodeAffinity): Filter enforces the required terms
 * (and the profile's addedAffinity); Score sums the weights of matching preferred terms, normalized
 * to 0-100. PreFilter narrows the nodes when every required term pins metadata.name.
 */
export class NodeAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = PluginNames.NodeAffinity;
  private readonly addedNodeSelector: NodeSelectorMatcher | undefined;
  private readonly addedPreferred: PreferredSchedulingTerms | undefined;

  constructor(args: NodeAffinityArgs = {}) {
    const added = args.addedAffinity;
    const required = added?.requiredDuringSchedulingIgnoredDuringExecution;
    this.addedNodeSelector = required !== undefined ? new NodeSelectorMatcher(required) : undefined;
    const preferred = added?.preferredDuringSchedulingIgnoredDuringExecution;
    this.addedPreferred = preferred !== undefined && preferred.length > 0 ? new PreferredSchedulingTerms(preferred) : undefined;
  }

  preFilter(_state: CycleState, pod: PodInfo): PreFilterResult {
    const required = pod.pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    const nodeSelector = pod.pod.spec?.nodeSelector;
    if (required === undefined && this.addedNodeSelector === undefined && nodeSelector === undefined) return Status.skip();
    const terms = required?.nodeSelectorTerms ?? [];
    if (terms.length === 0) return undefined;

    let names: Set<string> | undefined;
    for (const term of terms) {
      let termNames: Set<string> | undefined;
      for (const r of term.matchFields ?? []) {
        if (r.key !== 'metadata.name' || r.operator !== 'In') continue;
        const values = new Set(r.values ?? []);
        termNames = termNames === undefined ? values : new Set([...termNames].filter((n) => values.has(n)));
      }
      // A term without a name pin allows every node, and terms are ORed.
      if (termNames === undefined) return undefined;
      names = names === undefined ? termNames : new Set([...names, ...termNames]);
    }
    if (names !== undefined && names.size === 0) return Status.unresolvable(ERR_REASON_CONFLICT);
    return names !== undefined ? { nodeNames: names } : undefined;
  }

  filter(_state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status | undefined {
    if (this.addedNodeSelector !== undefined && !this.addedNodeSelector.matches(nodeInfo.name, nodeInfo.labels)) {
      return rejectedEnforced;
    }
    const required = requiredNodeAffinityOf(pod);
    if (!required.isEmpty && !required.matches(nodeInfo)) return rejectedPod;
    return undefined;
  }

  preScore(state: CycleState, pod: PodInfo): Status | undefined {
    const terms = pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution;
    const preferred = terms !== undefined && terms.length > 0 ? new PreferredSchedulingTerms(terms) : undefined;
    if (preferred === undefined && this.addedPreferred === undefined) return Status.skip();
    state.write(PRE_SCORE_KEY, new PreScoreState(preferred));
    return undefined;
  }

  /** The summed weights of the matching preferred terms (the pod's and addedAffinity's). */
  score(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): number {
    let preferred = state.read<PreScoreState>(PRE_SCORE_KEY)?.preferred;
    if (preferred === undefined) {
      const terms = pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution;
      if (terms !== undefined && terms.length > 0) preferred = new PreferredSchedulingTerms(terms);
    }
    let count = 0;
    if (this.addedPreferred !== undefined) count += this.addedPreferred.score(nodeInfo);
    if (preferred !== undefined) count += preferred.score(nodeInfo);
    return count;
  }

  normalizeScore(_state: CycleState, _pod: PodInfo, _nodes: readonly NodeInfo[], scores: number[]): Status | undefined {
    defaultNormalizeScore(MAX_NODE_SCORE, false, scores);
    return undefined;
  }
}

export const newNodeAffinity: PluginFactory = (args) => new NodeAffinity((args ?? {}) as NodeAffinityArgs);
