import { StatusReason, hasReason, type metav1 } from '@tskube/api-types';
import { PatchType, type ApiClient } from '@tskube/client';
import { Resources } from '../../framework/context';
import { JobTrackingFinalizer, type Pod } from './pods';

/**
 * The Job controller's writes to pods. Metadata changes are merge patches carrying the
 * resourceVersion they were computed from, so a concurrent change makes them fail with Conflict
 * instead of being overwritten; the finalizer removal then retries on a fresh read.
 */

const conflictRetries = 3;

/**
 * Removes the tracking finalizer. Resolves true once the pod no longer has it (also when the pod
 * is gone), false never: failures reject.
 */
export async function removeTrackingFinalizer(client: ApiClient, pod: Pod): Promise<true> {
  let current = pod;
  for (let attempt = 0; ; attempt++) {
    const finalizers = current.metadata.finalizers ?? [];
    if (!finalizers.includes(JobTrackingFinalizer)) return true;
    try {
      await client.patch(Resources.pods, current.metadata.namespace ?? '', current.metadata.name ?? '', PatchType.MergePatch, {
        metadata: { finalizers: finalizers.filter((f) => f !== JobTrackingFinalizer), resourceVersion: current.metadata.resourceVersion },
      });
      return true;
    } catch (err) {
      if (hasReason(err, StatusReason.NotFound)) return true;
      if (!hasReason(err, StatusReason.Conflict) || attempt >= conflictRetries) throw err;
    }
    try {
      current = await client.get<Pod>(Resources.pods, current.metadata.namespace ?? '', current.metadata.name ?? '');
    } catch (err) {
      if (hasReason(err, StatusReason.NotFound)) return true;
      throw err;
    }
    // A pod that was deleted and recreated under the same name is not ours to touch.
    if (current.metadata.uid !== pod.metadata.uid) return true;
  }
}

/** Makes `owner` the pod's controller and adds the tracking finalizer (adoption of an orphan). */
export async function adoptPod(client: ApiClient, pod: Pod, owner: metav1.OwnerReference): Promise<Pod> {
  const finalizers = pod.metadata.finalizers ?? [];
  return client.patch<Pod>(Resources.pods, pod.metadata.namespace ?? '', pod.metadata.name ?? '', PatchType.MergePatch, {
    metadata: {
      ownerReferences: [...(pod.metadata.ownerReferences ?? []), owner],
      finalizers: finalizers.includes(JobTrackingFinalizer) ? finalizers : [...finalizers, JobTrackingFinalizer],
      resourceVersion: pod.metadata.resourceVersion,
    },
  });
}

/** Drops the owner reference with `ownerUid` (release of a pod that no longer matches). */
export async function releasePod(client: ApiClient, pod: Pod, ownerUid: string): Promise<void> {
  const refs = (pod.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid);
  try {
    await client.patch(Resources.pods, pod.metadata.namespace ?? '', pod.metadata.name ?? '', PatchType.MergePatch, {
      metadata: { ownerReferences: refs.length ? refs : null, resourceVersion: pod.metadata.resourceVersion },
    });
  } catch (err) {
    // Gone already: nothing left to release.
    if (!hasReason(err, StatusReason.NotFound)) throw err;
  }
}
