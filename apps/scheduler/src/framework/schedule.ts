import type { corev1 } from '@tskube/api-types';
import type { CycleState } from './cycle-state';
import type { PostFilterResult } from './interfaces';
import type { NodeInfo } from './node-info';
import { NodeToStatus } from './node-to-status';
import { toPodInfo, type PodInfo } from './pod-info';
import type { Profile } from './profile';
import type { Snapshot } from './snapshot';
import { Code, Status } from './status';

/** What went wrong for each node in a failed cycle (framework.Diagnosis). */
export interface Diagnosis {
  readonly nodeToStatus: NodeToStatus;
  /** Plugins that rejected the pod somewhere: the queue moves it back on events these care about. */
  readonly unschedulablePlugins: Set<string>;
  /** The message of a PreFilter rejection, '' when PreFilter passed. */
  preFilterMsg: string;
  /** The PostFilter (preemption) message, '' when none or when it succeeded. */
  postFilterMsg: string;
}

const fitErrorBrand = Symbol.for('tskube.scheduler.FitError');

/**
 * No node fits the pod (framework.FitError). `message` is Kubernetes' FailedScheduling text:
 * `0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {k: v}. preemption: ...`.
 */
export class FitError extends Error {
  override readonly name = 'FitError';
  readonly pod: corev1.Pod;
  readonly numAllNodes: number;
  readonly diagnosis: Diagnosis;
  /** What PostFilter (preemption) decided: the nominated node and victims; undefined when nothing ran. */
  readonly postFilterResult: PostFilterResult | undefined;

  constructor(pod: corev1.Pod, numAllNodes: number, diagnosis: Diagnosis, postFilterResult?: PostFilterResult) {
    super(fitErrorMessage(numAllNodes, diagnosis));
    this.pod = pod;
    this.numAllNodes = numAllNodes;
    this.diagnosis = diagnosis;
    this.postFilterResult = postFilterResult;
    Object.defineProperty(this, fitErrorBrand, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[fitErrorBrand] === true;
  }
}

/**
 * FitError.Error(): `0/N nodes are available:`, then the PreFilter message, or else each Filter reason
 * counted over the nodes (absent nodes count with the absent status) and sorted as strings, then the
 * PostFilter message.
 */
export function fitErrorMessage(numAllNodes: number, diagnosis: Diagnosis): string {
  let msg = `0/${numAllNodes} nodes are available:`;
  if (diagnosis.preFilterMsg !== '') {
    msg += ` ${diagnosis.preFilterMsg}.`;
  } else {
    const counts = new Map<string, number>();
    const statuses = diagnosis.nodeToStatus;
    for (const [, status] of statuses.entries()) for (const r of status.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
    const absent = numAllNodes - statuses.size;
    if (absent > 0) for (const r of statuses.absentNodesStatus.reasons) counts.set(r, (counts.get(r) ?? 0) + absent);
    const parts = [...counts].map(([reason, n]) => `${n} ${reason}`).sort();
    if (parts.length > 0) msg += ` ${parts.join(', ')}.`;
  }
  if (diagnosis.postFilterMsg !== '') msg += ` ${diagnosis.postFilterMsg}`;
  return msg;
}

const noNodesBrand = Symbol.for('tskube.scheduler.NoNodesAvailableError');

/** The snapshot has no nodes at all (ErrNoNodesAvailable); the pod is retried after backoff. */
export class NoNodesAvailableError extends Error {
  override readonly name = 'NoNodesAvailableError';

  constructor() {
    super('no nodes available to schedule pods');
    Object.defineProperty(this, noNodesBrand, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[noNodesBrand] === true;
  }
}

/** A feasible node's weighted total score. */
export interface NodeScore {
  readonly name: string;
  readonly score: number;
}

export interface ScheduleResult {
  /** The chosen node. */
  readonly node: string;
  /** Nodes Filter looked at (feasible ones plus rejected ones). */
  readonly evaluatedNodes: number;
  /** Nodes that passed Filter (and were then scored). */
  readonly feasibleNodes: number;
  /** Weighted totals of the feasible nodes; empty when a single node was feasible and nothing was scored. */
  readonly scores: readonly NodeScore[];
  /** Where the next cycle should start walking nodes (round-robin over the snapshot). */
  readonly nextStartNodeIndex: number;
}

export interface ScheduleOptions {
  /** Tie-breaker among top-scored nodes; the profile's rng by default. */
  rng?: () => number;
  /** Index of the snapshot node where Filter starts (kube-scheduler's nextStartNodeIndex); 0 by default. */
  startNodeIndex?: number;
}

const MIN_FEASIBLE_NODES_TO_FIND = 100;
const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

/**
 * How many feasible nodes to find before scoring (numFeasibleNodesToFind): every node below 100;
 * otherwise the configured percentage, or 50% minus 1% per 125 nodes (at least 5%) when it is 0,
 * and never fewer than 100.
 */
export function numFeasibleNodesToFind(percentageOfNodesToScore: number, numAllNodes: number): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let percentage = percentageOfNodesToScore;
  if (percentage === 0) {
    percentage = 50 - Math.trunc(numAllNodes / 125);
    if (percentage < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND) percentage = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND;
  }
  const n = Math.trunc((numAllNodes * percentage) / 100);
  return n < MIN_FEASIBLE_NODES_TO_FIND ? MIN_FEASIBLE_NODES_TO_FIND : n;
}

/**
 * One scheduling attempt for `pod` against `snapshot` with `profile` (schedulePod and its callers in
 * kube-scheduler's schedule_one.go), with no side effects besides `state`:
 *
 * 1. PreFilter (a rejection there rejects every node);
 * 2. the nominated node first, if the pod has one and it passes Filter;
 * 3. Filter over the nodes from `startNodeIndex`, stopping once enough feasible nodes are found
 *    (percentageOfNodesToScore), recording each rejected node's status;
 * 4. with no feasible node, PostFilter (preemption) and a FitError carrying its result;
 * 5. otherwise PreScore, Score, NormalizeScore and weights, and the highest total wins, ties broken
 *    at random.
 *
 * Throws NoNodesAvailableError for an empty snapshot and PluginError when a plugin fails internally.
 */
export function schedulePod(
  profile: Profile,
  state: CycleState,
  pod: corev1.Pod | PodInfo,
  snapshot: Snapshot,
  options: ScheduleOptions = {},
): ScheduleResult | FitError {
  const podInfo = toPodInfo(pod);
  const numAllNodes = snapshot.size;
  if (numAllNodes === 0) throw new NoNodesAvailableError();
  const rng = options.rng ?? profile.handle.rng;
  let startIndex = options.startNodeIndex ?? 0;
  if (!(startIndex >= 0 && startIndex < numAllNodes)) startIndex = 0;

  const diagnosis: Diagnosis = { nodeToStatus: new NodeToStatus(), unschedulablePlugins: new Set(), preFilterMsg: '', postFilterMsg: '' };
  let feasible: NodeInfo[] = [];
  let nextStartNodeIndex = startIndex;

  const pre = profile.runPreFilterPlugins(state, podInfo, snapshot);
  for (const p of pre.plugins) diagnosis.unschedulablePlugins.add(p);
  if (pre.status !== undefined) {
    // A PreFilter rejection applies to every node, so preemption sees the same verdict everywhere.
    diagnosis.nodeToStatus.absentNodesStatus = pre.status;
    diagnosis.preFilterMsg = pre.status.message();
  } else {
    const nominated = podInfo.pod.status?.nominatedNodeName;
    if (nominated !== undefined && nominated !== '') {
      const ni = snapshot.get(nominated);
      if (ni !== undefined && (pre.nodeNames === undefined || pre.nodeNames.has(nominated))) {
        if (profile.runFilterPluginsWithNominatedPods(state, podInfo, ni) === undefined) feasible = [ni];
      }
    }
    if (feasible.length === 0) {
      let nodes: readonly NodeInfo[] = snapshot.nodeInfos;
      if (pre.nodeNames !== undefined) {
        const restricted: NodeInfo[] = [];
        for (const name of pre.nodeNames) {
          const ni = snapshot.get(name);
          if (ni !== undefined) restricted.push(ni);
        }
        nodes = restricted;
        const plugins = [...pre.plugins].sort();
        diagnosis.nodeToStatus.absentNodesStatus = new Status(Code.UnschedulableAndUnresolvable, [`node(s) didn't satisfy plugin(s) [${plugins.join(' ')}]`]);
      }
      const found = findNodesThatPassFilters(profile, state, podInfo, nodes, startIndex, diagnosis);
      feasible = found.feasible;
      if (pre.nodeNames === undefined) nextStartNodeIndex = found.nextStartNodeIndex;
    }
  }

  if (feasible.length === 0) {
    let postFilterResult: PostFilterResult | undefined;
    if (profile.hasPostFilterPlugins()) {
      const out = profile.runPostFilterPlugins(state, podInfo, snapshot, diagnosis.nodeToStatus);
      diagnosis.postFilterMsg = out.status.message();
      postFilterResult = out.result;
    }
    return new FitError(podInfo.pod, numAllNodes, diagnosis, postFilterResult);
  }

  const evaluatedNodes = feasible.length + diagnosis.nodeToStatus.size;
  if (feasible.length === 1) {
    return { node: feasible[0]!.name, evaluatedNodes, feasibleNodes: 1, scores: [], nextStartNodeIndex };
  }

  if (profile.hasScorePlugins()) profile.runPreScorePlugins(state, podInfo, feasible, snapshot);
  const totals = profile.hasScorePlugins() ? profile.runScorePlugins(state, podInfo, feasible) : new Array<number>(feasible.length).fill(1);

  // Reservoir sampling over the nodes sharing the top score: each is chosen with equal probability.
  let best = 0;
  let ties = 1;
  for (let i = 1; i < totals.length; i++) {
    if (totals[i]! > totals[best]!) {
      best = i;
      ties = 1;
    } else if (totals[i] === totals[best]) {
      ties++;
      if (Math.floor(rng() * ties) === 0) best = i;
    }
  }
  return {
    node: feasible[best]!.name,
    evaluatedNodes,
    feasibleNodes: feasible.length,
    // Built on demand: the scheduling loop only needs the winner.
    get scores() {
      return feasible.map((ni, i) => ({ name: ni.name, score: totals[i]! }));
    },
    nextStartNodeIndex,
  };
}

function findNodesThatPassFilters(
  profile: Profile,
  state: CycleState,
  pod: PodInfo,
  nodes: readonly NodeInfo[],
  startIndex: number,
  diagnosis: Diagnosis,
): { feasible: NodeInfo[]; nextStartNodeIndex: number } {
  const numAllNodes = nodes.length;
  if (numAllNodes === 0) return { feasible: [], nextStartNodeIndex: startIndex };
  const toFind = numFeasibleNodesToFind(profile.percentageOfNodesToScore, numAllNodes);
  const start = startIndex < numAllNodes ? startIndex : 0;
  const feasible: NodeInfo[] = [];
  if (!profile.hasFilterPlugins()) {
    for (let i = 0; i < toFind; i++) feasible.push(nodes[(start + i) % numAllNodes]!);
    return { feasible, nextStartNodeIndex: start };
  }
  let processed = 0;
  for (let i = 0; i < numAllNodes && feasible.length < toFind; i++) {
    const ni = nodes[(start + i) % numAllNodes]!;
    processed++;
    const status = profile.runFilterPluginsWithNominatedPods(state, pod, ni);
    if (status === undefined) {
      feasible.push(ni);
    } else {
      diagnosis.nodeToStatus.set(ni.name, status);
      if (status.plugin !== undefined) diagnosis.unschedulablePlugins.add(status.plugin);
    }
  }
  return { feasible, nextStartNodeIndex: (start + processed) % numAllNodes };
}
