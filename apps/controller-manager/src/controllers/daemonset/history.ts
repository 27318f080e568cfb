import { StatusReason, hasReason, type appsv1 } from '@tskube/api-types';
import type { ApiClient } from '@tskube/client';
import { Resources } from '../../framework/context';
import { computeHash, semanticEqual } from '../deployment/replica-sets';
import { newControllerRef, type Owner } from '../replicaset/controller-ref';
import { PodRevisionLabel, RevisionHistory, byRevision, revisionName, templatePatch, type ControllerRevision } from '../statefulset/revisions';
import type { DaemonSet } from './eligibility';

/** The DaemonSet as the owner of what it creates. */
export function daemonSetOwner(ds: appsv1.DaemonSet): Owner {
  return { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: ds.metadata ?? {} };
}

/** Whether the revision holds the DaemonSet's current template (Match). */
export function matchesTemplate(ds: appsv1.DaemonSet, rev: appsv1.ControllerRevision): boolean {
  return semanticEqual(rev.data, templatePatch(ds.spec?.template));
}

/** The DaemonSet's current revision and the others. */
export interface DaemonHistory {
  current: ControllerRevision;
  old: ControllerRevision[];
}

/**
 * The DaemonSet's revision history through the API (constructHistory, snapshot, cleanupHistory).
 * DaemonSet revisions are named `<ds>-<hash>` where the hash is the template's (with the collision
 * count), and carry it in the `controller-revision-hash` label, the value its pods are labelled
 * with.
 */
export class DaemonSetHistory {
  private readonly revisions: RevisionHistory;

  constructor(private readonly client: ApiClient) {
    this.revisions = new RevisionHistory(client);
  }

  /**
   * Splits the DaemonSet's (already claimed) revisions into the current one and the old ones:
   * labels revisions that lack the hash label with their name, creates the current revision when
   * none holds the template, keeps only the highest of duplicates, and renumbers the current one
   * above every old one.
   */
  async construct(ds: DaemonSet, controlled: readonly ControllerRevision[]): Promise<DaemonHistory> {
    const current: ControllerRevision[] = [];
    const old: ControllerRevision[] = [];
    for (let rev of controlled) {
      if (!rev.metadata.labels?.[PodRevisionLabel]) {
        rev = await this.client.update<ControllerRevision>(Resources.controllerrevisions, rev.metadata.namespace ?? '', {
          ...rev,
          metadata: { ...rev.metadata, labels: { ...rev.metadata.labels, [PodRevisionLabel]: rev.metadata.name ?? '' } },
        });
      }
      (matchesTemplate(ds, rev) ? current : old).push(rev);
    }
    const next = old.reduce((max, r) => Math.max(max, r.revision), 0) + 1;
    let cur: ControllerRevision;
    if (current.length === 0) {
      cur = await this.snapshot(ds, next);
    } else {
      const sorted = [...current].sort(byRevision);
      cur = sorted.at(-1)!;
      for (const dup of sorted.slice(0, -1)) await this.revisions.delete(dup);
      if (cur.revision < next) cur = await this.revisions.setRevisionNumber(cur, next);
    }
    return { current: cur, old };
  }

  /**
   * Creates the revision of the current template (snapshot). A name taken by a revision holding
   * this template is that revision; taken by another template, it is a hash collision: the
   * DaemonSet's collisionCount is raised and the sync retried, so the next hash differs.
   */
  private async snapshot(ds: DaemonSet, revision: number): Promise<ControllerRevision> {
    const hash = computeHash(ds.spec?.template, ds.status?.collisionCount);
    const namespace = ds.metadata.namespace ?? '';
    const rev: appsv1.ControllerRevision = {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: {
        name: revisionName(ds.metadata.name ?? '', hash),
        namespace,
        labels: { ...ds.spec?.template?.metadata?.labels, [PodRevisionLabel]: hash },
        ...(ds.metadata.annotations ? { annotations: { ...ds.metadata.annotations } } : {}),
        ownerReferences: [newControllerRef(daemonSetOwner(ds))],
      },
      data: templatePatch(ds.spec?.template) as appsv1.ControllerRevision['data'],
      revision,
    };
    try {
      return await this.client.create<ControllerRevision>(Resources.controllerrevisions, namespace, rev as ControllerRevision);
    } catch (err) {
      if (!hasReason(err, StatusReason.AlreadyExists)) throw err;
      const existing = await this.client.get<ControllerRevision>(Resources.controllerrevisions, namespace, rev.metadata?.name ?? '');
      if (matchesTemplate(ds, existing)) return existing;
      const fresh = await this.client.get<DaemonSet>(Resources.daemonsets, namespace, ds.metadata.name ?? '');
      if ((fresh.status?.collisionCount ?? undefined) !== (ds.status?.collisionCount ?? undefined)) {
        throw new Error(`found a stale collision count (${ds.status?.collisionCount ?? 'nil'}, expected ${fresh.status?.collisionCount ?? 'nil'}) of DaemonSet "${ds.metadata.name}" while processing; will retry until it is updated`, { cause: err });
      }
      const status = { ...(fresh.status ?? { currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 }) };
      status.collisionCount = (status.collisionCount ?? 0) + 1;
      await this.client.updateStatus(Resources.daemonsets, namespace, { ...fresh, status });
      throw err;
    }
  }

  /**
   * Deletes old revisions beyond revisionHistoryLimit, lowest revision first, sparing those a pod
   * still runs (cleanupHistory). `liveHashes` are the hash labels of every daemon pod.
   */
  async cleanup(ds: appsv1.DaemonSet, old: readonly ControllerRevision[], liveHashes: ReadonlySet<string>): Promise<void> {
    let toKill = old.length - (ds.spec?.revisionHistoryLimit ?? 10);
    if (toKill <= 0) return;
    for (const rev of [...old].sort((a, b) => a.revision - b.revision)) {
      if (toKill <= 0) break;
      if (liveHashes.has(rev.metadata.labels?.[PodRevisionLabel] ?? '')) continue;
      await this.revisions.delete(rev);
      toKill--;
    }
  }
}
