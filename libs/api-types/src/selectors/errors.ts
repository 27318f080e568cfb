import type { SelectorFieldError } from './field-errors';

/** Which kind of selector was rejected. */
export const SelectorKind = {
  Label: 'label',
  Field: 'field',
} as const;
export type SelectorKind = (typeof SelectorKind)[keyof typeof SelectorKind];

const brand = Symbol.for('tskube.SelectorError');

/**
 * A label or field selector (or requirement) that is not valid. `message` is the text Kubernetes gives
 * for the same input, so the apiserver can return it verbatim in a BadRequest status. `instanceof` works
 * across duplicated module copies through a registered symbol.
 */
export class SelectorError extends Error {
  override readonly name = 'SelectorError';
  readonly kind: SelectorKind;
  /** The individual problems when the error comes from validating a requirement; empty otherwise. */
  readonly fieldErrors: readonly SelectorFieldError[];

  constructor(
    kind: SelectorKind,
    message: string,
    options: { cause?: unknown; fieldErrors?: readonly SelectorFieldError[] } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.fieldErrors = options.fieldErrors ?? [];
    Object.defineProperty(this, brand, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }
}

export const isSelectorError = (err: unknown): err is SelectorError => err instanceof SelectorError;
