import { SelectorError, SelectorKind } from './errors';
import { compareGoStrings } from './go-strings';
import { SelectionOperator } from './operator';

/** An object's selectable fields by path (`metadata.name` → `nginx`); a missing field reads as "". */
export type FieldSet = Readonly<Record<string, string>>;

/** One term of a field selector: `field=value` or `field!=value` (`==` is read as `=`). */
export interface FieldRequirement {
  readonly operator: typeof SelectionOperator.Equals | typeof SelectionOperator.NotEquals;
  /** The field path exactly as written, without trimming (the server rejects unknown ones). */
  readonly field: string;
  /** The unescaped value. */
  readonly value: string;
}

/**
 * Rewrites one term, e.g. to map a legacy field name to its current one; returning an empty field and
 * value drops the term. Throw to reject the selector.
 */
export type FieldTransform = (field: string, value: string) => { field: string; value: string };

/** A field selector (fields.Selector): terms that must all hold. Immutable. */
export interface FieldsSelector {
  /** True when every term holds for `fields`; a field absent from the set has the value "". */
  matches(fields: FieldSet): boolean;
  /** True when nothing is restricted (no terms). Nothing is not empty. */
  empty(): boolean;
  /** True only for `FieldsSelector.nothing()`. */
  matchesNothing(): boolean;
  /** The value `field` must equal, from the first `=` term on it; undefined if none. */
  requiresExactMatch(field: string): string | undefined;
  /**
   * The terms, in selector order (parsed selectors are sorted by their text), so the server can check
   * each field against the ones the resource supports.
   */
  requirements(): readonly FieldRequirement[];
  /** A copy with `fn` applied to every term; terms mapped to an empty field and value are dropped. */
  transform(fn: FieldTransform): FieldsSelector;
  /** The text form: terms joined by `,` with `\`, `,` and `=` in values escaped; "" for Everything and Nothing. */
  toString(): string;
}

class TermsSelector implements FieldsSelector {
  private readonly terms: readonly FieldRequirement[];

  constructor(terms: readonly FieldRequirement[]) {
    this.terms = Object.freeze([...terms]);
  }

  matches(fields: FieldSet): boolean {
    return this.terms.every((t) => {
      const actual = Object.hasOwn(fields, t.field) ? fields[t.field] : '';
      return t.operator === SelectionOperator.Equals ? actual === t.value : actual !== t.value;
    });
  }

  empty(): boolean {
    return this.terms.length === 0;
  }

  matchesNothing(): boolean {
    return false;
  }

  requiresExactMatch(field: string): string | undefined {
    return this.terms.find((t) => t.field === field && t.operator === SelectionOperator.Equals)?.value;
  }

  requirements(): readonly FieldRequirement[] {
    return this.terms;
  }

  transform(fn: FieldTransform): FieldsSelector {
    const next: FieldRequirement[] = [];
    for (const term of this.terms) {
      const { field, value } = fn(term.field, term.value);
      if (field.length === 0 && value.length === 0) continue;
      next.push({ operator: term.operator, field, value });
    }
    return new TermsSelector(next);
  }

  toString(): string {
    return this.terms.map((t) => `${t.field}${t.operator === SelectionOperator.Equals ? '=' : '!='}${escapeFieldValue(t.value)}`).join(',');
  }
}

class NothingFieldsSelector implements FieldsSelector {
  matches(): boolean {
    return false;
  }

  empty(): boolean {
    return false;
  }

  matchesNothing(): boolean {
    return true;
  }

  requiresExactMatch(): string | undefined {
    return undefined;
  }

  requirements(): readonly FieldRequirement[] {
    return [];
  }

  transform(): FieldsSelector {
    return this;
  }

  toString(): string {
    return '';
  }
}

const everythingSelector: FieldsSelector = new TermsSelector([]);
const nothingSelector: FieldsSelector = new NothingFieldsSelector();

/** Escapes `\`, `,` and `=` with a backslash so any string can be a field selector value (fields.EscapeValue). */
export function escapeFieldValue(value: string): string {
  return value.replace(/[\\,=]/g, (ch) => `\\${ch}`);
}

/**
 * Reverses `escapeFieldValue` (fields.UnescapeValue). Throws `SelectorError` for an unknown escape, a
 * trailing backslash, or an unescaped `,` or `=` (whose message, as in Kubernetes, gives the character's
 * code point).
 */
export function unescapeFieldValue(value: string): string {
  if (!/[\\,=]/.test(value)) return value;
  let out = '';
  let inSlash = false;
  for (const ch of value) {
    if (inSlash) {
      if (ch !== '\\' && ch !== ',' && ch !== '=') {
        throw new SelectorError(SelectorKind.Field, `invalid field selector: invalid escape sequence: \\${ch}`);
      }
      out += ch;
      inSlash = false;
    } else if (ch === '\\') {
      inSlash = true;
    } else if (ch === ',' || ch === '=') {
      throw new SelectorError(SelectorKind.Field, `invalid field selector: unescaped character in value: ${ch.codePointAt(0)}`);
    } else {
      out += ch;
    }
  }
  if (inSlash) throw new SelectorError(SelectorKind.Field, 'invalid field selector: invalid escape sequence: \\');
  return out;
}

/** Splits on commas that are not escaped; escapes stay in the terms. */
function splitTerms(selector: string): string[] {
  if (selector.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < selector.length; i++) {
    const ch = selector[i];
    if (inSlash) inSlash = false;
    else if (ch === '\\') inSlash = true;
    else if (ch === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

/** `!=` and `==` are tried before `=` so that the value does not keep a leading `=`. */
const termOperators = ['!=', '==', '='] as const;

/** Splits at the first operator; the field part has no escaping. */
function splitTerm(term: string): { field: string; operator: (typeof termOperators)[number]; rawValue: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const operator of termOperators) {
      if (term.startsWith(operator, i)) return { field: term.slice(0, i), operator, rawValue: term.slice(i + operator.length) };
    }
  }
  return undefined;
}

function parse(selector: string, fn: FieldTransform | undefined): FieldsSelector {
  const terms: FieldRequirement[] = [];
  for (const part of splitTerms(selector).sort(compareGoStrings)) {
    if (part === '') continue;
    const split = splitTerm(part);
    if (split === undefined) throw new SelectorError(SelectorKind.Field, `invalid selector: '${selector}'; can't understand '${part}'`);
    const value = unescapeFieldValue(split.rawValue);
    const operator = split.operator === '!=' ? SelectionOperator.NotEquals : SelectionOperator.Equals;
    terms.push({ operator, field: split.field, value });
  }
  // Kubernetes always runs the (identity) transform, which drops terms with no field and no value.
  return new TermsSelector(terms).transform(fn ?? ((field, value) => ({ field, value })));
}

/** Builds field selectors; the companion of the `FieldsSelector` type. */
export const FieldsSelector = {
  /**
   * Parses `field=value,field!=value` (fields.ParseSelector): terms are split on unescaped commas,
   * sorted by their text, and split at the first `!=`, `==` or `=`; values are unescaped. Fields are
   * taken verbatim (no trimming, no validation: the server checks them against the resource). The empty
   * string selects everything. Throws `SelectorError` with Kubernetes' message.
   */
  parse(selector: string): FieldsSelector {
    return parse(selector, undefined);
  },

  /** Parses, then applies `fn` to every term (fields.ParseAndTransformSelector). */
  parseAndTransform(selector: string, fn: FieldTransform): FieldsSelector {
    return parse(selector, fn);
  },

  /** Matches every object. */
  everything(): FieldsSelector {
    return everythingSelector;
  },

  /** Matches no object. */
  nothing(): FieldsSelector {
    return nothingSelector;
  },

  /** `field=value` for each entry, sorted by field; a missing set gives Everything (fields.SelectorFromSet). */
  fromSet(set: FieldSet | undefined): FieldsSelector {
    if (set === undefined) return everythingSelector;
    const fields = Object.keys(set).sort(compareGoStrings);
    return new TermsSelector(fields.map((field) => ({ operator: SelectionOperator.Equals, field, value: set[field]! })));
  },

  /** `field=value` (fields.OneTermEqualSelector). */
  oneTermEqual(field: string, value: string): FieldsSelector {
    return new TermsSelector([{ operator: SelectionOperator.Equals, field, value }]);
  },

  /** `field!=value` (fields.OneTermNotEqualSelector). */
  oneTermNotEqual(field: string, value: string): FieldsSelector {
    return new TermsSelector([{ operator: SelectionOperator.NotEquals, field, value }]);
  },

  /** All of `selectors` at once (fields.AndSelectors); any Nothing makes the result Nothing. */
  and(...selectors: FieldsSelector[]): FieldsSelector {
    if (selectors.some((s) => s.matchesNothing())) return nothingSelector;
    return new TermsSelector(selectors.flatMap((s) => s.requirements()));
  },
};

/** Parses a field selector string; see `FieldsSelector.parse`. */
export function parseFieldSelector(selector: string): FieldsSelector {
  return FieldsSelector.parse(selector);
}
