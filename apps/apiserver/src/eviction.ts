import { labelSelectorAsSelector } from '@tskube/api-types';
import { ApiError } from './errors';
import type { ServedResource } from './rest/handler';
import { timestamp, type ApiObject } from './storage/codec';
import type { DeleteOptions } from './storage/resource-store';

/** How many evictions a budget may hold unconfirmed by the disruption controller. */
const MAX_DISRUPTED_PODS = 2000;

const podsResource = { group: '', resource: 'pods' };

interface Budget extends ApiObject {
  spec?: { selector?: Parameters<typeof labelSelectorAsSelector>[0]; unhealthyPodEvictionPolicy?: string };
  status?: {
    observedGeneration?: number;
    disruptionsAllowed?: number;
    currentHealthy?: number;
    desiredHealthy?: number;
    disruptedPods?: Record<string, string>;
  };
}

interface PodLike extends ApiObject {
  status?: { phase?: string; conditions?: { type?: string; status?: string }[] };
}

/** The 429 an eviction gets when a budget stands in its way, with the budget's words as its cause. */
function budgetRefusal(message: string): Error {
  return ApiError.of(429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget.", {
    causes: [{ reason: 'DisruptionBudget', message }],
  });
}

const isReady = (pod: PodLike) => (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

/**
 * pods/eviction: deletes a pod unless that would break the one PodDisruptionBudget covering it.
 * A terminal, pending or already terminating pod is deleted without asking any budget; otherwise
 * the budget's status must be current and allow a disruption, which the eviction spends (and
 * records in `disruptedPods` for the disruption controller) before the pod is deleted.
 */
export async function evictPod(
  pods: ServedResource,
  budgets: ServedResource | undefined,
  namespace: string,
  name: string,
  eviction: { metadata?: { name?: string }; deleteOptions?: DeleteOptions },
  dryRun: boolean,
): Promise<void> {
  if (eviction.metadata?.name !== undefined && eviction.metadata.name !== name) {
    throw ApiError.badRequest('name in URL does not match name in Eviction object');
  }
  const options: DeleteOptions = { ...(eviction.deleteOptions ?? {}), dryRun: dryRun || eviction.deleteOptions?.dryRun === true };
  const pod = (await pods.store.get(namespace, name)) as PodLike;
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || pod.metadata?.deletionTimestamp) {
    await pods.store.delete(namespace, name, options);
    return;
  }

  const covering = budgets
    ? ((await budgets.store.list(namespace, {})).items as Budget[]).filter((b) => {
        try {
          return labelSelectorAsSelector(b.spec?.selector).matches(pod.metadata?.labels);
        } catch {
          return false;
        }
      })
    : [];
  if (covering.length > 1) {
    throw ApiError.internal(new Error('This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.'));
  }
  if (covering.length === 1 && budgets) {
    const budget = covering[0];
    const status = budget.status ?? {};
    const unhealthy = !isReady(pod);
    const policy = budget.spec?.unhealthyPodEvictionPolicy ?? 'IfHealthyBudget';
    const unhealthyMayGo =
      unhealthy &&
      (policy === 'AlwaysAllow' || ((status.desiredHealthy ?? 0) > 0 && (status.currentHealthy ?? 0) >= (status.desiredHealthy ?? 0)));
    if (!unhealthyMayGo) {
      const budgetName = budget.metadata?.name ?? '';
      await budgets.store.guaranteedUpdate(
        namespace,
        budgetName,
        (current) => {
          if (!current) throw ApiError.notFound({ group: 'policy', resource: 'poddisruptionbudgets' }, budgetName);
          const cur = current as Budget;
          const s = cur.status ?? {};
          if ((s.observedGeneration ?? 0) < (cur.metadata?.generation ?? 0)) {
            throw budgetRefusal(`The disruption budget ${budgetName} is still being processed by the server.`);
          }
          const allowed = s.disruptionsAllowed ?? 0;
          if (allowed < 0) throw ApiError.forbidden(podsResource, name, 'pdb disruptions allowed is negative');
          if (Object.keys(s.disruptedPods ?? {}).length > MAX_DISRUPTED_PODS) {
            throw ApiError.forbidden(podsResource, name, 'DisruptedPods map too big - too many evictions not confirmed by PDB controller');
          }
          if (allowed === 0) {
            throw budgetRefusal(`The disruption budget ${budgetName} needs ${s.desiredHealthy ?? 0} healthy pods and has ${s.currentHealthy ?? 0} currently`);
          }
          const disruptedPods = { ...(s.disruptedPods ?? {}), [name]: timestamp() };
          return { object: { ...cur, status: { ...s, disruptionsAllowed: allowed - 1, disruptedPods } } };
        },
        { dryRun: options.dryRun, subresource: 'status' },
      );
    }
  }
  await pods.store.delete(namespace, name, {
    ...options,
    // The pod the budget was checked against is the one deleted, not a successor of the same name.
    preconditions: { ...(options.preconditions ?? {}), uid: options.preconditions?.uid ?? pod.metadata?.uid },
  });
}
