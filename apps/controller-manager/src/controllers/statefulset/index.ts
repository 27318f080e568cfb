import type { Controller, ControllerContext } from '../../framework/context';
import { StatefulSetController, type StatefulSetControllerOptions } from './statefulset-controller';

export { StatefulSetController, type StatefulSetControllerOptions } from './statefulset-controller';

/**
 * The `statefulset` controller of kube-controller-manager (`--concurrent-statefulset-syncs`, 5 by
 * default): stable pod names and claims, ordered or parallel pod management, revision history and
 * the RollingUpdate (with partition) and OnDelete strategies.
 */
export function newStatefulSetController(options: StatefulSetControllerOptions = {}): Controller {
  return {
    name: 'statefulset',
    // The informers and handlers are set up before the first await, so the shared informers
    // deliver their initial lists to the handlers.
    start: (ctx: ControllerContext) => new StatefulSetController(ctx, options).run(ctx.workers('statefulset', 5)),
  };
}

export const statefulSetController: Controller = newStatefulSetController();
