import type { PluginFactory, QueuedPodInfo, QueueSortPlugin } from '../../framework/interfaces';
import { PluginNames } from '../names';

/** Higher priority first, then the pod queued earlier (queuesort.PrioritySort). */
export class PrioritySort implements QueueSortPlugin {
  readonly name = PluginNames.PrioritySort;

  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean {
    const p1 = a.podInfo.priority;
    const p2 = b.podInfo.priority;
    return p1 > p2 || (p1 === p2 && a.timestamp < b.timestamp);
  }
}

export const newPrioritySort: PluginFactory = () => new PrioritySort();
