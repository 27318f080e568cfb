import { evaluatorFor, registry, usageEquals, type GroupResource, type KubeObject, type corev1 } from '@tskube/api-types';
import { Informer, NamespaceIndex, listWatch, objectOf, type DeletedFinalStateUnknown, type ObjectWithMeta } from '@tskube/client';
import { Resources, type ControllerContext, type ResourceName } from '../../framework/context';

type Obj = KubeObject & ObjectWithMeta;

/** Something a quota counts changed in `namespace`. */
export type ChangeHandler = (gr: GroupResource, namespace: string) => void;

interface Monitor {
  informer: Informer<Obj>;
  /** Started here (not a shared informer), so stopped here. */
  own: boolean;
}

const grKey = (gr: GroupResource) => (gr.group ? `${gr.resource}.${gr.group}` : gr.resource);

/**
 * The caches quota usage is measured from, one per resource some quota counts, started the first
 * time a quota needs them (as Kubernetes' quota monitor, which follows discovery): the shared
 * informers for the resources other controllers watch too, private ones for the rest. Each tells
 * the controller when an object appears, goes, or changes what it uses.
 */
export class QuotaMonitors {
  private readonly monitors = new Map<string, Monitor | null>();

  constructor(
    private readonly ctx: ControllerContext,
    private readonly onChange: ChangeHandler,
    private readonly now: () => number,
    /** Whether `namespace` has a quota at all: most do not, and their updates are not measured. */
    private readonly hasQuota: (namespace: string) => boolean,
  ) {}

  /** The cache of `gr`, started if needed; undefined when the apiserver serves no such listable resource. */
  ensure(gr: GroupResource): Informer<Obj> | undefined {
    const key = grKey(gr);
    const known = this.monitors.get(key);
    if (known !== undefined) return known?.informer;
    const monitor = this.create(gr);
    this.monitors.set(key, monitor);
    return monitor?.informer;
  }

  private create(gr: GroupResource): Monitor | null {
    const version = registry.preferredVersion(gr.group);
    const info = version ? registry.byGroupVersionResource({ group: gr.group, version, resource: gr.resource }) : undefined;
    if (!info || !info.namespaced || !info.verbs.includes('list') || !info.verbs.includes('watch')) return null;
    const shared = (Object.keys(Resources) as ResourceName[]).find((n) => Resources[n].group === gr.group && Resources[n].resource === gr.resource);
    let informer: Informer<Obj>;
    let own = false;
    if (shared) {
      informer = this.ctx.informers.informer<KubeObject>(shared);
    } else {
      informer = new Informer<Obj>({ listerWatcher: listWatch<Obj>(this.ctx.client, { group: gr.group, version: info.version, resource: gr.resource }), logger: this.ctx.logger });
      own = true;
    }
    const evaluator = evaluatorFor(gr);
    const isPods = gr.group === '' && gr.resource === 'pods';
    informer.addEventHandler({
      onAdd: (obj) => this.onChange(gr, obj.metadata.namespace ?? ''),
      onUpdate: (old, cur) => {
        if (old === cur || !this.hasQuota(cur.metadata.namespace ?? '')) return;
        const now = this.now();
        const changed =
          !usageEquals(evaluator.usage(old, now), evaluator.usage(cur, now)) ||
          // A deadline moves a pod between the Terminating and NotTerminating scopes.
          (isPods && (old as corev1.Pod).spec?.activeDeadlineSeconds !== (cur as corev1.Pod).spec?.activeDeadlineSeconds);
        if (changed) this.onChange(gr, cur.metadata.namespace ?? '');
      },
      onDelete: (obj: Obj | DeletedFinalStateUnknown<Obj>) => this.onChange(gr, objectOf(obj).metadata.namespace ?? ''),
    });
    if (own) void informer.start();
    return { informer, own };
  }

  /** The objects of `gr` in `namespace`, or undefined while its cache is missing or unsynced. */
  list(gr: GroupResource, namespace: string): Obj[] | undefined {
    const informer = this.monitors.get(grKey(gr))?.informer;
    if (!informer?.hasSynced()) return undefined;
    return informer.lister.byIndex(NamespaceIndex, namespace);
  }

  /** Waits until the caches of `grs` (those that exist) have synced; false when aborted. */
  async waitForSync(grs: readonly GroupResource[], signal: AbortSignal): Promise<boolean> {
    for (const gr of grs) {
      const informer = this.ensure(gr);
      if (informer && !informer.hasSynced() && !(await informer.waitForSync(signal))) return false;
    }
    return true;
  }

  /** Stops the private caches. */
  async stop(): Promise<void> {
    await Promise.all([...this.monitors.values()].filter((m) => m?.own).map((m) => m!.informer.stop()));
  }
}
