/** Services, Endpoints and EndpointSlices (printService, printEndpoints, printEndpointSlice). */
import type { corev1, discoveryv1 } from '@tskube/api-types';
import { fieldDocs } from '../descriptions';
import { timestampSince } from '../duration';
import { NONE, UNKNOWN, formatLabels, listWithMore, sortedSet } from '../format';
import { ageColumn, column, nameColumn, printer, wide, type RowContext } from '../printer';

/** loadBalancerStatusStringer (always wide on the server, so never clipped): ingress IPs or hostnames, sorted, once each. */
export function loadBalancerIngress(ingress: ReadonlyArray<{ ip?: string; hostname?: string }> | null | undefined): string {
  const out: string[] = [];
  for (const i of ingress ?? []) {
    if (i.ip) out.push(i.ip);
    else if (i.hostname) out.push(i.hostname);
  }
  return sortedSet(out).join(',');
}

/** getServiceExternalIP: external IPs, the load balancer's (`<pending>` until it has one), or the external name. */
export function serviceExternalIP(svc: corev1.Service): string {
  const spec = svc.spec ?? {};
  const externalIPs = spec.externalIPs ?? [];
  switch (spec.type ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : NONE;
    case 'LoadBalancer': {
      const lb = loadBalancerIngress(svc.status?.loadBalancer?.ingress);
      if (externalIPs.length > 0) return [...(lb ? lb.split(',') : []), ...externalIPs].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
  }
  return UNKNOWN;
}

/** makePortString: `80/TCP`, `80:30080/TCP` with a node port, joined by `,`. */
export function servicePorts(ports: readonly corev1.ServicePort[] | null | undefined): string {
  return (ports ?? []).map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? 'TCP'}` : `${p.port}/${p.protocol ?? 'TCP'}`)).join(',');
}

const serviceColumns = [
  nameColumn,
  column('Type', 'string', fieldDocs.svcType),
  column('Cluster-IP', 'string', fieldDocs.svcClusterIP),
  column('External-IP', 'string', fieldDocs.svcExternalIPs),
  column('Port(s)', 'string', fieldDocs.svcPorts),
  ageColumn,
  wide('Selector', 'string', fieldDocs.svcSelector),
];

function serviceRow(svc: corev1.Service, ctx: RowContext): unknown[] {
  const spec = svc.spec ?? {};
  // clusterIPs mirrors clusterIP once defaulted; older objects may carry only the latter.
  const clusterIP = spec.clusterIPs?.[0] || spec.clusterIP || NONE;
  return [
    svc.metadata?.name ?? '',
    spec.type ?? 'ClusterIP',
    clusterIP,
    serviceExternalIP(svc),
    servicePorts(spec.ports) || NONE,
    timestampSince(svc.metadata?.creationTimestamp, ctx.now),
    formatLabels(spec.selector),
  ];
}

/** Joins an address and port as Go's net.JoinHostPort does (IPv6 in brackets). */
const hostPort = (ip: string, port: number): string => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);

/** formatEndpoints: up to three `ip:port` (or bare IPs for port-less subsets), then ` + N more...`; `<none>` without subsets. */
export function formatEndpoints(ep: corev1.Endpoints): string {
  const subsets = ep.subsets ?? [];
  if (subsets.length === 0) return NONE;
  const max = 3;
  const list: string[] = [];
  let count = 0;
  for (const ss of subsets) {
    const addresses = ss.addresses ?? [];
    const ports = ss.ports ?? [];
    if (ports.length === 0) {
      count += addresses.length;
      for (const a of addresses) if (list.length < max) list.push(a.ip);
      continue;
    }
    for (const p of ports) {
      count += addresses.length;
      for (const a of addresses) if (list.length < max) list.push(hostPort(a.ip, p.port));
    }
  }
  const shown = list.join(',');
  return count > max ? `${shown} + ${count - max} more...` : shown;
}

const endpointsColumns = [nameColumn, column('Endpoints', 'string', fieldDocs.endpointsSubsets), ageColumn];

const endpointSliceColumns = [
  nameColumn,
  column('AddressType', 'string', fieldDocs.epsAddressType),
  column('Ports', 'string', fieldDocs.epsPorts),
  column('Endpoints', 'string', fieldDocs.epsEndpoints),
  ageColumn,
];

function endpointSliceRow(eps: discoveryv1.EndpointSlice, ctx: RowContext): unknown[] {
  const ports = (eps.ports ?? []).map((p) => (p.port !== undefined && p.port !== null ? String(p.port) : (p.name ?? '*')));
  const addresses = (eps.endpoints ?? []).flatMap((e) => e.addresses ?? []);
  return [eps.metadata?.name ?? '', eps.addressType ?? '', listWithMore(ports), listWithMore(addresses), timestampSince(eps.metadata?.creationTimestamp, ctx.now)];
}

export const servicePrinter = printer<corev1.Service>(serviceColumns, serviceRow);
export const endpointsPrinter = printer<corev1.Endpoints>(endpointsColumns, (ep, ctx) => [
  ep.metadata?.name ?? '',
  formatEndpoints(ep),
  timestampSince(ep.metadata?.creationTimestamp, ctx.now),
]);
export const endpointSlicePrinter = printer<discoveryv1.EndpointSlice>(endpointSliceColumns, endpointSliceRow);
