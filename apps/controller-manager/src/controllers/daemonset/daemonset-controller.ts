import { StatusReason, hasReason, labelSelectorAsSelector, type LabelsSelector, type appsv1, type corev1 } from '@tskube/api-types';
import { EventType, NamespaceIndex, metaNamespaceKey, objectOf, realClock, type Clock, type DeletedFinalStateUnknown, type Informer } from '@tskube/client';
import { Resources, newQueue, runController, type ControllerContext } from '../../framework/context';
import { claimObjects, patchOwnership, recheckOwner } from '../replicaset/controller-ref';
import { ControllerExpectations } from '../replicaset/expectations';
import { ApiPodControl, type PodControl } from '../replicaset/pod-control';
import { controllerRefOf, isPodReady, type Pod } from '../replicaset/pods';
import { slowStartBatch, slowStartInitialBatchSize } from '../replicaset/slow-start';
import { PodRevisionLabel, revisionsOf, type ControllerRevision } from '../statefulset/revisions';
import { addDaemonTolerations, nodeShouldRunDaemonPod, type DaemonSet, type Node } from './eligibility';
import { DaemonSetHistory, daemonSetOwner } from './history';
import { pinToNode, targetNodeName } from './node-affinity';
import { TemplateGenerationLabel, daemonCounts, planNode, rollingUpdateStep, templateGeneration, type DaemonCounts } from './plan';

/** Pods created or deleted per sync at most (BurstReplicas). */
export const burstReplicas = 250;

export interface DaemonSetControllerOptions {
  clock?: Clock;
  /** Creates and deletes pods; through the API with events by default. */
  podControl?: (ctx: ControllerContext) => PodControl;
  /** First and longest delay before a failed daemon pod on a node is deleted again; 1 s and 15 min. */
  failedPodBackoff?: { initialMs: number; maxMs: number };
}

/**
 * The back-off between deletions of failed daemon pods on one node (failedPodsBackoff): a kubelet
 * that keeps refusing the pod must not make the controller loop.
 */
class FailedPodBackoff {
  private readonly entries = new Map<string, { delayMs: number; at: number }>();
  constructor(private readonly initialMs: number, private readonly maxMs: number) {}

  inBackoff(key: string, now: number): number | undefined {
    const e = this.entries.get(key);
    return e && now - e.at < e.delayMs ? e.delayMs - (now - e.at) : undefined;
  }

  next(key: string, now: number): void {
    const e = this.entries.get(key);
    const delayMs = !e || now - e.at > 2 * this.maxMs ? this.initialMs : Math.min(e.delayMs * 2, this.maxMs);
    this.entries.set(key, { delayMs, at: now });
  }
}

/** The pod template of new daemon pods (CreatePodTemplate): daemon tolerations, generation and hash labels. */
export function daemonPodTemplate(ds: appsv1.DaemonSet, hash: string): corev1.PodTemplateSpec {
  const template = structuredClone(ds.spec?.template ?? {});
  addDaemonTolerations((template.spec ??= { containers: [] }));
  const meta = (template.metadata ??= {});
  const generation = templateGeneration(ds);
  meta.labels = { ...meta.labels, ...(generation !== undefined ? { [TemplateGenerationLabel]: generation } : {}), ...(hash ? { [PodRevisionLabel]: hash } : {}) };
  return template;
}

/**
 * The DaemonSet controller: one pod per eligible node, pinned there through required node
 * affinity on the node's name so the default scheduler binds it; revisions of the template in
 * ControllerRevisions; RollingUpdate with maxUnavailable and maxSurge, or OnDelete; and the status
 * `kubectl rollout status daemonset` reads. Nodes added, relabelled, tainted or removed re-enqueue
 * the DaemonSets whose decision for them changes.
 */
export class DaemonSetController {
  readonly queue = newQueue();
  private readonly daemonSets: Informer<DaemonSet>;
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;
  private readonly revisions: Informer<ControllerRevision>;
  private readonly creations: ControllerExpectations;
  private readonly deletions: ControllerExpectations;
  private readonly podControl: PodControl;
  private readonly history: DaemonSetHistory;
  private readonly clock: Clock;
  private readonly backoff: FailedPodBackoff;

  constructor(
    private readonly ctx: ControllerContext,
    options: DaemonSetControllerOptions = {},
  ) {
    this.clock = options.clock ?? realClock;
    this.creations = new ControllerExpectations({ clock: this.clock });
    this.deletions = new ControllerExpectations({ clock: this.clock });
    this.podControl = options.podControl?.(ctx) ?? new ApiPodControl(ctx.client, ctx.recorder);
    this.history = new DaemonSetHistory(ctx.client);
    this.backoff = new FailedPodBackoff(options.failedPodBackoff?.initialMs ?? 1000, options.failedPodBackoff?.maxMs ?? 15 * 60_000);
    this.daemonSets = ctx.informers.informer<DaemonSet>('daemonsets');
    this.pods = ctx.informers.informer<Pod>('pods');
    this.nodes = ctx.informers.informer<Node>('nodes');
    this.revisions = ctx.informers.informer<ControllerRevision>('controllerrevisions');

    this.daemonSets.addEventHandler({
      onAdd: (ds) => this.enqueue(ds),
      onUpdate: (_old, cur) => this.enqueue(cur),
      onDelete: (obj) => {
        const key = metaNamespaceKey(objectOf(obj));
        this.forget(key);
        this.queue.add(key);
      },
    });
    this.pods.addEventHandler({
      onAdd: (pod) => this.onPodAdd(pod),
      onUpdate: (old, cur) => this.onPodUpdate(old, cur),
      onDelete: (obj) => this.onPodDelete(obj),
    });
    this.nodes.addEventHandler({
      onAdd: (node) => {
        for (const ds of this.daemonSets.lister.list()) if (nodeShouldRunDaemonPod(node, ds).shouldRun) this.enqueue(ds);
      },
      onUpdate: (old, cur) => {
        if (sameJson(old.metadata.labels, cur.metadata.labels) && sameJson(old.spec?.taints, cur.spec?.taints)) return;
        for (const ds of this.daemonSets.lister.list()) {
          const before = nodeShouldRunDaemonPod(old, ds);
          const after = nodeShouldRunDaemonPod(cur, ds);
          if (before.shouldRun !== after.shouldRun || before.shouldContinueRunning !== after.shouldContinueRunning) this.enqueue(ds);
        }
      },
      onDelete: () => {
        for (const ds of this.daemonSets.lister.list()) this.enqueue(ds);
      },
    });
    const onRevision = (rev: ControllerRevision) => {
      const ds = this.resolve(rev.metadata.namespace ?? '', controllerRefOf(rev));
      if (ds) this.enqueue(ds);
      else if (!controllerRefOf(rev)) for (const d of this.matching(rev.metadata.namespace ?? '', rev.metadata.labels)) this.enqueue(d);
    };
    this.revisions.addEventHandler({
      onAdd: onRevision,
      onUpdate: (_old, cur) => onRevision(cur),
      onDelete: (obj) => onRevision(objectOf(obj)),
    });
  }

  /** Waits for the caches, then runs `workers` workers until the context stops. */
  async run(workers: number): Promise<void> {
    for (const inf of [this.daemonSets, this.pods, this.nodes, this.revisions]) if (!(await inf.waitForSync(this.ctx.signal))) return;
    await runController(this.ctx, 'daemonset', this.queue, workers, (key) => this.sync(key));
  }

  private enqueue(ds: DaemonSet): void {
    this.queue.add(metaNamespaceKey(ds));
  }

  private forget(key: string): void {
    this.creations.delete(key);
    this.deletions.delete(key);
  }

  private satisfied(key: string): boolean {
    return this.creations.satisfied(key) && this.deletions.satisfied(key);
  }

  private resolve(namespace: string, ref: { kind: string; name: string; uid: string } | undefined): DaemonSet | undefined {
    if (!ref || ref.kind !== 'DaemonSet') return undefined;
    const ds = this.daemonSets.lister.get(`${namespace}/${ref.name}`);
    return ds && ds.metadata.uid === ref.uid ? ds : undefined;
  }

  /** DaemonSets whose selector matches `labels` (getDaemonSetsForPod, getDaemonSetsForHistory). */
  private matching(namespace: string, labels: Record<string, string> | undefined): DaemonSet[] {
    return this.daemonSets.lister.byIndex(NamespaceIndex, namespace).filter((ds) => {
      try {
        const selector = labelSelectorAsSelector(ds.spec?.selector);
        return !selector.empty() && selector.matches(labels);
      } catch {
        return false;
      }
    });
  }

  private onPodAdd(pod: Pod): void {
    if (pod.metadata.deletionTimestamp) {
      this.onPodDelete(pod);
      return;
    }
    const ref = controllerRefOf(pod);
    if (ref) {
      const ds = this.resolve(pod.metadata.namespace ?? '', ref);
      if (!ds) return;
      this.creations.creationObserved(metaNamespaceKey(ds));
      this.enqueue(ds);
      return;
    }
    for (const ds of this.matching(pod.metadata.namespace ?? '', pod.metadata.labels)) this.enqueue(ds);
  }

  private onPodUpdate(old: Pod, cur: Pod): void {
    if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
    if (cur.metadata.deletionTimestamp && !old.metadata.deletionTimestamp) {
      this.onPodDelete(cur);
      return;
    }
    const curRef = controllerRefOf(cur);
    const oldRef = controllerRefOf(old);
    const refChanged = JSON.stringify(curRef) !== JSON.stringify(oldRef);
    if (refChanged && oldRef) {
      const ds = this.resolve(old.metadata.namespace ?? '', oldRef);
      if (ds) this.enqueue(ds);
    }
    if (curRef) {
      const ds = this.resolve(cur.metadata.namespace ?? '', curRef);
      if (!ds) return;
      this.enqueue(ds);
      const minReadySeconds = ds.spec?.minReadySeconds ?? 0;
      if (!isPodReady(old) && isPodReady(cur) && minReadySeconds > 0) this.queue.addAfter(metaNamespaceKey(ds), minReadySeconds * 1000 + 1000);
      return;
    }
    if (refChanged || !sameJson(old.metadata.labels, cur.metadata.labels)) for (const ds of this.matching(cur.metadata.namespace ?? '', cur.metadata.labels)) this.enqueue(ds);
  }

  private onPodDelete(obj: Pod | DeletedFinalStateUnknown<Pod>): void {
    const pod = objectOf(obj);
    const ds = this.resolve(pod.metadata.namespace ?? '', controllerRefOf(pod));
    if (!ds) return;
    this.deletions.deletionObserved(metaNamespaceKey(ds));
    this.enqueue(ds);
  }

  async sync(key: string): Promise<void> {
    const ds = this.daemonSets.lister.get(key);
    if (!ds) {
      this.forget(key);
      return;
    }
    const sel = ds.spec?.selector;
    if (sel && !sel.matchLabels && !sel.matchExpressions?.length && Object.keys(sel).length === 0) {
      this.ctx.recorder.event(daemonSetOwner(ds), EventType.Warning, 'SelectingAll', 'This daemon set is selecting all pods. A non-empty selector is required.');
      return;
    }
    let selector: LabelsSelector;
    try {
      selector = labelSelectorAsSelector(sel);
    } catch (err) {
      this.ctx.logger.warn('invalid DaemonSet selector', { key, err: String(err) });
      return;
    }
    // Being deleted, its pods and revisions may be going in any order: leave the status alone.
    if (ds.metadata.deletionTimestamp) return;
    const nodes = this.nodes.lister.list();
    const owner = daemonSetOwner(ds);
    const canAdopt = recheckOwner(this.ctx.client, Resources.daemonsets, owner);

    const controlled = revisionsOf(this.revisions.lister.byIndex(NamespaceIndex, ds.metadata.namespace ?? ''), ds.metadata.uid, (labels) => selector.matches(labels));
    const orphans = controlled.filter((r) => !controllerRefOf(r));
    if (orphans.length > 0) {
      await canAdopt();
      const { adopt } = patchOwnership<ControllerRevision>(this.ctx.client, Resources.controllerrevisions, owner);
      for (const rev of orphans) await adopt(rev);
    }
    const { current, old } = await this.history.construct(ds, controlled);
    const hash = current.metadata.labels?.[PodRevisionLabel] ?? '';

    const claimed = await this.claimPods(ds, selector, canAdopt);
    if (!this.satisfied(key)) {
      // Creations or deletions still unseen: only the counts, and no new observedGeneration.
      await this.writeStatus(ds, nodes, claimed, hash, false);
      return;
    }
    let failure: unknown;
    try {
      await this.manage(key, ds, nodes, claimed, hash);
      if (this.satisfied(key) && ds.spec?.updateStrategy?.type === 'RollingUpdate') {
        const step = rollingUpdateStep({ ds, nodes, nodeToPods: this.nodeToPods(claimed, false), hash, nowMs: this.clock.now() });
        await this.syncNodes(key, ds, step.deletePods, step.createOn, hash);
      }
      const liveHashes = new Set(claimed.map((p) => p.metadata.labels?.[PodRevisionLabel] ?? '').filter(Boolean));
      await this.history.cleanup(ds, old, liveHashes);
    } catch (err) {
      failure = err;
    }
    try {
      await this.writeStatus(ds, nodes, this.ownPods(ds, selector), hash, true);
    } catch (err) {
      failure ??= err;
    }
    if (failure !== undefined) throw failure;
  }

  /** Adopts matching orphans and releases owned pods that stopped matching (getDaemonPods). */
  private async claimPods(ds: DaemonSet, selector: LabelsSelector, canAdopt: () => Promise<void>): Promise<Pod[]> {
    const { claimed, errors } = await claimObjects(this.pods.lister.byIndex(NamespaceIndex, ds.metadata.namespace ?? ''), {
      owner: daemonSetOwner(ds),
      match: (pod) => selector.matches(pod.metadata.labels),
      canAdopt,
      ...patchOwnership<Pod>(this.ctx.client, Resources.pods, daemonSetOwner(ds)),
    });
    if (errors.length > 0) throw errors[0];
    return claimed;
  }

  /** The pods the DaemonSet controls now, from the cache (for the status after acting). */
  private ownPods(ds: DaemonSet, selector: LabelsSelector): Pod[] {
    return this.pods.lister.byIndex(NamespaceIndex, ds.metadata.namespace ?? '').filter((p) => controllerRefOf(p)?.uid === ds.metadata.uid && selector.matches(p.metadata.labels));
  }

  /**
   * Daemon pods by target node (getNodesToDaemonPods); finished pods that are being deleted are
   * left out unless `includeDeletedTerminal`.
   */
  private nodeToPods(pods: readonly Pod[], includeDeletedTerminal: boolean): Map<string, Pod[]> {
    const out = new Map<string, Pod[]>();
    for (const pod of pods) {
      const phase = pod.status?.phase;
      if (!includeDeletedTerminal && (phase === 'Succeeded' || phase === 'Failed') && pod.metadata.deletionTimestamp) continue;
      const node = targetNodeName(pod);
      if (node === undefined) continue;
      const list = out.get(node);
      if (list) list.push(pod);
      else out.set(node, [pod]);
    }
    return out;
  }

  /** The manage loop: per-node decisions, plus unscheduled pods aimed at nodes that no longer exist. */
  private async manage(key: string, ds: DaemonSet, nodes: readonly Node[], pods: readonly Pod[], hash: string): Promise<void> {
    const byNode = this.nodeToPods(pods, false);
    const create: string[] = [];
    const remove: string[] = [];
    const now = this.clock.now();
    for (const node of nodes) {
      const plan = planNode(node, ds, byNode.get(node.metadata.name ?? ''), hash, now, (pod, nodeName) => {
        const backoffKey = `${ds.metadata.uid}/${nodeName}`;
        const wait = this.backoff.inBackoff(backoffKey, now);
        if (wait !== undefined) {
          this.queue.addAfter(key, wait);
          return false;
        }
        this.backoff.next(backoffKey, now);
        this.ctx.recorder.event(daemonSetOwner(ds), EventType.Warning, 'FailedDaemonPod', `Found failed daemon pod ${pod.metadata?.namespace}/${pod.metadata?.name} on node ${nodeName}, will try to kill it`);
        return true;
      });
      if (plan.create) create.push(node.metadata.name ?? '');
      remove.push(...plan.delete);
    }
    const known = new Set(nodes.map((n) => n.metadata.name));
    for (const [nodeName, list] of byNode) {
      if (known.has(nodeName)) continue;
      for (const pod of list) if (!pod.spec?.nodeName && !pod.metadata.deletionTimestamp) remove.push(pod.metadata.name ?? '');
    }
    await this.syncNodes(key, ds, remove, create, hash);
  }

  /** Deletes `podsToDelete` and creates a pod on each of `nodesNeedingPods`, with expectations (syncNodes). */
  private async syncNodes(key: string, ds: DaemonSet, podsToDelete: readonly string[], nodesNeedingPods: readonly string[], hash: string): Promise<void> {
    const createCount = Math.min(nodesNeedingPods.length, burstReplicas);
    const deleteCount = Math.min(podsToDelete.length, burstReplicas);
    this.creations.expectCreations(key, createCount);
    this.deletions.expectDeletions(key, deleteCount);
    const owner = daemonSetOwner(ds);
    const template = daemonPodTemplate(ds, hash);
    const errors: unknown[] = [];
    let next = 0;
    const { successes, error } = await slowStartBatch(createCount, slowStartInitialBatchSize, async () => {
      const nodeName = nodesNeedingPods[next++]!;
      const podTemplate = structuredClone(template);
      podTemplate.spec!.affinity = pinToNode(podTemplate.spec!.affinity, nodeName);
      try {
        await this.podControl.createPod(podTemplate, owner);
      } catch (err) {
        // A terminating namespace refuses every create; nothing to retry.
        if (hasReason(err, StatusReason.Forbidden) && String((err as Error).message).includes('being terminated')) {
          this.creations.creationObserved(key);
          return;
        }
        throw err;
      }
    });
    // Failed creates, and those never attempted after a failed batch, will not be observed.
    for (let i = successes; i < createCount; i++) this.creations.creationObserved(key);
    if (error !== undefined) errors.push(error);

    const results = await Promise.allSettled(
      podsToDelete.slice(0, deleteCount).map(async (name) => {
        try {
          await this.podControl.deletePod(ds.metadata.namespace ?? '', name, owner);
        } catch (err) {
          this.deletions.deletionObserved(key);
          if (!hasReason(err, StatusReason.NotFound)) throw err;
        }
      }),
    );
    for (const r of results) if (r.status === 'rejected') errors.push(r.reason);
    if (errors.length > 0) throw errors[0];
  }

  /** Writes the counts (and observedGeneration when `observed`) if they changed (storeDaemonSetStatus). */
  private async writeStatus(ds: DaemonSet, nodes: readonly Node[], pods: readonly Pod[], hash: string, observed: boolean): Promise<void> {
    const counts = daemonCounts(ds, nodes, this.nodeToPods(pods, false), hash, this.clock.now());
    const minReadySeconds = ds.spec?.minReadySeconds ?? 0;
    if (minReadySeconds > 0 && counts.numberReady !== counts.numberAvailable) this.queue.addAfter(metaNamespaceKey(ds), minReadySeconds * 1000);
    const generation = ds.metadata.generation ?? 0;
    if (unchanged(ds.status, counts) && (ds.status?.observedGeneration ?? 0) >= generation) return;
    let current: DaemonSet = ds;
    for (let attempt = 0; ; attempt++) {
      const status = wireStatus(current.status, counts, observed ? generation : current.status?.observedGeneration);
      try {
        await this.ctx.client.updateStatus(Resources.daemonsets, current.metadata.namespace ?? '', { ...current, status });
        return;
      } catch (err) {
        if (attempt >= 1) throw err;
        current = await this.ctx.client.get<DaemonSet>(Resources.daemonsets, current.metadata.namespace ?? '', current.metadata.name ?? '');
      }
    }
  }
}

function unchanged(status: appsv1.DaemonSetStatus | undefined, c: DaemonCounts): boolean {
  const s = status ?? { currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 };
  return (
    s.desiredNumberScheduled === c.desiredNumberScheduled &&
    s.currentNumberScheduled === c.currentNumberScheduled &&
    s.numberMisscheduled === c.numberMisscheduled &&
    s.numberReady === c.numberReady &&
    (s.updatedNumberScheduled ?? 0) === c.updatedNumberScheduled &&
    (s.numberAvailable ?? 0) === c.numberAvailable &&
    (s.numberUnavailable ?? 0) === c.numberUnavailable
  );
}

/** The status as Kubernetes serializes it: the four scheduling counts always, the rest when non-zero. */
function wireStatus(prev: appsv1.DaemonSetStatus | undefined, c: DaemonCounts, observedGeneration: number | undefined): appsv1.DaemonSetStatus {
  const out: appsv1.DaemonSetStatus = {
    currentNumberScheduled: c.currentNumberScheduled,
    desiredNumberScheduled: c.desiredNumberScheduled,
    numberMisscheduled: c.numberMisscheduled,
    numberReady: c.numberReady,
  };
  if (c.numberAvailable) out.numberAvailable = c.numberAvailable;
  if (c.numberUnavailable) out.numberUnavailable = c.numberUnavailable;
  if (c.updatedNumberScheduled) out.updatedNumberScheduled = c.updatedNumberScheduled;
  if (observedGeneration) out.observedGeneration = observedGeneration;
  if (prev?.collisionCount !== undefined) out.collisionCount = prev.collisionCount;
  if (prev?.conditions?.length) out.conditions = prev.conditions;
  return out;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
