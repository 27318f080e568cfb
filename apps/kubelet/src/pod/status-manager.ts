import { isDeepStrictEqual } from 'node:util';
import { hasReason, StatusReason, type corev1 } from '@tskube/api-types';
import { PatchType, type ApiClient, type GroupVersionResource } from '@tskube/client';
import type { Logger } from '@tskube/component';

export const PodsResource: GroupVersionResource = { group: '', version: 'v1', resource: 'pods' };

/**
 * Writes pods' statuses to the apiserver (the kubelet's status manager): through the status
 * subresource, only when the status differs from what the apiserver last showed or this manager
 * last wrote, as a merge patch so that concurrent writers of other fields never conflict with it.
 * Also confirms a gracefully deleted pod's removal once everything of it has stopped.
 */
export class StatusManager {
  private readonly written = new Map<string, corev1.PodStatus>();

  constructor(private readonly opts: { client: Pick<ApiClient, 'patch' | 'delete'>; logger: Logger }) {}

  /** The status last written for the pod, if any. */
  lastWritten(uid: string): corev1.PodStatus | undefined {
    return this.written.get(uid);
  }

  /**
   * Makes the apiserver hold `status` for `pod`. No write when it already does. Resolves false when
   * the pod is gone (NotFound), true otherwise; rejects on other failures so the caller retries.
   */
  async setStatus(pod: corev1.Pod, status: corev1.PodStatus): Promise<boolean> {
    const uid = pod.metadata?.uid ?? '';
    const want = normalize(status);
    const written = this.written.get(uid);
    if (isDeepStrictEqual(normalize(pod.status ?? {}), want) || (written !== undefined && isDeepStrictEqual(normalize(written), want))) return true;
    const patch: Record<string, unknown> = { ...status };
    for (const key of Object.keys(pod.status ?? {})) if (!(key in patch)) patch[key] = null;
    try {
      await this.opts.client.patch(PodsResource, pod.metadata?.namespace ?? '', pod.metadata?.name ?? '', PatchType.MergePatch, { metadata: { uid }, status: patch }, { subresource: 'status' });
    } catch (err) {
      if (hasReason(err, StatusReason.NotFound)) return false;
      throw err;
    }
    this.written.set(uid, status);
    this.opts.logger.debug('pod status written', { pod: `${pod.metadata?.namespace}/${pod.metadata?.name}`, phase: status.phase });
    return true;
  }

  /**
   * Deletes the pod for good (grace period 0, on condition that it is still the same pod), as the
   * kubelet does once a pod marked for deletion has no running container left. NotFound and a
   * changed UID count as done.
   */
  async confirmDeletion(pod: corev1.Pod): Promise<void> {
    const uid = pod.metadata?.uid ?? '';
    try {
      await this.opts.client.delete(PodsResource, pod.metadata?.namespace ?? '', pod.metadata?.name ?? '', { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0, preconditions: { uid } });
    } catch (err) {
      if (!hasReason(err, StatusReason.NotFound) && !hasReason(err, StatusReason.Conflict)) throw err;
    }
    this.opts.logger.info('pod deleted from the apiserver', { pod: `${pod.metadata?.namespace}/${pod.metadata?.name}`, uid });
  }

  forget(uid: string): void {
    this.written.delete(uid);
  }
}

/** The status with undefined members dropped, so that absent and undefined compare equal. */
function normalize(status: corev1.PodStatus): unknown {
  return JSON.parse(JSON.stringify(status)) as unknown;
}
