import { status as GrpcStatus } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { CriError, CriErrorCode, criErrorFromGrpc, isCriDeadlineExceeded, isCriNotFound, isCriUnavailable, isCriUnimplemented } from './errors';

function grpcError(code: number, details: string): Error {
  return Object.assign(new Error(`${code} ${details}`), { code, details });
}

describe('criErrorFromGrpc', () => {
  it.each([
    { grpc: GrpcStatus.NOT_FOUND, want: CriErrorCode.NotFound, is: isCriNotFound },
    { grpc: GrpcStatus.DEADLINE_EXCEEDED, want: CriErrorCode.DeadlineExceeded, is: isCriDeadlineExceeded },
    { grpc: GrpcStatus.UNAVAILABLE, want: CriErrorCode.Unavailable, is: isCriUnavailable },
    { grpc: GrpcStatus.UNIMPLEMENTED, want: CriErrorCode.Unimplemented, is: isCriUnimplemented },
    { grpc: GrpcStatus.CANCELLED, want: CriErrorCode.Cancelled, is: undefined },
    { grpc: GrpcStatus.INVALID_ARGUMENT, want: CriErrorCode.InvalidArgument, is: undefined },
    { grpc: GrpcStatus.UNKNOWN, want: CriErrorCode.Unknown, is: undefined },
    { grpc: 99, want: CriErrorCode.Unknown, is: undefined },
  ])('maps gRPC status $grpc to $want', ({ grpc, want, is }) => {
    const cause = grpcError(grpc, 'container "abc" not found');
    const err = criErrorFromGrpc(cause, 'RuntimeService/ContainerStatus');
    expect(err).toBeInstanceOf(CriError);
    expect(err.code).toBe(want);
    expect(err.grpcCode).toBe(grpc);
    expect(err.method).toBe('RuntimeService/ContainerStatus');
    expect(err.cause).toBe(cause);
    expect(err.message).toBe(`RuntimeService/ContainerStatus: ${want}: container "abc" not found`);
    if (is) expect(is(err)).toBe(true);
  });

  it('treats anything without a numeric code as Unknown and keeps its message', () => {
    const err = criErrorFromGrpc(new Error('socket hang up'), 'ImageService/ListImages');
    expect(err.code).toBe(CriErrorCode.Unknown);
    expect(err.message).toBe('ImageService/ListImages: Unknown: socket hang up');
  });

  it('returns a CriError unchanged', () => {
    const err = new CriError(GrpcStatus.NOT_FOUND, 'gone', { method: 'RuntimeService/StopContainer' });
    expect(criErrorFromGrpc(err, 'other')).toBe(err);
  });

  it('predicates are false for other codes and other errors', () => {
    const err = new CriError(GrpcStatus.INTERNAL, 'boom');
    expect([isCriNotFound(err), isCriDeadlineExceeded(err), isCriUnavailable(err), isCriNotFound(new Error('x'))]).toEqual([false, false, false, false]);
  });
});

describe('CriError', () => {
  it('sets name and cause, and defaults method to empty', () => {
    const cause = new Error('root');
    const err = new CriError(GrpcStatus.ABORTED, 'aborted', { cause });
    expect([err.name, err.cause, err.method, err.code]).toEqual(['CriError', cause, '', CriErrorCode.Aborted]);
  });

  it('is recognised by instanceof across duplicated module copies', () => {
    // A second copy of the class (another bundle) brands its instances with the same symbol.
    const foreign = Object.defineProperty(new Error('x'), Symbol.for('tskube.CriError'), { value: true });
    expect(foreign).toBeInstanceOf(CriError);
    expect(new Error('y')).not.toBeInstanceOf(CriError);
  });
});
