import type { KubeObject } from '@tskube/api-types';
import {
  AbsentOwnerCache,
  ForegroundDeletionFinalizer,
  GraphNode,
  OrphanFinalizer,
  identityOf,
  ownerIdentity,
  referencesDiff,
  type ObjectIdentity,
  type OwnerReference,
} from './graph';

/** Where the graph sends the nodes that need a look. */
export interface GraphQueues {
  /** The node may be garbage now (its owners changed or went away), or is virtual and unverified. */
  attemptToDelete(node: GraphNode): void;
  /** The node is being deleted with the orphan finalizer: its dependents must let go of it. */
  attemptToOrphan(node: GraphNode): void;
}

/**
 * The ownership graph of every object the informers see, as Kubernetes' GraphBuilder keeps it:
 * nodes by uid, each knowing its owners and dependents. Changes are applied as the informers
 * report them; a change that can make something garbage (an owner deleted, a reference that
 * points nowhere, a deletion waiting for dependents or orphaning them) puts the nodes concerned
 * on the collector's queues.
 *
 * JavaScript runs the informers' handlers and the collector's workers on one thread, so the
 * handlers apply changes directly rather than through Kubernetes' graphChanges queue: each costs
 * time in proportion to the object's owners and dependents only.
 */
export class GraphBuilder {
  private readonly nodes = new Map<string, GraphNode>();
  /** Owners a live read found absent; spares a read per dependent when many share one owner. */
  readonly absentOwners = new AbsentOwnerCache();

  constructor(private readonly queues: GraphQueues) {}

  /** The node of `uid`, observed or virtual. */
  node(uid: string): GraphNode | undefined {
    return this.nodes.get(uid);
  }

  get size(): number {
    return this.nodes.size;
  }

  /** An informer reported `obj` as added or updated. */
  observe(obj: KubeObject): void {
    const uid = obj.metadata.uid;
    if (!uid) return;
    const owners = (obj.metadata.ownerReferences ?? []) as OwnerReference[];
    let node = this.nodes.get(uid);
    if (!node) {
      node = new GraphNode(identityOf(obj), true);
      this.nodes.set(uid, node);
      node.owners = owners;
      this.addDependentToOwners(node, owners);
    } else {
      if (!node.observed) {
        node.observed = true;
        node.identity = identityOf(obj);
      }
      const diff = referencesDiff(node.owners, owners);
      if (diff.added.length || diff.removed.length || diff.changed.length) {
        node.owners = owners;
        this.addDependentToOwners(node, diff.added);
        this.removeDependentFromOwners(node, diff.removed);
        this.enqueueUnblockedOwners(diff.removed, diff.changed);
      }
    }
    this.processTransitions(node, obj);
  }

  /** An informer reported `obj` as deleted (from the watch, or a tombstone after a relist). */
  observeDeleted(obj: KubeObject): void {
    const uid = obj.metadata.uid;
    const node = uid ? this.nodes.get(uid) : undefined;
    if (!node) return;
    this.removeNode(node, identityOf(obj));
  }

  /**
   * A live read found the object `identity` names absent (or holding another uid) although the
   * graph has a node for its uid: the graph forgets it, and dependents that name it that way are
   * looked at again. An observed node whose real coordinates differ stays: only the dependents
   * whose references disagree with it point at nothing.
   */
  virtualDelete(identity: ObjectIdentity): void {
    const node = this.nodes.get(identity.uid);
    if (!node) return;
    const sameCoordinates =
      node.identity.name === identity.name && node.identity.kind === identity.kind && node.identity.namespace === identity.namespace;
    if (!node.observed || sameCoordinates) {
      this.removeNode(node, identity);
      return;
    }
    const wrong = node.dependentsReferencing(identity);
    if (wrong.length) {
      this.absentOwners.add(identity);
      for (const dep of wrong) this.queues.attemptToDelete(dep);
    }
  }

  private removeNode(node: GraphNode, identity: ObjectIdentity): void {
    this.nodes.delete(node.identity.uid);
    this.removeDependentFromOwners(node, node.owners);
    if (node.dependents.size) this.absentOwners.add(identity);
    for (const dep of node.dependents) this.queues.attemptToDelete(dep);
    for (const ref of node.owners) {
      const owner = this.nodes.get(ref.uid);
      // A foreground deletion may be waiting for exactly this dependent.
      if (owner?.deletingDependents) this.queues.attemptToDelete(owner);
    }
  }

  private addDependentToOwners(node: GraphNode, refs: readonly OwnerReference[]): void {
    for (const ref of refs) {
      let owner = this.nodes.get(ref.uid);
      if (!owner) {
        // Known only from this reference until an informer shows it: the collector checks whether
        // it exists at all.
        owner = new GraphNode(ownerIdentity(ref, node.identity.namespace), false);
        this.nodes.set(ref.uid, owner);
        owner.dependents.add(node);
        this.queues.attemptToDelete(owner);
        continue;
      }
      owner.dependents.add(node);
      // A dependent that shows up while its owner waits for its dependents goes too.
      if (owner.deletingDependents) this.queues.attemptToDelete(node);
    }
  }

  private removeDependentFromOwners(node: GraphNode, refs: readonly OwnerReference[]): void {
    for (const ref of refs) {
      const owner = this.nodes.get(ref.uid);
      if (!owner) continue;
      owner.dependents.delete(node);
      // A virtual owner nobody names any more is of no interest.
      if (!owner.observed && owner.dependents.size === 0) this.nodes.delete(ref.uid);
    }
  }

  /**
   * Owners in foreground deletion that a dependent stopped blocking (the reference was removed or
   * lost blockOwnerDeletion) may be able to finish.
   */
  private enqueueUnblockedOwners(removed: readonly OwnerReference[], changed: ReadonlyArray<[OwnerReference, OwnerReference]>): void {
    const unblocked = [
      ...removed.filter((r) => r.blockOwnerDeletion === true),
      ...changed.filter(([o, n]) => o.blockOwnerDeletion === true && n.blockOwnerDeletion !== true).map(([o]) => o),
    ];
    for (const ref of unblocked) {
      const owner = this.nodes.get(ref.uid);
      if (owner?.deletingDependents) this.queues.attemptToDelete(owner);
    }
  }

  /** Deletion starting with the orphan or foregroundDeletion finalizer sets the collector to work. */
  private processTransitions(node: GraphNode, obj: KubeObject): void {
    const beingDeleted = Boolean(obj.metadata.deletionTimestamp);
    const finalizers = obj.metadata.finalizers ?? [];
    const orphaning = beingDeleted && finalizers.includes(OrphanFinalizer);
    const deletingDependents = beingDeleted && finalizers.includes(ForegroundDeletionFinalizer);
    const startsOrphaning = orphaning && !node.orphaning;
    const startsDeletingDependents = deletingDependents && !node.deletingDependents;
    node.beingDeleted = beingDeleted;
    node.orphaning = orphaning;
    node.deletingDependents = deletingDependents;
    if (startsOrphaning) {
      this.queues.attemptToOrphan(node);
      return;
    }
    if (startsDeletingDependents) {
      for (const dep of node.dependents) this.queues.attemptToDelete(dep);
      this.queues.attemptToDelete(node);
    }
  }
}

