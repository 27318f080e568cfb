import { StatusReason, hasReason, type KubeObject, type corev1 } from '@tskube/api-types';
import { NamespaceIndex, NodeNameIndex, nodeNameIndexFunc, objectOf, splitMetaNamespaceKey, type DeletedFinalStateUnknown, type IndexedLister } from '@tskube/client';
import { Resources, keyOf, newQueue, runController, type Controller, type ControllerContext } from '../../framework/context';
import { isNamespaceTerminating } from '../endpoints/errors';
import { hasSelector, labelsEqual, podEndpointFieldsChanged, selectsPod } from '../endpoints/pods';
import { ControllerName, ManagedByLabel, ServiceNameLabel, ZoneLabel, reconcile, type EndpointSlice } from './reconciler';
import { SliceTracker } from './slice-tracker';

type Service = corev1.Service & KubeObject;
type Pod = corev1.Pod & KubeObject;
type Node = corev1.Node & KubeObject;
type Slice = EndpointSlice & KubeObject;

/** Index of managed slices by their service's `namespace/name`. */
const ServiceIndex = 'endpointslice-service';

/** `--max-endpoints-per-slice`: 100 by default, 1 to 1000 as Kubernetes allows. */
export function maxEndpointsPerSlice(flags: Record<string, string>): number {
  const raw = flags['max-endpoints-per-slice'];
  if (raw === undefined || raw === '') return 100;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new Error(`--max-endpoints-per-slice must be between 1 and 1000, got ${raw}`);
  return n;
}

/** The cache missed some of our own writes; the sync is retried once it catches up. */
class StaleInformerCacheError extends Error {
  override readonly name = 'StaleInformerCacheError';
}

/**
 * The EndpointSlice controller (kube-controller-manager's `endpointslice`): for every Service
 * with a selector, discovery.k8s.io/v1 EndpointSlices holding its pods as endpoints (ready,
 * serving and terminating conditions, node, zone, pod reference), at most
 * `--max-endpoints-per-slice` each, owned by the Service so the garbage collector removes them
 * with it. Syncs reuse and update existing slices rather than recreate them (see `reconcile`), and
 * wait while the slice cache lags behind the controller's own writes. Slices of a Service that
 * lost its selector are deleted; slices other managers own are never touched.
 */
export const endpointSliceController: Controller = {
  name: 'endpointslice',
  start: (ctx) => new EndpointSliceController(ctx).run(),
};

class EndpointSliceController {
  private readonly queue = newQueue();
  private readonly tracker = new SliceTracker();
  private readonly services: IndexedLister<Service>;
  private readonly pods: IndexedLister<Pod>;
  private readonly nodes: IndexedLister<Node>;
  private readonly slices: IndexedLister<Slice>;
  private readonly synced: Promise<boolean>;
  private readonly maxPerSlice: number;

  constructor(private readonly ctx: ControllerContext) {
    this.maxPerSlice = maxEndpointsPerSlice(ctx.flags);
    ctx.informers.addIndexers<Pod>('pods', { [NodeNameIndex]: nodeNameIndexFunc });
    ctx.informers.addIndexers<Slice>('endpointslices', {
      [ServiceIndex]: (s) => {
        const svc = s.metadata?.labels?.[ServiceNameLabel];
        return svc && s.metadata?.labels?.[ManagedByLabel] === ControllerName ? [`${s.metadata?.namespace ?? ''}/${svc}`] : [];
      },
    });
    const services = ctx.informers.informer<Service>('services');
    const pods = ctx.informers.informer<Pod>('pods');
    const nodes = ctx.informers.informer<Node>('nodes');
    const slices = ctx.informers.informer<Slice>('endpointslices');
    this.services = services.lister;
    this.pods = pods.lister;
    this.nodes = nodes.lister;
    this.slices = slices.lister;

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
    // Zones come from nodes, and pods wait for their node to be known.
    nodes.addEventHandler({
      onAdd: (node) => this.enqueueServicesOnNode(node),
      onUpdate: (oldNode, newNode) => {
        if (oldNode.metadata?.labels?.[ZoneLabel] !== newNode.metadata?.labels?.[ZoneLabel]) this.enqueueServicesOnNode(newNode);
      },
      onDelete: (node) => this.enqueueServicesOnNode(objectOf(node)),
    });
    // Our slices changed by someone else (or deleted) are put back; our own writes cost a no-op sync.
    const onSlice = (s: Slice) => {
      const svc = s.metadata?.labels?.[ServiceNameLabel];
      if (svc && s.metadata?.labels?.[ManagedByLabel] === ControllerName) this.queue.add(`${s.metadata?.namespace ?? ''}/${svc}`);
    };
    slices.addEventHandler({
      onAdd: onSlice,
      onUpdate: (_o, n) => onSlice(n),
      onDelete: (obj) => {
        const s = objectOf(obj);
        const svc = s.metadata?.labels?.[ServiceNameLabel];
        if (svc) this.tracker.observedDeletion(`${s.metadata?.namespace ?? ''}/${svc}`, s.metadata?.uid);
        onSlice(s);
      },
    });
    this.synced = Promise.all([services, pods, nodes, slices].map((i) => i.waitForSync(ctx.signal))).then((r) => r.every(Boolean));
  }

  async run(): Promise<void> {
    if (!(await this.synced)) return;
    await runController(this.ctx, 'endpointslice', this.queue, this.ctx.workers('service-endpoint', 5), (key) => this.sync(key));
  }

  private enqueueServicesOf(pod: Pod): void {
    for (const svc of this.services.byIndex(NamespaceIndex, pod.metadata?.namespace ?? '')) if (selectsPod(svc, pod)) this.queue.add(keyOf(svc));
  }

  private enqueueServicesOnNode(node: Node): void {
    for (const pod of this.pods.byIndex(NodeNameIndex, node.metadata?.name ?? '')) this.enqueueServicesOf(pod);
  }

  private async sync(key: string): Promise<void> {
    const { namespace, name } = splitMetaNamespaceKey(key);
    const service = this.services.get(key);
    if (!service) {
      // The slices are owned by the service: the garbage collector removes them.
      this.tracker.forget(key);
      return;
    }
    const existing = this.slices.byIndex(ServiceIndex, key);
    if (this.tracker.stale(key, existing)) throw new StaleInformerCacheError(`EndpointSlice cache is behind the controller's writes for service ${key}`);

    if (service.spec?.type === 'ExternalName' || !hasSelector(service)) {
      for (const slice of existing) await this.deleteSlice(key, slice);
      return;
    }
    const pods = this.pods.byIndex(NamespaceIndex, namespace).filter((p) => selectsPod(service, p));
    const plan = reconcile({ service, pods, node: (n) => this.nodes.get(n), existing, maxEndpointsPerSlice: this.maxPerSlice });
    try {
      for (const slice of plan.create) {
        const created = await this.ctx.client.create<Slice>(Resources.endpointslices, namespace, slice as Slice);
        this.tracker.wrote(key, created);
      }
      for (const slice of plan.update) {
        const updated = await this.ctx.client.update<Slice>(Resources.endpointslices, namespace, slice as Slice);
        this.tracker.wrote(key, updated);
      }
      for (const slice of plan.delete) await this.deleteSlice(key, slice);
    } catch (err) {
      // A terminating namespace refuses new slices for good.
      if (isNamespaceTerminating(err)) return;
      const msg = err instanceof Error ? err.message : String(err);
      this.ctx.recorder.event(service, 'Warning', 'FailedToUpdateEndpointSlices', `Error updating Endpoint Slices for Service ${namespace}/${name}: ${msg}`);
      throw err;
    }
    if (plan.missingNodes.length > 0) throw new Error(`skipping pods of service ${key} whose node is not known: ${plan.missingNodes.join(', ')}`);
  }

  private async deleteSlice(serviceKey: string, slice: EndpointSlice): Promise<void> {
    const ns = slice.metadata?.namespace ?? '';
    try {
      await this.ctx.client.delete(Resources.endpointslices, ns, slice.metadata?.name ?? '', { preconditions: { uid: slice.metadata?.uid } });
      this.tracker.deleted(serviceKey, slice.metadata?.uid);
    } catch (err) {
      if (!hasReason(err, StatusReason.NotFound) && !hasReason(err, StatusReason.Conflict)) throw err;
    }
  }
}
