import type { corev1 } from '@tskube/api-types';
import { PatchType, type ApiClient } from '@tskube/client';
import { Resources } from '../../framework/context';

/**
 * Test helpers shared by the Endpoints and EndpointSlice specs: pods as a kubelet would leave them
 * (IP, phase, Ready condition written through the status subresource) without a kubelet.
 */

export interface TestPod {
  name: string;
  labels?: Record<string, string>;
  /** Container ports as name → number. */
  ports?: Record<string, number>;
  nodeName?: string;
  hostname?: string;
  subdomain?: string;
}

export async function createPod(client: ApiClient, namespace: string, p: TestPod): Promise<corev1.Pod> {
  const pod: corev1.Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: p.name, namespace, labels: p.labels ?? { app: 'web' } },
    spec: {
      ...(p.nodeName ? { nodeName: p.nodeName } : {}),
      ...(p.hostname ? { hostname: p.hostname } : {}),
      ...(p.subdomain ? { subdomain: p.subdomain } : {}),
      containers: [{ name: 'c', image: 'nginx', ports: Object.entries(p.ports ?? {}).map(([name, containerPort]) => ({ name, containerPort })) }],
    },
  };
  return client.create(Resources.pods, namespace, pod);
}

/** What the kubelet reports: Running with `ip`, Ready as given. */
export async function setPodStatus(client: ApiClient, namespace: string, name: string, s: { ip?: string; ready: boolean; phase?: string }): Promise<corev1.Pod> {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const status = {
    phase: s.phase ?? 'Running',
    ...(s.ip ? { podIP: s.ip, podIPs: [{ ip: s.ip }] } : {}),
    conditions: [
      { type: 'Ready', status: s.ready ? 'True' : 'False', lastTransitionTime: now },
      { type: 'ContainersReady', status: s.ready ? 'True' : 'False', lastTransitionTime: now },
    ],
  };
  return client.patch(Resources.pods, namespace, name, PatchType.MergePatch, { status }, { subresource: 'status' });
}

export async function createNamespace(client: ApiClient, name: string): Promise<void> {
  await client.create(Resources.namespaces, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}
