import type { PluginFactory, PreEnqueuePlugin } from '../../framework/interfaces';
import type { PodInfo } from '../../framework/pod-info';
import { Status } from '../../framework/status';
import { PluginNames } from '../names';

/** Holds pods with spec.schedulingGates out of the active queue (schedulinggates.SchedulingGates). */
export class SchedulingGates implements PreEnqueuePlugin {
  readonly name = PluginNames.SchedulingGates;

  preEnqueue(pod: PodInfo): Status | undefined {
    const gates = pod.pod.spec?.schedulingGates;
    if (gates === undefined || gates.length === 0) return undefined;
    return Status.unresolvable(`waiting for scheduling gates: [${gates.map((g) => g.name).join(' ')}]`);
  }
}

export const newSchedulingGates: PluginFactory = () => new SchedulingGates();
