import type { corev1, policyv1 } from '@tskube/api-types';
import { labelSelectorAsSelector } from '@tskube/api-types';
import type { CycleState } from '../../framework/cycle-state';
import type { Handle, PluginFactory, PostFilterOutput, PostFilterPlugin } from '../../framework/interfaces';
import type { NodeInfo } from '../../framework/node-info';
import { NodeToStatus } from '../../framework/node-to-status';
import { podStartTime, type PodInfo } from '../../framework/pod-info';
import { fitErrorMessage } from '../../framework/schedule';
import type { Snapshot } from '../../framework/snapshot';
import { Code, Status } from '../../framework/status';
import { PluginArgsError, argsObject } from '../helper/args';
import { PluginNames } from '../names';

/** DefaultPreemptionArgs. */
export interface DefaultPreemptionArgs {
  /** Share of potential nodes to dry-run before choosing (0-100, default 10). */
  minCandidateNodesPercentage?: number;
  /** At least this many candidates are looked for (default 100). */
  minCandidateNodesAbsolute?: number;
}

export const MSG_NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const MSG_NO_VICTIMS = 'No preemption victims found for incoming pod';
export const MSG_POLICY_NEVER = 'not eligible due to preemptionPolicy=Never.';
export const MSG_TERMINATING_ON_NOMINATED = 'not eligible due to a terminating pod on the nominated node.';

/** A node where evicting `victims` (most important first) would let the pod fit. */
export interface Candidate {
  readonly nodeName: string;
  readonly victims: readonly PodInfo[];
  /** Victims whose eviction breaks a PodDisruptionBudget. */
  readonly numPDBViolations: number;
}

/** Higher priority first, then the earlier started (util.MoreImportantPod). */
export function moreImportantPod(a: PodInfo, b: PodInfo): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  return podStartTime(a.pod) < podStartTime(b.pod);
}

const byImportance = (a: PodInfo, b: PodInfo): number => (moreImportantPod(a, b) ? -1 : moreImportantPod(b, a) ? 1 : 0);

/** Being deleted by an earlier preemption: deletionTimestamp set and DisruptionTarget=True for PreemptionByScheduler. */
function terminatingByPreemption(pod: corev1.Pod): boolean {
  if (pod.metadata?.deletionTimestamp === undefined) return false;
  const c = pod.status?.conditions?.find((x) => x.type === 'DisruptionTarget');
  return c !== undefined && c.status === 'True' && c.reason === 'PreemptionByScheduler';
}

/**
 * Splits victims (kept in order) into those whose eviction would exceed a matching PDB's
 * disruptionsAllowed and the others (filterPodsWithPDBViolation). Pods already listed in a PDB's
 * disruptedPods do not spend its budget.
 */
export function filterPodsWithPDBViolation(pods: readonly PodInfo[], pdbs: readonly policyv1.PodDisruptionBudget[]): { violating: PodInfo[]; nonViolating: PodInfo[] } {
  const allowed = pdbs.map((p) => p.status?.disruptionsAllowed ?? 0);
  const selectors = pdbs.map((p) => {
    try {
      return labelSelectorAsSelector(p.spec?.selector);
    } catch {
      return undefined;
    }
  });
  const violating: PodInfo[] = [];
  const nonViolating: PodInfo[] = [];
  for (const pi of pods) {
    const labels = pi.pod.metadata?.labels;
    let violated = false;
    if (labels !== undefined && Object.keys(labels).length > 0) {
      pdbs.forEach((pdb, i) => {
        const sel = selectors[i];
        if ((pdb.metadata?.namespace ?? '') !== pi.namespace || sel === undefined) return;
        // A nil or empty selector matches nothing here.
        if (sel.empty() || !sel.matches(labels)) return;
        if (pdb.status?.disruptedPods !== undefined && Object.hasOwn(pdb.status.disruptedPods, pi.pod.metadata?.name ?? '')) return;
        allowed[i]!--;
        if (allowed[i]! < 0) violated = true;
      });
    }
    (violated ? violating : nonViolating).push(pi);
  }
  return { violating, nonViolating };
}

/**
 * Picks among candidates (pickOneNodeForPreemption): fewest PDB violations, then the lowest
 * highest-victim priority, the smallest priority sum, the fewest victims, the latest start among the
 * highest-priority victims, and finally the first.
 */
export function pickOneNodeForPreemption(candidates: readonly Candidate[]): Candidate | undefined {
  if (candidates.length === 0) return undefined;
  const earliestStartOfTopVictims = (c: Candidate): number => {
    const top = c.victims[0]!.priority;
    let earliest = Number.MAX_SAFE_INTEGER;
    for (const v of c.victims) if (v.priority === top) earliest = Math.min(earliest, podStartTime(v.pod));
    return earliest;
  };
  const criteria: ((c: Candidate) => number)[] = [
    (c) => -c.numPDBViolations,
    (c) => -c.victims[0]!.priority,
    // Offset each priority by 2^31 so that negative priorities cannot make more victims look cheaper.
    (c) => -c.victims.reduce((sum, v) => sum + v.priority + 2147483648, 0),
    (c) => -c.victims.length,
    earliestStartOfTopVictims,
  ];
  let remaining = [...candidates];
  for (const score of criteria) {
    let best = -Infinity;
    let selected: Candidate[] = [];
    for (const c of remaining) {
      const s = score(c);
      if (s > best) {
        best = s;
        selected = [c];
      } else if (s === best) {
        selected.push(c);
      }
    }
    if (selected.length === 1) return selected[0];
    remaining = selected;
  }
  return remaining[0];
}

/**
 * Preemption (defaultpreemption.DefaultPreemption), run when no node fits. On nodes where Filter did
 * not say UnschedulableAndUnresolvable it dry-runs removing every lower-priority pod and then
 * reprieving as many as still let the pod fit (PDB-violating ones first, most important first),
 * picks the best candidate node, and reports it with its victims. Evicting the victims, clearing the
 * lower-priority nominations and setting the pod's nominatedNodeName are left to the caller.
 */
export class DefaultPreemption implements PostFilterPlugin {
  readonly name = PluginNames.DefaultPreemption;
  readonly minCandidateNodesPercentage: number;
  readonly minCandidateNodesAbsolute: number;

  constructor(
    private readonly handle: Handle,
    rawArgs: unknown = {},
  ) {
    const args = argsObject(this.name, rawArgs) as DefaultPreemptionArgs;
    const pct = args.minCandidateNodesPercentage ?? 10;
    const abs = args.minCandidateNodesAbsolute ?? 100;
    if (!Number.isInteger(pct) || pct < 0 || pct > 100) throw new PluginArgsError(this.name, `minCandidateNodesPercentage: Invalid value: ${pct}: not in valid range [0, 100]`);
    if (!Number.isInteger(abs) || abs < 0) throw new PluginArgsError(this.name, `minCandidateNodesAbsolute: Invalid value: ${abs}: not in valid range [0, inf)`);
    if (pct === 0 && abs === 0) throw new PluginArgsError(this.name, 'minCandidateNodesPercentage and minCandidateNodesAbsolute: Invalid value: both cannot be zero');
    this.minCandidateNodesPercentage = pct;
    this.minCandidateNodesAbsolute = abs;
  }

  postFilter(state: CycleState, pod: PodInfo, snapshot: Snapshot, statuses: NodeToStatus): PostFilterOutput {
    const out = this.preempt(state, pod, snapshot, statuses);
    const msg = out.status?.message() ?? '';
    if (msg === '' || out.status === undefined) return out;
    return { result: out.result, status: new Status(out.status.code, [`preemption: ${msg}`], { cause: out.status.cause }) };
  }

  private preempt(state: CycleState, pod: PodInfo, snapshot: Snapshot, statuses: NodeToStatus): PostFilterOutput {
    const eligible = this.podEligibleToPreemptOthers(pod, snapshot, statuses);
    if (eligible !== undefined) return { status: Status.unschedulable(eligible) };

    const potential: NodeInfo[] = [];
    for (const ni of snapshot.nodeInfos) if (statuses.get(ni.name).code !== Code.UnschedulableAndUnresolvable) potential.push(ni);

    const dryRun = new NodeToStatus(Status.unresolvable(MSG_NOT_HELPFUL));
    const errors: string[] = [];
    const candidates = potential.length === 0 ? [] : this.dryRunPreemption(state, pod, potential, dryRun, errors);
    const clear = { nominatedNodeName: '', victims: [], clearNominations: [] };
    if (candidates.length === 0) {
      if (errors.length > 0) return { status: new Status(Code.Error, errors) };
      const message = fitErrorMessage(snapshot.size, { nodeToStatus: dryRun, unschedulablePlugins: new Set(), preFilterMsg: '', postFilterMsg: '' });
      return { result: clear, status: Status.unschedulable(message) };
    }
    const best = pickOneNodeForPreemption(candidates)!;
    const nominated = this.handle.nominator?.nominatedPodsForNode(best.nodeName) ?? [];
    return {
      result: {
        nominatedNodeName: best.nodeName,
        victims: best.victims.map((v) => v.pod),
        clearNominations: nominated.filter((p) => p.priority < pod.priority).map((p) => p.pod),
      },
      status: undefined,
    };
  }

  /** A reason the pod may not preempt (PodEligibleToPreemptOthers), or undefined when it may. */
  private podEligibleToPreemptOthers(pod: PodInfo, snapshot: Snapshot, statuses: NodeToStatus): string | undefined {
    if (pod.pod.spec?.preemptionPolicy === 'Never') return MSG_POLICY_NEVER;
    const nominated = pod.pod.status?.nominatedNodeName;
    if (nominated !== undefined && nominated !== '') {
      // A nominated node that cannot take the pod anyway lets it preempt elsewhere.
      if (statuses.get(nominated).code === Code.UnschedulableAndUnresolvable) return undefined;
      const ni = snapshot.get(nominated);
      if (ni !== undefined) {
        for (const p of ni.pods) if (p.priority < pod.priority && terminatingByPreemption(p.pod)) return MSG_TERMINATING_ON_NOMINATED;
      }
    }
    return undefined;
  }

  /** How many candidates to look for among `numNodes` (calculateNumCandidates). */
  numCandidates(numNodes: number): number {
    let n = Math.trunc((numNodes * this.minCandidateNodesPercentage) / 100);
    if (n < this.minCandidateNodesAbsolute) n = this.minCandidateNodesAbsolute;
    return Math.min(n, numNodes);
  }

  /**
   * Tries nodes from a random offset until enough candidates are found, at least one of them without
   * PDB violations (DryRunPreemption). Nodes that cannot host the pod get their status in `statuses`.
   */
  private dryRunPreemption(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], statuses: NodeToStatus, errors: string[]): Candidate[] {
    const pdbs = this.handle.listers.podDisruptionBudgets();
    const offset = Math.min(Math.floor(this.handle.rng() * nodes.length), nodes.length - 1);
    const wanted = this.numCandidates(nodes.length);
    const nonViolating: Candidate[] = [];
    const violating: Candidate[] = [];
    for (let i = 0; i < nodes.length; i++) {
      const ni = nodes[(offset + i) % nodes.length]!.clone();
      const { victims, numPDBViolations, status } = this.selectVictimsOnNode(state.clone(), pod, ni, pdbs);
      if (status === undefined && victims.length > 0) {
        (numPDBViolations === 0 ? nonViolating : violating).push({ nodeName: ni.name, victims, numPDBViolations });
        if (nonViolating.length > 0 && nonViolating.length + violating.length >= wanted) break;
        continue;
      }
      const s = status ?? Status.error(new Error(`expected at least one victim pod on node ${JSON.stringify(ni.name)}`));
      if (s.code === Code.Error) errors.push(s.message());
      statuses.set(ni.name, s);
    }
    return [...nonViolating, ...violating];
  }

  /**
   * The fewest pods to evict from `nodeInfo` (a clone, mutated) for `pod` to fit (SelectVictimsOnNode),
   * most important first; a rejection status when even evicting every lower-priority pod is not enough.
   */
  selectVictimsOnNode(
    state: CycleState,
    pod: PodInfo,
    nodeInfo: NodeInfo,
    pdbs: readonly policyv1.PodDisruptionBudget[],
  ): { victims: PodInfo[]; numPDBViolations: number; status: Status | undefined } {
    const h = this.handle;
    const remove = (p: PodInfo): void => {
      nodeInfo.removePod(p);
      h.runPreFilterExtensionRemovePod(state, pod, p, nodeInfo);
    };
    const add = (p: PodInfo): void => {
      nodeInfo.addPod(p);
      h.runPreFilterExtensionAddPod(state, pod, p, nodeInfo);
    };
    const potential = nodeInfo.pods.filter((p) => p.priority < pod.priority);
    if (potential.length === 0) return { victims: [], numPDBViolations: 0, status: Status.unresolvable(MSG_NO_VICTIMS) };
    for (const p of potential) remove(p);
    const withoutAll = h.runFilterPluginsWithNominatedPods(state, pod, nodeInfo);
    if (withoutAll !== undefined) return { victims: [], numPDBViolations: 0, status: withoutAll };

    potential.sort(byImportance);
    const { violating, nonViolating } = filterPodsWithPDBViolation(potential, pdbs);
    const victims: PodInfo[] = [];
    const reprieve = (p: PodInfo): boolean => {
      add(p);
      if (h.runFilterPluginsWithNominatedPods(state, pod, nodeInfo) === undefined) return true;
      remove(p);
      victims.push(p);
      return false;
    };
    let numPDBViolations = 0;
    for (const p of violating) if (!reprieve(p)) numPDBViolations++;
    for (const p of nonViolating) reprieve(p);
    if (violating.length > 0 && nonViolating.length > 0) victims.sort(byImportance);
    return { victims, numPDBViolations, status: undefined };
  }
}

export const newDefaultPreemption: PluginFactory = (args, handle) => new DefaultPreemption(handle, args);
