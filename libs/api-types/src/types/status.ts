import { goQuote } from '../selectors/go-strings';
/**
 * The API layer's error: a metav1 Status with Kubernetes' codes, reasons and messages
 * (k8s.io/apimachinery/pkg/api/errors). Clients branch on `reason`, never on message text; the
 * messages still match Kubernetes' word for word because kubectl prints them to users.
 */

/** metav1.StatusReason: why a request failed, machine-readable. '' means unknown. */
export const StatusReason = {
  Unknown: '',
  Unauthorized: 'Unauthorized',
  Forbidden: 'Forbidden',
  NotFound: 'NotFound',
  AlreadyExists: 'AlreadyExists',
  Conflict: 'Conflict',
  Gone: 'Gone',
  Invalid: 'Invalid',
  ServerTimeout: 'ServerTimeout',
  StoreReadError: 'StoreReadError',
  Timeout: 'Timeout',
  TooManyRequests: 'TooManyRequests',
  BadRequest: 'BadRequest',
  MethodNotAllowed: 'MethodNotAllowed',
  NotAcceptable: 'NotAcceptable',
  RequestEntityTooLarge: 'RequestEntityTooLarge',
  UnsupportedMediaType: 'UnsupportedMediaType',
  InternalError: 'InternalError',
  Expired: 'Expired',
  ServiceUnavailable: 'ServiceUnavailable',
} as const;
export type StatusReason = (typeof StatusReason)[keyof typeof StatusReason];

/** metav1.CauseType: the `reason` of one StatusCause. */
export const CauseType = {
  FieldValueNotFound: 'FieldValueNotFound',
  FieldValueRequired: 'FieldValueRequired',
  FieldValueDuplicate: 'FieldValueDuplicate',
  FieldValueInvalid: 'FieldValueInvalid',
  FieldValueNotSupported: 'FieldValueNotSupported',
  FieldValueForbidden: 'FieldValueForbidden',
  FieldValueTooLong: 'FieldValueTooLong',
  FieldValueTooMany: 'FieldValueTooMany',
  FieldValueTypeInvalid: 'FieldValueTypeInvalid',
  InternalError: 'InternalError',
  UnexpectedServerResponse: 'UnexpectedServerResponse',
  FieldManagerConflict: 'FieldManagerConflict',
  ResourceVersionTooLarge: 'ResourceVersionTooLarge',
} as const;
export type CauseType = (typeof CauseType)[keyof typeof CauseType];

/** One reason a request failed, usually one field error of an Invalid status. */
export interface StatusCause {
  /** A CauseType; absent when unknown. */
  reason?: string;
  /** Human-readable, e.g. `Required value` or `Invalid value: -1: must be greater than or equal to 0`. */
  message?: string;
  /** JSON path of the offending field, e.g. `spec.containers[0].image`. */
  field?: string;
}

/** metav1.StatusDetails. Which members are set depends on the reason. */
export interface StatusDetails {
  /** The object's name, when one object is concerned. */
  name?: string;
  group?: string;
  /** The resource (`pods`) for most reasons; the kind (`Pod`) for Invalid, as in Kubernetes. */
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  /** Seconds the client should wait before retrying; 0 or absent for no advice. */
  retryAfterSeconds?: number;
}

/** A failure Status exactly as the apiserver writes it, members in Kubernetes' order. */
export interface FailureStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message?: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

/** A group and resource, as Kubernetes names a resource in messages: `pods`, `deployments.apps`. */
export interface GroupResource {
  group: string;
  resource: string;
}

/** A group and kind, as Kubernetes names a kind in Invalid messages: `Pod`, `Deployment.apps`. */
export interface GroupKind {
  group: string;
  kind: string;
}

/** What a StatusError is made from. */
export interface StatusInit {
  /** HTTP status code. */
  code: number;
  reason: StatusReason;
  message: string;
  /** Present whenever Kubernetes sets details for this reason, even if every member is empty. */
  details?: StatusDetails;
}

/** The message Kubernetes' storage gives a resourceVersion precondition that failed. */
export const OptimisticLockErrorMsg =
  'the object has been modified; please apply your changes to the latest version and try again';

const brand = Symbol.for('tskube.StatusError');

/**
 * An error the API answers with a metav1 Status. `instanceof` works across duplicated module copies
 * through a registered symbol. `message` is the Status message.
 */
export class StatusError extends Error {
  override readonly name = 'StatusError';
  /** HTTP status code. */
  readonly code: number;
  readonly reason: StatusReason;
  readonly details: StatusDetails | undefined;

  constructor(init: StatusInit, options: { cause?: unknown } = {}) {
    super(init.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = init.code;
    this.reason = init.reason;
    this.details = init.details;
    Object.defineProperty(this, brand, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }

  /**
   * Rebuilds the error a server sent. A status without a code or reason keeps 500 and '' (unknown),
   * as client-go does for bodies it cannot classify.
   */
  static fromStatus(status: {
    code?: number;
    reason?: string;
    message?: string;
    details?: StatusDetails;
  }): StatusError {
    return new StatusError({
      code: status.code ?? 500,
      reason: (status.reason ?? '') as StatusReason,
      message: status.message ?? '',
      ...(status.details === undefined ? {} : { details: status.details }),
    });
  }

  /**
   * The JSON body to send: a fresh object each call. Empty members are left out, as Go's
   * `omitempty` leaves them out of Kubernetes' responses.
   */
  toStatus(): FailureStatus {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      ...(this.message ? { message: this.message } : {}),
      ...(this.reason ? { reason: this.reason } : {}),
      ...(this.details ? { details: compactDetails(this.details) } : {}),
      code: this.code,
    };
  }
}

function compactDetails(d: StatusDetails): StatusDetails {
  const out: StatusDetails = {};
  if (d.name) out.name = d.name;
  if (d.group) out.group = d.group;
  if (d.kind) out.kind = d.kind;
  if (d.uid) out.uid = d.uid;
  if (d.causes && d.causes.length > 0) {
    out.causes = d.causes.map((c) => {
      const cause: StatusCause = {};
      if (c.reason) cause.reason = c.reason;
      if (c.message) cause.message = c.message;
      if (c.field) cause.field = c.field;
      return cause;
    });
  }
  if (d.retryAfterSeconds) out.retryAfterSeconds = d.retryAfterSeconds;
  return out;
}

/** The reason of a StatusError; '' for anything else. */
export function reasonForError(err: unknown): StatusReason {
  return err instanceof StatusError ? err.reason : StatusReason.Unknown;
}

/** Whether `err` is a StatusError with this reason. */
export function hasReason(err: unknown, reason: StatusReason): err is StatusError {
  return err instanceof StatusError && err.reason === reason;
}

/** `err` itself when it is a StatusError, otherwise a 500 InternalError wrapping it. */
export function asStatusError(err: unknown): StatusError {
  return err instanceof StatusError ? err : newInternalError(err);
}

/** `pods`, or `deployments.apps` for a named group (schema.GroupResource.String()). */
export function qualifiedResource(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

/** `Pod`, or `Deployment.apps` for a named group (schema.GroupKind.String()). */
export function qualifiedKind(gk: GroupKind): string {
  return gk.group ? `${gk.kind}.${gk.group}` : gk.kind;
}


function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** 404 NotFound: `pods "foo" not found`. details.kind is the resource, as in Kubernetes. */
export function newNotFound(gr: GroupResource, name: string): StatusError {
  return new StatusError({
    code: 404,
    reason: StatusReason.NotFound,
    message: `${qualifiedResource(gr)} ${goQuote(name)} not found`,
    details: { group: gr.group, kind: gr.resource, name },
  });
}

/** 409 AlreadyExists: `pods "foo" already exists`. */
export function newAlreadyExists(gr: GroupResource, name: string): StatusError {
  return new StatusError({
    code: 409,
    reason: StatusReason.AlreadyExists,
    message: `${qualifiedResource(gr)} ${goQuote(name)} already exists`,
    details: { group: gr.group, kind: gr.resource, name },
  });
}

/** 409 AlreadyExists for a create with generateName whose generated name was taken. */
export function newGenerateNameConflict(gr: GroupResource, name: string, retryAfterSeconds: number): StatusError {
  return new StatusError({
    code: 409,
    reason: StatusReason.AlreadyExists,
    message: `${qualifiedResource(gr)} ${goQuote(name)} already exists, the server was not able to generate a unique name for the object`,
    details: { group: gr.group, kind: gr.resource, name, retryAfterSeconds },
  });
}

/**
 * 409 Conflict: `Operation cannot be fulfilled on pods "foo": <why>`; `why` defaults to the
 * optimistic-lock message a stale resourceVersion gets.
 */
export function newConflict(gr: GroupResource, name: string, why: string | Error = OptimisticLockErrorMsg): StatusError {
  return new StatusError({
    code: 409,
    reason: StatusReason.Conflict,
    message: `Operation cannot be fulfilled on ${qualifiedResource(gr)} ${goQuote(name)}: ${errorText(why)}`,
    details: { group: gr.group, kind: gr.resource, name },
  });
}

/** 409 Conflict from server-side apply: one FieldManagerConflict cause per contested field. */
export function newApplyConflict(causes: StatusCause[], message: string): StatusError {
  return new StatusError({ code: 409, reason: StatusReason.Conflict, message, details: { causes } });
}

/**
 * 422 Invalid: `Pod "foo" is invalid: <errors>`. Each cause is one field error (reason = its
 * CauseType, message = its body, field = its path); the message lists `field: body` for each,
 * duplicates dropped, one bare or several as `[a, b]`, as Kubernetes aggregates them.
 */
export function newInvalid(gk: GroupKind, name: string, causes: StatusCause[]): StatusError {
  const seen = new Set<string>();
  for (const c of causes) seen.add(`${c.field ?? ''}: ${c.message ?? ''}`);
  const parts = [...seen];
  const subject = `${qualifiedKind(gk)} ${goQuote(name)} is invalid`;
  let message = subject;
  if (parts.length === 1) message = `${subject}: ${parts[0]}`;
  else if (parts.length > 1) message = `${subject}: [${parts.join(', ')}]`;
  return new StatusError({
    code: 422,
    reason: StatusReason.Invalid,
    message,
    details: { group: gk.group, kind: gk.kind, name, causes },
  });
}

/** 400 BadRequest with the given message. */
export function newBadRequest(message: string): StatusError {
  return new StatusError({ code: 400, reason: StatusReason.BadRequest, message });
}

/** 401 Unauthorized; the apiserver's authentication failure says `Unauthorized`. */
export function newUnauthorized(message = ''): StatusError {
  return new StatusError({ code: 401, reason: StatusReason.Unauthorized, message: message || 'not authorized' });
}

/**
 * 403 Forbidden: `pods "foo" is forbidden: <why>`, `pods is forbidden: <why>` without a name,
 * `forbidden: <why>` without a resource.
 */
export function newForbidden(gr: GroupResource, name: string, why: string | Error): StatusError {
  const text = errorText(why);
  let message: string;
  if (!gr.group && !gr.resource) message = `forbidden: ${text}`;
  else if (!name) message = `${qualifiedResource(gr)} is forbidden: ${text}`;
  else message = `${qualifiedResource(gr)} ${goQuote(name)} is forbidden: ${text}`;
  return new StatusError({
    code: 403,
    reason: StatusReason.Forbidden,
    message,
    details: { group: gr.group, kind: gr.resource, name },
  });
}

/** 405 MethodNotAllowed: `<action> is not supported on resources of kind "pods"`. */
export function newMethodNotSupported(gr: GroupResource, action: string): StatusError {
  return new StatusError({
    code: 405,
    reason: StatusReason.MethodNotAllowed,
    message: `${action} is not supported on resources of kind ${goQuote(qualifiedResource(gr))}`,
    details: { group: gr.group, kind: gr.resource },
  });
}

/** 410 Gone with the given message. */
export function newGone(message: string): StatusError {
  return new StatusError({ code: 410, reason: StatusReason.Gone, message });
}

/** 410 Expired with the given message (an expired continue token, a compacted resourceVersion). */
export function newResourceExpired(message: string): StatusError {
  return new StatusError({ code: 410, reason: StatusReason.Expired, message });
}

/**
 * 410 Expired for a watch or list from a resourceVersion older than the oldest one kept:
 * `too old resource version: <requested> (<oldest kept>)`.
 */
export function newTooOldResourceVersion(requested: number | string, oldest: number | string): StatusError {
  return newResourceExpired(`too old resource version: ${requested} (${oldest})`);
}

/** 500 InternalError: `Internal error occurred: <err>`, with the error text as the one cause. */
export function newInternalError(err: unknown): StatusError {
  const text = errorText(err);
  return new StatusError(
    {
      code: 500,
      reason: StatusReason.InternalError,
      message: `Internal error occurred: ${text}`,
      details: { causes: [{ message: text }] },
    },
    { cause: err },
  );
}

/**
 * 500 ServerTimeout: `The <operation> operation against pods could not be completed at this time,
 * please try again.` details.name holds the operation, as in Kubernetes.
 */
export function newServerTimeout(gr: GroupResource, operation: string, retryAfterSeconds: number): StatusError {
  return new StatusError({
    code: 500,
    reason: StatusReason.ServerTimeout,
    message: `The ${operation} operation against ${qualifiedResource(gr)} could not be completed at this time, please try again.`,
    details: { group: gr.group, kind: gr.resource, name: operation, retryAfterSeconds },
  });
}

/** 504 Timeout: `Timeout: <message>`. */
export function newTimeout(message: string, retryAfterSeconds = 0): StatusError {
  return new StatusError({
    code: 504,
    reason: StatusReason.Timeout,
    message: `Timeout: ${message}`,
    details: { retryAfterSeconds },
  });
}

/** 429 TooManyRequests with the given message and retry advice. */
export function newTooManyRequests(message: string, retryAfterSeconds: number): StatusError {
  return new StatusError({
    code: 429,
    reason: StatusReason.TooManyRequests,
    message,
    details: { retryAfterSeconds },
  });
}

/** 413 RequestEntityTooLarge: `Request entity too large: <message>`. */
export function newRequestEntityTooLarge(message: string): StatusError {
  return new StatusError({
    code: 413,
    reason: StatusReason.RequestEntityTooLarge,
    message: `Request entity too large: ${message}`,
  });
}

/** 503 ServiceUnavailable with the given message. */
export function newServiceUnavailable(message: string): StatusError {
  return new StatusError({ code: 503, reason: StatusReason.ServiceUnavailable, message });
}

/** 415 UnsupportedMediaType for a request body whose Content-Type the server does not decode. */
export function newUnsupportedMediaType(accepted: readonly string[]): StatusError {
  return new StatusError({
    code: 415,
    reason: StatusReason.UnsupportedMediaType,
    message: `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  });
}

/** 406 NotAcceptable for an Accept header the server cannot satisfy. */
export function newNotAcceptable(accepted: readonly string[]): StatusError {
  return new StatusError({
    code: 406,
    reason: StatusReason.NotAcceptable,
    message: `only the following media types are accepted: ${accepted.join(', ')}`,
  });
}
