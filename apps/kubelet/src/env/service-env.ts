import type { corev1 } from '@tskube/api-types';

/**
 * The Docker-links style variables Kubernetes gives every container for the services it can see:
 * `<NAME>_SERVICE_HOST`, `<NAME>_SERVICE_PORT` (first port), `<NAME>_SERVICE_PORT_<PORTNAME>`, and
 * per port `<NAME>_PORT_<port>_<PROTO>` with its `_PROTO`, `_PORT` and `_ADDR` companions, plus
 * `<NAME>_PORT` for the first port.
 */

/** Headless services (`None`) and services without a cluster IP get no variables. */
export function isServiceIPSet(service: corev1.Service): boolean {
  const ip = service.spec?.clusterIP;
  return ip !== undefined && ip !== '' && ip !== 'None';
}

/** `my-svc` → `MY_SVC`. */
export function envVariableName(name: string): string {
  return name.replaceAll('-', '_').toUpperCase();
}

function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** The variables for `services`, in order: each service's host and ports, then its link variables. */
export function serviceEnvVars(services: readonly corev1.Service[]): { name: string; value: string }[] {
  const out: { name: string; value: string }[] = [];
  for (const service of services) {
    if (!isServiceIPSet(service)) continue;
    const ip = service.spec!.clusterIP!;
    const ports = service.spec?.ports ?? [];
    const prefix = envVariableName(service.metadata?.name ?? '');
    out.push({ name: `${prefix}_SERVICE_HOST`, value: ip });
    if (ports.length === 0) continue;
    out.push({ name: `${prefix}_SERVICE_PORT`, value: String(ports[0]!.port) });
    for (const port of ports) {
      if (port.name) out.push({ name: `${prefix}_SERVICE_PORT_${envVariableName(port.name)}`, value: String(port.port) });
    }
    ports.forEach((port, i) => {
      const protocol = port.protocol || 'TCP';
      const url = `${protocol.toLowerCase()}://${hostPort(ip, port.port)}`;
      if (i === 0) out.push({ name: `${prefix}_PORT`, value: url });
      const portPrefix = `${prefix}_PORT_${port.port}_${protocol.toUpperCase()}`;
      out.push(
        { name: portPrefix, value: url },
        { name: `${portPrefix}_PROTO`, value: protocol.toLowerCase() },
        { name: `${portPrefix}_PORT`, value: String(port.port) },
        { name: `${portPrefix}_ADDR`, value: ip },
      );
    });
  }
  return out;
}

/** The services of the `default` namespace whose variables every pod gets, service links or not. */
const masterServices = new Set(['kubernetes']);

/**
 * The services whose variables a pod of `namespace` gets: the `kubernetes` service of `default`
 * always, and with service links enabled every service of the pod's own namespace (one of which,
 * named `kubernetes`, takes the place of the default one). Sorted by name, for a stable order.
 */
export function visibleServices(namespace: string, enableServiceLinks: boolean, own: readonly corev1.Service[], fromDefault: readonly corev1.Service[]): corev1.Service[] {
  const byName = new Map<string, corev1.Service>();
  for (const service of [...fromDefault, ...own]) {
    if (!isServiceIPSet(service)) continue;
    const name = service.metadata?.name ?? '';
    const ns = service.metadata?.namespace ?? '';
    if (ns === 'default' && masterServices.has(name)) {
      if (!byName.has(name)) byName.set(name, service);
    } else if (ns === namespace && enableServiceLinks) {
      byName.set(name, service);
    }
  }
  return [...byName.values()].sort((a, b) => ((a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1));
}
