import type { corev1 } from '@tskube/api-types';
import { compareStrings } from './compare';
import { findPort, hostnameFor, isPodReady, podIPForService, shouldPodBeInEndpoints } from './pods';
import { canonical } from './semantic';

/** Most addresses one Endpoints object carries; beyond it the controller truncates (maxCapacity). */
export const MaxEndpointsCapacity = 1000;

/** Set, with value `truncated`, on an Endpoints object the controller had to cut down. */
export const OverCapacityAnnotation = 'endpoints.kubernetes.io/over-capacity';

interface Entry {
  address: corev1.EndpointAddress;
  ready: boolean;
  port: corev1.EndpointPort | undefined;
}

/**
 * The subsets of a Service's Endpoints from its pods, as the Endpoints controller computes them:
 * one address per pod with an IP of the service's family (targetRef, nodeName, hostname), ready
 * or not-ready by the pod's Ready condition (all ready with publishNotReadyAddresses), terminating
 * pods left out unless publishNotReadyAddresses, each service port resolved on each pod (a pod
 * lacking a named port is left out of that port), and a headless service without ports listing
 * bare addresses. The result is repacked: addresses grouped by the exact set of ports they serve.
 */
export function computeSubsets(service: corev1.Service, pods: readonly corev1.Pod[]): corev1.EndpointSubset[] {
  const publishNotReady = service.spec?.publishNotReadyAddresses === true;
  const ports = service.spec?.ports ?? [];
  const entries: Entry[] = [];
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, publishNotReady)) continue;
    const ip = podIPForService(service, pod);
    if (!ip) continue;
    const hostname = hostnameFor(pod, service);
    const address: corev1.EndpointAddress = {
      ip,
      ...(hostname ? { hostname } : {}),
      ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
      targetRef: { kind: 'Pod', namespace: pod.metadata?.namespace ?? '', name: pod.metadata?.name ?? '', uid: pod.metadata?.uid ?? '' },
    };
    const ready = publishNotReady || isPodReady(pod);
    if (ports.length === 0) {
      if (service.spec?.clusterIP === 'None') entries.push({ address, ready, port: undefined });
      continue;
    }
    for (const sp of ports) {
      const port = findPort(pod, sp);
      if (port === undefined) continue;
      entries.push({
        address,
        ready,
        port: { ...(sp.name ? { name: sp.name } : {}), port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) },
      });
    }
  }
  return repackSubsets(entries);
}

const addressKey = (a: corev1.EndpointAddress) => `${a.ip}|${a.targetRef?.namespace ?? ''}|${a.targetRef?.name ?? ''}|${a.targetRef?.uid ?? ''}`;
const portKey = (p: corev1.EndpointPort) => canonical(p);

/**
 * endpoints.RepackSubsets: maps every port to the addresses serving it (ready winning over
 * not-ready for one address), then makes one subset per distinct address set with all the ports
 * that set serves. Addresses sorted by IP then pod UID, ports by name, subsets by first address,
 * so equal inputs give equal outputs.
 */
function repackSubsets(entries: readonly Entry[]): corev1.EndpointSubset[] {
  const NoPort = '';
  const byPort = new Map<string, { port: corev1.EndpointPort | undefined; addrs: Map<string, Entry> }>();
  for (const e of entries) {
    const pk = e.port ? portKey(e.port) : NoPort;
    let slot = byPort.get(pk);
    if (!slot) byPort.set(pk, (slot = { port: e.port, addrs: new Map() }));
    const ak = addressKey(e.address);
    const seen = slot.addrs.get(ak);
    if (!seen || (!seen.ready && e.ready)) slot.addrs.set(ak, e);
  }
  const groups = new Map<string, { addrs: Entry[]; ports: corev1.EndpointPort[] }>();
  for (const { port, addrs } of byPort.values()) {
    const sorted = [...addrs.values()].sort((a, b) => compareAddresses(a.address, b.address));
    const gk = sorted.map((e) => `${addressKey(e.address)}#${e.ready}`).join(',');
    let g = groups.get(gk);
    if (!g) groups.set(gk, (g = { addrs: sorted, ports: [] }));
    if (port) g.ports.push(port);
  }
  const subsets: corev1.EndpointSubset[] = [];
  for (const g of groups.values()) {
    const ready = g.addrs.filter((e) => e.ready).map((e) => e.address);
    const notReady = g.addrs.filter((e) => !e.ready).map((e) => e.address);
    subsets.push(subset(ready, notReady, g.ports.sort(comparePorts)));
  }
  return subsets.sort((a, b) => compareStrings(subsetSortKey(a), subsetSortKey(b)));
}

function compareAddresses(a: corev1.EndpointAddress, b: corev1.EndpointAddress): number {
  return compareStrings(a.ip, b.ip) || compareStrings(a.targetRef?.uid ?? '', b.targetRef?.uid ?? '');
}

function comparePorts(a: corev1.EndpointPort, b: corev1.EndpointPort): number {
  return compareStrings(a.name ?? '', b.name ?? '') || a.port - b.port || compareStrings(a.protocol ?? '', b.protocol ?? '');
}

function subsetSortKey(s: corev1.EndpointSubset): string {
  const first = s.addresses?.[0] ?? s.notReadyAddresses?.[0];
  return `${first?.ip ?? ''}|${(s.ports ?? []).map(portKey).join(',')}`;
}

/** How many addresses (ready and not) the subsets hold. */
export function countAddresses(subsets: readonly corev1.EndpointSubset[]): number {
  return subsets.reduce((n, s) => n + (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0), 0);
}

/**
 * Cuts subsets down to MaxEndpointsCapacity addresses as the controller does: not-ready addresses
 * go first; when the ready ones alone are too many, every subset keeps its proportional share of
 * them (rounded up, the last getting what is left). Returns the subsets unchanged when they fit.
 */
export function truncateSubsets(subsets: readonly corev1.EndpointSubset[], capacity = MaxEndpointsCapacity): { subsets: corev1.EndpointSubset[]; truncated: boolean } {
  const totalReady = subsets.reduce((n, s) => n + (s.addresses?.length ?? 0), 0);
  const totalNotReady = subsets.reduce((n, s) => n + (s.notReadyAddresses?.length ?? 0), 0);
  if (totalReady + totalNotReady <= capacity) return { subsets: [...subsets], truncated: false };
  const truncateReady = totalReady > capacity;
  const max = truncateReady ? capacity : capacity - totalReady;
  const total = truncateReady ? totalReady : totalNotReady;
  let room = max;
  const out = subsets.map((s) => {
    const inSubset = truncateReady ? (s.addresses?.length ?? 0) : (s.notReadyAddresses?.length ?? 0);
    const share = Math.min(Math.ceil((inSubset / total) * max), room);
    if (truncateReady) {
      const addresses = (s.addresses ?? []).slice(0, share);
      room -= addresses.length;
      return subset(addresses, [], s.ports);
    }
    const notReady = (s.notReadyAddresses ?? []).slice(0, share);
    room -= notReady.length;
    return subset(s.addresses ?? [], notReady, s.ports);
  });
  // A subset left with no address at all is invalid; drop it.
  return { subsets: out.filter((s) => countAddresses([s]) > 0), truncated: true };
}

function subset(addresses: corev1.EndpointAddress[], notReady: corev1.EndpointAddress[], ports: corev1.EndpointPort[] | undefined): corev1.EndpointSubset {
  return {
    ...(addresses.length ? { addresses } : {}),
    ...(notReady.length ? { notReadyAddresses: notReady } : {}),
    ...(ports?.length ? { ports } : {}),
  };
}
