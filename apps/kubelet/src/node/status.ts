import { isDeepStrictEqual } from 'node:util';
import { Quantity, type corev1 } from '@tskube/api-types';
import type { cri } from '@tskube/proto';
import { setPressureCondition, setReadyCondition, type RecordNodeEvent } from './conditions';
import type { MachineInfo } from './machine-info';

/** At most this many images in status.images (the kubelet's nodeStatusMaxImages default). */
export const MAX_NODE_STATUS_IMAGES = 50;
/** At most this many names per image (MaxNamesPerImageInNodeStatus). */
export const MAX_NAMES_PER_IMAGE = 5;

/**
 * status.images as the kubelet lists them: largest first (ties by ID, descending), at most 50,
 * each with its digests then its tags, at most 5 names.
 */
export function nodeImages(images: readonly cri.Image[], max = MAX_NODE_STATUS_IMAGES): corev1.ContainerImage[] {
  const sorted = [...images].sort((a, b) => (a.size === b.size ? (a.id < b.id ? 1 : a.id > b.id ? -1 : 0) : a.size > b.size ? -1 : 1));
  const out: corev1.ContainerImage[] = [];
  for (const image of sorted) {
    if (out.length >= max) break;
    const names = [...image.repoDigests, ...image.repoTags].slice(0, MAX_NAMES_PER_IMAGE);
    if (names.length === 0) continue;
    out.push({ names, sizeBytes: Number(image.size) });
  }
  return out;
}

/** Everything one status computation needs, gathered beforehand. */
export interface StatusInputs {
  nodeName: string;
  machine: MachineInfo;
  capacity: Record<string, string>;
  allocatable: Record<string, string>;
  addresses: corev1.NodeAddress[];
  /** `containerd://1.7.24`. */
  containerRuntimeVersion: string;
  kubeletVersion: string;
  operatingSystem: string;
  architecture: string;
  kubeletPort: number;
  /** The runtime's images; undefined when listing them failed (the list is then emptied). */
  images: cri.Image[] | undefined;
  runtimeHandlers: cri.RuntimeHandler[] | undefined;
  pressures: ReadonlySet<string>;
  /** Reasons the node is not ready; empty when it is. */
  readyErrors: string[];
  /** metav1.Time of now. */
  now: string;
  record: RecordNodeEvent;
}

/**
 * Applies the kubelet's status setters to `node` in place, in the kubelet's order: addresses,
 * machine info (capacity, allocatable, IDs), versions, daemon endpoints, images, OS and
 * architecture, runtime handlers, then the pressure conditions and Ready (last).
 */
export function applyNodeStatus(node: corev1.Node, input: StatusInputs): void {
  // kubernetes-types marks status read-only; the kubelet is the one writer of a Node's status.
  const writable = node as { status?: corev1.NodeStatus };
  const status = (writable.status ??= {});
  status.addresses = input.addresses;

  // Capacity: ours replace, resources others advertise (extended resources) stay.
  status.capacity = { ...status.capacity, ...input.capacity };
  const allocatable: Record<string, string> = {};
  for (const [k, v] of Object.entries(status.capacity)) allocatable[k] = input.allocatable[k] ?? v;
  status.allocatable = allocatable;

  const previousBootID = status.nodeInfo?.bootID ?? '';
  if (previousBootID !== '' && previousBootID !== input.machine.bootID) {
    input.record('NodeRebooted', 'Warning', `Node ${input.nodeName} has been rebooted, boot id: ${input.machine.bootID}`);
  }
  status.nodeInfo = {
    machineID: input.machine.machineID,
    systemUUID: input.machine.systemUUID,
    bootID: input.machine.bootID,
    kernelVersion: input.machine.kernelVersion,
    osImage: input.machine.osImage,
    containerRuntimeVersion: input.containerRuntimeVersion,
    kubeletVersion: input.kubeletVersion,
    // Kubernetes 1.31+ kubelets leave kube-proxy's version empty (DisableNodeKubeProxyVersion).
    kubeProxyVersion: '',
    operatingSystem: input.operatingSystem,
    architecture: input.architecture,
  };
  status.daemonEndpoints = { kubeletEndpoint: { Port: input.kubeletPort } };
  status.images = input.images === undefined ? [] : nodeImages(input.images);
  if (input.runtimeHandlers !== undefined) {
    (status as { runtimeHandlers?: unknown }).runtimeHandlers = input.runtimeHandlers.map((h) => ({
      name: h.name,
      features: { recursiveReadOnlyMounts: h.features?.recursiveReadOnlyMounts ?? false, userNamespaces: h.features?.userNamespaces ?? false },
    }));
  }

  const conditions = (status.conditions ??= []);
  for (const type of ['MemoryPressure', 'DiskPressure', 'PIDPressure'] as const) setPressureCondition(conditions, type, input.pressures.has(type), input.now, input.record);
  setReadyCondition(conditions, input.readyErrors, input.now, input.record);
}

/** A resource list by amount rather than spelling (`96636764000` and `96636764k` are one quantity). */
function amounts(list: Record<string, string> | undefined): Record<string, string> | undefined {
  if (list === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(list)) {
    try {
      out[k] = Quantity.parse(v).scaledValue(-9).toString();
    } catch {
      out[k] = v;
    }
  }
  return out;
}

/**
 * Whether a status differs from the last one in anything but the conditions' heartbeat times
 * (nodeStatusHasChanged, which compares quantities by value): only then, or when the report
 * interval has passed, is it posted.
 */
export function nodeStatusChanged(before: corev1.NodeStatus | undefined, after: corev1.NodeStatus | undefined): boolean {
  const strip = (s: corev1.NodeStatus | undefined) => {
    if (s === undefined) return undefined;
    const conditions = [...(s.conditions ?? [])].map(({ lastHeartbeatTime: _hb, ...rest }) => rest).sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
    return { ...s, capacity: amounts(s.capacity), allocatable: amounts(s.allocatable), conditions };
  };
  return !isDeepStrictEqual(strip(before), strip(after));
}
