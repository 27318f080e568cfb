import type { CycleState } from '../../framework/cycle-state';
import type { FilterPlugin, PluginFactory, PreFilterPlugin, PreFilterResult } from '../../framework/interfaces';
import type { NodeInfo } from '../../framework/node-info';
import type { PodInfo } from '../../framework/pod-info';
import { Code, Status } from '../../framework/status';
import { PluginNames } from '../names';

/** The reason a node fails NodePorts. */
export const ERR_REASON_NODE_PORTS = "node(s) didn't have free ports for the requested pod ports";

const rejected = Status.constant(Code.Unschedulable, ERR_REASON_NODE_PORTS, PluginNames.NodePorts);

/**
 * Host ports (nodeports.NodePorts): a pod asking for hostPorts fits only nodes where no pod holds the
 * same protocol and port on the same (or the wildcard) host IP. Pods without host ports skip Filter.
 */
export class NodePorts implements PreFilterPlugin, FilterPlugin {
  readonly name = PluginNames.NodePorts;

  preFilter(_state: CycleState, pod: PodInfo): PreFilterResult {
    return pod.hostPorts.length === 0 ? Status.skip() : undefined;
  }

  filter(_state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status | undefined {
    const used = nodeInfo.usedPorts;
    if (used.size === 0) return undefined;
    for (const p of pod.hostPorts) {
      if (used.checkConflict(p.hostIP, p.protocol, p.hostPort ?? 0)) return rejected;
    }
    return undefined;
  }
}

export const newNodePorts: PluginFactory = () => new NodePorts();
