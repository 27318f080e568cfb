import { StatusReason, hasReason, type metav1 } from '@tskube/api-types';
import { PatchType, type ApiClient, type GroupVersionResource } from '@tskube/client';
import { controllerRefOf } from './pods';

/** An object that can own others: what an ownerReference names. */
export interface Owner {
  apiVersion: string;
  kind: string;
  metadata: metav1.ObjectMeta;
}

/** An object that can be owned. */
export interface Ownable {
  metadata?: metav1.ObjectMeta;
}

/** The ownerReference a controller puts on what it creates or adopts (metav1.NewControllerRef). */
export function newControllerRef(owner: Owner): metav1.OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** One JSON Patch operation. */
export type JsonPatchOp = { op: 'test' | 'add' | 'replace'; path: string; value: unknown } | { op: 'remove'; path: string };

/**
 * The JSON patch that makes `owner` the controller of `obj`. It tests the uid (a recreated object
 * of the same name is not adopted) and the owner list as read, so a concurrent change of the
 * owners fails the patch (422) instead of being overwritten. Kubernetes sends a strategic merge
 * patch keyed by uid; a JSON patch needs no list-merge support from the server.
 */
export function adoptPatch(obj: Ownable, owner: Owner): JsonPatchOp[] {
  const ref = newControllerRef(owner);
  const refs = obj.metadata?.ownerReferences;
  const ops: JsonPatchOp[] = [{ op: 'test', path: '/metadata/uid', value: obj.metadata?.uid ?? '' }];
  if (refs && refs.length > 0) {
    ops.push({ op: 'test', path: '/metadata/ownerReferences', value: refs }, { op: 'add', path: '/metadata/ownerReferences/-', value: ref });
  } else {
    ops.push({ op: 'add', path: '/metadata/ownerReferences', value: [ref] });
  }
  return ops;
}

/**
 * The JSON patch that removes `ownerUid`'s reference from `obj`; undefined when there is none.
 * The test of the uid at that index makes a concurrent change of the list fail the patch.
 */
export function releasePatch(obj: Ownable, ownerUid: string): JsonPatchOp[] | undefined {
  const refs = obj.metadata?.ownerReferences ?? [];
  const i = refs.findIndex((r) => r.uid === ownerUid);
  if (i < 0) return undefined;
  return [
    { op: 'test', path: '/metadata/uid', value: obj.metadata?.uid ?? '' },
    { op: 'test', path: `/metadata/ownerReferences/${i}/uid`, value: ownerUid },
    { op: 'remove', path: `/metadata/ownerReferences/${i}` },
  ];
}

export interface ClaimOptions<T extends Ownable> {
  /** The controller claiming. */
  owner: Owner;
  /** Whether `obj` belongs to the owner by its labels (the selector, and any further filter). */
  match(obj: T): boolean;
  /**
   * Checks against the server (not a cache) that the owner may adopt: still there with the same
   * uid and not being deleted. Called at most once per claim, and only if something is to be
   * adopted; throws when adoption must not happen (RecheckDeletionTimestamp).
   */
  canAdopt(): Promise<void>;
  /** Makes the owner the controller of `obj` (patches it). */
  adopt(obj: T): Promise<void>;
  /** Removes the owner's reference from `obj` (patches it). */
  release(obj: T): Promise<void>;
}

/** What a claim found. */
export interface ClaimResult<T> {
  /** The objects the owner controls after the claim: already owned and matching, or adopted. */
  claimed: T[];
  /** Adoptions and releases that failed; the caller retries the whole sync. */
  errors: unknown[];
}

/**
 * Sorts `objects` into the owner's and the others, fixing ownership on the way, as Kubernetes'
 * ControllerRefManager.ClaimObject:
 * - owned by another controller: left alone;
 * - owned by this owner and matching: kept;
 * - owned by this owner but no longer matching: released (unless the owner is being deleted);
 * - orphaned, matching, in the owner's namespace, neither side being deleted: adopted.
 * An object that disappears while being adopted or released is skipped without error.
 */
export async function claimObjects<T extends Ownable>(objects: readonly T[], options: ClaimOptions<T>): Promise<ClaimResult<T>> {
  const { owner } = options;
  const ownerUid = owner.metadata.uid;
  const ownerDeleting = Boolean(owner.metadata.deletionTimestamp);
  const claimed: T[] = [];
  const errors: unknown[] = [];
  let adoptable: Promise<void> | undefined;

  for (const obj of objects) {
    const ref = controllerRefOf(obj);
    if (ref) {
      if (ref.uid !== ownerUid) continue;
      if (options.match(obj)) {
        claimed.push(obj);
        continue;
      }
      if (ownerDeleting) continue;
      try {
        await options.release(obj);
      } catch (err) {
        // Gone, or its owners changed under us (the patch's tests failed): nothing left to release.
        if (!hasReason(err, StatusReason.NotFound) && !hasReason(err, StatusReason.Invalid)) errors.push(err);
      }
      continue;
    }
    if (ownerDeleting || !options.match(obj)) continue;
    if (obj.metadata?.deletionTimestamp) continue;
    if (owner.metadata.namespace && owner.metadata.namespace !== obj.metadata?.namespace) continue;
    try {
      adoptable ??= options.canAdopt();
      await adoptable;
      await options.adopt(obj);
      claimed.push(obj);
    } catch (err) {
      if (!hasReason(err, StatusReason.NotFound)) errors.push(err);
    }
  }
  return { claimed, errors };
}

/**
 * The `canAdopt` of `claimObjects` for an owner of resource `gvr`: reads it from the server and
 * refuses when its uid changed or it is being deleted.
 */
export function recheckOwner(client: ApiClient, gvr: GroupVersionResource, owner: Owner): () => Promise<void> {
  return async () => {
    const fresh = await client.get<Owner>(gvr, owner.metadata.namespace ?? '', owner.metadata.name ?? '');
    if (fresh.metadata.uid !== owner.metadata.uid) {
      throw new Error(`original ${owner.metadata.namespace}/${owner.metadata.name} is gone: got uid ${fresh.metadata.uid}, wanted ${owner.metadata.uid}`);
    }
    if (fresh.metadata.deletionTimestamp) {
      throw new Error(`${owner.metadata.namespace}/${owner.metadata.name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
    }
  };
}

/** `adopt` and `release` of `claimObjects` through JSON patches of resource `gvr`. */
export function patchOwnership<T extends Ownable>(client: ApiClient, gvr: GroupVersionResource, owner: Owner): Pick<ClaimOptions<T>, 'adopt' | 'release'> {
  return {
    adopt: async (obj) => {
      await client.patch(gvr, obj.metadata?.namespace ?? '', obj.metadata?.name ?? '', PatchType.JSONPatch, adoptPatch(obj, owner));
    },
    release: async (obj) => {
      const patch = releasePatch(obj, owner.metadata.uid ?? '');
      if (patch) await client.patch(gvr, obj.metadata?.namespace ?? '', obj.metadata?.name ?? '', PatchType.JSONPatch, patch);
    },
  };
}
