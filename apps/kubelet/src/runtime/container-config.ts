import type { corev1 } from '@tskube/api-types';
import { cri } from '@tskube/proto';
import { namespaceOptions } from './sandbox-config';
import { containerAnnotations, containerLabels } from './labels';
import { containerLinuxResources } from './resources';

/** Paths the runtime hides from unprivileged containers (the kubelet's default procMount). */
export const DEFAULT_MASKED_PATHS = [
  '/proc/asound',
  '/proc/acpi',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/sys/firmware',
  '/sys/devices/virtual/powercap',
];
/** Paths the runtime mounts read-only in unprivileged containers. */
export const DEFAULT_READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

/** `<container>/<restartCount>.log`, relative to the sandbox's log directory. */
export function containerLogPath(containerName: string, restartCount: number): string {
  return `${containerName}/${restartCount}.log`;
}

export interface ContainerConfigInput {
  pod: corev1.Pod;
  container: corev1.Container;
  init: boolean;
  restartCount: number;
  /** The image's ID on the node, as the pull returned it. */
  imageRef: string;
  command: string[];
  args: string[];
  env: { name: string; value: string }[];
  /** Volume mounts, /etc/hosts and the termination log, already made. */
  mounts: cri.DeepPartial<cri.Mount>[];
  memoryCapacity: number;
}

function securityContext(pod: corev1.Pod, container: corev1.Container): cri.DeepPartial<cri.LinuxContainerSecurityContext> {
  const psc = pod.spec?.securityContext;
  const sc = container.securityContext;
  const runAsUser = sc?.runAsUser ?? psc?.runAsUser;
  const runAsGroup = sc?.runAsGroup ?? psc?.runAsGroup;
  const privileged = sc?.privileged === true;
  const unmasked = sc?.procMount === 'Unmasked';
  const seccompType = sc?.seccompProfile?.type ?? psc?.seccompProfile?.type;
  return {
    privileged,
    namespaceOptions: namespaceOptions(pod),
    ...(runAsUser !== undefined ? { runAsUser: { value: runAsUser } } : {}),
    ...(runAsGroup !== undefined ? { runAsGroup: { value: runAsGroup } } : {}),
    supplementalGroups: (psc?.supplementalGroups ?? []).map((g) => BigInt(g)),
    readonlyRootfs: sc?.readOnlyRootFilesystem === true,
    noNewPrivs: sc?.allowPrivilegeEscalation === false,
    ...(sc?.capabilities ? { capabilities: { addCapabilities: sc.capabilities.add ?? [], dropCapabilities: sc.capabilities.drop ?? [] } } : {}),
    maskedPaths: privileged || unmasked ? [] : DEFAULT_MASKED_PATHS,
    readonlyPaths: privileged || unmasked ? [] : DEFAULT_READONLY_PATHS,
    seccomp: { profileType: seccompType === 'RuntimeDefault' ? cri.SecurityProfile_ProfileType.RuntimeDefault : cri.SecurityProfile_ProfileType.Unconfined },
  };
}

/** The CRI configuration of one container (generateContainerConfig). */
export function containerConfig(input: ContainerConfigInput): cri.DeepPartial<cri.ContainerConfig> {
  const { pod, container } = input;
  return {
    metadata: { name: container.name, attempt: input.restartCount },
    image: { image: input.imageRef, userSpecifiedImage: container.image ?? '' },
    command: input.command,
    args: input.args,
    workingDir: container.workingDir ?? '',
    envs: input.env.map((e) => ({ key: e.name, value: e.value })),
    mounts: input.mounts,
    labels: containerLabels(pod, container),
    annotations: containerAnnotations(pod, container, input.restartCount, input.init),
    logPath: containerLogPath(container.name, input.restartCount),
    stdin: container.stdin === true,
    stdinOnce: container.stdinOnce === true,
    tty: container.tty === true,
    linux: {
      resources: containerLinuxResources(pod, container, input.memoryCapacity),
      securityContext: securityContext(pod, container),
    },
  };
}
