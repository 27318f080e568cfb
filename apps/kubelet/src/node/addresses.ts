import { readFile } from 'node:fs/promises';
import { isIPv4, isIPv6 } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { corev1 } from '@tskube/api-types';
import { NodeConfigError } from './resources';

/** Refuses a --node-ip the kubelet refuses (validateNodeIP, less the host-interface check hollow nodes cannot pass). */
export function validateNodeIP(ip: string): void {
  if (!isIPv4(ip) && !isIPv6(ip)) throw new NodeConfigError(`failed to validate nodeIP: invalid IP address "${ip}"`);
  if (/^127\./.test(ip) || ip === '::1') throw new NodeConfigError("failed to validate nodeIP: nodeIP can't be loopback address");
  if (/^(22[4-9]|23\d)\./.test(ip) || /^ff/i.test(ip)) throw new NodeConfigError("failed to validate nodeIP: nodeIP can't be a multicast address");
  if (/^169\.254\./.test(ip) || /^fe[89ab]/i.test(ip)) throw new NodeConfigError("failed to validate nodeIP: nodeIP can't be a link-local unicast address");
  if (ip === '0.0.0.0' || ip === '::') throw new NodeConfigError("failed to validate nodeIP: nodeIP can't be an all zeros address");
}

/** The interface of the IPv4 default route, from /proc/net/route's text. */
export function defaultRouteInterface(routeTable: string): string | undefined {
  for (const line of routeTable.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    // Destination 00000000 and mask 00000000: the default route.
    if (f.length >= 8 && f[1] === '00000000' && f[7] === '00000000') return f[0];
  }
  return undefined;
}

/**
 * The host's address for the node: the IPv4 address of the default route's interface (as the
 * kubelet's ChooseHostInterface picks), else the first non-loopback, non-link-local IPv4 address.
 */
export async function detectNodeIP(): Promise<string | undefined> {
  const ifaces = networkInterfaces();
  const usable = (name: string) =>
    (ifaces[name] ?? []).find((a) => a.family === 'IPv4' && !a.internal && !a.address.startsWith('169.254.'))?.address;
  let routeTable = '';
  try {
    routeTable = await readFile('/proc/net/route', 'utf8');
  } catch {
    // Not Linux, or no procfs: fall back to the interface list.
  }
  const viaDefault = defaultRouteInterface(routeTable);
  if (viaDefault !== undefined) {
    const ip = usable(viaDefault);
    if (ip !== undefined) return ip;
  }
  for (const name of Object.keys(ifaces)) {
    const ip = usable(name);
    if (ip !== undefined) return ip;
  }
  return undefined;
}

/** status.addresses as the kubelet reports them without a cloud provider. */
export function nodeAddresses(ip: string, hostname: string): corev1.NodeAddress[] {
  return [
    { type: 'InternalIP', address: ip },
    { type: 'Hostname', address: hostname },
  ];
}
