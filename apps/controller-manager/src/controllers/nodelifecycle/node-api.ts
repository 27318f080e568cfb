import { StatusReason, hasReason, type KubeObject, type corev1 } from '@tskube/api-types';
import { PatchType, formatTime, type ApiClient, type Clock, type EventRecorder } from '@tskube/client';
import { Resources } from '../../framework/context';
import type { Taint } from './taints';

type Node = corev1.Node & KubeObject;
type Pod = corev1.Pod & KubeObject;

/** Attempts at a read-modify-write before giving up on conflicts. */
const ConflictRetries = 5;

/**
 * Rewrites a node's taints as `compute` says from the node as stored now, with the node's
 * resourceVersion as precondition and a fresh read after a conflict (controllerutil's
 * AddOrUpdateTaintOnNode / RemoveTaintOffNode). Resolves true when it wrote, false when `compute`
 * wanted no change or the node is gone.
 */
export async function updateNodeTaints(client: ApiClient, name: string, compute: (node: Node) => Taint[] | undefined): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    let node: Node;
    try {
      node = await client.get<Node>(Resources.nodes, '', name);
    } catch (err) {
      if (hasReason(err, StatusReason.NotFound)) return false;
      throw err;
    }
    const taints = compute(node);
    if (taints === undefined) return false;
    try {
      await client.patch(Resources.nodes, '', name, PatchType.MergePatch, {
        metadata: { resourceVersion: node.metadata.resourceVersion },
        spec: { taints: taints.length > 0 ? taints : null },
      });
      return true;
    } catch (err) {
      if (hasReason(err, StatusReason.NotFound)) return false;
      if (!hasReason(err, StatusReason.Conflict) || attempt + 1 >= ConflictRetries) throw err;
    }
  }
}

/**
 * MarkPodsNotReady: sets the Ready condition of each pod bound to `nodeName` to False (transition
 * time now) through the status subresource, with a Warning NodeNotReady event on each. Pods
 * already not ready, without a Ready condition, or gone are skipped. Throws after trying them all
 * when some could not be written.
 */
export async function markPodsNotReady(client: ApiClient, recorder: EventRecorder, clock: Clock, pods: readonly Pod[], nodeName: string): Promise<void> {
  const failures: unknown[] = [];
  for (const cached of pods) {
    if (cached.spec?.nodeName !== nodeName) continue;
    let pod: Pod = cached;
    for (let attempt = 0; ; attempt++) {
      const ready = (pod.status?.conditions ?? []).find((c) => c.type === 'Ready');
      if (!ready || ready.status === 'False') break;
      const conditions = (pod.status?.conditions ?? []).map((c) => (c.type === 'Ready' ? { ...c, status: 'False', lastTransitionTime: formatTime(clock.now()) } : c));
      try {
        await client.updateStatus(Resources.pods, pod.metadata.namespace ?? '', { ...pod, status: { ...pod.status, conditions } });
        recorder.event({ apiVersion: 'v1', kind: 'Pod', metadata: pod.metadata }, 'Warning', 'NodeNotReady', 'Node is not ready');
        break;
      } catch (err) {
        if (hasReason(err, StatusReason.NotFound)) break;
        if (!hasReason(err, StatusReason.Conflict) || attempt + 1 >= ConflictRetries) {
          failures.push(err);
          break;
        }
        try {
          pod = await client.get<Pod>(Resources.pods, pod.metadata.namespace ?? '', pod.metadata.name ?? '');
        } catch (getErr) {
          if (!hasReason(getErr, StatusReason.NotFound)) failures.push(getErr);
          break;
        }
        if (pod.spec?.nodeName !== nodeName) break;
      }
    }
  }
  if (failures.length > 0) throw new AggregateError(failures, `could not mark ${failures.length} pod(s) on node ${nodeName} not ready`);
}

/** A node event with the reference Kubernetes uses for nodes (the name as UID). */
export function nodeStatusEvent(recorder: EventRecorder, node: corev1.Node, status: string): void {
  const name = node.metadata?.name ?? '';
  recorder.event({ apiVersion: 'v1', kind: 'Node', name, uid: name }, 'Normal', status, `Node ${name} status is now: ${status}`);
}

/** controllerutil.RecordNodeEvent: `Node <name> event: <message>` on the node. */
export function nodeEvent(recorder: EventRecorder, node: corev1.Node, reason: string, message: string): void {
  const name = node.metadata?.name ?? '';
  recorder.event({ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata?.uid ?? '' }, 'Normal', reason, `Node ${name} event: ${message}`);
}
