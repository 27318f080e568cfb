import { StatusReason, hasReason, type appsv1, type corev1 } from '@tskube/api-types';
import type { Clock } from '@tskube/client';
import type { Logger } from '@tskube/component';
import { endOrdinal, newStatefulSetPod, ordinalOf, podRevision, setOwner, setPodRevision, specReplicas, startOrdinal, type StatefulSet, identityMatches, storageMatches, inOrdinalRange } from './identity';
import type { StatefulPodControl } from './pod-control';
import { byRevision, equalRevision, findEqualRevisions, newRevision, nextRevision, templateOfRevision, templatePatch, type ControllerRevision } from './revisions';
import { completeRollingUpdate, countPods, inconsistentStatus, isCreated, isHealthy, isRunningAndAvailable, isRunningAndReady, isTerminating } from './status';

/** What the control needs of the revision history; RevisionHistory implements it over the API. */
export interface HistoryControl {
  create(owner: ReturnType<typeof setOwner>, revision: appsv1.ControllerRevision, collision: { count: number }): Promise<ControllerRevision>;
  setRevisionNumber(rev: ControllerRevision, revision: number): Promise<ControllerRevision>;
  delete(rev: appsv1.ControllerRevision): Promise<void>;
}

export interface StatefulSetControlDeps {
  podControl: StatefulPodControl;
  history: HistoryControl;
  /** Writes the status (with the set's resourceVersion); resolves with the stored set. */
  updateStatus(set: StatefulSet, status: appsv1.StatefulSetStatus): Promise<void>;
  clock: Clock;
  logger: Logger;
}

/** A template-only copy of the set at `revision` (ApplyRevision). */
function applyRevision(set: StatefulSet, revision: appsv1.ControllerRevision): StatefulSet {
  const clone = structuredClone(set);
  clone.spec = { ...clone.spec!, template: templateOfRevision(revision) };
  return clone;
}

/**
 * The pod to create at `ordinal` (newVersionedStatefulSetPod): below the RollingUpdate partition
 * it is made at the current revision, otherwise at the update revision. Kubernetes' condition also
 * treats a RollingUpdate without rollingUpdate settings as "below currentReplicas is current".
 */
function newVersionedPod(currentSet: StatefulSet, updateSet: StatefulSet, currentRevision: string, updateRevision: string, ordinal: number, currentReplicas: number): corev1.Pod {
  const strategy = currentSet.spec?.updateStrategy;
  const rolling = strategy?.rollingUpdate;
  const atCurrent = (strategy?.type === 'RollingUpdate' && rolling === undefined && ordinal < currentReplicas) || (rolling !== undefined && ordinal < (rolling.partition ?? 0));
  const pod = newStatefulSetPod(atCurrent ? currentSet : updateSet, ordinal);
  setPodRevision(pod, atCurrent ? currentRevision : updateRevision);
  return pod;
}

/** OrderedReady acts on one pod at a time; Parallel may act on all at once (allowsBurst). */
export function allowsBurst(set: appsv1.StatefulSet): boolean {
  return set.spec?.podManagementPolicy === 'Parallel';
}

/**
 * Runs `fn` for each index (runForAll): in order, stopping at the first that asks to exit or
 * fails when `monotonic`; otherwise in slow-start batches (1, 2, 4, ...), stopping after a batch
 * with a failure. Resolves true when the caller should stop this sync.
 */
async function runForAll(count: number, fn: (i: number) => Promise<boolean>, monotonic: boolean): Promise<boolean> {
  if (monotonic) {
    for (let i = 0; i < count; i++) if (await fn(i)) return true;
    return false;
  }
  let pos = 0;
  for (let batch = Math.min(count, 1); batch > 0; batch = Math.min(2 * batch, count - pos)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, (_, k) => fn(pos + k)));
    pos += batch;
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
  return false;
}

/** What a sync of one set computed: the status written and the revisions it settled on. */
export interface SyncResult {
  status: appsv1.StatefulSetStatus;
  currentRevision: ControllerRevision;
  updateRevision: ControllerRevision;
}

/**
 * One StatefulSet's reconciliation (defaultStatefulSetControl): settle the current and update
 * revisions, create, fix and delete pods by the pod management policy, roll out the update
 * strategy, write the status, and trim the history to revisionHistoryLimit.
 */
export class StatefulSetControl {
  constructor(private readonly d: StatefulSetControlDeps) {}

  /**
   * Reconciles `set` with its claimed `pods` and its `revisions` (already adopted). The status is
   * written even when a pod operation failed; the failure is then rethrown so the key is retried.
   */
  async sync(set: StatefulSet, pods: readonly corev1.Pod[], revisions: readonly ControllerRevision[]): Promise<SyncResult> {
    const sorted = [...revisions].sort(byRevision);
    const collision = { count: set.status?.collisionCount ?? 0 };
    const { currentRevision, updateRevision } = await this.revisions(set, sorted, collision);
    let status: appsv1.StatefulSetStatus | undefined;
    let failure: unknown;
    try {
      status = await this.updateStatefulSet(set, currentRevision, updateRevision, collision.count, pods);
    } catch (err) {
      failure = err;
      status = (err as { status?: appsv1.StatefulSetStatus }).status;
    }
    if (status) {
      completeRollingUpdate(set, status);
      if (inconsistentStatus(set, status)) {
        try {
          await this.d.updateStatus(set, status);
        } catch (err) {
          failure ??= err;
        }
      }
    }
    try {
      await this.truncateHistory(set, pods, sorted, currentRevision, updateRevision);
    } catch (err) {
      failure ??= err;
    }
    if (failure !== undefined) throw failure instanceof Error ? failure : new Error(String(failure));
    return { status: status!, currentRevision, updateRevision };
  }

  /**
   * The current and update revisions (getStatefulSetRevisions): the update revision is the set's
   * template as a revision — the latest revision when equal to it, an older equal one renumbered
   * to the next revision (a rollback), or a newly created one. The current revision is the one the
   * status names, or the update revision when there is none yet.
   */
  private async revisions(set: StatefulSet, revisions: readonly ControllerRevision[], collision: { count: number }): Promise<{ currentRevision: ControllerRevision; updateRevision: ControllerRevision }> {
    const owner = setOwner(set);
    const wanted = newRevision(owner, set.spec?.template?.metadata?.labels, templatePatch(set.spec?.template), nextRevision(revisions), collision.count);
    if (set.metadata.annotations) wanted.metadata!.annotations = { ...set.metadata.annotations };
    const equal = findEqualRevisions(revisions, wanted);
    let updateRevision: ControllerRevision;
    const last = revisions.at(-1);
    if (equal.length > 0 && equalRevision(last, equal.at(-1))) {
      updateRevision = last!;
    } else if (equal.length > 0) {
      updateRevision = await this.d.history.setRevisionNumber(equal.at(-1)!, wanted.revision);
    } else {
      updateRevision = await this.d.history.create(owner, wanted, collision);
    }
    const currentRevision = revisions.find((r) => r.metadata.name === set.status?.currentRevision) ?? updateRevision;
    return { currentRevision, updateRevision };
  }

  private async updateStatefulSet(set: StatefulSet, currentRevision: ControllerRevision, updateRevision: ControllerRevision, collisionCount: number, pods: readonly corev1.Pod[]): Promise<appsv1.StatefulSetStatus> {
    const currentSet = applyRevision(set, currentRevision);
    const updateSet = applyRevision(set, updateRevision);
    const minReadySeconds = set.spec?.minReadySeconds ?? 0;
    const curName = currentRevision.metadata.name ?? '';
    const updName = updateRevision.metadata.name ?? '';
    const status: appsv1.StatefulSetStatus = {
      observedGeneration: set.metadata.generation ?? 0,
      currentRevision: curName,
      updateRevision: updName,
      collisionCount,
      replicas: 0,
    };
    const recount = (...lists: (readonly (corev1.Pod | undefined)[])[]) => {
      Object.assign(status, countPods(lists.flat(), minReadySeconds, curName, updName, this.d.clock.now()));
    };
    recount(pods);

    const start = startOrdinal(set);
    const replicaCount = specReplicas(set);
    const replicas: corev1.Pod[] = new Array<corev1.Pod>(replicaCount);
    const condemned: corev1.Pod[] = [];
    for (const pod of pods) {
      const ord = ordinalOf(pod);
      if (inOrdinalRange(pod, set)) replicas[ord - start] = pod;
      else if (ord >= 0) condemned.push(pod);
    }
    const currentReplicas = set.status?.currentReplicas ?? 0;
    for (let ord = start; ord <= endOrdinal(set); ord++) {
      replicas[ord - start] ??= newVersionedPod(currentSet, updateSet, curName, updName, ord, currentReplicas);
    }
    condemned.sort((a, b) => ordinalOf(b) - ordinalOf(a));

    let firstUnhealthy: corev1.Pod | undefined = replicas.find((p) => !isHealthy(p));
    for (let i = condemned.length - 1; i >= 0 && !firstUnhealthy; i--) if (!isHealthy(condemned[i]!)) firstUnhealthy = condemned[i];

    if (set.metadata.deletionTimestamp) return status;

    const monotonic = !allowsBurst(set);
    const fail = (err: unknown): never => {
      recount(replicas, condemned);
      throw Object.assign(err instanceof Error ? err : new Error(String(err)), { status });
    };
    const stop = (): appsv1.StatefulSetStatus => {
      recount(replicas, condemned);
      return status;
    };

    try {
      if (await runForAll(replicas.length, (i) => this.processReplica(set, updateSet, monotonic, replicas, i), monotonic)) return stop();
      const fixClaims = async (i: number): Promise<boolean> => {
        const pod = condemned[i]!;
        if (!this.d.podControl.claimsMatchRetentionPolicy(updateSet, pod)) await this.d.podControl.updateClaimsForRetentionPolicy(updateSet, pod);
        return false;
      };
      if (await runForAll(condemned.length, fixClaims, monotonic)) return stop();
      if (await runForAll(condemned.length, (i) => this.processCondemned(set, firstUnhealthy, monotonic, condemned, i), monotonic)) return stop();
    } catch (err) {
      return fail(err);
    }
    recount(replicas, condemned);

    if (set.spec?.updateStrategy?.type === 'OnDelete') return status;

    // Rolling update: the highest ordinal not at the update revision goes first, one at a time,
    // and only while every pod above it (at or above the partition) is healthy.
    const updateMin = set.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
    for (let target = replicas.length - 1; target >= updateMin; target--) {
      const pod = replicas[target]!;
      if (podRevision(pod) !== updName && !isTerminating(pod)) {
        this.d.logger.info('Pod of StatefulSet is terminating for update', { statefulSet: `${set.metadata.namespace}/${set.metadata.name}`, pod: pod.metadata?.name });
        try {
          await this.d.podControl.deleteStatefulPod(set, pod);
        } catch (err) {
          if (!hasReason(err, StatusReason.NotFound)) throw Object.assign(err instanceof Error ? err : new Error(String(err)), { status });
        }
        status.currentReplicas = (status.currentReplicas ?? 0) - 1;
        return status;
      }
      if (!isHealthy(pod)) return status;
    }
    return status;
  }

  /** One pod in range (processReplica); true stops the pass. */
  private async processReplica(set: StatefulSet, updateSet: StatefulSet, monotonic: boolean, replicas: corev1.Pod[], i: number): Promise<boolean> {
    const pod = replicas[i]!;
    const phase = pod.status?.phase;
    // A finished pod is replaced: deleted now, created again once it is gone.
    if (phase === 'Failed' || phase === 'Succeeded') {
      if (!pod.metadata?.deletionTimestamp) await this.d.podControl.deleteStatefulPod(set, pod);
      return true;
    }
    if (!isCreated(pod)) {
      if (this.d.podControl.podClaimIsStale(set, pod)) return true;
      await this.d.podControl.createStatefulPod(set, pod);
      return monotonic;
    }
    if (phase === 'Pending') await this.d.podControl.createMissingClaims(set, pod);
    if (monotonic && isTerminating(pod)) return true;
    if (monotonic && !isRunningAndReady(pod)) return true;
    if (monotonic && !isRunningAndAvailable(pod, set.spec?.minReadySeconds ?? 0, this.d.clock.now())) return true;
    let retentionMatch = true;
    try {
      retentionMatch = this.d.podControl.claimsMatchRetentionPolicy(updateSet, pod);
    } catch {
      retentionMatch = true;
    }
    if (identityMatches(set, pod) && storageMatches(set, pod) && retentionMatch) return false;
    await this.d.podControl.updateStatefulPod(updateSet, pod);
    return false;
  }

  /**
   * One pod out of range, highest ordinal first (processCondemned). OrderedReady waits for a
   * terminating one to go, and deletes an unhealthy one only when it is the first unhealthy pod.
   */
  private async processCondemned(set: StatefulSet, firstUnhealthy: corev1.Pod | undefined, monotonic: boolean, condemned: corev1.Pod[], i: number): Promise<boolean> {
    const pod = condemned[i]!;
    if (isTerminating(pod)) return monotonic;
    if (monotonic && pod !== firstUnhealthy && !isRunningAndReady(pod)) return true;
    if (monotonic && pod !== firstUnhealthy && !isRunningAndAvailable(pod, set.spec?.minReadySeconds ?? 0, this.d.clock.now())) return true;
    this.d.logger.info('Pod of StatefulSet is terminating for scale down', { statefulSet: `${set.metadata.namespace}/${set.metadata.name}`, pod: pod.metadata?.name });
    await this.d.podControl.deleteStatefulPod(set, pod);
    return true;
  }

  /**
   * Deletes the oldest revisions that no pod uses and that are neither current nor update, beyond
   * revisionHistoryLimit (truncateHistory).
   */
  private async truncateHistory(set: StatefulSet, pods: readonly corev1.Pod[], revisions: readonly ControllerRevision[], current: ControllerRevision, update: ControllerRevision): Promise<void> {
    const live = new Set([current.metadata.name, update.metadata.name, ...pods.map(podRevision)]);
    const history = revisions.filter((r) => !live.has(r.metadata.name));
    const limit = set.spec?.revisionHistoryLimit ?? 10;
    if (history.length <= limit) return;
    for (const rev of history.slice(0, history.length - limit)) await this.d.history.delete(rev);
  }
}
