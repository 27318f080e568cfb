import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { coordinationv1, corev1 } from '@tskube/api-types';
import { ApiClient, type GroupVersionResource } from '@tskube/client';
import { createLogger } from '@tskube/component';
import { startApiServerProcess, type ApiServerProcess } from '@tskube/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHollowFlags } from './flags';
import { hollowNodeIP, hollowPodCIDR } from './hollow-kubelet';
import { HollowNodeHost } from './host';
import { HollowRegistry } from './metrics';

const Nodes: GroupVersionResource = { group: '', version: 'v1', resource: 'nodes' };
const Pods: GroupVersionResource = { group: '', version: 'v1', resource: 'pods' };
const Leases: GroupVersionResource = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases' };

let api: ApiServerProcess;
let client: ApiClient;
let dir: string;
let host: HollowNodeHost;
let registry: HollowRegistry;

async function eventually<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const ready = (p: corev1.Pod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

beforeAll(async () => {
  api = await startApiServerProcess();
  client = new ApiClient({ master: api.master, fieldManager: 'kubelet' });
  dir = mkdtempSync(join(tmpdir(), 'tskube-hollow-host-'));
  registry = new HollowRegistry();
  const template = parseHollowFlags([
    '--name-prefix=hh',
    '--cpu=2500m',
    '--memory=8Gi',
    '--max-pods=20',
    '--zones=z-a,z-b',
    '--node-labels=pool=hollow',
    '--register-with-taints=dedicated=hollow:NoSchedule',
    '--node-status-update-frequency=1s',
  ]);
  host = new HollowNodeHost({ client, template, count: 3, rootDir: dir, registry, logger: createLogger({ component: 'hollow-nodes', level: 'error' }), startConcurrency: 2 });
  await host.start();
}, 120_000);

afterAll(async () => {
  await host?.stop();
  client?.close();
  await api?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('HollowNodeHost', () => {
  it('registers each hollow node with its machine, labels, zone, taints and address, Ready', async () => {
    expect(host.healthy()).toBe(true);
    const nodes = (await client.list<corev1.Node>(Nodes, '')).items.filter((n) => n.metadata!.name!.startsWith('hh-'));
    expect(nodes.map((n) => n.metadata!.name).sort()).toEqual(['hh-0', 'hh-1', 'hh-2']);
    for (const [i, node] of [...nodes].sort((a, b) => a.metadata!.name!.localeCompare(b.metadata!.name!)).entries()) {
      expect(node.metadata!.labels).toMatchObject({ 'kubernetes.io/hostname': `hh-${i}`, pool: 'hollow', 'topology.kubernetes.io/zone': i % 2 === 0 ? 'z-a' : 'z-b' });
      expect(node.spec!.taints).toEqual([{ key: 'dedicated', value: 'hollow', effect: 'NoSchedule' }]);
      expect(node.status!.capacity).toMatchObject({ cpu: '2500m', memory: '8Gi', pods: '20', 'ephemeral-storage': '100Gi' });
      // The kubelet's default hard eviction threshold (memory.available 100Mi) comes off allocatable.
      expect(node.status!.allocatable).toMatchObject({ cpu: '2500m', memory: '8092Mi', pods: '20' });
      expect(node.status!.addresses).toContainEqual({ type: 'InternalIP', address: hollowNodeIP(i) });
      expect(node.status!.nodeInfo).toMatchObject({ kubeletVersion: 'v1.33.0-hollow', containerRuntimeVersion: 'hollow://0.1.0' });
      expect(node.status!.conditions!.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True', reason: 'KubeletReady' });
    }
  });

  it('keeps each node lease renewed', async () => {
    const first = await client.get<coordinationv1.Lease>(Leases, 'kube-node-lease', 'hh-1');
    expect(first.spec).toMatchObject({ holderIdentity: 'hh-1', leaseDurationSeconds: 40 });
    // Renewed every quarter of the lease duration (10 s).
    await eventually(async () => (await client.get<coordinationv1.Lease>(Leases, 'kube-node-lease', 'hh-1')).spec!.renewTime !== first.spec!.renewTime, 'the lease is renewed', 40_000);
  }, 60_000);

  it('runs a bound pod through the kubelet lifecycle to Running and Ready, and completes its graceful deletion', async () => {
    await client.create<corev1.Pod>(Pods, 'default', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web' },
      spec: {
        nodeName: 'hh-2',
        tolerations: [{ key: 'dedicated', operator: 'Exists' }],
        containers: [
          { name: 'app', image: 'nginx:1.27', resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } },
          { name: 'sidecar', image: 'busybox:1.36', command: ['sleep', '3600'] },
        ],
      },
    });
    const pod = await eventually(async () => {
      const p = await client.get<corev1.Pod>(Pods, 'default', 'web');
      return p.status?.phase === 'Running' && ready(p) ? p : undefined;
    }, 'the pod is Running and Ready');
    expect(pod.status!.hostIP).toBe(hollowNodeIP(2));
    expect(pod.status!.qosClass).toBe('Burstable');
    // The sandbox IP comes out of the node's own pod range.
    const prefix = hollowPodCIDR(2).replace(/0\/24$/, '');
    expect(pod.status!.podIP!.startsWith(prefix)).toBe(true);
    expect(pod.status!.containerStatuses!.map((c) => [c.name, c.ready, c.restartCount, Object.keys(c.state ?? {})])).toEqual([
      ['app', true, 0, ['running']],
      ['sidecar', true, 0, ['running']],
    ]);
    expect(pod.status!.containerStatuses![0]!.containerID).toMatch(/^[a-z]+:\/\/[0-9a-f]{64}$/);
    expect(host.status()).toMatchObject({ nodes: 3, started: 3, healthy: 3, pods: 1, runningContainers: 2 });

    await client.delete(Pods, 'default', 'web', { gracePeriodSeconds: 5 });
    await eventually(async () => {
      try {
        await client.get(Pods, 'default', 'web');
        return false;
      } catch (err) {
        return (err as { code?: number }).code === 404;
      }
    }, 'the kubelet confirms the deletion');
    await eventually(async () => host.status().runningContainers === 0, 'the hollow containers are gone', 30_000);
  }, 90_000);

  it('refuses a pod that does not fit the hollow node, as the kubelet admits pods', async () => {
    await client.create<corev1.Pod>(Pods, 'default', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'too-big' },
      spec: { nodeName: 'hh-0', containers: [{ name: 'c', image: 'busybox:1.36', resources: { requests: { cpu: '3' } } }] },
    });
    const pod = await eventually(async () => {
      const p = await client.get<corev1.Pod>(Pods, 'default', 'too-big');
      return p.status?.phase === 'Failed' ? p : undefined;
    }, 'the pod is rejected');
    expect(pod.status).toMatchObject({ reason: 'OutOfcpu' });
    expect(pod.status!.message).toContain('Pod was rejected: Node didn\'t have enough resource: cpu');
  }, 60_000);

  it('serves every hollow kubelet\'s metrics summed on one registry', async () => {
    const text = await registry.metrics();
    expect(text).toMatch(/^kubelet_node_name\{node="hh-0"\} 1$/m);
    expect(text).toMatch(/^kubelet_node_name\{node="hh-2"\} 1$/m);
    const ok = /^kubelet_pod_worker_syncs_total\{outcome="ok"\} (\d+)$/m.exec(text);
    expect(Number(ok?.[1])).toBeGreaterThan(0);
    // One series for all three kubelets, each of which registered the metric in its own registry.
    expect(text.match(/^kubelet_running_pods /gm)).toHaveLength(1);
  });

  it('stops every hollow kubelet, then deletes their nodes and leases', async () => {
    await host.stop();
    expect(host.status().healthy).toBe(0);
    expect(await host.deleteNodes()).toBe(3);
    const nodes = (await client.list<corev1.Node>(Nodes, '')).items.filter((n) => n.metadata!.name!.startsWith('hh-'));
    expect(nodes).toEqual([]);
    const leases = (await client.list<coordinationv1.Lease>(Leases, 'kube-node-lease')).items.filter((l) => l.metadata!.name!.startsWith('hh-'));
    expect(leases).toEqual([]);
    // A second delete finds nothing left to delete.
    expect(await host.deleteNodes()).toBe(0);
  }, 60_000);
});
