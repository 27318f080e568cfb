import { realClock, sleep, type Clock } from '@tskube/client';
import type { Controller, ControllerContext } from '../../framework/context';
import { PodGC, type Node, type Pod } from './pod-gc';

export interface PodGCControllerOptions {
  /** Time between passes; Kubernetes' gcCheckPeriod, 20 s. */
  gcCheckPeriodMs?: number;
  /** How long a node must stay missing before its pods are deleted; 40 s. */
  quarantineMs?: number;
  clock?: Clock;
}

/** `--terminated-pod-gc-threshold`'s default. */
export const DefaultTerminatedPodGCThreshold = 12500;

/**
 * The pod garbage collector: a pass over the informers' pods and nodes at once and then every
 * period (measured from the end of the previous pass), as kube-controller-manager's podgc.
 * `--terminated-pod-gc-threshold` (12500; 0 turns that part off) bounds the finished pods kept.
 */
export function newPodGCController(options: PodGCControllerOptions = {}): Controller {
  const period = options.gcCheckPeriodMs ?? 20_000;
  const clock = options.clock ?? realClock;
  return {
    name: 'podgc',
    async start(ctx: ControllerContext): Promise<void> {
      const pods = ctx.informers.informer<Pod>('pods');
      const nodes = ctx.informers.informer<Node>('nodes');
      const gc = new PodGC({
        client: ctx.client,
        logger: ctx.logger,
        pods: pods.lister,
        nodes: nodes.lister,
        terminatedPodThreshold: parseThreshold(ctx.flags['terminated-pod-gc-threshold']),
        quarantineMs: options.quarantineMs ?? 40_000,
        clock,
      });
      if (!(await pods.waitForSync(ctx.signal)) || !(await nodes.waitForSync(ctx.signal))) return;
      while (!ctx.signal.aborted) {
        try {
          await gc.gc();
        } catch (err) {
          ctx.logger.warn('pod garbage collection failed', { err: err instanceof Error ? err.message : String(err) });
        }
        await sleep(clock, period, ctx.signal);
      }
    },
  };
}

function parseThreshold(value: string | undefined): number {
  if (value === undefined || value === '') return DefaultTerminatedPodGCThreshold;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--terminated-pod-gc-threshold must be a non-negative integer, got ${value}`);
  return n;
}

export const podGCController: Controller = newPodGCController();
