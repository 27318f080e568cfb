import type { CycleState } from '../../framework/cycle-state';
import type { FilterPlugin, PluginFactory } from '../../framework/interfaces';
import type { NodeInfo } from '../../framework/node-info';
import type { PodInfo } from '../../framework/pod-info';
import { Code, Status } from '../../framework/status';
import { PluginNames } from '../names';
import { TAINT_NODE_UNSCHEDULABLE, tolerationsTolerateTaint } from '../helper/taints';

/** The reason a cordoned node fails NodeUnschedulable. */
export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';

const unschedulableTaint = { key: TAINT_NODE_UNSCHEDULABLE, effect: 'NoSchedule' };
const rejected = Status.constant(Code.UnschedulableAndUnresolvable, ERR_REASON_UNSCHEDULABLE, PluginNames.NodeUnschedulable);

/**
 * Keeps pods off nodes with spec.unschedulable (cordoned), unless they tolerate the
 * `node.kubernetes.io/unschedulable:NoSchedule` taint (nodeunschedulable.NodeUnschedulable).
 */
export class NodeUnschedulable implements FilterPlugin {
  readonly name = PluginNames.NodeUnschedulable;

  filter(_state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status | undefined {
    if (nodeInfo.node?.spec?.unschedulable !== true) return undefined;
    if (tolerationsTolerateTaint(pod.pod.spec?.tolerations, unschedulableTaint)) return undefined;
    return rejected;
  }
}

export const newNodeUnschedulable: PluginFactory = () => new NodeUnschedulable();
