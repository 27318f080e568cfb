import type { LabelSelector, LabelSelectorRequirement, ObjectMeta, OwnerReference } from 'kubernetes-types/meta/v1';
import { semanticEqual } from './equal';
import { type FieldError, type FieldPath, fieldPath, forbidden, invalid, notSupported, required, tooLong } from './field';
import { type NameValidator, byteLength, isQualifiedName, isValidLabelValue, nameIsDNSLabel } from './name';

/**
 * Validation of `metadata` shared by every kind, and of the metav1 building blocks (labels,
 * annotations, label selectors): k8s.io/apimachinery pkg/api/validation and
 * pkg/apis/meta/v1/validation, plus the finalizer rule pkg/apis/core/validation adds for
 * built-in kinds.
 */

export const FIELD_IMMUTABLE_ERROR_MSG = 'field is immutable';
export const IS_NEGATIVE_ERROR_MSG = 'must be greater than or equal to 0';
/** Annotations may hold at most 256 KiB, keys and values together. */
export const TOTAL_ANNOTATION_SIZE_LIMIT_BYTES = 256 * 1024;

/** `Invalid value: <v>: must be greater than or equal to 0` when v < 0. */
export function validateNonnegativeField(value: number, path: FieldPath): FieldError[] {
  return value < 0 ? [invalid(path, value, IS_NEGATIVE_ERROR_MSG)] : [];
}

/** `Invalid value: <new>: field is immutable` when the value changed (semantic equality). */
export function validateImmutableField(newVal: unknown, oldVal: unknown, path: FieldPath): FieldError[] {
  return semanticEqual(newVal, oldVal) ? [] : [invalid(path, newVal, FIELD_IMMUTABLE_ERROR_MSG)];
}

/** A label key: one error per violated rule, all at `path` (Kubernetes does not index by key). */
export function validateLabelName(key: string, path: FieldPath): FieldError[] {
  return isQualifiedName(key).map((msg) => invalid(path, key, msg));
}

/** Every key and value of a label map, errors at the map's own path. */
export function validateLabels(labels: Record<string, string> | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    errs.push(...validateLabelName(k, path));
    for (const msg of isValidLabelValue(v ?? '')) errs.push(invalid(path, v, msg));
  }
  return errs;
}

/** Total bytes of keys and values, the measure of the 256 KiB limit. */
export function annotationsSize(annotations: Record<string, string> | undefined): number {
  let total = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) total += byteLength(k) + byteLength(v ?? '');
  return total;
}

/**
 * Annotation keys are qualified names, checked in lower case (so upper-case prefixes pass), and
 * all annotations together fit in 256 KiB (`Too long: must have at most 262144 bytes`).
 */
export function validateAnnotations(annotations: Record<string, string> | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of Object.keys(annotations ?? {})) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(invalid(path, k, msg));
  }
  if (annotationsSize(annotations) > TOTAL_ANNOTATION_SIZE_LIMIT_BYTES) {
    errs.push(tooLong(path, '', TOTAL_ANNOTATION_SIZE_LIMIT_BYTES));
  }
  return errs;
}

/** Options of label selector validation. */
export interface LabelSelectorValidationOptions {
  /** Skip the syntax check of matchExpressions values (for objects stored before it existed). */
  allowInvalidLabelValueInSelector?: boolean;
}

/** A `metav1.LabelSelector`: its matchLabels as labels, each matchExpression's operator, key and values. */
export function validateLabelSelector(
  selector: LabelSelector | undefined,
  path: FieldPath,
  opts: LabelSelectorValidationOptions = {},
): FieldError[] {
  if (!selector) return [];
  const errs = validateLabels(selector.matchLabels, path.child('matchLabels'));
  (selector.matchExpressions ?? []).forEach((expr, i) => {
    errs.push(...validateLabelSelectorRequirement(expr, path.child('matchExpressions').index(i), opts));
  });
  return errs;
}

function validateLabelSelectorRequirement(
  req: LabelSelectorRequirement,
  path: FieldPath,
  opts: LabelSelectorValidationOptions,
): FieldError[] {
  const errs: FieldError[] = [];
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) {
        errs.push(required(path.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      }
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) {
        errs.push(forbidden(path.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      }
      break;
    default:
      errs.push(invalid(path.child('operator'), req.operator ?? '', 'not a valid selector operator'));
  }
  errs.push(...validateLabelName(req.key ?? '', path.child('key')));
  if (!opts.allowInvalidLabelValueInSelector) {
    values.forEach((v, i) => {
      for (const msg of isValidLabelValue(v)) errs.push(invalid(path.child('values').index(i), v, msg));
    });
  }
  return errs;
}

interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** schema.FromAPIVersionAndKind: an unparsable apiVersion leaves group and version empty. */
function gvkOf(apiVersion: string, kind: string): GroupVersionKind {
  if (apiVersion === '' || apiVersion === '/') return { group: '', version: '', kind };
  const parts = apiVersion.split('/');
  if (parts.length === 1) return { group: '', version: parts[0]!, kind };
  if (parts.length === 2) return { group: parts[0]!, version: parts[1]!, kind };
  return { group: '', version: '', kind };
}

/** Kinds that may never own another object: Events would keep their subjects from being collected. */
const bannedOwners = [{ group: '', version: 'v1', kind: 'Event' }];

function validateOwnerReference(ref: OwnerReference, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const gvk = gvkOf(ref.apiVersion ?? '', ref.kind ?? '');
  if (!gvk.version) errs.push(invalid(path.child('apiVersion'), ref.apiVersion ?? '', 'version must not be empty'));
  if (!gvk.kind) errs.push(invalid(path.child('kind'), ref.kind ?? '', 'kind must not be empty'));
  if (!ref.name) errs.push(invalid(path.child('name'), ref.name ?? '', 'name must not be empty'));
  if (!ref.uid) errs.push(invalid(path.child('uid'), ref.uid ?? '', 'uid must not be empty'));
  if (bannedOwners.some((b) => b.group === gvk.group && b.version === gvk.version && b.kind === gvk.kind)) {
    errs.push(invalid(path, ref, `${gvk.group}/${gvk.version}, Kind=${gvk.kind} is disallowed from being an owner`));
  }
  return errs;
}

/** Each owner reference complete, and at most one of them the controller. Errors at the list's path. */
export function validateOwnerReferences(refs: OwnerReference[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let firstController = '';
  for (const ref of refs ?? []) {
    errs.push(...validateOwnerReference(ref, path));
    if (ref.controller) {
      const current = `${ref.kind ?? ''}/${ref.name ?? ''}`;
      if (firstController) {
        errs.push(
          invalid(
            path,
            refs,
            `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`,
          ),
        );
      } else {
        firstController = current;
      }
    }
  }
  return errs;
}

/** Finalizer names every object may carry without a domain prefix. */
const standardFinalizers = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

/** A finalizer name is a qualified name. */
export function validateFinalizerName(name: string, path: FieldPath): FieldError[] {
  return isQualifiedName(name).map((msg) => invalid(path, name, msg));
}

/** Built-in kinds also require a finalizer without a `/` to be one of the standard ones. */
export function validateKubeFinalizerName(name: string, path: FieldPath): FieldError[] {
  if (!name.includes('/') && !standardFinalizers.has(name)) {
    return [invalid(path, name, 'name is neither a standard finalizer name nor is it fully qualified')];
  }
  return [];
}

/** Finalizer names, and not both `orphan` and `foregroundDeletion`. */
export function validateFinalizers(finalizers: string[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const list = finalizers ?? [];
  for (const f of list) errs.push(...validateFinalizerName(f, path));
  if (list.includes('orphan') && list.includes('foregroundDeletion')) {
    errs.push(invalid(path, list, 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return errs;
}

const MAX_FIELD_MANAGER_LENGTH = 128;
const MAX_SUBRESOURCE_NAME_LENGTH = 256;
const printableRune = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** A field manager name: at most 128 bytes of printable characters. */
export function validateFieldManager(manager: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (byteLength(manager) > MAX_FIELD_MANAGER_LENGTH) errs.push(tooLong(path, manager, MAX_FIELD_MANAGER_LENGTH));
  let pos = 0;
  for (const ch of manager) {
    if (!printableRune.test(ch)) {
      const cp = ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
      errs.push(invalid(path, manager, `invalid character U+${cp} (at position ${pos})`));
    }
    pos += byteLength(ch);
  }
  return errs;
}

function validateManagedFields(entries: ObjectMeta['managedFields'], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (entries ?? []).forEach((e, i) => {
    const p = path.index(i);
    if (e.operation !== 'Apply' && e.operation !== 'Update') {
      errs.push(invalid(p.child('operation'), e.operation ?? '', 'must be `Apply` or `Update`'));
    }
    if (e.fieldsType && e.fieldsType !== 'FieldsV1') {
      errs.push(invalid(p.child('fieldsType'), e.fieldsType, 'must be `FieldsV1`'));
    }
    errs.push(...validateFieldManager(e.manager ?? '', p.child('manager')));
    if (byteLength(e.subresource ?? '') > MAX_SUBRESOURCE_NAME_LENGTH) {
      errs.push(tooLong(p.child('subresource'), e.subresource, MAX_SUBRESOURCE_NAME_LENGTH));
    }
  });
  return errs;
}

/** How an object's metadata is checked on create. */
export interface ObjectMetaOptions {
  /** Namespaced kinds require `metadata.namespace`; cluster-scoped kinds forbid it. */
  namespaced: boolean;
  /** The kind's name rule (DNS subdomain for most kinds). */
  nameValidator: NameValidator;
  /**
   * Also apply the rule built-in kinds add: a finalizer without `/` must be a standard one.
   * Default true; custom resources pass false.
   */
  kubeFinalizerNames?: boolean;
}

/**
 * `metadata` of a new object, as Kubernetes' ValidateObjectMeta. The apiserver has already
 * turned `generateName` into a name (as rest.BeforeCreate does), so a missing name is an error
 * even when generateName is set; generateName itself is checked as a prefix.
 */
export function validateObjectMeta(
  meta: ObjectMeta | undefined,
  opts: ObjectMetaOptions,
  path: FieldPath = fieldPath('metadata'),
): FieldError[] {
  const m = meta ?? {};
  const errs: FieldError[] = [];
  if (m.generateName) {
    for (const msg of opts.nameValidator(m.generateName, true)) errs.push(invalid(path.child('generateName'), m.generateName, msg));
  }
  if (!m.name) {
    errs.push(required(path.child('name'), 'name or generateName is required'));
  } else {
    for (const msg of opts.nameValidator(m.name, false)) errs.push(invalid(path.child('name'), m.name, msg));
  }
  if (opts.namespaced) {
    if (!m.namespace) {
      errs.push(required(path.child('namespace')));
    } else {
      for (const msg of nameIsDNSLabel(m.namespace, false)) errs.push(invalid(path.child('namespace'), m.namespace, msg));
    }
  } else if (m.namespace) {
    errs.push(forbidden(path.child('namespace'), 'not allowed on this type'));
  }
  errs.push(...validateNonnegativeField(m.generation ?? 0, path.child('generation')));
  errs.push(...validateLabels(m.labels, path.child('labels')));
  errs.push(...validateAnnotations(m.annotations, path.child('annotations')));
  errs.push(...validateOwnerReferences(m.ownerReferences, path.child('ownerReferences')));
  errs.push(...validateFinalizers(m.finalizers, path.child('finalizers')));
  errs.push(...validateManagedFields(m.managedFields, path.child('managedFields')));
  if (opts.kubeFinalizerNames ?? true) errs.push(...kubeFinalizerErrors(m.finalizers, path));
  return errs;
}

function kubeFinalizerErrors(finalizers: string[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (finalizers ?? []).forEach((f, i) => errs.push(...validateKubeFinalizerName(f, path.child('finalizers').index(i))));
  return errs;
}

/** Options of the metadata update check. */
export interface ObjectMetaUpdateOptions {
  /** As in ObjectMetaOptions; default true. */
  kubeFinalizerNames?: boolean;
}

/**
 * `metadata` of an update, as Kubernetes' ValidateObjectMetaUpdate: name, namespace, uid,
 * creationTimestamp, deletionTimestamp and deletionGracePeriodSeconds immutable, a
 * resourceVersion present, generation not decremented, no finalizer added once deletion began,
 * and the create-time checks of labels, annotations and owners on the new metadata.
 */
export function validateObjectMetaUpdate(
  newMeta: ObjectMeta | undefined,
  oldMeta: ObjectMeta | undefined,
  opts: ObjectMetaUpdateOptions = {},
  path: FieldPath = fieldPath('metadata'),
): FieldError[] {
  const n = newMeta ?? {};
  const o = oldMeta ?? {};
  const errs: FieldError[] = [];
  if (o.deletionTimestamp) {
    const old = new Set(o.finalizers ?? []);
    const extra = [...new Set((n.finalizers ?? []).filter((f) => !old.has(f)))].sort();
    if (extra.length > 0) {
      errs.push(
        forbidden(
          path.child('finalizers'),
          `no new finalizers can be added if the object is being deleted, found new finalizers []string{${extra
            .map((f) => JSON.stringify(f))
            .join(', ')}}`,
        ),
      );
    }
  }
  if (!n.resourceVersion) {
    errs.push(invalid(path.child('resourceVersion'), n.resourceVersion ?? '', 'must be specified for an update'));
  }
  if ((n.generation ?? 0) < (o.generation ?? 0)) {
    errs.push(invalid(path.child('generation'), n.generation ?? 0, 'must not be decremented'));
  }
  errs.push(...validateImmutableField(n.name ?? '', o.name ?? '', path.child('name')));
  errs.push(...validateImmutableField(n.namespace ?? '', o.namespace ?? '', path.child('namespace')));
  errs.push(...validateImmutableField(n.uid ?? '', o.uid ?? '', path.child('uid')));
  errs.push(...validateImmutableField(n.creationTimestamp, o.creationTimestamp, path.child('creationTimestamp')));
  errs.push(...validateImmutableField(n.deletionTimestamp, o.deletionTimestamp, path.child('deletionTimestamp')));
  errs.push(
    ...validateImmutableField(n.deletionGracePeriodSeconds, o.deletionGracePeriodSeconds, path.child('deletionGracePeriodSeconds')),
  );
  errs.push(...validateLabels(n.labels, path.child('labels')));
  errs.push(...validateAnnotations(n.annotations, path.child('annotations')));
  errs.push(...validateOwnerReferences(n.ownerReferences, path.child('ownerReferences')));
  errs.push(...validateManagedFields(n.managedFields, path.child('managedFields')));
  if (opts.kubeFinalizerNames ?? true) errs.push(...kubeFinalizerErrors(n.finalizers, path));
  return errs;
}

/** Labels and annotations only: the metadata of a pod template or a volume claim template. */
export function validateTemplateObjectMeta(meta: ObjectMeta | undefined, path: FieldPath): FieldError[] {
  return [...validateAnnotations(meta?.annotations, path.child('annotations')), ...validateLabels(meta?.labels, path.child('labels'))];
}

/** `Unsupported value` unless `value` is one of `allowed` (reported in the given order). */
export function validateEnum(value: string | undefined, allowed: readonly string[], path: FieldPath, requiredIfEmpty = true): FieldError[] {
  if (!value) return requiredIfEmpty ? [required(path)] : [];
  return allowed.includes(value) ? [] : [notSupported(path, value, allowed)];
}
