import type { CycleState, StateData } from '../../framework/cycle-state';
import type { PluginFactory, PreScorePlugin, ScorePlugin } from '../../framework/interfaces';
import type { NodeInfo } from '../../framework/node-info';
import type { PodInfo } from '../../framework/pod-info';
import { Status } from '../../framework/status';
import { argsObject } from '../helper/args';
import { PluginNames } from '../names';
import { resourceSpecs } from './fit';
import { ResourceAllocationScorer, balancedResourceScorer } from './resource-allocation';

/** NodeResourcesBalancedAllocationArgs. */
export interface NodeResourcesBalancedAllocationArgs {
  /** Resources to balance; cpu and memory by default. */
  resources?: { name: string; weight?: number }[];
}

const PRE_SCORE_KEY = `PreScore${PluginNames.NodeResourcesBalancedAllocation}`;

class PreScoreState implements StateData {
  constructor(readonly podRequests: readonly number[]) {}
  clone(): StateData {
    return this;
  }
}

/**
 * Prefers nodes whose resource utilizations stay close to each other once the pod is added
 * (noderesources.BalancedAllocation), counting plain requests. Pods that request nothing skip it, so
 * that best-effort pods do not all pile onto one node.
 */
export class NodeResourcesBalancedAllocation implements PreScorePlugin, ScorePlugin {
  readonly name = PluginNames.NodeResourcesBalancedAllocation;
  private readonly scorer: ResourceAllocationScorer;

  constructor(rawArgs: unknown = {}) {
    const args = argsObject(this.name, rawArgs) as NodeResourcesBalancedAllocationArgs;
    this.scorer = new ResourceAllocationScorer(resourceSpecs(this.name, args.resources), balancedResourceScorer, true);
  }

  preScore(state: CycleState, pod: PodInfo): Status | undefined {
    const requests = this.scorer.podRequestList(pod);
    if (requests.every((r) => r === 0)) return Status.skip();
    state.write(PRE_SCORE_KEY, new PreScoreState(requests));
    return undefined;
  }

  score(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): number {
    const requests = state.read<PreScoreState>(PRE_SCORE_KEY)?.podRequests ?? this.scorer.podRequestList(pod);
    return this.scorer.score(nodeInfo, requests);
  }
}

export const newNodeResourcesBalancedAllocation: PluginFactory = (args) => new NodeResourcesBalancedAllocation(args);
