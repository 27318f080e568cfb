import { MAX_NODE_SCORE } from '../../framework/interfaces';
import type { NodeInfo } from '../../framework/node-info';
import type { PodInfo } from '../../framework/pod-info';
import { ResourceName, isScalarResourceName } from '../../framework/resource';

/** A resource a scorer looks at, with its weight (config.ResourceSpec). */
export interface ResourceSpec {
  readonly name: string;
  readonly weight: number;
}

/** cpu and memory with weight 1: the default for every resource scorer. */
export const DEFAULT_RESOURCE_SPECS: readonly ResourceSpec[] = Object.freeze([
  { name: ResourceName.CPU, weight: 1 },
  { name: ResourceName.Memory, weight: 1 },
]);

/** Reduces per-resource (requested, allocatable) pairs to one node score in [0, 100]. */
export type ResourceScorer = (requested: readonly number[], allocatable: readonly number[]) => number;

/**
 * The shared machinery of the resource scorers (noderesources.resourceAllocationScorer): what the pod
 * adds per resource, what the node already has, and the strategy that turns both into a score. With
 * `useRequested` false, cpu/memory count 100m/200Mi for containers that request none.
 */
export class ResourceAllocationScorer {
  // Scratch arrays: scoring runs one node at a time on one thread, so they are reused across nodes.
  private readonly requested: number[];
  private readonly allocatable: number[];

  constructor(
    readonly resources: readonly ResourceSpec[],
    private readonly scorer: ResourceScorer,
    private readonly useRequested: boolean,
  ) {
    this.requested = new Array<number>(resources.length).fill(0);
    this.allocatable = new Array<number>(resources.length).fill(0);
  }

  /** What the pod asks for, one entry per configured resource (calculatePodResourceRequestList). */
  podRequestList(pod: PodInfo): number[] {
    return this.resources.map((r) => {
      switch (r.name) {
        case ResourceName.CPU:
          return this.useRequested ? pod.requests.milliCPU : pod.nonZeroMilliCPU;
        case ResourceName.Memory:
          return this.useRequested ? pod.requests.memory : pod.nonZeroMemory;
        case ResourceName.EphemeralStorage:
          return pod.requests.ephemeralStorage;
        default:
          return pod.requests.getScalar(r.name);
      }
    });
  }

  /** The node's score with the pod added. Resources the node does not offer are left out. */
  score(nodeInfo: NodeInfo, podRequests: readonly number[]): number {
    const requested = this.requested;
    const allocatable = this.allocatable;
    const used = this.useRequested ? nodeInfo.requested : nodeInfo.nonZeroRequested;
    for (let i = 0; i < this.resources.length; i++) {
      const name = this.resources[i]!.name;
      const podRequest = podRequests[i]!;
      let alloc = 0;
      let req = 0;
      // An extended resource the pod does not request is not scored.
      if (!(podRequest === 0 && isScalarResourceName(name))) {
        switch (name) {
          case ResourceName.CPU:
            alloc = nodeInfo.allocatable.milliCPU;
            req = used.milliCPU + podRequest;
            break;
          case ResourceName.Memory:
            alloc = nodeInfo.allocatable.memory;
            req = used.memory + podRequest;
            break;
          case ResourceName.EphemeralStorage:
            alloc = nodeInfo.allocatable.ephemeralStorage;
            req = nodeInfo.requested.ephemeralStorage + podRequest;
            break;
          default:
            if (nodeInfo.allocatable.scalar?.has(name) === true) {
              alloc = nodeInfo.allocatable.getScalar(name);
              req = nodeInfo.requested.getScalar(name) + podRequest;
            }
        }
      }
      allocatable[i] = alloc;
      requested[i] = alloc === 0 ? 0 : req;
    }
    return this.scorer(requested, allocatable);
  }
}

/** (allocatable - requested) / allocatable, weighted: prefers emptier nodes (LeastAllocated). */
export function leastAllocatedScorer(resources: readonly ResourceSpec[]): ResourceScorer {
  return (requested, allocatable) => {
    let nodeScore = 0;
    let weightSum = 0;
    for (let i = 0; i < requested.length; i++) {
      const capacity = allocatable[i]!;
      if (capacity === 0) continue;
      const weight = resources[i]!.weight;
      const req = requested[i]!;
      const score = req > capacity ? 0 : Math.trunc(((capacity - req) * MAX_NODE_SCORE) / capacity);
      nodeScore += score * weight;
      weightSum += weight;
    }
    return weightSum === 0 ? 0 : Math.trunc(nodeScore / weightSum);
  };
}

/** requested / allocatable, weighted: prefers fuller nodes for bin packing (MostAllocated). */
export function mostAllocatedScorer(resources: readonly ResourceSpec[]): ResourceScorer {
  return (requested, allocatable) => {
    let nodeScore = 0;
    let weightSum = 0;
    for (let i = 0; i < requested.length; i++) {
      const capacity = allocatable[i]!;
      if (capacity === 0) continue;
      const weight = resources[i]!.weight;
      // Requests may exceed capacity because pods without requests count the non-zero defaults.
      const req = Math.min(requested[i]!, capacity);
      nodeScore += Math.trunc((req * MAX_NODE_SCORE) / capacity) * weight;
      weightSum += weight;
    }
    return weightSum === 0 ? 0 : Math.trunc(nodeScore / weightSum);
  };
}

/** One point of a RequestedToCapacityRatio shape: utilization 0-100 maps to score 0-10. */
export interface UtilizationShapePoint {
  readonly utilization: number;
  readonly score: number;
}

/** The highest score a shape point may carry (config.MaxCustomPriorityScore). */
export const MAX_CUSTOM_PRIORITY_SCORE = 10;

/**
 * A piecewise-linear function through `shape` (helper.BuildBrokenLinearFunction): flat before the
 * first point and after the last, integer interpolation in between.
 */
export function brokenLinearFunction(shape: readonly UtilizationShapePoint[]): (p: number) => number {
  return (p) => {
    for (let i = 0; i < shape.length; i++) {
      const point = shape[i]!;
      if (p <= point.utilization) {
        if (i === 0) return shape[0]!.score;
        const prev = shape[i - 1]!;
        return prev.score + Math.trunc(((point.score - prev.score) * (p - prev.utilization)) / (point.utilization - prev.utilization));
      }
    }
    return shape[shape.length - 1]!.score;
  };
}

/** Scores each resource's utilization through `shape` (scaled to 0-100) and averages by weight (RequestedToCapacityRatio). */
export function requestedToCapacityRatioScorer(resources: readonly ResourceSpec[], shape: readonly UtilizationShapePoint[]): ResourceScorer {
  const scaled = shape.map((p) => ({ utilization: p.utilization, score: p.score * (MAX_NODE_SCORE / MAX_CUSTOM_PRIORITY_SCORE) }));
  const raw = brokenLinearFunction(scaled);
  const resourceScore = (requested: number, capacity: number): number => {
    if (capacity === 0 || requested > capacity) return raw(100);
    return raw(Math.trunc((requested * 100) / capacity));
  };
  return (requested, allocatable) => {
    let nodeScore = 0;
    let weightSum = 0;
    for (let i = 0; i < requested.length; i++) {
      if (allocatable[i] === 0) continue;
      const weight = resources[i]!.weight;
      const score = resourceScore(requested[i]!, allocatable[i]!);
      if (score > 0) {
        nodeScore += score * weight;
        weightSum += weight;
      }
    }
    return weightSum === 0 ? 0 : Math.round(nodeScore / weightSum);
  };
}

/**
 * 100 minus the spread of the utilization fractions (capped at 1), times 100: prefers nodes whose
 * resources fill evenly (balancedResourceScorer). Two resources use half their difference; more use
 * the standard deviation.
 */
export const balancedResourceScorer: ResourceScorer = (requested, allocatable) => {
  // Called for every feasible node of every pod: two passes over the inputs instead of an array
  // of fractions, which made this the scheduler's largest source of garbage.
  let count = 0;
  let total = 0;
  let first = 0;
  let second = 0;
  for (let i = 0; i < requested.length; i++) {
    if (allocatable[i] === 0) continue;
    const fraction = Math.min(requested[i]! / allocatable[i]!, 1);
    total += fraction;
    if (count === 0) first = fraction;
    else if (count === 1) second = fraction;
    count++;
  }
  let std = 0;
  if (count === 2) {
    std = Math.abs((first - second) / 2);
  } else if (count > 2) {
    const mean = total / count;
    let sum = 0;
    for (let i = 0; i < requested.length; i++) {
      if (allocatable[i] === 0) continue;
      const fraction = Math.min(requested[i]! / allocatable[i]!, 1);
      sum += (fraction - mean) * (fraction - mean);
    }
    std = Math.sqrt(sum / count);
  }
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
};
