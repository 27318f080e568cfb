import { StatusReason, hasReason, registry, type KubeObject, type ResourceInfo } from '@tskube/api-types';
import { PatchType, type ApiClient, type EventRecorder, type GroupVersionResource, type RateLimitingWorkQueue } from '@tskube/client';
import type { Logger } from '@tskube/component';
import { newQueue } from '../../framework/context';
import { ForegroundDeletionFinalizer, OrphanFinalizer, identityString, ownerIdentity, type GraphNode, type ObjectIdentity, type OwnerReference } from './graph';
import { GraphBuilder } from './graph-builder';

export interface GarbageCollectorOptions {
  client: ApiClient;
  recorder: EventRecorder;
  logger: Logger;
  /**
   * How long to wait before checking again an owner that exists but no informer has shown yet
   * (so one whose creation and deletion the informers both missed cannot linger); 1 s by default.
   */
  unobservedRecheckMs?: number;
}

type DeletionPropagation = 'Orphan' | 'Background' | 'Foreground';

/** The owner's kind is not one the API serves: nothing can be said about it. */
class UnresolvableKindError extends Error {
  constructor(ref: { apiVersion: string; kind: string }) {
    super(`unable to map ${ref.apiVersion}, Kind=${ref.kind} to a resource`);
    this.name = 'UnresolvableKindError';
  }
}

/** A cluster-scoped object naming a namespaced owner: invalid, and no retry will change it. */
class NamespacedOwnerOfClusterScopedObjectError extends Error {
  constructor() {
    super('cluster-scoped object cannot refer to namespace-scoped owner');
    this.name = 'NamespacedOwnerOfClusterScopedObjectError';
  }
}

/** Writes of one object's metadata are retried this many times on Conflict. */
const conflictRetries = 5;
/** Dependents orphaned at once. */
const orphanConcurrency = 16;

/**
 * Kubernetes' garbage collector over the ownership graph: the attemptToDelete queue deletes
 * objects whose owners are all gone (dangling references verified by a live read), deletes the
 * dependents of owners in foreground deletion and then lifts the owner's foregroundDeletion
 * finalizer, and drops references to owners that are gone while other owners remain; the
 * attemptToOrphan queue removes an orphaning owner from its dependents' references, then its
 * orphan finalizer. Both queues hold uids; every step reads the live object first and writes with
 * preconditions, so a step may run any number of times.
 */
export class GarbageCollector {
  readonly graph: GraphBuilder;
  readonly attemptToDelete: RateLimitingWorkQueue<string> = newQueue();
  readonly attemptToOrphan: RateLimitingWorkQueue<string> = newQueue();
  private readonly client: ApiClient;
  private readonly recorder: EventRecorder;
  private readonly logger: Logger;
  private readonly unobservedRecheckMs: number;

  constructor(options: GarbageCollectorOptions) {
    this.client = options.client;
    this.recorder = options.recorder;
    this.logger = options.logger;
    this.unobservedRecheckMs = options.unobservedRecheckMs ?? 1000;
    this.graph = new GraphBuilder({
      attemptToDelete: (node) => this.attemptToDelete.add(node.identity.uid),
      attemptToOrphan: (node) => this.attemptToOrphan.add(node.identity.uid),
    });
  }

  /** One look at the node of `uid`: delete it, trim its references, or finish its foreground deletion. */
  async attemptToDeleteItem(uid: string): Promise<void> {
    const node = this.graph.node(uid);
    if (!node) return;
    // Someone else is deleting it, and it is not waiting on us.
    if (node.beingDeleted && !node.deletingDependents) return;
    let latest: KubeObject | undefined;
    try {
      latest = await this.getObject(node.identity);
    } catch (err) {
      if (err instanceof UnresolvableKindError) {
        this.logger.warn('garbage collector cannot resolve an owner kind', { object: identityString(node.identity), err: err.message });
        return;
      }
      throw err;
    }
    if (!latest || latest.metadata.uid !== uid) {
      this.graph.virtualDelete(node.identity);
      return;
    }
    await this.processItem(node, latest);
    if (!node.observed) this.attemptToDelete.addAfter(uid, this.unobservedRecheckMs);
  }

  private async processItem(node: GraphNode, latest: KubeObject): Promise<void> {
    if (node.deletingDependents) {
      await this.processDeletingDependents(node);
      return;
    }
    const refs = (latest.metadata.ownerReferences ?? []) as OwnerReference[];
    if (refs.length === 0) return;

    let classified: Awaited<ReturnType<GarbageCollector['classifyReferences']>>;
    try {
      classified = await this.classifyReferences(node, refs);
    } catch (err) {
      if (!(err instanceof NamespacedOwnerOfClusterScopedObjectError)) throw err;
      this.recorder.event(latest, 'Warning', 'OwnerRefInvalidNamespace', `ownerRef ${refs.map((r) => identityString(ownerIdentity(r, ''))).join(', ')} does not exist in namespace ""`);
      return;
    }
    const { solid, dangling, waiting } = classified;

    if (solid.length) {
      if (!dangling.length && !waiting.length) return;
      // References to owners in foreground deletion go too, or those owners would wait forever.
      await this.removeOwnerReferences(node, new Set([...dangling, ...waiting].map((r) => r.uid)));
      return;
    }
    if (waiting.length && node.dependents.size) {
      // An owner in foreground deletion takes this object and, first, its own dependents. A dependent
      // that itself waits for this one would be a cycle: stop blocking before going on.
      if ([...node.dependents].some((d) => d.deletingDependents)) await this.unblockOwnerReferences(node);
      await this.deleteObject(node, latest, 'Foreground');
      return;
    }
    // No owner left: garbage, deleted the way its own finalizers ask for.
    const finalizers = latest.metadata.finalizers ?? [];
    const policy: DeletionPropagation = finalizers.includes(OrphanFinalizer) ? 'Orphan' : finalizers.includes(ForegroundDeletionFinalizer) ? 'Foreground' : 'Background';
    await this.deleteObject(node, latest, policy);
  }

  /** An owner in foreground deletion: done once no dependent blocks it, else hurry the blockers. */
  private async processDeletingDependents(node: GraphNode): Promise<void> {
    const blocking = node.blockingDependents();
    if (blocking.length === 0) {
      await this.removeFinalizer(node, ForegroundDeletionFinalizer);
      return;
    }
    for (const dep of blocking) if (!dep.deletingDependents) this.attemptToDelete.add(dep.identity.uid);
  }

  /**
   * Sorts the references: owners that exist (solid), owners that do not (dangling), and owners in
   * foreground deletion waiting for their dependents.
   */
  private async classifyReferences(node: GraphNode, refs: readonly OwnerReference[]) {
    const solid: OwnerReference[] = [];
    const dangling: OwnerReference[] = [];
    const waiting: OwnerReference[] = [];
    for (const ref of refs) {
      let owner: KubeObject | undefined;
      try {
        owner = await this.liveOwner(ref, node);
      } catch (err) {
        if (!(err instanceof UnresolvableKindError)) throw err;
        // Unknown to the API: never collected on its account.
        this.logger.warn('garbage collector cannot resolve an owner kind', { object: identityString(node.identity), err: err.message });
        solid.push(ref);
        continue;
      }
      if (!owner) dangling.push(ref);
      else if (owner.metadata.deletionTimestamp && (owner.metadata.finalizers ?? []).includes(ForegroundDeletionFinalizer)) waiting.push(ref);
      else solid.push(ref);
    }
    return { solid, dangling, waiting };
  }

  /** The owner `ref` names, read live; undefined when it does not exist (or holds another uid). */
  private async liveOwner(ref: OwnerReference, node: GraphNode): Promise<KubeObject | undefined> {
    const id = ownerIdentity(ref, node.identity.namespace);
    if (this.graph.absentOwners.has(id)) return undefined;
    const info = registry.byApiVersionKind(ref.apiVersion, ref.kind);
    if (!info) throw new UnresolvableKindError(ref);
    if (info.namespaced && node.identity.namespace === '') throw new NamespacedOwnerOfClusterScopedObjectError();
    const owner = await this.getObject(id);
    if (!owner || owner.metadata.uid !== ref.uid) {
      this.graph.absentOwners.add(id);
      return undefined;
    }
    return owner;
  }

  /** Orphans the dependents of the node of `uid`, then lifts its orphan finalizer. */
  async attemptToOrphanItem(uid: string): Promise<void> {
    const owner = this.graph.node(uid);
    if (!owner) return;
    const dependents = [...owner.dependents];
    await forEachLimit(dependents, orphanConcurrency, (dep) => this.removeOwnerReferences(dep, new Set([uid])));
    await this.removeFinalizer(owner, OrphanFinalizer);
  }

  /** Reads the object `id` names; undefined when it does not exist. */
  private async getObject(id: ObjectIdentity): Promise<KubeObject | undefined> {
    const { gvr, namespace } = this.locate(id);
    try {
      return await this.client.get<KubeObject>(gvr, namespace, id.name);
    } catch (err) {
      if (hasReason(err, StatusReason.NotFound)) return undefined;
      throw err;
    }
  }

  private locate(id: ObjectIdentity): { info: ResourceInfo; gvr: GroupVersionResource; namespace: string } {
    const info = registry.byApiVersionKind(id.apiVersion, id.kind);
    if (!info) throw new UnresolvableKindError(id);
    return { info, gvr: { group: info.group, version: info.version, resource: info.resource }, namespace: info.namespaced ? id.namespace : '' };
  }

  /**
   * Deletes the object with uid and resourceVersion preconditions, so that an object that gained
   * an owner meanwhile is not deleted. When only other fields moved on, it deletes again without
   * the resourceVersion.
   */
  private async deleteObject(node: GraphNode, latest: KubeObject, policy: DeletionPropagation): Promise<void> {
    const { gvr, namespace } = this.locate(node.identity);
    const del = (resourceVersion?: string) =>
      this.client.delete(gvr, namespace, node.identity.name, {
        propagationPolicy: policy,
        preconditions: { uid: node.identity.uid, ...(resourceVersion ? { resourceVersion } : {}) },
      });
    try {
      await del(latest.metadata.resourceVersion);
    } catch (err) {
      if (hasReason(err, StatusReason.NotFound)) return;
      if (!hasReason(err, StatusReason.Conflict)) throw err;
      const live = await this.getObject(node.identity);
      if (!live) return;
      if (live.metadata.uid !== node.identity.uid || !sameOwners(live.metadata.ownerReferences, latest.metadata.ownerReferences)) throw err;
      try {
        await del();
      } catch (again) {
        if (!hasReason(again, StatusReason.NotFound)) throw again;
      }
    }
  }

  private removeOwnerReferences(node: GraphNode, uids: ReadonlySet<string>): Promise<void> {
    return this.patchMetadata(node, (obj) => {
      const refs = (obj.metadata.ownerReferences ?? []) as OwnerReference[];
      const kept = refs.filter((r) => !uids.has(r.uid));
      return kept.length === refs.length ? undefined : { ownerReferences: kept.length ? kept : null };
    });
  }

  private unblockOwnerReferences(node: GraphNode): Promise<void> {
    return this.patchMetadata(node, (obj) => {
      const refs = (obj.metadata.ownerReferences ?? []) as OwnerReference[];
      if (!refs.some((r) => r.blockOwnerDeletion === true)) return undefined;
      return { ownerReferences: refs.map((r) => (r.blockOwnerDeletion === true ? { ...r, blockOwnerDeletion: false } : r)) };
    });
  }

  private removeFinalizer(node: GraphNode, finalizer: string): Promise<void> {
    return this.patchMetadata(node, (obj) => {
      const finalizers = obj.metadata.finalizers ?? [];
      if (!finalizers.includes(finalizer)) return undefined;
      const kept = finalizers.filter((f) => f !== finalizer);
      return { finalizers: kept.length ? kept : null };
    });
  }

  /**
   * Read-modify-write of the live object's metadata as a merge patch pinned to the
   * resourceVersion read, retried on Conflict. `change` answers undefined when nothing is to be
   * done. An object that is gone (or was replaced) needs nothing.
   */
  private async patchMetadata(node: GraphNode, change: (obj: KubeObject) => Record<string, unknown> | undefined): Promise<void> {
    const { gvr, namespace } = this.locate(node.identity);
    for (let attempt = 0; ; attempt++) {
      const obj = await this.getObject(node.identity);
      if (!obj || obj.metadata.uid !== node.identity.uid) return;
      const patch = change(obj);
      if (!patch) return;
      try {
        await this.client.patch(gvr, namespace, node.identity.name, PatchType.MergePatch, {
          metadata: { ...patch, resourceVersion: obj.metadata.resourceVersion },
        });
        return;
      } catch (err) {
        if (hasReason(err, StatusReason.NotFound)) return;
        if (!hasReason(err, StatusReason.Conflict) || attempt >= conflictRetries) throw err;
      }
    }
  }
}

function sameOwners(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
}

async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      try {
        await fn(item);
      } catch (err) {
        errors.push(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (errors.length) throw errors[0];
}
