import type { corev1 } from '@tskube/api-types';
import { NodeInfo } from '../framework/node-info';
import { PodInfo, podKey } from '../framework/pod-info';
import { Snapshot } from '../framework/snapshot';
import { NodeTree } from './node-tree';

interface PodState {
  info: PodInfo;
  nodeName: string;
  /** Placed by this scheduler and not yet seen bound through the informer. */
  assumed: boolean;
}

const cacheErrorBrand = Symbol.for('tskube.scheduler.CacheError');

/** An operation the cache's state does not allow, such as assuming a pod twice. */
export class CacheError extends Error {
  override readonly name = 'CacheError';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    Object.defineProperty(this, cacheErrorBrand, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[cacheErrorBrand] === true;
  }
}

const hasAffinityPods = (ni: NodeInfo): boolean => ni.podsWithAffinity.length > 0;
const hasAntiAffinityPods = (ni: NodeInfo): boolean => ni.podsWithRequiredAntiAffinity.length > 0;

/**
 * The scheduler's view of nodes and the pods on them (kube-scheduler's cache), fed by the node and
 * assigned-pod informers plus the scheduler's own decisions:
 *
 * - a pod is *assumed* on its node as soon as a cycle picks the node, so the next cycles count it
 *   although the binding has not happened yet; the informer's first sight of the pod bound
 *   *confirms* it (moving it if it was bound elsewhere), and a failed binding *forgets* it;
 * - `snapshot()` hands a cycle a Snapshot whose NodeInfos are copies, refreshed incrementally:
 *   only nodes changed since the previous call are copied again, and the Snapshot object itself is
 *   only rebuilt when the node list (or the set of nodes with affinity pods) changes.
 *
 * Pods are keyed by UID. Single-threaded; every method is synchronous.
 */
export class SchedulerCache {
  private readonly nodes = new Map<string, NodeInfo>();
  private readonly pods = new Map<string, PodState>();
  private readonly tree = new NodeTree();
  private readonly dirty = new Set<string>();
  private readonly snapshotInfos = new Map<string, NodeInfo>();
  private readonly imageCounts = new Map<string, number>();
  private current = new Snapshot([]);
  private rebuild = true;

  /** Nodes whose Node object is known. */
  get nodeCount(): number {
    return this.tree.size;
  }

  /** Pods on nodes, assumed ones included. */
  get podCount(): number {
    return this.pods.size;
  }

  addNode(node: corev1.Node): void {
    const name = node.metadata?.name ?? '';
    let ni = this.nodes.get(name);
    if (ni === undefined) this.nodes.set(name, (ni = new NodeInfo(node)));
    else ni.setNode(node);
    if (this.tree.add(node)) this.rebuild = true;
    this.touch(name);
  }

  updateNode(_oldNode: corev1.Node, newNode: corev1.Node): void {
    this.addNode(newNode);
  }

  /** Forgets the node; its pods stay accounted until they are removed themselves, as in Kubernetes. */
  removeNode(node: corev1.Node): void {
    const name = node.metadata?.name ?? '';
    const ni = this.nodes.get(name);
    if (this.tree.remove(node)) this.rebuild = true;
    if (ni === undefined) return;
    if (ni.pods.length === 0) this.nodes.delete(name);
    else ni.removeNode();
    this.touch(name);
  }

  /**
   * A pod the informer shows bound (AddPod). Confirms it when it was assumed, moving it when it
   * landed on another node than assumed; adding a pod already known updates it.
   */
  addPod(pod: corev1.Pod): void {
    const key = podKey(pod);
    const state = this.pods.get(key);
    if (state === undefined) {
      this.place(key, new PodInfo(pod), pod.spec?.nodeName ?? '', false);
      return;
    }
    this.unplace(state);
    this.place(key, new PodInfo(pod), pod.spec?.nodeName ?? '', false);
  }

  /** A bound pod changed (labels, resources after a resize, ...). */
  updatePod(_oldPod: corev1.Pod, newPod: corev1.Pod): void {
    this.addPod(newPod);
  }

  /** A bound pod is gone (deleted, or finished and no longer holding resources). */
  removePod(pod: corev1.Pod): void {
    const state = this.pods.get(podKey(pod));
    if (state === undefined) return;
    this.unplace(state);
    this.pods.delete(state.info.key);
  }

  /**
   * Counts `info` on `nodeName` before its binding exists (AssumePod). Throws CacheError when the
   * pod is already in the cache.
   */
  assumePod(info: PodInfo, nodeName: string): void {
    if (this.pods.has(info.key)) throw new CacheError(`pod ${info.namespace}/${info.pod.metadata?.name ?? ''} (${info.key}) is already in the cache, so can't be assumed`);
    this.place(info.key, info, nodeName, true);
  }

  /**
   * Undoes an assumption whose binding failed (ForgetPod). A no-op when the pod is no longer
   * assumed (the informer already confirmed it, or it is gone).
   */
  forgetPod(key: string): void {
    const state = this.pods.get(key);
    if (state === undefined || !state.assumed) return;
    this.unplace(state);
    this.pods.delete(key);
  }

  /** Whether the pod is assumed and not yet confirmed by the informer. */
  isAssumed(key: string): boolean {
    return this.pods.get(key)?.assumed === true;
  }

  /** Whether the cache has the pod on a node and it is not being deleted (no deletionTimestamp). */
  hasLivePod(key: string): boolean {
    const state = this.pods.get(key);
    return state !== undefined && state.info.pod.metadata?.deletionTimestamp === undefined;
  }

  /** The node the cache has the pod on (assumed or confirmed), or undefined. */
  nodeOf(key: string): string | undefined {
    return this.pods.get(key)?.nodeName;
  }

  /** The live NodeInfo of a node, for tests and debugging; never mutate it. */
  nodeInfo(name: string): NodeInfo | undefined {
    return this.nodes.get(name);
  }

  /**
   * The cluster for the next scheduling cycle (UpdateSnapshot): NodeInfos copied from the cache,
   * only those changed since the previous call. Snapshot objects returned earlier must not be used
   * once `snapshot()` is called again: their NodeInfos are updated in place.
   */
  snapshot(): Snapshot {
    if (this.dirty.size === 0 && !this.rebuild) return this.current;
    for (const name of this.dirty) {
      const live = this.nodes.get(name);
      const old = this.snapshotInfos.get(name);
      if (live?.node === undefined) {
        if (old !== undefined) {
          this.countImages(old, -1);
          this.snapshotInfos.delete(name);
          this.rebuild = true;
        }
        continue;
      }
      const fresh = live.clone();
      if (old === undefined) {
        this.countImages(fresh, 1);
        this.snapshotInfos.set(name, fresh);
        this.rebuild = true;
        continue;
      }
      if (hasAffinityPods(old) !== hasAffinityPods(fresh) || hasAntiAffinityPods(old) !== hasAntiAffinityPods(fresh)) this.rebuild = true;
      if (old.imageSizes !== fresh.imageSizes) {
        this.countImages(old, -1);
        this.countImages(fresh, 1);
      }
      // Overwrite in place, as kube-scheduler does with `*existing = *clone`: the Snapshot's node
      // list and name index keep pointing at this object, so no O(nodes) rebuild is needed.
      Object.assign(old, fresh);
    }
    this.dirty.clear();
    if (this.rebuild) {
      const infos: NodeInfo[] = [];
      for (const name of this.tree.list()) {
        const ni = this.snapshotInfos.get(name);
        if (ni !== undefined) infos.push(ni);
      }
      this.current = new Snapshot(infos, { imageNumNodes: this.imageCounts });
      this.rebuild = false;
    }
    return this.current;
  }

  private place(key: string, info: PodInfo, nodeName: string, assumed: boolean): void {
    let ni = this.nodes.get(nodeName);
    // Pods may arrive before their node: they wait in a NodeInfo without a Node object.
    if (ni === undefined) {
      ni = new NodeInfo();
      ni.name = nodeName;
      this.nodes.set(nodeName, ni);
    }
    ni.addPod(info);
    this.pods.set(key, { info, nodeName, assumed });
    this.touch(nodeName);
  }

  private unplace(state: PodState): void {
    const ni = this.nodes.get(state.nodeName);
    if (ni === undefined) return;
    ni.removePod(state.info);
    if (ni.node === undefined && ni.pods.length === 0) this.nodes.delete(state.nodeName);
    this.touch(state.nodeName);
  }

  private touch(nodeName: string): void {
    this.dirty.add(nodeName);
  }

  private countImages(ni: NodeInfo, delta: 1 | -1): void {
    for (const image of ni.imageSizes.keys()) {
      const n = (this.imageCounts.get(image) ?? 0) + delta;
      if (n > 0) this.imageCounts.set(image, n);
      else this.imageCounts.delete(image);
    }
  }
}
