import { SelectorError, SelectorKind } from './errors';
import type { FieldSet } from './field-selector';
import { goQuote } from './go-strings';

/** The fields every resource can be selected by, whatever its kind. */
export const DefaultSelectableFields = {
  Name: 'metadata.name',
  Namespace: 'metadata.namespace',
} as const;

/** The least an object must have for its default fields to be read. */
export interface ObjectWithMetadata {
  readonly metadata?: { readonly name?: string; readonly namespace?: string } | null;
}

/**
 * The fields of `obj` that any field selector may use, as the apiserver's generic registry computes them
 * (generic.ObjectMetaFieldsSet): `metadata.name`, plus `metadata.namespace` for namespaced kinds. Missing
 * metadata reads as "". Kinds with more selectable fields (`status.phase`, `spec.nodeName`, ...) extend
 * this set.
 */
export function defaultFieldSet(obj: ObjectWithMetadata, namespaced = true): FieldSet {
  const name = obj.metadata?.name ?? '';
  if (!namespaced) return { [DefaultSelectableFields.Name]: name };
  return { [DefaultSelectableFields.Name]: name, [DefaultSelectableFields.Namespace]: obj.metadata?.namespace ?? '' };
}

/**
 * The field label conversion every kind starts from (runtime.DefaultMetaV1FieldSelectorConversion):
 * accepts `metadata.name` and `metadata.namespace` unchanged and rejects anything else with
 * Kubernetes' message (`"foo.bar" is not a known field selector: only "metadata.name",
 * "metadata.namespace"`). Shaped to be passed to `FieldsSelector.parseAndTransform`.
 */
export function defaultFieldLabelConversion(field: string, value: string): { field: string; value: string } {
  if (field === DefaultSelectableFields.Name || field === DefaultSelectableFields.Namespace) return { field, value };
  throw new SelectorError(
    SelectorKind.Field,
    `${goQuote(field)} is not a known field selector: only ${goQuote(DefaultSelectableFields.Name)}, ${goQuote(DefaultSelectableFields.Namespace)}`,
  );
}
