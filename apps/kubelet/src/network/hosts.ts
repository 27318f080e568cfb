import type { corev1 } from '@tskube/api-types';

/** The pod's host name: spec.hostname, else its name cut to a DNS label's 63 characters. */
export function podHostname(pod: corev1.Pod): string {
  const name = pod.spec?.hostname || pod.metadata?.name || '';
  return name.length > 63 ? name.slice(0, 63).replace(/[-.]+$/, '') : name;
}

/** `<subdomain>.<namespace>.svc.<cluster domain>` when the pod has a subdomain, else ''. */
export function podHostDomain(pod: corev1.Pod, clusterDomain: string): string {
  const sub = pod.spec?.subdomain;
  if (!sub) return '';
  return `${sub}.${pod.metadata?.namespace ?? 'default'}.svc.${clusterDomain}`;
}

function aliasEntries(aliases: corev1.HostAlias[] | undefined): string {
  if (!aliases?.length) return '';
  let out = '\n# Entries added by HostAliases.\n';
  for (const a of aliases) out += `${a.ip}\t${(a.hostnames ?? []).join('\t')}\n`;
  return out;
}

/**
 * The /etc/hosts the kubelet writes for a pod with its own network namespace: localhost entries,
 * the pod's IPs under its host name (fully qualified first when it has a subdomain), then the
 * pod's hostAliases. Byte for byte Kubernetes' managed hosts file.
 */
export function managedHostsFile(podIPs: string[], hostName: string, hostDomain: string, aliases?: corev1.HostAlias[]): string {
  let out = '# Kubernetes-managed hosts file.\n';
  out += '127.0.0.1\tlocalhost\n';
  out += '::1\tlocalhost ip6-localhost ip6-loopback\n';
  out += 'fe00::0\tip6-localnet\n';
  out += 'fe00::0\tip6-mcastprefix\n';
  out += 'fe00::1\tip6-allnodes\n';
  out += 'fe00::2\tip6-allrouters\n';
  for (const ip of podIPs) out += hostDomain ? `${ip}\t${hostName}.${hostDomain}\t${hostName}\n` : `${ip}\t${hostName}\n`;
  return out + aliasEntries(aliases);
}

/** The /etc/hosts of a host-network pod: the host's own file under the kubelet's header, then the aliases. */
export function hostNetworkHostsFile(hostFile: string, aliases?: corev1.HostAlias[]): string {
  return `# Kubernetes-managed hosts file (host network).\n${hostFile}${aliasEntries(aliases)}`;
}
