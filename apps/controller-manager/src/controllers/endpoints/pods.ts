import type { corev1 } from '@tskube/api-types';

/**
 * What the Endpoints and EndpointSlice controllers read from pods and services, as Kubernetes'
 * pkg/api/v1/pod and staging endpointslice util packages answer it. Shared by both controllers.
 */

/** A pod's Ready condition is True (podutil.IsPodReady). */
export function isPodReady(pod: corev1.Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Succeeded or Failed: the pod will never run again. */
export function isPodTerminal(pod: corev1.Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** The pod's IPs: status.podIPs, or status.podIP when only that is set. */
export function podIPs(pod: corev1.Pod): string[] {
  const ips = (pod.status?.podIPs ?? []).map((p) => p.ip).filter((ip): ip is string => !!ip);
  if (ips.length > 0) return ips;
  return pod.status?.podIP ? [pod.status.podIP] : [];
}

/**
 * Whether a pod belongs in a Service's endpoints at all (endpointsliceutil.ShouldPodBeInEndpoints):
 * not terminal, has an IP, and, unless `includeTerminating`, is not being deleted.
 */
export function shouldPodBeInEndpoints(pod: corev1.Pod, includeTerminating: boolean): boolean {
  if (isPodTerminal(pod)) return false;
  if (podIPs(pod).length === 0) return false;
  if (!includeTerminating && pod.metadata?.deletionTimestamp) return false;
  return true;
}

/** IPv6 when the text has a colon; the apiserver has validated the address already. */
export function ipFamilyOf(ip: string): 'IPv4' | 'IPv6' {
  return ip.includes(':') ? 'IPv6' : 'IPv4';
}

/**
 * The pod's IP of the family the service serves (its first ipFamilies entry; else the family of
 * its clusterIP; a headless service without families takes the pod's first IP's family).
 */
export function podIPForService(svc: corev1.Service, pod: corev1.Pod): string | undefined {
  const ips = podIPs(pod);
  let family: 'IPv4' | 'IPv6' = 'IPv4';
  const families = svc.spec?.ipFamilies ?? [];
  if (families.length > 0) family = families[0] === 'IPv6' ? 'IPv6' : 'IPv4';
  else if (isServiceIPSet(svc)) family = ipFamilyOf(svc.spec!.clusterIP!);
  else if (ips[0]) family = ipFamilyOf(ips[0]);
  return ips.find((ip) => ipFamilyOf(ip) === family);
}

/** A service with a cluster IP (not headless, not ExternalName without one). */
export function isServiceIPSet(svc: corev1.Service): boolean {
  const ip = svc.spec?.clusterIP;
  return !!ip && ip !== 'None';
}

/**
 * The container port a service port reaches on this pod (podutil.FindPort): a numeric targetPort
 * as is, a named one looked up by name and protocol among the containers' (and restartable init
 * containers') ports. Undefined when the pod has no such port.
 */
export function findPort(pod: corev1.Pod, port: corev1.ServicePort): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  const protocol = port.protocol ?? 'TCP';
  const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')];
  for (const c of containers) {
    for (const p of c.ports ?? []) {
      if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
    }
  }
  return undefined;
}

/** The hostname a pod publishes through a service: its spec.hostname when its subdomain is the service. */
export function hostnameFor(pod: corev1.Pod, svc: corev1.Service): string | undefined {
  const hostname = pod.spec?.hostname;
  if (!hostname || pod.spec?.subdomain !== svc.metadata?.name || pod.metadata?.namespace !== svc.metadata?.namespace) return undefined;
  return hostname;
}

/**
 * Whether the service selects pods. A nil and an empty selector are the same once stored (the map
 * is omitted when empty), and both mean "endpoints are managed by someone else".
 */
export function hasSelector(svc: corev1.Service): boolean {
  return Object.keys(svc.spec?.selector ?? {}).length > 0;
}

/** The service selects this pod: same namespace and every selector label matches. */
export function selectsPod(svc: corev1.Service, pod: corev1.Pod): boolean {
  if (!hasSelector(svc) || svc.metadata?.namespace !== pod.metadata?.namespace) return false;
  const labels = pod.metadata?.labels ?? {};
  return Object.entries(svc.spec!.selector!).every(([k, v]) => labels[k] === v);
}

/**
 * Whether a pod update can change any endpoint built from it (labels aside, which change
 * membership): IPs, readiness, deletion, node, hostname, ports, phase.
 */
export function podEndpointFieldsChanged(oldPod: corev1.Pod, newPod: corev1.Pod): boolean {
  const view = (p: corev1.Pod) =>
    JSON.stringify([
      podIPs(p),
      isPodReady(p),
      p.status?.phase ?? '',
      p.metadata?.deletionTimestamp ?? '',
      p.spec?.nodeName ?? '',
      p.spec?.hostname ?? '',
      p.spec?.subdomain ?? '',
      (p.spec?.containers ?? []).map((c) => c.ports ?? []),
      (p.status?.conditions ?? []).find((c) => c.type === 'Ready')?.lastTransitionTime ?? '',
    ]);
  return view(oldPod) !== view(newPod);
}

/** Same label map, ignoring order. */
export function labelsEqual(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const ka = Object.keys(a ?? {});
  if (ka.length !== Object.keys(b ?? {}).length) return false;
  return ka.every((k) => (b ?? {})[k] === (a ?? {})[k]);
}
