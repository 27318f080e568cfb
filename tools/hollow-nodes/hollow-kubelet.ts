/**
 * One hollow kubelet: the kubelet's real pod lifecycle (Kubelet) and node agent (NodeAgent) over
 * an in-memory runtime (FakeRuntime), with a made-up machine instead of /proc and /sys. Many of
 * them share one process, one apiserver client and one metrics registry (see host.ts).
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Quantity } from '@tskube/api-types';
import type { ApiClient } from '@tskube/client';
import type { Logger } from '@tskube/component';
import { Registry } from 'prom-client';
import { FakeRuntime } from '../../apps/kubelet/src/cri/fake';
import type { TaintFlag } from '../../apps/kubelet/src/flags';
import { Kubelet } from '../../apps/kubelet/src/kubelet';
import { NodeAgent, type MachineInfo, type NodeSignals } from '../../apps/kubelet/src/node';

/** What every hollow node of a host shares. */
export interface HollowNodeTemplate {
  namePrefix: string;
  cpu: string;
  memory: string;
  ephemeralStorage: string;
  maxPods: number;
  nodeLabels: Record<string, string>;
  /** Spread round-robin as topology.kubernetes.io/zone; none when empty. */
  zones: string[];
  registerWithTaints: TaintFlag[];
  clusterDNS: string[];
  clusterDomain: string;
  syncFrequencyMs: number;
  nodeStatusUpdateFrequencyMs: number;
  nodeLeaseDurationSeconds: number;
  containerStartDelayMs: number;
}

export interface HollowKubeletOptions {
  index: number;
  template: HollowNodeTemplate;
  client: ApiClient;
  /** The host's registry: the node agents' metrics are shared through it. */
  registry: Registry;
  /** Below it, `<node>/` holds this kubelet's root and log directories. */
  rootDir: string;
  logger: Logger;
}

/** `<prefix>-<i>`. */
export function hollowNodeName(prefix: string, index: number): string {
  return `${prefix}-${index}`;
}

/** Node i's address: 100.64.0.0/10 (shared address space, never a host's), from 100.64.0.1 on. */
export function hollowNodeIP(index: number): string {
  const n = 0x64400000 + index + 1;
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Node i's pod range until the Node carries one: the i-th /24 of 10.0.0.0/8. */
export function hollowPodCIDR(index: number): string {
  return `10.${(index >>> 8) & 255}.${index & 255}.0/24`;
}

/** The machine a hollow node reports: the template's sizes and identities of its own. */
export function hollowMachine(template: HollowNodeTemplate, name: string): MachineInfo {
  const id = randomUUID();
  return {
    numCores: Quantity.parse(template.cpu).milliValue() / 1000,
    memoryCapacityBytes: Quantity.parse(template.memory).value(),
    hugepages: [],
    rootfsCapacityBytes: Quantity.parse(template.ephemeralStorage).value(),
    machineID: id.replaceAll('-', ''),
    systemUUID: id,
    bootID: randomUUID(),
    kernelVersion: '6.1.0-hollow',
    osImage: `tskube hollow node ${name}`,
  };
}

/** Eviction signals of a hollow machine: nothing used, so no pressure, as kubemark's fake cAdvisor reports. */
function hollowSignals(machine: MachineInfo): NodeSignals {
  return {
    memoryAvailableBytes: machine.memoryCapacityBytes,
    memoryCapacityBytes: machine.memoryCapacityBytes,
    nodefsAvailableBytes: machine.rootfsCapacityBytes,
    nodefsCapacityBytes: machine.rootfsCapacityBytes,
    nodefsInodes: 1_000_000,
    nodefsInodesFree: 1_000_000,
    pidAvailable: 4_000_000,
    pidMax: 4_194_304,
  };
}

/**
 * A hollow kubelet. Pods bound to its node run through the kubelet's own admission, pod workers,
 * PLEG and status manager; containers only exist in the FakeRuntime, volumes are not set up (no
 * volume manager: nothing is mounted) and probes are not run (running containers are ready).
 */
export class HollowKubelet {
  readonly name: string;
  readonly nodeIP: string;
  readonly runtime: FakeRuntime;
  /** The Kubelet's own metrics (one registry per kubelet: the Kubelet class registers its metrics anew). */
  readonly registry = new Registry();
  readonly kubelet: Kubelet;
  readonly agent: NodeAgent;
  private stopped = false;

  constructor(o: HollowKubeletOptions) {
    const t = o.template;
    this.name = hollowNodeName(t.namePrefix, o.index);
    this.nodeIP = hollowNodeIP(o.index);
    const dir = join(o.rootDir, this.name);
    const rootDir = join(dir, 'root');
    const logger = o.logger.with({ node: this.name });
    this.runtime = new FakeRuntime({ startDelayMs: t.containerStartDelayMs, podCIDR: hollowPodCIDR(o.index), runtimeName: 'hollow', runtimeVersion: '0.1.0' });
    const machine = hollowMachine(t, this.name);
    const signals = hollowSignals(machine);
    const zone = t.zones.length > 0 ? t.zones[o.index % t.zones.length] : undefined;
    this.agent = new NodeAgent({
      client: o.client,
      nodeName: this.name,
      runtime: this.runtime,
      flags: {
        nodeLabels: { ...(zone === undefined ? {} : { 'topology.kubernetes.io/zone': zone }), ...t.nodeLabels },
        registerWithTaints: t.registerWithTaints,
        nodeIP: this.nodeIP,
        port: 10250,
        rootDir,
        maxPods: t.maxPods,
        kubeletVersion: 'v1.33.0-hollow',
      },
      logger,
      registry: o.registry,
      machineInfo: machine,
      signals: async () => signals,
      statusUpdateFrequencyMs: t.nodeStatusUpdateFrequencyMs,
      leaseDurationSeconds: t.nodeLeaseDurationSeconds,
    });
    this.kubelet = new Kubelet({
      client: o.client,
      runtime: this.runtime,
      logger,
      registry: this.registry,
      nodeName: this.name,
      nodeIP: this.nodeIP,
      rootDir,
      podLogsDir: join(dir, 'pod-logs'),
      clusterDNS: t.clusterDNS,
      clusterDomain: t.clusterDomain,
      resolvConf: '/etc/resolv.conf',
      podCIDR: hollowPodCIDR(o.index),
      cniConfDir: join(dir, 'cni', 'net.d'),
      cniBridgeName: 'cni0',
      nodeAgent: this.agent,
      resyncMs: t.syncFrequencyMs,
    });
  }

  /** Registers the node and starts the pod loops; resolves once both are up. */
  start(): Promise<void> {
    return this.kubelet.start();
  }

  /** Stops the loops (and the node agent); the node's hollow containers are dropped. Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.kubelet.stop();
    this.runtime.close();
  }

  /** Started, not stopped, caches synced and the runtime relisted. */
  healthy(): boolean {
    return !this.stopped && this.kubelet.healthy();
  }
}
