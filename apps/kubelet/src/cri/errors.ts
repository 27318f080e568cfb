import { status as GrpcStatus } from '@grpc/grpc-js';

/**
 * The gRPC status codes a CRI call can fail with, by name. The kubelet branches on them as
 * Kubernetes' does on `status.Code(err)`: NotFound for a container or sandbox that is gone,
 * DeadlineExceeded for a call that outlived its timeout, Unavailable for a runtime that is down.
 */
export const CriErrorCode = {
  Cancelled: 'Cancelled',
  Unknown: 'Unknown',
  InvalidArgument: 'InvalidArgument',
  DeadlineExceeded: 'DeadlineExceeded',
  NotFound: 'NotFound',
  AlreadyExists: 'AlreadyExists',
  PermissionDenied: 'PermissionDenied',
  ResourceExhausted: 'ResourceExhausted',
  FailedPrecondition: 'FailedPrecondition',
  Aborted: 'Aborted',
  OutOfRange: 'OutOfRange',
  Unimplemented: 'Unimplemented',
  Internal: 'Internal',
  Unavailable: 'Unavailable',
  DataLoss: 'DataLoss',
  Unauthenticated: 'Unauthenticated',
} as const;
export type CriErrorCode = (typeof CriErrorCode)[keyof typeof CriErrorCode];

const codeByNumber: ReadonlyMap<number, CriErrorCode> = new Map([
  [GrpcStatus.CANCELLED, CriErrorCode.Cancelled],
  [GrpcStatus.UNKNOWN, CriErrorCode.Unknown],
  [GrpcStatus.INVALID_ARGUMENT, CriErrorCode.InvalidArgument],
  [GrpcStatus.DEADLINE_EXCEEDED, CriErrorCode.DeadlineExceeded],
  [GrpcStatus.NOT_FOUND, CriErrorCode.NotFound],
  [GrpcStatus.ALREADY_EXISTS, CriErrorCode.AlreadyExists],
  [GrpcStatus.PERMISSION_DENIED, CriErrorCode.PermissionDenied],
  [GrpcStatus.RESOURCE_EXHAUSTED, CriErrorCode.ResourceExhausted],
  [GrpcStatus.FAILED_PRECONDITION, CriErrorCode.FailedPrecondition],
  [GrpcStatus.ABORTED, CriErrorCode.Aborted],
  [GrpcStatus.OUT_OF_RANGE, CriErrorCode.OutOfRange],
  [GrpcStatus.UNIMPLEMENTED, CriErrorCode.Unimplemented],
  [GrpcStatus.INTERNAL, CriErrorCode.Internal],
  [GrpcStatus.UNAVAILABLE, CriErrorCode.Unavailable],
  [GrpcStatus.DATA_LOSS, CriErrorCode.DataLoss],
  [GrpcStatus.UNAUTHENTICATED, CriErrorCode.Unauthenticated],
]);

const brand = Symbol.for('tskube.CriError');

export interface CriErrorOptions {
  /** The CRI method that failed, e.g. `RuntimeService/ContainerStatus`. */
  method?: string;
  cause?: unknown;
}

/**
 * A CRI call that did not succeed: the runtime refused it, or it never got an answer (the socket
 * is missing, the deadline passed, the call was cancelled). `code` says which; the message is the
 * runtime's own, for humans only.
 */
export class CriError extends Error {
  override readonly name = 'CriError';
  /** The failure's gRPC status, by name. */
  readonly code: CriErrorCode;
  /** The numeric gRPC status code (grpc-js `status`). */
  readonly grpcCode: number;
  /** The CRI method that failed (`RuntimeService/ContainerStatus`); empty when unknown. */
  readonly method: string;

  constructor(grpcCode: number, message: string, options: CriErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.grpcCode = grpcCode;
    this.code = codeByNumber.get(grpcCode) ?? CriErrorCode.Unknown;
    this.method = options.method ?? '';
    Object.defineProperty(this, brand, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }
}

interface GrpcErrorLike {
  code?: unknown;
  details?: unknown;
}

/**
 * The CriError a failed grpc-js call stands for, keeping the original as `cause`. The message
 * names the method and carries the runtime's details (`rpc error` text in Go's terms).
 */
export function criErrorFromGrpc(err: unknown, method: string): CriError {
  if (err instanceof CriError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as GrpcErrorLike;
  const code = typeof e.code === 'number' ? e.code : GrpcStatus.UNKNOWN;
  const details = typeof e.details === 'string' && e.details !== '' ? e.details : err instanceof Error ? err.message : String(err);
  const name = codeByNumber.get(code) ?? CriErrorCode.Unknown;
  return new CriError(code, `${method}: ${name}: ${details}`, { method, cause: err });
}

const is =
  (code: CriErrorCode) =>
  (err: unknown): err is CriError =>
    err instanceof CriError && err.code === code;

/** The container, sandbox or image the call named does not exist. */
export const isCriNotFound = is(CriErrorCode.NotFound);
/** The call's deadline passed before the runtime answered. */
export const isCriDeadlineExceeded = is(CriErrorCode.DeadlineExceeded);
/** The runtime could not be reached (socket missing, connection refused or lost). */
export const isCriUnavailable = is(CriErrorCode.Unavailable);
/** The runtime does not implement the call. */
export const isCriUnimplemented = is(CriErrorCode.Unimplemented);
