import { LabelsSelector, StatusReason, hasReason, labelSelectorAsSelector, type KubeObject, type appsv1, type corev1 } from '@tskube/api-types';
import { NamespaceIndex, metaNamespaceKey, objectOf, realClock, splitMetaNamespaceKey, type Clock, type DeletedFinalStateUnknown, type Informer, type ObjectWithMeta } from '@tskube/client';
import { Resources, newQueue, runController, type Controller, type ControllerContext, type ResourceName } from '../../framework/context';
import { claimObjects, patchOwnership, recheckOwner, type Owner } from './controller-ref';
import { UIDTrackingExpectations } from './expectations';
import { ApiPodControl, type PodControl } from './pod-control';
import { podsToDelete } from './pod-ranking';
import { controllerRefOf, isPodActive, isPodReady, podKey, type Pod } from './pods';
import { slowStartBatch, slowStartInitialBatchSize } from './slow-start';
import { calculateStatus, statusNeedsUpdate, type ReplicaStatus } from './status';

/** What the controller reads of a ReplicaSet or a ReplicationController. */
export type ReplicaObject = KubeObject & {
  spec?: { replicas?: number; minReadySeconds?: number; template?: corev1.PodTemplateSpec; selector?: unknown };
  status?: ReplicaStatus;
};

/** The differences between the ReplicaSet and the ReplicationController controllers. */
export interface ReplicaKind {
  /** Controller name for `--controllers`. */
  controllerName: string;
  /** Name in `--concurrent-<name>-syncs`. */
  workersName: string;
  resource: ResourceName;
  apiVersion: string;
  kind: string;
  /** The object's pod selector; throws when it is invalid. */
  selector(obj: ReplicaObject): LabelsSelector;
}

export const ReplicaSetKind: ReplicaKind = {
  controllerName: 'replicaset',
  workersName: 'replicaset',
  resource: 'replicasets',
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  selector: (rs) => labelSelectorAsSelector((rs as appsv1.ReplicaSet).spec?.selector),
};

export const ReplicationControllerKind: ReplicaKind = {
  controllerName: 'replicationcontroller',
  workersName: 'rc',
  resource: 'replicationcontrollers',
  apiVersion: 'v1',
  kind: 'ReplicationController',
  selector: (rc) => LabelsSelector.fromSet((rc as corev1.ReplicationController).spec?.selector),
};

/** At most this many pods are created or deleted in one sync (BurstReplicas). */
export const burstReplicas = 500;

export interface ReplicaSetControllerOptions {
  clock?: Clock;
  /** Creates and deletes pods; through the context's client, with events, by default. */
  podControl?: (ctx: ControllerContext) => PodControl;
  /** Pods created or deleted per sync at most; 500 by default. */
  burstReplicas?: number;
}

/**
 * The ReplicaSet controller (and, with `ReplicationControllerKind`, the ReplicationController
 * controller, which Kubernetes runs as the same code): keeps `spec.replicas` active pods matching
 * the selector. It adopts matching orphans and releases owned pods that stopped matching, creates
 * missing pods in slow-start batches and deletes surplus ones least valuable first, never acting
 * on a key while its own creates and deletes are still unobserved (expectations), and writes the
 * status counts, observedGeneration and the ReplicaFailure condition.
 */
export function newReplicaController(kind: ReplicaKind, options: ReplicaSetControllerOptions = {}): Controller {
  const clock = options.clock ?? realClock;
  const burst = options.burstReplicas ?? burstReplicas;
  return {
    name: kind.controllerName,
    async start(ctx: ControllerContext): Promise<void> {
      const owners = ctx.informers.informer<ReplicaObject>(kind.resource);
      const pods = ctx.informers.informer<Pod>('pods');
      const controller = new ReplicaController({
        kind,
        ctx,
        owners,
        pods,
        clock,
        burst,
        podControl: options.podControl?.(ctx) ?? new ApiPodControl(ctx.client, ctx.recorder),
      });
      if (!(await owners.waitForSync(ctx.signal)) || !(await pods.waitForSync(ctx.signal))) return;
      await runController(ctx, kind.controllerName, controller.queue, ctx.workers(kind.workersName, 5), (key) => controller.sync(key));
    },
  };
}

interface ReplicaControllerDeps {
  kind: ReplicaKind;
  ctx: ControllerContext;
  owners: Informer<ReplicaObject>;
  pods: Informer<Pod>;
  clock: Clock;
  burst: number;
  podControl: PodControl;
}

/** One running ReplicaSet or ReplicationController controller: handlers, queue and sync. */
class ReplicaController {
  readonly queue = newQueue();
  private readonly expectations: UIDTrackingExpectations;
  private readonly kind: ReplicaKind;
  private readonly d: ReplicaControllerDeps;

  constructor(deps: ReplicaControllerDeps) {
    this.d = deps;
    this.kind = deps.kind;
    this.expectations = new UIDTrackingExpectations({ clock: deps.clock });
    deps.owners.addEventHandler({
      onAdd: (obj) => this.enqueue(obj),
      onUpdate: (old, cur) => {
        if (old.metadata.uid !== cur.metadata.uid) this.onOwnerDelete(old);
        this.enqueue(cur);
      },
      onDelete: (obj) => this.onOwnerDelete(obj),
    });
    deps.pods.addEventHandler({
      onAdd: (pod) => this.onPodAdd(pod),
      onUpdate: (old, cur) => this.onPodUpdate(old, cur),
      onDelete: (obj) => this.onPodDelete(obj),
    });
  }

  private enqueue(obj: ObjectWithMeta): void {
    this.queue.add(metaNamespaceKey(obj));
  }

  private onOwnerDelete(obj: ReplicaObject | DeletedFinalStateUnknown<ReplicaObject>): void {
    const key = metaNamespaceKey(objectOf(obj));
    this.expectations.delete(key);
    this.queue.add(key);
  }

  /** The owner a controllerRef names, if it is of our kind and still the same object. */
  private resolve(namespace: string, ref: { kind: string; name: string; uid: string }): ReplicaObject | undefined {
    if (ref.kind !== this.kind.kind) return undefined;
    const owner = this.d.owners.lister.get(`${namespace}/${ref.name}`);
    return owner && owner.metadata.uid === ref.uid ? owner : undefined;
  }

  /** Owners whose (non-empty, valid) selector matches an orphan pod's labels. */
  private ownersMatching(pod: Pod): ReplicaObject[] {
    return this.d.owners.lister.byIndex(NamespaceIndex, pod.metadata.namespace ?? '').filter((owner) => {
      try {
        const selector = this.kind.selector(owner);
        // A nil or empty selector must match nothing here, not everything.
        return !selector.empty() && selector.matches(pod.metadata.labels);
      } catch {
        return false;
      }
    });
  }

  private onPodAdd(pod: Pod): void {
    if (pod.metadata.deletionTimestamp) {
      // Already terminating when first seen (e.g. after a restart): a deletion, not a creation.
      this.onPodDelete(pod);
      return;
    }
    const ref = controllerRefOf(pod);
    if (ref) {
      const owner = this.resolve(pod.metadata.namespace ?? '', ref);
      if (!owner) return;
      const key = metaNamespaceKey(owner);
      this.expectations.creationObserved(key);
      this.queue.add(key);
      return;
    }
    for (const owner of this.ownersMatching(pod)) this.enqueue(owner);
  }

  private onPodUpdate(old: Pod, cur: Pod): void {
    if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
    const labelsChanged = !sameMap(old.metadata.labels, cur.metadata.labels);
    if (cur.metadata.deletionTimestamp) {
      this.onPodDelete(cur);
      if (labelsChanged) this.onPodDelete(old);
      return;
    }
    const curRef = controllerRefOf(cur);
    const oldRef = controllerRefOf(old);
    const refChanged = curRef?.uid !== oldRef?.uid || curRef?.name !== oldRef?.name || curRef?.kind !== oldRef?.kind;
    if (refChanged && oldRef) {
      const owner = this.resolve(old.metadata.namespace ?? '', oldRef);
      if (owner) this.enqueue(owner);
    }
    if (curRef) {
      const owner = this.resolve(cur.metadata.namespace ?? '', curRef);
      if (!owner) return;
      this.enqueue(owner);
      const minReadySeconds = owner.spec?.minReadySeconds ?? 0;
      if (!isPodReady(old) && isPodReady(cur) && minReadySeconds > 0) {
        // Its availability changes minReadySeconds from now; a second more absorbs timer skew.
        this.queue.addAfter(metaNamespaceKey(owner), minReadySeconds * 1000 + 1000);
      }
      return;
    }
    if (labelsChanged || refChanged) for (const owner of this.ownersMatching(cur)) this.enqueue(owner);
  }

  private onPodDelete(obj: Pod | DeletedFinalStateUnknown<Pod>): void {
    const pod = objectOf(obj);
    const ref = controllerRefOf(pod);
    if (!ref) return;
    const owner = this.resolve(pod.metadata.namespace ?? '', ref);
    if (!owner) return;
    const key = metaNamespaceKey(owner);
    this.expectations.deletionOf(key, podKey(pod));
    this.queue.add(key);
  }

  private ownerOf(obj: ReplicaObject): Owner {
    return { apiVersion: this.kind.apiVersion, kind: this.kind.kind, metadata: obj.metadata };
  }

  async sync(key: string): Promise<void> {
    const { namespace } = splitMetaNamespaceKey(key);
    const obj = this.d.owners.lister.get(key);
    if (!obj) {
      this.expectations.delete(key);
      return;
    }
    const needsSync = this.expectations.satisfied(key);
    let selector: LabelsSelector;
    try {
      selector = this.kind.selector(obj);
    } catch (err) {
      // Retrying cannot fix an invalid selector; the next change of the object will.
      this.d.ctx.logger.warn('invalid pod selector', { controller: this.kind.controllerName, key, err: String(err) });
      return;
    }
    const owner = this.ownerOf(obj);
    const active = this.d.pods.lister.byIndex(NamespaceIndex, namespace).filter(isPodActive);
    const gvr = Resources[this.kind.resource];
    const { claimed, errors } = await claimObjects(active, {
      owner,
      match: (pod) => selector.matches(pod.metadata.labels),
      canAdopt: recheckOwner(this.d.ctx.client, gvr, owner),
      ...patchOwnership<Pod>(this.d.ctx.client, Resources.pods, owner),
    });
    if (errors.length > 0) throw errors[0];

    let manageError: unknown;
    if (needsSync && !obj.metadata.deletionTimestamp) {
      try {
        await this.manageReplicas(key, obj, claimed);
      } catch (err) {
        manageError = err;
      }
    }

    const now = this.d.clock.now();
    const status = calculateStatus(obj, claimed, manageError, now);
    const updated = await this.updateStatus(obj, status);
    const replicas = updated.spec?.replicas ?? 1;
    const minReadySeconds = updated.spec?.minReadySeconds ?? 0;
    if (
      manageError === undefined &&
      minReadySeconds > 0 &&
      (updated.status?.readyReplicas ?? 0) === replicas &&
      (updated.status?.availableReplicas ?? 0) !== replicas
    ) {
      // Ready pods turn available without any event; look again when they should have.
      this.queue.addAfter(key, minReadySeconds * 1000);
    }
    if (manageError !== undefined) throw manageError;
  }

  /** Creates or deletes pods so that `pods` (the active, claimed ones) number spec.replicas. */
  private async manageReplicas(key: string, obj: ReplicaObject, pods: readonly Pod[]): Promise<void> {
    const owner = this.ownerOf(obj);
    const diff = pods.length - (obj.spec?.replicas ?? 1);
    if (diff < 0) {
      const count = Math.min(-diff, this.d.burst);
      // Expect before creating: the informer may report the pods before the calls return.
      this.expectations.expectCreations(key, count);
      const template = obj.spec?.template ?? {};
      const { successes, error } = await slowStartBatch(count, slowStartInitialBatchSize, async () => {
        await this.d.podControl.createPod(template, owner);
      });
      // Creations that failed or were never attempted will never be observed.
      for (let i = successes; i < count; i++) this.expectations.creationObserved(key);
      if (error !== undefined) throw error;
      return;
    }
    if (diff > 0) {
      const count = Math.min(diff, this.d.burst);
      const victims = podsToDelete(pods, this.relatedPods(obj), count, this.d.clock.now());
      this.expectations.expectDeletionsOf(key, victims.map(podKey));
      const results = await Promise.allSettled(
        victims.map(async (pod) => {
          try {
            await this.d.podControl.deletePod(pod.metadata.namespace ?? '', pod.metadata.name ?? '', owner);
          } catch (err) {
            // This deletion will never be observed (or already was, for NotFound).
            this.expectations.deletionOf(key, podKey(pod));
            if (!hasReason(err, StatusReason.NotFound)) throw err;
          }
        }),
      );
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
  }

  /**
   * The pods of every ReplicaSet that shares `obj`'s controller (a Deployment's old and new
   * ReplicaSets), for ranking by co-location; none when `obj` has no controller.
   */
  private relatedPods(obj: ReplicaObject): Pod[] {
    const ref = controllerRefOf(obj);
    if (!ref) return [];
    const namespace = obj.metadata.namespace ?? '';
    const siblings = new Set(
      this.d.owners.lister
        .byIndex(NamespaceIndex, namespace)
        .filter((o) => controllerRefOf(o)?.uid === ref.uid)
        .map((o) => o.metadata.uid),
    );
    return this.d.pods.lister.byIndex(NamespaceIndex, namespace).filter((p) => siblings.has(controllerRefOf(p)?.uid));
  }

  /**
   * Writes `status` with observedGeneration when it changed anything; on failure reads the object
   * again and retries once (statusUpdateRetries), then gives up (the key is retried with back-off).
   */
  private async updateStatus(obj: ReplicaObject, status: ReplicaStatus): Promise<ReplicaObject> {
    if (!statusNeedsUpdate(obj, status)) return obj;
    const gvr = Resources[this.kind.resource];
    const next: ReplicaStatus = { ...status, observedGeneration: obj.metadata.generation ?? 0 };
    let current = obj;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.d.ctx.client.updateStatus<ReplicaObject>(gvr, current.metadata.namespace ?? '', { ...current, status: next });
      } catch (err) {
        if (attempt >= 1) throw err;
        current = await this.d.ctx.client.get<ReplicaObject>(gvr, current.metadata.namespace ?? '', current.metadata.name ?? '');
      }
    }
  }
}

function sameMap(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const ka = Object.keys(a ?? {});
  if (ka.length !== Object.keys(b ?? {}).length) return false;
  return ka.every((k) => a?.[k] === b?.[k]);
}
