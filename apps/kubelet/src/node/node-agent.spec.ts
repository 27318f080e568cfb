import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { Quantity, type coordinationv1, type corev1 } from '@tskube/api-types';
import { ApiClient, EventsResource, PatchType } from '@tskube/client';
import { createLogger } from '@tskube/component';
import { freePort, startApiServerProcess, type ApiServerProcess } from '@tskube/test-support';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeRuntime } from '../cri/fake';
import type { MachineInfo } from './machine-info';
import { KUBELET_VERSION, NodeAgent, NodesResource, type NodeAgentOptions, type NodeFlags } from './node-agent';
import { LeasesResource, NODE_LEASE_NAMESPACE } from './lease';
import { NodeConfigError } from './resources';

// The node agent against a real apiserver process, over the fake runtime.

let apiserver: ApiServerProcess;
let client: ApiClient;
const agents: NodeAgent[] = [];
const runtimes: FakeRuntime[] = [];
const logger = createLogger({ component: 'kubelet-test', level: 'error' });

beforeAll(async () => {
  apiserver = await startApiServerProcess();
  client = new ApiClient({ master: apiserver.master });
}, 90_000);

afterAll(async () => {
  client?.close();
  await apiserver?.stop();
});

afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.stop()));
  for (const r of runtimes.splice(0)) r.close();
});

const GiB = 1024 ** 3;

const machine: MachineInfo = {
  numCores: 4,
  memoryCapacityBytes: 8 * GiB,
  hugepages: [
    { pageSizeKiB: 2048, pages: 0 },
    { pageSizeKiB: 1048576, pages: 0 },
  ],
  rootfsCapacityBytes: 100 * GiB,
  machineID: '3d1219c7c4c5404aaa1f6d2a48adfda4',
  systemUUID: 'ec2f7b9a-0000-4000-8000-000000000001',
  bootID: '082f3fc3-9ea8-435d-a4fb-0839fe9163f2',
  kernelVersion: '6.1.0-test',
  osImage: 'Debian GNU/Linux 12 (bookworm)',
};

let seq = 0;
function nodeName(prefix: string): string {
  return `${prefix}-${process.pid}-${seq++}`;
}

function agent(name: string, flags: Partial<NodeFlags> = {}, extra: Partial<NodeAgentOptions> = {}): { agent: NodeAgent; runtime: FakeRuntime } {
  const runtime = (extra.runtime as FakeRuntime | undefined) ?? new FakeRuntime();
  runtimes.push(runtime);
  const a = new NodeAgent({
    client,
    nodeName: name,
    runtime,
    flags: { port: 10250, nodeIP: '10.0.0.7', ...flags },
    logger,
    registry: new Registry(),
    machineInfo: machine,
    signals: async () => ({ memoryAvailableBytes: 6 * GiB, memoryCapacityBytes: 8 * GiB, nodefsAvailableBytes: 60 * GiB, nodefsCapacityBytes: 100 * GiB }),
    statusUpdateFrequencyMs: 100,
    fastStatusUpdateFrequencyMs: 100,
    leaseRenewIntervalMs: 200,
    ...extra,
  });
  agents.push(a);
  return { agent: a, runtime };
}

const getNode = (name: string) => client.get<corev1.Node>(NodesResource, '', name);

async function eventually<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function nodeEvents(name: string): Promise<corev1.Event[]> {
  const list = await client.list<corev1.Event>(EventsResource, 'default');
  return list.items.filter((e) => e.involvedObject.name === name);
}

const condition = (node: corev1.Node, type: string) => node.status?.conditions?.find((c) => c.type === type);

describe('NodeAgent registration', () => {
  it('creates the Node with the labels, taints, addresses, resources, node info, images and conditions of a kubelet', async () => {
    const name = nodeName('reg');
    const version = (await (await fetch(`${apiserver.url}/version`)).json()) as { gitVersion: string };
    const { agent: a } = agent(name, {
      nodeLabels: { 'kubelet.kubernetes.io/role': 'worker', 'node.kubernetes.io/pool': 'a', team: 'x' },
      registerWithTaints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }],
      port: 10255,
      kubeletVersion: version.gitVersion,
    });
    await a.start();
    const node = await getNode(name);
    expect(a.node()?.metadata?.uid).toBe(node.metadata?.uid);
    const arch = process.arch === 'x64' ? 'amd64' : process.arch;
    expect(node.metadata?.labels).toEqual({
      'beta.kubernetes.io/arch': arch,
      'beta.kubernetes.io/os': 'linux',
      'kubernetes.io/arch': arch,
      'kubernetes.io/hostname': name,
      'kubernetes.io/os': 'linux',
      'kubelet.kubernetes.io/role': 'worker',
      'node.kubernetes.io/pool': 'a',
      team: 'x',
    });
    expect(node.metadata?.annotations?.['volumes.kubernetes.io/controller-managed-attach-detach']).toBe('true');
    expect(node.spec?.taints).toEqual([{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }]);
    const status = node.status!;
    expect(status.addresses).toEqual([
      { type: 'InternalIP', address: '10.0.0.7' },
      { type: 'Hostname', address: name },
    ]);
    expect(status.capacity).toEqual({ cpu: '4', 'ephemeral-storage': '100Gi', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: '8Gi', pods: '110' });
    // memory.available<100Mi and nodefs.available<10% are held back from pods.
    const { 'ephemeral-storage': ephemeral, ...allocatable } = status.allocatable!;
    expect(Quantity.parse(ephemeral!).value()).toBe(100 * GiB - Math.trunc(100 * GiB * Math.fround(0.1)));
    expect(allocatable).toEqual({
      cpu: '4',
      'hugepages-1Gi': '0',
      'hugepages-2Mi': '0',
      memory: `${8 * 1024 - 100}Mi`,
      pods: '110',
    });
    expect(status.nodeInfo).toEqual({
      machineID: machine.machineID,
      systemUUID: machine.systemUUID,
      bootID: machine.bootID,
      kernelVersion: '6.1.0-test',
      osImage: 'Debian GNU/Linux 12 (bookworm)',
      containerRuntimeVersion: 'fakeRuntime://0.1.0',
      kubeletVersion: version.gitVersion,
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: arch,
    });
    expect(status.daemonEndpoints).toEqual({ kubeletEndpoint: { Port: 10255 } });
    // Largest first, digests then tags.
    const sizes = status.images!.map((i) => i.sizeBytes!);
    expect(sizes).toEqual([...sizes].sort((x, y) => y - x));
    expect(status.images![0]!.names).toEqual([expect.stringMatching(/^docker\.io\/library\/nginx@sha256:/), expect.stringMatching(/^docker\.io\/library\/nginx:/)]);
    expect(status.images!.flatMap((i) => i.names)).toContain('registry.tskube.local/pause:3.9');
    expect(status.conditions!.map((c) => [c.type, c.status, c.reason, c.message])).toEqual([
      ['MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
      ['DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
      ['PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
      ['Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'],
    ]);
    for (const c of status.conditions!) {
      expect(c.lastHeartbeatTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(c.lastTransitionTime).toBe(c.lastHeartbeatTime);
    }
    const events = await eventually('registration events', async () => {
      const evs = await nodeEvents(name);
      return evs.length >= 4 ? evs : undefined;
    });
    expect(events.map((e) => [e.reason, e.message]).sort()).toEqual(
      [
        ['NodeHasNoDiskPressure', `Node ${name} status is now: NodeHasNoDiskPressure`],
        ['NodeHasSufficientMemory', `Node ${name} status is now: NodeHasSufficientMemory`],
        ['NodeHasSufficientPID', `Node ${name} status is now: NodeHasSufficientPID`],
        ['Starting', 'Starting kubelet.'],
      ].sort(),
    );
    expect(events[0]).toMatchObject({ type: 'Normal', involvedObject: { kind: 'Node', name, uid: name }, source: { component: 'kubelet', host: name } });
  });

  it('keeps retrying registration while the apiserver is unreachable, and stops cleanly', async () => {
    const unreachable = new ApiClient({ master: `127.0.0.1:${await freePort()}`, requestTimeoutMs: 1000 });
    try {
      const { agent: a } = agent(nodeName('unreachable'), {}, { client: unreachable });
      let settled = false;
      const started = a.start().then(() => (settled = true));
      await new Promise((r) => setTimeout(r, 500));
      expect(settled).toBe(false);
      expect(a.node()).toBeUndefined();
      await a.stop();
      await started;
    } finally {
      unreachable.close();
    }
  });

  it('exports its metrics', async () => {
    const name = nodeName('metrics');
    const registry = new Registry();
    const { agent: a } = agent(name, {}, { registry });
    await a.start();
    await eventually('a lease renewal', async () => (await registry.getSingleMetricAsString('kubelet_node_lease_renewals_total')).includes('result="success"'));
    const text = await registry.metrics();
    expect(text).toContain(`kubelet_node_name{node="${name}"} 1`);
    expect(text).toMatch(/kubelet_node_startup_registration_duration_seconds \d/);
    // A second agent on the same registry shares the metrics instead of failing to register them.
    const other = nodeName('metrics');
    await agent(other, {}, { registry }).agent.start();
    expect(await registry.metrics()).toContain(`kubelet_node_name{node="${other}"} 1`);
  });

  it('reports the version the apiserver reports by default', async () => {
    const version = (await (await fetch(`${apiserver.url}/version`)).json()) as { gitVersion: string };
    expect(KUBELET_VERSION).toBe(version.gitVersion);
  });

  it("reads the host's machine: cores, MemTotal, the root dir's filesystem, os-release", async () => {
    const name = nodeName('host');
    const { agent: a } = agent(name, { rootDir: '/tmp/tskube-kubelet-root-that-does-not-exist' }, { machineInfo: undefined });
    await a.start();
    const status = (await getNode(name)).status!;
    expect(status.capacity?.cpu).toBe(String(cpus().length));
    const memKiB = Number(/^MemTotal:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'))![1]);
    expect(Quantity.parse(status.capacity!.memory!).value()).toBe(memKiB * 1024);
    expect(Quantity.parse(status.capacity!['ephemeral-storage']!).value()).toBeGreaterThan(0);
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
    expect(status.nodeInfo?.osImage).toBe(pretty);
    expect(status.nodeInfo?.bootID).toBe(readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());
    expect(status.nodeInfo?.kernelVersion).toMatch(/^\d+\.\d+/);
  });

  it('subtracts --kube-reserved and --system-reserved from allocatable', async () => {
    const name = nodeName('reserved');
    const { agent: a } = agent(name, {
      kubeReserved: { cpu: '500m', memory: '1Gi' },
      systemReserved: { cpu: '250m', memory: '512Mi', 'ephemeral-storage': '10Gi' },
      evictionHard: { 'memory.available': '200Mi', 'nodefs.available': '5Gi' },
      maxPods: 30,
    });
    await a.start();
    const status = (await getNode(name)).status!;
    expect(status.allocatable).toMatchObject({ cpu: '3250m', memory: `${8 * 1024 - 1024 - 512 - 200}Mi`, 'ephemeral-storage': '85Gi', pods: '30' });
    expect(status.capacity).toMatchObject({ cpu: '4', memory: '8Gi', pods: '30' });
  });

  it('adopts the existing Node after a restart: same object, users’ labels and taints kept, status posted', async () => {
    const name = nodeName('restart');
    const first = agent(name, { nodeLabels: { team: 'x' }, registerWithTaints: [{ key: 'a', effect: 'NoSchedule' }] });
    await first.agent.start();
    const before = await getNode(name);
    await first.agent.stop();
    await client.patch(NodesResource, '', name, PatchType.MergePatch, { metadata: { labels: { 'added-by-user': 'yes', 'kubernetes.io/os': 'wrong' } }, spec: { taints: [{ key: 'b', effect: 'NoExecute' }] } });
    // Heartbeats have whole seconds: let one pass.
    await new Promise((r) => setTimeout(r, 1100));
    const second = agent(name, { nodeLabels: { team: 'y' }, registerWithTaints: [{ key: 'c', effect: 'NoSchedule' }], nodeIP: '10.0.0.8' });
    await second.agent.start();
    const after = await getNode(name);
    expect(after.metadata?.uid).toBe(before.metadata?.uid);
    expect(after.metadata?.labels).toMatchObject({ team: 'x', 'added-by-user': 'yes', 'kubernetes.io/os': 'linux' });
    expect(after.spec?.taints).toEqual([{ key: 'b', effect: 'NoExecute' }]);
    expect(after.status?.addresses?.[0]).toEqual({ type: 'InternalIP', address: '10.0.0.8' });
    const readyBefore = condition(before, 'Ready')!;
    const readyAfter = condition(after, 'Ready')!;
    expect(readyAfter.lastHeartbeatTime! > readyBefore.lastHeartbeatTime!).toBe(true);
    expect(readyAfter.lastTransitionTime).toBe(readyBefore.lastTransitionTime);
  });
});

describe('NodeAgent lease', () => {
  it('keeps a Lease in kube-node-lease renewed, owned by the Node', async () => {
    const name = nodeName('lease');
    const { agent: a } = agent(name);
    await a.start();
    const node = await getNode(name);
    const lease = await eventually('the lease', () => client.get<coordinationv1.Lease>(LeasesResource, NODE_LEASE_NAMESPACE, name));
    expect(lease.spec).toMatchObject({ holderIdentity: name, leaseDurationSeconds: 40 });
    expect(lease.spec?.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const owned = await eventually('the owner reference', async () => {
      const l = await client.get<coordinationv1.Lease>(LeasesResource, NODE_LEASE_NAMESPACE, name);
      return l.metadata?.ownerReferences?.length ? l : undefined;
    });
    expect(owned.metadata?.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata?.uid }]);
    const first = owned.spec!.renewTime!;
    const renewed = await eventually('a renewal', async () => {
      const l = await client.get<coordinationv1.Lease>(LeasesResource, NODE_LEASE_NAMESPACE, name);
      return l.spec!.renewTime! > first ? l : undefined;
    });
    expect(renewed.spec?.holderIdentity).toBe(name);
  });

  it('recreates a Lease someone deleted', async () => {
    const name = nodeName('lease-del');
    const { agent: a } = agent(name);
    await a.start();
    const lease = await eventually('the lease', () => client.get<coordinationv1.Lease>(LeasesResource, NODE_LEASE_NAMESPACE, name));
    await client.delete(LeasesResource, NODE_LEASE_NAMESPACE, name);
    const again = await eventually('a new lease', async () => {
      const l = await client.get<coordinationv1.Lease>(LeasesResource, NODE_LEASE_NAMESPACE, name);
      return l.metadata?.uid !== lease.metadata?.uid ? l : undefined;
    });
    expect(again.spec?.holderIdentity).toBe(name);
  });
});

describe('NodeAgent status', () => {
  it('goes NotReady when the runtime says its network is not ready, and Ready again, with events', async () => {
    const name = nodeName('ready');
    const { agent: a, runtime } = agent(name);
    await a.start();
    const initial = condition(await getNode(name), 'Ready')!;
    expect(initial.status).toBe('True');
    await new Promise((r) => setTimeout(r, 1100));
    runtime.setCondition('NetworkReady', false, 'NetworkPluginNotReady', 'Network plugin returns error: cni plugin not initialized');
    const notReady = await eventually('NotReady', async () => {
      const c = condition(await getNode(name), 'Ready')!;
      return c.status === 'False' ? c : undefined;
    });
    expect(notReady).toMatchObject({
      reason: 'KubeletNotReady',
      message: 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized',
    });
    expect(notReady.lastTransitionTime! > initial.lastTransitionTime!).toBe(true);
    runtime.setCondition('RuntimeReady', false, 'Broken', 'runtime broken');
    const both = await eventually('both errors', async () => {
      const c = condition(await getNode(name), 'Ready')!;
      return c.message?.startsWith('[') ? c : undefined;
    });
    expect(both.message).toBe(
      '[container runtime not ready: RuntimeReady=false reason:Broken message:runtime broken, container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized]',
    );
    // Same status, another message: no new transition.
    expect(both.lastTransitionTime).toBe(notReady.lastTransitionTime);
    runtime.setCondition('RuntimeReady', true);
    runtime.setCondition('NetworkReady', true);
    await eventually('Ready', async () => condition(await getNode(name), 'Ready')?.status === 'True');
    const events = await eventually('NodeReady event', async () => {
      const evs = await nodeEvents(name);
      return evs.some((e) => e.reason === 'NodeReady') ? evs : undefined;
    });
    expect(events.find((e) => e.reason === 'NodeNotReady')?.message).toBe(`Node ${name} status is now: NodeNotReady`);
  });

  it('registers NotReady when the runtime is not ready from the start', async () => {
    const name = nodeName('notready');
    const runtime = new FakeRuntime();
    runtime.setCondition('NetworkReady', false, 'NetworkPluginNotReady', 'Network plugin returns error: cni plugin not initialized');
    const { agent: a } = agent(name, {}, { runtime });
    await a.start();
    const ready = condition(await getNode(name), 'Ready')!;
    expect(ready).toMatchObject({ status: 'False', reason: 'KubeletNotReady' });
    expect(ready.message).toContain('container runtime network not ready');
  });

  it('posts only on change until the report interval passes, then refreshes heartbeats', async () => {
    const name = nodeName('quiet');
    const { agent: a } = agent(name, {}, { statusReportFrequencyMs: 600_000 });
    await a.start();
    const rv = (await getNode(name)).metadata?.resourceVersion;
    // Many update periods (100 ms) with nothing new: nothing is written.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await getNode(name)).metadata?.resourceVersion).toBe(rv);

    const other = nodeName('chatty');
    const { agent: b } = agent(other, {}, { statusReportFrequencyMs: 1000 });
    await b.start();
    const first = condition(await getNode(other), 'MemoryPressure')!;
    const later = await eventually('a newer heartbeat', async () => {
      const c = condition(await getNode(other), 'MemoryPressure')!;
      return c.lastHeartbeatTime! > first.lastHeartbeatTime! ? c : undefined;
    });
    expect(later.lastTransitionTime).toBe(first.lastTransitionTime);
  });

  it('reports memory and disk pressure from the eviction signals', async () => {
    const name = nodeName('pressure');
    let memoryAvailable = 6 * GiB;
    const { agent: a } = agent(name, {}, {
      signals: async () => ({ memoryAvailableBytes: memoryAvailable, memoryCapacityBytes: 8 * GiB, nodefsAvailableBytes: 5 * GiB, nodefsCapacityBytes: 100 * GiB }),
      pressureTransitionPeriodMs: 0,
    });
    await a.start();
    const node = await getNode(name);
    expect(condition(node, 'DiskPressure')).toMatchObject({ status: 'True', reason: 'KubeletHasDiskPressure', message: 'kubelet has disk pressure' });
    expect(condition(node, 'MemoryPressure')?.status).toBe('False');
    memoryAvailable = 50 * 1024 * 1024;
    const mem = await eventually('memory pressure', async () => {
      const c = condition(await getNode(name), 'MemoryPressure')!;
      return c.status === 'True' ? c : undefined;
    });
    expect(mem).toMatchObject({ reason: 'KubeletHasInsufficientMemory', message: 'kubelet has insufficient memory available' });
    await eventually('pressure events', async () => {
      const reasons = (await nodeEvents(name)).map((e) => e.reason);
      return reasons.includes('NodeHasInsufficientMemory') && reasons.includes('NodeHasDiskPressure');
    });
  });

  it('hands the pod CIDR the controller-manager sets to onPodCIDR callbacks', async () => {
    const name = nodeName('cidr');
    const { agent: a } = agent(name);
    const seen: string[] = [];
    a.onPodCIDR((c) => seen.push(c));
    await a.start();
    await client.patch(NodesResource, '', name, PatchType.MergePatch, { spec: { podCIDR: '10.244.7.0/24', podCIDRs: ['10.244.7.0/24'] } });
    await eventually('the callback', async () => seen.length > 0);
    expect(seen).toEqual(['10.244.7.0/24']);
    expect(a.node()?.spec?.podCIDR).toBe('10.244.7.0/24');
    const late: string[] = [];
    a.onPodCIDR((c) => late.push(c));
    await eventually('the late callback', async () => late.length > 0);
    expect(late).toEqual(['10.244.7.0/24']);
  });
});

describe('NodeAgent flags', () => {
  const base = { client: undefined as unknown as ApiClient, nodeName: 'n', runtime: new FakeRuntime(), logger, registry: new Registry() };
  it.each([
    { name: 'unknown reserved resource', flags: { port: 1, kubeReserved: { gpu: '1' } }, want: 'cannot reserve "gpu" resource' },
    { name: 'bad quantity', flags: { port: 1, systemReserved: { memory: '1GG' } }, want: 'failed to parse quantity "1GG" for "memory" resource: unable to parse quantity\'s suffix' },
    { name: 'malformed quantity', flags: { port: 1, systemReserved: { memory: 'lots' } }, want: 'quantities must match the regular expression' },
    { name: 'negative reservation', flags: { port: 1, kubeReserved: { cpu: '-1' } }, want: 'resource quantity for "cpu" cannot be negative: -1' },
    { name: 'unknown eviction signal', flags: { port: 1, evictionHard: { 'memory.free': '1Mi' } }, want: 'unsupported eviction signal memory.free' },
    { name: 'eviction percentage over 100', flags: { port: 1, evictionHard: { 'nodefs.available': '120%' } }, want: 'eviction percentage threshold nodefs.available must be <= 100%' },
    { name: 'forbidden node label', flags: { port: 1, nodeLabels: { 'kubernetes.io/role': 'master' } }, want: "unknown 'kubernetes.io' or 'k8s.io' labels specified with --node-labels: [kubernetes.io/role]" },
    { name: 'node role label', flags: { port: 1, nodeLabels: { 'node-role.kubernetes.io/worker': '' } }, want: '[node-role.kubernetes.io/worker]' },
    { name: 'loopback node IP', flags: { port: 1, nodeIP: '127.0.0.1' }, want: "nodeIP can't be loopback address" },
    { name: 'malformed node IP', flags: { port: 1, nodeIP: '10.0.0' }, want: 'invalid IP address "10.0.0"' },
    { name: 'bad port', flags: { port: 70000 }, want: 'invalid kubelet port 70000' },
  ])('refuses $name', ({ flags, want }) => {
    let err: unknown;
    try {
      new NodeAgent({ ...base, flags: flags as NodeFlags });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NodeConfigError);
    expect((err as Error).message).toContain(want);
  });
});
