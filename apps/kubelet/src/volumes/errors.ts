const brand = Symbol.for('tskube.kubelet.VolumeError');

/** One volume that could not be set up, with the message Kubernetes' kubelet would record for it. */
export interface VolumeFailure {
  /** The pod's name for the volume (spec.volumes[].name). */
  volume: string;
  /** E.g. `MountVolume.SetUp failed for volume "config" : configmap "app" not found`. */
  message: string;
}

/**
 * Volumes that could not be set up, mounted or torn down. The message is event-worthy (reason
 * FailedMount); when several volumes failed, `failures` holds one entry per volume (one event each,
 * as Kubernetes records them) and the message joins them.
 */
export class VolumeError extends Error {
  override readonly name = 'VolumeError';
  readonly failures: readonly VolumeFailure[];

  constructor(message: string, options?: { cause?: unknown; failures?: readonly VolumeFailure[] }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.failures = options?.failures ?? [];
    Object.defineProperty(this, brand, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }
}

/** Go's wording of a failed system call (`open /x: no such file or directory`), as the kubelet reports them. */
export function syscallMessage(err: unknown, op?: string, path?: string): string {
  const e = err as NodeJS.ErrnoException;
  const text = goErrno[e.code ?? ''] ?? e.message;
  const what = op ?? e.syscall;
  const where = path ?? e.path;
  return what && where ? `${what} ${where}: ${text}` : text;
}

const goErrno: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  EEXIST: 'file exists',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  ELOOP: 'too many levels of symbolic links',
  EBUSY: 'device or resource busy',
  ENAMETOOLONG: 'file name too long',
};

/** Kubernetes' aggregate error text: one message as is, several as `[a, b]`, duplicates once. */
export function aggregateMessage(messages: readonly string[]): string {
  const unique = [...new Set(messages)];
  return unique.length === 1 ? unique[0]! : `[${unique.join(', ')}]`;
}
