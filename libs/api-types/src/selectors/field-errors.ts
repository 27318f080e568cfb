import { goJSON, goQuote } from './go-strings';

/**
 * Just enough of apimachinery's field.Error to word selector errors as Kubernetes does:
 * `<path>: <Type>: <value>: <detail>`, and a list as `[a, b]`.
 */

/** A validation problem at one field path. */
export interface SelectorFieldError {
  /** `Invalid` for a malformed value, `NotSupported` for a value outside an enumeration. */
  readonly type: 'Invalid' | 'NotSupported';
  /** Path as Kubernetes prints it (`values[0][key]`), or `<nil>` when the parser gives none. */
  readonly field: string;
  readonly message: string;
}

/** How a bad value prints: strings Go-quoted, anything else as Go's JSON (a nil list is `null`). */
function formatBadValue(value: unknown): string {
  return typeof value === 'string' ? goQuote(value) : goJSON(value ?? null);
}

export function invalid(field: string, badValue: unknown, detail: string): SelectorFieldError {
  const body = `Invalid value: ${formatBadValue(badValue)}${detail ? `: ${detail}` : ''}`;
  return { type: 'Invalid', field, message: `${field}: ${body}` };
}

/** The bad value is a named string type in Kubernetes, so it prints through JSON rather than `%q`. */
export function notSupported(field: string, badValue: string, supported: readonly string[]): SelectorFieldError {
  const detail = supported.length > 0 ? `: supported values: ${supported.map(goQuote).join(', ')}` : '';
  return { type: 'NotSupported', field, message: `${field}: Unsupported value: ${goJSON(badValue)}${detail}` };
}

/** An aggregate's message: one error alone, else the distinct messages in brackets. */
export function aggregateMessage(errors: readonly SelectorFieldError[]): string {
  if (errors.length === 1) return errors[0]!.message;
  const distinct = [...new Set(errors.map((e) => e.message))];
  return distinct.length === 1 ? distinct[0]! : `[${distinct.join(', ')}]`;
}
