/** Why a quantity string was rejected; mirrors the three sentinel errors of apimachinery's `resource` package. */
export const QuantityErrorCode = {
  /** The string does not have the shape `<signedNumber><suffix>` (`resource.ErrFormatWrong`). */
  FormatWrong: 'FormatWrong',
  /** The numeric part holds no digit where one is needed (`resource.ErrNumeric`). */
  Numeric: 'Numeric',
  /** The suffix is none of the SI, binary SI or exponent forms (`resource.ErrSuffix`). */
  Suffix: 'Suffix',
} as const;
export type QuantityErrorCode = (typeof QuantityErrorCode)[keyof typeof QuantityErrorCode];

/** Kubernetes prints this expression in its format error; the text is part of the API's error messages. */
const SPLIT_RE_STRING = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';

/** The exact messages Kubernetes returns, so clients that show them see the same words. */
export const quantityErrorMessages: Readonly<Record<QuantityErrorCode, string>> = {
  FormatWrong: `quantities must match the regular expression '${SPLIT_RE_STRING}'`,
  Numeric: 'unable to parse numeric part of quantity',
  Suffix: "unable to parse quantity's suffix",
};

const brand = Symbol.for('tskube.QuantityError');

/**
 * A quantity string that cannot be parsed. `message` is Kubernetes' text for the same input; callers
 * branch on `code`. `instanceof` works across duplicated module copies through a registered symbol.
 */
export class QuantityError extends Error {
  override readonly name = 'QuantityError';
  readonly code: QuantityErrorCode;
  /** The string that failed to parse. */
  readonly input: string;

  constructor(code: QuantityErrorCode, input: string, options: { cause?: unknown } = {}) {
    super(quantityErrorMessages[code], options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.input = input;
    Object.defineProperty(this, brand, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }
}

export const isQuantityError = (err: unknown): err is QuantityError => err instanceof QuantityError;
