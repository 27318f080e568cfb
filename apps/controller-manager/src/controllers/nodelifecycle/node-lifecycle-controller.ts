import { StatusReason, hasReason, type KubeObject, type coordinationv1, type corev1 } from '@tskube/api-types';
import { NodeNameIndex, formatTime, nodeNameIndexFunc, realClock, type Clock, type IndexedLister, type Timer } from '@tskube/client';
import { Resources, keyOf, newQueue, runController, type Controller, type ControllerContext } from '../../framework/context';
import { durationFlag } from './duration';
import { NodeHealthTracker } from './health';
import { markPodsNotReady, nodeEvent, nodeStatusEvent, updateNodeTaints } from './node-api';
import { NotReadyNoExecute, UnreachableNoExecute, reconcileConditionTaints, swapTaints, taintExists } from './taints';
import { ExcludeDisruptionLabel, RateLimitedNodeQueue, ZoneState, computeZoneState, zoneKey } from './zones';

type Node = corev1.Node & KubeObject;
type Pod = corev1.Pod & KubeObject;
type Lease = coordinationv1.Lease & KubeObject;

/** The namespace of the kubelets' heartbeat leases. */
export const NodeLeaseNamespace = 'kube-node-lease';

export interface NodeLifecycleOptions {
  clock?: Clock;
  /** How often node health is checked; `--node-monitor-period`, 5 s by default. */
  monitorPeriodMs?: number;
  /** `--node-monitor-grace-period`, 40 s by default. */
  gracePeriodMs?: number;
  /** `--node-startup-grace-period`, 1 min by default. */
  startupGracePeriodMs?: number;
  /** `--node-eviction-rate`: nodes tainted per second per healthy zone; 0.1. */
  evictionRateQps?: number;
  /** `--secondary-node-eviction-rate`: the same in a partly disrupted large zone; 0.01. */
  secondaryEvictionRateQps?: number;
  /** `--unhealthy-zone-threshold`: share of not-ready nodes making a zone partly disrupted; 0.55. */
  unhealthyZoneThreshold?: number;
  /** `--large-cluster-size-threshold`: smaller partly disrupted zones stop tainting altogether; 50. */
  largeClusterSizeThreshold?: number;
  /** How often the tainting queues are worked (NodeEvictionPeriod); 100 ms. */
  taintPassPeriodMs?: number;
}

interface Settings {
  monitorPeriodMs: number;
  gracePeriodMs: number;
  startupGracePeriodMs: number;
  primaryQps: number;
  secondaryQps: number;
  unhealthyThreshold: number;
  largeCluster: number;
  taintPassPeriodMs: number;
}

function numberFlag(flags: Record<string, string>, name: string, fallback: number): number {
  const v = flags[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got ${v}`);
  return n;
}

function settings(flags: Record<string, string>, o: NodeLifecycleOptions): Settings {
  return {
    monitorPeriodMs: o.monitorPeriodMs ?? durationFlag(flags, 'node-monitor-period', 5_000),
    gracePeriodMs: o.gracePeriodMs ?? durationFlag(flags, 'node-monitor-grace-period', 40_000),
    startupGracePeriodMs: o.startupGracePeriodMs ?? durationFlag(flags, 'node-startup-grace-period', 60_000),
    primaryQps: o.evictionRateQps ?? numberFlag(flags, 'node-eviction-rate', 0.1),
    secondaryQps: o.secondaryEvictionRateQps ?? numberFlag(flags, 'secondary-node-eviction-rate', 0.01),
    unhealthyThreshold: o.unhealthyZoneThreshold ?? numberFlag(flags, 'unhealthy-zone-threshold', 0.55),
    largeCluster: o.largeClusterSizeThreshold ?? numberFlag(flags, 'large-cluster-size-threshold', 50),
    taintPassPeriodMs: o.taintPassPeriodMs ?? 100,
  };
}

/**
 * The node lifecycle controller (kube-controller-manager's `nodelifecycle`):
 *
 * - every monitor period it checks each node's signs of life (Ready heartbeat, Lease renewals);
 *   a node silent for the grace period gets its conditions set to Unknown through updateStatus,
 *   a NodeNotReady event, and the Ready condition of its pods set to False at once, so Endpoints
 *   and EndpointSlices drop them;
 * - a node whose Ready is Unknown gets the `node.kubernetes.io/unreachable:NoExecute` taint, one
 *   with Ready False `node.kubernetes.io/not-ready:NoExecute`, added through a per-zone rate
 *   limited queue that slows down in a partly disrupted zone and stops when every zone is down
 *   (then it is the network, not the nodes); both go when the node is Ready again;
 * - NoSchedule taints follow the node's conditions and spec.unschedulable on every change
 *   (not-ready, unreachable, memory/disk/pid pressure, network-unavailable, unschedulable).
 *
 * Evicting the pods of NoExecute-tainted nodes is the taint eviction controller's work.
 */
export function newNodeLifecycleController(options: NodeLifecycleOptions = {}): Controller {
  return {
    name: 'nodelifecycle',
    start: (ctx) => new NodeLifecycleController(ctx, settings(ctx.flags, options), options.clock ?? realClock).run(),
  };
}

/** The controller with the flags' settings, as the controller-manager registers it. */
export const nodeLifecycleController: Controller = newNodeLifecycleController();

class NodeLifecycleController {
  private readonly nodes: IndexedLister<Node>;
  private readonly leases: IndexedLister<Lease>;
  private readonly pods: IndexedLister<Pod>;
  private readonly synced: Promise<boolean>;
  private readonly health: NodeHealthTracker;
  private readonly known = new Set<string>();
  private readonly zoneStates = new Map<string, ZoneState>();
  private readonly taintQueues = new Map<string, RateLimitedNodeQueue>();
  private readonly nodesToRetry = new Set<string>();
  /** Nodes whose NoSchedule taints need a look. */
  private readonly nodeQueue = newQueue();
  /** Pods newly bound, to be marked not ready if their node is. */
  private readonly podQueue = newQueue();

  constructor(
    private readonly ctx: ControllerContext,
    private readonly s: Settings,
    private readonly clock: Clock,
  ) {
    if (s.monitorPeriodMs <= 0) throw new Error('--node-monitor-period must be positive');
    this.health = new NodeHealthTracker({ gracePeriodMs: s.gracePeriodMs, startupGracePeriodMs: s.startupGracePeriodMs });
    ctx.informers.addIndexers<Pod>('pods', { [NodeNameIndex]: nodeNameIndexFunc });
    const nodes = ctx.informers.informer<Node>('nodes');
    const leases = ctx.informers.informer<Lease>('leases');
    const pods = ctx.informers.informer<Pod>('pods');
    this.nodes = nodes.lister;
    this.leases = leases.lister;
    this.pods = pods.lister;
    nodes.addEventHandler({ onAdd: (n) => this.nodeQueue.add(keyOf(n)), onUpdate: (_o, n) => this.nodeQueue.add(keyOf(n)) });
    pods.addEventHandler({
      onAdd: (p) => {
        if (p.spec?.nodeName) this.podQueue.add(keyOf(p));
      },
      onUpdate: (o, p) => {
        if (p.spec?.nodeName && p.spec.nodeName !== o.spec?.nodeName) this.podQueue.add(keyOf(p));
      },
    });
    this.synced = Promise.all([nodes, leases, pods].map((i) => i.waitForSync(ctx.signal))).then((r) => r.every(Boolean));
  }

  async run(): Promise<void> {
    if (!(await this.synced)) return;
    await Promise.all([
      this.every(this.s.monitorPeriodMs, () => this.monitorNodeHealth()),
      this.every(this.s.taintPassPeriodMs, () => this.doNoExecuteTaintingPass()),
      runController(this.ctx, 'nodelifecycle', this.nodeQueue, 1, (key) => this.doNoScheduleTaintingPass(key)),
      runController(this.ctx, 'nodelifecycle-pods', this.podQueue, 4, (key) => this.processPod(key)),
    ]);
  }

  /** Runs `fn` now and then `periodMs` after each run ends, until the context stops. */
  private every(periodMs: number, fn: () => Promise<void>): Promise<void> {
    const signal = this.ctx.signal;
    return new Promise((resolve) => {
      let timer: Timer | undefined;
      const tick = async () => {
        if (signal.aborted) return;
        try {
          await fn();
        } catch (err) {
          this.ctx.logger.warn('node lifecycle pass failed', { controller: 'nodelifecycle', err: err instanceof Error ? err.message : String(err) });
        }
        if (signal.aborted) resolve();
        else timer = this.clock.setTimer(periodMs, () => void tick());
      };
      signal.addEventListener(
        'abort',
        () => {
          timer?.cancel();
          resolve();
        },
        { once: true },
      );
      void tick();
    });
  }

  private taintQueue(zone: string): RateLimitedNodeQueue {
    let q = this.taintQueues.get(zone);
    if (!q) {
      q = new RateLimitedNodeQueue(this.clock, this.s.primaryQps);
      this.taintQueues.set(zone, q);
      this.zoneStates.set(zone, ZoneState.Initial);
    }
    return q;
  }

  private async monitorNodeHealth(): Promise<void> {
    const nodes = this.nodes.list();
    const present = new Set(nodes.map((n) => n.metadata.name ?? ''));
    for (const node of nodes) {
      const name = node.metadata.name ?? '';
      if (this.known.has(name)) continue;
      this.known.add(name);
      nodeEvent(this.ctx.recorder, node, 'RegisteredNode', `Registered Node ${name} in Controller`);
      this.taintQueue(zoneKey(node));
      await this.markNodeAsReachable(node).catch((err: unknown) => this.warn('could not remove taints from a new node', name, err));
    }
    for (const name of [...this.known]) {
      if (present.has(name)) continue;
      this.known.delete(name);
      this.health.forget(name);
      this.nodesToRetry.delete(name);
      for (const q of this.taintQueues.values()) q.remove(name);
      nodeEvent(this.ctx.recorder, { metadata: { name } }, 'RemovingNode', `Removing Node ${name} from Controller`);
    }

    const zoneReady = new Map<string, (string | undefined)[]>();
    // Marking pods not ready is one write per pod: nodes are worked a few at a time.
    let next = 0;
    const worker = async () => {
      while (next < nodes.length) {
        const node = nodes[next++]!;
        try {
          await this.updateNode(node, zoneReady);
        } catch (err) {
          this.warn('node health update failed', node.metadata.name ?? '', err);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, nodes.length) }, worker));
    await this.handleDisruption(zoneReady, nodes);
  }

  private async updateNode(cached: Node, zoneReady: Map<string, (string | undefined)[]>): Promise<void> {
    const name = cached.metadata.name ?? '';
    let node = cached;
    let observation = this.health.observe(node, this.leases.get(`${NodeLeaseNamespace}/${name}`), this.clock.now());
    for (let attempt = 0; observation.status; attempt++) {
      try {
        await this.ctx.client.updateStatus(Resources.nodes, '', { ...node, status: observation.status });
        this.health.written(name, observation.status, this.clock.now());
        break;
      } catch (err) {
        if (hasReason(err, StatusReason.NotFound)) return;
        if (!hasReason(err, StatusReason.Conflict) || attempt >= 4) throw err;
        node = await this.ctx.client.get<Node>(Resources.nodes, '', name);
        observation = this.health.observe(node, this.leases.get(`${NodeLeaseNamespace}/${name}`), this.clock.now());
      }
    }
    const { observedReady, currentReady } = observation;
    if (!node.metadata.labels?.[ExcludeDisruptionLabel]) {
      const zone = zoneKey(node);
      zoneReady.set(zone, [...(zoneReady.get(zone) ?? []), currentReady?.status]);
    }
    if (!currentReady) return;
    await this.processTaintBaseEviction(node, currentReady);
    const becameNotReady = currentReady.status !== 'True' && observedReady.status === 'True';
    if (becameNotReady) nodeStatusEvent(this.ctx.recorder, node, 'NodeNotReady');
    if (becameNotReady || (this.nodesToRetry.has(name) && observedReady.status !== 'True')) {
      try {
        await markPodsNotReady(this.ctx.client, this.ctx.recorder, this.clock, this.pods.byIndex(NodeNameIndex, name), name);
      } catch (err) {
        this.nodesToRetry.add(name);
        throw err;
      }
    }
    this.nodesToRetry.delete(name);
  }

  /** Swaps between the two NoExecute taints at once, or queues the node for a (rate-limited) first taint. */
  private async processTaintBaseEviction(node: Node, ready: corev1.NodeCondition): Promise<void> {
    const name = node.metadata.name ?? '';
    const taints = node.spec?.taints;
    switch (ready.status) {
      case 'False':
        if (taintExists(taints, UnreachableNoExecute)) await this.swapNoExecute(name, NotReadyNoExecute, UnreachableNoExecute);
        else this.taintQueue(zoneKey(node)).add(name, node.metadata.uid ?? '');
        return;
      case 'Unknown':
        if (taintExists(taints, NotReadyNoExecute)) await this.swapNoExecute(name, UnreachableNoExecute, NotReadyNoExecute);
        else this.taintQueue(zoneKey(node)).add(name, node.metadata.uid ?? '');
        return;
      case 'True':
        await this.markNodeAsReachable(node);
        return;
    }
  }

  private swapNoExecute(name: string, add: corev1.Taint, remove: corev1.Taint): Promise<boolean> {
    return updateNodeTaints(this.ctx.client, name, (n) => swapTaints(n.spec?.taints, [add], [remove], this.now()));
  }

  /** Takes both NoExecute taints off a node and out of the tainting queue. */
  private async markNodeAsReachable(node: Node): Promise<void> {
    const name = node.metadata.name ?? '';
    this.taintQueues.get(zoneKey(node))?.remove(name);
    if (!taintExists(node.spec?.taints, UnreachableNoExecute) && !taintExists(node.spec?.taints, NotReadyNoExecute)) return;
    await updateNodeTaints(this.ctx.client, name, (n) => swapTaints(n.spec?.taints, [], [UnreachableNoExecute, NotReadyNoExecute], this.now()));
  }

  private async doNoExecuteTaintingPass(): Promise<void> {
    for (const queue of this.taintQueues.values()) {
      await queue.process(async (name) => {
        const node = this.nodes.get(name);
        if (!node) return true;
        const ready = (node.status?.conditions ?? []).find((c) => c.type === 'Ready');
        if (!ready) return 50;
        let add: corev1.Taint;
        let remove: corev1.Taint;
        if (ready.status === 'False') [add, remove] = [NotReadyNoExecute, UnreachableNoExecute];
        else if (ready.status === 'Unknown') [add, remove] = [UnreachableNoExecute, NotReadyNoExecute];
        else return true; // ready again meanwhile
        try {
          await this.swapNoExecute(name, add, remove);
          return true;
        } catch (err) {
          this.warn('could not taint node', name, err);
          return 50;
        }
      });
    }
  }

  /** Rate limits follow the zones' health; when every zone is down, nothing is tainted at all. */
  private async handleDisruption(zoneReady: Map<string, (string | undefined)[]>, nodes: Node[]): Promise<void> {
    const newStates = new Map<string, ZoneState>();
    let allAreFullyDisrupted = true;
    for (const [zone, statuses] of zoneReady) {
      const { state } = computeZoneState(statuses, this.s.unhealthyThreshold);
      if (state !== ZoneState.FullDisruption) allAreFullyDisrupted = false;
      newStates.set(zone, state);
      if (!this.zoneStates.has(zone)) this.taintQueue(zone);
    }
    let allWasFullyDisrupted = true;
    for (const [zone, state] of [...this.zoneStates]) {
      if (!zoneReady.has(zone)) {
        this.zoneStates.delete(zone);
        continue;
      }
      if (state !== ZoneState.FullDisruption) allWasFullyDisrupted = false;
    }
    if (allAreFullyDisrupted && allWasFullyDisrupted) return;
    if (allAreFullyDisrupted) {
      this.ctx.logger.info('all nodes are not ready: entering master disruption mode, no node is tainted for eviction', { controller: 'nodelifecycle' });
      for (const node of nodes) await this.markNodeAsReachable(node).catch((err: unknown) => this.warn('could not remove taints', node.metadata.name ?? '', err));
      for (const zone of this.zoneStates.keys()) {
        this.taintQueue(zone).setRate(0);
        this.zoneStates.set(zone, ZoneState.FullDisruption);
      }
      return;
    }
    if (allWasFullyDisrupted) {
      this.ctx.logger.info('some nodes are ready: leaving master disruption mode', { controller: 'nodelifecycle' });
      this.health.resetProbes(this.clock.now());
      for (const zone of this.zoneStates.keys()) this.setZoneState(zone, zoneReady.get(zone)?.length ?? 0, newStates.get(zone)!);
      return;
    }
    for (const [zone, state] of this.zoneStates) {
      const next = newStates.get(zone)!;
      if (state !== next) this.setZoneState(zone, zoneReady.get(zone)?.length ?? 0, next);
    }
  }

  private setZoneState(zone: string, size: number, state: ZoneState): void {
    const q = this.taintQueue(zone);
    if (state === ZoneState.PartialDisruption) q.setRate(size > this.s.largeCluster ? this.s.secondaryQps : 0);
    else q.setRate(this.s.primaryQps);
    this.zoneStates.set(zone, state);
  }

  private async doNoScheduleTaintingPass(name: string): Promise<void> {
    const node = this.nodes.get(name);
    if (!node || reconcileConditionTaints(node) === undefined) return;
    await updateNodeTaints(this.ctx.client, name, (n) => reconcileConditionTaints(n));
  }

  /** A pod bound to a node that is not ready is marked not ready too. */
  private async processPod(key: string): Promise<void> {
    const pod = this.pods.get(key);
    const nodeName = pod?.spec?.nodeName;
    if (!pod || !nodeName) return;
    const ready = (this.nodes.get(nodeName)?.status?.conditions ?? []).find((c) => c.type === 'Ready');
    if (!ready || ready.status === 'True') return;
    await markPodsNotReady(this.ctx.client, this.ctx.recorder, this.clock, [pod], nodeName);
  }

  private now(): string {
    return formatTime(this.clock.now());
  }

  private warn(msg: string, node: string, err: unknown): void {
    this.ctx.logger.warn(msg, { controller: 'nodelifecycle', node, err: err instanceof Error ? err.message : String(err) });
  }
}
