import { QuotaRefusal, checkQuotaRequest, evaluatorFor, formatResourceList, isQuotaIgnored, type QuotaCharge, type corev1 } from '@tskube/api-types';
import { ApiError } from '../errors';
import type { ApiObject } from '../storage/codec';
import type { ResourceStore } from '../storage/resource-store';

/** What quota admission needs to know of the resource written. */
export interface QuotaResource {
  group: string;
  resource: string;
  namespaced: boolean;
  store: ResourceStore;
}

export interface QuotaAdmitOptions {
  /** Checked but not charged. */
  dryRun?: boolean;
  subresource?: string;
}

/** Attempts at charging before a request gives up on quotas that keep changing under it. */
const maxAttempts = 10;

/**
 * Kubernetes' ResourceQuota admission: a create (and an update that grows a service or a claim)
 * in a namespace with quotas is checked against every quota that applies, refused with 403 when
 * it would exceed one (`exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2`) or
 * leaves unset what one requires, and otherwise charged to them: each quota's `status.used` grows
 * by the object's usage before the object is stored, so concurrent writers cannot overrun a quota
 * between two recalculations by the quota controller. Checks in one namespace run one at a time
 * against quotas read from the store, and each charge is a compare-and-swap.
 */
export class ResourceQuotaAdmission {
  /** The tail of each namespace's chain of checks. */
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    private readonly quotas: ResourceStore,
    private readonly now: () => number = Date.now,
  ) {}

  async admit(op: 'create' | 'update' | 'delete', resource: QuotaResource, namespace: string, obj: ApiObject | undefined, options: QuotaAdmitOptions = {}): Promise<void> {
    if (op === 'delete' || !obj || !resource.namespaced || !namespace || isQuotaIgnored(resource)) return;
    if (!evaluatorFor(resource).handles(op, options.subresource ?? '')) return;
    // Most namespaces have no quota: the cache answers that without a store read.
    await this.quotas.cache.ready;
    if (!this.quotas.cache.list(this.quotas.prefix(namespace)).items.length) return;
    const previous = this.chains.get(namespace) ?? Promise.resolve();
    const run = previous.then(() => this.check(op, resource, namespace, obj, options));
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.chains.set(namespace, tail);
    void tail.then(() => {
      if (this.chains.get(namespace) === tail) this.chains.delete(namespace);
    });
    return run;
  }

  private async check(op: 'create' | 'update', resource: QuotaResource, namespace: string, obj: ApiObject, options: QuotaAdmitOptions): Promise<void> {
    const name = obj.metadata?.name ?? '';
    let old: ApiObject | undefined;
    if (op === 'update' && name) old = await resource.store.get(namespace, name).catch(() => undefined);
    for (let attempt = 1; ; attempt++) {
      const { items } = await this.quotas.list(namespace);
      let charges: QuotaCharge[];
      try {
        charges = checkQuotaRequest(items as corev1.ResourceQuota[], {
          op,
          subresource: options.subresource ?? '',
          resource: { group: resource.group, resource: resource.resource },
          object: obj,
          oldObject: old,
          nowMs: this.now(),
        });
      } catch (err) {
        if (err instanceof QuotaRefusal) {
          throw ApiError.forbidden({ group: resource.group, resource: resource.resource }, name || obj.metadata?.generateName || '', err.message);
        }
        throw err;
      }
      if (options.dryRun || !charges.length) return;
      try {
        for (const { quota, used } of charges) {
          const next = { ...(quota as ApiObject), status: { ...quota.status, used: formatResourceList(used) } };
          await this.quotas.update(namespace, quota.metadata?.name ?? '', next, { subresource: 'status' });
        }
        return;
      } catch (err) {
        // The controller (or another server) wrote a quota since it was read: read and check again.
        if (err instanceof ApiError && err.code === 409 && attempt < maxAttempts) continue;
        if (err instanceof ApiError && err.code === 409) {
          throw ApiError.of(409, 'Conflict', `Operation cannot be fulfilled on resourcequotas: the quota changed ${maxAttempts} times while it was being charged, please retry`);
        }
        throw err;
      }
    }
  }
}
