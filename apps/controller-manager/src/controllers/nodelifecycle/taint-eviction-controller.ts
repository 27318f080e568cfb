import { StatusReason, hasReason, type KubeObject, type corev1 } from '@tskube/api-types';
import { NodeNameIndex, formatTime, nodeNameIndexFunc, objectOf, realClock, splitMetaNamespaceKey, type Clock, type IndexedLister, type Timer } from '@tskube/client';
import { Resources, keyOf, newQueue, runController, type Controller, type ControllerContext } from '../../framework/context';
import { canonical } from '../endpoints/semantic';
import { matchingTolerations, minTolerationMs, noExecuteTaints } from './taints';

type Node = corev1.Node & KubeObject;
type Pod = corev1.Pod & KubeObject;

export interface TaintEvictionOptions {
  /** Time of scheduled evictions; the wall clock by default. */
  clock?: Clock;
}

interface Scheduled {
  uid: string;
  createdAt: number;
  timer: Timer;
}

/**
 * The taint eviction controller (kube-controller-manager's `taint-eviction-controller`, the
 * NoExecute taint manager): a pod on a node with NoExecute taints it does not tolerate is deleted
 * at once; one tolerating them all for a while (tolerationSeconds; the apiserver gives every pod
 * 300 s for not-ready and unreachable) is deleted when the shortest of those runs out, counted
 * from when the controller first saw it tainted; one tolerating them without a limit stays. When
 * the taints go away, or the pod comes to tolerate them, a pending eviction is cancelled. Evicted
 * pods get a DisruptionTarget condition (DeletionByTaintManager) before the delete, and every
 * decision is an event: TaintManagerEviction "Marking for deletion Pod ns/name" and "Cancelling
 * deletion of Pod ns/name".
 */
export function newTaintEvictionController(options: TaintEvictionOptions = {}): Controller {
  return {
    name: 'taint-eviction-controller',
    start: (ctx) => new TaintEvictionController(ctx, options.clock ?? realClock).run(),
  };
}

/** The controller as the controller-manager registers it. */
export const taintEvictionController: Controller = newTaintEvictionController();

class TaintEvictionController {
  private readonly pods: IndexedLister<Pod>;
  private readonly nodes: IndexedLister<Node>;
  private readonly synced: Promise<boolean>;
  /** Pods whose taints or tolerations need a look. */
  private readonly podQueue = newQueue();
  /** Pods whose time is up. */
  private readonly evictQueue = newQueue();
  private readonly scheduled = new Map<string, Scheduled>();

  constructor(
    private readonly ctx: ControllerContext,
    private readonly clock: Clock,
  ) {
    ctx.informers.addIndexers<Pod>('pods', { [NodeNameIndex]: nodeNameIndexFunc });
    const pods = ctx.informers.informer<Pod>('pods');
    const nodes = ctx.informers.informer<Node>('nodes');
    this.pods = pods.lister;
    this.nodes = nodes.lister;
    pods.addEventHandler({
      onAdd: (p) => {
        if (p.spec?.nodeName) this.podQueue.add(keyOf(p));
      },
      onUpdate: (o, p) => {
        if (o.spec?.nodeName !== p.spec?.nodeName || canonical(o.spec?.tolerations) !== canonical(p.spec?.tolerations)) this.podQueue.add(keyOf(p));
      },
      onDelete: (p) => this.cancel(keyOf(p), false),
    });
    const onNode = (n: Node) => {
      for (const key of this.pods.indexKeys(NodeNameIndex, n.metadata.name ?? '')) this.podQueue.add(key);
    };
    nodes.addEventHandler({
      onAdd: (n) => {
        if (noExecuteTaints(n).length > 0) onNode(n);
      },
      onUpdate: (o, n) => {
        if (canonical(noExecuteTaints(o)) !== canonical(noExecuteTaints(n))) onNode(n);
      },
      onDelete: (n) => onNode(objectOf(n)),
    });
    this.synced = Promise.all([pods.waitForSync(ctx.signal), nodes.waitForSync(ctx.signal)]).then((r) => r.every(Boolean));
  }

  async run(): Promise<void> {
    if (!(await this.synced)) return;
    this.ctx.signal.addEventListener('abort', () => {
      for (const s of this.scheduled.values()) s.timer.cancel();
      this.scheduled.clear();
    });
    await Promise.all([
      runController(this.ctx, 'taint-eviction-controller', this.podQueue, 4, (key) => Promise.resolve(this.processPod(key))),
      runController(this.ctx, 'taint-eviction-controller', this.evictQueue, 4, (key) => this.evict(key)),
    ]);
  }

  /** Decides what a pod's NoExecute taints mean for it now (processPodOnNode). */
  private processPod(key: string): void {
    const pod = this.pods.get(key);
    const nodeName = pod?.spec?.nodeName;
    if (!pod || !nodeName || pod.metadata.deletionTimestamp) {
      this.cancel(key, false);
      return;
    }
    const taints = noExecuteTaints(this.nodes.get(nodeName));
    if (taints.length === 0) {
      this.cancel(key, true);
      return;
    }
    const { all, used } = matchingTolerations(taints, pod.spec?.tolerations ?? []);
    if (!all) {
      this.cancel(key, false);
      this.schedule(key, pod, 0);
      return;
    }
    const ms = minTolerationMs(used);
    if (ms < 0) {
      this.cancel(key, true);
      return;
    }
    const existing = this.scheduled.get(key);
    // An eviction already counting down keeps its start: re-reading the pod must not push it back.
    if (existing && existing.uid === pod.metadata.uid) {
      const dueIn = existing.createdAt + ms - this.clock.now();
      existing.timer.cancel();
      existing.timer = this.clock.setTimer(dueIn, () => this.evictQueue.add(key));
      return;
    }
    this.cancel(key, false);
    this.schedule(key, pod, ms);
  }

  private schedule(key: string, pod: Pod, ms: number): void {
    const timer = this.clock.setTimer(ms, () => this.evictQueue.add(key));
    this.scheduled.set(key, { uid: pod.metadata.uid ?? '', createdAt: this.clock.now(), timer });
    if (ms === 0) this.evictQueue.add(key);
  }

  private cancel(key: string, withEvent: boolean): void {
    const s = this.scheduled.get(key);
    if (!s) return;
    s.timer.cancel();
    this.scheduled.delete(key);
    if (withEvent) {
      const pod = this.pods.get(key);
      if (pod) this.ctx.recorder.event(podRef(pod), 'Normal', 'TaintManagerEviction', `Cancelling deletion of Pod ${key}`);
    }
  }

  /** Deletes a pod whose time is up, if it is still the pod that was scheduled. */
  private async evict(key: string): Promise<void> {
    const s = this.scheduled.get(key);
    const pod = this.pods.get(key);
    if (!s || !pod || pod.metadata.uid !== s.uid) return;
    this.scheduled.delete(key);
    const { namespace, name } = splitMetaNamespaceKey(key);
    this.ctx.recorder.event(podRef(pod), 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${key}`);
    try {
      await this.addDisruptionCondition(namespace, name, s.uid);
      await this.ctx.client.delete(Resources.pods, namespace, name, { preconditions: { uid: s.uid } });
    } catch (err) {
      if (hasReason(err, StatusReason.NotFound) || hasReason(err, StatusReason.Conflict)) return;
      // Keep it scheduled so the retry finds it.
      this.scheduled.set(key, s);
      throw err;
    }
  }

  /** The DisruptionTarget condition saying why the pod goes (PodDisruptionConditions). */
  private async addDisruptionCondition(namespace: string, name: string, uid: string): Promise<void> {
    const pod = await this.ctx.client.get<Pod>(Resources.pods, namespace, name);
    if (pod.metadata.uid !== uid) return;
    const conditions = (pod.status?.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget');
    const old = (pod.status?.conditions ?? []).find((c) => c.type === 'DisruptionTarget');
    const reason = 'DeletionByTaintManager';
    if (old?.status === 'True' && old.reason === reason) return;
    conditions.push({ type: 'DisruptionTarget', status: 'True', reason, message: 'Taint manager: deleting due to NoExecute taint', lastTransitionTime: formatTime(this.clock.now()) });
    try {
      await this.ctx.client.updateStatus(Resources.pods, namespace, { ...pod, status: { ...pod.status, conditions } });
    } catch (err) {
      // The condition is informative; the eviction goes ahead without it.
      if (!hasReason(err, StatusReason.Conflict)) throw err;
    }
  }
}

function podRef(pod: Pod): { apiVersion: string; kind: string; metadata: Pod['metadata'] } {
  return { apiVersion: 'v1', kind: 'Pod', metadata: pod.metadata };
}
