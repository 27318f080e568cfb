import { Quantity } from '../quantity';
import type * as corev1 from '../types/corev1';
import type { GroupResource } from '../types/status';
import { evaluatorFor, matchesQuotaScopes, resourcesForQuota } from './evaluators';
import { addUsage, maskUsage, parseResourceList, type Usage } from './resource-list';

/** The objects of one resource in one namespace, from a cache; undefined when it cannot be read. */
export type NamespaceLister = (gr: GroupResource, namespace: string) => readonly unknown[] | undefined;

/**
 * What a quota's namespace uses of every resource the quota limits and something measures
 * (quota.CalculateUsage): each matched name starts at 0 and every object in the quota's scopes
 * adds its usage. Names no evaluator measures, or whose objects could not be listed, are absent.
 */
export function calculateQuotaUsage(quota: corev1.ResourceQuota, list: NamespaceLister, nowMs: number): Usage {
  const hard = [...parseResourceList(quota.spec?.hard).keys()];
  const namespace = quota.metadata?.namespace ?? '';
  let used: Usage = new Map();
  for (const gr of resourcesForQuota(hard)) {
    const evaluator = evaluatorFor(gr);
    const names = evaluator.matchingResources(hard);
    const objects = list(gr, namespace);
    if (!objects) continue;
    let sum: Usage = new Map(names.map((n) => [n, Quantity.zero()]));
    for (const obj of objects) {
      if (!matchesQuotaScopes(evaluator, quota, obj)) continue;
      sum = addUsage(sum, evaluator.usage(obj, nowMs));
    }
    used = addUsage(used, maskUsage(sum, names));
  }
  return used;
}
