import { createHash } from 'node:crypto';
import type { corev1 } from '@tskube/api-types';

/**
 * The labels and annotations the kubelet puts on CRI sandboxes and containers, with Kubernetes'
 * keys (pkg/kubelet/types and kuberuntime's labels.go), so that a restarted kubelet, crictl and
 * anything else that knows them can tell which pod and container each belongs to.
 */
export const LabelKey = {
  PodName: 'io.kubernetes.pod.name',
  PodNamespace: 'io.kubernetes.pod.namespace',
  PodUID: 'io.kubernetes.pod.uid',
  ContainerName: 'io.kubernetes.container.name',
} as const;

export const AnnotationKey = {
  ContainerHash: 'io.kubernetes.container.hash',
  RestartCount: 'io.kubernetes.container.restartCount',
  TerminationMessagePath: 'io.kubernetes.container.terminationMessagePath',
  TerminationMessagePolicy: 'io.kubernetes.container.terminationMessagePolicy',
  PreStopHandler: 'io.kubernetes.container.preStopHandler',
  ContainerPorts: 'io.kubernetes.container.ports',
  PodDeletionGracePeriod: 'io.kubernetes.pod.deletionGracePeriod',
  PodTerminationGracePeriod: 'io.kubernetes.pod.terminationGracePeriod',
  /** tskube's own: whether the container is one of the pod's init containers. */
  InitContainer: 'io.kubernetes.container.init',
} as const;

/** Sandbox labels: the pod's own labels plus the kubelet's three. */
export function sandboxLabels(pod: corev1.Pod): Record<string, string> {
  return {
    ...pod.metadata?.labels,
    [LabelKey.PodName]: pod.metadata?.name ?? '',
    [LabelKey.PodNamespace]: pod.metadata?.namespace ?? '',
    [LabelKey.PodUID]: pod.metadata?.uid ?? '',
  };
}

/** Sandbox annotations: the pod's own, as the kubelet passes them on. */
export function sandboxAnnotations(pod: corev1.Pod): Record<string, string> {
  return { ...pod.metadata?.annotations };
}

export function containerLabels(pod: corev1.Pod, container: corev1.Container): Record<string, string> {
  return {
    [LabelKey.PodName]: pod.metadata?.name ?? '',
    [LabelKey.PodNamespace]: pod.metadata?.namespace ?? '',
    [LabelKey.PodUID]: pod.metadata?.uid ?? '',
    [LabelKey.ContainerName]: container.name,
  };
}

export function containerAnnotations(pod: corev1.Pod, container: corev1.Container, restartCount: number, init: boolean): Record<string, string> {
  const out: Record<string, string> = {
    [AnnotationKey.ContainerHash]: containerHash(container),
    [AnnotationKey.RestartCount]: String(restartCount),
    [AnnotationKey.TerminationMessagePath]: container.terminationMessagePath ?? '/dev/termination-log',
    [AnnotationKey.TerminationMessagePolicy]: container.terminationMessagePolicy ?? 'File',
  };
  if (pod.metadata?.deletionGracePeriodSeconds !== undefined) out[AnnotationKey.PodDeletionGracePeriod] = String(pod.metadata.deletionGracePeriodSeconds);
  if (pod.spec?.terminationGracePeriodSeconds !== undefined) out[AnnotationKey.PodTerminationGracePeriod] = String(pod.spec.terminationGracePeriodSeconds);
  if (container.lifecycle?.preStop) out[AnnotationKey.PreStopHandler] = JSON.stringify(container.lifecycle.preStop);
  if (container.ports?.length) out[AnnotationKey.ContainerPorts] = JSON.stringify(container.ports);
  if (init) out[AnnotationKey.InitContainer] = 'true';
  return out;
}

/**
 * A hash of what a container runs, stored with it so that a changed spec (a new image, above all)
 * is noticed and the container replaced, as the kubelet's container hash does. Resources are left
 * out: changing them does not restart a container.
 */
export function containerHash(container: corev1.Container): string {
  const { resources: _resources, resizePolicy: _resize, ...rest } = container as corev1.Container & { resizePolicy?: unknown };
  return createHash('sha256').update(stableJson(rest)).digest('hex').slice(0, 8);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** What the kubelet reads back from a CRI container's labels and annotations. */
export interface ContainerLabelInfo {
  podName: string;
  podNamespace: string;
  podUID: string;
  containerName: string;
  hash: string;
  restartCount: number;
  terminationMessagePath: string;
  terminationMessagePolicy: string;
  init: boolean;
  preStop?: corev1.LifecycleHandler;
  terminationGracePeriod?: number;
  deletionGracePeriod?: number;
}

export function containerInfo(labels: Record<string, string>, annotations: Record<string, string>): ContainerLabelInfo {
  const num = (v: string | undefined) => (v === undefined || v === '' || !Number.isFinite(Number(v)) ? undefined : Number(v));
  let preStop: corev1.LifecycleHandler | undefined;
  try {
    preStop = annotations[AnnotationKey.PreStopHandler] ? (JSON.parse(annotations[AnnotationKey.PreStopHandler]) as corev1.LifecycleHandler) : undefined;
  } catch {
    preStop = undefined;
  }
  const tgp = num(annotations[AnnotationKey.PodTerminationGracePeriod]);
  const dgp = num(annotations[AnnotationKey.PodDeletionGracePeriod]);
  return {
    podName: labels[LabelKey.PodName] ?? '',
    podNamespace: labels[LabelKey.PodNamespace] ?? '',
    podUID: labels[LabelKey.PodUID] ?? '',
    containerName: labels[LabelKey.ContainerName] ?? '',
    hash: annotations[AnnotationKey.ContainerHash] ?? '',
    restartCount: num(annotations[AnnotationKey.RestartCount]) ?? 0,
    terminationMessagePath: annotations[AnnotationKey.TerminationMessagePath] ?? '',
    terminationMessagePolicy: annotations[AnnotationKey.TerminationMessagePolicy] ?? 'File',
    init: annotations[AnnotationKey.InitContainer] === 'true',
    ...(preStop ? { preStop } : {}),
    ...(tgp !== undefined ? { terminationGracePeriod: tgp } : {}),
    ...(dgp !== undefined ? { deletionGracePeriod: dgp } : {}),
  };
}

/** `name_namespace(uid)`: how the kubelet names a pod in messages (format.Pod). */
export function formatPod(pod: corev1.Pod): string {
  return `${pod.metadata?.name ?? ''}_${pod.metadata?.namespace ?? ''}(${pod.metadata?.uid ?? ''})`;
}
