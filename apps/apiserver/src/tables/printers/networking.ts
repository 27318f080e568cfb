/** Ingresses, IngressClasses, NetworkPolicies, ServiceCIDRs and IPAddresses. */
import type { networkingv1 } from '@tskube/api-types';
import { fieldDocs } from '../descriptions';
import { timestampSince } from '../duration';
import { NONE, formatLabelSelector } from '../format';
import { ageColumn, column, nameColumn, printer, type RowContext } from '../printer';
import { loadBalancerIngress } from './service';

const age = (obj: { metadata?: { creationTimestamp?: string } }, ctx: RowContext): string => timestampSince(obj.metadata?.creationTimestamp, ctx.now);

/** formatHosts: up to three rule hosts, then ` + N more...` (counting every rule); `*` when no rule names a host. */
export function ingressHosts(rules: readonly networkingv1.IngressRule[] | null | undefined): string {
  const all = rules ?? [];
  const max = 3;
  const list: string[] = [];
  let more = false;
  for (const rule of all) {
    if (list.length === max) more = true;
    if (!more && rule.host) list.push(rule.host);
  }
  if (list.length === 0) return '*';
  const shown = list.join(',');
  return more ? `${shown} + ${all.length - max} more...` : shown;
}

const ingressColumns = [
  nameColumn,
  column('Class', 'string', 'The name of the IngressClass resource that should be used for additional configuration'),
  column('Hosts', 'string', 'Hosts that incoming requests are matched against before the ingress rule'),
  column('Address', 'string', 'Address is a list containing ingress points for the load-balancer'),
  column('Ports', 'string', 'Ports of TLS configurations that open'),
  ageColumn,
];

export const ingressPrinter = printer<networkingv1.Ingress>(ingressColumns, (ing, ctx) => [
  ing.metadata?.name ?? '',
  ing.spec?.ingressClassName ?? NONE,
  ingressHosts(ing.spec?.rules),
  loadBalancerIngress(ing.status?.loadBalancer?.ingress),
  (ing.spec?.tls ?? []).length > 0 ? '80, 443' : '80',
  age(ing, ctx),
]);

const ingressClassColumns = [
  nameColumn,
  column('Controller', 'string', 'Controller that is responsible for handling this class'),
  column('Parameters', 'string', 'A reference to a resource with additional parameters'),
  ageColumn,
];

export const ingressClassPrinter = printer<networkingv1.IngressClass>(ingressClassColumns, (ic, ctx) => {
  const p = ic.spec?.parameters;
  const parameters = p ? `${p.kind}${p.apiGroup !== undefined ? `.${p.apiGroup}` : ''}/${p.name}` : NONE;
  return [ic.metadata?.name ?? '', ic.spec?.controller ?? '', parameters, age(ic, ctx)];
});

export const networkPolicyPrinter = printer<networkingv1.NetworkPolicy>(
  [nameColumn, column('Pod-Selector', 'string', fieldDocs.netpolPodSelector), ageColumn],
  (np, ctx) => [np.metadata?.name ?? '', formatLabelSelector(np.spec?.podSelector ?? {}), age(np, ctx)],
);

export const serviceCIDRPrinter = printer<networkingv1.ServiceCIDR>([nameColumn, column('CIDRs', 'string', fieldDocs.serviceCIDRs), ageColumn], (sc, ctx) => [
  sc.metadata?.name ?? '',
  (sc.spec?.cidrs ?? []).join(','),
  age(sc, ctx),
]);

/**
 * Kubernetes declares only NAME and PARENTREF for IPAddresses (its printer also emits an age that no
 * column shows); the row here matches the columns.
 */
export const ipAddressPrinter = printer<networkingv1.IPAddress>([nameColumn, column('ParentRef', 'string', fieldDocs.ipAddressParentRef)], (ip) => {
  const ref = ip.spec?.parentRef;
  let parent = NONE;
  if (ref) {
    parent = (ref.group ? `${ref.resource}.${ref.group}` : ref.resource).toLowerCase();
    if (ref.namespace) parent += `/${ref.namespace}`;
    parent += `/${ref.name}`;
  }
  return [ip.metadata?.name ?? '', parent];
});
