import type { ResourceInfo } from './storage/resource-store';

/** metav1.Status as the apiserver writes it for a failed request. */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    uid?: string;
    causes?: StatusCause[];
    retryAfterSeconds?: number;
  };
  code: number;
}

export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

/** A validation failure on one field, rendered as Kubernetes' field.Error does. */
export interface FieldIssue {
  type: 'Required' | 'Invalid' | 'Duplicate' | 'NotSupported' | 'Forbidden' | 'TooLong' | 'TooMany' | 'Internal';
  field: string;
  value?: unknown;
  detail?: string;
}

const causeReasons: Record<FieldIssue['type'], string> = {
  Required: 'FieldValueRequired',
  Invalid: 'FieldValueInvalid',
  Duplicate: 'FieldValueDuplicate',
  NotSupported: 'FieldValueNotSupported',
  Forbidden: 'FieldValueForbidden',
  TooLong: 'FieldValueTooLong',
  TooMany: 'FieldValueTooMany',
  Internal: 'InternalError',
};

type Qualified = { group: string; resource: string };

/** `pods` or `deployments.apps`, as Kubernetes names a resource in messages. */
function qualified(r: Qualified): string {
  return r.group ? `${r.resource}.${r.group}` : r.resource;
}

const brand = Symbol.for('tskube.ApiError');

/** An error the API answers with a metav1.Status; anything else thrown is a 500. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(readonly status: Status) {
    super(status.message);
    Object.defineProperty(this, brand, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }

  get code(): number {
    return this.status.code;
  }

  static of(code: number, reason: string, message: string, details?: Status['details']): ApiError {
    const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
    if (details) status.details = details;
    return new ApiError(status);
  }

  static notFound(r: Qualified, name: string): ApiError {
    return ApiError.of(404, 'NotFound', `${qualified(r)} "${name}" not found`, { name, group: r.group, kind: r.resource });
  }

  static alreadyExists(r: Qualified, name: string): ApiError {
    return ApiError.of(409, 'AlreadyExists', `${qualified(r)} "${name}" already exists`, { name, group: r.group, kind: r.resource });
  }

  static conflict(r: Qualified, name: string): ApiError {
    return ApiError.conflictWith(r, name, 'the object has been modified; please apply your changes to the latest version and try again');
  }

  static conflictWith(r: Qualified, name: string, why: string): ApiError {
    return ApiError.of(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(r)} "${name}": ${why}`, {
      name,
      group: r.group,
      kind: r.resource,
    });
  }

  /** 422 with one cause per field issue: `Pod "x" is invalid: [a, b]`. */
  static invalid(info: Pick<ResourceInfo, 'group' | 'kind'>, name: string, issues: FieldIssue[]): ApiError {
    const rendered = issues.map(renderFieldIssue);
    const kind = info.group ? `${info.kind}.${info.group}` : info.kind;
    const list = rendered.length === 1 ? rendered[0] : `[${rendered.join(', ')}]`;
    return ApiError.of(422, 'Invalid', `${kind} "${name}" is invalid: ${list}`, {
      name,
      group: info.group,
      kind: info.kind,
      causes: issues.map((i) => ({ reason: causeReasons[i.type], message: renderFieldIssue(i).slice(i.field.length + 2), field: i.field })),
    });
  }

  /** 422 for list/watch option errors. */
  static invalidList(message: string): ApiError {
    return ApiError.of(422, 'Invalid', message);
  }

  static badRequest(message: string): ApiError {
    return ApiError.of(400, 'BadRequest', message);
  }

  static methodNotSupported(r: Qualified, verb: string): ApiError {
    return ApiError.of(405, 'MethodNotAllowed', `${verb} is not supported on resources of kind "${qualified(r)}"`, {
      group: r.group,
      kind: r.resource,
    });
  }

  static notAcceptable(accepted: string): ApiError {
    return ApiError.of(406, 'NotAcceptable', `only the following media types are accepted: ${accepted}`);
  }

  static unsupportedMediaType(type: string, accepted: string[]): ApiError {
    return ApiError.of(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`, {
      causes: [{ reason: 'UnexpectedServerResponse', message: type }],
    });
  }

  static expired(message: string): ApiError {
    return ApiError.of(410, 'Expired', message);
  }

  static expiredContinue(): ApiError {
    return ApiError.of(
      410,
      'Expired',
      'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
    );
  }

  static requestEntityTooLarge(message: string): ApiError {
    return ApiError.of(413, 'RequestEntityTooLarge', `Request entity too large: ${message}`);
  }

  static forbidden(r: Qualified, name: string, why: string): ApiError {
    const what = name ? `${qualified(r)} "${name}"` : qualified(r);
    return ApiError.of(403, 'Forbidden', `${what} is forbidden: ${why}`, { name: name || undefined, group: r.group, kind: r.resource });
  }

  static tooManyRequests(message: string, retryAfterSeconds: number): ApiError {
    return ApiError.of(429, 'TooManyRequests', message, { retryAfterSeconds });
  }

  static internal(err: unknown): ApiError {
    const message = err instanceof Error ? err.message : String(err);
    return ApiError.of(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ reason: '', message }] });
  }

  static serviceUnavailable(message: string): ApiError {
    return ApiError.of(503, 'ServiceUnavailable', message);
  }

  static timeout(message: string, retryAfterSeconds = 0): ApiError {
    return ApiError.of(504, 'Timeout', message, { retryAfterSeconds });
  }
}

/** `spec.replicas: Invalid value: -1: must be greater than or equal to 0`, as field.Error renders. */
export function renderFieldIssue(i: FieldIssue): string {
  const detail = i.detail ?? '';
  switch (i.type) {
    case 'Required':
      return `${i.field}: Required value${detail ? `: ${detail}` : ''}`;
    case 'Forbidden':
      return `${i.field}: Forbidden${detail ? `: ${detail}` : ''}`;
    case 'TooLong':
      return `${i.field}: Too long${detail ? `: ${detail}` : ''}`;
    case 'Internal':
      return `${i.field}: Internal error${detail ? `: ${detail}` : ''}`;
    case 'Duplicate':
      return `${i.field}: Duplicate value: ${renderValue(i.value)}`;
    case 'TooMany':
      return `${i.field}: Too many${detail ? `: ${detail}` : ''}`;
    case 'NotSupported':
      return `${i.field}: Unsupported value: ${renderValue(i.value)}${detail ? `: ${detail}` : ''}`;
    case 'Invalid':
      return `${i.field}: Invalid value: ${renderValue(i.value)}${detail ? `: ${detail}` : ''}`;
  }
}

function renderValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
