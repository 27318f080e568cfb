import type { Status, StatusCause } from 'kubernetes-types/meta/v1';
import { goJSON, goQuote } from '../selectors/go-strings';
import { qualifiedKind, type GroupKind } from '../types/status';


/**
 * Field paths and field errors as Kubernetes' k8s.io/apimachinery/pkg/util/validation/field has
 * them: the same path syntax (`spec.containers[0].ports[1]`, `metadata.labels[app]`), the same
 * error types, the same rendering (`<field>: <Type>: <value>: <detail>`), and the conversion into
 * the `metav1.Status` the apiserver answers a 422 with.
 */

/**
 * An immutable path to a field inside an object. Children, indexes and keys return new paths and
 * share the parent, so building paths while walking an object is cheap.
 */
export class FieldPath {
  private constructor(
    /** Field name of this element; empty when the element is a subscript (index or map key). */
    private readonly name: string,
    /** The subscript when `name` is empty. */
    private readonly subscript: string,
    private readonly parent: FieldPath | undefined,
  ) {}

  /** A root path, `name.more[0].more[1]...`: `FieldPath.root('spec', 'template')` is `spec.template`. */
  static root(name: string, ...more: string[]): FieldPath {
    let p = new FieldPath(name, '', undefined);
    for (const n of more) p = new FieldPath(n, '', p);
    return p;
  }

  /** This path followed by one or more field names. */
  child(name: string, ...more: string[]): FieldPath {
    let p = new FieldPath(name, '', this);
    for (const n of more) p = new FieldPath(n, '', p);
    return p;
  }

  /** This path subscripted by a list index: `containers[3]`. */
  index(i: number): FieldPath {
    return new FieldPath('', String(i), this);
  }

  /** This path subscripted by a map key, unquoted as Kubernetes prints it: `labels[app]`. */
  key(k: string): FieldPath {
    return new FieldPath('', k, this);
  }

  /** The rendering Kubernetes uses in messages and in `StatusCause.field`. */
  toString(): string {
    const elems: FieldPath[] = [this];
    for (let p = this.parent; p; p = p.parent) elems.push(p);
    let out = '';
    for (let i = elems.length - 1; i >= 0; i--) {
      const p = elems[i]!;
      if (p.parent !== undefined && p.name.length > 0) out += '.';
      out += p.name.length > 0 ? p.name : `[${p.subscript}]`;
    }
    return out;
  }
}

/** Shorthand for `FieldPath.root(...)`. */
export function fieldPath(name: string, ...more: string[]): FieldPath {
  return FieldPath.root(name, ...more);
}

/**
 * Why a field is invalid. Each value is also the `reason` of the `metav1.StatusCause` the error
 * becomes, exactly as Kubernetes spells it; clients branch on these, never on message text.
 */
export const ErrorType = {
  NotFound: 'FieldValueNotFound',
  Required: 'FieldValueRequired',
  Duplicate: 'FieldValueDuplicate',
  Invalid: 'FieldValueInvalid',
  NotSupported: 'FieldValueNotSupported',
  Forbidden: 'FieldValueForbidden',
  TooLong: 'FieldValueTooLong',
  TooMany: 'FieldValueTooMany',
  Internal: 'InternalError',
  TypeInvalid: 'FieldValueTypeInvalid',
} as const;
export type ErrorType = (typeof ErrorType)[keyof typeof ErrorType];

const typeLabel: Record<ErrorType, string> = {
  FieldValueNotFound: 'Not found',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  InternalError: 'Internal error',
  FieldValueTypeInvalid: 'Invalid value',
};

/** The human label of an error type, as it appears in messages (`Required value`, `Unsupported value`). */
export function errorTypeLabel(type: ErrorType): string {
  return typeLabel[type];
}

/** A bad value that must not be printed (Kubernetes' `field.OmitValueType{}`). */
export const omitValue: unique symbol = Symbol('omitValue');

/** Types whose message never shows the value, whatever it is. */
const valueless = new Set<ErrorType>([ErrorType.Required, ErrorType.Forbidden, ErrorType.TooLong, ErrorType.Internal]);

/**
 * One validation failure: which field, what kind of failure, the offending value and an
 * explanation. A plain value, not a thrown Error: validation collects many of them, and the
 * apiserver turns the list into a single `StatusError`.
 */
export class FieldError {
  constructor(
    /** The kind of failure; also the StatusCause reason. */
    readonly type: ErrorType,
    /** The rendered path of the field (`spec.containers[0].name`). */
    readonly field: string,
    /** The value that failed, or `omitValue`; printed for the types that show values. */
    readonly badValue: unknown,
    /** Free-form explanation appended after the value; may be empty. */
    readonly detail: string,
  ) {}

  /** The StatusCause reason: the same string as `type`. */
  get reason(): ErrorType {
    return this.type;
  }

  /** The message without the field: `Invalid value: "Foo": a lowercase RFC 1123 ...`. Goes into `StatusCause.message`. */
  body(): string {
    let s = typeLabel[this.type];
    if (!valueless.has(this.type) && this.badValue !== omitValue) s += ': ' + renderValue(this.badValue);
    if (this.detail.length > 0) s += ': ' + this.detail;
    return s;
  }

  /** `<field>: <body>`, exactly as Kubernetes' field.Error.Error() renders it. */
  toString(): string {
    return `${this.field}: ${this.body()}`;
  }
}

/**
 * Renders a bad value as Kubernetes does: strings Go-quoted, numbers and booleans bare, and
 * anything else as JSON (null, objects, lists; Kubernetes 1.34+ does this too, older releases
 * printed Go syntax that has no equivalent for JSON values).
 */
export function renderValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return goQuote(value);
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(value);
    case 'undefined':
      return 'null';
    default:
      return goJSON(value);
  }
}

/** JSON as Go's encoding/json writes it: HTML-significant characters escaped. */

type PathLike = FieldPath | string;
const str = (p: PathLike) => (typeof p === 'string' ? p : p.toString());

/** A required field is missing or empty. The value is never shown. */
export function required(path: PathLike, detail = ''): FieldError {
  return new FieldError(ErrorType.Required, str(path), '', detail);
}

/** A value is malformed or out of range. */
export function invalid(path: PathLike, value: unknown, detail: string): FieldError {
  return new FieldError(ErrorType.Invalid, str(path), value, detail);
}

/** A value that must be unique appears twice. */
export function duplicate(path: PathLike, value: unknown): FieldError {
  return new FieldError(ErrorType.Duplicate, str(path), value, '');
}

/** A value refers to something that does not exist (a volume mount naming no volume). */
export function notFound(path: PathLike, value: unknown, detail = ''): FieldError {
  return new FieldError(ErrorType.NotFound, str(path), value, detail);
}

/** A value outside a fixed set; the detail lists the set, each value Go-quoted, in the order given. */
export function notSupported(path: PathLike, value: unknown, validValues: readonly string[]): FieldError {
  const detail = validValues.length > 0 ? 'supported values: ' + validValues.map(goQuote).join(', ') : '';
  return new FieldError(ErrorType.NotSupported, str(path), value, detail);
}

/** A field may not be set here (or not changed). The value is never shown. */
export function forbidden(path: PathLike, detail: string): FieldError {
  return new FieldError(ErrorType.Forbidden, str(path), '', detail);
}

/** A value exceeds a byte limit: `Too long: must have at most N bytes`. The value is never shown. */
export function tooLong(path: PathLike, value: unknown, maxLength: number): FieldError {
  return new FieldError(ErrorType.TooLong, str(path), value, `must have at most ${maxLength} bytes`);
}

/** A value exceeds a length limit, worded `may not be longer than N`. */
export function tooLongMaxLength(path: PathLike, value: unknown, maxLength: number): FieldError {
  const detail = maxLength >= 0 ? `may not be longer than ${maxLength}` : 'value is too long';
  return new FieldError(ErrorType.TooLong, str(path), value, detail);
}

/** A list has too many items; a negative `actual` omits the count from the message. */
export function tooMany(path: PathLike, actual: number, max: number): FieldError {
  const detail = max >= 0 ? `must have at most ${max} items` : 'has too many items';
  return new FieldError(ErrorType.TooMany, str(path), actual >= 0 ? actual : omitValue, detail);
}

/** Validation itself failed; not the user's fault. */
export function internalError(path: PathLike, err: unknown): FieldError {
  const detail = err instanceof Error ? err.message : String(err);
  return new FieldError(ErrorType.Internal, str(path), undefined, detail);
}

/** The errors' `StatusCause`s, one per error, in order (duplicates included, as Kubernetes does). */
export function toStatusCauses(errs: readonly FieldError[]): StatusCause[] {
  return errs.map((e) => {
    const cause: StatusCause = { reason: e.reason };
    const message = e.body();
    if (message) cause.message = message;
    if (e.field) cause.field = e.field;
    return cause;
  });
}

/**
 * The errors joined as Kubernetes aggregates them: duplicates (same rendering) dropped, a single
 * error bare, several as `[err1, err2]`. Empty input gives ''.
 */
export function aggregateMessage(errs: readonly FieldError[]): string {
  const seen = new Set<string>();
  for (const e of errs) seen.add(e.toString());
  const msgs = [...seen];
  if (msgs.length === 0) return '';
  if (msgs.length === 1) return msgs[0]!;
  return `[${msgs.join(', ')}]`;
}


/** `Deployment.apps "web" is invalid: [err1, err2]`: the message of a 422 Invalid status. */
export function invalidMessage(gk: GroupKind, name: string, errs: readonly FieldError[]): string {
  const head = `${qualifiedKind(gk)} ${goQuote(name)} is invalid`;
  const agg = aggregateMessage(errs);
  return agg ? `${head}: ${agg}` : head;
}

/**
 * The `metav1.Status` Kubernetes' apierrors.NewInvalid builds: code 422, reason Invalid, the
 * aggregate message and one cause per error. Field order follows the apiserver's JSON.
 */
export function invalidStatus(gk: GroupKind, name: string, errs: readonly FieldError[]): Status {
  const details: NonNullable<Status['details']> = {};
  if (name) details.name = name;
  if (gk.group) details.group = gk.group;
  if (gk.kind) details.kind = gk.kind;
  details.causes = toStatusCauses(errs);
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: invalidMessage(gk, name, errs),
    reason: 'Invalid',
    details,
    code: 422,
  };
}
