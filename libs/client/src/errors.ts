import { status as GrpcCode, type Metadata } from '@grpc/grpc-js';
import { StatusError, type StatusDetails } from '@tskube/api-types';
import { statusFromGrpc } from '@tskube/proto';

const brand = Symbol.for('tskube.TransportError');

/**
 * A call that failed below the API layer: the connection broke, the server was unreachable, the
 * client's own deadline passed or the call was cancelled. It carries no Status because the
 * apiserver never answered; callers retry it (informers re-watch, workers re-queue) rather than
 * branch on a reason, as client-go treats a url.Error apart from a StatusError.
 */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  /** The gRPC status code grpc-js reported (UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED, ...). */
  readonly grpcCode: number;

  constructor(grpcCode: number, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.grpcCode = grpcCode;
    Object.defineProperty(this, brand, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }
}

interface GrpcErrorLike {
  code?: number;
  details?: string;
  message?: string;
  metadata?: Metadata | null;
}

function isGrpcError(err: unknown): err is GrpcErrorLike & Error {
  return err instanceof Error && typeof (err as GrpcErrorLike).code === 'number';
}

function parseDetails(bytes: Uint8Array): StatusDetails | undefined {
  if (bytes.length === 0) return undefined;
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as StatusDetails;
  } catch {
    return undefined;
  }
}

/**
 * The error a failed gRPC call stands for: a StatusError rebuilt from the `tskube-status-bin`
 * trailer when the apiserver refused the call, a TransportError when it carries none, and
 * anything that is not a gRPC error unchanged. The original error is kept as `cause`.
 */
export function errorFromGrpc(err: unknown): unknown {
  if (err instanceof StatusError || err instanceof TransportError || !isGrpcError(err)) return err;
  let status;
  try {
    status = statusFromGrpc(err);
  } catch (decodeError) {
    return new TransportError(GrpcCode.INTERNAL, `undecodable status from server: ${String(decodeError)}`, { cause: err });
  }
  if (status !== undefined) {
    const details = parseDetails(status.details);
    return new StatusError(
      { code: status.code, reason: status.reason as StatusError['reason'], message: status.message, ...(details ? { details } : {}) },
      { cause: err },
    );
  }
  return new TransportError(err.code ?? GrpcCode.UNKNOWN, err.details || err.message || 'gRPC call failed', { cause: err });
}

/**
 * The error a watch ERROR event's object (a metav1.Status as JSON) stands for. A body that is not a
 * Status becomes a 500 with no reason, as client-go does for bodies it cannot classify.
 */
export function errorFromStatusObject(obj: unknown): StatusError {
  if (typeof obj !== 'object' || obj === null) return StatusError.fromStatus({ message: `unexpected watch error object: ${JSON.stringify(obj)}` });
  const s = obj as { code?: unknown; reason?: unknown; message?: unknown; details?: unknown };
  return StatusError.fromStatus({
    ...(typeof s.code === 'number' ? { code: s.code } : {}),
    ...(typeof s.reason === 'string' ? { reason: s.reason } : {}),
    ...(typeof s.message === 'string' ? { message: s.message } : {}),
    ...(typeof s.details === 'object' && s.details !== null ? { details: s.details as StatusDetails } : {}),
  });
}

/**
 * Whether `err` says the requested resourceVersion (or continue token) is no longer available:
 * HTTP 410, reason Expired or Gone. An informer answers it by listing again.
 */
export function isResourceExpired(err: unknown): err is StatusError {
  return err instanceof StatusError && err.code === 410;
}

/** Whether `err` is a TransportError: the call never got an answer from the API layer. */
export function isTransportError(err: unknown): err is TransportError {
  return err instanceof TransportError;
}
