import {
  StatusError,
  newAlreadyExists,
  newBadRequest,
  newConflict,
  newForbidden,
  newInternalError,
  newInvalid,
  newMethodNotSupported,
  newNotFound,
  newRequestEntityTooLarge,
  newResourceExpired,
  newServiceUnavailable,
  newTimeout,
  newTooManyRequests,
  type FailureStatus,
  type StatusReason,
} from '@tskube/api-types';

/** metav1.Status as the apiserver writes it for a failed request. */
export type Status = FailureStatus;

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

export class ApiError extends StatusError {
  static of(code: number, reason: string, message: string, details?: Status['details']): StatusError {
    return new StatusError({ code, reason: reason as StatusReason, message, details });
  }

  static notFound = (r: Qualified, name: string): StatusError => newNotFound(r, name);
  static alreadyExists = (r: Qualified, name: string): StatusError => newAlreadyExists(r, name);
  static conflict = (r: Qualified, name: string): StatusError => newConflict(r, name);
  static conflictWith = (r: Qualified, name: string, why: string): StatusError => newConflict(r, name, why);
  static badRequest = (message: string): StatusError => newBadRequest(message);
  static methodNotSupported = (r: Qualified, verb: string): StatusError => newMethodNotSupported(r, verb);
  static expired = (message: string): StatusError => newResourceExpired(message);
  static forbidden = (r: Qualified, name: string, why: string): StatusError => newForbidden(r, name, why);
  static tooManyRequests = (message: string, retryAfterSeconds: number): StatusError => newTooManyRequests(message, retryAfterSeconds);
  static internal = (err: unknown): StatusError => newInternalError(err);
  static serviceUnavailable = (message: string): StatusError => newServiceUnavailable(message);
  static timeout = (message: string, retryAfterSeconds = 0): StatusError => newTimeout(message, retryAfterSeconds);
  static requestEntityTooLarge = (message: string): StatusError => newRequestEntityTooLarge(message);

  /** 422 with one cause per field issue: `Pod "x" is invalid: [a, b]`. */
  static invalid(info: { group: string; kind: string }, name: string, issues: FieldIssue[]): StatusError {
    return newInvalid({ group: info.group, kind: info.kind }, name, issues.map((i) => ({
      reason: causeReasons[i.type],
      message: renderFieldIssue(i).slice(i.field.length + 2),
      field: i.field,
    })));
  }

  /** 422 for list and watch option errors. */
  static invalidList(message: string): StatusError {
    return ApiError.of(422, 'Invalid', message);
  }

  static notAcceptable(accepted: string): StatusError {
    return ApiError.of(406, 'NotAcceptable', `only the following media types are accepted: ${accepted}`);
  }

  static unsupportedMediaType(type: string, accepted: string[]): StatusError {
    return ApiError.of(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`, {
      causes: [{ reason: 'UnexpectedServerResponse', message: type }],
    });
  }

  static expiredContinue(): StatusError {
    return ApiError.of(
      410,
      'Expired',
      'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
    );
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
