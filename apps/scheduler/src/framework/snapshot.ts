import type { corev1 } from '@tskube/api-types';
import { NodeInfo } from './node-info';
import { PodInfo } from './pod-info';

export interface SnapshotOptions {
  /**
   * How many nodes hold each image, when the cache already keeps that count (as kube-scheduler's
   * cache does); otherwise it is counted from the NodeInfos on first use.
   */
  imageNumNodes?: ReadonlyMap<string, number>;
}

/**
 * The cluster as one scheduling cycle sees it (cache.Snapshot): the NodeInfos of the nodes whose Node
 * object is known, in a fixed order, with lookup by name and the lists of nodes hosting pods with
 * (anti-)affinity that InterPodAffinity walks. Plugins treat it as read-only.
 */
export class Snapshot {
  /** Every node, in the order Filter walks them. */
  readonly nodeInfos: readonly NodeInfo[];
  /** Nodes with at least one pod that has pod affinity or anti-affinity of any kind. */
  readonly havePodsWithAffinity: readonly NodeInfo[];
  /** Nodes with at least one pod that has required pod anti-affinity. */
  readonly havePodsWithRequiredAntiAffinity: readonly NodeInfo[];
  private readonly byName = new Map<string, NodeInfo>();
  private imageCounts: ReadonlyMap<string, number> | undefined;

  /** NodeInfos without a Node object are left out, as kube-scheduler's snapshot leaves them out. */
  constructor(nodeInfos: Iterable<NodeInfo>, options: SnapshotOptions = {}) {
    const all: NodeInfo[] = [];
    const withAffinity: NodeInfo[] = [];
    const withAnti: NodeInfo[] = [];
    for (const ni of nodeInfos) {
      if (ni.node === undefined) continue;
      all.push(ni);
      this.byName.set(ni.name, ni);
      if (ni.podsWithAffinity.length > 0) withAffinity.push(ni);
      if (ni.podsWithRequiredAntiAffinity.length > 0) withAnti.push(ni);
    }
    this.nodeInfos = all;
    this.havePodsWithAffinity = withAffinity;
    this.havePodsWithRequiredAntiAffinity = withAnti;
    this.imageCounts = options.imageNumNodes;
  }

  /**
   * Builds NodeInfos from API objects: each pod goes to the node named by its spec.nodeName; pods
   * not bound, bound to unknown nodes, or finished (Succeeded/Failed) are left out.
   */
  static fromObjects(nodes: Iterable<corev1.Node>, pods: Iterable<corev1.Pod | PodInfo> = []): Snapshot {
    const infos = new Map<string, NodeInfo>();
    for (const node of nodes) infos.set(node.metadata?.name ?? '', new NodeInfo(node));
    for (const p of pods) {
      const pod = p instanceof PodInfo ? p.pod : p;
      const phase = pod.status?.phase;
      if (phase === 'Succeeded' || phase === 'Failed') continue;
      const ni = infos.get(pod.spec?.nodeName ?? '');
      if (ni !== undefined && (pod.spec?.nodeName ?? '') !== '') ni.addPod(p);
    }
    return new Snapshot(infos.values());
  }

  /** The NodeInfo named `name`, undefined when the snapshot has no such node. */
  get(name: string): NodeInfo | undefined {
    return this.byName.get(name);
  }

  /** The number of nodes. */
  get size(): number {
    return this.nodeInfos.length;
  }

  /** How many nodes of the snapshot report image `name` (ImageStateSummary.NumNodes). */
  imageNumNodes(name: string): number {
    if (this.imageCounts === undefined) {
      const counts = new Map<string, number>();
      for (const ni of this.nodeInfos) for (const image of ni.imageSizes.keys()) counts.set(image, (counts.get(image) ?? 0) + 1);
      this.imageCounts = counts;
    }
    return this.imageCounts.get(name) ?? 0;
  }
}
