import { registry, type KubeObject } from '@tskube/api-types';

/** metav1.OwnerReference as it travels. */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** The finalizer foreground deletion puts on an owner until its blocking dependents are gone. */
export const ForegroundDeletionFinalizer = 'foregroundDeletion';
/** The finalizer orphaning puts on an owner until its dependents no longer point at it. */
export const OrphanFinalizer = 'orphan';

/** Where an object is: its coordinates as an owner reference names them, plus its namespace. */
export interface ObjectIdentity {
  apiVersion: string;
  kind: string;
  name: string;
  /** '' for cluster-scoped objects. */
  namespace: string;
  uid: string;
}

export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * Whether an owner reference names `identity`. Versions of one group serve the same objects, so
 * only group, kind, name and uid must agree.
 */
export function referenceMatches(ref: OwnerReference, identity: ObjectIdentity): boolean {
  return ref.uid === identity.uid && ref.name === identity.name && ref.kind === identity.kind && groupOf(ref.apiVersion) === groupOf(identity.apiVersion);
}

/** `[apps/v1/ReplicaSet, namespace: ns, name: web, uid: 123]`, as Kubernetes prints an objectReference. */
export function identityString(id: ObjectIdentity): string {
  return `[${id.apiVersion}/${id.kind}, namespace: ${id.namespace}, name: ${id.name}, uid: ${id.uid}]`;
}

export function identityOf(obj: KubeObject): ObjectIdentity {
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: obj.metadata.name ?? '',
    namespace: obj.metadata.namespace ?? '',
    uid: obj.metadata.uid ?? '',
  };
}

/**
 * The identity of the owner a reference of a dependent in `dependentNamespace` names: owners are
 * in the dependent's namespace unless their kind is cluster-scoped.
 */
export function ownerIdentity(ref: OwnerReference, dependentNamespace: string): ObjectIdentity {
  const info = registry.byApiVersionKind(ref.apiVersion, ref.kind);
  return { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid: ref.uid, namespace: info && !info.namespaced ? '' : dependentNamespace };
}

/**
 * One object of the dependency graph. A node is "observed" once an informer reported its object;
 * until then it is virtual: known only because some dependent names it as owner, and possibly
 * not existing at all.
 */
export class GraphNode {
  /** Owner references the object carries, as last observed. */
  owners: OwnerReference[] = [];
  /** Objects whose owner references name this one. */
  readonly dependents = new Set<GraphNode>();
  /** deletionTimestamp is set. */
  beingDeleted = false;
  /** Being deleted with the foregroundDeletion finalizer: waiting for its blocking dependents. */
  deletingDependents = false;
  /** Being deleted with the orphan finalizer. */
  orphaning = false;

  constructor(
    public identity: ObjectIdentity,
    public observed: boolean,
  ) {}

  /** Dependents whose reference to this node has blockOwnerDeletion: foreground deletion waits for them. */
  blockingDependents(): GraphNode[] {
    const out: GraphNode[] = [];
    for (const dep of this.dependents) {
      if (dep.owners.some((ref) => ref.uid === this.identity.uid && ref.blockOwnerDeletion === true)) out.push(dep);
    }
    return out;
  }

  /** The dependents whose reference to this node's uid agrees with `identity` on every coordinate. */
  dependentsReferencing(identity: ObjectIdentity): GraphNode[] {
    return [...this.dependents].filter((dep) => dep.owners.some((ref) => referenceMatches(ref, identity)));
  }
}

/** What changed between two lists of owner references, matched by uid. */
export interface ReferenceDiff {
  added: OwnerReference[];
  removed: OwnerReference[];
  /** Same uid, something else (blockOwnerDeletion, controller) changed: [old, new]. */
  changed: Array<[OwnerReference, OwnerReference]>;
}

export function referencesDiff(old: readonly OwnerReference[], next: readonly OwnerReference[]): ReferenceDiff {
  const oldByUid = new Map(old.map((r) => [r.uid, r]));
  const nextByUid = new Map(next.map((r) => [r.uid, r]));
  const diff: ReferenceDiff = { added: [], removed: [], changed: [] };
  for (const r of next) {
    const o = oldByUid.get(r.uid);
    if (!o) diff.added.push(r);
    else if (!sameReference(o, r)) diff.changed.push([o, r]);
  }
  for (const r of old) if (!nextByUid.has(r.uid)) diff.removed.push(r);
  return diff;
}

function sameReference(a: OwnerReference, b: OwnerReference): boolean {
  return (
    a.apiVersion === b.apiVersion &&
    a.kind === b.kind &&
    a.name === b.name &&
    Boolean(a.controller) === Boolean(b.controller) &&
    Boolean(a.blockOwnerDeletion) === Boolean(b.blockOwnerDeletion)
  );
}

/** A bounded set of owners verified absent, least recently added dropped first. */
export class AbsentOwnerCache {
  private readonly keys = new Set<string>();

  constructor(private readonly max = 500) {}

  add(id: ObjectIdentity): void {
    const key = absentKey(id);
    this.keys.delete(key);
    this.keys.add(key);
    if (this.keys.size > this.max) this.keys.delete(this.keys.values().next().value as string);
  }

  has(id: ObjectIdentity): boolean {
    return this.keys.has(absentKey(id));
  }
}

function absentKey(id: ObjectIdentity): string {
  return [groupOf(id.apiVersion), id.kind, id.namespace, id.name, id.uid].join('\u0000');
}
