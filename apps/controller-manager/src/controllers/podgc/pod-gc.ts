import { StatusReason, hasReason, type KubeObject, type corev1 } from '@tskube/api-types';
import { PatchType, formatTime, type ApiClient, type Clock, type GroupVersionResource, type Lister } from '@tskube/client';
import type { Logger } from '@tskube/component';

export type Pod = corev1.Pod & KubeObject;
export type Node = corev1.Node & KubeObject;

const PodsResource: GroupVersionResource = { group: '', version: 'v1', resource: 'pods' };
const NodesResource: GroupVersionResource = { group: '', version: 'v1', resource: 'nodes' };

/** The taint that says a node is down for good and its pods may be force-deleted. */
export const TaintNodeOutOfService = 'node.kubernetes.io/out-of-service';

/** Deletions in flight at once. */
const deleteConcurrency = 16;

export interface PodGCOptions {
  client: ApiClient;
  logger: Logger;
  pods: Lister<Pod>;
  nodes: Lister<Node>;
  /** Finished pods kept before the oldest are deleted (`--terminated-pod-gc-threshold`); 0 keeps all. */
  terminatedPodThreshold: number;
  /** How long a node must stay missing before its pods are deleted; Kubernetes' 40 s quarantine. */
  quarantineMs: number;
  clock: Clock;
}

/**
 * One pass of Kubernetes' pod garbage collector over the informers' pods and nodes:
 *
 * - finished pods (Succeeded, Failed) beyond the threshold are deleted, evicted ones first, then
 *   oldest first;
 * - terminating pods on a node that is not ready and tainted out-of-service are force-deleted;
 * - pods bound to a node that has been missing for the quarantine period (and a live read
 *   confirms gone) are marked Failed with a DisruptionTarget condition and force-deleted;
 * - terminating pods that were never scheduled are force-deleted.
 *
 * Pods not yet finished are marked Failed first, so nothing reads a deleted pod as running.
 */
export class PodGC {
  private readonly o: PodGCOptions;
  /** Node names seen missing, with when they were first missed. */
  private readonly quarantine = new Map<string, number>();

  constructor(options: PodGCOptions) {
    if (!Number.isInteger(options.terminatedPodThreshold) || options.terminatedPodThreshold < 0) {
      throw new RangeError(`terminated-pod-gc-threshold must be a non-negative integer, got ${options.terminatedPodThreshold}`);
    }
    this.o = options;
  }

  async gc(): Promise<void> {
    const pods = this.o.pods.list();
    const nodes = this.o.nodes.list();
    if (this.o.terminatedPodThreshold > 0) await this.gcTerminated(pods);
    await this.gcTerminatingOutOfService(pods);
    await this.gcOrphaned(pods, nodes);
    await this.gcUnscheduledTerminating(pods);
  }

  private async gcTerminated(pods: readonly Pod[]): Promise<void> {
    const terminated = pods.filter(isPodTerminated);
    const deleteCount = terminated.length - this.o.terminatedPodThreshold;
    if (deleteCount <= 0) return;
    this.o.logger.info('garbage collecting pods', { numPods: deleteCount });
    await this.deleteAll(byEvictionAndCreationTimestamp(terminated).slice(0, deleteCount));
  }

  private async gcTerminatingOutOfService(pods: readonly Pod[]): Promise<void> {
    const doomed = pods.filter((pod) => {
      if (!pod.metadata.deletionTimestamp || !pod.spec?.nodeName) return false;
      const node = this.o.nodes.get(pod.spec.nodeName);
      return node !== undefined && !isNodeReady(node) && (node.spec?.taints ?? []).some((t) => t.key === TaintNodeOutOfService);
    });
    if (doomed.length) await this.deleteAll(byEvictionAndCreationTimestamp(doomed));
  }

  private async gcOrphaned(pods: readonly Pod[], nodes: readonly Node[]): Promise<void> {
    const existing = new Set(nodes.map((n) => n.metadata.name));
    const now = this.o.clock.now();
    for (const pod of pods) {
      const node = pod.spec?.nodeName;
      if (node && !existing.has(node) && !this.quarantine.has(node)) this.quarantine.set(node, now);
    }
    const deleted = new Set<string>();
    for (const [node, since] of [...this.quarantine]) {
      if (existing.has(node)) {
        this.quarantine.delete(node);
        continue;
      }
      if (now - since < this.o.quarantineMs) continue;
      this.quarantine.delete(node);
      if (!(await this.nodeExists(node))) deleted.add(node);
    }
    if (!deleted.size) return;
    const condition: corev1.PodCondition = { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' };
    await this.deleteAll(
      pods.filter((p) => deleted.has(p.spec?.nodeName ?? '')),
      condition,
    );
  }

  private async gcUnscheduledTerminating(pods: readonly Pod[]): Promise<void> {
    const doomed = pods.filter((p) => p.metadata.deletionTimestamp && !p.spec?.nodeName);
    if (doomed.length) await this.deleteAll(doomed);
  }

  /** Whether the node exists; a failed read counts as existing, so no pod is deleted by mistake. */
  private async nodeExists(name: string): Promise<boolean> {
    if (this.o.nodes.get(name)) return true;
    try {
      await this.o.client.get(NodesResource, '', name);
      return true;
    } catch (err) {
      if (hasReason(err, StatusReason.NotFound)) return false;
      this.o.logger.warn('podgc could not check whether a node exists', { node: name, err: err instanceof Error ? err.message : String(err) });
      return true;
    }
  }

  private async deleteAll(pods: readonly Pod[], condition?: corev1.PodCondition): Promise<void> {
    await forEachLimit(pods, deleteConcurrency, async (pod) => {
      try {
        await this.markFailedAndDelete(pod, condition);
      } catch (err) {
        if (hasReason(err, StatusReason.NotFound)) return;
        this.o.logger.warn('podgc failed to delete a pod', { pod: `${pod.metadata.namespace}/${pod.metadata.name}`, err: err instanceof Error ? err.message : String(err) });
      }
    });
  }

  private async markFailedAndDelete(pod: Pod, condition?: corev1.PodCondition): Promise<void> {
    const { namespace = '', name = '', uid } = pod.metadata;
    this.o.logger.info('podgc is force deleting pod', { pod: `${namespace}/${name}` });
    const phase = pod.status?.phase;
    if (phase !== 'Succeeded' && phase !== 'Failed') {
      // Without a kubelet to report it, an orphaned pod would read as running forever. The uid
      // test keeps a pod created again under the same name from being marked instead.
      const ops: unknown[] = [{ op: 'test', path: '/metadata/uid', value: uid }, { op: 'add', path: '/status/phase', value: 'Failed' }];
      if (condition) ops.push({ op: 'add', path: '/status/conditions', value: withCondition(pod.status?.conditions ?? [], condition, formatTime(this.o.clock.now())) });
      try {
        await this.o.client.patch(PodsResource, namespace, name, PatchType.JSONPatch, ops, { subresource: 'status' });
      } catch (err) {
        if (hasReason(err, StatusReason.Invalid)) return;
        throw err;
      }
    }
    try {
      await this.o.client.delete(PodsResource, namespace, name, { gracePeriodSeconds: 0, preconditions: { uid } });
    } catch (err) {
      // Conflict: the uid changed, the pod we meant is gone.
      if (!hasReason(err, StatusReason.Conflict)) throw err;
    }
  }
}

/** Succeeded or Failed: anything but Pending, Running and Unknown, as Kubernetes decides. */
export function isPodTerminated(pod: corev1.Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== undefined && phase !== 'Pending' && phase !== 'Running' && phase !== 'Unknown';
}

function isEvicted(pod: corev1.Pod): boolean {
  return pod.status?.phase === 'Failed' && pod.status.reason === 'Evicted';
}

/**
 * Evicted pods first (controllers' finished pods are kept longest), then by creation time, then
 * by name. Returns a sorted copy.
 */
export function byEvictionAndCreationTimestamp<T extends corev1.Pod>(pods: readonly T[]): T[] {
  return [...pods].sort((a, b) => {
    const ea = isEvicted(a);
    const eb = isEvicted(b);
    if (ea !== eb) return ea ? -1 : 1;
    const ta = Date.parse(a.metadata?.creationTimestamp ?? '') || 0;
    const tb = Date.parse(b.metadata?.creationTimestamp ?? '') || 0;
    if (ta !== tb) return ta - tb;
    const na = a.metadata?.name ?? '';
    const nb = b.metadata?.name ?? '';
    return na < nb ? -1 : na > nb ? 1 : 0;
  });
}

function isNodeReady(node: corev1.Node): boolean {
  return (node.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** The conditions with `condition` set; its transition time moves only when its status does. */
function withCondition(conditions: readonly corev1.PodCondition[], condition: corev1.PodCondition, now: string): corev1.PodCondition[] {
  const old = conditions.find((c) => c.type === condition.type);
  const next: corev1.PodCondition = {
    ...condition,
    lastTransitionTime: old && old.status === condition.status ? old.lastTransitionTime : now,
  };
  return old ? conditions.map((c) => (c === old ? next : c)) : [...conditions, next];
}

async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
