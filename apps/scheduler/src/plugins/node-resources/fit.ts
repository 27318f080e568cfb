import type { CycleState, StateData } from '../../framework/cycle-state';
import type { FilterPlugin, PluginFactory, PreScorePlugin, ScorePlugin } from '../../framework/interfaces';
import type { NodeInfo } from '../../framework/node-info';
import type { PodInfo } from '../../framework/pod-info';
import { isExtendedResourceName } from '../../framework/resource';
import { Code, Status } from '../../framework/status';
import { PluginArgsError, argsObject } from '../helper/args';
import { PluginNames } from '../names';
import {
  DEFAULT_RESOURCE_SPECS,
  MAX_CUSTOM_PRIORITY_SCORE,
  ResourceAllocationScorer,
  leastAllocatedScorer,
  mostAllocatedScorer,
  requestedToCapacityRatioScorer,
  type ResourceScorer,
  type ResourceSpec,
  type UtilizationShapePoint,
} from './resource-allocation';

export const ScoringStrategyType = {
  LeastAllocated: 'LeastAllocated',
  MostAllocated: 'MostAllocated',
  RequestedToCapacityRatio: 'RequestedToCapacityRatio',
} as const;
export type ScoringStrategyType = (typeof ScoringStrategyType)[keyof typeof ScoringStrategyType];

/** NodeResourcesFitArgs as written in pluginConfig. */
export interface NodeResourcesFitArgs {
  /** Extended resources Filter does not check. */
  ignoredResources?: string[];
  /** Extended resource domains (`example.com`) Filter does not check. */
  ignoredResourceGroups?: string[];
  scoringStrategy?: {
    type?: ScoringStrategyType;
    resources?: { name: string; weight?: number }[];
    requestedToCapacityRatio?: { shape?: UtilizationShapePoint[] };
  };
}

/** One resource the node lacks for the pod (noderesources.InsufficientResource). */
export interface InsufficientResource {
  readonly resourceName: string;
  /** `Insufficient cpu`, `Too many pods`, ... */
  readonly reason: string;
  readonly requested: number;
  readonly used: number;
  readonly capacity: number;
  /** The pod asks for more than the node has at all, so evicting pods cannot help. */
  readonly unresolvable: boolean;
}

/**
 * The resources `nodeInfo` lacks for `pod` (fitsRequest): one more pod than allowed, then cpu,
 * memory, ephemeral storage and each scalar resource requested beyond allocatable minus requested.
 * Zero requests always fit.
 */
export function fitsRequest(
  pod: PodInfo,
  nodeInfo: NodeInfo,
  ignoredResources: ReadonlySet<string> = new Set(),
  ignoredGroups: ReadonlySet<string> = new Set(),
): InsufficientResource[] {
  const out: InsufficientResource[] = [];
  const alloc = nodeInfo.allocatable;
  const used = nodeInfo.requested;
  const podCount = nodeInfo.pods.length;
  if (podCount + 1 > alloc.allowedPodNumber) {
    out.push({ resourceName: 'pods', reason: 'Too many pods', requested: 1, used: podCount, capacity: alloc.allowedPodNumber, unresolvable: false });
  }
  const req = pod.requests;
  if (req.isEmpty()) return out;
  if (req.milliCPU > 0 && req.milliCPU > alloc.milliCPU - used.milliCPU) {
    out.push({ resourceName: 'cpu', reason: 'Insufficient cpu', requested: req.milliCPU, used: used.milliCPU, capacity: alloc.milliCPU, unresolvable: req.milliCPU > alloc.milliCPU });
  }
  if (req.memory > 0 && req.memory > alloc.memory - used.memory) {
    out.push({ resourceName: 'memory', reason: 'Insufficient memory', requested: req.memory, used: used.memory, capacity: alloc.memory, unresolvable: req.memory > alloc.memory });
  }
  if (req.ephemeralStorage > 0 && req.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage) {
    out.push({
      resourceName: 'ephemeral-storage',
      reason: 'Insufficient ephemeral-storage',
      requested: req.ephemeralStorage,
      used: used.ephemeralStorage,
      capacity: alloc.ephemeralStorage,
      unresolvable: req.ephemeralStorage > alloc.ephemeralStorage,
    });
  }
  if (req.scalar !== undefined) {
    for (const [name, quantity] of req.scalar) {
      if (quantity === 0) continue;
      if (isExtendedResourceName(name) && (ignoredResources.has(name) || (ignoredGroups.size > 0 && ignoredGroups.has(name.split('/')[0]!)))) continue;
      const capacity = alloc.getScalar(name);
      const inUse = used.getScalar(name);
      if (quantity > capacity - inUse) {
        out.push({ resourceName: name, reason: `Insufficient ${name}`, requested: quantity, used: inUse, capacity, unresolvable: quantity > capacity });
      }
    }
  }
  return out;
}

/** fitsRequest without allocating, for the common case where everything fits; ignored resources make it give up. */
function quickFits(pod: PodInfo, nodeInfo: NodeInfo): boolean {
  const alloc = nodeInfo.allocatable;
  const used = nodeInfo.requested;
  const req = pod.requests;
  if (nodeInfo.pods.length + 1 > alloc.allowedPodNumber) return false;
  if (req.milliCPU > 0 && req.milliCPU > alloc.milliCPU - used.milliCPU) return false;
  if (req.memory > 0 && req.memory > alloc.memory - used.memory) return false;
  if (req.ephemeralStorage > 0 && req.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage) return false;
  if (req.scalar !== undefined) {
    for (const [name, quantity] of req.scalar) if (quantity > 0 && quantity > alloc.getScalar(name) - used.getScalar(name)) return false;
  }
  return true;
}

const PRE_SCORE_KEY = `PreScore${PluginNames.NodeResourcesFit}`;

class PreScoreState implements StateData {
  constructor(readonly podRequests: readonly number[]) {}
  clone(): StateData {
    return this;
  }
}

/** Checked weights: a missing or 0 weight is 1; anything outside [1, 100] is an error. */
export function resourceSpecs(plugin: string, raw: readonly { name: string; weight?: number }[] | undefined): ResourceSpec[] {
  if (raw === undefined || raw.length === 0) return DEFAULT_RESOURCE_SPECS.map((r) => ({ ...r }));
  return raw.map((r, i) => {
    if (typeof r?.name !== 'string' || r.name === '') throw new PluginArgsError(plugin, `scoringStrategy.resources[${i}].name: Required value`);
    const weight = r.weight === undefined || r.weight === 0 ? 1 : r.weight;
    if (!Number.isInteger(weight) || weight < 1 || weight > 100) {
      throw new PluginArgsError(plugin, `resources[${i}].weight: Invalid value: ${weight}: resource weight of ${r.name} not in valid range [1, 100]`);
    }
    return { name: r.name, weight };
  });
}

function validateShape(shape: readonly UtilizationShapePoint[] | undefined): readonly UtilizationShapePoint[] {
  const plugin = PluginNames.NodeResourcesFit;
  if (shape === undefined || shape.length === 0) throw new PluginArgsError(plugin, 'scoringStrategy.requestedToCapacityRatio.shape: Required value: at least one point must be specified');
  shape.forEach((p, i) => {
    if (!Number.isInteger(p.utilization) || p.utilization < 0 || p.utilization > 100) {
      throw new PluginArgsError(plugin, `shape[${i}].utilization: Invalid value: ${p.utilization}: not in valid range [0, 100]`);
    }
    if (i > 0 && p.utilization <= shape[i - 1]!.utilization) {
      throw new PluginArgsError(plugin, `shape[${i}].utilization: Invalid value: ${p.utilization}: utilization values must be sorted in increasing order`);
    }
    if (!Number.isInteger(p.score) || p.score < 0 || p.score > MAX_CUSTOM_PRIORITY_SCORE) {
      throw new PluginArgsError(plugin, `shape[${i}].score: Invalid value: ${p.score}: not in valid range [0, ${MAX_CUSTOM_PRIORITY_SCORE}]`);
    }
  });
  return shape;
}

/**
 * Resource requests against allocatable (noderesources.Fit). Filter rejects a node with `Insufficient
 * <resource>` for each resource short and `Too many pods` at the pod limit; the status is
 * UnschedulableAndUnresolvable when the pod exceeds the node's whole allocatable (so preemption
 * skips it). Score follows the configured strategy: LeastAllocated (default, spreading),
 * MostAllocated (bin packing) or RequestedToCapacityRatio (a utilization shape).
 */
export class NodeResourcesFit implements FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = PluginNames.NodeResourcesFit;
  readonly strategy: ScoringStrategyType;
  private readonly ignoredResources: ReadonlySet<string>;
  private readonly ignoredGroups: ReadonlySet<string>;
  private readonly scorer: ResourceAllocationScorer;

  constructor(rawArgs: unknown = {}) {
    const args = argsObject(this.name, rawArgs) as NodeResourcesFitArgs;
    this.ignoredResources = new Set(args.ignoredResources ?? []);
    this.ignoredGroups = new Set(args.ignoredResourceGroups ?? []);
    const strategy = args.scoringStrategy ?? {};
    const type = strategy.type ?? ScoringStrategyType.LeastAllocated;
    const resources = resourceSpecs(this.name, strategy.resources);
    let scorer: ResourceScorer;
    switch (type) {
      case ScoringStrategyType.LeastAllocated:
        scorer = leastAllocatedScorer(resources);
        break;
      case ScoringStrategyType.MostAllocated:
        scorer = mostAllocatedScorer(resources);
        break;
      case ScoringStrategyType.RequestedToCapacityRatio:
        scorer = requestedToCapacityRatioScorer(resources, validateShape(strategy.requestedToCapacityRatio?.shape));
        break;
      default:
        throw new PluginArgsError(this.name, `scoringStrategy.type: Unsupported value: ${JSON.stringify(type)}: supported values: "LeastAllocated", "MostAllocated", "RequestedToCapacityRatio"`);
    }
    this.strategy = type;
    this.scorer = new ResourceAllocationScorer(resources, scorer, false);
  }

  filter(_state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status | undefined {
    if (quickFits(pod, nodeInfo)) return undefined;
    const insufficient = fitsRequest(pod, nodeInfo, this.ignoredResources, this.ignoredGroups);
    if (insufficient.length === 0) return undefined;
    const code = insufficient.some((r) => r.unresolvable) ? Code.UnschedulableAndUnresolvable : Code.Unschedulable;
    return new Status(code, insufficient.map((r) => r.reason));
  }

  preScore(state: CycleState, pod: PodInfo): Status | undefined {
    state.write(PRE_SCORE_KEY, new PreScoreState(this.scorer.podRequestList(pod)));
    return undefined;
  }

  score(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): number {
    const requests = state.read<PreScoreState>(PRE_SCORE_KEY)?.podRequests ?? this.scorer.podRequestList(pod);
    return this.scorer.score(nodeInfo, requests);
  }
}

export const newNodeResourcesFit: PluginFactory = (args) => new NodeResourcesFit(args);
