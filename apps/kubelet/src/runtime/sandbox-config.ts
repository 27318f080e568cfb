import { join } from 'node:path';
import type { corev1 } from '@tskube/api-types';
import { cri } from '@tskube/proto';
import { podHostname } from '../network/hosts';
import { podDNSConfig, type DNSSettings } from '../network/dns';
import { sandboxAnnotations, sandboxLabels } from './labels';
import { podCgroupParent } from './resources';

/** `<podLogsDir>/<namespace>_<name>_<uid>`: where the runtime writes the pod's container logs. */
export function podLogDirectory(podLogsDir: string, pod: corev1.Pod): string {
  return join(podLogsDir, `${pod.metadata?.namespace}_${pod.metadata?.name}_${pod.metadata?.uid}`);
}

const protocols: Record<string, cri.Protocol> = { TCP: cri.Protocol.TCP, UDP: cri.Protocol.UDP, SCTP: cri.Protocol.SCTP };

/** The host ports the pod's containers publish (a container port with a hostPort). */
export function portMappings(pod: corev1.Pod): cri.DeepPartial<cri.PortMapping>[] {
  const out: cri.DeepPartial<cri.PortMapping>[] = [];
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort) continue;
      out.push({ protocol: protocols[p.protocol ?? 'TCP'] ?? cri.Protocol.TCP, containerPort: p.containerPort, hostPort: p.hostPort, hostIp: p.hostIP ?? '' });
    }
  }
  return out;
}

/** The namespaces of the pod's containers: host ones on request, the pod's otherwise. */
export function namespaceOptions(pod: corev1.Pod): cri.DeepPartial<cri.NamespaceOption> {
  const spec = pod.spec;
  return {
    network: spec?.hostNetwork ? cri.NamespaceMode.NODE : cri.NamespaceMode.POD,
    pid: spec?.hostPID ? cri.NamespaceMode.NODE : spec?.shareProcessNamespace ? cri.NamespaceMode.POD : cri.NamespaceMode.CONTAINER,
    ipc: spec?.hostIPC ? cri.NamespaceMode.NODE : cri.NamespaceMode.POD,
  };
}

export interface SandboxConfigOptions {
  podLogsDir: string;
  dns: DNSSettings;
  clusterDomain: string;
}

/**
 * The CRI configuration of the pod's sandbox (generatePodSandboxConfig): metadata with the
 * attempt, host name (none for host-network pods, which keep the node's), DNS by the pod's
 * dnsPolicy, host port mappings, labels and annotations, the log directory and, for Linux, the
 * cgroup parent by QoS class, namespaces, sysctls and the pod's security context.
 */
export function sandboxConfig(pod: corev1.Pod, attempt: number, opts: SandboxConfigOptions): { config: cri.DeepPartial<cri.PodSandboxConfig>; dnsWarning?: { reason: string; message: string } } {
  const dns = podDNSConfig(pod, opts.dns);
  const sc = pod.spec?.securityContext;
  const hostname = pod.spec?.hostNetwork ? '' : podHostname(pod);
  const sysctls: Record<string, string> = {};
  for (const s of sc?.sysctls ?? []) sysctls[s.name] = s.value;
  const config: cri.DeepPartial<cri.PodSandboxConfig> = {
    metadata: { name: pod.metadata?.name ?? '', namespace: pod.metadata?.namespace ?? '', uid: pod.metadata?.uid ?? '', attempt },
    hostname,
    logDirectory: podLogDirectory(opts.podLogsDir, pod),
    dnsConfig: dns.config,
    portMappings: portMappings(pod),
    labels: sandboxLabels(pod),
    annotations: sandboxAnnotations(pod),
    linux: {
      cgroupParent: podCgroupParent(pod),
      sysctls,
      securityContext: {
        namespaceOptions: namespaceOptions(pod),
        ...(sc?.runAsUser !== undefined ? { runAsUser: { value: sc.runAsUser } } : {}),
        ...(sc?.runAsGroup !== undefined ? { runAsGroup: { value: sc.runAsGroup } } : {}),
        supplementalGroups: (sc?.supplementalGroups ?? []).map((g) => BigInt(g)),
        seccomp: { profileType: sc?.seccompProfile?.type === 'RuntimeDefault' ? cri.SecurityProfile_ProfileType.RuntimeDefault : cri.SecurityProfile_ProfileType.Unconfined },
      },
    },
  };
  return { config, ...(dns.warning ? { dnsWarning: dns.warning } : {}) };
}
