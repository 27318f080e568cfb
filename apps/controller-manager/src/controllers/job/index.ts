import type { Controller, ControllerContext } from '../../framework/context';
import { JobController, type JobControllerOptions } from './job-controller';

export { JobController, type Job, type JobControllerOptions } from './job-controller';

/**
 * The `job` controller of kube-controller-manager (`--concurrent-job-syncs`, 5 by default), with
 * an injectable clock and pod failure back-off for tests.
 */
export function newJobController(options: JobControllerOptions = {}): Controller {
  return {
    name: 'job',
    // Handlers (and the informers they need) are registered before the first await, so the
    // shared informers deliver the initial list to them.
    start: (ctx: ControllerContext) => new JobController(ctx, options).run(),
  };
}

export const jobController: Controller = newJobController();
