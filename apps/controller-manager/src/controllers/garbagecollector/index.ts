import type { KubeObject, ResourceInfo } from '@tskube/api-types';
import { Informer, listWatch, objectOf, type ObjectWithMeta } from '@tskube/client';
import { Resources, runController, type Controller, type ControllerContext, type ResourceName } from '../../framework/context';
import { GarbageCollector } from './garbage-collector';
import { monitoredResources } from './monitors';

export interface GarbageCollectorControllerOptions {
  /** See GarbageCollectorOptions.unobservedRecheckMs. */
  unobservedRecheckMs?: number;
}

type Obj = KubeObject & ObjectWithMeta;

const sharedNames = new Map<string, ResourceName>(
  (Object.entries(Resources) as Array<[ResourceName, (typeof Resources)[ResourceName]]>).map(([name, gvr]) => [`${gvr.group}/${gvr.version}/${gvr.resource}`, name]),
);

/**
 * The garbage collector: one informer per monitored resource feeds the ownership graph (the
 * shared informers where the controller-manager has them, its own otherwise); once all have
 * synced, `--concurrent-gc-syncs` workers (20) run each of the attemptToDelete and
 * attemptToOrphan queues.
 */
export function newGarbageCollectorController(options: GarbageCollectorControllerOptions = {}): Controller {
  return {
    name: 'garbagecollector',
    async start(ctx: ControllerContext): Promise<void> {
      const gc = new GarbageCollector({ client: ctx.client, recorder: ctx.recorder, logger: ctx.logger, ...options });
      const own: Array<Informer<Obj>> = [];
      const informers = monitoredResources().map((r) => {
        const shared = sharedNames.get(`${r.group}/${r.version}/${r.resource}`);
        if (shared) return ctx.informers.informer<KubeObject>(shared);
        const inf = ownInformer(ctx, r);
        own.push(inf);
        return inf;
      });
      for (const inf of informers) {
        inf.addEventHandler({
          onAdd: (obj) => gc.graph.observe(obj),
          onUpdate: (_old, obj) => gc.graph.observe(obj),
          onDelete: (obj) => gc.graph.observeDeleted(objectOf(obj)),
        });
      }
      if (ctx.signal.aborted) return;
      for (const inf of own) void inf.start();
      try {
        // One abort listener for all of them: the informers' own waits end when they stop.
        const aborted = new Promise<boolean[]>((resolve) => ctx.signal.addEventListener('abort', () => resolve([false]), { once: true }));
        const synced = await Promise.race([Promise.all(informers.map((i) => i.waitForSync())), aborted]);
        if (ctx.signal.aborted || !synced.every(Boolean)) return;
        const workers = ctx.workers('gc', 20);
        await Promise.all([
          runController(ctx, 'garbagecollector', gc.attemptToDelete, workers, (uid) => gc.attemptToDeleteItem(uid)),
          runController(ctx, 'garbagecollector-orphan', gc.attemptToOrphan, workers, (uid) => gc.attemptToOrphanItem(uid)),
        ]);
      } finally {
        await Promise.all(own.map((i) => i.stop()));
      }
    },
  };
}

function ownInformer(ctx: ControllerContext, r: ResourceInfo): Informer<Obj> {
  return new Informer<Obj>({ listerWatcher: listWatch(ctx.client, { group: r.group, version: r.version, resource: r.resource }), logger: ctx.logger });
}

export const garbageCollectorController: Controller = newGarbageCollectorController();
