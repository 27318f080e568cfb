import type { KubeObject, appsv1, corev1 } from '@tskube/api-types';
import { parseTime } from '@tskube/client';

/** A Deployment as the informer holds it. */
export type Deployment = appsv1.Deployment & KubeObject;
/** A ReplicaSet as the informer holds it. */
export type ReplicaSet = appsv1.ReplicaSet & KubeObject;

/** The revision of a ReplicaSet (and, copied, of its Deployment). */
export const RevisionAnnotation = 'deployment.kubernetes.io/revision';
/** Earlier revisions a ReplicaSet had before a rollback made it current again, comma separated. */
export const RevisionHistoryAnnotation = 'deployment.kubernetes.io/revision-history';
/** spec.replicas of the Deployment when it last sized this ReplicaSet. */
export const DesiredReplicasAnnotation = 'deployment.kubernetes.io/desired-replicas';
/** spec.replicas + maxSurge of the Deployment when it last sized this ReplicaSet. */
export const MaxReplicasAnnotation = 'deployment.kubernetes.io/max-replicas';
/** The label that tells the ReplicaSets (and pods) of one Deployment apart. */
export const PodTemplateHashLabel = 'pod-template-hash';
/** Longest revision-history annotation kept (maxRevHistoryLengthInChars). */
export const maxRevisionHistoryLength = 2000;

/** Deployment annotations that are not copied to its ReplicaSets. */
const annotationsNotCopied = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  RevisionAnnotation,
  RevisionHistoryAnnotation,
  DesiredReplicasAnnotation,
  MaxReplicasAnnotation,
  'deprecated.deployment.rollback.to',
]);

/** spec.replicas of a ReplicaSet (1 when unset, the API default). */
export function specReplicas(rs: appsv1.ReplicaSet | undefined): number {
  return rs?.spec?.replicas ?? 1;
}

/** The revision of `rs`; 0 when it has none or it is not a number. */
export function revisionOf(rs: { metadata?: { annotations?: Record<string, string> } }): number {
  const v = rs.metadata?.annotations?.[RevisionAnnotation];
  if (v === undefined || !/^\d+$/.test(v)) return 0;
  return Number(v);
}

/** The highest revision among `rss`. */
export function maxRevision(rss: readonly ReplicaSet[]): number {
  return rss.reduce((max, rs) => Math.max(max, revisionOf(rs)), 0);
}

/** Older first; equal timestamps (they have whole seconds) by name (ReplicaSetsByCreationTimestamp). */
export function byCreationTimestamp(a: appsv1.ReplicaSet, b: appsv1.ReplicaSet): number {
  const ta = parseTime(a.metadata?.creationTimestamp) ?? 0;
  const tb = parseTime(b.metadata?.creationTimestamp) ?? 0;
  if (ta !== tb) return ta - tb;
  const na = a.metadata?.name ?? '';
  const nb = b.metadata?.name ?? '';
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** Lower revision first, then older (ReplicaSetsByRevision). */
export function byRevision(a: ReplicaSet, b: ReplicaSet): number {
  return revisionOf(a) - revisionOf(b) || byCreationTimestamp(a, b);
}

/** Larger first; equal sizes older first (ReplicaSetsBySizeOlder): who loses replicas first. */
export function bySizeOlder(a: ReplicaSet, b: ReplicaSet): number {
  return specReplicas(b) - specReplicas(a) || byCreationTimestamp(a, b);
}

/** Larger first; equal sizes newer first (ReplicaSetsBySizeNewer): who gains replicas first. */
export function bySizeNewer(a: ReplicaSet, b: ReplicaSet): number {
  return specReplicas(b) - specReplicas(a) || byCreationTimestamp(b, a);
}

/** The ReplicaSets with replicas to run (FilterActiveReplicaSets). */
export function filterActive(rss: readonly (ReplicaSet | undefined)[]): ReplicaSet[] {
  return rss.filter((rs): rs is ReplicaSet => rs !== undefined && specReplicas(rs) > 0);
}

/** Sum of spec.replicas. */
export function replicaCount(rss: readonly (ReplicaSet | undefined)[]): number {
  return rss.reduce((n, rs) => n + (rs ? specReplicas(rs) : 0), 0);
}

/** Sum of status.replicas: pods that exist. */
export function actualReplicaCount(rss: readonly (ReplicaSet | undefined)[]): number {
  return rss.reduce((n, rs) => n + (rs?.status?.replicas ?? 0), 0);
}

/** Sum of status.readyReplicas. */
export function readyReplicaCount(rss: readonly (ReplicaSet | undefined)[]): number {
  return rss.reduce((n, rs) => n + (rs?.status?.readyReplicas ?? 0), 0);
}

/** Sum of status.availableReplicas. */
export function availableReplicaCount(rss: readonly (ReplicaSet | undefined)[]): number {
  return rss.reduce((n, rs) => n + (rs?.status?.availableReplicas ?? 0), 0);
}

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && Object.keys(v).length === 0;
}

/**
 * Deep equality of API values as Kubernetes' semantic equality sees Go structs: an absent list or
 * map equals an empty one.
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isEmpty(a) && isEmpty(b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => semanticEqual(x, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const k of keys) if (!semanticEqual(ao[k], bo[k])) return false;
  return true;
}

function withoutHash(t: corev1.PodTemplateSpec | undefined): corev1.PodTemplateSpec {
  const copy = structuredClone(t ?? {});
  if (copy.metadata?.labels) delete copy.metadata.labels[PodTemplateHashLabel];
  return copy;
}

/** Whether two pod templates are the same but for the pod-template-hash label (EqualIgnoreHash). */
export function equalIgnoreHash(a: corev1.PodTemplateSpec | undefined, b: corev1.PodTemplateSpec | undefined): boolean {
  return semanticEqual(withoutHash(a), withoutHash(b));
}

/**
 * The ReplicaSet running the Deployment's current template: the oldest one whose template equals
 * it but for the hash label (FindNewReplicaSet). Undefined when the template is new.
 */
export function findNewReplicaSet(d: Deployment, rsList: readonly ReplicaSet[]): ReplicaSet | undefined {
  return [...rsList].sort(byCreationTimestamp).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

/** Every ReplicaSet but the new one (FindOldReplicaSets' allOldRSs). */
export function findOldReplicaSets(d: Deployment, rsList: readonly ReplicaSet[]): ReplicaSet[] {
  const newRS = findNewReplicaSet(d, rsList);
  return rsList.filter((rs) => rs.metadata.uid !== newRS?.metadata.uid);
}

/** JSON with keys sorted at every level: the same value always gives the same text. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : canonicalJson(x))).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

function fnv32a(bytes: Uint8Array, hash = 0x811c9dc5): number {
  let h = hash;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

// Kubernetes' rand.SafeEncodeString alphabet: no vowels (no words) and no look-alike characters.
const safeAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * The pod-template-hash of a template (controller.ComputeHash): FNV-32a of the template, then of
 * the collision count when there is one, printed in decimal and each digit mapped into a safe
 * alphabet. Kubernetes hashes Go's printed form of the struct; this hashes canonical JSON, so the
 * values differ from Kubernetes' but are just as stable, and a collision count still moves them.
 */
export function computeHash(template: corev1.PodTemplateSpec | undefined, collisionCount?: number): string {
  let h = fnv32a(new TextEncoder().encode(canonicalJson(template ?? {})));
  if (collisionCount !== undefined) {
    const buf = new Uint8Array(8);
    new DataView(buf.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(buf, h);
  }
  return [...String(h)].map((c) => safeAlphabet[c.charCodeAt(0) % safeAlphabet.length]).join('');
}

/** Sets the desired and max replicas annotations; true when either changed (SetReplicasAnnotations). */
export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  const a = (rs.metadata.annotations ??= {});
  let changed = false;
  if (a[DesiredReplicasAnnotation] !== String(desired)) {
    a[DesiredReplicasAnnotation] = String(desired);
    changed = true;
  }
  if (a[MaxReplicasAnnotation] !== String(max)) {
    a[MaxReplicasAnnotation] = String(max);
    changed = true;
  }
  return changed;
}

/** Whether the replicas annotations differ from `desired` and `max`. */
export function replicasAnnotationsNeedUpdate(rs: ReplicaSet, desired: number, max: number): boolean {
  const a = rs.metadata.annotations ?? {};
  return a[DesiredReplicasAnnotation] !== String(desired) || a[MaxReplicasAnnotation] !== String(max);
}

/** An integer annotation, or undefined when absent or not a number. */
function intAnnotation(rs: ReplicaSet, key: string): number | undefined {
  const v = rs.metadata.annotations?.[key];
  return v !== undefined && /^-?\d+$/.test(v) ? Number(v) : undefined;
}

/** The desired-replicas annotation. */
export function desiredReplicasAnnotation(rs: ReplicaSet): number | undefined {
  return intAnnotation(rs, DesiredReplicasAnnotation);
}

/** The max-replicas annotation. */
export function maxReplicasAnnotation(rs: ReplicaSet): number | undefined {
  return intAnnotation(rs, MaxReplicasAnnotation);
}

/**
 * Brings the new ReplicaSet's annotations up to date (SetNewReplicaSetAnnotations): copies the
 * Deployment's own annotations, raises the revision to `newRevision` (never lowers it: old
 * ReplicaSets may have been cleaned up since), records the revision it had before in the
 * revision history when a rollback makes an old ReplicaSet new again, and for a ReplicaSet about
 * to be created (`exists` false) sets the replicas annotations. Returns whether anything changed.
 */
export function setNewReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, newRevision: number, exists: boolean, desired: number, max: number): boolean {
  const a = (rs.metadata.annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (annotationsNotCopied.has(k) || a[k] === v) continue;
    a[k] = v;
    changed = true;
  }
  const oldRevision = a[RevisionAnnotation];
  let oldRevisionNumber = 0;
  if (oldRevision !== undefined) {
    if (!/^\d+$/.test(oldRevision)) return changed;
    oldRevisionNumber = Number(oldRevision);
  }
  if (oldRevisionNumber < newRevision) {
    a[RevisionAnnotation] = String(newRevision);
    changed = true;
    if (oldRevision !== undefined) {
      const history = a[RevisionHistoryAnnotation];
      if (!history) a[RevisionHistoryAnnotation] = oldRevision;
      else {
        const revisions = history.split(',');
        let total = history.length + oldRevision.length + 1;
        let start = 0;
        while (total > maxRevisionHistoryLength && start < revisions.length) {
          total -= revisions[start]!.length + 1;
          start++;
        }
        if (total <= maxRevisionHistoryLength) a[RevisionHistoryAnnotation] = [...revisions.slice(start), oldRevision].join(',');
      }
    }
  }
  if (!exists && setReplicasAnnotations(rs, desired, max)) changed = true;
  return changed;
}
