/**
 * meta.k8s.io/v1: everything `kubernetes-types` declares, plus the server-side types it leaves out
 * (Table, PartialObjectMetadata, a typed WatchEvent). Consumers see it as the `metav1` namespace.
 */
import type { ListMeta, ObjectMeta, Status } from 'kubernetes-types/meta/v1';

export type * from 'kubernetes-types/meta/v1';

/** The `type` of a watch event. BOOKMARK carries only metadata.resourceVersion; ERROR carries a Status. */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/**
 * One line of a watch stream (`?watch=1`). Replaces the package's untyped WatchEvent (whose
 * `object` is an empty RawExtension): `object` is the watched object, or a Status for ERROR.
 */
export interface WatchEvent<T = unknown> {
  /** What happened; ERROR means the stream ends after this event. */
  type: WatchEventType;
  /** The object after the change (before it, for DELETED); a metav1 Status for ERROR. */
  object: T | Status;
}

/**
 * One column of a server-side printed table. Mirrors metav1.TableColumnDefinition; `type` is an
 * OpenAPI type (`string`, `integer`, `number`, `boolean`, `date`) and `format` an OpenAPI format
 * (`name` marks the column kubectl prints as the object's name).
 */
export interface TableColumnDefinition {
  /** Human-readable header, e.g. `Name`, `Ready`. */
  name: string;
  /** OpenAPI type of the cells in this column. */
  type: string;
  /** OpenAPI format hint, or '' for none. */
  format: string;
  /** What the column shows. */
  description: string;
  /** 0 for columns printed by default; higher numbers only in wide output (`-o wide`). */
  priority: number;
}

/** A condition on a table row; Kubernetes defines only `Completed` (pods that finished, ...). */
export interface TableRowCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

/** One row of a server-side printed table: one cell per column definition, in order. */
export interface TableRow {
  /** Cell values as JSON scalars (string, number, boolean) or null for an empty cell. */
  cells: unknown[];
  conditions?: TableRowCondition[];
  /**
   * The object the row describes, as `includeObject` asked: absent for None, a
   * PartialObjectMetadata for Metadata (the default), the whole object for Object.
   */
  object?: unknown;
}

/** meta.k8s.io/v1 Table: what `Accept: application/json;as=Table;g=meta.k8s.io;v=v1` returns. */
export interface Table {
  apiVersion: 'meta.k8s.io/v1';
  kind: 'Table';
  /** resourceVersion, continue and remainingItemCount of the list the rows came from. */
  metadata: ListMeta;
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

/** `includeObject` query parameter for Table responses. */
export type IncludeObjectPolicy = 'None' | 'Metadata' | 'Object';

/** An object reduced to its metadata (`as=PartialObjectMetadata`), e.g. for the garbage collector. */
export interface PartialObjectMetadata {
  apiVersion: 'meta.k8s.io/v1';
  kind: 'PartialObjectMetadata';
  metadata: ObjectMeta;
}

/** A list of PartialObjectMetadata (`as=PartialObjectMetadataList`). */
export interface PartialObjectMetadataList {
  apiVersion: 'meta.k8s.io/v1';
  kind: 'PartialObjectMetadataList';
  metadata: ListMeta;
  items: PartialObjectMetadata[];
}
