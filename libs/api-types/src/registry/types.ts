import type { KubeObject } from '../types/object';

/** The verbs discovery lists for a resource (`kubectl api-resources -o wide`), in Kubernetes' order. */
export const Verb = {
  Create: 'create',
  Delete: 'delete',
  DeleteCollection: 'deletecollection',
  Get: 'get',
  List: 'list',
  Patch: 'patch',
  Update: 'update',
  Watch: 'watch',
} as const;
export type Verb = (typeof Verb)[keyof typeof Verb];

/** An API group and version; '' is the core (legacy) group served under /api. */
export interface GroupVersion {
  group: string;
  version: string;
}

export interface GroupVersionResource extends GroupVersion {
  /** Plural, lower-case resource name: `pods`. */
  resource: string;
}

export interface GroupVersionKind extends GroupVersion {
  /** CamelCase kind: `Pod`. */
  kind: string;
}

/**
 * The value of one selectable field of an object, as the field selector compares it: always a
 * string, with Kubernetes' rendering of absent values ('' for strings, 'false' for booleans,
 * '0' for counts). Reads the object in the shape of the entry's own group version.
 */
export type FieldGetter = (obj: KubeObject) => string;

/** A subresource (`pods/status`, `deployments/scale`) and the kind it takes and returns. */
export interface SubresourceInfo {
  /** The path segment after the object's name: `status`, `scale`, `log`. */
  name: string;
  /** Group of the kind; differs from the parent's for e.g. `scale` (autoscaling) and `eviction` (policy). */
  group: string;
  version: string;
  /** `Scale`, `Eviction`, `PodExecOptions`, or the parent's own kind for `status`. */
  kind: string;
  verbs: readonly Verb[];
}

/** One served resource at one group version: a row of `kubectl api-resources`. */
export interface ResourceInfo {
  group: string;
  version: string;
  /** `v1` for the core group, otherwise `<group>/<version>`: what objects carry in apiVersion. */
  apiVersion: string;
  kind: string;
  /** The list kind, `<kind>List`. */
  listKind: string;
  /** Plural, lower-case name used in URLs: `pods`. */
  resource: string;
  /** Lower-case singular name: `pod`; kubectl accepts it in place of the plural. */
  singular: string;
  namespaced: boolean;
  /** Short names exactly as Kubernetes lists them: `po`, `deploy`. */
  shortNames: readonly string[];
  /** Categories (`all`) that `kubectl get all` expands. */
  categories: readonly string[];
  /** Verbs on the resource itself, in Kubernetes' order. */
  verbs: readonly Verb[];
  /** Subresources, sorted by name. */
  subresources: readonly SubresourceInfo[];
  /**
   * Fields a field selector may name, with how to read each. Always holds `metadata.name`, and
   * `metadata.namespace` for namespaced resources. A selector naming any other field is a 400.
   */
  selectableFields: ReadonlyMap<string, FieldGetter>;
  /**
   * The key segment under `/registry/` where objects are kept; shared by the versions (and groups)
   * that store the same objects. `undefined` for virtual resources that have no storage
   * (bindings, componentstatuses).
   */
  storageResource: string | undefined;
  /**
   * Discovery's storageVersionHash: an opaque hash of the storage version's group/version/kind,
   * equal to Kubernetes' own. `undefined` for virtual resources.
   */
  storageVersionHash: string | undefined;
}

/** A group with the versions it serves, most preferred first. */
export interface GroupVersions {
  group: string;
  /** Served versions, most preferred first. */
  versions: readonly string[];
  /** `versions[0]`, the version clients use when they name none. */
  preferredVersion: string;
}
