import { labelSelectorAsSelector, type LabelsSelector, type appsv1 } from '@tskube/api-types';
import { NamespaceIndex, metaNamespaceKey, objectOf, realClock, type Clock, type DeletedFinalStateUnknown, type Informer } from '@tskube/client';
import { Resources, newQueue, runController, type ControllerContext } from '../../framework/context';
import { claimObjects, patchOwnership, recheckOwner } from '../replicaset/controller-ref';
import { controllerRefOf, isPodReady, type Pod } from '../replicaset/pods';
import { StatefulSetControl } from './control';
import { isMemberOf, setOwner, specReplicas, type Claim, type StatefulSet } from './identity';
import { ApiStatefulPodControl, type StatefulPodControl } from './pod-control';
import { RevisionHistory, revisionsOf, type ControllerRevision } from './revisions';
import { wireStatus } from './status';

export interface StatefulSetControllerOptions {
  clock?: Clock;
  /** Replaces pod and claim operations (unit specs); through the API with events by default. */
  podControl?: (ctx: ControllerContext, claims: Informer<Claim>) => StatefulPodControl;
}

/**
 * The StatefulSet controller: informers on sets, pods, claims and revisions whose handlers only
 * enqueue set keys, a rate-limited queue, and workers running `sync`, which adopts orphan
 * revisions and pods (those named `<set>-<ordinal>` matching the selector), releases pods that no
 * longer match, and hands the rest to StatefulSetControl. No expectations: pods have fixed names,
 * so a create the cache has not seen yet fails as AlreadyExists and is retried.
 */
export class StatefulSetController {
  readonly queue = newQueue();
  private readonly sets: Informer<StatefulSet>;
  private readonly pods: Informer<Pod>;
  private readonly revisions: Informer<ControllerRevision>;
  private readonly claims: Informer<Claim>;
  private readonly control: StatefulSetControl;

  constructor(
    private readonly ctx: ControllerContext,
    options: StatefulSetControllerOptions = {},
  ) {
    this.sets = ctx.informers.informer<StatefulSet>('statefulsets');
    this.pods = ctx.informers.informer<Pod>('pods');
    this.revisions = ctx.informers.informer<ControllerRevision>('controllerrevisions');
    this.claims = ctx.informers.informer<Claim>('persistentvolumeclaims');
    const clock = options.clock ?? realClock;
    this.control = new StatefulSetControl({
      podControl: options.podControl?.(ctx, this.claims) ?? new ApiStatefulPodControl(ctx.client, ctx.recorder, this.claims.lister),
      history: new RevisionHistory(ctx.client),
      updateStatus: (set, status) => this.writeStatus(set, status),
      clock,
      logger: ctx.logger,
    });
    this.sets.addEventHandler({
      onAdd: (s) => this.enqueue(s),
      onUpdate: (_old, cur) => this.enqueue(cur),
      onDelete: (obj) => this.queue.add(metaNamespaceKey(objectOf(obj))),
    });
    this.pods.addEventHandler({
      onAdd: (pod) => this.onPodAdd(pod),
      onUpdate: (old, cur) => this.onPodUpdate(old, cur),
      onDelete: (obj) => this.onPodDelete(obj),
    });
  }

  /** Waits for the caches, then runs `workers` workers until the context stops. */
  async run(workers: number): Promise<void> {
    for (const inf of [this.sets, this.pods, this.revisions, this.claims]) if (!(await inf.waitForSync(this.ctx.signal))) return;
    await runController(this.ctx, 'statefulset', this.queue, workers, (key) => this.sync(key));
  }

  private enqueue(set: StatefulSet): void {
    this.queue.add(metaNamespaceKey(set));
  }

  private resolve(namespace: string, ref: { kind: string; name: string; uid: string } | undefined): StatefulSet | undefined {
    if (!ref || ref.kind !== 'StatefulSet') return undefined;
    const set = this.sets.lister.get(`${namespace}/${ref.name}`);
    return set && set.metadata.uid === ref.uid ? set : undefined;
  }

  /** Sets whose selector matches an orphan pod (getStatefulSetsForPod). */
  private setsForPod(pod: Pod): StatefulSet[] {
    return this.sets.lister.byIndex(NamespaceIndex, pod.metadata.namespace ?? '').filter((set) => {
      try {
        const selector = labelSelectorAsSelector(set.spec?.selector);
        return !selector.empty() && selector.matches(pod.metadata.labels);
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
      const set = this.resolve(pod.metadata.namespace ?? '', ref);
      if (set) this.enqueue(set);
      return;
    }
    for (const set of this.setsForPod(pod)) this.enqueue(set);
  }

  private onPodUpdate(old: Pod, cur: Pod): void {
    if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
    const labelsChanged = JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(cur.metadata.labels ?? {});
    const curRef = controllerRefOf(cur);
    const oldRef = controllerRefOf(old);
    const refChanged = JSON.stringify(curRef) !== JSON.stringify(oldRef);
    if (refChanged && oldRef) {
      const set = this.resolve(old.metadata.namespace ?? '', oldRef);
      if (set) this.enqueue(set);
    }
    if (curRef) {
      const set = this.resolve(cur.metadata.namespace ?? '', curRef);
      if (!set) return;
      this.enqueue(set);
      const minReadySeconds = set.spec?.minReadySeconds ?? 0;
      // Availability comes minReadySeconds after readiness with no event of its own; a second more
      // absorbs timer skew.
      if (!isPodReady(old) && isPodReady(cur) && minReadySeconds > 0) this.queue.addAfter(metaNamespaceKey(set), minReadySeconds * 1000 + 1000);
      return;
    }
    if (labelsChanged || refChanged) for (const set of this.setsForPod(cur)) this.enqueue(set);
  }

  private onPodDelete(obj: Pod | DeletedFinalStateUnknown<Pod>): void {
    const pod = objectOf(obj);
    const set = this.resolve(pod.metadata.namespace ?? '', controllerRefOf(pod));
    if (set) this.enqueue(set);
  }

  async sync(key: string): Promise<void> {
    const set = this.sets.lister.get(key);
    if (!set) return;
    let selector: LabelsSelector;
    try {
      selector = labelSelectorAsSelector(set.spec?.selector);
    } catch (err) {
      // Retrying cannot fix the selector; the next change of the set will.
      this.ctx.logger.warn('invalid StatefulSet selector', { key, err: String(err) });
      return;
    }
    const owner = setOwner(set);
    const namespace = set.metadata.namespace ?? '';
    const canAdopt = recheckOwner(this.ctx.client, Resources.statefulsets, owner);

    // Revisions: adopt the orphans among those the selector matches.
    const revisions = revisionsOf(this.revisions.lister.byIndex(NamespaceIndex, namespace), set.metadata.uid, (labels) => selector.matches(labels));
    const orphans = revisions.filter((r) => !controllerRefOf(r));
    if (orphans.length > 0) {
      await canAdopt();
      const { adopt } = patchOwnership<ControllerRevision>(this.ctx.client, Resources.controllerrevisions, owner);
      for (const rev of orphans) await adopt(rev);
    }

    // Pods: every pod of the namespace, so owned pods that stopped matching are released.
    const { claimed, errors } = await claimObjects(this.pods.lister.byIndex(NamespaceIndex, namespace), {
      owner,
      match: (pod) => selector.matches(pod.metadata.labels) && isMemberOf(set, pod),
      canAdopt,
      ...patchOwnership<Pod>(this.ctx.client, Resources.pods, owner),
    });
    if (errors.length > 0) throw errors[0];

    const { status } = await this.control.sync(set, claimed, revisions);
    const minReadySeconds = set.spec?.minReadySeconds ?? 0;
    if (minReadySeconds > 0 && (status.availableReplicas ?? 0) !== specReplicas(set)) this.queue.addAfter(key, minReadySeconds * 1000);
  }

  /** Writes the status, re-reading the set once on a conflict (statefulSetStatusUpdater). */
  private async writeStatus(set: StatefulSet, status: appsv1.StatefulSetStatus): Promise<void> {
    let current: StatefulSet = set;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.ctx.client.updateStatus<StatefulSet>(Resources.statefulsets, current.metadata.namespace ?? '', { ...current, status: wireStatus(status, current.status?.conditions) });
        return;
      } catch (err) {
        if (attempt >= 1) throw err;
        current = await this.ctx.client.get<StatefulSet>(Resources.statefulsets, current.metadata.namespace ?? '', current.metadata.name ?? '');
      }
    }
  }
}
