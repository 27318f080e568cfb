/** Namespaces, ConfigMaps, Secrets, ServiceAccounts, ResourceQuotas and ComponentStatuses. */
import type { corev1 } from '@tskube/api-types';
import { fieldDocs } from '../descriptions';
import { timestampSince } from '../duration';
import { byBytes, quantity } from '../format';
import { ageColumn, column, nameColumn, printer, type RowContext } from '../printer';

const age = (obj: { metadata?: { creationTimestamp?: string } }, ctx: RowContext): string => timestampSince(obj.metadata?.creationTimestamp, ctx.now);
const count = (map: object | null | undefined): number => (map ? Object.keys(map).length : 0);

export const namespacePrinter = printer<corev1.Namespace>([nameColumn, column('Status', 'string', 'The status of the namespace'), ageColumn], (ns, ctx) => [
  ns.metadata?.name ?? '',
  ns.status?.phase ?? '',
  age(ns, ctx),
]);

export const configMapPrinter = printer<corev1.ConfigMap>([nameColumn, column('Data', 'string', fieldDocs.configMapData), ageColumn], (cm, ctx) => [
  cm.metadata?.name ?? '',
  count(cm.data) + count(cm.binaryData),
  age(cm, ctx),
]);

export const secretPrinter = printer<corev1.Secret>(
  [nameColumn, column('Type', 'string', fieldDocs.secretType), column('Data', 'string', fieldDocs.secretData), ageColumn],
  // stringData is merged into data on write, so data alone is what is stored.
  (s, ctx) => [s.metadata?.name ?? '', s.type ?? '', count(s.data), age(s, ctx)],
);

// Kubernetes 1.33 still prints SECRETS (kubernetes/kubernetes#117160 drops it in a later release).
export const serviceAccountPrinter = printer<corev1.ServiceAccount>([nameColumn, column('Secrets', 'string', fieldDocs.saSecrets), ageColumn], (sa, ctx) => [
  sa.metadata?.name ?? '',
  sa.secrets?.length ?? 0,
  age(sa, ctx),
]);

/**
 * REQUEST and LIMIT: `resource: used/hard` for each resource in status.hard, sorted by name; names
 * starting `limits.` go to LIMIT, the rest to REQUEST.
 */
export function quotaColumns(rq: corev1.ResourceQuota): [request: string, limit: string] {
  const hard = rq.status?.hard ?? {};
  const used = rq.status?.used ?? {};
  const request: string[] = [];
  const limit: string[] = [];
  for (const name of Object.keys(hard).sort(byBytes)) {
    const text = `${name}: ${quantity(used[name])}/${quantity(hard[name])}`;
    (name.startsWith('limits.') ? limit : request).push(text);
  }
  return [request.join(', '), limit.join(', ')];
}

const resourceQuotaColumns = [
  nameColumn,
  column('Request', 'string', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
  column('Limit', 'string', 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.'),
  ageColumn,
];

export const resourceQuotaPrinter = printer<corev1.ResourceQuota>(resourceQuotaColumns, (rq, ctx) => [rq.metadata?.name ?? '', ...quotaColumns(rq), age(rq, ctx)]);

const componentStatusColumns = [
  nameColumn,
  column('Status', 'string', 'Status of the component conditions'),
  column('Message', 'string', 'Message of the component conditions'),
  column('Error', 'string', 'Error of the component conditions'),
];

export const componentStatusPrinter = printer<corev1.ComponentStatus>(componentStatusColumns, (cs) => {
  const healthy = cs.conditions?.find((c) => c.type === 'Healthy');
  const status = healthy === undefined ? 'Unknown' : healthy.status === 'True' ? 'Healthy' : 'Unhealthy';
  return [cs.metadata?.name ?? '', status, healthy?.message ?? '', healthy?.error ?? ''];
});
