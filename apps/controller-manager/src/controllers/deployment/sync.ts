import { StatusReason, hasReason, labelSelectorAsSelector, type StatusError } from '@tskube/api-types';
import { EventType, NamespaceIndex, PatchType, type ApiClient, type Clock, type EventRecorder, type IndexedLister } from '@tskube/client';
import type { Logger } from '@tskube/component';
import { Resources } from '../../framework/context';
import { claimObjects, newControllerRef, patchOwnership, recheckOwner, type Owner } from '../replicaset/controller-ref';
import { errorMessage } from '../replicaset/pod-control';
import { controllerRefOf, type Pod } from '../replicaset/pods';
import {
  DeploymentConditionType,
  DeploymentReason,
  calculateStatus,
  deploymentComplete,
  getCondition,
  hasProgressDeadline,
  newCondition,
  rolloutStatus,
  setCondition,
  statusEqual,
  stuckRequeueDelayMs,
} from './conditions';
import { deploymentReplicas, maxSurge, maxUnavailable, newRSNewReplicas } from './fenceposts';
import { planScale } from './proportion';
import {
  PodTemplateHashLabel,
  RevisionAnnotation,
  actualReplicaCount,
  byCreationTimestamp,
  byRevision,
  computeHash,
  desiredReplicasAnnotation,
  equalIgnoreHash,
  filterActive,
  findNewReplicaSet,
  findOldReplicaSets,
  maxRevision,
  replicaCount,
  replicasAnnotationsNeedUpdate,
  setNewReplicaSetAnnotations,
  setReplicasAnnotations,
  specReplicas,
  type Deployment,
  type ReplicaSet,
} from './replica-sets';

export interface DeploymentSyncDeps {
  client: ApiClient;
  recorder: EventRecorder;
  logger: Logger;
  clock: Clock;
  deployments: IndexedLister<Deployment>;
  replicaSets: IndexedLister<ReplicaSet>;
  pods: IndexedLister<Pod>;
  /** Looks at `key` again after `delayMs`. */
  requeue(key: string, delayMs: number): void;
}

/** The pods of a Deployment's ReplicaSets, by ReplicaSet uid (for Recreate). */
export type PodMap = Map<string, Pod[]>;

/** One sync's view of ReplicaSets: the latest version of each it wrote. */
class Written {
  private readonly byUid = new Map<string, ReplicaSet>();
  set(rs: ReplicaSet): ReplicaSet {
    this.byUid.set(rs.metadata.uid ?? '', rs);
    return rs;
  }
  latest<T extends ReplicaSet | undefined>(rs: T): T {
    return (rs ? (this.byUid.get(rs.metadata.uid ?? '') ?? rs) : rs) as T;
  }
  all(rss: readonly (ReplicaSet | undefined)[]): (ReplicaSet | undefined)[] {
    return rss.map((rs) => this.latest(rs));
  }
}

const deploymentOwner = (d: Deployment): Owner => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: d.metadata });

/**
 * What the Deployment controller does for one key (Kubernetes' syncDeployment and the rolling,
 * recreate, scaling, rollback-free sync paths beneath it). The Deployment is copied from the
 * cache; ReplicaSets are written with compare-and-swap updates, so a stale view fails the sync
 * (retried) rather than overwriting someone else's change.
 */
export class DeploymentSyncer {
  constructor(private readonly deps: DeploymentSyncDeps) {}

  private now(): number {
    return this.deps.clock.now();
  }

  async syncDeployment(key: string): Promise<void> {
    const cached = this.deps.deployments.get(key);
    if (!cached) return;
    const d = structuredClone(cached);
    const selector = d.spec?.selector;
    if (!selector || (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0)) {
      this.deps.recorder.event(deploymentOwner(d), EventType.Warning, 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
        d.status = { ...d.status, observedGeneration: d.metadata.generation ?? 0 };
        await this.writeStatus(d);
      }
      return;
    }
    const written = new Written();
    const rsList = await this.replicaSetsFor(d);
    const podMap = this.podMapFor(d, rsList);
    if (d.metadata.deletionTimestamp) {
      const { newRS, oldRSs } = await this.allReplicaSets(d, rsList, false, written);
      await this.syncDeploymentStatus([...oldRSs, newRS], newRS, d);
      return;
    }
    await this.checkPausedConditions(d);
    if (d.spec?.paused || (await this.isScalingEvent(d, rsList, written))) {
      await this.syncScaling(d, rsList, written);
      return;
    }
    if (d.spec?.strategy?.type === 'Recreate') await this.rolloutRecreate(d, rsList, podMap, written);
    else await this.rolloutRolling(d, rsList, written);
  }

  /** The Deployment's ReplicaSets after adopting matching orphans and releasing mismatches. */
  private async replicaSetsFor(d: Deployment): Promise<ReplicaSet[]> {
    let selector;
    try {
      selector = labelSelectorAsSelector(d.spec?.selector);
    } catch (err) {
      throw new Error(`deployment ${d.metadata.namespace}/${d.metadata.name} has invalid label selector: ${errorMessage(err)}`, { cause: err });
    }
    const owner = deploymentOwner(d);
    const { claimed, errors } = await claimObjects(this.deps.replicaSets.byIndex(NamespaceIndex, d.metadata.namespace ?? ''), {
      owner,
      match: (rs) => selector.matches(rs.metadata.labels),
      canAdopt: recheckOwner(this.deps.client, Resources.deployments, owner),
      ...patchOwnership<ReplicaSet>(this.deps.client, Resources.replicasets, owner),
    });
    if (errors.length > 0) throw errors[0];
    return claimed;
  }

  /** The Deployment's pods grouped by the ReplicaSet that controls them (getPodMapForDeployment). */
  podMapFor(d: Deployment, rsList: readonly ReplicaSet[]): PodMap {
    const map: PodMap = new Map(rsList.map((rs) => [rs.metadata.uid ?? '', []]));
    let selector;
    try {
      selector = labelSelectorAsSelector(d.spec?.selector);
    } catch {
      return map;
    }
    for (const pod of this.deps.pods.byIndex(NamespaceIndex, d.metadata.namespace ?? '')) {
      if (!selector.matches(pod.metadata.labels)) continue;
      map.get(controllerRefOf(pod)?.uid ?? '')?.push(pod);
    }
    return map;
  }

  /** Progressing Unknown DeploymentPaused / DeploymentResumed as spec.paused flips. */
  private async checkPausedConditions(d: Deployment): Promise<void> {
    if (!hasProgressDeadline(d)) return;
    const cond = getCondition(d.status, DeploymentConditionType.Progressing);
    // A reported missed deadline is not overwritten by a pause.
    if (cond?.reason === DeploymentReason.ProgressDeadlineExceeded) return;
    const pausedReported = cond?.reason === DeploymentReason.DeploymentPaused;
    const status = (d.status ??= {});
    if (d.spec?.paused && !pausedReported) {
      setCondition(status, newCondition(DeploymentConditionType.Progressing, 'Unknown', DeploymentReason.DeploymentPaused, 'Deployment is paused', this.now()));
    } else if (!d.spec?.paused && pausedReported) {
      setCondition(status, newCondition(DeploymentConditionType.Progressing, 'Unknown', DeploymentReason.DeploymentResumed, 'Deployment is resumed', this.now()));
    } else {
      return;
    }
    await this.writeStatus(d);
  }

  /** spec.replicas differs from what an active ReplicaSet was last sized for. */
  private async isScalingEvent(d: Deployment, rsList: readonly ReplicaSet[], written: Written): Promise<boolean> {
    const { newRS, oldRSs } = await this.allReplicaSets(d, rsList, false, written);
    const replicas = deploymentReplicas(d);
    return filterActive([...oldRSs, newRS]).some((rs) => {
      const desired = desiredReplicasAnnotation(rs);
      return desired !== undefined && desired !== replicas;
    });
  }

  /** Resizing without rolling out: a scaling event, or any sync of a paused Deployment. */
  private async syncScaling(d: Deployment, rsList: readonly ReplicaSet[], written: Written): Promise<void> {
    const { newRS, oldRSs } = await this.allReplicaSets(d, rsList, false, written);
    await this.scale(d, newRS, oldRSs, written);
    if (d.spec?.paused) await this.cleanup(written.all(oldRSs) as ReplicaSet[], d);
    await this.syncDeploymentStatus(written.all([...oldRSs, newRS]), written.latest(newRS), d);
  }

  /** The new ReplicaSet (created when `create` and missing) and every old one. */
  private async allReplicaSets(d: Deployment, rsList: readonly ReplicaSet[], create: boolean, written: Written): Promise<{ newRS: ReplicaSet | undefined; oldRSs: ReplicaSet[] }> {
    const oldRSs = findOldReplicaSets(d, rsList).map((rs) => written.latest(rs));
    const newRS = await this.newReplicaSet(d, rsList, oldRSs, create, written);
    return { newRS, oldRSs };
  }

  /**
   * The ReplicaSet for the current template (getNewReplicaSet): an existing one gets its
   * annotations, revision and minReadySeconds brought up to date; a missing one is created
   * (when `create`) as `<deployment>-<hash>` with the hash label, sized by the strategy.
   */
  private async newReplicaSet(d: Deployment, rsList: readonly ReplicaSet[], oldRSs: readonly ReplicaSet[], create: boolean, written: Written): Promise<ReplicaSet | undefined> {
    const existing = written.latest(findNewReplicaSet(d, rsList));
    const newRevision = maxRevision(oldRSs) + 1;
    const replicas = deploymentReplicas(d);
    const max = replicas + maxSurge(d);
    const namespace = d.metadata.namespace ?? '';

    if (existing) {
      const copy = structuredClone(existing);
      const annotationsChanged = setNewReplicaSetAnnotations(d, copy, newRevision, true, replicas, max);
      const minReady = d.spec?.minReadySeconds ?? 0;
      if (annotationsChanged || (copy.spec?.minReadySeconds ?? 0) !== minReady) {
        copy.spec = { ...copy.spec!, minReadySeconds: minReady };
        return written.set(await this.deps.client.update<ReplicaSet>(Resources.replicasets, namespace, copy));
      }
      let needsUpdate = setDeploymentRevision(d, copy.metadata.annotations?.[RevisionAnnotation] ?? '');
      if (hasProgressDeadline(d) && !getCondition(d.status, DeploymentConditionType.Progressing)) {
        // Progress tracking starts when the controller first notices the new ReplicaSet.
        setCondition((d.status ??= {}), newCondition(DeploymentConditionType.Progressing, 'True', DeploymentReason.FoundNewReplicaSet, `Found new replica set "${copy.metadata.name}"`, this.now()));
        needsUpdate = true;
      }
      if (needsUpdate) await this.writeStatus(d);
      return copy;
    }
    if (!create) return undefined;

    const template = structuredClone(d.spec?.template ?? {});
    const hash = computeHash(template, d.status?.collisionCount);
    const labels = { ...(template.metadata?.labels ?? {}), [PodTemplateHashLabel]: hash };
    template.metadata = { ...template.metadata, labels };
    const selector = structuredClone(d.spec?.selector ?? {});
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [PodTemplateHashLabel]: hash };
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: `${d.metadata.name}-${hash}`, namespace, ownerReferences: [newControllerRef(deploymentOwner(d))], labels: { ...labels } },
      spec: { replicas: 0, minReadySeconds: d.spec?.minReadySeconds ?? 0, selector, template },
    };
    const newReplicas = newRSNewReplicas(d, [...oldRSs, rs], rs);
    rs.spec!.replicas = newReplicas;
    setNewReplicaSetAnnotations(d, rs, newRevision, false, replicas, max);

    let created: ReplicaSet;
    let alreadyExisted = false;
    try {
      created = await this.deps.client.create<ReplicaSet>(Resources.replicasets, namespace, rs);
    } catch (err) {
      if (hasReason(err, StatusReason.AlreadyExists)) {
        alreadyExisted = true;
        const found = this.deps.replicaSets.get(`${namespace}/${rs.metadata.name}`);
        if (!found) throw err;
        if (controllerRefOf(found)?.uid === d.metadata.uid && equalIgnoreHash(d.spec?.template, found.spec?.template)) {
          // Ours, from a sync whose cache had not caught up yet.
          created = found;
        } else {
          // Someone else's ReplicaSet has our name: move the hash with collisionCount and retry.
          d.status = { ...d.status, collisionCount: (d.status?.collisionCount ?? 0) + 1 };
          await this.writeStatus(d).catch(() => undefined);
          throw err;
        }
      } else if (isNamespaceTerminating(err)) {
        throw err;
      } else {
        const msg = `Failed to create new replica set "${rs.metadata.name}": ${errorMessage(err)}`;
        if (hasProgressDeadline(d)) {
          setCondition((d.status ??= {}), newCondition(DeploymentConditionType.Progressing, 'False', DeploymentReason.ReplicaSetCreateError, msg, this.now()));
          await this.writeStatus(d).catch(() => undefined);
        }
        this.deps.recorder.event(deploymentOwner(d), EventType.Warning, DeploymentReason.ReplicaSetCreateError, msg);
        throw err;
      }
    }
    written.set(created);
    if (!alreadyExisted && newReplicas > 0) {
      this.deps.recorder.event(deploymentOwner(d), EventType.Normal, 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${newReplicas}`);
    }
    let needsUpdate = setDeploymentRevision(d, String(newRevision));
    if (!alreadyExisted && hasProgressDeadline(d)) {
      setCondition((d.status ??= {}), newCondition(DeploymentConditionType.Progressing, 'True', DeploymentReason.NewReplicaSetCreated, `Created new replica set "${created.metadata.name}"`, this.now()));
      needsUpdate = true;
    }
    if (needsUpdate) await this.writeStatus(d);
    return created;
  }

  /** Resizes `rs` to `replicas` when that changes its size, with a ScalingReplicaSet event. */
  private async scaleAndRecord(rs: ReplicaSet, replicas: number, d: Deployment, written: Written): Promise<boolean> {
    if (specReplicas(rs) === replicas) return false;
    return this.scaleReplicaSet(rs, replicas, d, written);
  }

  /**
   * Writes `rs` with `replicas` and the Deployment's current replicas annotations when either
   * differs; returns whether the size changed (and the event was recorded).
   */
  private async scaleReplicaSet(rs: ReplicaSet, replicas: number, d: Deployment, written: Written): Promise<boolean> {
    const desired = deploymentReplicas(d);
    const max = desired + maxSurge(d);
    const oldScale = specReplicas(rs);
    const sizeChanged = oldScale !== replicas;
    if (!sizeChanged && !replicasAnnotationsNeedUpdate(rs, desired, max)) return false;
    const copy = structuredClone(rs);
    copy.spec = { ...copy.spec!, replicas };
    setReplicasAnnotations(copy, desired, max);
    const updated = written.set(await this.deps.client.update<ReplicaSet>(Resources.replicasets, rs.metadata.namespace ?? '', copy));
    if (sizeChanged) {
      this.deps.recorder.event(
        deploymentOwner(d),
        EventType.Normal,
        'ScalingReplicaSet',
        `Scaled ${oldScale < replicas ? 'up' : 'down'} replica set ${updated.metadata.name} from ${oldScale} to ${replicas}`,
      );
    }
    return sizeChanged;
  }

  /** Carries out `planScale`. */
  private async scale(d: Deployment, newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[], written: Written): Promise<void> {
    const plan = planScale(d, written.latest(newRS), written.all(oldRSs) as ReplicaSet[]);
    for (const step of plan.steps) {
      if (plan.mode === 'record') await this.scaleAndRecord(step.rs, step.replicas, d, written);
      else await this.scaleReplicaSet(step.rs, step.replicas, d, written);
    }
  }

  private async rolloutRolling(d: Deployment, rsList: readonly ReplicaSet[], written: Written): Promise<void> {
    const { newRS: created, oldRSs } = await this.allReplicaSets(d, rsList, true, written);
    const newRS = created!;
    const all = () => written.all([...oldRSs, newRS]);
    if (await this.reconcileNewReplicaSet(all(), newRS, d, written)) {
      await this.syncRolloutStatus(all(), written.latest(newRS), d);
      return;
    }
    if (await this.reconcileOldReplicaSets(filterActive(written.all(oldRSs)), written.latest(newRS), d, written)) {
      await this.syncRolloutStatus(all(), written.latest(newRS), d);
      return;
    }
    if (deploymentComplete(d, d.status ?? {})) await this.cleanup(written.all(oldRSs) as ReplicaSet[], d);
    await this.syncRolloutStatus(all(), written.latest(newRS), d);
  }

  /** Grows the new ReplicaSet as far as maxSurge allows, or shrinks it to spec.replicas. */
  private async reconcileNewReplicaSet(allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet, d: Deployment, written: Written): Promise<boolean> {
    const replicas = deploymentReplicas(d);
    if (specReplicas(newRS) === replicas) return false;
    if (specReplicas(newRS) > replicas) return this.scaleAndRecord(newRS, replicas, d, written);
    return this.scaleAndRecord(newRS, newRSNewReplicas(d, allRSs, newRS), d, written);
  }

  /**
   * Shrinks old ReplicaSets as far as maxUnavailable allows (reconcileOldReplicaSets): first their
   * unavailable pods (they may never become ready, and would block the rollout), then available
   * ones down to spec.replicas - maxUnavailable available pods.
   */
  private async reconcileOldReplicaSets(activeOld: ReplicaSet[], newRS: ReplicaSet, d: Deployment, written: Written): Promise<boolean> {
    if (replicaCount(activeOld) === 0) return false;
    const allPods = replicaCount([...activeOld, newRS]);
    const minAvailable = deploymentReplicas(d) - maxUnavailable(d);
    const newUnavailable = specReplicas(newRS) - (newRS.status?.availableReplicas ?? 0);
    const maxScaledDown = allPods - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return false;
    const cleaned = await this.cleanupUnhealthyReplicas(activeOld, d, maxScaledDown, written);
    const scaledDown = await this.scaleDownOldForRollingUpdate([...written.all(activeOld), newRS] as ReplicaSet[], written.all(activeOld) as ReplicaSet[], d, written);
    return cleaned + scaledDown > 0;
  }

  private async cleanupUnhealthyReplicas(oldRSs: readonly ReplicaSet[], d: Deployment, maxCleanup: number, written: Written): Promise<number> {
    let total = 0;
    for (const rs of [...oldRSs].sort(byCreationTimestamp)) {
      if (total >= maxCleanup) break;
      const replicas = specReplicas(rs);
      const available = rs.status?.availableReplicas ?? 0;
      // A status that still counts pods being scaled away (available > spec) has nothing unhealthy.
      if (replicas === 0 || available >= replicas) continue;
      const count = Math.min(maxCleanup - total, replicas - available);
      await this.scaleAndRecord(rs, replicas - count, d, written);
      total += count;
    }
    return total;
  }

  /**
   * Scales old ReplicaSets (oldest first) down by the available pods above spec.replicas -
   * maxUnavailable. A ReplicaSet's available pods count at most up to its spec.replicas: its
   * status may still count pods it was just told to remove, and counting those would let the
   * rollout remove more than maxUnavailable allows.
   */
  private async scaleDownOldForRollingUpdate(allRSs: readonly ReplicaSet[], oldRSs: readonly ReplicaSet[], d: Deployment, written: Written): Promise<number> {
    const minAvailable = deploymentReplicas(d) - maxUnavailable(d);
    const available = allRSs.reduce((n, rs) => n + Math.min(rs.status?.availableReplicas ?? 0, specReplicas(rs)), 0);
    if (available <= minAvailable) return 0;
    const target = available - minAvailable;
    let total = 0;
    for (const rs of [...oldRSs].sort(byCreationTimestamp)) {
      if (total >= target) break;
      const replicas = specReplicas(rs);
      if (replicas === 0) continue;
      const count = Math.min(replicas, target - total);
      await this.scaleAndRecord(rs, replicas - count, d, written);
      total += count;
    }
    return total;
  }

  private async rolloutRecreate(d: Deployment, rsList: readonly ReplicaSet[], podMap: PodMap, written: Written): Promise<void> {
    // The new ReplicaSet is only created once the old pods are gone.
    let { newRS, oldRSs } = await this.allReplicaSets(d, rsList, false, written);
    const all = () => written.all([...oldRSs, newRS]);
    let scaledDown = false;
    for (const rs of filterActive(oldRSs)) {
      if (await this.scaleAndRecord(rs, 0, d, written)) scaledDown = true;
    }
    if (scaledDown || oldPodsRunning(newRS, written.all(oldRSs) as ReplicaSet[], podMap)) {
      await this.syncRolloutStatus(all(), written.latest(newRS), d);
      return;
    }
    if (!newRS) ({ newRS, oldRSs } = await this.allReplicaSets(d, rsList, true, written));
    await this.scaleAndRecord(written.latest(newRS!), deploymentReplicas(d), d, written);
    if (deploymentComplete(d, d.status ?? {})) await this.cleanup(written.all(oldRSs) as ReplicaSet[], d);
    await this.syncRolloutStatus(all(), written.latest(newRS), d);
  }

  /**
   * Deletes the oldest old ReplicaSets beyond revisionHistoryLimit (cleanupDeployment), only those
   * fully scaled down, with no pods, and whose controller has seen their latest spec.
   */
  private async cleanup(oldRSs: readonly ReplicaSet[], d: Deployment): Promise<void> {
    const limit = d.spec?.revisionHistoryLimit;
    if (limit === undefined || limit === 2147483647) return;
    const alive = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp).sort(byRevision);
    const diff = alive.length - limit;
    for (let i = 0; i < diff; i++) {
      const rs = alive[i]!;
      if ((rs.status?.replicas ?? 0) !== 0 || specReplicas(rs) !== 0 || (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
      try {
        await this.deps.client.delete(Resources.replicasets, rs.metadata.namespace ?? '', rs.metadata.name ?? '');
      } catch (err) {
        if (!hasReason(err, StatusReason.NotFound)) throw err;
      }
    }
  }

  /** Writes the rollout status when it changed; otherwise schedules a look at the deadline. */
  private async syncRolloutStatus(allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, d: Deployment): Promise<void> {
    const now = this.now();
    const next = rolloutStatus(d, allRSs, newRS, now);
    if (statusEqual(d.status, next)) {
      const delay = stuckRequeueDelayMs(d, next, now);
      if (delay !== undefined) this.deps.requeue(`${d.metadata.namespace}/${d.metadata.name}`, delay);
      return;
    }
    d.status = next;
    await this.writeStatus(d);
  }

  /** Writes the plain status counts (scaling, paused and deleted Deployments) when they changed. */
  private async syncDeploymentStatus(allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, d: Deployment): Promise<void> {
    const next = calculateStatus(allRSs, newRS, d, this.now());
    if (statusEqual(d.status, next)) return;
    d.status = next;
    await this.writeStatus(d);
  }

  /**
   * Writes `d.status`, and the revision annotation `d` carries. Kubernetes writes both through the
   * status subresource (its status strategy keeps annotations); when this apiserver's status
   * update leaves the annotation behind, a metadata patch puts it on.
   */
  private async writeStatus(d: Deployment): Promise<void> {
    const namespace = d.metadata.namespace ?? '';
    const updated = await this.deps.client.updateStatus<Deployment>(Resources.deployments, namespace, d);
    d.metadata = { ...d.metadata, resourceVersion: updated.metadata.resourceVersion };
    const revision = d.metadata.annotations?.[RevisionAnnotation];
    if (revision !== undefined && updated.metadata.annotations?.[RevisionAnnotation] !== revision) {
      const patched = await this.deps.client.patch<Deployment>(Resources.deployments, namespace, d.metadata.name ?? '', PatchType.MergePatch, {
        metadata: { annotations: { [RevisionAnnotation]: revision } },
      });
      d.metadata = { ...d.metadata, resourceVersion: patched.metadata.resourceVersion };
    }
  }
}

/** Sets the Deployment's revision annotation; true when it changed. */
function setDeploymentRevision(d: Deployment, revision: string): boolean {
  const annotations = (d.metadata.annotations ??= {});
  if (annotations[RevisionAnnotation] === revision) return false;
  annotations[RevisionAnnotation] = revision;
  return true;
}

/**
 * Whether pods of old ReplicaSets still run (oldPodsRunning): Recreate waits until none do. Pods
 * that finished do not count; pods being deleted still do.
 */
export function oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[], podMap: PodMap): boolean {
  if (actualReplicaCount(oldRSs) > 0) return true;
  for (const [uid, pods] of podMap) {
    if (newRS && newRS.metadata.uid === uid) continue;
    if (pods.some((p) => p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded')) return true;
  }
  return false;
}

function isNamespaceTerminating(err: unknown): boolean {
  return (err as StatusError | undefined)?.details?.causes?.some((c) => c.reason === 'NamespaceTerminating') ?? false;
}
