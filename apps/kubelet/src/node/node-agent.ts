import { StatusReason, hasReason, type corev1 } from '@tskube/api-types';
import {
  EventRecorder,
  Informer,
  formatTime,
  listWatch,
  realClock,
  sleep,
  type ApiClient,
  type Clock,
  type GroupVersionResource,
} from '@tskube/client';
import type { Logger } from '@tskube/component';
import type { cri } from '@tskube/proto';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { ImageManagerService, RuntimeService } from '../cri/services';
import { detectNodeIP, nodeAddresses, validateNodeIP } from './addresses';
import { runtimeErrors, type RecordNodeEvent } from './conditions';
import { defaultNodeLabels, goPlatform, registrationTaints, validateNodeLabels, type TaintSpec } from './labels';
import { NodeLeaseController } from './lease';
import { readMachineInfo, type MachineInfo } from './machine-info';
import { pressuresOf, readHostSignals, type NodeSignals } from './pressure';
import {
  NodeConfigError,
  allocatableReservation,
  nodeAllocatable,
  nodeCapacity,
  parseEvictionHard,
  parseReserved,
  resourceList,
  type EvictionThreshold,
} from './resources';
import { applyNodeStatus, nodeStatusChanged } from './status';

export const NodesResource: GroupVersionResource = { group: '', version: 'v1', resource: 'nodes' };

/** The version this kubelet reports: the Kubernetes level the project's apiserver serves (its /version). */
export const KUBELET_VERSION = 'v1.33.0-tskube';

/** The annotation a kubelet sets to leave volume attach and detach to the controller-manager. */
export const CONTROLLER_MANAGED_ATTACH_DETACH = 'volumes.kubernetes.io/controller-managed-attach-detach';

/**
 * The kubelet settings the node agent uses, named as the kubelet's flags (a KubeletFlags value
 * can be passed as is).
 */
export interface NodeFlags {
  /** --node-labels: set on registration only (a restarted kubelet leaves the node's labels alone). */
  nodeLabels?: Record<string, string>;
  /** --register-with-taints: set on registration only. */
  registerWithTaints?: readonly TaintSpec[];
  /** --kube-reserved and --system-reserved (cpu, memory, ephemeral-storage, pid). */
  kubeReserved?: Record<string, string>;
  systemReserved?: Record<string, string>;
  /** --eviction-hard as `signal: value`; the kubelet's defaults (memory.available 100Mi, nodefs.available 10%, ...) when absent. */
  evictionHard?: Record<string, string>;
  /** --node-ip; empty: the host's address (see detectNodeIP). */
  nodeIP?: string;
  /** --port: the kubelet API port reported in daemonEndpoints. */
  port: number;
  /** --root-dir: its filesystem is the node's ephemeral storage. Default /var/lib/kubelet. */
  rootDir?: string;
  /** --max-pods; 110 by default. */
  maxPods?: number;
  /** The version reported as kubeletVersion; KUBELET_VERSION by default. */
  kubeletVersion?: string;
}

export interface NodeAgentOptions {
  client: ApiClient;
  nodeName: string;
  runtime: RuntimeService & ImageManagerService;
  flags: NodeFlags;
  logger: Logger;
  registry: Registry;
  /** The Hostname address and kubernetes.io/hostname label; the node name by default. */
  hostname?: string;
  /** The machine as read at start; the host's (readMachineInfo) by default. Hollow nodes pass their own. */
  machineInfo?: MachineInfo | (() => Promise<MachineInfo>);
  /** The eviction signals, read at each status computation; the host's by default. */
  signals?: () => Promise<NodeSignals>;
  /** Records the node's events; a recorder for component `kubelet` by default. */
  recorder?: EventRecorder;
  clock?: Clock;
  /** How often the status is computed (nodeStatusUpdateFrequency, 10 s). */
  statusUpdateFrequencyMs?: number;
  /** How often it is posted when nothing changed (nodeStatusReportFrequency, 5 min). */
  statusReportFrequencyMs?: number;
  /** How often the status is computed until the node has been posted Ready once; 500 ms. */
  fastStatusUpdateFrequencyMs?: number;
  /** How long a pressure condition stays True after its signal recovered (evictionPressureTransitionPeriod, 5 min). */
  pressureTransitionPeriodMs?: number;
  /** nodeLeaseDurationSeconds (40) and the renew interval (a quarter of it). */
  leaseDurationSeconds?: number;
  leaseRenewIntervalMs?: number;
}

interface NodeMetrics {
  nodeName: Gauge<'node'>;
  registrationDuration: Gauge;
  statusUpdates: Counter<'result'>;
  leaseRenewals: Counter<'result'>;
}

/** One set of metrics per registry, shared by every agent using it (hollow nodes share a process). */
function metricsFor(registry: Registry): NodeMetrics {
  const get = <T>(name: string, make: () => T): T => (registry.getSingleMetric(name) as T | undefined) ?? make();
  const registers = [registry];
  return {
    nodeName: get('kubelet_node_name', () => new Gauge({ name: 'kubelet_node_name', help: "The node's name. The count is always 1.", labelNames: ['node'], registers })),
    registrationDuration: get(
      'kubelet_node_startup_registration_duration_seconds',
      () => new Gauge({ name: 'kubelet_node_startup_registration_duration_seconds', help: 'Duration in seconds of node startup during registration.', registers }),
    ),
    statusUpdates: get(
      'kubelet_node_status_updates_total',
      () => new Counter({ name: 'kubelet_node_status_updates_total', help: 'Node status posts to the apiserver, by result.', labelNames: ['result'], registers }),
    ),
    leaseRenewals: get(
      'kubelet_node_lease_renewals_total',
      () => new Counter({ name: 'kubelet_node_lease_renewals_total', help: 'Node lease renewals, by result.', labelNames: ['result'], registers }),
    ),
  };
}

interface PendingEvent {
  reason: string;
  type: 'Normal' | 'Warning';
  message: string;
}

/**
 * The kubelet's node half: registers the Node, keeps its Lease renewed and its status current.
 *
 * - Registration creates the Node with labels (the kubelet's own plus --node-labels), taints
 *   (--register-with-taints) and a full status. If the Node exists (a restart), it is adopted:
 *   the kubelet's own labels and annotation are brought up to date, everything else (labels
 *   and taints users or controllers set, spec.podCIDR) is left alone, and the status posted.
 * - Status is computed every statusUpdateFrequency (10 s; more often until first Ready) and
 *   posted when it changed apart from heartbeat times, or every statusReportFrequency (5 min):
 *   the Lease is the heartbeat, as with the kubelet's NodeLease feature.
 * - The Node is watched, so node() is current and a podCIDR set by the controller-manager's
 *   node IPAM reaches onPodCIDR callbacks at once.
 * - Events: Starting when started; NodeHasSufficientMemory, NodeHasNoDiskPressure,
 *   NodeHasSufficientPID on registration; NodeReady/NodeNotReady and pressure events on change.
 */
export class NodeAgent {
  private readonly o: NodeAgentOptions;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly recorder: EventRecorder;
  private readonly metrics: NodeMetrics;
  private readonly hostname: string;
  private readonly kubeReserved;
  private readonly systemReserved;
  private readonly evictionHard: EvictionThreshold[];
  private readonly updateFrequencyMs: number;
  private readonly reportFrequencyMs: number;
  private readonly fastFrequencyMs: number;
  private readonly pressureTransitionMs: number;
  private readonly lease: NodeLeaseController;
  private readonly podCIDRCallbacks: ((cidr: string) => void)[] = [];
  private readonly pressureSeenAt = new Map<string, number>();
  private informer: Informer<corev1.Node> | undefined;
  private controller = new AbortController();
  private starting: Promise<void> | undefined;
  private loops: Promise<unknown>[] = [];
  private machine: MachineInfo | undefined;
  private nodeIP = '';
  private runtimeVersion: string | undefined;
  private current: corev1.Node | undefined;
  private podCIDR = '';
  private lastReportAt = Number.NEGATIVE_INFINITY;
  private postedReady = false;
  private syncChain: Promise<void> = Promise.resolve();

  constructor(options: NodeAgentOptions) {
    if (!options.nodeName) throw new NodeConfigError('node name is required');
    const port = options.flags.port;
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new NodeConfigError(`invalid kubelet port ${port}`);
    this.o = options;
    this.clock = options.clock ?? realClock;
    this.logger = options.logger.with({ node: options.nodeName });
    this.hostname = options.hostname ?? options.nodeName;
    this.kubeReserved = parseReserved(options.flags.kubeReserved);
    this.systemReserved = parseReserved(options.flags.systemReserved);
    this.evictionHard = parseEvictionHard(options.flags.evictionHard);
    validateNodeLabels(options.flags.nodeLabels ?? {});
    if (options.flags.nodeIP) validateNodeIP(options.flags.nodeIP);
    const maxPods = options.flags.maxPods ?? 110;
    if (!Number.isInteger(maxPods) || maxPods < 0) throw new NodeConfigError(`invalid max pods ${maxPods}`);
    this.updateFrequencyMs = options.statusUpdateFrequencyMs ?? 10_000;
    this.reportFrequencyMs = options.statusReportFrequencyMs ?? 300_000;
    this.fastFrequencyMs = options.fastStatusUpdateFrequencyMs ?? 500;
    this.pressureTransitionMs = options.pressureTransitionPeriodMs ?? 300_000;
    if (!(this.updateFrequencyMs > 0 && this.reportFrequencyMs > 0 && this.fastFrequencyMs > 0)) throw new RangeError('status frequencies must be > 0');
    this.recorder = options.recorder ?? new EventRecorder({ client: options.client, component: 'kubelet', host: options.nodeName, clock: this.clock, logger: this.logger });
    this.metrics = metricsFor(options.registry);
    this.lease = new NodeLeaseController({
      client: options.client,
      nodeName: options.nodeName,
      ...(options.leaseDurationSeconds === undefined ? {} : { leaseDurationSeconds: options.leaseDurationSeconds }),
      ...(options.leaseRenewIntervalMs === undefined ? {} : { renewIntervalMs: options.leaseRenewIntervalMs }),
      nodeUID: () => this.current?.metadata?.uid,
      clock: this.clock,
      logger: this.logger,
      onRenew: (ok) => this.metrics.leaseRenewals.inc({ result: ok ? 'success' : 'failure' }),
    });
  }

  /**
   * Registers (or adopts) the Node, then starts the Lease renewer and the status loop. Resolves
   * once the Node is registered; registration is retried (100 ms doubling to 7 s) until it
   * succeeds or stop() is called. Calling it again returns the same promise.
   */
  start(): Promise<void> {
    this.starting ??= this.run();
    return this.starting;
  }

  /** Stops the loops and the watch and waits for them and for pending events. Idempotent. */
  async stop(): Promise<void> {
    this.controller.abort();
    await this.starting?.catch(() => undefined);
    await Promise.allSettled([this.lease.stop(), this.informer?.stop(), ...this.loops]);
    await this.syncChain.catch(() => undefined);
    await this.recorder.flush();
  }

  /** The Node as last written or observed; undefined before registration. */
  node(): corev1.Node | undefined {
    return this.current;
  }

  /**
   * Calls `cb` with the node's pod CIDR (podCIDRs joined by commas) whenever it is set or changes;
   * at once (asynchronously) if it is already known.
   */
  onPodCIDR(cb: (cidr: string) => void): void {
    this.podCIDRCallbacks.push(cb);
    if (this.podCIDR !== '') {
      const cidr = this.podCIDR;
      queueMicrotask(() => this.callPodCIDR(cb, cidr));
    }
  }

  /**
   * Computes the node status now and posts it if it changed (or the report interval passed).
   * Calls are serialised. Rejects when the post failed 5 times over (conflicts are retried).
   */
  syncNodeStatus(): Promise<void> {
    const run = this.syncChain.then(() => this.trySyncNodeStatus());
    this.syncChain = run.catch(() => undefined);
    return run;
  }

  private async run(): Promise<void> {
    const signal = this.controller.signal;
    const startedAt = this.clock.now();
    this.record('Starting', 'Normal', 'Starting kubelet.');
    const source = this.o.machineInfo;
    this.machine = source === undefined ? await readMachineInfo(this.o.flags.rootDir ?? '/var/lib/kubelet') : typeof source === 'function' ? await source() : source;
    this.nodeIP = this.o.flags.nodeIP || ((await detectNodeIP()) ?? '');
    if (this.nodeIP === '') throw new NodeConfigError(`can't get ip address of node ${this.o.nodeName}: no usable IPv4 address on this host; set --node-ip`);
    this.metrics.nodeName.set({ node: this.o.nodeName }, 1);

    await this.register(signal);
    if (signal.aborted) return;
    this.metrics.registrationDuration.set((this.clock.now() - startedAt) / 1000);
    this.logger.info('node registered', { uid: this.current?.metadata?.uid });

    this.informer = new Informer<corev1.Node>({
      listerWatcher: listWatch<corev1.Node>(this.o.client, NodesResource, { fieldSelector: `metadata.name=${this.o.nodeName}` }),
      clock: this.clock,
      logger: this.logger,
    });
    this.informer.addEventHandler({
      onAdd: (n) => this.observe(n),
      onUpdate: (_old, n) => this.observe(n),
    });
    void this.informer.start();
    this.lease.start();
    this.loops.push(this.statusLoop(signal));
  }

  private async register(signal: AbortSignal): Promise<void> {
    let backoffMs = 100;
    while (!signal.aborted) {
      try {
        await this.tryRegister();
        return;
      } catch (err) {
        if (signal.aborted) return;
        this.logger.warn('unable to register node with the API server, will retry', { err, retryInMs: backoffMs });
        await sleep(this.clock, backoffMs, signal);
        backoffMs = Math.min(backoffMs * 2, 7000);
      }
    }
  }

  private async tryRegister(): Promise<void> {
    const events: PendingEvent[] = [];
    const node: corev1.Node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: this.o.nodeName,
        labels: { ...defaultNodeLabels(this.hostname), ...this.o.flags.nodeLabels },
        annotations: { [CONTROLLER_MANAGED_ATTACH_DETACH]: 'true' },
      },
      spec: {},
    };
    const taints = registrationTaints(this.o.flags.registerWithTaints);
    if (taints.length > 0) node.spec!.taints = taints;
    await this.computeStatus(node, events);
    try {
      const created = await this.o.client.create<corev1.Node>(NodesResource, '', node);
      this.observe(created);
      this.lastReportAt = this.clock.now();
      this.postedReady = isReady(created);
      this.emit(events);
      return;
    } catch (err) {
      if (!hasReason(err, StatusReason.AlreadyExists)) throw err;
    }
    // A restart: the Node is ours already. Bring the kubelet's own labels and annotation up to
    // date (users' and controllers' changes stay), then post the status.
    this.emit(events);
    const existing = await this.o.client.get<corev1.Node>(NodesResource, '', this.o.nodeName);
    const updated = structuredClone(existing);
    const meta = (updated.metadata ??= {});
    meta.labels = { ...meta.labels, ...defaultNodeLabels(this.hostname) };
    meta.annotations = { ...meta.annotations, [CONTROLLER_MANAGED_ATTACH_DETACH]: 'true' };
    if (JSON.stringify(meta.labels) !== JSON.stringify(existing.metadata?.labels) || JSON.stringify(meta.annotations) !== JSON.stringify(existing.metadata?.annotations)) {
      this.observe(await this.o.client.update<corev1.Node>(NodesResource, '', updated));
    } else {
      this.observe(existing);
    }
    await this.trySyncNodeStatus();
  }

  private async statusLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await sleep(this.clock, this.postedReady ? this.updateFrequencyMs : Math.min(this.fastFrequencyMs, this.updateFrequencyMs), signal);
      if (signal.aborted) return;
      try {
        await this.syncNodeStatus();
      } catch (err) {
        this.logger.warn('error updating node status, will retry', { err });
      }
    }
  }

  private async trySyncNodeStatus(): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      let base = attempt === 0 ? this.current : undefined;
      base ??= await this.o.client.get<corev1.Node>(NodesResource, '', this.o.nodeName);
      const desired = structuredClone(base);
      const events: PendingEvent[] = [];
      await this.computeStatus(desired, events);
      const now = this.clock.now();
      if (!nodeStatusChanged(base.status, desired.status) && now - this.lastReportAt < this.reportFrequencyMs) return;
      try {
        const updated = await this.o.client.updateStatus<corev1.Node>(NodesResource, '', desired);
        this.metrics.statusUpdates.inc({ result: 'success' });
        this.observe(updated);
        this.lastReportAt = now;
        if (isReady(updated)) this.postedReady = true;
        this.emit(events);
        return;
      } catch (err) {
        this.metrics.statusUpdates.inc({ result: 'failure' });
        if (!hasReason(err, StatusReason.Conflict)) throw err;
      }
    }
    throw new Error('update node status exceeds retry count');
  }

  /** Runs the status setters on `node` with freshly gathered inputs; events go to `events`. */
  private async computeStatus(node: corev1.Node, events: PendingEvent[]): Promise<void> {
    const machine = this.machine!;
    const runtime = this.o.runtime;
    if (this.runtimeVersion === undefined) {
      try {
        const v = await runtime.version();
        this.runtimeVersion = `${v.runtimeName}://${v.runtimeVersion}`;
      } catch (err) {
        this.logger.warn('container runtime version unknown', { err });
      }
    }
    const [runtimeStatus, images, signals] = await Promise.all([
      runtime.status().catch((err: unknown) => (err instanceof Error ? err : new Error(String(err)))),
      runtime.listImages().catch((err: unknown) => {
        this.logger.warn('error getting image list', { err });
        return undefined;
      }),
      (this.o.signals ?? (() => readHostSignals(this.o.flags.rootDir ?? '/var/lib/kubelet')))().catch(() => ({}) as NodeSignals),
    ]);
    const now = this.clock.now();
    for (const p of pressuresOf(signals, this.evictionHard)) this.pressureSeenAt.set(p, now);
    const pressures = new Set<string>();
    for (const [p, at] of this.pressureSeenAt) if (now - at < this.pressureTransitionMs || at === now) pressures.add(p);

    const capacity = nodeCapacity(machine, this.o.flags.maxPods ?? 110);
    const allocatable = nodeAllocatable(capacity, allocatableReservation(capacity, this.kubeReserved, this.systemReserved, this.evictionHard));
    const { os, arch } = goPlatform();
    const record: RecordNodeEvent = (reason, type = 'Normal', message) =>
      events.push({ reason, type, message: message ?? `Node ${this.o.nodeName} status is now: ${reason}` });
    applyNodeStatus(node, {
      nodeName: this.o.nodeName,
      machine,
      capacity: resourceList(capacity),
      allocatable: resourceList(allocatable),
      addresses: nodeAddresses(this.nodeIP, this.hostname),
      containerRuntimeVersion: this.runtimeVersion ?? 'Unknown://Unknown',
      kubeletVersion: this.o.flags.kubeletVersion ?? KUBELET_VERSION,
      operatingSystem: os,
      architecture: arch,
      kubeletPort: this.o.flags.port,
      images,
      runtimeHandlers: runtimeStatus instanceof Error ? undefined : (runtimeStatus as cri.StatusResponse).runtimeHandlers,
      pressures,
      readyErrors: runtimeErrors(runtimeStatus),
      now: formatTime(now),
      record,
    });
  }

  private record(reason: string, type: 'Normal' | 'Warning', message: string): void {
    this.recorder.event({ kind: 'Node', name: this.o.nodeName, uid: this.o.nodeName }, type, reason, message);
  }

  private emit(events: PendingEvent[]): void {
    for (const e of events) this.record(e.reason, e.type, e.message);
  }

  /** Takes in a Node seen on the API unless it is older than the one held; announces pod CIDR changes. */
  private observe(node: corev1.Node): void {
    if (this.current !== undefined && newerThan(this.current, node)) return;
    this.current = node;
    const cidr = (node.spec?.podCIDRs ?? []).join(',') || node.spec?.podCIDR || '';
    if (cidr !== '' && cidr !== this.podCIDR) {
      this.podCIDR = cidr;
      this.logger.info('node pod CIDR set', { podCIDR: cidr });
      for (const cb of this.podCIDRCallbacks) this.callPodCIDR(cb, cidr);
    }
  }

  private callPodCIDR(cb: (cidr: string) => void, cidr: string): void {
    try {
      cb(cidr);
    } catch (err) {
      this.logger.error('pod CIDR callback failed', { err });
    }
  }
}

function isReady(node: corev1.Node): boolean {
  return (node.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Whether `a` is a later version of the object than `b` (resourceVersions are store revisions). */
function newerThan(a: corev1.Node, b: corev1.Node): boolean {
  const ra = a.metadata?.resourceVersion ?? '';
  const rb = b.metadata?.resourceVersion ?? '';
  if (!/^\d+$/.test(ra) || !/^\d+$/.test(rb)) return false;
  return BigInt(ra) > BigInt(rb);
}
