import { StatusReason, hasReason, type corev1 } from '@tskube/api-types';
import type { ApiClient, GroupVersionResource } from '@tskube/client';

export const PodsResource: GroupVersionResource = { group: '', version: 'v1', resource: 'pods' };

/** The API calls the scheduler makes about pods; an ApiClient in production, a fake in unit tests. */
export interface PodApi {
  /** Creates the pods/binding subresource. Rejects with Conflict when the pod already has a node. */
  bind(pod: corev1.Pod, nodeName: string): Promise<void>;
  /** A fresh read of the pod. */
  getPod(namespace: string, name: string): Promise<corev1.Pod>;
  /** Replaces the status; a compare-and-swap on the pod's resourceVersion (Conflict when stale). */
  updatePodStatus(pod: corev1.Pod): Promise<corev1.Pod>;
  /** Deletes the pod with its default grace period, provided it still has `uid`. */
  deletePod(namespace: string, name: string, uid: string): Promise<void>;
}

/** A PodApi over the components' gRPC client. */
export function podApiFromClient(client: Pick<ApiClient, 'bind' | 'get' | 'updateStatus' | 'delete'>): PodApi {
  return {
    async bind(pod, nodeName) {
      const namespace = pod.metadata?.namespace ?? '';
      const name = pod.metadata?.name ?? '';
      await client.bind(namespace, name, {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name, namespace, ...(pod.metadata?.uid ? { uid: pod.metadata.uid } : {}) },
        target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
      });
    },
    getPod: (namespace, name) => client.get<corev1.Pod>(PodsResource, namespace, name),
    updatePodStatus: (pod) => client.updateStatus<corev1.Pod>(PodsResource, pod.metadata?.namespace ?? '', pod),
    async deletePod(namespace, name, uid) {
      await client.delete(PodsResource, namespace, name, { preconditions: { uid } });
    },
  };
}

/**
 * Rewrites a pod's status with `mutate` (which returns false when nothing needs to change), as a
 * read-modify-write on the resourceVersion: on Conflict it reads the pod again and retries, up to
 * five times. Resolves quietly when the pod is gone or was replaced by another with the same name.
 * `latest` is the freshest copy the caller has (usually from the informer).
 */
export async function updatePodStatus(api: PodApi, latest: corev1.Pod, mutate: (status: corev1.PodStatus) => boolean): Promise<void> {
  const namespace = latest.metadata?.namespace ?? '';
  const name = latest.metadata?.name ?? '';
  const uid = latest.metadata?.uid;
  let current = latest;
  for (let attempt = 0; ; attempt++) {
    const status = structuredClone(current.status ?? {});
    if (!mutate(status)) return;
    try {
      await api.updatePodStatus({ ...current, status });
      return;
    } catch (err) {
      if (hasReason(err, StatusReason.NotFound)) return;
      if (!hasReason(err, StatusReason.Conflict) || attempt >= 4) throw err;
    }
    try {
      current = await api.getPod(namespace, name);
    } catch (err) {
      if (hasReason(err, StatusReason.NotFound)) return;
      throw err;
    }
    if (uid !== undefined && current.metadata?.uid !== uid) return;
  }
}

/**
 * Sets condition `cond` in `status` (by type), keeping lastTransitionTime when the condition's
 * status did not change. Returns false when type, status, reason and message are already as asked.
 */
export function setPodCondition(status: corev1.PodStatus, cond: corev1.PodCondition, now: string): boolean {
  const conditions = (status.conditions ??= []);
  const i = conditions.findIndex((c) => c.type === cond.type);
  const existing = i >= 0 ? conditions[i] : undefined;
  if (existing !== undefined && existing.status === cond.status && existing.reason === cond.reason && existing.message === cond.message) return false;
  const next: corev1.PodCondition = {
    ...cond,
    lastTransitionTime: existing !== undefined && existing.status === cond.status && existing.lastTransitionTime ? existing.lastTransitionTime : now,
  };
  if (i >= 0) conditions[i] = next;
  else conditions.push(next);
  return true;
}
