import { StatusReason, hasReason, type KubeObject, type appsv1, type corev1 } from '@tskube/api-types';
import { parseTime, type ApiClient } from '@tskube/client';
import { Resources } from '../../framework/context';
import { canonicalJson, semanticEqual } from '../deployment/replica-sets';
import { newControllerRef, type Owner } from '../replicaset/controller-ref';
import { controllerRefOf } from '../replicaset/pods';

/**
 * ControllerRevisions: the template history StatefulSets and DaemonSets keep, as Kubernetes'
 * controller/history package. A revision's `data` is the patch that puts its template back into
 * the owner (`{"spec":{"template":{..., "$patch":"replace"}}}`), which is also what
 * `kubectl rollout undo` applies and `kubectl rollout history --revision` renders.
 */

/** A ControllerRevision as the informer holds it. */
export type ControllerRevision = appsv1.ControllerRevision & KubeObject;

/** The label on a revision carrying its hash (ControllerRevisionHashLabel). */
export const RevisionHashLabel = 'controller.kubernetes.io/hash';
/** The label on a pod naming its revision (apps.ControllerRevisionHashLabelKey). */
export const PodRevisionLabel = 'controller-revision-hash';

/** The `data` of a revision: the owner's template as a replacing strategic merge patch (getPatch). */
export function templatePatch(template: corev1.PodTemplateSpec | undefined): { spec: { template: Record<string, unknown> } } {
  return { spec: { template: { ...structuredClone(template ?? {}), $patch: 'replace' } } };
}

/** The template a revision's data holds (what ApplyRevision puts into the owner's spec). */
export function templateOfRevision(rev: appsv1.ControllerRevision): corev1.PodTemplateSpec {
  const data = rev.data as { spec?: { template?: Record<string, unknown> } } | undefined;
  const template = { ...(structuredClone(data?.spec?.template) ?? {}) };
  delete template.$patch;
  return template as corev1.PodTemplateSpec;
}

function fnv1(bytes: Uint8Array, hash = 0x811c9dc5): number {
  let h = hash;
  for (const b of bytes) {
    h = Math.imul(h, 0x01000193) >>> 0;
    h ^= b;
  }
  return h >>> 0;
}

// rand.SafeEncodeString's alphabet: no vowels, no look-alike characters.
const safeAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * The hash of a revision's data (HashControllerRevision): FNV-1 32 of the data's bytes, then of
 * the collision count in decimal when given, printed in decimal and mapped into a safe alphabet.
 * The data is hashed as canonical JSON, so equal data always hashes the same.
 */
export function hashRevisionData(data: unknown, collisionCount?: number): string {
  const enc = new TextEncoder();
  let h = fnv1(enc.encode(canonicalJson(data ?? null)));
  if (collisionCount !== undefined) h = fnv1(enc.encode(String(collisionCount)), h);
  return [...String(h)].map((c) => safeAlphabet[c.charCodeAt(0) % safeAlphabet.length]).join('');
}

/** `<prefix>-<hash>`, the prefix cut to 223 characters (ControllerRevisionName). */
export function revisionName(prefix: string, hash: string): string {
  return `${prefix.length > 223 ? prefix.slice(0, 223) : prefix}-${hash}`;
}

/** Lower revision first, then older, then by name (SortControllerRevisions). */
export function byRevision(a: appsv1.ControllerRevision, b: appsv1.ControllerRevision): number {
  if (a.revision !== b.revision) return a.revision - b.revision;
  const ta = parseTime(a.metadata?.creationTimestamp) ?? 0;
  const tb = parseTime(b.metadata?.creationTimestamp) ?? 0;
  if (ta !== tb) return ta - tb;
  const na = a.metadata?.name ?? '';
  const nb = b.metadata?.name ?? '';
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** One more than the highest revision number, 1 for none (nextRevision). */
export function nextRevision(revisions: readonly appsv1.ControllerRevision[]): number {
  return revisions.reduce((max, r) => Math.max(max, r.revision), 0) + 1;
}

/** Whether two revisions hold the same data (EqualRevision). */
export function equalRevision(a: appsv1.ControllerRevision | undefined, b: appsv1.ControllerRevision | undefined): boolean {
  if (!a || !b) return a === b;
  return semanticEqual(a.data, b.data);
}

/** The revisions whose data equals `needle`'s, in the given order (FindEqualRevisions). */
export function findEqualRevisions<T extends appsv1.ControllerRevision>(revisions: readonly T[], needle: appsv1.ControllerRevision): T[] {
  return revisions.filter((r) => equalRevision(r, needle));
}

/**
 * A revision of `owner` holding `data` (NewControllerRevision): the template's labels plus the
 * hash label, the owner as controller, named `<owner>-<hash>`.
 */
export function newRevision(owner: Owner, templateLabels: Record<string, string> | undefined, data: unknown, revision: number, collisionCount: number): appsv1.ControllerRevision {
  const hash = hashRevisionData(data, collisionCount);
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: revisionName(owner.metadata.name ?? '', hash),
      namespace: owner.metadata.namespace ?? '',
      labels: { ...templateLabels, [RevisionHashLabel]: hash },
      ownerReferences: [newControllerRef(owner)],
    },
    data: data as appsv1.ControllerRevision['data'],
    revision,
  };
}

/** Revisions through the API, as Kubernetes' realHistory. */
export class RevisionHistory {
  constructor(private readonly client: ApiClient) {}

  /**
   * Creates `revision` for `owner`. When its name is taken by a revision with other data (a hash
   * collision), bumps `collision.count` and tries the next name; when taken by equal data, returns
   * that one. Mutates `collision.count` so the caller can store it in the owner's status.
   */
  async create(owner: Owner, revision: appsv1.ControllerRevision, collision: { count: number }): Promise<ControllerRevision> {
    for (;;) {
      const hash = hashRevisionData(revision.data, collision.count);
      const candidate: appsv1.ControllerRevision = {
        ...revision,
        metadata: { ...revision.metadata, name: revisionName(owner.metadata.name ?? '', hash), labels: { ...revision.metadata?.labels, [RevisionHashLabel]: hash } },
      };
      try {
        return await this.client.create<ControllerRevision>(Resources.controllerrevisions, owner.metadata.namespace ?? '', candidate as ControllerRevision);
      } catch (err) {
        if (!hasReason(err, StatusReason.AlreadyExists)) throw err;
        const existing = await this.client.get<ControllerRevision>(Resources.controllerrevisions, owner.metadata.namespace ?? '', candidate.metadata?.name ?? '');
        if (semanticEqual(existing.data, candidate.data)) return existing;
        collision.count++;
      }
    }
  }

  /** Sets the revision number of `rev` (UpdateControllerRevision), re-reading it on conflicts. */
  async setRevisionNumber(rev: ControllerRevision, revision: number): Promise<ControllerRevision> {
    let current = rev;
    for (let attempt = 0; ; attempt++) {
      if (current.revision === revision) return current;
      try {
        return await this.client.update<ControllerRevision>(Resources.controllerrevisions, current.metadata.namespace ?? '', { ...current, revision });
      } catch (err) {
        if (attempt >= 4 || !hasReason(err, StatusReason.Conflict)) throw err;
        current = await this.client.get<ControllerRevision>(Resources.controllerrevisions, current.metadata.namespace ?? '', current.metadata.name ?? '');
      }
    }
  }

  /** Deletes `rev`; already gone is fine. */
  async delete(rev: appsv1.ControllerRevision): Promise<void> {
    try {
      await this.client.delete(Resources.controllerrevisions, rev.metadata?.namespace ?? '', rev.metadata?.name ?? '');
    } catch (err) {
      if (!hasReason(err, StatusReason.NotFound)) throw err;
    }
  }
}

/**
 * The revisions of `owner` among `all` (ListControllerRevisions): those matching its selector
 * that it controls or that nobody controls (orphans, to adopt).
 */
export function revisionsOf<T extends appsv1.ControllerRevision>(all: readonly T[], ownerUid: string | undefined, matches: (labels: Record<string, string> | undefined) => boolean): T[] {
  return all.filter((r) => {
    if (!matches(r.metadata?.labels)) return false;
    const ref = controllerRefOf(r);
    return !ref || ref.uid === ownerUid;
  });
}
