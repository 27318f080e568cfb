import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';

/** The interface of the IPv4 default route, from /proc/net/route; undefined when there is none. */
export function defaultRouteInterface(routeTable?: string): string | undefined {
  let text = routeTable;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/net/route', 'utf8');
    } catch {
      return undefined;
    }
  }
  for (const line of text.split('\n').slice(1)) {
    const [iface, destination, , , , , , mask] = line.trim().split(/\s+/);
    if (iface && destination === '00000000' && mask === '00000000') return iface;
  }
  return undefined;
}

/**
 * The node's IP when --node-ip does not give one, chosen as the kubelet does: an address of the
 * interface that holds the default route, else the first non-loopback IPv4 address; 127.0.0.1
 * on a machine with nothing else.
 */
export function detectNodeIP(interfaces = networkInterfaces(), routeIface = defaultRouteInterface()): string {
  const v4 = (name: string) => (interfaces[name] ?? []).find((a) => a.family === 'IPv4' && !a.internal)?.address;
  if (routeIface) {
    const ip = v4(routeIface);
    if (ip) return ip;
  }
  for (const name of Object.keys(interfaces)) {
    const ip = v4(name);
    if (ip) return ip;
  }
  return '127.0.0.1';
}
