import type { corev1 } from '@tskube/api-types';
import { EventType, type ApiClient, type EventRecorder } from '@tskube/client';
import { Resources } from '../../framework/context';
import { newControllerRef, type Owner } from './controller-ref';

/** Event reasons of pod control, as Kubernetes' controller utilities name them. */
export const PodEventReason = {
  SuccessfulCreate: 'SuccessfulCreate',
  FailedCreate: 'FailedCreate',
  SuccessfulDelete: 'SuccessfulDelete',
  FailedDelete: 'FailedDelete',
} as const;

/**
 * The generateName of pods a controller named `name` creates: `<name>-`, or `name` alone when the
 * dash would make the name too long for a DNS subdomain (getPodsPrefix). The apiserver shortens
 * long prefixes itself when it generates the name.
 */
export function podNamePrefix(name: string): string {
  const prefix = `${name}-`;
  return prefix.length > 253 ? name : prefix;
}

/**
 * The pod a controller creates from its template (GetPodFromTemplate): the template's labels,
 * annotations, finalizers and spec, `generateName` from the owner's name, and the owner as its
 * controller.
 */
export function podFromTemplate(template: corev1.PodTemplateSpec, owner: Owner): corev1.Pod {
  const meta = template.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: podNamePrefix(owner.metadata.name ?? ''),
      namespace: owner.metadata.namespace ?? '',
      ...(meta.labels ? { labels: { ...meta.labels } } : {}),
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ...(meta.finalizers ? { finalizers: [...meta.finalizers] } : {}),
      ownerReferences: [newControllerRef(owner)],
    },
    spec: structuredClone(template.spec ?? { containers: [] }),
  };
}

/** Creates and deletes a controller's pods; the seam integration and unit tests swap. */
export interface PodControl {
  /**
   * Creates one pod from `template` owned by `owner`, recording SuccessfulCreate or FailedCreate
   * on the owner. Not idempotent: every call creates a pod. Rejects with the server's error.
   */
  createPod(template: corev1.PodTemplateSpec, owner: Owner): Promise<corev1.Pod>;
  /**
   * Deletes the pod `name`, recording SuccessfulDelete or FailedDelete on the owner. Rejects with
   * the server's error (NotFound included: the caller decides).
   */
  deletePod(namespace: string, name: string, owner: Owner): Promise<void>;
}

/** PodControl through the API client, with events as Kubernetes' RealPodControl records them. */
export class ApiPodControl implements PodControl {
  constructor(
    private readonly client: ApiClient,
    private readonly recorder: EventRecorder,
  ) {}

  async createPod(template: corev1.PodTemplateSpec, owner: Owner): Promise<corev1.Pod> {
    const pod = podFromTemplate(template, owner);
    if (!pod.metadata?.labels || Object.keys(pod.metadata.labels).length === 0) {
      throw new Error('unable to create pods, no labels');
    }
    try {
      const created = await this.client.create<corev1.Pod>(Resources.pods, owner.metadata.namespace ?? '', pod);
      this.recorder.event(owner, EventType.Normal, PodEventReason.SuccessfulCreate, `Created pod: ${created.metadata?.name ?? ''}`);
      return created;
    } catch (err) {
      this.recorder.event(owner, EventType.Warning, PodEventReason.FailedCreate, `Error creating: ${errorMessage(err)}`);
      throw err;
    }
  }

  async deletePod(namespace: string, name: string, owner: Owner): Promise<void> {
    try {
      await this.client.delete(Resources.pods, namespace, name);
      this.recorder.event(owner, EventType.Normal, PodEventReason.SuccessfulDelete, `Deleted pod: ${name}`);
    } catch (err) {
      this.recorder.event(owner, EventType.Warning, PodEventReason.FailedDelete, `Error deleting: ${errorMessage(err)}`);
      throw err;
    }
  }
}

/** An error's message as Go's `%v` of it would print. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
