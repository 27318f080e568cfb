import { readdir, readFile } from 'node:fs/promises';
import { totalmem, cpus } from 'node:os';
import { join } from 'node:path';
import { hasReason, StatusReason, type corev1 } from '@tskube/api-types';
import { DeletedFinalStateUnknown, EventRecorder, formatTime, Informer, listWatch, NamespaceIndex, namespaceIndexFunc, type ApiClient, type GroupVersionResource } from '@tskube/client';
import type { Logger } from '@tskube/component';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { ImageManagerService, RuntimeService } from './cri';
import type { EnvSources } from './env';
import { CniConfigurer } from './network/cni';
import { detectNodeIP } from './node';
import { parseResolvConf, type ResolverConfig } from './network/dns';
import { admitPod } from './pod/admission';
import { noProbes, noVolumes, type PodProber, type PodVolumes } from './pod/deps';
import { Pleg } from './pod/pleg';
import { PodsResource, StatusManager } from './pod/status-manager';
import { PodSyncer } from './pod/sync';
import { PodWorkers } from './pod/workers';
import { podLogDirectory } from './runtime/sandbox-config';
import { ContainerRunState } from './runtime/runtime-status';

const ConfigMaps: GroupVersionResource = { group: '', version: 'v1', resource: 'configmaps' };
const Secrets: GroupVersionResource = { group: '', version: 'v1', resource: 'secrets' };
const Services: GroupVersionResource = { group: '', version: 'v1', resource: 'services' };
const Nodes: GroupVersionResource = { group: '', version: 'v1', resource: 'nodes' };
const PVCs: GroupVersionResource = { group: '', version: 'v1', resource: 'persistentvolumeclaims' };
const PVs: GroupVersionResource = { group: '', version: 'v1', resource: 'persistentvolumes' };

/** Where the volume manager reads the objects volumes refer to. */
export interface VolumeObjectSources {
  getConfigMap(namespace: string, name: string): Promise<corev1.ConfigMap | undefined>;
  getSecret(namespace: string, name: string): Promise<corev1.Secret | undefined>;
  getPersistentVolumeClaim(namespace: string, name: string): Promise<corev1.PersistentVolumeClaim | undefined>;
  getPersistentVolume(name: string): Promise<corev1.PersistentVolume | undefined>;
}

/** What the node agent (apps/kubelet/src/node) offers the lifecycle, by shape. */
export interface NodeStatusAgent {
  start(): Promise<void>;
  stop(): Promise<void>;
  node(): corev1.Node | undefined;
  onPodCIDR(cb: (cidr: string) => void): void;
}

/** The hooks a probe manager is built with. */
export interface ProberHooks {
  onChange(podUid: string): void;
  recordEvent(pod: corev1.Pod, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export interface KubeletOptions {
  client: ApiClient;
  runtime: RuntimeService & ImageManagerService;
  logger: Logger;
  registry: Registry;
  nodeName: string;
  /** --node-ip; detected or taken from the Node when empty. */
  nodeIP: string;
  rootDir: string;
  podLogsDir: string;
  clusterDNS: string[];
  clusterDomain: string;
  resolvConf: string;
  /** --pod-cidr: the pod network's range while the Node has no spec.podCIDR. */
  podCIDR: string;
  cniConfDir: string;
  cniBridgeName: string;
  /** The volume manager, built over the kubelet's object sources; none by default. */
  createVolumes?: (sources: VolumeObjectSources) => PodVolumes;
  /** The probe manager; without one, running containers count as ready. */
  createProber?: (hooks: ProberHooks) => PodProber;
  /** The node agent (registration, lease, node status); without one the Node is only read. */
  nodeAgent?: NodeStatusAgent;
  /** Periods, shortened by tests. */
  resyncMs?: number;
  housekeepingMs?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
}

/**
 * The kubelet's pod lifecycle: watches the pods bound to this node, runs one worker per pod that
 * syncs it against the runtime, relists the runtime every second to notice containers that
 * changed, keeps the pod network's CNI configuration in line with the node's pod CIDR, and
 * regularly removes what belongs to pods that no longer exist. Containers keep running when it
 * stops; a kubelet started again adopts them.
 */
export class Kubelet {
  private readonly o: KubeletOptions;
  private readonly podsByUid = new Map<string, corev1.Pod>();
  private readonly podInformer: Informer<corev1.Pod>;
  private readonly serviceInformer: Informer<corev1.Service>;
  private readonly recorder: EventRecorder;
  private readonly statusManager: StatusManager;
  private readonly syncer: PodSyncer;
  private readonly workers: PodWorkers;
  private readonly pleg: Pleg;
  private readonly cni: CniConfigurer;
  private readonly prober: PodProber;
  private readonly volumes: PodVolumes;
  /** The host's resolv.conf, read at start; the syncer's DNS settings hold this very object. */
  private readonly hostResolver: ResolverConfig = { servers: [], searches: [], options: [] };
  private node: corev1.Node | undefined;
  private housekeepingTimer: NodeJS.Timeout | undefined;
  private housekeepingRun: Promise<void> | undefined;
  private stopped = false;
  private started = false;
  private readonly metrics: { syncs: Counter; running: Gauge; containers: Gauge; duration: Histogram };
  private readonly synced = new Set<string>();
  /** Pods admitted to run here, and pods refused (which never run). */
  private readonly admitted = new Set<string>();
  private readonly rejected = new Set<string>();
  /** The host's address when neither --node-ip nor the Node gives one; detected at start. */
  private detectedIP = '127.0.0.1';

  constructor(options: KubeletOptions) {
    if (!options.nodeName) throw new TypeError('nodeName is required');
    this.o = options;
    const { client, logger, nodeName } = options;
    this.podInformer = new Informer<corev1.Pod>({ listerWatcher: listWatch(client, PodsResource, { fieldSelector: `spec.nodeName=${nodeName}` }), logger });
    this.serviceInformer = new Informer<corev1.Service>({ listerWatcher: listWatch(client, Services), indexers: { [NamespaceIndex]: namespaceIndexFunc }, logger });
    this.recorder = new EventRecorder({ client, component: 'kubelet', host: nodeName, logger });
    this.statusManager = new StatusManager({ client, logger });
    const get = async <T>(gvr: GroupVersionResource, ns: string, name: string): Promise<T | undefined> => {
      try {
        return await client.get<T>(gvr, ns, name);
      } catch (err) {
        if (hasReason(err, StatusReason.NotFound)) return undefined;
        throw err;
      }
    };
    const envSources: EnvSources = {
      getConfigMap: (ns, name) => get<corev1.ConfigMap>(ConfigMaps, ns, name),
      getSecret: (ns, name) => get<corev1.Secret>(Secrets, ns, name),
      listServices: async (ns) => this.serviceInformer.lister.byIndex(NamespaceIndex, ns),
    };
    this.volumes = options.createVolumes?.({
      getConfigMap: envSources.getConfigMap,
      getSecret: envSources.getSecret,
      getPersistentVolumeClaim: (ns, name) => get<corev1.PersistentVolumeClaim>(PVCs, ns, name),
      getPersistentVolume: (name) => get<corev1.PersistentVolume>(PVs, '', name),
    }) ?? noVolumes;
    this.prober =
      options.createProber?.({
        onChange: (uid) => this.workers.update(uid),
        recordEvent: (pod, type, reason, message) => this.recorder.event(pod, type, reason, message),
      }) ?? noProbes;
    this.cni = new CniConfigurer({ confDir: options.cniConfDir, bridge: options.cniBridgeName, ipamDataDir: join(options.rootDir, 'cni', 'networks'), runtime: options.runtime, logger });
    this.syncer = new PodSyncer({
      runtime: options.runtime,
      volumes: this.volumes,
      prober: this.prober,
      envSources,
      statusManager: this.statusManager,
      recordEvent: (pod, fieldPath, type, reason, message) => {
        const m = pod.metadata ?? {};
        this.recorder.event(
          { kind: 'Pod', apiVersion: 'v1', namespace: m.namespace, name: m.name, uid: m.uid, ...(m.resourceVersion ? { resourceVersion: m.resourceVersion } : {}), ...(fieldPath ? { fieldPath } : {}) },
          type,
          reason,
          message,
        );
      },
      logger,
      nodeName,
      rootDir: options.rootDir,
      podLogsDir: options.podLogsDir,
      dns: { clusterDNS: options.clusterDNS, clusterDomain: options.clusterDomain, host: this.hostResolver },
      clusterDomain: options.clusterDomain,
      memoryCapacity: totalmem(),
      hostIPs: () => this.hostIPs(),
      nodeAllocatable: () => this.node?.status?.allocatable ?? { cpu: String(cpus().length), memory: String(totalmem()) },
      networkReady: () => this.networkReady(),
      ...(options.backoffInitialMs !== undefined ? { backoffInitialMs: options.backoffInitialMs } : {}),
      ...(options.backoffMaxMs !== undefined ? { backoffMaxMs: options.backoffMaxMs } : {}),
    });
    this.workers = new PodWorkers({ sync: (uid) => this.syncPod(uid), logger, ...(options.resyncMs !== undefined ? { resyncMs: options.resyncMs } : {}) });
    this.pleg = new Pleg({ runtime: options.runtime, logger, onChange: (uids) => uids.forEach((u) => this.workers.update(u)) });
    this.metrics = {
      syncs: new Counter({ name: 'kubelet_pod_worker_syncs_total', help: 'Pod syncs by outcome.', labelNames: ['outcome'], registers: [options.registry] }),
      running: new Gauge({ name: 'kubelet_running_pods', help: 'Number of pods that have a running pod sandbox', registers: [options.registry] }),
      containers: new Gauge({ name: 'kubelet_running_containers', help: 'Number of containers currently running', labelNames: ['container_state'], registers: [options.registry] }),
      duration: new Histogram({
        name: 'kubelet_pod_worker_duration_seconds',
        help: 'Duration in seconds to sync a single pod. Broken down by operation type: create, update, or sync',
        labelNames: ['operation'],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        registers: [options.registry],
      }),
    };
  }

  /** The node's IPs, primary first: --node-ip, else the Node's InternalIP, else the detected one. */
  hostIPs(): string[] {
    if (this.o.nodeIP) return [this.o.nodeIP];
    const internal = this.node?.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
    return [internal ?? this.detectedIP];
  }

  /** Pods bound to this node that the kubelet runs (for the server's /pods). */
  runningPods(): corev1.Pod[] {
    return [...this.podsByUid.values()];
  }

  /** The pod with `namespace/name` bound here, if any. */
  podByName(namespace: string, name: string): corev1.Pod | undefined {
    for (const p of this.podsByUid.values()) if (p.metadata?.namespace === namespace && p.metadata?.name === name) return p;
    return undefined;
  }

  /**
   * A pod's container as the runtime has it (as of the pod's last sync): the newest instance, or
   * with `previous` the newest exited one before it; with the path of its CRI log file. The
   * kubelet API's logs, exec and attach resolve containers with it.
   */
  container(namespace: string, podName: string, containerName: string, opts: { previous?: boolean } = {}): { podUid: string; containerId: string; logPath: string } | undefined {
    const pod = this.podByName(namespace, podName);
    const uid = pod?.metadata?.uid;
    if (!pod || !uid) return undefined;
    const mine = (this.syncer.lastRuntimeStatus(uid)?.containers ?? []).filter((c) => c.name === containerName);
    const chosen = opts.previous ? mine.find((c, i) => i > 0 && c.state === ContainerRunState.Exited) : mine[0];
    if (!chosen) return undefined;
    return { podUid: uid, containerId: chosen.id, logPath: chosen.logPath || join(podLogDirectory(this.o.podLogsDir, pod), containerName, `${chosen.restartCount}.log`) };
  }

  /** The pods this kubelet runs (the kubelet API's /pods). */
  pods(): corev1.Pod[] {
    return this.runningPods();
  }

  /** Whether the kubelet's loops are up: caches synced and the runtime relisted. */
  healthy(): boolean {
    return this.started && this.podInformer.hasSynced() && this.pleg.healthy();
  }

  private async networkReady(): Promise<{ ready: boolean; message: string }> {
    const status = await this.o.runtime.status();
    const net = status.status?.conditions.find((c) => c.type === 'NetworkReady');
    if (net?.status) return { ready: true, message: '' };
    return { ready: false, message: `NetworkReady=false reason:${net?.reason ?? ''} message:${net?.message ?? 'no NetworkReady condition'}` };
  }

  async start(): Promise<void> {
    const { logger } = this.o;
    Object.assign(this.hostResolver, parseResolvConf(await readFile(this.o.resolvConf, 'utf8').catch(() => '')));
    this.detectedIP = (await detectNodeIP()) ?? '127.0.0.1';
    const version = await this.o.runtime.version();
    logger.info('container runtime', { name: version.runtimeName, version: version.runtimeVersion, criVersion: version.runtimeApiVersion });
    if (this.o.nodeAgent) {
      this.o.nodeAgent.onPodCIDR((cidr) => void this.applyPodCIDR(cidr));
      await this.o.nodeAgent.start();
    }
    await this.refreshNode();
    this.podInformer.addEventHandler({
      onAdd: (pod) => this.upsert(pod),
      onUpdate: (_old, pod) => this.upsert(pod),
      onDelete: (obj) => {
        const pod = obj instanceof DeletedFinalStateUnknown ? obj.obj : obj;
        const uid = pod?.metadata?.uid;
        if (!uid) return;
        this.podsByUid.delete(uid);
        this.workers.update(uid);
      },
    });
    void this.serviceInformer.start();
    void this.podInformer.start();
    await Promise.all([this.podInformer.waitForSync(), this.serviceInformer.waitForSync()]);
    await this.pleg.relist();
    this.pleg.start();
    this.started = true;
    await this.housekeeping();
    this.scheduleHousekeeping();
    logger.info('kubelet started', { node: this.o.nodeName, pods: this.podsByUid.size });
  }

  private upsert(pod: corev1.Pod): void {
    const uid = pod.metadata?.uid;
    if (!uid) return;
    this.podsByUid.set(uid, pod);
    this.workers.update(uid);
  }

  private async syncPod(uid: string): Promise<number | undefined | 'forget'> {
    const pod = this.podsByUid.get(uid);
    try {
      if (!pod) {
        await this.syncer.cleanupOrphan(uid);
        this.forget(uid);
        this.metrics.syncs.inc({ outcome: 'orphan' });
        return 'forget';
      }
      if (!pod.metadata?.deletionTimestamp && !(await this.admit(uid, pod))) return undefined;
      const operation = this.synced.has(uid) ? 'sync' : 'create';
      const end = this.metrics.duration.startTimer({ operation });
      const result = await this.syncer.sync(pod);
      end();
      this.synced.add(uid);
      this.metrics.syncs.inc({ outcome: 'ok' });
      if (result.done) {
        this.forget(uid);
        return undefined;
      }
      return result.requeueAfterMs;
    } catch (err) {
      this.metrics.syncs.inc({ outcome: 'error' });
      throw err;
    }
  }

  private forget(uid: string): void {
    this.syncer.forget(uid);
    this.synced.delete(uid);
    this.admitted.delete(uid);
    this.rejected.delete(uid);
  }

  /**
   * Admits a pod the first time it is seen (HandlePodAdditions): one that already runs here (the
   * kubelet restarted) or already finished is admitted as it is; a new one must fit next to the
   * admitted pods that have not finished, or it is refused: phase Failed with the reason, and an
   * event. Resolves whether the pod may run.
   */
  private async admit(uid: string, pod: corev1.Pod): Promise<boolean> {
    if (this.admitted.has(uid)) return true;
    if (this.rejected.has(uid)) return false;
    const phase = pod.status?.phase;
    const known = this.pleg.runtimeUIDs().has(uid) || phase === 'Running' || phase === 'Succeeded' || phase === 'Failed';
    if (!known) {
      const active = [...this.podsByUid.values()].filter((p) => {
        const id = p.metadata?.uid ?? '';
        return id !== uid && this.admitted.has(id) && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed';
      });
      const rejection = admitPod(pod, active, this.o.nodeAgent?.node() ?? this.node);
      if (rejection) {
        this.o.logger.info('pod rejected', { pod: `${pod.metadata?.namespace}/${pod.metadata?.name}`, reason: rejection.reason });
        this.recorder.event(pod, 'Warning', rejection.reason, rejection.message);
        const now = formatTime(Date.now());
        await this.statusManager.setStatus(pod, { phase: 'Failed', reason: rejection.reason, message: `Pod was rejected: ${rejection.message}`, startTime: pod.status?.startTime ?? now });
        this.rejected.add(uid);
        return false;
      }
    }
    this.admitted.add(uid);
    return true;
  }

  private async applyPodCIDR(cidr: string): Promise<void> {
    if (!cidr || this.cni.podCIDR === cidr) return;
    try {
      await this.cni.apply(cidr);
    } catch (err) {
      this.o.logger.error('applying the pod CIDR failed', { cidr, err: (err as Error).message });
    }
  }

  private async refreshNode(): Promise<void> {
    let node = this.o.nodeAgent?.node();
    if (!node) {
      try {
        node = await this.o.client.get<corev1.Node>(Nodes, '', this.o.nodeName);
      } catch (err) {
        if (!hasReason(err, StatusReason.NotFound)) this.o.logger.warn('reading the node failed', { err: (err as Error).message });
      }
    }
    if (node) this.node = node;
    await this.applyPodCIDR(node?.spec?.podCIDR || this.o.podCIDR);
  }

  private scheduleHousekeeping(): void {
    if (this.stopped) return;
    this.housekeepingTimer = setTimeout(() => {
      this.housekeepingRun = this.housekeeping().finally(() => this.scheduleHousekeeping());
    }, this.o.housekeepingMs ?? 10_000);
  }

  /**
   * Every few seconds (HandlePodCleanups): the Node's pod CIDR, and a sync for every pod UID the
   * runtime or the pods directory holds that is not a pod bound here, which removes it.
   */
  private async housekeeping(): Promise<void> {
    try {
      await this.refreshNode();
      await this.syncer.retryCgroupCleanup();
      const known = new Set(this.podsByUid.keys());
      const seen = this.pleg.runtimeUIDs();
      const dirs = await readdirSafe(join(this.o.rootDir, 'pods'));
      for (const uid of [...seen, ...dirs]) if (!known.has(uid)) this.workers.update(uid);
      this.metrics.running.set(this.pleg.readySandboxUIDs().size);
      for (const [state, n] of Object.entries(this.pleg.containerCounts())) this.metrics.containers.set({ container_state: state }, n);
    } catch (err) {
      this.o.logger.warn('housekeeping failed', { err: (err as Error).message });
    }
  }

  /** Stops the loops and waits for syncs in progress; containers keep running. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.housekeepingTimer) clearTimeout(this.housekeepingTimer);
    await this.housekeepingRun;
    await this.pleg.stop();
    await this.workers.stop();
    await this.prober.close?.();
    for (let i = 0; i < 5 && (await this.syncer.retryCgroupCleanup()) > 0; i++) await new Promise((r) => setTimeout(r, 200));
    await Promise.all([this.podInformer.stop(), this.serviceInformer.stop()]);
    await this.o.nodeAgent?.stop();
    await this.recorder.flush().catch(() => undefined);
    this.o.logger.info('kubelet stopped');
  }
}

function readdirSafe(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}
