import { StatusReason, hasReason, type appsv1, type corev1 } from '@tskube/api-types';
import { EventType, type ApiClient, type EventRecorder, type Lister } from '@tskube/client';
import { Resources } from '../../framework/context';
import { errorMessage } from '../replicaset/pod-control';
import { claimsFor, identityMatches, ordinalOf, setOwner, storageMatches, updateIdentity, updateStorage, type Claim } from './identity';
import { claimOwnerRefs, claimOwnerUpToDate, hasStaleOwnerRef, hasUnexpectedController, retentionPolicy } from './retention';

/**
 * What the StatefulSet controller does to pods and claims, with the events Kubernetes'
 * StatefulPodControl records on the set: `SuccessfulCreate` "create Pod web-0 in StatefulSet web
 * successful", `FailedCreate` "create Pod web-0 in StatefulSet web failed error: ...", the same
 * for delete and update, and "create Claim data-web-0 Pod web-0 in StatefulSet web success" for
 * claims. The seam unit specs replace.
 */
export interface StatefulPodControl {
  /** Creates the pod's missing claims, then the pod; sets claim owners for the retention policy. Not idempotent. */
  createStatefulPod(set: appsv1.StatefulSet, pod: corev1.Pod): Promise<void>;
  /** Brings identity, storage and claim owners in line; writes the pod only when something changed. */
  updateStatefulPod(set: appsv1.StatefulSet, pod: corev1.Pod): Promise<void>;
  /** Deletes the pod. Rejects with the server's error (NotFound included). */
  deleteStatefulPod(set: appsv1.StatefulSet, pod: corev1.Pod): Promise<void>;
  /** Creates the claims of a pending pod that are missing (createMissingPersistentVolumeClaims). */
  createMissingClaims(set: appsv1.StatefulSet, pod: corev1.Pod): Promise<void>;
  /** Whether the pod's claims carry the owners the retention policy wants; missing claims count as matching. */
  claimsMatchRetentionPolicy(set: appsv1.StatefulSet, pod: corev1.Pod): boolean;
  /** Updates the owners of the pod's existing claims to match the retention policy. */
  updateClaimsForRetentionPolicy(set: appsv1.StatefulSet, pod: corev1.Pod): Promise<void>;
  /**
   * With whenScaled Delete, whether one of the pod's claims still belongs to an earlier pod of the
   * same name (its owner uid differs, or the pod is not created yet): creation must wait until the
   * garbage collector removed it (PodClaimIsStale).
   */
  podClaimIsStale(set: appsv1.StatefulSet, pod: corev1.Pod): boolean;
}

const podGV = { apiVersion: 'v1', kind: 'Pod' };

export class ApiStatefulPodControl implements StatefulPodControl {
  constructor(
    private readonly client: ApiClient,
    private readonly recorder: EventRecorder,
    private readonly claims: Lister<Claim>,
  ) {}

  private podEvent(verb: string, set: appsv1.StatefulSet, pod: corev1.Pod, err?: unknown): void {
    const title = verb[0]!.toUpperCase() + verb.slice(1);
    const who = `${verb} Pod ${pod.metadata?.name ?? ''} in StatefulSet ${set.metadata?.name ?? ''}`;
    if (err === undefined) this.recorder.event(setOwner(set), EventType.Normal, `Successful${title}`, `${who} successful`);
    else this.recorder.event(setOwner(set), EventType.Warning, `Failed${title}`, `${who} failed error: ${errorMessage(err)}`);
  }

  private claimEvent(verb: string, set: appsv1.StatefulSet, pod: corev1.Pod, claim: corev1.PersistentVolumeClaim, err?: unknown): void {
    const title = verb[0]!.toUpperCase() + verb.slice(1);
    if (err === undefined) {
      this.recorder.event(setOwner(set), EventType.Normal, `Successful${title}`, `${verb} Claim ${claim.metadata?.name ?? ''} Pod ${pod.metadata?.name ?? ''} in StatefulSet ${set.metadata?.name ?? ''} success`);
    } else {
      this.recorder.event(
        setOwner(set),
        EventType.Warning,
        `Failed${title}`,
        `${verb} Claim ${claim.metadata?.name ?? ''} for Pod ${pod.metadata?.name ?? ''} in StatefulSet ${set.metadata?.name ?? ''} failed error: ${errorMessage(err)}`,
      );
    }
  }

  private claim(namespace: string, name: string): Claim | undefined {
    return this.claims.get(`${namespace}/${name}`);
  }

  /** Creates each absent claim; a claim being deleted is an error (the pod would lose its data). */
  private async createClaims(set: appsv1.StatefulSet, pod: corev1.Pod): Promise<void> {
    const errors: string[] = [];
    for (const claim of claimsFor(set, ordinalOf(pod)).values()) {
      const name = claim.metadata?.name ?? '';
      const existing = this.claim(claim.metadata?.namespace ?? '', name);
      if (existing) {
        if (existing.metadata.deletionTimestamp) errors.push(`pvc ${name} is being deleted`);
        continue;
      }
      try {
        await this.client.create(Resources.persistentvolumeclaims, claim.metadata?.namespace ?? '', claim);
        this.claimEvent('create', set, pod, claim);
      } catch (err) {
        // Created meanwhile (the cache lagged): nothing to report.
        if (hasReason(err, StatusReason.AlreadyExists)) continue;
        errors.push(`failed to create PVC ${name}: ${errorMessage(err)}`);
        this.claimEvent('create', set, pod, claim, err);
      }
    }
    if (errors.length === 1) throw new Error(errors[0]);
    if (errors.length > 1) throw new Error(`[${errors.join(', ')}]`);
  }

  async createStatefulPod(set: appsv1.StatefulSet, pod: corev1.Pod): Promise<void> {
    try {
      await this.createClaims(set, pod);
    } catch (err) {
      this.podEvent('create', set, pod, err);
      throw err;
    }
    try {
      await this.client.create(Resources.pods, pod.metadata?.namespace ?? '', pod);
    } catch (err) {
      // Kubernetes records nothing for a pod that exists already: it is ours from an earlier sync.
      if (!hasReason(err, StatusReason.AlreadyExists)) this.podEvent('create', set, pod, err);
      throw err;
    }
    try {
      await this.updateClaimsForRetentionPolicy(set, pod);
    } catch (err) {
      this.podEvent('update', set, pod, err);
      throw err;
    }
    this.podEvent('create', set, pod);
  }

  async createMissingClaims(set: appsv1.StatefulSet, pod: corev1.Pod): Promise<void> {
    await this.createClaims(set, pod);
  }

  async updateStatefulPod(set: appsv1.StatefulSet, pod: corev1.Pod): Promise<void> {
    let current = structuredClone(pod);
    let attempted = false;
    let lastErr: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      let consistent = true;
      if (!identityMatches(set, current)) {
        updateIdentity(set, current);
        consistent = false;
      }
      try {
        if (!storageMatches(set, current)) {
          updateStorage(set, current);
          consistent = false;
          await this.createClaims(set, current);
        }
        if (!this.claimsMatchRetentionPolicy(set, current)) {
          await this.updateClaimsForRetentionPolicy(set, current);
          consistent = false;
        }
      } catch (err) {
        this.podEvent('update', set, current, err);
        throw err;
      }
      if (consistent) return;
      attempted = true;
      try {
        await this.client.update(Resources.pods, current.metadata?.namespace ?? '', current);
        lastErr = undefined;
        break;
      } catch (err) {
        lastErr = err;
        if (!hasReason(err, StatusReason.Conflict)) break;
        try {
          current = await this.client.get<corev1.Pod>(Resources.pods, current.metadata?.namespace ?? '', current.metadata?.name ?? '');
        } catch {
          // The next attempt works on what we have; the update reports the real problem.
        }
      }
    }
    if (attempted) this.podEvent('update', set, current, lastErr);
    if (lastErr !== undefined) throw lastErr;
  }

  async deleteStatefulPod(set: appsv1.StatefulSet, pod: corev1.Pod): Promise<void> {
    try {
      await this.client.delete(Resources.pods, pod.metadata?.namespace ?? '', pod.metadata?.name ?? '');
      this.podEvent('delete', set, pod);
    } catch (err) {
      this.podEvent('delete', set, pod, err);
      throw err;
    }
  }

  claimsMatchRetentionPolicy(set: appsv1.StatefulSet, pod: corev1.Pod): boolean {
    for (const claim of claimsFor(set, ordinalOf(pod)).values()) {
      const existing = this.claim(set.metadata?.namespace ?? '', claim.metadata?.name ?? '');
      if (existing && !claimOwnerUpToDate(existing, set, pod)) return false;
    }
    return true;
  }

  async updateClaimsForRetentionPolicy(set: appsv1.StatefulSet, pod: corev1.Pod): Promise<void> {
    for (const claim of claimsFor(set, ordinalOf(pod)).values()) {
      const name = claim.metadata?.name ?? '';
      const existing = this.claim(set.metadata?.namespace ?? '', name);
      if (!existing) continue;
      if (hasUnexpectedController(existing, set, pod)) {
        this.recorder.event(
          setOwner(set),
          EventType.Warning,
          'ConflictingController',
          `PersistentVolumeClaim ${name} has a conflicting OwnerReference that acts as a manging controller, the retention policy is ignored for this claim`,
        );
      }
      if (claimOwnerUpToDate(existing, set, pod)) continue;
      const refs = claimOwnerRefs(existing, set, pod);
      const updated: Claim = { ...existing, metadata: { ...existing.metadata, ownerReferences: refs } };
      if (refs.length === 0) delete updated.metadata.ownerReferences;
      try {
        await this.client.update(Resources.persistentvolumeclaims, existing.metadata.namespace ?? '', updated);
      } catch (err) {
        throw new Error(`could not update claim ${name} for delete policy ownerRefs: ${errorMessage(err)}`, { cause: err });
      }
    }
  }

  podClaimIsStale(set: appsv1.StatefulSet, pod: corev1.Pod): boolean {
    if (retentionPolicy(set).whenScaled === 'Retain') return false;
    for (const claim of claimsFor(set, ordinalOf(pod)).values()) {
      const existing = this.claim(set.metadata?.namespace ?? '', claim.metadata?.name ?? '');
      if (existing && hasStaleOwnerRef(existing, pod, podGV)) return true;
    }
    return false;
  }
}
