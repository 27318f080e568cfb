import type { corev1 } from '@tskube/api-types';
import { PatchType, formatTime, type ApiClient } from '@tskube/client';
import { Resources } from '../../framework/context';

/** Helpers for integration specs of pod-owning controllers: a kubelet's part, done by hand. */

/** Creates namespace `name`. */
export async function createNamespace(client: ApiClient, name: string): Promise<void> {
  await client.create(Resources.namespaces, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

/** The pods of `namespace`, optionally by label selector, sorted by name. */
export async function listPods(client: ApiClient, namespace: string, labelSelector = ''): Promise<corev1.Pod[]> {
  const { items } = await client.list<corev1.Pod>(Resources.pods, namespace, { labelSelector });
  return items;
}

export interface PodState {
  ready?: boolean;
  phase?: string;
  /** When the Ready condition last changed; now by default. */
  readySinceMs?: number;
  restartCount?: number;
}

/**
 * Writes a pod's status as a kubelet would through pods/status: the phase (Running by default),
 * the Ready condition, and one container status with the restart count.
 */
export async function setPodStatus(client: ApiClient, pod: corev1.Pod, state: PodState = {}): Promise<void> {
  const ready = state.ready ?? true;
  const since = formatTime(state.readySinceMs ?? Date.now());
  const container = pod.spec?.containers[0]?.name ?? 'c';
  await client.patch(
    Resources.pods,
    pod.metadata?.namespace ?? '',
    pod.metadata?.name ?? '',
    PatchType.MergePatch,
    {
      status: {
        phase: state.phase ?? 'Running',
        conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: since }],
        containerStatuses: [{ name: container, ready, restartCount: state.restartCount ?? 0, image: 'img', imageID: '', started: ready, state: { running: { startedAt: since } } }],
      },
    },
    { subresource: 'status' },
  );
}

/**
 * A stand-in kubelet: every `intervalMs` marks each not-yet-ready pod of `namespace` (matching
 * `filter`) Running and Ready. `stop()` ends it and waits for the round in flight.
 */
export function autoReady(client: ApiClient, namespace: string, options: { intervalMs?: number; filter?: (pod: corev1.Pod) => boolean } = {}): { stop(): Promise<void> } {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        for (const pod of await listPods(client, namespace)) {
          if (pod.metadata?.deletionTimestamp || (options.filter && !options.filter(pod))) continue;
          if (pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) continue;
          await setPodStatus(client, pod).catch(() => undefined);
        }
      } catch {
        // The apiserver going away at the end of a spec ends the loop through stop().
      }
      await new Promise((r) => setTimeout(r, options.intervalMs ?? 50));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

/** Whether the pod reports Ready=True. */
export function podIsReady(pod: corev1.Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** The events of `namespace` about object `name`, oldest first. */
export async function eventsFor(client: ApiClient, namespace: string, name: string): Promise<corev1.Event[]> {
  const { items } = await client.list<corev1.Event>(Resources.events, namespace);
  return items.filter((e) => e.involvedObject.name === name);
}

/** A minimal pod template with `labels`. */
export function podTemplate(labels: Record<string, string>, image = 'nginx:1.27', extra: Partial<corev1.PodSpec> = {}): corev1.PodTemplateSpec {
  return { metadata: { labels }, spec: { containers: [{ name: 'app', image }], ...extra } };
}
