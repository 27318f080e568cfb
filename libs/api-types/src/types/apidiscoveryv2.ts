/**
 * apidiscovery.k8s.io/v2: aggregated discovery, what `/api` and `/apis` return for
 * `Accept: application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList`.
 * `kubernetes-types` does not include this group.
 */
import type { ListMeta, ObjectMeta } from 'kubernetes-types/meta/v1';

/** A fully qualified kind; '' group is the core group. */
export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** Every group (or, for `/api`, the core group alone) with all its served versions. */
export interface APIGroupDiscoveryList {
  apiVersion: 'apidiscovery.k8s.io/v2';
  kind: 'APIGroupDiscoveryList';
  metadata: ListMeta;
  /** Groups in the server's priority order; the first version of each is the preferred one. */
  items: APIGroupDiscovery[];
}

/** One API group; metadata.name is the group name ('' for core). */
export interface APIGroupDiscovery {
  apiVersion?: 'apidiscovery.k8s.io/v2';
  kind?: 'APIGroupDiscovery';
  metadata: ObjectMeta;
  /** Versions in preference order, most preferred first. */
  versions: APIVersionDiscovery[];
}

export interface APIVersionDiscovery {
  /** e.g. `v1`, `v2`. */
  version: string;
  /** Resources sorted by name. */
  resources: APIResourceDiscovery[];
  /** `Stale` when an aggregated server could not be reached. */
  freshness?: 'Current' | 'Stale';
}

export interface APIResourceDiscovery {
  /** Plural resource name, e.g. `pods`. */
  resource: string;
  /** The kind the resource returns; empty group/version mean the containing group version. */
  responseKind: GroupVersionKind;
  scope: 'Cluster' | 'Namespaced';
  singularResource: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: APISubresourceDiscovery[];
}

export interface APISubresourceDiscovery {
  /** e.g. `status`, `scale`. */
  subresource: string;
  /** The kind the subresource returns; empty group/version mean the parent's. */
  responseKind?: GroupVersionKind;
  /** Kinds accepted in request bodies, when they differ from responseKind. */
  acceptedTypes?: GroupVersionKind[];
  verbs: string[];
}
