import { StatusReason, hasReason, type KubeObject, type ResourceInfo, type corev1 } from '@tskube/api-types';
import { formatTime, type ApiClient, type Clock, type GroupVersionResource } from '@tskube/client';
import type { Logger } from '@tskube/component';
import { NamespaceConditionUpdater } from './conditions';
import { deletableNamespacedResources, groupResourceString } from './resources';

export type Namespace = corev1.Namespace & KubeObject;
type Pod = corev1.Pod & KubeObject;

const NamespacesResource: GroupVersionResource = { group: '', version: 'v1', resource: 'namespaces' };

/** The spec.finalizers token the namespace controller owns. */
export const KubernetesFinalizer = 'kubernetes';

/**
 * How long to assume objects that wait for finalizers of others (the garbage collector's, a
 * volume's protection) need before anyone looks again; Kubernetes' finalizerEstimateSeconds.
 */
const finalizerEstimateSeconds = 15;

/** Deletes in flight at once per resource. */
const deleteConcurrency = 16;

/**
 * The namespace still holds content that is going away on its own (pods in their grace period,
 * objects with finalizers): look again in about `estimateSeconds`.
 */
export class ResourcesRemainingError extends Error {
  constructor(readonly estimateSeconds: number) {
    super(`some content remains in the namespace, estimate ${estimateSeconds} seconds before it is removed`);
    this.name = 'ResourcesRemainingError';
  }
}

interface ResourceDeletion {
  /** Seconds until what remains should be gone; 0 when nothing remains. */
  estimateSeconds: number;
  remaining: number;
  remainingByFinalizer: Map<string, number>;
}

export interface NamespaceDeleterOptions {
  client: ApiClient;
  logger: Logger;
  clock: Clock;
  /** The resources to empty; every deletable namespaced resource of the registry by default. */
  resources?: readonly ResourceInfo[];
}

/**
 * Empties a namespace being deleted and then gives up its `kubernetes` finalizer, as
 * kube-controller-manager's NamespacedResourcesDeleter: every pass deletes what it can of every
 * resource, reports the outcome in the namespace's conditions, and either finalizes the namespace
 * or says how long the rest should take. Idempotent; safe to run again at any point.
 */
export class NamespacedResourcesDeleter {
  private readonly client: ApiClient;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly resources: readonly ResourceInfo[];

  constructor(options: NamespaceDeleterOptions) {
    this.client = options.client;
    this.logger = options.logger;
    this.clock = options.clock;
    this.resources = options.resources ?? deletableNamespacedResources();
  }

  /**
   * One pass over the namespace `name`. Resolves when it is finalized (or needs nothing: gone,
   * not being deleted, already finalized by us); rejects with ResourcesRemainingError when content
   * is still on its way out, and with the failure otherwise.
   */
  async delete(name: string): Promise<void> {
    let ns: Namespace;
    try {
      ns = await this.client.get<Namespace>(NamespacesResource, '', name);
    } catch (err) {
      if (hasReason(err, StatusReason.NotFound)) return;
      throw err;
    }
    if (!ns.metadata.deletionTimestamp) return;
    try {
      ns = await this.retryOnConflict(ns, (n) => this.markTerminating(n));
    } catch (err) {
      if (hasReason(err, StatusReason.NotFound)) return;
      throw err;
    }
    if (!ns.metadata.deletionTimestamp || !(ns.spec?.finalizers ?? []).includes(KubernetesFinalizer)) return;

    const estimate = await this.deleteAllContent(ns);
    if (estimate > 0) throw new ResourcesRemainingError(estimate);

    try {
      await this.retryOnConflict(ns, (n) => this.finalize(n));
    } catch (err) {
      // Another controller sharing the token may have finished first.
      if (hasReason(err, StatusReason.NotFound)) return;
      throw err;
    }
  }

  private async markTerminating(ns: Namespace): Promise<Namespace> {
    if (ns.status?.phase === 'Terminating') return ns;
    return this.client.updateStatus<Namespace>(NamespacesResource, '', { ...ns, status: { ...ns.status, phase: 'Terminating' } });
  }

  private finalize(ns: Namespace): Promise<Namespace> {
    const finalizers = [...new Set((ns.spec?.finalizers ?? []).filter((f) => f !== KubernetesFinalizer))].sort();
    return this.client.update<Namespace>(NamespacesResource, '', { ...ns, spec: { ...ns.spec, finalizers } }, { subresource: 'finalize' });
  }

  /** Runs `fn` on the namespace, on a fresh read after each Conflict. */
  private async retryOnConflict(ns: Namespace, fn: (ns: Namespace) => Promise<Namespace>): Promise<Namespace> {
    let current = ns;
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn(current);
      } catch (err) {
        if (!hasReason(err, StatusReason.Conflict) || attempt >= 5) throw err;
        current = await this.client.get<Namespace>(NamespacesResource, '', current.metadata.name!);
      }
    }
  }

  /**
   * Deletes what it can of every resource in the namespace and records the outcome in the
   * namespace's conditions. Returns the estimate in seconds until the rest is gone (0: nothing
   * remains); rejects when some resource could not be emptied.
   */
  private async deleteAllContent(ns: Namespace): Promise<number> {
    const namespace = ns.metadata.name!;
    const conditions = new NamespaceConditionUpdater();
    const failures: string[] = [];
    const remainingByResource = new Map<string, number>();
    const remainingByFinalizer = new Map<string, number>();
    let estimate = 0;
    for (const resource of this.resources) {
      let result: ResourceDeletion;
      try {
        result = await this.deleteAllContentOf(resource, namespace);
      } catch (err) {
        failures.push(err instanceof Error ? err.message : String(err));
        if (err instanceof RemainingContentError) result = err.result;
        else continue;
      }
      estimate = Math.max(estimate, result.estimateSeconds);
      if (result.remaining > 0) {
        remainingByResource.set(groupResourceString(resource), result.remaining);
        for (const [f, n] of result.remainingByFinalizer) remainingByFinalizer.set(f, (remainingByFinalizer.get(f) ?? 0) + n);
      }
    }
    if (failures.length) conditions.contentDeletionFailed(failures);
    conditions.contentTotals(remainingByResource, remainingByFinalizer);

    // Written even when all is well: a condition that said "failing" must say so no more.
    const next = conditions.conditionsFor(ns.status?.conditions, formatTime(this.clock.now()));
    if (next) {
      try {
        await this.client.updateStatus<Namespace>(NamespacesResource, '', { ...ns, status: { ...ns.status, conditions: next } });
      } catch (err) {
        this.logger.warn("couldn't update status condition for namespace", { namespace, err: err instanceof Error ? err.message : String(err) });
      }
    }
    if (failures.length) throw new Error(`failed to delete content of namespace ${namespace}: ${failures.join('; ')}`);
    return estimate;
  }

  private async deleteAllContentOf(resource: ResourceInfo, namespace: string): Promise<ResourceDeletion> {
    const gvr: GroupVersionResource = { group: resource.group, version: resource.version, resource: resource.resource };
    const items = await this.listAll(gvr, namespace);
    // The gRPC API has no deletecollection: one delete per object, as for resources without it.
    const pending = items.filter((o) => !o.metadata.deletionTimestamp);
    await forEachLimit(pending, deleteConcurrency, async (obj) => {
      try {
        await this.client.delete(gvr, namespace, obj.metadata.name!, { propagationPolicy: 'Background', preconditions: { uid: obj.metadata.uid } });
      } catch (err) {
        if (hasReason(err, StatusReason.NotFound) || hasReason(err, StatusReason.Conflict)) return;
        throw err;
      }
    });

    const remaining = pending.length ? await this.listAll(gvr, namespace) : items;
    if (remaining.length === 0) return { estimateSeconds: 0, remaining: 0, remainingByFinalizer: new Map() };
    const remainingByFinalizer = new Map<string, number>();
    for (const obj of remaining) for (const f of obj.metadata.finalizers ?? []) remainingByFinalizer.set(f, (remainingByFinalizer.get(f) ?? 0) + 1);
    const result: ResourceDeletion = { estimateSeconds: 0, remaining: remaining.length, remainingByFinalizer };
    if (resource.group === '' && resource.resource === 'pods') result.estimateSeconds = gracefulTerminationEstimate(remaining as Pod[]);
    if (result.estimateSeconds > 0) return result;
    if (remainingByFinalizer.size > 0) return { ...result, estimateSeconds: finalizerEstimateSeconds };
    throw new RemainingContentError(`unexpected items still remain in namespace: ${namespace} for gvr: ${gvrString(gvr)}`, result);
  }

  private async listAll(gvr: GroupVersionResource, namespace: string): Promise<KubeObject[]> {
    const items: KubeObject[] = [];
    let cont = '';
    do {
      const page = await this.client.list<KubeObject>(gvr, namespace, { limit: 500, continue: cont });
      items.push(...page.items);
      cont = page.continue;
    } while (cont);
    return items;
  }
}

/** Content that should have gone but did not; carries what was counted, for the conditions. */
class RemainingContentError extends Error {
  constructor(
    message: string,
    readonly result: ResourceDeletion,
  ) {
    super(message);
    this.name = 'RemainingContentError';
  }
}

/**
 * The longest grace period among pods still running: how long until the kubelets have stopped
 * them all. Finished pods have nothing to stop.
 */
export function gracefulTerminationEstimate(pods: readonly corev1.Pod[]): number {
  let estimate = 0;
  for (const pod of pods) {
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') continue;
    estimate = Math.max(estimate, pod.spec?.terminationGracePeriodSeconds ?? 0);
  }
  return estimate;
}

/** Go's schema.GroupVersionResource String(): `/v1, Resource=pods`. */
function gvrString(gvr: GroupVersionResource): string {
  return `${gvr.group}/${gvr.version}, Resource=${gvr.resource}`;
}

async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      try {
        await fn(item);
      } catch (err) {
        errors.push(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (errors.length) throw errors[0];
}
