import { StatusReason, hasReason, type KubeObject, type batchv1 } from '@tskube/api-types';
import { RateLimitingWorkQueue, defaultControllerRateLimiter, realClock, splitMetaNamespaceKey, type Clock, type GroupVersionResource } from '@tskube/client';
import { keyOf, runController, type Controller, type ControllerContext } from '../../framework/context';
import { finishAndExpireTime, needsCleanup, timeLeft } from './ttl';

type Job = batchv1.Job & KubeObject;

const JobsResource: GroupVersionResource = { group: 'batch', version: 'v1', resource: 'jobs' };

export interface TTLAfterFinishedOptions {
  /** The clock of TTLs and of the queue's delays. */
  clock?: Clock;
}

/**
 * The ttl-after-finished controller: a finished Job (Complete or Failed) with
 * spec.ttlSecondsAfterFinished is deleted once that many seconds have passed since it finished,
 * with foreground propagation so that its pods go first, as Kubernetes does. A Job whose TTL has
 * not run out is looked at again when it does; before deleting, a live read checks that the TTL
 * still holds (it may have been changed) and a uid precondition that it is still the same Job.
 */
export function newTTLAfterFinishedController(options: TTLAfterFinishedOptions = {}): Controller {
  const clock = options.clock ?? realClock;
  return {
    name: 'ttl-after-finished',
    async start(ctx: ControllerContext): Promise<void> {
      const jobs = ctx.informers.informer<Job>('jobs');
      const queue = new RateLimitingWorkQueue<string>({ clock, rateLimiter: defaultControllerRateLimiter({ clock }) });
      const enqueue = (job: Job) => {
        if (needsCleanup(job)) queue.add(keyOf(job));
      };
      jobs.addEventHandler({ onAdd: enqueue, onUpdate: (_old, job) => enqueue(job) });

      /** Whether the Job's TTL ran out; if it has not yet, it is queued for when it will. */
      const expired = (key: string, job: Job): boolean => {
        if (!needsCleanup(job)) return false;
        const now = clock.now();
        if (finishAndExpireTime(job).finishAt > now) {
          ctx.logger.info('found Job finished in the future, likely clock skew; cleanup deferred', { job: key });
        }
        const left = timeLeft(job, now);
        if (left > 0) {
          queue.addAfter(key, left);
          return false;
        }
        return true;
      };

      const sync = async (key: string) => {
        const cached = jobs.lister.get(key);
        if (!cached || !expired(key, cached)) return;
        const { namespace, name } = splitMetaNamespaceKey(key);
        let fresh: Job;
        try {
          fresh = await ctx.client.get<Job>(JobsResource, namespace, name);
        } catch (err) {
          if (hasReason(err, StatusReason.NotFound)) return;
          throw err;
        }
        if (!expired(key, fresh)) return;
        try {
          await ctx.client.delete(JobsResource, namespace, name, { propagationPolicy: 'Foreground', preconditions: { uid: fresh.metadata.uid } });
        } catch (err) {
          if (hasReason(err, StatusReason.NotFound)) return;
          throw err;
        }
      };

      if (!(await jobs.waitForSync(ctx.signal))) return;
      await runController(ctx, 'ttl-after-finished', queue, ctx.workers('ttl-after-finished', 5), sync);
    },
  };
}

export const ttlAfterFinishedController: Controller = newTTLAfterFinishedController();
