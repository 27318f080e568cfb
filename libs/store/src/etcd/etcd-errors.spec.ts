import { GRPCDeadlineExceededError, GRPCInvalidArgumentError, GRPCOutOfRangeError, GRPCResourceExhastedError, GRPCUnavailableError } from 'etcd3';
import { describe, expect, it } from 'vitest';
import { StorageError, StorageErrorCode } from '../errors';
import { fromEtcdError, isEtcdCompacted } from './etcd-errors';

/** Errors as the etcd3 client raises them for real etcd 3.4 answers. */
const compacted = new GRPCOutOfRangeError('11 OUT_OF_RANGE: etcdserver: mvcc: required revision has been compacted');
const future = new GRPCOutOfRangeError('11 OUT_OF_RANGE: etcdserver: mvcc: required revision is a future revision');

describe('fromEtcdError', () => {
  it.each([
    { name: 'compacted revision', input: compacted, want: StorageErrorCode.Compacted },
    { name: 'etcd request size limit', input: new GRPCInvalidArgumentError('3 INVALID_ARGUMENT: etcdserver: request is too large'), want: StorageErrorCode.TooLarge },
    {
      name: 'gRPC message size limit',
      input: new GRPCResourceExhastedError('8 RESOURCE_EXHAUSTED: grpc: received message larger than max (5242890 vs. 4718592)'),
      want: StorageErrorCode.TooLarge,
    },
    { name: 'connection refused', input: new GRPCUnavailableError('14 UNAVAILABLE: No connection established'), want: StorageErrorCode.Unavailable },
    { name: 'deadline', input: new GRPCDeadlineExceededError('4 DEADLINE_EXCEEDED: Deadline exceeded'), want: StorageErrorCode.Unavailable },
    { name: 'open circuit breaker', input: Object.assign(new Error('circuit open'), { isBrokenCircuitError: true }), want: StorageErrorCode.Unavailable },
    { name: 'no leader', input: new Error('etcdserver: no leader'), want: StorageErrorCode.Unavailable },
    { name: 'raw gRPC stream status UNAVAILABLE', input: Object.assign(new Error('14 UNAVAILABLE: Connection dropped'), { code: 14 }), want: StorageErrorCode.Unavailable },
  ])('maps $name to $want', ({ input, want }) => {
    const mapped = fromEtcdError(input, '/k');
    expect(mapped).toBeInstanceOf(StorageError);
    expect((mapped as StorageError).code).toBe(want);
    expect((mapped as StorageError).key).toBe('/k');
    expect((mapped as StorageError).cause).toBe(input);
  });

  it('maps a future revision to a plain Error, as the Store contract says', () => {
    const mapped = fromEtcdError(future);
    expect(mapped).toBeInstanceOf(Error);
    expect(mapped).not.toBeInstanceOf(StorageError);
  });

  it('passes StorageErrors and unknown errors through unchanged', () => {
    const storage = new StorageError(StorageErrorCode.Conflict, 'x');
    const unknown = new Error('etcdserver: mvcc: database space exceeded');
    expect(fromEtcdError(storage)).toBe(storage);
    expect(fromEtcdError(unknown)).toBe(unknown);
  });

  it('recognises compaction without mapping', () => {
    expect(isEtcdCompacted(compacted)).toBe(true);
    expect(isEtcdCompacted(future)).toBe(false);
  });
});
