export { Code, PluginError, Status, codeOf, isSuccess, type StatusOptions } from './status';
export { CycleState, type StateData } from './cycle-state';
export {
  DEFAULT_MEMORY_REQUEST,
  DEFAULT_MILLI_CPU_REQUEST,
  Resource,
  ResourceName,
  isExtendedResourceName,
  isScalarResourceName,
  podRequests,
  quantityMilliValue,
  quantityValue,
  type ResourceList,
} from './resource';
export { PodInfo, affinityTermMatches, podKey, podPriority, podStartTime, toPodInfo, type AffinityTerm, type WeightedAffinityTerm } from './pod-info';
export { HostPortInfo, NodeInfo } from './node-info';
export { Snapshot, type SnapshotOptions } from './snapshot';
export { NodeToStatus } from './node-to-status';
export * from './interfaces';
export { Registry, RegistryError } from './registry';
export {
  ConfigError,
  DEFAULT_MULTI_POINT_PLUGINS,
  DEFAULT_SCHEDULER_NAME,
  ExtensionPoint,
  SCHEDULER_CONFIG_API_VERSION,
  extensionPoints,
  loadSchedulerConfiguration,
  type KubeSchedulerConfiguration,
  type KubeSchedulerProfile,
  type PluginConfig,
  type PluginRef,
  type PluginSet,
  type Plugins,
  type ResolvedPluginSet,
  type ResolvedProfile,
  type ResolvedSchedulerConfiguration,
} from './config';
export { Profile, buildProfiles, emptyListers, newCycleState, type PermitOutcome, type PreFilterOutcome, type ProfileOptions } from './profile';
export {
  FitError,
  NoNodesAvailableError,
  fitErrorMessage,
  numFeasibleNodesToFind,
  schedulePod,
  type Diagnosis,
  type NodeScore,
  type ScheduleOptions,
  type ScheduleResult,
} from './schedule';
