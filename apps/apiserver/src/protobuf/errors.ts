/** Why a protobuf body could not be decoded. Callers branch on `code`, never on message text. */
export const ProtobufBodyErrorCode = {
  /**
   * The body is well formed but names a kind (or a content encoding) this decoder has no schema
   * for. Kubernetes answers 415 Unsupported Media Type for a kind without a protobuf form.
   */
  Unsupported: 'Unsupported',
  /** The bytes are not a Kubernetes protobuf object: no magic, truncated, wrong wire types. A 400. */
  Malformed: 'Malformed',
} as const;
export type ProtobufBodyErrorCode = (typeof ProtobufBodyErrorCode)[keyof typeof ProtobufBodyErrorCode];

const brand = Symbol.for('tskube.ProtobufBodyError');

/** The only error the protobuf decoder throws. `instanceof` works across duplicated module copies. */
export class ProtobufBodyError extends Error {
  override readonly name = 'ProtobufBodyError';
  readonly code: ProtobufBodyErrorCode;

  constructor(code: ProtobufBodyErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    Object.defineProperty(this, brand, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }
}

export const isUnsupported = (err: unknown): err is ProtobufBodyError =>
  err instanceof ProtobufBodyError && err.code === ProtobufBodyErrorCode.Unsupported;

export const isMalformed = (err: unknown): err is ProtobufBodyError =>
  err instanceof ProtobufBodyError && err.code === ProtobufBodyErrorCode.Malformed;
