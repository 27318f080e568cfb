import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { appsv1, corev1, policyv1 } from '@tskube/api-types';
import { ApiClient, EventRecorder, Informer, LeaderElector, listWatch, realClock, type Clock, type GroupVersionResource, type ObjectWithMeta } from '@tskube/client';
import { createLogger, type Logger } from '@tskube/component';
import { Registry as MetricsRegistry } from 'prom-client';
import { SchedulerCache } from './cache/cache';
import type { ResolvedSchedulerConfiguration } from './framework/config';
import type { Listers } from './framework/interfaces';
import { buildProfiles, type Profile } from './framework/profile';
import type { Registry as PluginRegistry } from './framework/registry';
import { inTreeRegistry } from './plugins/registry';
import { nodeEventHandler, podEventHandler } from './event-handlers';
import { SchedulerMetrics } from './metrics';
import { PodsResource, podApiFromClient } from './pod-api';
import type { EventSink } from './preemption';
import { Nominator } from './queue/nominator';
import { SchedulingQueue } from './queue/scheduling-queue';
import { SchedulingCore, schedulerNameOf } from './schedule-one';

const resources = {
  nodes: { group: '', version: 'v1', resource: 'nodes' },
  namespaces: { group: '', version: 'v1', resource: 'namespaces' },
  services: { group: '', version: 'v1', resource: 'services' },
  replicationcontrollers: { group: '', version: 'v1', resource: 'replicationcontrollers' },
  replicasets: { group: 'apps', version: 'v1', resource: 'replicasets' },
  statefulsets: { group: 'apps', version: 'v1', resource: 'statefulsets' },
  poddisruptionbudgets: { group: 'policy', version: 'v1', resource: 'poddisruptionbudgets' },
} as const satisfies Record<string, GroupVersionResource>;

/** Leader election settings (KubeSchedulerConfiguration.leaderElection and the --leader-elect-* flags). */
export interface LeaderElectionOptions {
  /** 15 s. */
  leaseDurationMs?: number;
  /** 10 s. */
  renewDeadlineMs?: number;
  /** 2 s. */
  retryPeriodMs?: number;
  /** kube-system. */
  namespace?: string;
  /** kube-scheduler. */
  name?: string;
  /** `<hostname>_<uuid>` by default. */
  identity?: string;
}

export interface SchedulerOptions {
  /** The client to use; the scheduler closes it on stop only when it created it from `master`. */
  client?: ApiClient;
  /** host:port of the apiserver's gRPC API, when no `client` is given. */
  master?: string;
  /** A KubeSchedulerConfiguration object as parsed from `--config`; the v1 defaults when absent. */
  config?: unknown;
  /** Leader election on a Lease; false schedules at once without it. On by default. */
  leaderElection?: false | LeaderElectionOptions;
  /** Where the scheduler's metrics go; a fresh registry by default. */
  metricsRegistry?: MetricsRegistry;
  /** Out-of-tree plugins, merged into the in-tree registry. */
  plugins?: PluginRegistry;
  logger?: Logger;
  clock?: Clock;
  /** Tie-breaking among equal nodes and preemption's random offset; Math.random by default. */
  rng?: () => number;
  /**
   * Called when this replica loses its lease after having held it. It has stopped scheduling by
   * then; kube-scheduler exits at this point and the process main.ts does too.
   */
  onLostLeadership?(): void;
}

type Informers = {
  pods: Informer<corev1.Pod & ObjectWithMeta>;
  nodes: Informer<corev1.Node & ObjectWithMeta>;
  namespaces: Informer<corev1.Namespace & ObjectWithMeta>;
  services: Informer<corev1.Service & ObjectWithMeta>;
  replicationcontrollers: Informer<corev1.ReplicationController & ObjectWithMeta>;
  replicasets: Informer<appsv1.ReplicaSet & ObjectWithMeta>;
  statefulsets: Informer<appsv1.StatefulSet & ObjectWithMeta>;
  poddisruptionbudgets: Informer<policyv1.PodDisruptionBudget & ObjectWithMeta>;
};

/**
 * A running kube-scheduler: informers feeding the cache and the queue, the profiles of its
 * configuration, leader election, and the scheduling loop that runs only while this replica leads.
 * Informers run on every replica, so a standby that takes over already has a warm cache and queue.
 */
export class Scheduler {
  readonly configuration: ResolvedSchedulerConfiguration;
  /** Profiles by schedulerName. */
  readonly profiles: ReadonlyMap<string, Profile>;
  readonly queue: SchedulingQueue;
  readonly cache: SchedulerCache;
  readonly metrics: SchedulerMetrics;
  readonly metricsRegistry: MetricsRegistry;
  /** This replica's identity in the Lease. */
  readonly identity: string;
  private readonly client: ApiClient;
  private readonly ownsClient: boolean;
  private readonly informers: Informers;
  private readonly core: SchedulingCore;
  private readonly recorders = new Map<string, EventRecorder>();
  private readonly logger: Logger;
  private readonly elector: LeaderElector | undefined;
  private loop: { abort: AbortController; done: Promise<void> } | undefined;
  private stopped = false;

  constructor(options: SchedulerOptions) {
    if (options.client === undefined && options.master === undefined) throw new TypeError('client or master is required');
    this.client = options.client ?? new ApiClient({ master: options.master!, fieldManager: 'kube-scheduler' });
    this.ownsClient = options.client === undefined;
    this.logger = options.logger ?? createLogger({ component: 'kube-scheduler' });
    const clock = options.clock ?? realClock;
    const api = podApiFromClient(this.client);

    const informer = <T extends ObjectWithMeta>(gvr: GroupVersionResource) => new Informer<T>({ listerWatcher: listWatch<T>(this.client, gvr), logger: this.logger, clock });
    this.informers = {
      pods: informer(PodsResource),
      nodes: informer(resources.nodes),
      namespaces: informer(resources.namespaces),
      services: informer(resources.services),
      replicationcontrollers: informer(resources.replicationcontrollers),
      replicasets: informer(resources.replicasets),
      statefulsets: informer(resources.statefulsets),
      poddisruptionbudgets: informer(resources.poddisruptionbudgets),
    };
    const inf = this.informers;
    const listers: Listers = {
      namespaces: () => inf.namespaces.lister.list(),
      namespace: (name) => inf.namespaces.lister.get(name),
      services: (ns) => inf.services.lister.byIndex('namespace', ns),
      replicationController: (ns, name) => inf.replicationcontrollers.lister.get(`${ns}/${name}`),
      replicaSet: (ns, name) => inf.replicasets.lister.get(`${ns}/${name}`),
      statefulSet: (ns, name) => inf.statefulsets.lister.get(`${ns}/${name}`),
      podDisruptionBudgets: () => inf.poddisruptionbudgets.lister.list(),
    };

    const registry = inTreeRegistry({ bind: (pod, node) => api.bind(pod, node) });
    if (options.plugins !== undefined) registry.merge(options.plugins);
    const nominator = new Nominator();
    const built = buildProfiles(options.config ?? {}, { registry, listers, nominator, ...(options.rng ? { rng: options.rng } : {}) });
    this.configuration = built.configuration;
    this.profiles = built.profiles;
    const queueSort = [...this.profiles.values()][0]!.queueSort;

    this.queue = new SchedulingQueue({
      less: (a, b) => queueSort.less(a, b),
      preEnqueue: (pod) => this.profiles.get(schedulerNameOf(pod.pod))?.runPreEnqueuePlugins(pod) ?? this.core.preEnqueue(pod),
      initialBackoffMs: this.configuration.podInitialBackoffSeconds * 1000,
      maxBackoffMs: this.configuration.podMaxBackoffSeconds * 1000,
      nominator,
      hintContext: { namespaceLabels: (ns) => inf.namespaces.lister.get(ns)?.metadata?.labels },
      clock,
    });
    this.cache = new SchedulerCache();
    this.metricsRegistry = options.metricsRegistry ?? new MetricsRegistry();
    this.metrics = new SchedulerMetrics(this.metricsRegistry, () => this.queue.pendingPods());

    const getPod = (namespace: string, name: string) => inf.pods.lister.get(`${namespace}/${name}`);
    this.core = new SchedulingCore({
      profiles: this.profiles,
      queue: this.queue,
      cache: this.cache,
      api,
      recorder: (name) => this.recorder(name),
      getPod,
      metrics: this.metrics,
      clock,
      logger: this.logger,
    });

    const deps = {
      cache: this.cache,
      queue: this.queue,
      responsible: (pod: corev1.Pod) => this.profiles.has(schedulerNameOf(pod)),
      onEvicted: (pod: corev1.Pod) => this.core.victimEvicted(pod),
    };
    inf.nodes.addEventHandler(nodeEventHandler(deps));
    inf.pods.addEventHandler(podEventHandler(deps));

    const le = options.leaderElection ?? {};
    this.identity = (le !== false ? le.identity : undefined) ?? `${hostname()}_${randomUUID()}`;
    if (le !== false) {
      this.elector = new LeaderElector({
        client: this.client,
        namespace: le.namespace ?? 'kube-system',
        name: le.name ?? 'kube-scheduler',
        identity: this.identity,
        ...(le.leaseDurationMs !== undefined ? { leaseDurationMs: le.leaseDurationMs } : {}),
        ...(le.renewDeadlineMs !== undefined ? { renewDeadlineMs: le.renewDeadlineMs } : {}),
        ...(le.retryPeriodMs !== undefined ? { retryPeriodMs: le.retryPeriodMs } : {}),
        clock,
        logger: this.logger,
        callbacks: {
          onStartedLeading: () => this.startLoop(),
          onStoppedLeading: () => {
            void this.stopLoop();
            if (!this.stopped) {
              this.logger.error('leader election lost', { identity: this.identity });
              options.onLostLeadership?.();
            }
          },
          onNewLeader: (holder) => this.logger.info('new leader', { holder, self: holder === this.identity }),
        },
      });
    }
  }

  /** Whether this replica is scheduling: it holds the lease, or runs without leader election. */
  isLeader(): boolean {
    return this.elector === undefined ? this.loop !== undefined : this.elector.isLeader();
  }

  /** Whether every informer has listed once. */
  hasSynced(): boolean {
    return Object.values(this.informers).every((i: Informer<ObjectWithMeta>) => i.hasSynced());
  }

  /**
   * Starts the informers, waits until they have listed, then campaigns for the lease (or starts
   * scheduling at once without leader election). Resolves once the caches are synced.
   */
  async start(): Promise<void> {
    for (const i of Object.values(this.informers)) void (i as Informer<ObjectWithMeta>).start();
    const synced = await Promise.all(Object.values(this.informers).map((i: Informer<ObjectWithMeta>) => i.waitForSync()));
    if (this.stopped || !synced.every(Boolean)) return;
    this.queue.start();
    this.logger.info('caches synced', { nodes: this.cache.nodeCount, pods: this.informers.pods.lister.size });
    if (this.elector !== undefined) void this.elector.run();
    else this.startLoop();
  }

  /**
   * Stops scheduling, gives up the lease (so a standby takes over at once), waits for bindings in
   * flight, stops the informers and flushes events. Idempotent.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.elector?.stop();
    await this.stopLoop();
    this.queue.close();
    await this.core.drain();
    await Promise.all(Object.values(this.informers).map((i: Informer<ObjectWithMeta>) => i.stop()));
    await Promise.all([...this.recorders.values()].map((r) => r.flush()));
    if (this.ownsClient) this.client.close();
  }

  private recorder(schedulerName: string): EventSink {
    let r = this.recorders.get(schedulerName);
    if (r === undefined) this.recorders.set(schedulerName, (r = new EventRecorder({ client: this.client, component: schedulerName, logger: this.logger })));
    return r;
  }

  private startLoop(): void {
    if (this.loop !== undefined || this.stopped) return;
    const abort = new AbortController();
    this.logger.info('scheduling started', { identity: this.identity, profiles: [...this.profiles.keys()] });
    this.loop = { abort, done: this.run(abort.signal) };
  }

  private async stopLoop(): Promise<void> {
    const loop = this.loop;
    if (loop === undefined) return;
    this.loop = undefined;
    loop.abort.abort();
    await loop.done;
  }

  /**
   * Pops and schedules pods one at a time. Scheduling cycles are synchronous, so the loop yields to
   * the event loop every few milliseconds: informer events and binding answers must get through.
   */
  private async run(signal: AbortSignal): Promise<void> {
    let lastYield = performance.now();
    while (!signal.aborted) {
      const qp = await this.queue.pop(signal);
      if (qp === undefined) break;
      if (signal.aborted) {
        this.queue.addUnschedulableIfNotPresent(qp, { unschedulablePlugins: new Set(), error: true });
        break;
      }
      await this.core.scheduleOne(qp);
      if (performance.now() - lastYield > 5) {
        await yieldToEventLoop();
        lastYield = performance.now();
      }
    }
  }
}

/** Creates a Scheduler and starts it (see `Scheduler.start`). */
export async function startScheduler(options: SchedulerOptions): Promise<Scheduler> {
  const scheduler = new Scheduler(options);
  try {
    await scheduler.start();
  } catch (err) {
    await scheduler.stop();
    throw err;
  }
  return scheduler;
}
