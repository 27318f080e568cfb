import type { KubeObject, corev1 } from '@tskube/api-types';
import { NamespaceIndex, objectOf, realClock, type Clock } from '@tskube/client';
import { newQueue, runController, type Controller, type ControllerContext } from '../../framework/context';
import { NamespacedResourcesDeleter, ResourcesRemainingError, type Namespace } from './deleter';

type Pod = corev1.Pod & KubeObject;

export interface NamespaceControllerOptions {
  /**
   * How long to wait before looking again at a namespace whose content needs about
   * `estimateSeconds` more to go; Kubernetes waits half the estimate plus a second.
   */
  recheckDelayMs?: (estimateSeconds: number) => number;
  clock?: Clock;
}

/**
 * The namespace controller: a namespace being deleted (deletionTimestamp set, phase Terminating)
 * has all its content deleted, its deletion conditions kept up to date, and finally its
 * `kubernetes` finalizer removed through the finalize subresource, after which the apiserver
 * removes it. A namespace whose pods are still terminating is looked at again when its last pod
 * is gone, or after the estimate otherwise.
 */
export function newNamespaceController(options: NamespaceControllerOptions = {}): Controller {
  const recheckDelayMs = options.recheckDelayMs ?? ((estimate) => (Math.floor(estimate / 2) + 1) * 1000);
  const clock = options.clock ?? realClock;
  return {
    name: 'namespace',
    async start(ctx: ControllerContext): Promise<void> {
      const namespaces = ctx.informers.informer<Namespace>('namespaces');
      const pods = ctx.informers.informer<Pod>('pods');
      const queue = newQueue();
      const deleter = new NamespacedResourcesDeleter({ client: ctx.client, logger: ctx.logger, clock });

      const enqueue = (ns: Namespace) => {
        if (ns.metadata.deletionTimestamp) queue.add(ns.metadata.name!);
      };
      namespaces.addEventHandler({ onAdd: enqueue, onUpdate: (_old, ns) => enqueue(ns) });
      pods.addEventHandler({
        onDelete: (obj) => {
          const namespace = objectOf(obj).metadata.namespace ?? '';
          const ns = namespaces.lister.get(namespace);
          // The last pod of a terminating namespace is gone: finish now rather than at the estimate.
          if (ns?.metadata.deletionTimestamp && pods.lister.byIndex(NamespaceIndex, namespace).length === 0) queue.add(namespace);
        },
      });

      const sync = async (name: string) => {
        const ns = namespaces.lister.get(name);
        if (!ns?.metadata.deletionTimestamp) return;
        try {
          await deleter.delete(name);
        } catch (err) {
          if (!(err instanceof ResourcesRemainingError)) throw err;
          queue.addAfter(name, recheckDelayMs(err.estimateSeconds));
        }
      };

      if (!(await namespaces.waitForSync(ctx.signal)) || !(await pods.waitForSync(ctx.signal))) return;
      await runController(ctx, 'namespace', queue, ctx.workers('namespace', 10), sync);
    },
  };
}

export const namespaceController: Controller = newNamespaceController();
