/** Why a store operation failed. Callers branch on `code` (or the predicates), never on message text. */
export const StorageErrorCode = {
  NotFound: 'NotFound',
  AlreadyExists: 'AlreadyExists',
  Conflict: 'Conflict',
  Compacted: 'Compacted',
  TooLarge: 'TooLarge',
  Unavailable: 'Unavailable',
} as const;
export type StorageErrorCode = (typeof StorageErrorCode)[keyof typeof StorageErrorCode];

const brand = Symbol.for('tskube.StorageError');

export interface StorageErrorOptions {
  key?: string;
  /** For Conflict: the modRevision actually found. For Compacted: the compacted revision. */
  revision?: number;
  cause?: unknown;
}

/**
 * The store layer's only error type. The apiserver translates it into a `metav1.Status` in one
 * place. `instanceof` works across duplicated module copies through a registered symbol.
 */
export class StorageError extends Error {
  override readonly name = 'StorageError';
  readonly code: StorageErrorCode;
  readonly key: string | undefined;
  readonly revision: number | undefined;

  constructor(code: StorageErrorCode, message: string, options: StorageErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.key = options.key;
    this.revision = options.revision;
    Object.defineProperty(this, brand, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }
}

const is = (code: StorageErrorCode) => (err: unknown): err is StorageError =>
  err instanceof StorageError && err.code === code;

export const isNotFound = is(StorageErrorCode.NotFound);
export const isAlreadyExists = is(StorageErrorCode.AlreadyExists);
export const isConflict = is(StorageErrorCode.Conflict);
export const isCompacted = is(StorageErrorCode.Compacted);
export const isTooLarge = is(StorageErrorCode.TooLarge);
export const isUnavailable = is(StorageErrorCode.Unavailable);
