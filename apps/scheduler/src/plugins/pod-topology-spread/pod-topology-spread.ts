import type { corev1 } from '@tskube/api-types';
import type { CycleState, StateData } from '../../framework/cycle-state';
import type { FilterPlugin, Handle, PluginFactory, PreFilterPlugin, PreFilterResult, PreScorePlugin, ScorePlugin } from '../../framework/interfaces';
import { MAX_NODE_SCORE } from '../../framework/interfaces';
import type { NodeInfo } from '../../framework/node-info';
import type { PodInfo } from '../../framework/pod-info';
import type { Snapshot } from '../../framework/snapshot';
import { Code, Status } from '../../framework/status';
import { PluginArgsError, argsObject } from '../helper/args';
import { PluginNames } from '../names';
import {
  LABEL_HOSTNAME,
  SYSTEM_DEFAULT_CONSTRAINTS,
  countPodsMatchSelector,
  matchNodeInclusionPolicies,
  nodeHasAllTopologyKeys,
  podConstraints,
  type SpreadConstraint,
} from './common';

export const ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_NODE_LABEL_NOT_MATCH = `${ERR_REASON_CONSTRAINTS_NOT_MATCH} (missing required label)`;

const rejectedSkew = Status.constant(Code.Unschedulable, ERR_REASON_CONSTRAINTS_NOT_MATCH, PluginNames.PodTopologySpread);
const rejectedLabel = Status.constant(Code.UnschedulableAndUnresolvable, ERR_REASON_NODE_LABEL_NOT_MATCH, PluginNames.PodTopologySpread);

/** PodTopologySpreadArgs. */
export interface PodTopologySpreadArgs {
  /** Constraints for pods that declare none; only with defaultingType List. No labelSelector allowed. */
  defaultConstraints?: corev1.TopologySpreadConstraint[];
  /** System (default): hostname skew 3 and zone skew 5, ScheduleAnyway. List: `defaultConstraints`. */
  defaultingType?: 'System' | 'List';
}

const PRE_FILTER_KEY = `PreFilter${PluginNames.PodTopologySpread}`;
const PRE_SCORE_KEY = `PreScore${PluginNames.PodTopologySpread}`;

/**
 * The two smallest match counts among a constraint's domains (criticalPaths): [0] always holds the
 * global minimum; [1] is only an upper bound of the second, which is all updates need.
 */
class CriticalPaths {
  constructor(
    public v0 = '',
    public n0 = Number.MAX_SAFE_INTEGER,
    public v1 = '',
    public n1 = Number.MAX_SAFE_INTEGER,
  ) {}

  update(value: string, num: number): void {
    if (value === this.v0 || value === this.v1) {
      if (value === this.v0) this.n0 = num;
      else this.n1 = num;
      if (this.n0 > this.n1) {
        [this.v0, this.n0, this.v1, this.n1] = [this.v1, this.n1, this.v0, this.n0];
      }
    } else if (num < this.n0) {
      this.v1 = this.v0;
      this.n1 = this.n0;
      this.v0 = value;
      this.n0 = num;
    } else if (num < this.n1) {
      this.v1 = value;
      this.n1 = num;
    }
  }

  clone(): CriticalPaths {
    return new CriticalPaths(this.v0, this.n0, this.v1, this.n1);
  }
}

class PreFilterState implements StateData {
  constructor(
    readonly constraints: readonly SpreadConstraint[],
    /** Per constraint: matching pods per topology value, over eligible domains. */
    readonly matchNum: Map<string, number>[],
    readonly paths: CriticalPaths[],
  ) {}

  clone(): StateData {
    return new PreFilterState(
      this.constraints,
      this.matchNum.map((m) => new Map(m)),
      this.paths.map((p) => p.clone()),
    );
  }

  /** The global minimum, 0 while fewer domains than minDomains exist. */
  minMatchNum(i: number, minDomains: number): number {
    return this.matchNum[i]!.size < minDomains ? 0 : this.paths[i]!.n0;
  }
}

class PreScoreState implements StateData {
  constructor(
    readonly constraints: readonly SpreadConstraint[],
    /** Nodes lacking a required topology key: scored 0. */
    readonly ignoredNodes: ReadonlySet<string>,
    /** Per constraint: matching pods per topology value (hostname constraints are counted per node in Score). */
    readonly podCounts: Map<string, number>[],
    readonly weights: readonly number[],
  ) {}
  clone(): StateData {
    return this;
  }
}

/**
 * topologySpreadConstraints (podtopologyspread.PodTopologySpread). Filter (DoNotSchedule): placing
 * the pod in the node's domain must keep `matching pods + self - global minimum <= maxSkew`, where
 * the minimum is 0 while fewer than minDomains domains exist; nodes without the topology key are
 * rejected as unresolvable. Score (ScheduleAnyway): fewer matching pods in the node's domains scores
 * higher. Pods without constraints get the cluster defaults when they belong to a Service or
 * controller.
 */
export class PodTopologySpread implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = PluginNames.PodTopologySpread;
  private readonly defaultConstraints: readonly corev1.TopologySpreadConstraint[];
  private readonly systemDefaulted: boolean;

  constructor(
    private readonly handle: Handle,
    rawArgs: unknown = {},
  ) {
    const args = argsObject(this.name, rawArgs) as PodTopologySpreadArgs;
    const type = args.defaultingType ?? 'System';
    const given = args.defaultConstraints ?? [];
    if (type === 'System') {
      if (given.length > 0) throw new PluginArgsError(this.name, 'defaultConstraints: Invalid value: when .defaultingType is "System", .defaultConstraints must be empty');
      this.defaultConstraints = SYSTEM_DEFAULT_CONSTRAINTS;
    } else if (type === 'List') {
      given.forEach((c, i) => {
        if (c.labelSelector != null) throw new PluginArgsError(this.name, `defaultConstraints[${i}].labelSelector: Forbidden: constraint must not define a selector, as they deduced for each pod`);
        if (!Number.isInteger(c.maxSkew) || c.maxSkew <= 0) throw new PluginArgsError(this.name, `defaultConstraints[${i}].maxSkew: Invalid value: ${c.maxSkew}: not in valid range (0, inf)`);
        if (c.whenUnsatisfiable !== 'DoNotSchedule' && c.whenUnsatisfiable !== 'ScheduleAnyway') {
          throw new PluginArgsError(this.name, `defaultConstraints[${i}].whenUnsatisfiable: Unsupported value: ${JSON.stringify(c.whenUnsatisfiable)}`);
        }
      });
      this.defaultConstraints = given;
    } else {
      throw new PluginArgsError(this.name, `defaultingType: Unsupported value: ${JSON.stringify(type)}: supported values: "List", "System"`);
    }
    this.systemDefaulted = type === 'System';
  }

  preFilter(state: CycleState, pod: PodInfo, snapshot: Snapshot): PreFilterResult {
    let constraints: SpreadConstraint[];
    try {
      constraints = podConstraints(pod, 'DoNotSchedule', this.defaultConstraints, this.handle.listers);
    } catch (err) {
      return Status.error(err);
    }
    if (constraints.length === 0) return Status.skip();
    const matchNum = constraints.map(() => new Map<string, number>());
    for (const ni of snapshot.nodeInfos) {
      if (!nodeHasAllTopologyKeys(ni, constraints)) continue;
      for (let i = 0; i < constraints.length; i++) {
        const c = constraints[i]!;
        if (!matchNodeInclusionPolicies(c, pod, ni)) continue;
        const value = ni.labels[c.topologyKey]!;
        const count = countPodsMatchSelector(ni.pods, c.selector, pod.namespace);
        matchNum[i]!.set(value, (matchNum[i]!.get(value) ?? 0) + count);
      }
    }
    const paths = matchNum.map((m) => {
      const p = new CriticalPaths();
      for (const [value, num] of m) p.update(value, num);
      return p;
    });
    state.write(PRE_FILTER_KEY, new PreFilterState(constraints, matchNum, paths));
    return undefined;
  }

  addPod(state: CycleState, pod: PodInfo, podToAdd: PodInfo, nodeInfo: NodeInfo): Status | undefined {
    return this.updateWithPod(state, pod, podToAdd, nodeInfo, 1);
  }

  removePod(state: CycleState, pod: PodInfo, podToRemove: PodInfo, nodeInfo: NodeInfo): Status | undefined {
    return this.updateWithPod(state, pod, podToRemove, nodeInfo, -1);
  }

  private updateWithPod(state: CycleState, pod: PodInfo, other: PodInfo, node: NodeInfo, delta: number): Status | undefined {
    const s = state.read<PreFilterState>(PRE_FILTER_KEY);
    if (s === undefined) return Status.error(new Error(`reading ${JSON.stringify(PRE_FILTER_KEY)} from cycleState: not found`));
    if (other.namespace !== pod.namespace || !nodeHasAllTopologyKeys(node, s.constraints)) return undefined;
    const labels = other.pod.metadata?.labels;
    s.constraints.forEach((c, i) => {
      if (!c.selector.matches(labels) || !matchNodeInclusionPolicies(c, pod, node)) return;
      const value = node.labels[c.topologyKey]!;
      const n = (s.matchNum[i]!.get(value) ?? 0) + delta;
      s.matchNum[i]!.set(value, n);
      s.paths[i]!.update(value, n);
    });
    return undefined;
  }

  filter(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status | undefined {
    const s = state.read<PreFilterState>(PRE_FILTER_KEY);
    if (s === undefined) return Status.error(new Error(`reading ${JSON.stringify(PRE_FILTER_KEY)} from cycleState: not found`));
    const podLabels = pod.pod.metadata?.labels;
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i]!;
      const value = nodeInfo.labels[c.topologyKey];
      if (value === undefined) return rejectedLabel;
      const self = c.selector.matches(podLabels) ? 1 : 0;
      const skew = (s.matchNum[i]!.get(value) ?? 0) + self - s.minMatchNum(i, c.minDomains);
      if (skew > c.maxSkew) return rejectedSkew;
    }
    return undefined;
  }

  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], snapshot: Snapshot): Status | undefined {
    if (snapshot.size === 0) return Status.skip();
    let constraints: SpreadConstraint[];
    try {
      constraints = podConstraints(pod, 'ScheduleAnyway', this.defaultConstraints, this.handle.listers);
    } catch (err) {
      return Status.error(err);
    }
    if (constraints.length === 0) return Status.skip();
    // The system defaults tolerate nodes without a zone label so that hostname spreading still works.
    const requireAll = (pod.pod.spec?.topologySpreadConstraints?.length ?? 0) > 0 || !this.systemDefaulted;
    const ignored = new Set<string>();
    const podCounts = constraints.map(() => new Map<string, number>());
    for (const ni of nodes) {
      if (requireAll && !nodeHasAllTopologyKeys(ni, constraints)) {
        ignored.add(ni.name);
        continue;
      }
      constraints.forEach((c, i) => {
        if (c.topologyKey === LABEL_HOSTNAME) return;
        const value = ni.labels[c.topologyKey] ?? '';
        if (!podCounts[i]!.has(value)) podCounts[i]!.set(value, 0);
      });
    }
    const weights = constraints.map((c, i) => {
      const size = c.topologyKey === LABEL_HOSTNAME ? nodes.length - ignored.size : podCounts[i]!.size;
      return Math.log(size + 2);
    });
    for (const ni of snapshot.nodeInfos) {
      if (requireAll && !nodeHasAllTopologyKeys(ni, constraints)) continue;
      constraints.forEach((c, i) => {
        if (!matchNodeInclusionPolicies(c, pod, ni)) return;
        const value = ni.labels[c.topologyKey] ?? '';
        const current = podCounts[i]!.get(value);
        // Domains with no candidate node need no count; hostname counts are taken in Score.
        if (current === undefined) return;
        podCounts[i]!.set(value, current + countPodsMatchSelector(ni.pods, c.selector, pod.namespace));
      });
    }
    state.write(PRE_SCORE_KEY, new PreScoreState(constraints, ignored, podCounts, weights));
    return undefined;
  }

  /** Sum over constraints of count * log(domains + 2) + maxSkew - 1; normalization inverts it. */
  score(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): number {
    const s = state.read<PreScoreState>(PRE_SCORE_KEY);
    if (s === undefined || s.ignoredNodes.has(nodeInfo.name)) return 0;
    let score = 0;
    s.constraints.forEach((c, i) => {
      const value = nodeInfo.labels[c.topologyKey];
      if (value === undefined) return;
      const count = c.topologyKey === LABEL_HOSTNAME ? countPodsMatchSelector(nodeInfo.pods, c.selector, pod.namespace) : (s.podCounts[i]!.get(value) ?? 0);
      score += count * s.weights[i]! + (c.maxSkew - 1);
    });
    return Math.round(score);
  }

  /** Fewest matching pods scores 100; ignored nodes score 0. */
  normalizeScore(state: CycleState, _pod: PodInfo, nodes: readonly NodeInfo[], scores: number[]): Status | undefined {
    const s = state.read<PreScoreState>(PRE_SCORE_KEY);
    if (s === undefined) return undefined;
    let min = Number.MAX_SAFE_INTEGER;
    let max = 0;
    for (let i = 0; i < scores.length; i++) {
      if (s.ignoredNodes.has(nodes[i]!.name)) continue;
      const v = scores[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    for (let i = 0; i < scores.length; i++) {
      if (s.ignoredNodes.has(nodes[i]!.name)) {
        scores[i] = 0;
      } else if (max === 0) {
        scores[i] = MAX_NODE_SCORE;
      } else {
        scores[i] = Math.trunc((MAX_NODE_SCORE * (max + min - scores[i]!)) / max);
      }
    }
    return undefined;
  }
}

export const newPodTopologySpread: PluginFactory = (args, handle) => new PodTopologySpread(handle, args);
