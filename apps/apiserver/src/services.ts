import { ApiError, type FieldIssue } from './errors';
import type { ApiObject } from './storage/codec';
import type { ResourceStore, Strategy } from './storage/resource-store';

/** An IPv4 CIDR as numbers. */
export interface Cidr {
  base: number;
  size: number;
  text: string;
}

export function parseCidr(text: string): Cidr {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new Error(`invalid CIDR ${text}`);
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (octets.some((o) => o > 255) || bits > 30 || bits < 8) throw new Error(`invalid or unsupported CIDR ${text}`);
  const ip = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - bits);
  return { base: ip - (ip % size), size, text };
}

export function ipToNumber(ip: string): number | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  if (!m) return undefined;
  const octets = m.slice(1).map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  return octets.reduce((acc, o) => acc * 256 + o, 0);
}

export function numberToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

type Port = { name?: string; port?: number; protocol?: string; nodePort?: number; targetPort?: number | string };
type ServiceSpec = { type?: string; clusterIP?: string; clusterIPs?: string[]; ports?: Port[]; ipFamilies?: string[]; ipFamilyPolicy?: string };

/**
 * ClusterIP and NodePort allocation for Services, with conflict detection, from
 * `--service-cluster-ip-range` and `--service-node-port-range`. What is allocated is read from the
 * services' watch cache plus allocations made moments ago that the cache has not seen yet, so two
 * concurrent creates never get the same address. The first address of the range belongs to the
 * `kubernetes` Service.
 */
export class ServiceAllocator {
  private readonly recentIps = new Map<number, number>();
  private readonly recentPorts = new Map<number, number>();
  private services: ResourceStore | undefined;

  constructor(
    readonly range: Cidr,
    readonly nodePorts: { min: number; max: number },
  ) {}

  attach(services: ResourceStore): void {
    this.services = services;
  }

  /** The address of the `kubernetes` Service: the range's first usable address. */
  get apiserverServiceIp(): string {
    return numberToIp(this.range.base + 1);
  }

  strategy(): Pick<Strategy, 'prepareForCreate' | 'prepareForUpdate'> {
    return {
      prepareForCreate: (obj) => this.allocate(obj, undefined),
      prepareForUpdate: (obj, old) => this.allocate(obj, old),
    };
  }

  private inUse(except: ApiObject | undefined): { ips: Set<number>; ports: Set<number> } {
    const ips = new Set<number>();
    const ports = new Set<number>();
    for (const entry of this.services?.cache.list().items ?? []) {
      const spec = (entry.object.spec ?? {}) as ServiceSpec;
      const own = except && entry.object.metadata?.uid === except.metadata?.uid;
      for (const ip of spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : [])) {
        const n = ipToNumber(ip);
        if (n === undefined) continue;
        // Once the cache shows an allocation it is the authority (and a later delete frees it).
        this.recentIps.delete(n);
        if (!own) ips.add(n);
      }
      for (const p of spec.ports ?? []) {
        if (!p.nodePort) continue;
        this.recentPorts.delete(p.nodePort);
        if (!own) ports.add(p.nodePort);
      }
    }
    // Allocations the cache has not caught up with yet (or whose create then failed, kept
    // briefly to be safe).
    const now = Date.now();
    for (const [ip, at] of this.recentIps) if (now - at < 10_000) ips.add(ip);
    for (const [p, at] of this.recentPorts) if (now - at < 10_000) ports.add(p);
    return { ips, ports };
  }

  private allocate(obj: ApiObject, old: ApiObject | undefined): void {
    const spec = (obj.spec ??= {}) as ServiceSpec;
    const prev = (old?.spec ?? {}) as ServiceSpec;
    const name = obj.metadata?.name ?? '';
    const type = spec.type ?? 'ClusterIP';
    const used = this.inUse(old);
    const issues: FieldIssue[] = [];

    if (type === 'ExternalName') {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    } else {
      const requested = spec.clusterIP || spec.clusterIPs?.[0] || prev.clusterIP || '';
      if (old && prev.clusterIP && requested !== prev.clusterIP) {
        issues.push({ type: 'Invalid', field: 'spec.clusterIPs[0]', value: requested, detail: 'may not change once set' });
      } else if (requested === 'None') {
        spec.clusterIP = 'None';
        spec.clusterIPs = ['None'];
      } else if (requested) {
        const n = ipToNumber(requested);
        if (old && requested === prev.clusterIP) {
          // kept
        } else if (n === undefined) {
          issues.push({ type: 'Invalid', field: 'spec.clusterIPs', value: [requested], detail: `must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)` });
        } else if (n <= this.range.base || n >= this.range.base + this.range.size - 1) {
          issues.push({
            type: 'Invalid',
            field: 'spec.clusterIPs',
            value: [requested],
            detail: `failed to allocate IP ${requested}: the provided IP (${requested}) is not in the valid range. The range of valid IPs is ${this.range.text}`,
          });
        } else if (used.ips.has(n)) {
          issues.push({ type: 'Invalid', field: 'spec.clusterIPs', value: [requested], detail: `failed to allocate IP ${requested}: provided IP is already allocated` });
        } else {
          this.recentIps.set(n, Date.now());
        }
        spec.clusterIP = requested;
        spec.clusterIPs = [requested];
      } else {
        const ip = this.nextFreeIp(used.ips, name === 'kubernetes' && obj.metadata?.namespace === 'default');
        if (ip === undefined) throw ApiError.of(500, 'InternalError', `Internal error occurred: failed to allocate a serviceIP: range is full`);
        this.recentIps.set(ip, Date.now());
        spec.clusterIP = numberToIp(ip);
        spec.clusterIPs = [spec.clusterIP];
      }
      spec.ipFamilies ??= ['IPv4'];
      spec.ipFamilyPolicy ??= 'SingleStack';
    }

    const wantsNodePorts = type === 'NodePort' || type === 'LoadBalancer';
    const ports = spec.ports ?? [];
    ports.forEach((p, i) => {
      if (!wantsNodePorts) {
        if (p.nodePort) issues.push({ type: 'Forbidden', field: `spec.ports[${i}].nodePort`, detail: 'may not be used when `type` is \'ClusterIP\'' });
        return;
      }
      const before = prev.ports?.find((q) => q.port === p.port && (q.protocol ?? 'TCP') === (p.protocol ?? 'TCP'))?.nodePort;
      if (!p.nodePort && before) p.nodePort = before;
      if (p.nodePort && p.nodePort === before) return;
      if (p.nodePort) {
        if (p.nodePort < this.nodePorts.min || p.nodePort > this.nodePorts.max) {
          issues.push({
            type: 'Invalid',
            field: `spec.ports[${i}].nodePort`,
            value: p.nodePort,
            detail: `provided port is not in the valid range. The range of valid ports is ${this.nodePorts.min}-${this.nodePorts.max}`,
          });
        } else if (used.ports.has(p.nodePort)) {
          issues.push({ type: 'Invalid', field: `spec.ports[${i}].nodePort`, value: p.nodePort, detail: 'provided port is already allocated' });
        } else {
          used.ports.add(p.nodePort);
          this.recentPorts.set(p.nodePort, Date.now());
        }
        return;
      }
      const port = this.nextFreePort(used.ports);
      if (port === undefined) throw ApiError.of(500, 'InternalError', 'Internal error occurred: failed to allocate a nodePort: range is full');
      used.ports.add(port);
      this.recentPorts.set(port, Date.now());
      p.nodePort = port;
    });
    if (issues.length) throw ApiError.invalid({ group: '', kind: 'Service' }, name, issues);
  }

  private nextFreeIp(used: Set<number>, first: boolean): number | undefined {
    const start = this.range.base + 1;
    const end = this.range.base + this.range.size - 1; // exclusive: broadcast
    if (first && !used.has(start)) return start;
    // A random starting point spreads allocations like Kubernetes' random allocator; the
    // first address stays reserved for the `kubernetes` Service.
    const span = end - (start + 1);
    const offset = Math.floor(Math.random() * span);
    for (let i = 0; i < span; i++) {
      const ip = start + 1 + ((offset + i) % span);
      if (!used.has(ip)) return ip;
    }
    return undefined;
  }

  private nextFreePort(used: Set<number>): number | undefined {
    const span = this.nodePorts.max - this.nodePorts.min + 1;
    const offset = Math.floor(Math.random() * span);
    for (let i = 0; i < span; i++) {
      const p = this.nodePorts.min + ((offset + i) % span);
      if (!used.has(p)) return p;
    }
    return undefined;
  }
}

export function parsePortRange(text: string): { min: number; max: number } {
  const m = /^(\d+)-(\d+)$/.exec(text.trim());
  if (!m || Number(m[1]) > Number(m[2]) || Number(m[2]) > 65535) throw new Error(`invalid port range ${text}`);
  return { min: Number(m[1]), max: Number(m[2]) };
}

/** The `kubernetes` Service in `default`, pointing clients at the apiserver. */
export function kubernetesService(): ApiObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: {
      type: 'ClusterIP',
      sessionAffinity: 'None',
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
    },
  };
}
