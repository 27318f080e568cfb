export { PluginNames, type PluginName } from './names';
export { inTreeRegistry, type InTreeRegistryOptions } from './registry';
export { PluginArgsError } from './helper/args';
export { DefaultBinder, defaultBinderFactory, type BindFunction } from './default-binder/default-binder';
export {
  DefaultPreemption,
  MSG_NOT_HELPFUL,
  MSG_NO_VICTIMS,
  MSG_POLICY_NEVER,
  MSG_TERMINATING_ON_NOMINATED,
  filterPodsWithPDBViolation,
  moreImportantPod,
  pickOneNodeForPreemption,
  type Candidate,
  type DefaultPreemptionArgs,
} from './default-preemption/default-preemption';
export { ImageLocality, normalizedImageName } from './image-locality/image-locality';
export { InterPodAffinity, type InterPodAffinityArgs } from './inter-pod-affinity/inter-pod-affinity';
export { NodeAffinity, type NodeAffinityArgs } from './node-affinity/node-affinity';
export { NodeName } from './node-name/node-name';
export { NodePorts } from './node-ports/node-ports';
export { NodeResourcesBalancedAllocation, type NodeResourcesBalancedAllocationArgs } from './node-resources/balanced-allocation';
export { NodeResourcesFit, ScoringStrategyType, fitsRequest, type InsufficientResource, type NodeResourcesFitArgs } from './node-resources/fit';
export { NodeUnschedulable } from './node-unschedulable/node-unschedulable';
export { PodTopologySpread, type PodTopologySpreadArgs } from './pod-topology-spread/pod-topology-spread';
export { PrioritySort } from './queue-sort/priority-sort';
export { SchedulingGates } from './scheduling-gates/scheduling-gates';
export { TaintToleration } from './taint-toleration/taint-toleration';
