import { describe, expect, it } from 'vitest';
import { status as GrpcCode } from '@grpc/grpc-js';
import { StatusError, newConflict, newResourceExpired } from '@tskube/api-types';
import { statusToGrpc } from '@tskube/proto';
import { TransportError, errorFromGrpc, errorFromStatusObject, isResourceExpired, isTransportError } from './errors';

/** A grpc-js ServiceError as a failed call delivers it. */
function serviceError(obj: { code: number; details: string; metadata?: ReturnType<typeof statusToGrpc>['metadata'] }) {
  return Object.assign(new Error(`${obj.code} ${obj.details}`), obj);
}

describe('errorFromGrpc', () => {
  it('rebuilds the StatusError the server sent, details included', () => {
    const sent = newConflict({ group: 'apps', resource: 'deployments' }, 'web');
    const wire = statusToGrpc({ code: sent.code, reason: sent.reason, message: sent.message, details: Buffer.from(JSON.stringify(sent.details)) });
    const grpcErr = serviceError({ code: wire.code!, details: wire.details!, metadata: wire.metadata });
    const err = errorFromGrpc(grpcErr);
    expect(err).toBeInstanceOf(StatusError);
    expect(err).toMatchObject({ code: 409, reason: 'Conflict', message: sent.message, details: { name: 'web', group: 'apps', kind: 'deployments' } });
    expect((err as Error).cause).toBe(grpcErr);
  });

  it.each([
    { name: 'unavailable', code: GrpcCode.UNAVAILABLE },
    { name: 'deadline exceeded', code: GrpcCode.DEADLINE_EXCEEDED },
    { name: 'cancelled', code: GrpcCode.CANCELLED },
  ])('turns a status-less failure ($name) into a TransportError', ({ code }) => {
    const err = errorFromGrpc(serviceError({ code, details: 'x' }));
    expect(err).toBeInstanceOf(TransportError);
    expect(isTransportError(err)).toBe(true);
    expect((err as TransportError).grpcCode).toBe(code);
  });

  it('passes other values through', () => {
    const plain = new TypeError('not grpc');
    expect(errorFromGrpc(plain)).toBe(plain);
    const status = newResourceExpired('gone');
    expect(errorFromGrpc(status)).toBe(status);
  });
});

describe('errorFromStatusObject', () => {
  it.each([
    { name: 'a 410 Status', input: newResourceExpired('too old').toStatus(), want: { code: 410, reason: 'Expired', message: 'too old' } },
    { name: 'a Status without code', input: { kind: 'Status', message: 'odd' }, want: { code: 500, reason: '', message: 'odd' } },
    { name: 'not an object', input: 'text', want: { code: 500, reason: '' } },
  ])('reads $name', ({ input, want }) => {
    expect(errorFromStatusObject(input)).toMatchObject(want);
  });
});

describe('isResourceExpired', () => {
  it.each([
    { name: 'Expired', err: newResourceExpired('x'), want: true },
    { name: 'Gone', err: StatusError.fromStatus({ code: 410, reason: 'Gone' }), want: true },
    { name: 'Conflict', err: newConflict({ group: '', resource: 'pods' }, 'p'), want: false },
    { name: 'a plain error', err: new Error('410'), want: false },
  ])('$name → $want', ({ err, want }) => {
    expect(isResourceExpired(err)).toBe(want);
  });
});
