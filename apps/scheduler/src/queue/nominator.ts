import type { corev1 } from '@tskube/api-types';
import type { PodNominator } from '../framework/interfaces';
import { podKey, type PodInfo } from '../framework/pod-info';

/** Filter asks for every node of every cycle; most have no nominated pods. */
const NONE: readonly PodInfo[] = Object.freeze([]);

/**
 * Pods nominated to nodes by preemption (kube-scheduler's nominator): a nominated pod's resources
 * count on its node in Filter for pods of lower or equal priority, so the room preemption made is
 * not taken by someone else while the victims terminate. Fed from status.nominatedNodeName and
 * from the scheduler's own preemption decisions before the status write lands.
 */
export class Nominator implements PodNominator {
  private readonly byNode = new Map<string, PodInfo[]>();
  private readonly nodeOfPod = new Map<string, string>();

  /**
   * Records `pod` as nominated to `nodeName`, or to its status.nominatedNodeName when `nodeName` is
   * undefined; replaces any earlier nomination of the pod. Pods already bound are never nominated.
   */
  add(pod: PodInfo, nodeName?: string): void {
    this.delete(pod.pod);
    const node = nodeName ?? pod.pod.status?.nominatedNodeName ?? '';
    if (node === '' || (pod.pod.spec?.nodeName ?? '') !== '') return;
    this.nodeOfPod.set(pod.key, node);
    const list = this.byNode.get(node);
    if (list === undefined) this.byNode.set(node, [pod]);
    else list.push(pod);
  }

  /**
   * Follows an update of a pending pod. An update that carries no nominatedNodeName while the old
   * version carried none either keeps the nomination made in memory: the status write announcing
   * it may simply not have arrived yet (UpdateNominatedPod).
   */
  update(oldPod: corev1.Pod, newPod: PodInfo): void {
    const remembered = this.nodeOfPod.get(newPod.key);
    const oldNominated = oldPod.status?.nominatedNodeName ?? '';
    const newNominated = newPod.pod.status?.nominatedNodeName ?? '';
    if (newNominated === '' && oldNominated === '' && remembered !== undefined) {
      this.add(newPod, remembered);
      return;
    }
    this.add(newPod);
  }

  /** Forgets the pod's nomination; a no-op when it has none. */
  delete(pod: corev1.Pod): void {
    const key = podKey(pod);
    const node = this.nodeOfPod.get(key);
    if (node === undefined) return;
    this.nodeOfPod.delete(key);
    const list = this.byNode.get(node);
    if (list === undefined) return;
    const i = list.findIndex((p) => p.key === key);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.byNode.delete(node);
  }

  /** The node the pod is nominated to, or undefined. */
  nodeOf(key: string): string | undefined {
    return this.nodeOfPod.get(key);
  }

  nominatedPodsForNode(nodeName: string): readonly PodInfo[] {
    return this.byNode.get(nodeName) ?? NONE;
  }
}
