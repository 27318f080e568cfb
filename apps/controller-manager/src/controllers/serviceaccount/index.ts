import { StatusReason, hasReason, type KubeObject, type corev1 } from '@tskube/api-types';
import { objectOf, type GroupVersionResource } from '@tskube/client';
import { newQueue, runController, type Controller, type ControllerContext } from '../../framework/context';

type Namespace = corev1.Namespace & KubeObject;
type ServiceAccount = corev1.ServiceAccount & KubeObject;

const ServiceAccountsResource: GroupVersionResource = { group: '', version: 'v1', resource: 'serviceaccounts' };

/** The accounts every namespace gets, as kube-controller-manager's ServiceAccountsToEnsure. */
export const ServiceAccountsToEnsure = ['default'] as const;

/**
 * The serviceaccount controller: every Active namespace holds a `default` ServiceAccount; one
 * created with the namespace, and created again when someone deletes it. Namespaces are the keys;
 * a deleted account puts its namespace back on the queue.
 */
export const serviceAccountController: Controller = {
  name: 'serviceaccount',
  async start(ctx: ControllerContext): Promise<void> {
    const namespaces = ctx.informers.informer<Namespace>('namespaces');
    const accounts = ctx.informers.informer<ServiceAccount>('serviceaccounts');
    const queue = newQueue();

    namespaces.addEventHandler({
      onAdd: (ns) => queue.add(ns.metadata.name!),
      onUpdate: (_old, ns) => queue.add(ns.metadata.name!),
    });
    accounts.addEventHandler({
      onDelete: (obj) => {
        const sa = objectOf(obj);
        if ((ServiceAccountsToEnsure as readonly string[]).includes(sa.metadata.name ?? '')) queue.add(sa.metadata.namespace ?? '');
      },
    });

    const sync = async (namespace: string) => {
      const ns = namespaces.lister.get(namespace);
      // Nothing is created in a namespace that is not (or no longer) Active.
      if (!ns || ns.metadata.deletionTimestamp || ns.status?.phase !== 'Active') return;
      for (const name of ServiceAccountsToEnsure) {
        if (accounts.lister.get(`${namespace}/${name}`)) continue;
        try {
          await ctx.client.create<ServiceAccount>(ServiceAccountsResource, namespace, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } });
        } catch (err) {
          if (hasReason(err, StatusReason.AlreadyExists)) continue;
          if (isNamespaceTerminating(err)) return;
          throw err;
        }
      }
    };

    if (!(await namespaces.waitForSync(ctx.signal)) || !(await accounts.waitForSync(ctx.signal))) return;
    await runController(ctx, 'serviceaccount', queue, ctx.workers('serviceaccount', 1), sync);
  },
};

/** The NamespaceLifecycle admission refused the create: the namespace began terminating meanwhile. */
function isNamespaceTerminating(err: unknown): boolean {
  return hasReason(err, StatusReason.Forbidden) && (err.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating');
}
