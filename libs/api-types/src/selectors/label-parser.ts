import { SelectorError, SelectorKind } from './errors';
import { compareGoStrings, sortGoStrings } from './go-strings';
import { LabelRequirement, newLabelRequirement, validateLabelKey } from './label-requirement';
import { SelectionOperator, binaryOperators } from './operator';

/**
 * The label selector grammar of Kubernetes (labels.Parse), token for token, so that the same inputs are
 * accepted, rejected and reported with the same messages:
 *
 *   selector    ::= requirement | requirement "," selector
 *   requirement ::= ["!"] KEY [ ("in" | "notin") "(" VALUES ")" | ("=" | "==" | "!=" | ">" | "<") VALUE ]
 *
 * Whitespace (space, tab, CR, LF) separates tokens; `in` and `notin` are keywords only where an
 * operator is expected; values may be empty (`x=`, `x in ()`, `x in (a,,b)`).
 */

const Token = {
  Error: 'Error',
  EndOfString: 'EndOfString',
  ClosedPar: 'ClosedPar',
  Comma: 'Comma',
  DoesNotExist: 'DoesNotExist',
  DoubleEquals: 'DoubleEquals',
  Equals: 'Equals',
  GreaterThan: 'GreaterThan',
  Identifier: 'Identifier',
  In: 'In',
  LessThan: 'LessThan',
  NotEquals: 'NotEquals',
  NotIn: 'NotIn',
  OpenPar: 'OpenPar',
} as const;
type Token = (typeof Token)[keyof typeof Token];

const literalTokens: ReadonlyMap<string, Token> = new Map([
  [')', Token.ClosedPar],
  [',', Token.Comma],
  ['!', Token.DoesNotExist],
  ['==', Token.DoubleEquals],
  ['=', Token.Equals],
  ['>', Token.GreaterThan],
  ['in', Token.In],
  ['<', Token.LessThan],
  ['!=', Token.NotEquals],
  ['notin', Token.NotIn],
  ['(', Token.OpenPar],
]);

interface ScannedItem {
  readonly token: Token;
  readonly literal: string;
}

/** Kubernetes' lexer works on bytes and reads NUL as "end of input"; a NUL inside the string does the same. */
const END = '\0';
const isWhitespace = (ch: string): boolean => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
const isSpecialSymbol = (ch: string): boolean => ch.length === 1 && '=!(),><'.includes(ch);

class Lexer {
  private pos = 0;

  constructor(private readonly input: string) {}

  private read(): string {
    if (this.pos < this.input.length) return this.input[this.pos++]!;
    return END;
  }

  private unread(): void {
    this.pos--;
  }

  lex(): ScannedItem {
    let ch = this.read();
    while (isWhitespace(ch)) ch = this.read();
    if (ch === END) return { token: Token.EndOfString, literal: '' };
    this.unread();
    return isSpecialSymbol(ch) ? this.scanSpecialSymbol() : this.scanIdentifierOrKeyword();
  }

  private scanIdentifierOrKeyword(): ScannedItem {
    let buffer = '';
    for (;;) {
      const ch = this.read();
      if (ch === END) break;
      if (isSpecialSymbol(ch) || isWhitespace(ch)) {
        this.unread();
        break;
      }
      buffer += ch;
    }
    return { token: literalTokens.get(buffer) ?? Token.Identifier, literal: buffer };
  }

  /** Extends the operator while the longer text is still an operator: `!=` over `!`, `==` over `=`. */
  private scanSpecialSymbol(): ScannedItem {
    let buffer = '';
    let last: ScannedItem | undefined;
    for (;;) {
      const ch = this.read();
      if (ch === END) break;
      if (!isSpecialSymbol(ch)) {
        this.unread();
        break;
      }
      buffer += ch;
      const token = literalTokens.get(buffer);
      if (token !== undefined) {
        last = { token, literal: buffer };
      } else if (last !== undefined) {
        this.unread();
        break;
      }
    }
    return last ?? { token: Token.Error, literal: `error expected: keyword found '${buffer}'` };
  }
}

/** Where a token is read: in values, `in` and `notin` are ordinary identifiers. */
const Context = { KeyAndOperator: 'KeyAndOperator', Values: 'Values' } as const;
type Context = (typeof Context)[keyof typeof Context];

class ParseError extends Error {}

class Parser {
  private readonly items: ScannedItem[] = [];
  private position = 0;

  constructor(input: string) {
    const lexer = new Lexer(input);
    for (;;) {
      const item = lexer.lex();
      this.items.push(item);
      if (item.token === Token.EndOfString) break;
    }
  }

  private static inContext(item: ScannedItem, context: Context): ScannedItem {
    if (context === Context.Values && (item.token === Token.In || item.token === Token.NotIn)) {
      return { token: Token.Identifier, literal: item.literal };
    }
    return item;
  }

  private lookahead(context: Context): ScannedItem {
    return Parser.inContext(this.items[this.position]!, context);
  }

  private consume(context: Context): ScannedItem {
    return Parser.inContext(this.items[this.position++]!, context);
  }

  parse(): LabelRequirement[] {
    const requirements: LabelRequirement[] = [];
    for (;;) {
      const { token, literal } = this.lookahead(Context.Values);
      if (token === Token.EndOfString) return requirements;
      if (token !== Token.Identifier && token !== Token.DoesNotExist) {
        throw new ParseError(`found '${literal}', expected: !, identifier, or 'end of string'`);
      }
      try {
        requirements.push(this.parseRequirement());
      } catch (err) {
        throw new ParseError(`unable to parse requirement: ${(err as Error).message}`, { cause: err });
      }
      const next = this.consume(Context.Values);
      if (next.token === Token.EndOfString) return requirements;
      if (next.token !== Token.Comma) throw new ParseError(`found '${next.literal}', expected: ',' or 'end of string'`);
      const after = this.lookahead(Context.Values);
      if (after.token !== Token.Identifier && after.token !== Token.DoesNotExist) {
        throw new ParseError(`found '${after.literal}', expected: identifier after ','`);
      }
    }
  }

  private parseRequirement(): LabelRequirement {
    const { key, operator: inferred } = this.parseKeyAndInferOperator();
    if (inferred !== undefined) return newLabelRequirement(key, inferred, []);
    const operator = this.parseOperator();
    const values =
      operator === SelectionOperator.In || operator === SelectionOperator.NotIn ? this.parseValues() : this.parseExactValue();
    return newLabelRequirement(key, operator, sortGoStrings([...values]));
  }

  /** A key, with `!` before it or nothing after it making a unary requirement. */
  private parseKeyAndInferOperator(): { key: string; operator: SelectionOperator | undefined } {
    let operator: SelectionOperator | undefined;
    let item = this.consume(Context.Values);
    if (item.token === Token.DoesNotExist) {
      operator = SelectionOperator.DoesNotExist;
      item = this.consume(Context.Values);
    }
    if (item.token !== Token.Identifier) throw new ParseError(`found '${item.literal}', expected: identifier`);
    const keyError = validateLabelKey(item.literal, '<nil>');
    if (keyError) throw new SelectorError(SelectorKind.Label, keyError.message, { fieldErrors: [keyError] });
    const next = this.lookahead(Context.Values).token;
    if ((next === Token.EndOfString || next === Token.Comma) && operator === undefined) {
      operator = SelectionOperator.Exists;
    }
    return { key: item.literal, operator };
  }

  private parseOperator(): SelectionOperator {
    const { token, literal } = this.consume(Context.KeyAndOperator);
    switch (token) {
      case Token.In:
        return SelectionOperator.In;
      case Token.Equals:
        return SelectionOperator.Equals;
      case Token.DoubleEquals:
        return SelectionOperator.DoubleEquals;
      case Token.GreaterThan:
        return SelectionOperator.GreaterThan;
      case Token.LessThan:
        return SelectionOperator.LessThan;
      case Token.NotIn:
        return SelectionOperator.NotIn;
      case Token.NotEquals:
        return SelectionOperator.NotEquals;
      default:
        throw new ParseError(`found '${literal}', expected: ${binaryOperators.join(', ')}`);
    }
  }

  /** `( ... )`: a set, where empty entries mean the empty value (`()` is the set holding ""). */
  private parseValues(): Set<string> {
    const open = this.consume(Context.Values);
    if (open.token !== Token.OpenPar) throw new ParseError(`found '${open.literal}' expected: '('`);
    const { token, literal } = this.lookahead(Context.Values);
    if (token === Token.ClosedPar) {
      this.consume(Context.Values);
      return new Set(['']);
    }
    if (token !== Token.Identifier && token !== Token.Comma) {
      throw new ParseError(`found '${literal}', expected: ',', ')' or identifier`);
    }
    const values = this.parseIdentifiersList();
    // parseIdentifiersList only returns with ')' next.
    this.consume(Context.Values);
    return values;
  }

  private parseIdentifiersList(): Set<string> {
    const values = new Set<string>();
    for (;;) {
      const { token, literal } = this.consume(Context.Values);
      if (token === Token.Identifier) {
        values.add(literal);
        const next = this.lookahead(Context.Values);
        if (next.token === Token.Comma) continue;
        if (next.token === Token.ClosedPar) return values;
        throw new ParseError(`found '${next.literal}', expected: ',' or ')'`);
      }
      if (token === Token.Comma) {
        // A comma with nothing before it, before ')' or before another comma stands for "".
        if (values.size === 0) values.add('');
        const next = this.lookahead(Context.Values).token;
        if (next === Token.ClosedPar) {
          values.add('');
          return values;
        }
        if (next === Token.Comma) values.add('');
        continue;
      }
      throw new ParseError(`found '${literal}', expected: ',', or identifier`);
    }
  }

  /** The single value after `=`, `==`, `!=`, `>` or `<`; nothing before `,` or the end means "". */
  private parseExactValue(): Set<string> {
    const next = this.lookahead(Context.Values).token;
    if (next === Token.EndOfString || next === Token.Comma) return new Set(['']);
    const { token, literal } = this.consume(Context.Values);
    if (token === Token.Identifier) return new Set([literal]);
    throw new ParseError(`found '${literal}', expected: identifier`);
  }
}

/**
 * Parses the string form of a label selector into its requirements sorted by key
 * (labels.ParseToRequirements). Throws `SelectorError` with Kubernetes' message for invalid input.
 */
export function parseLabelRequirements(selector: string): LabelRequirement[] {
  let requirements: LabelRequirement[];
  try {
    requirements = new Parser(selector).parse();
  } catch (err) {
    if (err instanceof ParseError) {
      const cause = err.cause instanceof SelectorError ? err.cause : undefined;
      throw new SelectorError(SelectorKind.Label, err.message, { cause, fieldErrors: cause?.fieldErrors ?? [] });
    }
    throw err;
  }
  // A stable sort by key: deterministic output whatever order the requirements were written in.
  return requirements.sort((a, b) => compareGoStrings(a.key, b.key));
}
