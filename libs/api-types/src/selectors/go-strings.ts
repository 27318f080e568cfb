/**
 * String helpers that reproduce Go's behaviour where it shows through in Kubernetes' output: the order
 * of sorted strings and the quoting in error messages.
 */

const isSurrogate = (unit: number): boolean => unit >= 0xd800 && unit <= 0xdfff;

/**
 * Orders strings as Go does (byte-wise over UTF-8, which is code-point order). JavaScript's default
 * comparison uses UTF-16 units, which puts characters above U+FFFF before U+E000–U+FFFF.
 */
export function compareGoStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = isSurrogate(x);
    if (xs !== isSurrogate(y)) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** Sorted copy in Go's order; does not mutate its input. */
export function sortGoStrings(values: readonly string[]): string[] {
  return [...values].sort(compareGoStrings);
}

/** Length in UTF-8 bytes, which is what Go's `len` counts in Kubernetes' length limits. */
export function utf8Length(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}

const simpleEscapes: Readonly<Record<string, string>> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '\\': '\\\\',
  '"': '\\"',
};

const hex = (value: number, width: number): string => value.toString(16).padStart(width, '0');

/** Go's `%q` / strconv.Quote: double quotes, backslash escapes, non-printable characters as \x, \u or \U. */
export function goQuote(value: string): string {
  let out = '"';
  for (const ch of value) {
    const simple = simpleEscapes[ch];
    if (simple !== undefined) {
      out += simple;
      continue;
    }
    const cp = ch.codePointAt(0)!;
    if (cp < 0x20 || cp === 0x7f) out += `\\x${hex(cp, 2)}`;
    else if (ch !== ' ' && /[\p{C}\p{Z}]/u.test(ch)) out += cp > 0xffff ? `\\U${hex(cp, 8)}` : `\\u${hex(cp, 4)}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Go's json.Marshal output, which escapes <, > and & (and U+2028/U+2029) where JSON.stringify does not. */
export function goJSON(value: unknown): string {
  const text = JSON.stringify(value) ?? 'null';
  return text.replace(/[<>&\u2028\u2029]/g, (ch) => `\\u${hex(ch.charCodeAt(0), 4)}`);
}
