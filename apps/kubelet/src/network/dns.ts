import type { corev1 } from '@tskube/api-types';
import type { cri } from '@tskube/proto';

/** A resolver configuration: what resolv.conf holds and what CRI's DNSConfig carries. */
export interface ResolverConfig {
  servers: string[];
  searches: string[];
  options: string[];
}

/** Reads resolv.conf text: `nameserver`, `search` (the last one wins, as the resolver does) and `options` lines. */
export function parseResolvConf(text: string): ResolverConfig {
  const out: ResolverConfig = { servers: [], searches: [], options: [] };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    if (line === '') continue;
    const [word, ...rest] = line.split(/\s+/);
    if (word === 'nameserver' && rest[0]) out.servers.push(rest[0]);
    else if (word === 'search') out.searches = rest.map((s) => s.replace(/\.$/, ''));
    else if (word === 'domain' && rest[0]) out.searches = [rest[0].replace(/\.$/, '')];
    else if (word === 'options') out.options.push(...rest);
  }
  return out;
}

/** What the pod's DNS configuration is made of besides the pod itself. */
export interface DNSSettings {
  /** --cluster-dns; empty: ClusterFirst pods fall back to Default. */
  clusterDNS: string[];
  /** --cluster-domain. */
  clusterDomain: string;
  /** The host's resolv.conf (--resolv-conf), already read. */
  host: ResolverConfig;
}

/** The outcome for one pod: CRI's DNSConfig, and a warning event to record when there is one. */
export interface PodDNS {
  config: cri.DeepPartial<cri.DNSConfig>;
  warning?: { reason: string; message: string };
}

const maxSearches = 32;
const maxSearchLength = 2048;
const maxNameservers = 3;

/** An option's name (`ndots` of `ndots:5`). */
const optionName = (o: string) => o.split(':')[0]!;

/** Merges options: later ones replace earlier ones of the same name, order of first appearance kept. */
function mergeOptions(base: string[], extra: corev1.PodDNSConfigOption[]): string[] {
  const byName = new Map<string, string>();
  for (const o of base) byName.set(optionName(o), o);
  for (const o of extra) {
    if (!o.name) continue;
    byName.set(o.name, o.value !== undefined ? `${o.name}:${o.value}` : o.name);
  }
  return [...byName.values()];
}

function dedupe(values: string[]): string[] {
  return [...new Set(values)];
}

/** Keeps the search list within glibc's limits, as the kubelet does (it also warns, which this leaves out). */
function trimSearches(searches: string[]): string[] {
  const out: string[] = [];
  let length = 0;
  for (const s of searches) {
    if (out.length >= maxSearches || length + s.length + 1 > maxSearchLength) break;
    out.push(s);
    length += s.length + 1;
  }
  return out;
}

/**
 * The pod's resolver configuration by its dnsPolicy, as the kubelet's DNS configurer builds it:
 * ClusterFirst (and ClusterFirstWithHostNet for host-network pods): the cluster's nameservers, the
 * search path `<ns>.svc.<domain> svc.<domain> <domain>` before the host's, and `ndots:5`;
 * Default: the host's resolv.conf; None: only the pod's dnsConfig. The pod's dnsConfig is merged
 * into every policy.
 */
export function podDNSConfig(pod: corev1.Pod, settings: DNSSettings): PodDNS {
  const spec = pod.spec ?? ({} as corev1.PodSpec);
  let policy = spec.dnsPolicy ?? 'ClusterFirst';
  let warning: PodDNS['warning'];
  if (policy === 'ClusterFirst' && spec.hostNetwork) policy = 'Default';
  if (policy === 'ClusterFirstWithHostNet') policy = 'ClusterFirst';
  if (policy === 'ClusterFirst' && settings.clusterDNS.length === 0) {
    warning = {
      reason: 'MissingClusterDNS',
      message: `pod: "${pod.metadata?.name}_${pod.metadata?.namespace}(${pod.metadata?.uid})". kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.`,
    };
    policy = 'Default';
  }
  let base: ResolverConfig;
  if (policy === 'None') base = { servers: [], searches: [], options: [] };
  else if (policy === 'Default') base = { servers: [...settings.host.servers], searches: [...settings.host.searches], options: [...settings.host.options] };
  else {
    const ns = pod.metadata?.namespace ?? 'default';
    const domain = settings.clusterDomain;
    const clusterSearches = domain ? [`${ns}.svc.${domain}`, `svc.${domain}`, domain] : [];
    base = { servers: [...settings.clusterDNS], searches: [...clusterSearches, ...settings.host.searches], options: ['ndots:5'] };
  }
  const extra = spec.dnsConfig;
  const servers = dedupe([...base.servers, ...(extra?.nameservers ?? [])]).slice(0, maxNameservers);
  const searches = trimSearches(dedupe([...base.searches, ...(extra?.searches ?? [])]));
  const options = mergeOptions(base.options, extra?.options ?? []);
  return { config: { servers, searches, options }, ...(warning ? { warning } : {}) };
}
