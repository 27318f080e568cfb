import { SelectorError, SelectorKind } from './errors';
import { aggregateMessage, invalid, notSupported, type SelectorFieldError } from './field-errors';
import { sortGoStrings } from './go-strings';
import { isLabelKey, isLabelValue } from './label-validation';
import { SelectionOperator, binaryOperators, isSelectionOperator, unaryOperators } from './operator';

/** An object's labels as they appear in `metadata.labels`; a missing map is treated as empty. */
export type LabelSet = Readonly<Record<string, string>>;

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** Go's strconv.ParseInt(s, 10, 64), which the numeric operators rely on. */
function parseInt64(value: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(value)) return undefined;
  const parsed = BigInt(value);
  return parsed < INT64_MIN || parsed > INT64_MAX ? undefined : parsed;
}

function lookup(labels: LabelSet | undefined, key: string): string | undefined {
  // Own properties only: a label named `constructor` must not find Object.prototype's.
  return labels !== undefined && Object.hasOwn(labels, key) ? labels[key] : undefined;
}

/**
 * One condition of a label selector: a key, an operator and values (labels.Requirement). Build checked
 * ones with `newLabelRequirement`; the constructor trusts its input, as Kubernetes' pre-validated paths do.
 */
export class LabelRequirement {
  /** Values as given (parsed selectors give them sorted and de-duplicated). */
  readonly values: readonly string[];

  constructor(
    /** The label key this requirement looks at. */
    readonly key: string,
    readonly operator: SelectionOperator,
    values: readonly string[] = [],
  ) {
    this.values = Object.freeze([...values]);
  }

  /**
   * Whether `labels` satisfy this requirement: `in`/`=`/`==` need the key with one of the values;
   * `notin`/`!=` hold when the key is absent or has another value; `exists`/`!` test presence only;
   * `gt`/`lt` need the key with an integer value strictly above/below the single integer value.
   */
  matches(labels: LabelSet | undefined): boolean {
    const value = lookup(labels, this.key);
    switch (this.operator) {
      case SelectionOperator.In:
      case SelectionOperator.Equals:
      case SelectionOperator.DoubleEquals:
        return value !== undefined && this.values.includes(value);
      case SelectionOperator.NotIn:
      case SelectionOperator.NotEquals:
        return value === undefined || !this.values.includes(value);
      case SelectionOperator.Exists:
        return value !== undefined;
      case SelectionOperator.DoesNotExist:
        return value === undefined;
      case SelectionOperator.GreaterThan:
      case SelectionOperator.LessThan: {
        if (value === undefined || this.values.length !== 1) return false;
        const actual = parseInt64(value);
        const bound = parseInt64(this.values[0]!);
        if (actual === undefined || bound === undefined) return false;
        return this.operator === SelectionOperator.GreaterThan ? actual > bound : actual < bound;
      }
    }
  }

  /**
   * Kubernetes' text for the requirement: `key=value`, `key==value`, `key!=value`, `key in (a,b)`,
   * `key notin (a,b)`, `key>1`, `key<1`, `key`, `!key`. Several values print sorted.
   */
  toString(): string {
    const { key, operator } = this;
    if (operator === SelectionOperator.Exists) return key;
    if (operator === SelectionOperator.DoesNotExist) return `!${key}`;
    const values = this.values.length === 1 ? this.values[0]! : sortGoStrings(this.values).join(',');
    switch (operator) {
      case SelectionOperator.Equals:
        return `${key}=${values}`;
      case SelectionOperator.DoubleEquals:
        return `${key}==${values}`;
      case SelectionOperator.NotEquals:
        return `${key}!=${values}`;
      case SelectionOperator.In:
        return `${key} in (${values})`;
      case SelectionOperator.NotIn:
        return `${key} notin (${values})`;
      case SelectionOperator.GreaterThan:
        return `${key}>${values}`;
      case SelectionOperator.LessThan:
        return `${key}<${values}`;
    }
  }

  /** Same key, operator and values in the same order (Requirement.Equal). */
  equals(other: LabelRequirement): boolean {
    return (
      this.key === other.key &&
      this.operator === other.operator &&
      this.values.length === other.values.length &&
      this.values.every((v, i) => v === other.values[i])
    );
  }
}

/** Kubernetes' key check with its message; `path` is `<nil>` from the parser, `key` from NewRequirement. */
export function validateLabelKey(key: string, path: string): SelectorFieldError | undefined {
  const errs = isLabelKey(key);
  return errs.length === 0 ? undefined : invalid(path, key, errs.join('; '));
}

/**
 * A checked requirement (labels.NewRequirement): a valid key; `in`/`notin` with at least one value;
 * `=`/`==`/`!=` with exactly one; `exists`/`!` with none; `gt`/`lt` with one integer; every value a
 * valid label value (the empty string is one). Throws `SelectorError` carrying every problem found, with
 * Kubernetes' message. `values` undefined stands for Go's nil list (printed `null` in messages).
 */
export function newLabelRequirement(key: string, operator: string, values?: readonly string[]): LabelRequirement {
  const errors: SelectorFieldError[] = [];
  const keyError = validateLabelKey(key, 'key');
  if (keyError) errors.push(keyError);

  const vals = values ?? [];
  const badValues = values === undefined ? null : [...values];
  switch (operator) {
    case SelectionOperator.In:
    case SelectionOperator.NotIn:
      if (vals.length === 0) errors.push(invalid('values', badValues, "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case SelectionOperator.Equals:
    case SelectionOperator.DoubleEquals:
    case SelectionOperator.NotEquals:
      if (vals.length !== 1) errors.push(invalid('values', badValues, 'exact-match compatibility requires one single value'));
      break;
    case SelectionOperator.Exists:
    case SelectionOperator.DoesNotExist:
      if (vals.length !== 0) errors.push(invalid('values', badValues, 'values set must be empty for exists and does not exist'));
      break;
    case SelectionOperator.GreaterThan:
    case SelectionOperator.LessThan:
      if (vals.length !== 1) errors.push(invalid('values', badValues, "for 'Gt', 'Lt' operators, exactly one value is required"));
      vals.forEach((v, i) => {
        if (parseInt64(v) === undefined) {
          errors.push(invalid(`values[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
        }
      });
      break;
    default:
      errors.push(notSupported('operator', operator, [...binaryOperators, ...unaryOperators]));
  }

  vals.forEach((v, i) => {
    const errs = isLabelValue(v);
    if (errs.length > 0) errors.push(invalid(`values[${i}][${key}]`, v, errs.join('; ')));
  });

  if (errors.length > 0 || !isSelectionOperator(operator)) {
    throw new SelectorError(SelectorKind.Label, aggregateMessage(errors), { fieldErrors: errors });
  }
  return new LabelRequirement(key, operator, vals);
}
