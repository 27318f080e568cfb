import type { corev1 } from '@tskube/api-types';
import type { ApiClient } from '@tskube/client';
import { Resources } from '../../framework/context';
import { listPods, podIsReady, setPodStatus } from '../replicaset/testing';

/** Helpers for the StatefulSet and DaemonSet integration specs: a kubelet's part, done by hand. */

export interface FakeKubelet {
  /** Names of the pods whose deletion it confirmed, in order. */
  readonly deleted: string[];
  /** Names of the pods it marked ready, in order. */
  readonly readied: string[];
  /** Stops marking pods whose name `hold` returns true for (until `release`). */
  hold(match: (pod: corev1.Pod) => boolean): void;
  release(): void;
  stop(): Promise<void>;
}

/**
 * A stand-in kubelet for the pods of `namespace` (every namespace for '') that have a node: marks them Running and Ready
 * (once each), and confirms graceful deletions (deletes terminating pods with grace 0), recording
 * the order of both. Pods `hold` matches are neither readied nor finalized.
 */
export function fakeKubelet(client: ApiClient, namespace: string, options: { intervalMs?: number; needsNode?: boolean } = {}): FakeKubelet {
  let stopped = false;
  let held: ((pod: corev1.Pod) => boolean) | undefined;
  const deleted: string[] = [];
  const readied: string[] = [];
  const loop = (async () => {
    while (!stopped) {
      try {
        for (const pod of await listPods(client, namespace)) {
          if (options.needsNode !== false && !pod.spec?.nodeName) continue;
          if (held?.(pod)) continue;
          const name = pod.metadata?.name ?? '';
          if (pod.metadata?.deletionTimestamp) {
            await client.delete(Resources.pods, pod.metadata.namespace ?? '', name, { gracePeriodSeconds: 0 }).then(
              () => deleted.push(name),
              () => undefined,
            );
            continue;
          }
          if (!podIsReady(pod) && pod.status?.phase !== 'Failed' && pod.status?.phase !== 'Succeeded') {
            await setPodStatus(client, pod).then(
              () => readied.push(name),
              () => undefined,
            );
          }
        }
      } catch {
        // The apiserver going away at the end of a spec ends the loop through stop().
      }
      await new Promise((r) => setTimeout(r, options.intervalMs ?? 50));
    }
  })();
  return {
    deleted,
    readied,
    hold: (match) => {
      held = match;
    },
    release: () => {
      held = undefined;
    },
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

/** A Ready node named `name` with room for pods, as a kubelet registers it. */
export function testNode(name: string, labels: Record<string, string> = {}): corev1.Node {
  const capacity = { cpu: '8', memory: '32Gi', pods: '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', ...labels } },
    spec: {},
    status: { capacity, allocatable: capacity, conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'test node' }] },
  };
}

/** Polls for `ms` and fails when `bad()` becomes true meanwhile: for "this must not happen yet". */
export async function staysFalse(bad: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await bad()) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}
