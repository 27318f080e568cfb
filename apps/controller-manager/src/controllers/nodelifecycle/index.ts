export { newNodeLifecycleController, nodeLifecycleController, NodeLeaseNamespace, type NodeLifecycleOptions } from './node-lifecycle-controller';
export { newTaintEvictionController, taintEvictionController, type TaintEvictionOptions } from './taint-eviction-controller';
export { TaintKey } from './taints';
