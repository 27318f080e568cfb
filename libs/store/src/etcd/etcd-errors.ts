import { StorageError, StorageErrorCode } from '../errors';

/**
 * etcd reports most failures as gRPC status messages; the etcd3 client turns them into error
 * classes by gRPC code, but several distinct etcd conditions share one code (OUT_OF_RANGE is both
 * "compacted" and "future revision"), so the etcd server's message text is the only
 * discriminator. These are etcd's rpctypes strings (etcdserver/api/v3rpc/rpctypes), stable across
 * etcd 3.x. Nothing above this file looks at message text.
 */
const COMPACTED = 'required revision has been compacted';
const FUTURE_REVISION = 'required revision is a future revision';
const TOO_LARGE = ['etcdserver: request is too large', 'received message larger than max'];
const UNAVAILABLE_MESSAGES = [
  'etcdserver: no leader',
  'etcdserver: leader changed',
  'etcdserver: request timed out',
  'etcdserver: server stopped',
  'etcdserver: not capable',
  'etcdserver: too many requests',
];
/** etcd3 client error classes (by name, so no dependency on its class identities) meaning "try later". */
const UNAVAILABLE_CLASSES = new Set([
  'GRPCUnavailableError',
  'GRPCDeadlineExceededError',
  'GRPCCancelledError',
  'ClientClosedError',
  'EtcdWatchStreamEnded',
]);

function describe(err: unknown): { message: string; className: string } {
  if (err instanceof Error) return { message: err.message, className: err.constructor.name };
  return { message: String(err), className: '' };
}

/** True when the error says a read or watch asked for a revision that compaction removed. */
export function isEtcdCompacted(err: unknown): boolean {
  return describe(err).message.includes(COMPACTED);
}

/**
 * Translates an etcd3 client error into the store's vocabulary. StorageErrors pass through; a
 * "future revision" read becomes a plain Error (the Store contract's choice); anything
 * unrecognised is returned unchanged so that it surfaces as an internal error, not as a code a
 * caller might act on wrongly.
 */
export function fromEtcdError(err: unknown, key?: string): unknown {
  if (err instanceof StorageError) return err;
  const { message, className } = describe(err);
  const options = { key, cause: err };
  if (message.includes(COMPACTED)) return new StorageError(StorageErrorCode.Compacted, `etcd: ${COMPACTED}`, options);
  if (message.includes(FUTURE_REVISION)) return new Error(`etcd: ${FUTURE_REVISION}`, { cause: err });
  if (TOO_LARGE.some((m) => message.includes(m))) return new StorageError(StorageErrorCode.TooLarge, `etcd: request too large${key ? ` for ${key}` : ''}`, options);
  const brokenCircuit = typeof err === 'object' && err !== null && (err as { isBrokenCircuitError?: unknown }).isBrokenCircuitError === true;
  if (brokenCircuit || UNAVAILABLE_CLASSES.has(className) || UNAVAILABLE_MESSAGES.some((m) => message.includes(m))) {
    return new StorageError(StorageErrorCode.Unavailable, `etcd unavailable: ${message}`, options);
  }
  // gRPC's own status codes on raw stream errors (the client does not classify those).
  const grpcCode = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  if (grpcCode === 14 || grpcCode === 4) return new StorageError(StorageErrorCode.Unavailable, `etcd unavailable: ${message}`, options);
  return err;
}
