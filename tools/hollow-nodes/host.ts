/**
 * Hosts many hollow kubelets in one process (kubemark's hollow-node, kwok's idea of one process
 * for many nodes): they share the apiserver client (one gRPC channel), the metrics registry and
 * the process' /healthz, and start a bounded number at a time so that a thousand registrations
 * and initial lists do not all land on the apiserver at once.
 */
import { hasReason, StatusReason } from '@tskube/api-types';
import type { ApiClient, GroupVersionResource } from '@tskube/client';
import type { Logger } from '@tskube/component';
import { HollowKubelet, type HollowNodeTemplate } from './hollow-kubelet';
import type { HollowRegistry } from './metrics';

const Nodes: GroupVersionResource = { group: '', version: 'v1', resource: 'nodes' };
const Leases: GroupVersionResource = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases' };

/** How long stop() lets a kubelet that is starting finish before stopping it anyway. */
const STOP_WAIT_MS = 10_000;

/** Resolves when `p` settles or after `ms`, whichever comes first. */
async function settledWithin(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p.catch(() => undefined), new Promise((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}

export interface HollowHostOptions {
  client: ApiClient;
  template: HollowNodeTemplate;
  count: number;
  /** Each node's directories go below `<rootDir>/<node>`. */
  rootDir: string;
  registry: HollowRegistry;
  /** The host's own lines (progress, failures). */
  logger: Logger;
  /** What each hollow kubelet logs through; the host's logger by default. */
  kubeletLogger?: Logger;
  /** Kubelets starting at once; 32 by default. */
  startConcurrency?: number;
}

/** A snapshot of the host, for logs and tests. */
export interface HollowHostStatus {
  nodes: number;
  started: number;
  healthy: number;
  /** Pods bound to the hollow nodes that their kubelets know of. */
  pods: number;
  /** Hollow containers running in all the fake runtimes. */
  runningContainers: number;
}

export class HollowNodeHost {
  readonly kubelets: HollowKubelet[];
  private readonly o: HollowHostOptions;
  private readonly started = new Set<HollowKubelet>();
  private readonly inFlight = new Map<HollowKubelet, Promise<void>>();
  private starting: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private stopped = false;

  constructor(options: HollowHostOptions) {
    if (!Number.isInteger(options.count) || options.count < 1) throw new RangeError(`count must be a positive integer, got ${options.count}`);
    this.o = options;
    const logger = options.kubeletLogger ?? options.logger;
    this.kubelets = Array.from(
      { length: options.count },
      (_, index) => new HollowKubelet({ index, template: options.template, client: options.client, registry: options.registry, rootDir: options.rootDir, logger }),
    );
  }

  /**
   * Starts every hollow kubelet, `startConcurrency` at a time; resolves once all have registered
   * their node and synced their caches. A kubelet that fails to start fails the whole start (the
   * ones already started keep running until stop()). Calling it again returns the same promise.
   */
  start(): Promise<void> {
    this.starting ??= this.run();
    return this.starting;
  }

  private async run(): Promise<void> {
    const t0 = Date.now();
    let next = 0;
    let done = 0;
    const step = Math.max(1, Math.ceil(this.kubelets.length / 10));
    const worker = async () => {
      while (!this.stopped && next < this.kubelets.length) {
        const k = this.kubelets[next++]!;
        this.o.registry.add(k.registry);
        const starting = k.start();
        this.inFlight.set(k, starting);
        await starting;
        this.inFlight.delete(k);
        this.started.add(k);
        done++;
        if (done % step === 0 || done === this.kubelets.length) this.o.logger.info('hollow kubelets started', { started: done, of: this.kubelets.length, elapsedMs: Date.now() - t0 });
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.o.startConcurrency ?? 32, this.kubelets.length) }, worker));
  }

  /**
   * Stops every hollow kubelet (those still starting too) and waits for them; their hollow
   * containers go with them, their Node objects stay (see deleteNodes). A kubelet still starting
   * gets STOP_WAIT_MS to finish first; one that cannot reach the apiserver is stopped after that
   * and may leave a retrying watch behind, which only matters to a process that goes on living.
   * Idempotent.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.stopped = true;
      await Promise.all(
        this.kubelets.map(async (k) => {
          // A kubelet half started is let finish first (its informers would start after a stop),
          // but not for ever: one that cannot reach the apiserver would never finish.
          const starting = this.inFlight.get(k);
          if (starting) await settledWithin(starting, STOP_WAIT_MS);
          await k.stop().catch((err: unknown) => this.o.logger.error('stopping a hollow kubelet failed', { node: k.name, err }));
        }),
      );
      for (const k of this.kubelets) this.o.registry.remove(k.registry);
    })();
    return this.stopping;
  }

  /** Deletes the hollow nodes' Node objects and their Leases; those already gone are skipped. */
  async deleteNodes(concurrency = 32): Promise<number> {
    let next = 0;
    let deleted = 0;
    const gone = (err: unknown) => {
      if (!hasReason(err, StatusReason.NotFound)) throw err;
    };
    const worker = async () => {
      while (next < this.kubelets.length) {
        const name = this.kubelets[next++]!.name;
        await this.o.client.delete(Leases, 'kube-node-lease', name).catch(gone);
        await this.o.client.delete(Nodes, '', name).then(() => deleted++, gone);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, this.kubelets.length) }, worker));
    return deleted;
  }

  /** Whether every hollow kubelet has started and its loops are up. */
  healthy(): boolean {
    return this.started.size === this.kubelets.length && this.kubelets.every((k) => k.healthy());
  }

  status(): HollowHostStatus {
    let pods = 0;
    let healthy = 0;
    let runningContainers = 0;
    for (const k of this.kubelets) {
      pods += k.kubelet.runningPods().length;
      if (k.healthy()) healthy++;
      runningContainers += k.runtime.counts().running;
    }
    return { nodes: this.kubelets.length, started: this.started.size, healthy, pods, runningContainers };
  }
}
