import {
  calculateQuotaUsage,
  evaluatorFor,
  formatResourceList,
  maskUsage,
  parseResourceList,
  resourcesForQuota,
  usageEquals,
  type GroupResource,
  type KubeObject,
  type corev1,
} from '@tskube/api-types';
import { NamespaceIndex, metaNamespaceKey, objectOf, realClock, sleep, type Clock, type Informer, type ObjectWithMeta } from '@tskube/client';
import { Resources, newQueue, runController, type Controller, type ControllerContext } from '../../framework/context';
import { durationFlag } from '../nodelifecycle/duration';
import { QuotaMonitors } from './monitors';

export type ResourceQuota = corev1.ResourceQuota & KubeObject & ObjectWithMeta;

/** `--resource-quota-sync-period`'s default: every quota is recalculated this often. */
export const DefaultResourceQuotaSyncPeriodMs = 5 * 60_000;

/**
 * How long usage that admission charged is kept over a lower recount. Admission charges an object
 * before it is stored, so for a moment the caches lack it; a recount then would hand its share
 * back and let a concurrent create past the limit.
 */
export const DefaultChargeSettleMs = 2000;

export interface ResourceQuotaControllerOptions {
  clock?: Clock;
  /** Overrides `--resource-quota-sync-period`. */
  resyncPeriodMs?: number;
  /** Overrides DefaultChargeSettleMs. */
  chargeSettleMs?: number;
}

/**
 * The ResourceQuota controller: keeps each quota's `status.hard` equal to `spec.hard` and its
 * `status.used` equal to what the namespace's objects in the quota's scopes use of every limited
 * resource, as kube-controller-manager's resourcequota controller. A quota is recalculated when
 * it is created or its spec changes, when an object it counts appears, goes away or changes what
 * it uses (a pod finishing frees its compute resources), and every resync period. The quota
 * admission charges new objects between recalculations.
 */
export function newResourceQuotaController(options: ResourceQuotaControllerOptions = {}): Controller {
  const clock = options.clock ?? realClock;
  return {
    name: 'resourcequota',
    async start(ctx: ControllerContext): Promise<void> {
      const period = options.resyncPeriodMs ?? durationFlag(ctx.flags, 'resource-quota-sync-period', DefaultResourceQuotaSyncPeriodMs);
      if (!(period > 0)) throw new Error(`--resource-quota-sync-period must be positive, got ${ctx.flags['resource-quota-sync-period']}`);
      const quotas = ctx.informers.informer<ResourceQuota>('resourcequotas');
      const controller = new ResourceQuotaController(ctx, quotas, clock, options.chargeSettleMs ?? DefaultChargeSettleMs);
      if (!(await quotas.waitForSync(ctx.signal))) return;
      const resync = (async () => {
        while (!ctx.signal.aborted) {
          await sleep(clock, period, ctx.signal);
          if (!ctx.signal.aborted) controller.enqueueAll();
        }
      })().catch(() => undefined);
      try {
        await runController(ctx, 'resourcequota', controller.queue, ctx.workers('resource-quota', 5), (key) => controller.sync(key));
      } finally {
        await resync;
        await controller.stop();
      }
    },
  };
}

/** One running quota controller: handlers, queue and sync. */
export class ResourceQuotaController {
  readonly queue = newQueue();
  private readonly monitors: QuotaMonitors;
  /** The resourceVersion of each quota as this controller last wrote it. */
  private readonly written = new Map<string, string>();
  /** When this controller first saw a quota written by someone else (admission) since its own write. */
  private readonly chargedSince = new Map<string, number>();

  constructor(
    private readonly ctx: ControllerContext,
    private readonly quotas: Informer<ResourceQuota>,
    private readonly clock: Clock,
    private readonly chargeSettleMs: number = DefaultChargeSettleMs,
  ) {
    this.monitors = new QuotaMonitors(
      ctx,
      (gr, ns) => this.replenish(gr, ns),
      () => clock.now(),
      (ns) => quotas.lister.indexKeys(NamespaceIndex, ns).length > 0,
    );
    quotas.addEventHandler({
      onAdd: (q) => this.onQuota(q),
      onUpdate: (old, cur) => {
        if (old !== cur && (!sameSpec(old, cur) || needsStatus(cur))) this.onQuota(cur);
      },
      onDelete: (obj) => {
        const key = metaNamespaceKey(objectOf(obj));
        this.written.delete(key);
        this.chargedSince.delete(key);
      },
    });
  }

  private onQuota(q: ResourceQuota): void {
    // Start the caches this quota is measured from now, so the sync rarely waits for them.
    for (const gr of resourcesForQuota(Object.keys(q.spec?.hard ?? {}))) this.monitors.ensure(gr);
    this.queue.add(metaNamespaceKey(q));
  }

  /** Every quota of `namespace` that limits something `gr`'s objects use is recalculated. */
  private replenish(gr: GroupResource, namespace: string): void {
    const evaluator = evaluatorFor(gr);
    for (const q of this.quotas.lister.byIndex(NamespaceIndex, namespace)) {
      if (evaluator.matchingResources(Object.keys(q.spec?.hard ?? {})).length) this.queue.add(metaNamespaceKey(q));
    }
  }

  /** Queues every quota: the periodic full recalculation. */
  enqueueAll(): void {
    for (const key of this.quotas.lister.listKeys()) this.queue.add(key);
  }

  /**
   * Recalculates one quota from the caches and writes its status when it changed. Idempotent; a
   * conflicting write (admission charged the quota meanwhile) fails the sync, which is retried.
   * A recount below what admission charged waits out the settle period first.
   */
  async sync(key: string): Promise<void> {
    const quota = this.quotas.lister.get(key);
    if (!quota) return;
    const hard = parseResourceList(quota.spec?.hard);
    const needed = resourcesForQuota([...hard.keys()]);
    if (!(await this.monitors.waitForSync(needed, this.ctx.signal))) return;

    const observed = calculateQuotaUsage(quota, (gr, ns) => this.monitors.list(gr, ns), this.clock.now());
    // What could not be measured keeps its last observation; what is no longer limited goes.
    const used = maskUsage(new Map([...parseResourceList(quota.status?.used), ...observed]), hard.keys());
    const previous = parseResourceList(quota.status?.used);
    const dirty = !quota.status?.hard || !quota.status.used || !usageEquals(parseResourceList(quota.status.hard), hard) || !usageEquals(previous, used);
    if (!dirty) return;

    const rv = quota.metadata.resourceVersion ?? '';
    const lowers = [...used].some(([name, q]) => {
      const before = previous.get(name);
      return before !== undefined && q.cmp(before) < 0;
    });
    if (lowers && this.written.get(key) !== rv) {
      // Timed from the first charge since this controller's own write, so a namespace that keeps
      // creating still has its recount written once the period has passed.
      const now = this.clock.now();
      const since = this.chargedSince.get(key) ?? now;
      this.chargedSince.set(key, since);
      const wait = since + this.chargeSettleMs - now;
      if (wait > 0) {
        this.queue.addAfter(key, wait);
        return;
      }
    }
    const updated = await this.ctx.client.updateStatus<ResourceQuota>(Resources.resourcequotas, quota.metadata.namespace ?? '', {
      ...quota,
      status: { hard: { ...quota.spec?.hard }, used: formatResourceList(used) },
    });
    this.written.set(key, updated.metadata.resourceVersion ?? '');
    this.chargedSince.delete(key);
  }

  async stop(): Promise<void> {
    await this.monitors.stop();
  }
}

function sameSpec(a: ResourceQuota, b: ResourceQuota): boolean {
  return JSON.stringify(a.spec ?? {}) === JSON.stringify(b.spec ?? {});
}

/** The status does not yet reflect the spec: hard limits differ or usage is missing for one. */
function needsStatus(q: ResourceQuota): boolean {
  const hard = parseResourceList(q.spec?.hard);
  if (!q.status?.hard || !usageEquals(parseResourceList(q.status.hard), hard)) return true;
  const used = q.status.used ?? {};
  return [...hard.keys()].some((k) => !(k in used));
}
