import type { ListMeta, ObjectMeta } from 'kubernetes-types/meta/v1';

/**
 * Any API object as plain JSON, whatever its kind: what the generic parts of the apiserver and the
 * clients handle. The kind-specific types (`corev1.Pod`, ...) declare apiVersion, kind and metadata
 * optional, as in a manifest; a KubeObject is one the server has accepted, so they are present.
 */
export interface KubeObject {
  /** `v1` for the core group, otherwise `<group>/<version>`. */
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** A list response (`PodList`, ...): kind is the item kind with `List` appended. */
export interface KubeList<T = KubeObject> {
  apiVersion: string;
  kind: string;
  /** resourceVersion of the snapshot, continue token and remainingItemCount when paginated. */
  metadata: ListMeta;
  items: T[];
}
