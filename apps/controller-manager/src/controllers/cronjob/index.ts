import type { Controller, ControllerContext } from '../../framework/context';
import { CronJobController, type CronJobControllerOptions } from './cronjob-controller';

export { CronJobController, CronJobScheduledTimestampAnnotation, type CronJob, type CronJobControllerOptions } from './cronjob-controller';

/**
 * The `cronjob` controller of kube-controller-manager (`--concurrent-cron-job-syncs`, 5 by
 * default), with an injectable clock so tests step through scheduled times.
 */
export function newCronJobController(options: CronJobControllerOptions = {}): Controller {
  return {
    name: 'cronjob',
    start: (ctx: ControllerContext) => new CronJobController(ctx, options).run(),
  };
}

export const cronJobController: Controller = newCronJobController();
