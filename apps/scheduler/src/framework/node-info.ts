import type { corev1 } from '@tskube/api-types';
import { PodInfo, podKey, toPodInfo } from './pod-info';
import { Resource, type ResourceList } from './resource';

const DEFAULT_BIND_ALL_HOST_IP = '0.0.0.0';

/**
 * Host ports in use on a node (fwk.HostPortInfo): host IP to `protocol/port` keys. An empty IP means
 * 0.0.0.0 and an empty protocol TCP.
 */
export class HostPortInfo {
  private readonly byIP = new Map<string, Map<string, number>>();

  private static sanitize(ip: string | undefined, protocol: string | undefined): [string, string] {
    return [ip === undefined || ip === '' ? DEFAULT_BIND_ALL_HOST_IP : ip, protocol === undefined || protocol === '' ? 'TCP' : protocol];
  }

  /** Records one use of the port; ports <= 0 are ignored. Uses are counted, so two pods may share a record. */
  add(ip: string | undefined, protocol: string | undefined, port: number): void {
    if (port <= 0) return;
    const [i, p] = HostPortInfo.sanitize(ip, protocol);
    let ports = this.byIP.get(i);
    if (ports === undefined) this.byIP.set(i, (ports = new Map()));
    const key = `${p}/${port}`;
    ports.set(key, (ports.get(key) ?? 0) + 1);
  }

  /** Forgets one use of the port. */
  remove(ip: string | undefined, protocol: string | undefined, port: number): void {
    if (port <= 0) return;
    const [i, p] = HostPortInfo.sanitize(ip, protocol);
    const ports = this.byIP.get(i);
    if (ports === undefined) return;
    const key = `${p}/${port}`;
    const n = (ports.get(key) ?? 0) - 1;
    if (n > 0) ports.set(key, n);
    else ports.delete(key);
    if (ports.size === 0) this.byIP.delete(i);
  }

  /**
   * Whether binding `port` on `ip` clashes with a recorded use (HostPortInfo.CheckConflict): 0.0.0.0
   * clashes with the port on any IP; a specific IP clashes with itself and with 0.0.0.0.
   */
  checkConflict(ip: string | undefined, protocol: string | undefined, port: number): boolean {
    if (port <= 0) return false;
    const [i, p] = HostPortInfo.sanitize(ip, protocol);
    const key = `${p}/${port}`;
    if (i === DEFAULT_BIND_ALL_HOST_IP) {
      for (const ports of this.byIP.values()) if (ports.has(key)) return true;
      return false;
    }
    return this.byIP.get(DEFAULT_BIND_ALL_HOST_IP)?.has(key) === true || this.byIP.get(i)?.has(key) === true;
  }

  /** The number of IPs with ports in use. */
  get size(): number {
    return this.byIP.size;
  }

  clone(): HostPortInfo {
    const copy = new HostPortInfo();
    for (const [ip, ports] of this.byIP) copy.byIP.set(ip, new Map(ports));
    return copy;
  }
}

let generationCounter = 0;
const nextGeneration = (): number => ++generationCounter;

/**
 * One node and the pods assigned to it, with the sums the filters need kept as numbers
 * (framework.NodeInfo): requested and non-zero-requested resources, allocatable resources, host
 * ports in use and image sizes. The scheduler cache owns and mutates NodeInfos; a scheduling cycle
 * only reads them (preemption works on clones). `generation` increases on every change.
 */
export class NodeInfo {
  private nodeObject: corev1.Node | undefined;
  /** node.metadata.name, or the name given before the Node object is known. */
  name: string;
  /** The node's labels ({} when none): the topology plugins read them per node. */
  labels: Readonly<Record<string, string>> = {};
  pods: PodInfo[] = [];
  /** The subset of `pods` with any pod affinity or anti-affinity. */
  podsWithAffinity: PodInfo[] = [];
  /** The subset of `pods` with required pod anti-affinity. */
  podsWithRequiredAntiAffinity: PodInfo[] = [];
  usedPorts = new HostPortInfo();
  /** Sum of the pods' requests. */
  requested = new Resource();
  /** Sum of the pods' cpu and memory requests with 100m / 200Mi counted for containers that request none; other fields stay 0. */
  nonZeroRequested = new Resource();
  /** node.status.allocatable; allowedPodNumber from its `pods`. */
  allocatable = new Resource();
  /** Image sizes in bytes by every name the node reports for them (node.status.images). */
  imageSizes: ReadonlyMap<string, number> = new Map();
  generation = nextGeneration();

  constructor(node?: corev1.Node, pods: Iterable<corev1.Pod | PodInfo> = []) {
    this.name = node?.metadata?.name ?? '';
    if (node !== undefined) this.setNode(node);
    for (const p of pods) this.addPod(p);
  }

  /** The Node object, undefined while only pods bound to the node are known. */
  get node(): corev1.Node | undefined {
    return this.nodeObject;
  }

  /** Replaces the Node object and everything derived from it (labels, allocatable, images). */
  setNode(node: corev1.Node): void {
    this.nodeObject = node;
    this.name = node.metadata?.name ?? '';
    this.labels = node.metadata?.labels ?? {};
    this.allocatable = Resource.fromList(node.status?.allocatable as ResourceList | undefined);
    const images = new Map<string, number>();
    for (const image of node.status?.images ?? []) {
      for (const name of image.names ?? []) {
        if (!images.has(name)) images.set(name, image.sizeBytes ?? 0);
      }
    }
    this.imageSizes = images;
    this.generation = nextGeneration();
  }

  /** Forgets the Node object (its pods stay until removed), as when the node is deleted before its pods. */
  removeNode(): void {
    this.nodeObject = undefined;
    this.labels = {};
    this.allocatable = new Resource();
    this.imageSizes = new Map();
    this.generation = nextGeneration();
  }

  /** Adds a pod and its requests and ports. Adding a pod twice counts it twice; the cache prevents that. */
  addPod(pod: corev1.Pod | PodInfo): PodInfo {
    const info = toPodInfo(pod);
    this.pods.push(info);
    if (info.hasAffinity) this.podsWithAffinity.push(info);
    if (info.hasRequiredAntiAffinity) this.podsWithRequiredAntiAffinity.push(info);
    this.account(info, 1);
    return info;
  }

  /** Removes the pod with `pod`'s key (UID); returns false when it is not on this node. */
  removePod(pod: corev1.Pod | PodInfo): boolean {
    const key = pod instanceof PodInfo ? pod.key : podKey(pod);
    const i = this.pods.findIndex((p) => p.key === key);
    if (i < 0) return false;
    const info = this.pods[i]!;
    this.pods.splice(i, 1);
    removeByKey(this.podsWithAffinity, key);
    removeByKey(this.podsWithRequiredAntiAffinity, key);
    this.account(info, -1);
    return true;
  }

  private account(info: PodInfo, sign: 1 | -1): void {
    this.requested.add(info.requests, sign);
    // Only cpu and memory have non-zero defaults; the scorers read the other dimensions from `requested`.
    this.nonZeroRequested.milliCPU += sign * info.nonZeroMilliCPU;
    this.nonZeroRequested.memory += sign * info.nonZeroMemory;
    for (const p of info.hostPorts) {
      if (sign === 1) this.usedPorts.add(p.hostIP, p.protocol, p.hostPort ?? 0);
      else this.usedPorts.remove(p.hostIP, p.protocol, p.hostPort ?? 0);
    }
    this.generation = nextGeneration();
  }

  /** A copy whose pod lists, sums and ports can change without touching this one (NodeInfo.Snapshot). */
  clone(): NodeInfo {
    const copy = new NodeInfo();
    copy.nodeObject = this.nodeObject;
    copy.name = this.name;
    copy.labels = this.labels;
    copy.pods = [...this.pods];
    copy.podsWithAffinity = [...this.podsWithAffinity];
    copy.podsWithRequiredAntiAffinity = [...this.podsWithRequiredAntiAffinity];
    copy.usedPorts = this.usedPorts.clone();
    copy.requested = this.requested.clone();
    copy.nonZeroRequested = this.nonZeroRequested.clone();
    copy.allocatable = this.allocatable.clone();
    copy.imageSizes = this.imageSizes;
    copy.generation = this.generation;
    return copy;
  }
}

function removeByKey(list: PodInfo[], key: string): void {
  const i = list.findIndex((p) => p.key === key);
  if (i >= 0) list.splice(i, 1);
}
