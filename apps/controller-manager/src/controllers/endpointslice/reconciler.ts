import type { corev1, discoveryv1 } from '@tskube/api-types';
import { compareStrings } from '../endpoints/compare';
import { HeadlessServiceLabel } from '../endpoints/endpoints-controller';
import { findPort, hostnameFor, ipFamilyOf, isPodReady, isServiceIPSet, podIPs, shouldPodBeInEndpoints } from '../endpoints/pods';
import { canonical } from '../endpoints/semantic';

/** The label naming a slice's service (discovery.LabelServiceName). */
export const ServiceNameLabel = 'kubernetes.io/service-name';
/** The label naming who manages a slice (discovery.LabelManagedBy). */
export const ManagedByLabel = 'endpointslice.kubernetes.io/managed-by';
/** This controller's managed-by value. */
export const ControllerName = 'endpointslice-controller.k8s.io';
/** The node label an endpoint's zone comes from. */
export const ZoneLabel = 'topology.kubernetes.io/zone';

export type AddressType = 'IPv4' | 'IPv6';
export type EndpointSlice = discoveryv1.EndpointSlice;
type Endpoint = discoveryv1.Endpoint;
type EndpointPort = discoveryv1.EndpointPort;

export interface ReconcileInput {
  service: corev1.Service;
  /** The pods the service selects. */
  pods: readonly corev1.Pod[];
  /** The node a pod runs on, from the cache; undefined when unknown. */
  node(name: string): corev1.Node | undefined;
  /** Every slice labelled for the service and managed by this controller. */
  existing: readonly EndpointSlice[];
  maxEndpointsPerSlice: number;
}

export interface ReconcilePlan {
  /** New slices (generateName set, no name). */
  create: EndpointSlice[];
  /** Changed slices, each a copy of the cached one (same name and resourceVersion). */
  update: EndpointSlice[];
  /** Slices to remove. */
  delete: EndpointSlice[];
  /** Pods left out because their node is not known (yet); the service should be synced again. */
  missingNodes: string[];
}

/**
 * What to write so a Service's EndpointSlices match its pods, as Kubernetes' endpointslice
 * reconciler decides it, keeping churn low:
 *
 * - one endpoint per pod and address type (the service's IP families), grouped by the exact ports
 *   it serves (named target ports resolved per pod);
 * - existing slices keep the endpoints that still exist (updated in place when their conditions,
 *   node or zone changed); a slice left empty is deleted, one with changes is updated;
 * - new endpoints first fill slices already being updated (fullest first), then the unchanged
 *   slice that fits them best, then new slices of at most `maxEndpointsPerSlice`;
 * - a service without any endpoint keeps one empty placeholder slice per address type;
 * - a create paired with a delete becomes an update of the slice that would be deleted;
 * - slices owned by another object (an old service of the same name), or of an address type the
 *   service no longer has, are deleted.
 */
export function reconcile(input: ReconcileInput): ReconcilePlan {
  const { service } = input;
  const plan: ReconcilePlan = { create: [], update: [], delete: [], missingNodes: [] };
  const types = addressTypesFor(service);
  const byType = new Map<AddressType, EndpointSlice[]>(types.map((t) => [t, []]));
  for (const slice of input.existing) {
    const list = byType.get(slice.addressType as AddressType);
    if (list && ownedBy(slice, service)) list.push(slice);
    else plan.delete.push(slice);
  }
  const desired = desiredEndpoints(input, types, plan.missingNodes);
  for (const type of types) reconcileAddressType(input, type, byType.get(type)!, desired.get(type)!, plan);

  // Turn create+delete pairs into updates of the doomed slices: fewer objects come and go.
  for (let i = 0; i < plan.delete.length && plan.create.length > 0; ) {
    const doomed = plan.delete[i]!;
    const idx = plan.create.findIndex((c) => c.addressType === doomed.addressType);
    if (idx < 0 || !ownedBy(doomed, service)) {
      i++;
      continue;
    }
    const [fresh] = plan.create.splice(idx, 1);
    plan.update.push({ ...doomed, metadata: { ...doomed.metadata, labels: fresh!.metadata!.labels }, ports: fresh!.ports ?? [], endpoints: fresh!.endpoints });
    plan.delete.splice(i, 1);
  }
  // Never create next to a service being deleted: the garbage collector would race us.
  if (service.metadata?.deletionTimestamp) plan.create = [];
  return plan;
}

/** The address types a service's slices carry, from its IP families (else its cluster IP). */
export function addressTypesFor(service: corev1.Service): AddressType[] {
  const families = service.spec?.ipFamilies ?? [];
  if (families.length > 0) return [...new Set(families.map((f) => (f === 'IPv6' ? 'IPv6' : 'IPv4') as AddressType))];
  if (isServiceIPSet(service)) return [ipFamilyOf(service.spec!.clusterIP!)];
  return ['IPv4'];
}

/** The labels a slice of this service carries: the service's, then the reserved ones. */
export function sliceLabels(service: corev1.Service): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(service.metadata?.labels ?? {})) {
    if (k !== ServiceNameLabel && k !== ManagedByLabel && k !== HeadlessServiceLabel) labels[k] = v;
  }
  if (!isServiceIPSet(service)) labels[HeadlessServiceLabel] = '';
  labels[ServiceNameLabel] = service.metadata?.name ?? '';
  labels[ManagedByLabel] = ControllerName;
  return labels;
}

function ownedBy(slice: EndpointSlice, service: corev1.Service): boolean {
  return (slice.metadata?.ownerReferences ?? []).some((r) => r.kind === 'Service' && r.uid === service.metadata?.uid);
}

interface Group {
  ports: EndpointPort[];
  endpoints: Map<string, Endpoint>;
}

/** Desired endpoints per address type, grouped by port-set key. */
function desiredEndpoints(input: ReconcileInput, types: AddressType[], missingNodes: string[]): Map<AddressType, Map<string, Group>> {
  const { service } = input;
  const out = new Map<AddressType, Map<string, Group>>(types.map((t) => [t, new Map()]));
  const publishNotReady = service.spec?.publishNotReadyAddresses === true;
  const pods = [...input.pods].sort((a, b) => compareStrings(a.metadata?.name ?? '', b.metadata?.name ?? ''));
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const nodeName = pod.spec?.nodeName ?? '';
    const node = nodeName ? input.node(nodeName) : undefined;
    // A pod pointing at an unknown node is left out until the node shows up, unless the service
    // asked for every address regardless of state.
    if (!node && !publishNotReady) {
      missingNodes.push(`${pod.metadata?.name ?? ''} (node ${JSON.stringify(nodeName)})`);
      continue;
    }
    const ports = endpointPorts(service, pod);
    const key = portsKey(ports);
    for (const type of types) {
      const endpoint = podToEndpoint(pod, node, service, type);
      if (endpoint.addresses.length === 0) continue;
      const groups = out.get(type)!;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { ports, endpoints: new Map() }));
      g.endpoints.set(endpointKey(endpoint), endpoint);
    }
  }
  return out;
}

/** A pod as a slice endpoint (podToEndpoint). */
export function podToEndpoint(pod: corev1.Pod, node: corev1.Node | undefined, service: corev1.Service, type: AddressType): Endpoint {
  const serving = isPodReady(pod);
  const terminating = !!pod.metadata?.deletionTimestamp;
  // Ready is never true for a terminating endpoint unless the service publishes every address.
  const ready = service.spec?.publishNotReadyAddresses === true || (serving && !terminating);
  const zone = node?.metadata?.labels?.[ZoneLabel];
  const hostname = hostnameFor(pod, service);
  return {
    addresses: podIPs(pod).filter((ip) => ipFamilyOf(ip) === type),
    conditions: { ready, serving, terminating },
    ...(hostname ? { hostname } : {}),
    targetRef: { kind: 'Pod', namespace: pod.metadata?.namespace ?? '', name: pod.metadata?.name ?? '', uid: pod.metadata?.uid ?? '' },
    ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
    ...(zone ? { zone } : {}),
  };
}

/** The service ports this pod serves, resolved (a pod lacking a named port does not serve it). */
export function endpointPorts(service: corev1.Service, pod: corev1.Pod): EndpointPort[] {
  const out: EndpointPort[] = [];
  for (const sp of service.spec?.ports ?? []) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    out.push({ name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) });
  }
  return out;
}

function portsKey(ports: readonly EndpointPort[] | undefined): string {
  return canonical([...(ports ?? [])].sort((a, b) => compareStrings(a.name ?? '', b.name ?? '') || (a.port ?? 0) - (b.port ?? 0)));
}

/** An endpoint's identity: its addresses, hostname and pod; everything else may change in place. */
function endpointKey(e: Endpoint): string {
  return JSON.stringify([[...e.addresses].sort(), e.hostname ?? '', e.targetRef?.namespace ?? '', e.targetRef?.name ?? '']);
}

function endpointState(e: Endpoint): string {
  return canonical({ ...e, targetRef: e.targetRef ? { ...e.targetRef, resourceVersion: undefined } : undefined });
}

function newSlice(service: corev1.Service, type: AddressType, ports: EndpointPort[]): EndpointSlice {
  const name = service.metadata?.name ?? '';
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      // The dash makes names read well; a name at the length limit goes without it.
      generateName: name.length < 253 ? `${name}-` : name,
      namespace: service.metadata?.namespace ?? '',
      labels: sliceLabels(service),
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name, uid: service.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true }],
    },
    addressType: type,
    ports,
    endpoints: [],
  };
}

function reconcileAddressType(input: ReconcileInput, type: AddressType, existing: EndpointSlice[], desired: Map<string, Group>, plan: ReconcilePlan): void {
  const { service, maxEndpointsPerSlice: max } = input;
  const labels = sliceLabels(service);
  const byPorts = new Map<string, EndpointSlice[]>();
  for (const slice of existing) {
    const key = portsKey(slice.ports);
    byPorts.set(key, [...(byPorts.get(key) ?? []), slice]);
  }
  const deletesBefore = plan.delete.length;
  const createsBefore = plan.create.length;
  const keys = new Set([...byPorts.keys(), ...desired.keys()]);
  for (const key of keys) {
    const group = desired.get(key) ?? { ports: [], endpoints: new Map<string, Endpoint>() };
    reconcilePorts(service, type, max, labels, byPorts.get(key) ?? [], group, plan);
  }
  // A service with no endpoints keeps one empty slice, so consumers can tell "none" from "not yet".
  const deleted = plan.delete.slice(deletesBefore);
  if (existing.length === deleted.length && plan.create.length === createsBefore) {
    const placeholder = newSlice(service, type, []);
    const reuse = deleted.length === 1 && isPlaceholderLike(deleted[0]!, placeholder);
    if (reuse) plan.delete.splice(deletesBefore, 1);
    else plan.create.push(placeholder);
  }
}

function isPlaceholderLike(slice: EndpointSlice, placeholder: EndpointSlice): boolean {
  return (
    slice.addressType === placeholder.addressType &&
    (slice.ports ?? []).length === 0 &&
    (slice.endpoints ?? []).length === 0 &&
    canonical(slice.metadata?.labels) === canonical(placeholder.metadata?.labels)
  );
}

function reconcilePorts(
  service: corev1.Service,
  type: AddressType,
  max: number,
  labels: Record<string, string>,
  slices: EndpointSlice[],
  group: Group,
  plan: ReconcilePlan,
): void {
  const remaining = new Map(group.endpoints);
  const toUpdate: EndpointSlice[] = [];
  const unchanged: EndpointSlice[] = [];
  for (const slice of slices) {
    let changed = canonical(slice.metadata?.labels) !== canonical(labels);
    const kept: Endpoint[] = [];
    for (const ep of slice.endpoints ?? []) {
      const key = endpointKey(ep);
      const want = remaining.get(key);
      if (want === undefined) {
        changed = true;
        continue;
      }
      remaining.delete(key);
      if (endpointState(want) !== endpointState(ep)) {
        changed = true;
        kept.push(want);
      } else {
        kept.push(ep);
      }
    }
    if (kept.length === 0) plan.delete.push(slice);
    else if (changed) toUpdate.push({ ...slice, metadata: { ...slice.metadata, labels }, endpoints: kept });
    else unchanged.push(slice);
  }
  const pending = [...remaining.values()];
  // Fill the slices being written anyway, fullest first.
  toUpdate.sort((a, b) => (b.endpoints?.length ?? 0) - (a.endpoints?.length ?? 0));
  for (const slice of toUpdate) {
    while (pending.length > 0 && slice.endpoints.length < max) slice.endpoints.push(pending.shift()!);
  }
  plan.update.push(...toUpdate);
  while (pending.length > 0) {
    let target: EndpointSlice | undefined;
    if (pending.length < max && unchanged.length > 0) {
      // The unchanged slice that the rest fits in with the least room to spare.
      let best = -1;
      unchanged.forEach((s, i) => {
        const room = max - (s.endpoints?.length ?? 0);
        if (room >= pending.length && (best < 0 || (unchanged[best]!.endpoints?.length ?? 0) < (s.endpoints?.length ?? 0))) best = i;
      });
      if (best >= 0) {
        const [picked] = unchanged.splice(best, 1);
        target = { ...picked!, endpoints: [...(picked!.endpoints ?? [])] };
      }
    }
    const fresh = target === undefined;
    target ??= newSlice(service, type, group.ports);
    while (pending.length > 0 && target.endpoints.length < max) target.endpoints.push(pending.shift()!);
    if (fresh) plan.create.push(target);
    else plan.update.push(target);
  }
}
