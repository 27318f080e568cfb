import type { metav1 } from '@tskube/api-types';
import { fieldDocs } from './descriptions';

/** What a printer may know besides the object itself. */
export interface RowContext {
  /** The instant ages are measured from. */
  now: Date;
  /** API group the object was requested through (events print the same from `""` and `events.k8s.io`). */
  group: string;
}

/** The printed part of one row: its cells and, for finished pods, a Completed condition. */
export interface PrintedRow {
  /** One JSON scalar per column definition, in the same order. */
  cells: unknown[];
  conditions?: metav1.TableRowCondition[];
}

/**
 * One resource's server-side printing (a handler of Kubernetes' printers/internalversion). The
 * apiserver always prints wide, as kube-apiserver does: `columns` include the priority-1 columns and
 * every row fills them; kubectl hides them unless asked for `-o wide`.
 */
export interface Printer<T = unknown> {
  /** Column definitions in cell order. */
  readonly columns: readonly metav1.TableColumnDefinition[];
  /** The row for one object. Never throws on a partial or odd object: it prints what is there. */
  row(obj: T, ctx: RowContext): PrintedRow;
}

/** A printer over a typed object, erased to the untyped form the registry holds. */
export function printer<T>(columns: readonly metav1.TableColumnDefinition[], row: (obj: T, ctx: RowContext) => unknown[] | PrintedRow): Printer {
  return {
    columns,
    row(obj, ctx) {
      const out = row(obj as T, ctx);
      return Array.isArray(out) ? { cells: out } : out;
    },
  };
}

/** A column definition; `format` is '' and `priority` 0 unless given, as Kubernetes serialises them. */
export function column(name: string, type: 'string' | 'integer' | 'number' | 'boolean' | 'date', description: string, options: { format?: string; priority?: number } = {}): metav1.TableColumnDefinition {
  return { name, type, format: options.format ?? '', description, priority: options.priority ?? 0 };
}

/** A wide-only column (priority 1). */
export function wide(name: string, type: 'string' | 'integer' | 'boolean', description: string): metav1.TableColumnDefinition {
  return column(name, type, description, { priority: 1 });
}

/** NAME: every printer's first column but the event printer's. */
export const nameColumn = column('Name', 'string', fieldDocs.name, { format: 'name' });
/** AGE: creationTimestamp as a human duration. */
export const ageColumn = column('Age', 'string', fieldDocs.creationTimestamp);

export const containersDoc = 'Names of each container in the template.';
export const imagesDoc = 'Images referenced by each container in the template.';
