import type { LabelSet } from '@tskube/api-types';
import type { CycleState, StateData } from '../../framework/cycle-state';
import type { FilterPlugin, Handle, PluginFactory, PreFilterPlugin, PreFilterResult, PreScorePlugin, ScorePlugin } from '../../framework/interfaces';
import { MAX_NODE_SCORE } from '../../framework/interfaces';
import type { NodeInfo } from '../../framework/node-info';
import { affinityTermMatches, type AffinityTerm, type PodInfo, type WeightedAffinityTerm } from '../../framework/pod-info';
import type { Snapshot } from '../../framework/snapshot';
import { Code, Status } from '../../framework/status';
import { PluginArgsError, argsObject } from '../helper/args';
import { PluginNames } from '../names';
import {
  mergeTermNamespaces,
  namespaceLabels,
  pairKey,
  podMatchesAllAffinityTerms,
  updateCount,
  updateWithAffinityTerms,
  updateWithAntiAffinityTerms,
  type TopologyCounts,
} from './common';

export const ERR_REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";
export const ERR_REASON_AFFINITY = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";

const rejectedAffinity = Status.constant(Code.UnschedulableAndUnresolvable, ERR_REASON_AFFINITY, PluginNames.InterPodAffinity);
const rejectedAnti = Status.constant(Code.Unschedulable, ERR_REASON_ANTI_AFFINITY, PluginNames.InterPodAffinity);
const rejectedExisting = Status.constant(Code.Unschedulable, ERR_REASON_EXISTING_ANTI_AFFINITY, PluginNames.InterPodAffinity);

/** InterPodAffinityArgs. */
export interface InterPodAffinityArgs {
  /** Score weight of an existing pod's required affinity term that the incoming pod matches (0-100, default 1). */
  hardPodAffinityWeight?: number;
  /** Skip existing pods' preferred terms when the incoming pod has no preferred terms of its own. */
  ignorePreferredTermsOfExistingPods?: boolean;
}

const PRE_FILTER_KEY = `PreFilter${PluginNames.InterPodAffinity}`;
const PRE_SCORE_KEY = `PreScore${PluginNames.InterPodAffinity}`;

class PreFilterState implements StateData {
  constructor(
    readonly pod: PodInfo,
    /** The incoming pod's required terms with namespace selectors resolved. */
    readonly affinityTerms: readonly AffinityTerm[],
    readonly antiAffinityTerms: readonly AffinityTerm[],
    readonly nsLabels: LabelSet,
    /** Pairs where existing pods' required anti-affinity terms match the incoming pod. */
    readonly existingAntiAffinityCounts: TopologyCounts,
    /** Pairs where existing pods match all the incoming pod's affinity terms. */
    readonly affinityCounts: TopologyCounts,
    /** Pairs where existing pods match one of the incoming pod's anti-affinity terms. */
    readonly antiAffinityCounts: TopologyCounts,
  ) {}

  clone(): StateData {
    return new PreFilterState(
      this.pod,
      this.affinityTerms,
      this.antiAffinityTerms,
      this.nsLabels,
      new Map(this.existingAntiAffinityCounts),
      new Map(this.affinityCounts),
      new Map(this.antiAffinityCounts),
    );
  }

  /** Counts `other` on `node` with `multiplier` 1 (added) or -1 (removed) (preFilterState.updateWithPod). */
  updateWithPod(other: PodInfo, node: NodeInfo, multiplier: number): void {
    updateWithAntiAffinityTerms(this.existingAntiAffinityCounts, other.requiredAntiAffinityTerms, this.pod.pod, this.nsLabels, node, multiplier);
    updateWithAffinityTerms(this.affinityCounts, this.affinityTerms, other.pod, node, multiplier);
    updateWithAntiAffinityTerms(this.antiAffinityCounts, this.antiAffinityTerms, other.pod, undefined, node, multiplier);
  }
}

type ScoreMap = Map<string, Map<string, number>>;

class PreScoreState implements StateData {
  constructor(readonly topologyScore: ScoreMap) {}
  clone(): StateData {
    return this;
  }
}

function addScore(scores: ScoreMap, term: AffinityTerm, weight: number, pod: PodInfo['pod'], nsLabels: LabelSet | undefined, node: NodeInfo, multiplier: number): void {
  if (!affinityTermMatches(term, pod, nsLabels)) return;
  const tv = node.labels[term.topologyKey];
  if (tv === undefined) return;
  let values = scores.get(term.topologyKey);
  if (values === undefined) scores.set(term.topologyKey, (values = new Map()));
  values.set(tv, (values.get(tv) ?? 0) + weight * multiplier);
}

/**
 * Inter-pod affinity and anti-affinity (interpodaffinity.InterPodAffinity). Filter: the node's topology
 * domain must hold pods matching all the incoming pod's required affinity terms (unless no pod
 * anywhere matches and the pod matches its own terms), none matching its required anti-affinity terms,
 * and no existing pod whose required anti-affinity the incoming pod would violate. Score: preferred
 * terms of both sides, and existing pods' required affinity (hardPodAffinityWeight), summed per
 * topology domain and scaled to 0-100.
 */
export class InterPodAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = PluginNames.InterPodAffinity;
  private readonly hardPodAffinityWeight: number;
  private readonly ignorePreferredTermsOfExistingPods: boolean;

  constructor(
    private readonly handle: Handle,
    rawArgs: unknown = {},
  ) {
    const args = argsObject(this.name, rawArgs) as InterPodAffinityArgs;
    const weight = args.hardPodAffinityWeight ?? 1;
    if (!Number.isInteger(weight) || weight < 0 || weight > 100) {
      throw new PluginArgsError(this.name, `hardPodAffinityWeight: Invalid value: ${weight}: not in valid range [0, 100]`);
    }
    this.hardPodAffinityWeight = weight;
    this.ignorePreferredTermsOfExistingPods = args.ignorePreferredTermsOfExistingPods === true;
  }

  preFilter(state: CycleState, pod: PodInfo, snapshot: Snapshot): PreFilterResult {
    if (pod.affinityParseError !== undefined) return Status.unresolvable(`parsing pod: ${pod.affinityParseError.message}`);
    const listers = this.handle.listers;
    const affinityTerms = pod.requiredAffinityTerms.map((t) => mergeTermNamespaces(t, listers));
    const antiAffinityTerms = pod.requiredAntiAffinityTerms.map((t) => mergeTermNamespaces(t, listers));
    const nsLabels = namespaceLabels(pod.namespace, listers);

    const existing: TopologyCounts = new Map();
    // Pods of one workload share their parsed terms: each distinct term is matched against this
    // pod once, however many existing pods carry it.
    const matched = new Map<AffinityTerm, boolean>();
    for (const ni of snapshot.havePodsWithRequiredAntiAffinity) {
      for (const other of ni.podsWithRequiredAntiAffinity) {
        for (const t of other.requiredAntiAffinityTerms) {
          let m = matched.get(t);
          if (m === undefined) matched.set(t, (m = affinityTermMatches(t, pod.pod, nsLabels)));
          if (m) updateCount(existing, ni, t.topologyKey, 1);
        }
      }
    }
    const affinityCounts: TopologyCounts = new Map();
    const antiAffinityCounts: TopologyCounts = new Map();
    if (affinityTerms.length > 0 || antiAffinityTerms.length > 0) {
      for (const ni of snapshot.nodeInfos) {
        for (const other of ni.pods) {
          updateWithAffinityTerms(affinityCounts, affinityTerms, other.pod, ni, 1);
          updateWithAntiAffinityTerms(antiAffinityCounts, antiAffinityTerms, other.pod, undefined, ni, 1);
        }
      }
    }
    if (existing.size === 0 && affinityTerms.length === 0 && antiAffinityTerms.length === 0) return Status.skip();
    state.write(PRE_FILTER_KEY, new PreFilterState(pod, affinityTerms, antiAffinityTerms, nsLabels, existing, affinityCounts, antiAffinityCounts));
    return undefined;
  }

  addPod(state: CycleState, _pod: PodInfo, podToAdd: PodInfo, nodeInfo: NodeInfo): Status | undefined {
    const s = state.read<PreFilterState>(PRE_FILTER_KEY);
    if (s === undefined) return Status.error(new Error(`reading ${JSON.stringify(PRE_FILTER_KEY)} from cycleState: not found`));
    s.updateWithPod(podToAdd, nodeInfo, 1);
    return undefined;
  }

  removePod(state: CycleState, _pod: PodInfo, podToRemove: PodInfo, nodeInfo: NodeInfo): Status | undefined {
    const s = state.read<PreFilterState>(PRE_FILTER_KEY);
    if (s === undefined) return Status.error(new Error(`reading ${JSON.stringify(PRE_FILTER_KEY)} from cycleState: not found`));
    s.updateWithPod(podToRemove, nodeInfo, -1);
    return undefined;
  }

  filter(state: CycleState, _pod: PodInfo, nodeInfo: NodeInfo): Status | undefined {
    const s = state.read<PreFilterState>(PRE_FILTER_KEY);
    if (s === undefined) return Status.error(new Error(`reading ${JSON.stringify(PRE_FILTER_KEY)} from cycleState: not found`));
    if (!satisfyPodAffinity(s, nodeInfo)) return rejectedAffinity;
    if (!satisfyPodAntiAffinity(s, nodeInfo)) return rejectedAnti;
    if (!satisfyExistingPodsAntiAffinity(s, nodeInfo)) return rejectedExisting;
    return undefined;
  }

  preScore(state: CycleState, pod: PodInfo, _nodes: readonly NodeInfo[], snapshot: Snapshot): Status | undefined {
    const hasConstraints = pod.preferredAffinityTerms.length > 0 || pod.preferredAntiAffinityTerms.length > 0;
    if (this.ignorePreferredTermsOfExistingPods && !hasConstraints) return Status.skip();
    const listers = this.handle.listers;
    const preferredAffinity: readonly WeightedAffinityTerm[] = pod.preferredAffinityTerms.map((t) => mergeTermNamespaces(t, listers));
    const preferredAnti: readonly WeightedAffinityTerm[] = pod.preferredAntiAffinityTerms.map((t) => mergeTermNamespaces(t, listers));
    const nsLabels = namespaceLabels(pod.namespace, listers);
    const scores: ScoreMap = new Map();
    // Unless the incoming pod has preferences of its own, only pods with affinity can contribute.
    const nodes = hasConstraints ? snapshot.nodeInfos : snapshot.havePodsWithAffinity;
    for (const ni of nodes) {
      if (!hasLabels(ni)) continue;
      const pods = hasConstraints ? ni.pods : ni.podsWithAffinity;
      for (const existing of pods) {
        for (const t of preferredAffinity) addScore(scores, t, t.weight, existing.pod, undefined, ni, 1);
        for (const t of preferredAnti) addScore(scores, t, t.weight, existing.pod, undefined, ni, -1);
        if (this.hardPodAffinityWeight > 0) {
          for (const t of existing.requiredAffinityTerms) addScore(scores, t, this.hardPodAffinityWeight, pod.pod, nsLabels, ni, 1);
        }
        for (const t of existing.preferredAffinityTerms) addScore(scores, t, t.weight, pod.pod, nsLabels, ni, 1);
        for (const t of existing.preferredAntiAffinityTerms) addScore(scores, t, t.weight, pod.pod, nsLabels, ni, -1);
      }
    }
    if (scores.size === 0) return Status.skip();
    state.write(PRE_SCORE_KEY, new PreScoreState(scores));
    return undefined;
  }

  /** The summed term weights of every topology domain the node belongs to; may be negative before normalization. */
  score(state: CycleState, _pod: PodInfo, nodeInfo: NodeInfo): number {
    const s = state.read<PreScoreState>(PRE_SCORE_KEY);
    if (s === undefined) return 0;
    let score = 0;
    for (const [key, values] of s.topologyScore) {
      const v = nodeInfo.labels[key];
      if (v !== undefined) score += values.get(v) ?? 0;
    }
    return score;
  }

  /** Maps the lowest raw score to 0 and the highest to 100. */
  normalizeScore(state: CycleState, _pod: PodInfo, _nodes: readonly NodeInfo[], scores: number[]): Status | undefined {
    const s = state.read<PreScoreState>(PRE_SCORE_KEY);
    if (s === undefined || s.topologyScore.size === 0) return undefined;
    let min = Infinity;
    let max = -Infinity;
    for (const v of scores) {
      if (v > max) max = v;
      if (v < min) min = v;
    }
    const diff = max - min;
    for (let i = 0; i < scores.length; i++) scores[i] = diff > 0 ? Math.trunc(MAX_NODE_SCORE * ((scores[i]! - min) / diff)) : 0;
    return undefined;
  }
}

function hasLabels(node: NodeInfo): boolean {
  for (const _ in node.labels) return true;
  return false;
}

function satisfyPodAffinity(s: PreFilterState, node: NodeInfo): boolean {
  let podsExist = true;
  for (const term of s.affinityTerms) {
    const tv = node.labels[term.topologyKey];
    // Every topology key of the affinity terms must be present on the node.
    if (tv === undefined) return false;
    if ((s.affinityCounts.get(pairKey(term.topologyKey, tv)) ?? 0) <= 0) podsExist = false;
  }
  if (podsExist) return true;
  // The first pod of a group with affinity to itself: allowed when no pod anywhere matches yet.
  return s.affinityCounts.size === 0 && podMatchesAllAffinityTerms(s.affinityTerms, s.pod.pod);
}

function satisfyPodAntiAffinity(s: PreFilterState, node: NodeInfo): boolean {
  if (s.antiAffinityCounts.size === 0) return true;
  for (const term of s.antiAffinityTerms) {
    const tv = node.labels[term.topologyKey];
    if (tv !== undefined && (s.antiAffinityCounts.get(pairKey(term.topologyKey, tv)) ?? 0) > 0) return false;
  }
  return true;
}

function satisfyExistingPodsAntiAffinity(s: PreFilterState, node: NodeInfo): boolean {
  if (s.existingAntiAffinityCounts.size === 0) return true;
  for (const key in node.labels) {
    if ((s.existingAntiAffinityCounts.get(pairKey(key, node.labels[key]!)) ?? 0) > 0) return false;
  }
  return true;
}

export const newInterPodAffinity: PluginFactory = (args, handle) => new InterPodAffinity(handle, args);
