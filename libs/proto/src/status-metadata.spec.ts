import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { Status, grpcCodeForStatus, statusFromGrpc, statusToGrpc } from './index';

describe('grpcCodeForStatus', () => {
  it.each([
    { code: 400, reason: 'BadRequest', want: GrpcStatus.INVALID_ARGUMENT },
    { code: 401, reason: 'Unauthorized', want: GrpcStatus.UNAUTHENTICATED },
    { code: 403, reason: 'Forbidden', want: GrpcStatus.PERMISSION_DENIED },
    { code: 404, reason: 'NotFound', want: GrpcStatus.NOT_FOUND },
    { code: 405, reason: 'MethodNotAllowed', want: GrpcStatus.UNIMPLEMENTED },
    { code: 406, reason: 'NotAcceptable', want: GrpcStatus.INVALID_ARGUMENT },
    { code: 409, reason: 'AlreadyExists', want: GrpcStatus.ALREADY_EXISTS },
    { code: 409, reason: 'Conflict', want: GrpcStatus.ABORTED },
    { code: 409, reason: '', want: GrpcStatus.ABORTED },
    { code: 410, reason: 'Expired', want: GrpcStatus.OUT_OF_RANGE },
    { code: 410, reason: 'Gone', want: GrpcStatus.OUT_OF_RANGE },
    { code: 413, reason: 'RequestEntityTooLarge', want: GrpcStatus.RESOURCE_EXHAUSTED },
    { code: 415, reason: 'UnsupportedMediaType', want: GrpcStatus.INVALID_ARGUMENT },
    { code: 422, reason: 'Invalid', want: GrpcStatus.INVALID_ARGUMENT },
    { code: 429, reason: 'TooManyRequests', want: GrpcStatus.RESOURCE_EXHAUSTED },
    { code: 500, reason: 'InternalError', want: GrpcStatus.INTERNAL },
    { code: 501, reason: 'NotImplemented', want: GrpcStatus.UNIMPLEMENTED },
    { code: 503, reason: 'ServiceUnavailable', want: GrpcStatus.UNAVAILABLE },
    { code: 504, reason: 'Timeout', want: GrpcStatus.DEADLINE_EXCEEDED },
    { code: 418, reason: '', want: GrpcStatus.UNKNOWN },
  ])('$code $reason is gRPC code $want', ({ code, reason, want }) => {
    expect(grpcCodeForStatus({ code, reason })).toBe(want);
  });
});

describe('Status in trailing metadata', () => {
  const invalid = Status.fromPartial({
    code: 422,
    reason: 'Invalid',
    message: 'Pod "web-0" is invalid: spec.containers: Required value',
    details: Buffer.from(JSON.stringify({ name: 'web-0', kind: 'Pod', causes: [{ type: 'FieldValueRequired', field: 'spec.containers' }] })),
  });

  it('round-trips through statusToGrpc and statusFromGrpc', () => {
    const wire = statusToGrpc(invalid);
    expect(wire.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(wire.details).toBe(invalid.message);
    expect(statusFromGrpc(wire)).toEqual(invalid);
  });

  it('hands out fresh metadata each time, so a caller adding to one changes no other', () => {
    const a = statusToGrpc(invalid);
    a.metadata.set('x-extra', '1');
    expect(statusFromGrpc(a)).toEqual(invalid);
    expect(statusToGrpc(invalid).metadata.get('x-extra')).toEqual([]);
  });

  it.each([
    { name: 'no metadata', error: {} },
    { name: 'null metadata', error: { metadata: null } },
    { name: 'metadata without the key', error: { metadata: new Metadata() } },
  ])('is undefined for an error that did not come from the API: $name', ({ error }) => {
    expect(statusFromGrpc(error)).toBeUndefined();
  });
});
