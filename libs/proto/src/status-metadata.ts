import { Metadata, status as GrpcStatus, type StatusObject } from '@grpc/grpc-js';
import { Status } from './gen/tskube/api/v1/api';

/**
 * The trailing-metadata key under which a call the apiserver refuses carries its Status,
 * protobuf-encoded (see the `Api` service comment in proto/tskube/api/v1/api.proto). The `-bin`
 * suffix tells gRPC the value is binary.
 */
export const STATUS_METADATA_KEY = 'tskube-status-bin';

/** HTTP code to gRPC code, for the codes whose meaning does not depend on the reason. */
const byHttpCode: ReadonlyMap<number, GrpcStatus> = new Map([
  [400, GrpcStatus.INVALID_ARGUMENT],
  [401, GrpcStatus.UNAUTHENTICATED],
  [403, GrpcStatus.PERMISSION_DENIED],
  [404, GrpcStatus.NOT_FOUND],
  [405, GrpcStatus.UNIMPLEMENTED],
  [406, GrpcStatus.INVALID_ARGUMENT],
  [410, GrpcStatus.OUT_OF_RANGE],
  [413, GrpcStatus.RESOURCE_EXHAUSTED],
  [415, GrpcStatus.INVALID_ARGUMENT],
  [422, GrpcStatus.INVALID_ARGUMENT],
  [429, GrpcStatus.RESOURCE_EXHAUSTED],
  [500, GrpcStatus.INTERNAL],
  [501, GrpcStatus.UNIMPLEMENTED],
  [503, GrpcStatus.UNAVAILABLE],
  [504, GrpcStatus.DEADLINE_EXCEEDED],
]);

/**
 * The gRPC code a refused call answers with, following the table in api.proto. 409 splits on
 * the reason: AlreadyExists is ALREADY_EXISTS, every other conflict is ABORTED (retry after
 * re-reading), as gRPC's own guidance distinguishes the two. Unknown codes are UNKNOWN.
 */
export function grpcCodeForStatus(status: Pick<Status, 'code' | 'reason'>): GrpcStatus {
  if (status.code === 409) return status.reason === 'AlreadyExists' ? GrpcStatus.ALREADY_EXISTS : GrpcStatus.ABORTED;
  return byHttpCode.get(status.code) ?? GrpcStatus.UNKNOWN;
}

/**
 * What a server hands grpc-js to refuse a call with `status`: the derived gRPC code, the
 * Status message as the gRPC message, and the Status in the trailing metadata. Pass it to a
 * unary callback (`callback(statusToGrpc(s))`) or a stream (`call.emit('error', statusToGrpc(s))`).
 * A fresh Metadata each time, so callers may add to it.
 */
export function statusToGrpc(status: Status): StatusObject {
  const metadata = new Metadata();
  metadata.set(STATUS_METADATA_KEY, Buffer.from(Status.encode(status).finish()));
  return { code: grpcCodeForStatus(status), details: status.message, metadata };
}

/**
 * The Status a failed call carries in its trailing metadata (a grpc-js ServiceError has it as
 * `metadata`), or undefined when there is none: the error did not come from the API layer
 * (transport failure, deadline, cancellation). Throws if the value is not a Status encoding,
 * which only a broken server sends.
 */
export function statusFromGrpc(error: { metadata?: Metadata | null | undefined }): Status | undefined {
  const [value] = error.metadata?.get(STATUS_METADATA_KEY) ?? [];
  if (value === undefined) return undefined;
  if (typeof value === 'string') throw new TypeError(`${STATUS_METADATA_KEY} holds text, not a binary Status`);
  return Status.decode(value);
}
