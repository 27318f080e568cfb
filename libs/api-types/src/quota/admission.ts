import type * as corev1 from '../types/corev1';
import type { GroupResource } from '../types/status';
import { evaluatorFor, isQuotaIgnored, matchesQuotaScopes, type QuotaOperation } from './evaluators';
import {
  addUsage,
  lessThanOrEqual,
  maskUsage,
  negativeResources,
  parseResourceList,
  prettyPrintResourceNames,
  prettyPrintUsage,
  removeZeros,
  subtractNonNegative,
  type Usage,
} from './resource-list';

/** A write quota admission looks at. */
export interface QuotaRequest {
  op: QuotaOperation;
  /** `''` for the object itself, else the subresource written (`status`). */
  subresource: string;
  resource: GroupResource;
  /** The object as it would be stored. */
  object: unknown;
  /** On update, the stored object it replaces. */
  oldObject?: unknown;
  nowMs: number;
}

/** A quota's new `status.used` once the request is admitted. */
export interface QuotaCharge {
  quota: corev1.ResourceQuota;
  used: Usage;
}

/** Why quota refuses a request: the text Kubernetes puts after `<kind> "<name>" is forbidden: `. */
export class QuotaRefusal extends Error {
  override readonly name = 'QuotaRefusal';
}

/**
 * Kubernetes' quota admission check (CheckRequest) over the namespace's quotas, in order. A quota
 * applies when its `status.hard` names something the object uses and the object is in its
 * scopes; for each such quota the object must set what the quota requires, the quota must already
 * have usage for what it limits, and usage plus the object's (its growth, on update) must stay
 * within `status.hard`. Returns the new usage of every quota the request changes, or throws a
 * QuotaRefusal. Pure: the caller persists the charges.
 */
export function checkQuotaRequest(quotas: readonly corev1.ResourceQuota[], req: QuotaRequest): QuotaCharge[] {
  if (isQuotaIgnored(req.resource)) return [];
  const evaluator = evaluatorFor(req.resource);
  if (!evaluator.handles(req.op, req.subresource)) return [];

  const applicable: corev1.ResourceQuota[] = [];
  for (const quota of quotas) {
    const hard = parseResourceList(quota.status?.hard);
    const restricted = evaluator.matchingResources([...hard.keys()]);
    if (!restricted.length || !matchesQuotaScopes(evaluator, quota, req.object)) continue;
    const name = quota.metadata?.name ?? '';
    const missing = evaluator.constraints(restricted, req.object);
    if (missing) throw new QuotaRefusal(`failed quota: ${name}: ${missing}`);
    const used = parseResourceList(quota.status?.used);
    if (restricted.some((r) => !used.has(r))) {
      throw new QuotaRefusal(`status unknown for quota: ${name}, resources: ${prettyPrintResourceNames(restricted)}`);
    }
    applicable.push(quota);
  }
  if (!applicable.length) return [];

  const input = evaluator.usage(req.object, req.nowMs);
  const negative = negativeResources(input);
  if (negative.length) throw new QuotaRefusal(`quota usage is negative for resource(s): ${prettyPrintResourceNames(negative)}`);

  const deltas = new Map<corev1.ResourceQuota, Usage>(applicable.map((q) => [q, input]));
  const old = req.oldObject as { metadata?: { resourceVersion?: string } } | undefined;
  if (req.op === 'update' && old?.metadata?.resourceVersion) {
    const growth = subtractNonNegative(input, evaluator.usage(old, req.nowMs));
    // A quota the old object was already in is charged the growth; one it enters, everything.
    for (const q of applicable) if (matchesQuotaScopes(evaluator, q, old)) deltas.set(q, growth);
  }

  const charges: QuotaCharge[] = [];
  for (const quota of applicable) {
    const delta = removeZeros(deltas.get(quota)!);
    if (!delta.size) continue;
    const hard = parseResourceList(quota.status?.hard);
    const used = parseResourceList(quota.status?.used);
    const requested = maskUsage(delta, hard.keys());
    const next = addUsage(used, requested);
    if (req.subresource !== 'status') {
      const { ok, exceeded } = lessThanOrEqual(maskUsage(next, requested.keys()), hard);
      if (!ok) {
        throw new QuotaRefusal(
          `exceeded quota: ${quota.metadata?.name ?? ''}, requested: ${prettyPrintUsage(maskUsage(requested, exceeded))}, used: ${prettyPrintUsage(maskUsage(used, exceeded))}, limited: ${prettyPrintUsage(maskUsage(hard, exceeded))}`,
        );
      }
    }
    charges.push({ quota, used: next });
  }
  return charges;
}
