import type { corev1 } from '@tskube/api-types';
import { NodeConfigError } from './resources';

/** Go's GOOS and GOARCH for this process, which the kubelet reports and labels the node with. */
export function goPlatform(): { os: string; arch: string } {
  const arch: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64', loong64: 'loong64', mips: 'mips', mipsel: 'mipsle' };
  const os: Record<string, string> = { linux: 'linux', darwin: 'darwin', win32: 'windows', freebsd: 'freebsd' };
  return { os: os[process.platform] ?? process.platform, arch: arch[process.arch] ?? process.arch };
}

/**
 * The labels the kubelet sets itself and keeps up to date on every registration
 * (kubernetes.io/hostname, os and arch, and their beta.kubernetes.io predecessors).
 */
export function defaultNodeLabels(hostname: string): Record<string, string> {
  const { os, arch } = goPlatform();
  return {
    'beta.kubernetes.io/arch': arch,
    'beta.kubernetes.io/os': os,
    'kubernetes.io/arch': arch,
    'kubernetes.io/hostname': hostname,
    'kubernetes.io/os': os,
  };
}

/** The kubernetes.io and k8s.io labels --node-labels may set although they are not under an allowed prefix. */
const allowedKubeLabels = [
  'beta.kubernetes.io/arch',
  'beta.kubernetes.io/instance-type',
  'beta.kubernetes.io/os',
  'failure-domain.beta.kubernetes.io/region',
  'failure-domain.beta.kubernetes.io/zone',
  'kubernetes.io/arch',
  'kubernetes.io/hostname',
  'kubernetes.io/os',
  'node.kubernetes.io/instance-type',
  'topology.kubernetes.io/region',
  'topology.kubernetes.io/zone',
];
const allowedKubeLabelPrefixes = ['kubelet.kubernetes.io', 'node.kubernetes.io'];

function namespaceOf(key: string): string {
  const slash = key.indexOf('/');
  return slash < 0 ? '' : key.slice(0, slash);
}

function isKubernetesNamespace(ns: string): boolean {
  return ns === 'kubernetes.io' || ns.endsWith('.kubernetes.io') || ns === 'k8s.io' || ns.endsWith('.k8s.io');
}

/**
 * Refuses --node-labels the kubelet may not set (those in the kubernetes.io and k8s.io
 * namespaces outside the allowed prefixes and set: the node authorizer would refuse them too),
 * in the kubelet's words.
 */
export function validateNodeLabels(labels: Record<string, string>): void {
  const unknown = Object.keys(labels)
    .filter((k) => {
      const ns = namespaceOf(k);
      if (!isKubernetesNamespace(ns)) return false;
      if (allowedKubeLabels.includes(k)) return false;
      return !allowedKubeLabelPrefixes.some((p) => ns === p || ns.endsWith(`.${p}`));
    })
    .sort();
  if (unknown.length > 0) {
    throw new NodeConfigError(
      `unknown 'kubernetes.io' or 'k8s.io' labels specified with --node-labels: [${unknown.join(' ')}]\n` +
        `--node-labels in the 'kubernetes.io' namespace must begin with an allowed prefix (${allowedKubeLabelPrefixes.join(', ')}) or be in the specifically allowed set (${allowedKubeLabels.join(', ')})`,
    );
  }
}

/** A taint from --register-with-taints. */
export interface TaintSpec {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** The Node's spec.taints for --register-with-taints (no timeAdded: only NoExecute taints added by controllers carry it). */
export function registrationTaints(taints: readonly TaintSpec[] | undefined): corev1.Taint[] {
  return (taints ?? []).map((t) => ({ key: t.key, ...(t.value ? { value: t.value } : {}), effect: t.effect }));
}
