import { StatusReason, hasReason, type KubeObject, type corev1 } from '@tskube/api-types';
import { NamespaceIndex, objectOf, splitMetaNamespaceKey, type DeletedFinalStateUnknown, type IndexedLister, type Lister } from '@tskube/client';
import { Resources, keyOf, newQueue, runController, type Controller, type ControllerContext } from '../../framework/context';
import { isNamespaceTerminating } from './errors';
import { hasSelector, isServiceIPSet, labelsEqual, podEndpointFieldsChanged, selectsPod } from './pods';
import { semanticEqual } from './semantic';
import { OverCapacityAnnotation, computeSubsets, truncateSubsets } from './subsets';
import { LastChangeTriggerTimeAnnotation, TriggerTimeTracker, formatRFC3339Nano } from './trigger-time';

/** The label the controller puts on the Endpoints it writes, so it deletes only its own. */
export const EndpointsManagedByLabel = 'endpoints.kubernetes.io/managed-by';
/** Its value: the controller's name as Kubernetes 1.33 writes it. */
export const EndpointsControllerName = 'endpoint-controller';
/** Label of the Endpoints (and slices) of a service without a cluster IP. */
export const HeadlessServiceLabel = 'service.kubernetes.io/headless';
/** Endpoints carrying a leader-election record belong to no service; never clean them up. */
const LeaderElectionAnnotation = 'control-plane.alpha.kubernetes.io/leader';

type Service = corev1.Service & KubeObject;
type Pod = corev1.Pod & KubeObject;
type Endpoints = corev1.Endpoints & KubeObject;

/**
 * The Endpoints controller (kube-controller-manager's `endpoint`): keeps, for every Service with a
 * selector, an Endpoints object of the same name listing the selected pods' addresses and ports.
 * Pod and service changes only enqueue service keys; a sync computes the subsets from the caches
 * and writes only when they (or the labels, or the capacity annotation) differ. The Endpoints of a
 * service that is gone, lost its selector or became ExternalName are deleted when this controller
 * wrote them (its managed-by label); anything else named like a service is left alone.
 */
export const endpointsController: Controller = {
  name: 'endpoint',
  start: (ctx) => new EndpointsController(ctx).run(),
};

class EndpointsController {
  private readonly queue = newQueue();
  private readonly triggerTimes = new TriggerTimeTracker();
  private readonly services: IndexedLister<Service>;
  private readonly pods: IndexedLister<Pod>;
  private readonly endpoints: Lister<Endpoints>;
  private readonly synced: Promise<boolean>;

  constructor(private readonly ctx: ControllerContext) {
    const services = ctx.informers.informer<Service>('services');
    const pods = ctx.informers.informer<Pod>('pods');
    const endpoints = ctx.informers.informer<Endpoints>('endpoints');
    this.services = services.lister;
    this.pods = pods.lister;
    this.endpoints = endpoints.lister;
    const enqueue = (obj: Service | DeletedFinalStateUnknown<Service>) => this.queue.add(keyOf(obj));
    services.addEventHandler({ onAdd: enqueue, onUpdate: (_o, n) => enqueue(n), onDelete: enqueue });
    pods.addEventHandler({
      onAdd: (pod) => this.enqueueServicesOf(pod),
      onUpdate: (oldPod, newPod) => {
        const relabelled = !labelsEqual(oldPod.metadata?.labels, newPod.metadata?.labels);
        if (!relabelled && !podEndpointFieldsChanged(oldPod, newPod)) return;
        this.enqueueServicesOf(newPod);
        if (relabelled) this.enqueueServicesOf(oldPod);
      },
      onDelete: (pod) => this.enqueueServicesOf(objectOf(pod)),
    });
    endpoints.addEventHandler({
      // The initial list finds Endpoints left over from services deleted while we were down.
      onAdd: (ep, initial) => {
        if (initial && !ep.metadata?.annotations?.[LeaderElectionAnnotation]) this.queue.add(keyOf(ep));
      },
      // Someone deleted an Endpoints we keep: write it again.
      onDelete: (ep) => this.queue.add(keyOf(ep)),
    });
    this.synced = Promise.all([services.waitForSync(ctx.signal), pods.waitForSync(ctx.signal), endpoints.waitForSync(ctx.signal)]).then((r) => r.every(Boolean));
  }

  async run(): Promise<void> {
    if (!(await this.synced)) return;
    await runController(this.ctx, 'endpoint', this.queue, this.ctx.workers('endpoint', 5), (key) => this.sync(key));
  }

  private enqueueServicesOf(pod: Pod): void {
    const ns = pod.metadata?.namespace ?? '';
    for (const svc of this.services.byIndex(NamespaceIndex, ns)) if (selectsPod(svc, pod)) this.queue.add(keyOf(svc));
  }

  private async sync(key: string): Promise<void> {
    const { namespace, name } = splitMetaNamespaceKey(key);
    const service = this.services.get(key);
    if (!service || service.spec?.type === 'ExternalName' || !hasSelector(service)) {
      this.triggerTimes.delete(key);
      await this.deleteManaged(namespace, name);
      return;
    }
    const pods = this.pods.byIndex(NamespaceIndex, namespace).filter((p) => selectsPod(service, p));
    // Computed on every sync so the tracker moves on even when nothing is written.
    const triggerTime = this.triggerTimes.compute(key, service, pods);
    const { subsets, truncated } = truncateSubsets(computeSubsets(service, pods));

    const labels: Record<string, string> = { ...(service.metadata?.labels ?? {}), [EndpointsManagedByLabel]: EndpointsControllerName };
    if (!isServiceIPSet(service)) labels[HeadlessServiceLabel] = '';
    else delete labels[HeadlessServiceLabel];

    const current = this.endpoints.get(key);
    const overCapacityRight = truncated ? current?.metadata?.annotations?.[OverCapacityAnnotation] === 'truncated' : !current?.metadata?.annotations?.[OverCapacityAnnotation];
    if (current && semanticEqual(current.subsets, subsets) && labelsEqual(current.metadata?.labels, labels) && overCapacityRight) return;

    const annotations: Record<string, string> = { ...(current?.metadata?.annotations ?? {}) };
    if (triggerTime !== undefined) annotations[LastChangeTriggerTimeAnnotation] = formatRFC3339Nano(triggerTime);
    else delete annotations[LastChangeTriggerTimeAnnotation];
    if (truncated) annotations[OverCapacityAnnotation] = 'truncated';
    else delete annotations[OverCapacityAnnotation];

    const desired: Endpoints = {
      ...(current ?? {}),
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { ...(current?.metadata ?? { name, namespace }), labels, annotations },
      subsets,
    };
    try {
      if (current) await this.ctx.client.update(Resources.endpoints, namespace, desired);
      else await this.ctx.client.create(Resources.endpoints, namespace, desired);
    } catch (err) {
      // A terminating namespace refuses new objects for good; nothing to retry.
      if (!current && isNamespaceTerminating(err)) return;
      const msg = err instanceof Error ? err.message : String(err);
      if (current) this.ctx.recorder.event(desired, 'Warning', 'FailedToUpdateEndpoint', `Failed to update endpoint ${namespace}/${name}: ${msg}`);
      else this.ctx.recorder.event(desired, 'Warning', 'FailedToCreateEndpoint', `Failed to create endpoint for service ${namespace}/${name}: ${msg}`);
      throw err;
    }
  }

  /** Deletes the Endpoints under `name` if this controller wrote it; the one it saw, not a newer namesake. */
  private async deleteManaged(namespace: string, name: string): Promise<void> {
    const current = this.endpoints.get(namespace ? `${namespace}/${name}` : name);
    if (!current || current.metadata?.labels?.[EndpointsManagedByLabel] !== EndpointsControllerName) return;
    try {
      await this.ctx.client.delete(Resources.endpoints, namespace, name, { preconditions: { uid: current.metadata?.uid } });
    } catch (err) {
      if (hasReason(err, StatusReason.NotFound) || hasReason(err, StatusReason.Conflict)) return;
      throw err;
    }
  }
}
