import { labelSelectorAsSelector } from '@tskube/api-types';
import { NamespaceIndex, metaNamespaceKey, objectOf, realClock, type Clock, type DeletedFinalStateUnknown } from '@tskube/client';
import { newQueue, runController, type Controller, type ControllerContext } from '../../framework/context';
import { controllerRefOf, type Pod } from '../replicaset/pods';
import type { Deployment, ReplicaSet } from './replica-sets';
import { DeploymentSyncer } from './sync';

export interface DeploymentControllerOptions {
  /** Time for conditions, availability and progress deadlines. */
  clock?: Clock;
}

/**
 * The Deployment controller: owns ReplicaSets named `<deployment>-<pod-template-hash>`, one per
 * template revision, and moves replicas from the old ones to the new one with the RollingUpdate
 * (maxSurge, maxUnavailable) or Recreate strategy; scales proportionally when resized during a
 * rollout; honours spec.paused; deletes old ReplicaSets beyond revisionHistoryLimit; and reports
 * the status and the Progressing and Available conditions `kubectl rollout status` reads.
 * Rollback (`kubectl rollout undo`) is a template change back to an old ReplicaSet's template,
 * which makes that ReplicaSet the new one again under a new revision.
 */
export function newDeploymentController(options: DeploymentControllerOptions = {}): Controller {
  const clock = options.clock ?? realClock;
  return {
    name: 'deployment',
    async start(ctx: ControllerContext): Promise<void> {
      const deployments = ctx.informers.informer<Deployment>('deployments');
      const replicaSets = ctx.informers.informer<ReplicaSet>('replicasets');
      const pods = ctx.informers.informer<Pod>('pods');
      const queue = newQueue();
      const syncer = new DeploymentSyncer({
        client: ctx.client,
        recorder: ctx.recorder,
        logger: ctx.logger,
        clock,
        deployments: deployments.lister,
        replicaSets: replicaSets.lister,
        pods: pods.lister,
        requeue: (key, delayMs) => queue.addAfter(key, delayMs),
      });

      const enqueue = (d: Deployment) => queue.add(metaNamespaceKey(d));
      /** The Deployment a controllerRef names, if it still is that object. */
      const resolve = (namespace: string, ref: { kind: string; name: string; uid: string } | undefined): Deployment | undefined => {
        if (!ref || ref.kind !== 'Deployment') return undefined;
        const d = deployments.lister.get(`${namespace}/${ref.name}`);
        return d && d.metadata.uid === ref.uid ? d : undefined;
      };
      /** Deployments whose (non-empty) selector matches an orphan ReplicaSet's labels. */
      const matching = (rs: ReplicaSet): Deployment[] =>
        deployments.lister.byIndex(NamespaceIndex, rs.metadata.namespace ?? '').filter((d) => {
          try {
            const selector = labelSelectorAsSelector(d.spec?.selector);
            return !selector.empty() && selector.matches(rs.metadata.labels);
          } catch {
            return false;
          }
        });
      const onReplicaSetDelete = (obj: ReplicaSet | DeletedFinalStateUnknown<ReplicaSet>) => {
        const rs = objectOf(obj);
        const d = resolve(rs.metadata.namespace ?? '', controllerRefOf(rs));
        if (d) enqueue(d);
      };

      deployments.addEventHandler({
        onAdd: enqueue,
        onUpdate: (_old, cur) => enqueue(cur),
        onDelete: (obj) => queue.add(metaNamespaceKey(objectOf(obj))),
      });
      replicaSets.addEventHandler({
        onAdd: (rs) => {
          if (rs.metadata.deletionTimestamp) {
            onReplicaSetDelete(rs);
            return;
          }
          const ref = controllerRefOf(rs);
          if (ref) {
            const d = resolve(rs.metadata.namespace ?? '', ref);
            if (d) enqueue(d);
            return;
          }
          for (const d of matching(rs)) enqueue(d);
        },
        onUpdate: (old, cur) => {
          if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
          const curRef = controllerRefOf(cur);
          const oldRef = controllerRefOf(old);
          const refChanged = curRef?.uid !== oldRef?.uid;
          if (refChanged && oldRef) {
            const d = resolve(old.metadata.namespace ?? '', oldRef);
            if (d) enqueue(d);
          }
          if (curRef) {
            const d = resolve(cur.metadata.namespace ?? '', curRef);
            if (d) enqueue(d);
            return;
          }
          const labelsChanged = JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(cur.metadata.labels ?? {});
          if (labelsChanged || refChanged) for (const d of matching(cur)) enqueue(d);
        },
        onDelete: onReplicaSetDelete,
      });
      pods.addEventHandler({
        onDelete: (obj) => {
          // Recreate waits for the last old pod to go before it creates the new ReplicaSet.
          const pod = objectOf(obj);
          const namespace = pod.metadata.namespace ?? '';
          const podRef = controllerRefOf(pod);
          if (podRef?.kind !== 'ReplicaSet') return;
          const rs = replicaSets.lister.get(`${namespace}/${podRef.name}`);
          if (!rs || rs.metadata.uid !== podRef.uid) return;
          const d = resolve(namespace, controllerRefOf(rs));
          if (!d || d.spec?.strategy?.type !== 'Recreate') return;
          const owned = replicaSets.lister.byIndex(NamespaceIndex, namespace).filter((r) => controllerRefOf(r)?.uid === d.metadata.uid);
          const remaining = [...syncer.podMapFor(d, owned).values()].reduce((n, list) => n + list.length, 0);
          if (remaining === 0) enqueue(d);
        },
      });

      if (!(await deployments.waitForSync(ctx.signal)) || !(await replicaSets.waitForSync(ctx.signal)) || !(await pods.waitForSync(ctx.signal))) return;
      await runController(ctx, 'deployment', queue, ctx.workers('deployment', 5), (key) => syncer.syncDeployment(key));
    },
  };
}

/** `deployment`: rolls Deployments out through ReplicaSets. */
export const deploymentController: Controller = newDeploymentController();
