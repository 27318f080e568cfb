import { Registry } from '../framework/registry';
import { defaultBinderFactory, type BindFunction } from './default-binder/default-binder';
import { newDefaultPreemption } from './default-preemption/default-preemption';
import { newImageLocality } from './image-locality/image-locality';
import { newInterPodAffinity } from './inter-pod-affinity/inter-pod-affinity';
import { PluginNames } from './names';
import { newNodeAffinity } from './node-affinity/node-affinity';
import { newNodeName } from './node-name/node-name';
import { newNodePorts } from './node-ports/node-ports';
import { newNodeResourcesBalancedAllocation } from './node-resources/balanced-allocation';
import { newNodeResourcesFit } from './node-resources/fit';
import { newNodeUnschedulable } from './node-unschedulable/node-unschedulable';
import { newPodTopologySpread } from './pod-topology-spread/pod-topology-spread';
import { newPrioritySort } from './queue-sort/priority-sort';
import { newSchedulingGates } from './scheduling-gates/scheduling-gates';
import { newTaintToleration } from './taint-toleration/taint-toleration';

export interface InTreeRegistryOptions {
  /** What DefaultBinder calls to create the pods/binding subresource. */
  bind?: BindFunction;
}

/** Every in-tree plugin by its Kubernetes name (plugins.NewInTreeRegistry). */
export function inTreeRegistry(options: InTreeRegistryOptions = {}): Registry {
  return new Registry([
    [PluginNames.SchedulingGates, newSchedulingGates],
    [PluginNames.PrioritySort, newPrioritySort],
    [PluginNames.NodeUnschedulable, newNodeUnschedulable],
    [PluginNames.NodeName, newNodeName],
    [PluginNames.TaintToleration, newTaintToleration],
    [PluginNames.NodeAffinity, newNodeAffinity],
    [PluginNames.NodePorts, newNodePorts],
    [PluginNames.NodeResourcesFit, newNodeResourcesFit],
    [PluginNames.PodTopologySpread, newPodTopologySpread],
    [PluginNames.InterPodAffinity, newInterPodAffinity],
    [PluginNames.DefaultPreemption, newDefaultPreemption],
    [PluginNames.NodeResourcesBalancedAllocation, newNodeResourcesBalancedAllocation],
    [PluginNames.ImageLocality, newImageLocality],
    [PluginNames.DefaultBinder, defaultBinderFactory(options.bind)],
  ]);
}
