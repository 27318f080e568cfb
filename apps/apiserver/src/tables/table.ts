/**
 * Server-side printing: the meta.k8s.io/v1 Table kube-apiserver answers to
 * `Accept: application/json;as=Table;v=v1;g=meta.k8s.io` (kubectl's human output).
 */
import type { metav1 } from '@tskube/api-types';
import { printerFor } from './registry';

/** The resource being printed; `version` and `kind` fill in the type of whole objects that lack it. */
export interface TableResource {
  /** API group, `""` for core. */
  group: string;
  /** Plural resource name (`pods`). */
  resource: string;
  /** Version the objects are served at; with `kind`, used for `includeObject=Object` rows. */
  version?: string;
  kind?: string;
}

/** The list metadata a Table carries over; any JSON-shaped ListMeta will do. */
export interface ListMetaLike {
  resourceVersion?: unknown;
  continue?: unknown;
  remainingItemCount?: unknown;
}

export interface BuildTableOptions {
  /**
   * What each row's `object` holds: `Metadata` (the default) a PartialObjectMetadata, `Object` the
   * whole object, `None` nothing.
   */
  includeObject?: metav1.IncludeObjectPolicy;
  /** The instant ages are measured from; defaults to the current time. */
  now?: Date;
  /** resourceVersion, continue and remainingItemCount of the list the objects came from. */
  listMeta?: ListMetaLike;
  /** Leave out column definitions (TableOptions.noHeaders), as later events of a watch do. */
  noHeaders?: boolean;
}

/**
 * Prints `objects` of one resource as a Table: the resource's columns (wide ones included, with
 * priority 1) and one row per object in the given order. Never throws for odd objects; a resource
 * without a printer of its own gets NAME and CREATED AT.
 */
export function buildTable(resource: TableResource, objects: readonly object[], options: BuildTableOptions = {}): metav1.Table {
  const printer = printerFor(resource);
  const ctx = { now: options.now ?? new Date(), group: resource.group };
  const includeObject = options.includeObject ?? 'Metadata';
  const rows = objects.map((obj): metav1.TableRow => {
    const printed = printer.row(obj, ctx);
    const row: metav1.TableRow = { cells: printed.cells };
    if (printed.conditions) row.conditions = printed.conditions;
    const embedded = rowObject(resource, obj, includeObject);
    if (embedded !== undefined) row.object = embedded;
    return row;
  });
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta(options.listMeta),
    columnDefinitions: options.noHeaders ? [] : printer.columns.map((c) => ({ ...c })),
    rows,
  };
}

/** The Table for one object (a GET): one row, and the object's resourceVersion as the table's. */
export function buildTableForObject(resource: TableResource, object: object, options: Omit<BuildTableOptions, 'listMeta'> = {}): metav1.Table {
  const metadata = (object as { metadata?: { resourceVersion?: unknown } }).metadata;
  return buildTable(resource, [object], { ...options, listMeta: { resourceVersion: metadata?.resourceVersion } });
}

/** Only the fields that are set, as Go's omitempty leaves them. */
function listMeta(meta: ListMetaLike | undefined): metav1.ListMeta {
  const rv = meta?.resourceVersion;
  const cont = meta?.continue;
  const remaining = meta?.remainingItemCount;
  return {
    ...(typeof rv === 'string' && rv !== '' ? { resourceVersion: rv } : {}),
    ...(typeof cont === 'string' && cont !== '' ? { continue: cont } : {}),
    ...(typeof remaining === 'number' ? { remainingItemCount: remaining } : {}),
  };
}

function rowObject(resource: TableResource, obj: object, includeObject: metav1.IncludeObjectPolicy): unknown {
  switch (includeObject) {
    case 'None':
      return undefined;
    case 'Object': {
      const typed = obj as { apiVersion?: unknown; kind?: unknown };
      if ((typed.apiVersion && typed.kind) || !resource.version || !resource.kind) return obj;
      const apiVersion = resource.group ? `${resource.group}/${resource.version}` : resource.version;
      return { kind: resource.kind, apiVersion, ...obj };
    }
    default: {
      const partial: metav1.PartialObjectMetadata = {
        kind: 'PartialObjectMetadata',
        apiVersion: 'meta.k8s.io/v1',
        metadata: { ...(obj as { metadata?: metav1.ObjectMeta }).metadata },
      };
      return partial;
    }
  }
}
