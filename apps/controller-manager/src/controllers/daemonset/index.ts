import type { Controller, ControllerContext } from '../../framework/context';
import { DaemonSetController, type DaemonSetControllerOptions } from './daemonset-controller';

export { DaemonSetController, daemonPodTemplate, type DaemonSetControllerOptions } from './daemonset-controller';

/**
 * The `daemonset` controller of kube-controller-manager (`--concurrent-daemonset-syncs`, 2 by
 * default): a pod on every eligible node, rolled out by RollingUpdate (maxUnavailable, maxSurge)
 * or OnDelete.
 */
export function newDaemonSetController(options: DaemonSetControllerOptions = {}): Controller {
  return {
    name: 'daemonset',
    // Handlers are registered before the first await, so the shared informers deliver their
    // initial lists to them.
    start: (ctx: ControllerContext) => new DaemonSetController(ctx, options).run(ctx.workers('daemonset', 2)),
  };
}

export const daemonSetController: Controller = newDaemonSetController();
