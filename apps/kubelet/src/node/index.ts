// The kubelet's node agent: Node registration, node status, and the node Lease.
export { CONTROLLER_MANAGED_ATTACH_DETACH, KUBELET_VERSION, NodeAgent, NodesResource, type NodeAgentOptions, type NodeFlags } from './node-agent';
export { NodeLeaseController, LeasesResource, NODE_LEASE_NAMESPACE, type NodeLeaseOptions } from './lease';
export { readMachineInfo, type MachineInfo } from './machine-info';
export { readHostSignals, pressuresOf, type NodeSignals } from './pressure';
export { NodeConfigError, DEFAULT_EVICTION_HARD, parseEvictionHard, parseReserved } from './resources';
export { detectNodeIP, validateNodeIP } from './addresses';
export { defaultNodeLabels, validateNodeLabels, type TaintSpec } from './labels';
export { nodeImages, nodeStatusChanged } from './status';
