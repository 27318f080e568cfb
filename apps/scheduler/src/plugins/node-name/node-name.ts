import type { CycleState } from '../../framework/cycle-state';
import type { FilterPlugin, PluginFactory } from '../../framework/interfaces';
import type { NodeInfo } from '../../framework/node-info';
import type { PodInfo } from '../../framework/pod-info';
import { Code, Status } from '../../framework/status';
import { PluginNames } from '../names';

/** The reason a node fails NodeName. */
export const ERR_REASON_NODE_NAME = "node(s) didn't match the requested node name";

const rejected = Status.constant(Code.UnschedulableAndUnresolvable, ERR_REASON_NODE_NAME, PluginNames.NodeName);

/** A pod with spec.nodeName set fits only the node of that name (nodename.NodeName). */
export class NodeName implements FilterPlugin {
  readonly name = PluginNames.NodeName;

  filter(_state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status | undefined {
    const wanted = pod.pod.spec?.nodeName;
    if (wanted === undefined || wanted === '' || wanted === nodeInfo.name) return undefined;
    return rejected;
  }
}

export const newNodeName: PluginFactory = () => new NodeName();
