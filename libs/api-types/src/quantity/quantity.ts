import { QuantityError, QuantityErrorCode } from './errors';
import {
  MAX_BINARY_SI_EXPONENT,
  MAX_DECIMAL_SI_EXPONENT,
  QuantityFormat,
  binarySuffixFor,
  decimalSuffixFor,
  interpretSuffix,
} from './suffix';

/** Quantities never hold more than nine decimal places: finer values are rounded up to 1n. */
const NANO_SCALE = -9;
const INT64_MAX = (1n << 63n) - 1n;
/** Decimal digits that always fit an int64; Kubernetes' fast parse path only takes numbers this short. */
const MAX_INT64_DIGITS = 18;

/**
 * Beyond these magnitudes (in decimal digits) printing a value in its own format would mean building
 * enormous integers: only reachable by arithmetic on absurd exponents such as `1e2000000000`. Kubernetes
 * prints a wrong number there (a missing suffix); tskube falls back to the exponent form instead.
 */
const MAX_EXPANDED_DIGITS = 64;

const pow10 = (n: number): bigint => 10n ** BigInt(n);
const absBig = (x: bigint): bigint => (x < 0n ? -x : x);
const signBig = (x: bigint): -1 | 0 | 1 => (x === 0n ? 0 : x < 0n ? -1 : 1);
const digitCount = (x: bigint): number => absBig(x).toString().length;

interface Scaled {
  /** The value is `unscaled * 10 ** scale`. */
  readonly unscaled: bigint;
  readonly scale: number;
}

/**
 * Moves a value to a coarser `target` scale, rounding away from zero as every Kubernetes rounding of
 * quantities does (the theory being that asking for a sliver of a resource should get you some of it).
 */
function roundAwayFromZero(v: Scaled, target: number): Scaled & { readonly exact: boolean } {
  if (v.scale >= target) return { ...v, exact: true };
  if (v.unscaled === 0n) return { unscaled: 0n, scale: target, exact: true };
  const shift = target - v.scale;
  // With no more digits than places to drop, the quotient is zero and the remainder is not.
  if (digitCount(v.unscaled) <= shift) return { unscaled: BigInt(signBig(v.unscaled)), scale: target, exact: false };
  const divisor = pow10(shift);
  const quotient = v.unscaled / divisor;
  const exact = v.unscaled % divisor === 0n;
  return { unscaled: exact ? quotient : quotient + BigInt(signBig(v.unscaled)), scale: target, exact };
}

/** Brings two values to a common scale (the finer one) so their unscaled parts compare and add directly. */
function align(a: Scaled, b: Scaled): [bigint, bigint, number] {
  const scale = Math.min(a.scale, b.scale);
  return [a.unscaled * pow10(a.scale - scale), b.unscaled * pow10(b.scale - scale), scale];
}

function compareScaled(a: Scaled, b: Scaled): -1 | 0 | 1 {
  const sa = signBig(a.unscaled);
  const sb = signBig(b.unscaled);
  if (sa !== sb) return sa < sb ? -1 : 1;
  if (sa === 0) return 0;
  // Compare orders of magnitude first so that `1e2000000000` against `1` needs no huge power of ten.
  const ma = digitCount(a.unscaled) + a.scale;
  const mb = digitCount(b.unscaled) + b.scale;
  if (ma !== mb) return ma > mb === (sa > 0) ? 1 : -1;
  const [x, y] = align(a, b);
  return x === y ? 0 : x < y ? -1 : 1;
}

/** Strips trailing decimal zeros into the exponent: 1200e-3 becomes 12e-1. */
function stripTens(v: Scaled): Scaled {
  if (v.unscaled === 0n) return { unscaled: 0n, scale: 0 };
  const digits = absBig(v.unscaled).toString();
  const trimmed = digits.replace(/0+$/, '');
  const zeros = digits.length - trimmed.length;
  if (zeros === 0) return v;
  return { unscaled: v.unscaled / pow10(zeros), scale: v.scale + zeros };
}

function toSafeBigInt(value: bigint | number, what: string): bigint {
  if (typeof value === 'bigint') return value;
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what} must be a safe integer, got ${value}`);
  return BigInt(value);
}

/**
 * A fixed-point amount of a resource, with Kubernetes' semantics (k8s.io/apimachinery
 * pkg/api/resource.Quantity): parsed from strings such as `100m`, `1.5Gi` or `12e6`, held exactly (no
 * floating point; a bigint with a power-of-ten scale), never finer than 1n (finer inputs round up), and
 * printed back in the format it was parsed from in canonical form (`1.5Gi` prints as `1536Mi`, `0.5` as
 * `500m`). Instances are immutable: arithmetic returns new quantities. Arithmetic is exact and
 * unbounded (no int64 cap), so only absurd exponents such as `1e2000000000` fail, with a RangeError
 * from the bigint engine; parsing, comparing and printing such values stays cheap.
 */
export class Quantity {
  private readonly amount: Scaled;

  private constructor(
    unscaled: bigint,
    scale: number,
    /** The form used when printing; see `QuantityFormat`. */
    readonly format: QuantityFormat,
    /** The parsed string, kept when Kubernetes would print it back unchanged (even `+1Ki`). */
    private readonly original?: string,
  ) {
    this.amount = { unscaled, scale };
  }

  /**
   * Parses a quantity exactly as `resource.ParseQuantity` does, including its leniencies (`1.`, `.5`,
   * a lone `.` reads as zero) and its rounding: values finer than 1n round up to 1n, BinarySI values
   * are capped at 2^63-1, and a BinarySI value strictly between -1 and 1 becomes DecimalSI. Surrounding
   * whitespace is an error (the JSON decoder trims it; see `fromJSON`). Throws `QuantityError`.
   */
  static parse(str: string): Quantity {
    if (str.length === 0) throw new QuantityError(QuantityErrorCode.FormatWrong, str);
    if (str === '0') return new Quantity(0n, 0, QuantityFormat.DecimalSI, str);

    const parts = scanQuantity(str);
    const meaning = interpretSuffix(parts.suffix);
    if (meaning === undefined) throw new QuantityError(QuantityErrorCode.Suffix, str);
    const { format, exponent } = meaning;

    // Short inputs fit an int64 exactly; Kubernetes keeps those on a fast path, and only on that path
    // does it remember the input string, so the path decides what String() prints later.
    let precision: number;
    let scale = 0;
    let multiplier = 1n;
    if (format === QuantityFormat.BinarySI) {
      if (exponent >= 0 && parts.denom.length === 0) {
        multiplier = 1n << BigInt(exponent);
        precision = 15 - parts.num.length - Math.trunc((exponent * 3) / 10) - 1;
      } else {
        precision = -1;
      }
    } else {
      scale = exponent;
      precision = MAX_INT64_DIGITS - (parts.num.length + parts.denom.length);
    }
    if (precision >= 0) {
      scale -= parts.denom.length;
      if (scale >= NANO_SCALE) {
        const shifted = parts.num + parts.denom;
        const digits = BigInt(shifted);
        let result = digits * multiplier;
        if (result <= INT64_MAX) {
          if (!parts.positive) result = -result;
          const canonical =
            format === QuantityFormat.BinarySI
              ? exponent % 10 === 0 && (digits & 7n) !== 0n
              : scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
          return new Quantity(result, scale, format, canonical ? str : undefined);
        }
      }
    }

    let amount = parseDecimal(parts.value, str);
    if (meaning.base === 10) {
      amount = { unscaled: amount.unscaled, scale: amount.scale + exponent };
    } else {
      amount = { unscaled: amount.unscaled << BigInt(exponent), scale: amount.scale };
    }
    const negative = amount.unscaled < 0n;
    let magnitude: Scaled = { unscaled: absBig(amount.unscaled), scale: amount.scale };
    if (magnitude.unscaled !== 0n) magnitude = roundAwayFromZero(magnitude, NANO_SCALE);
    let finalFormat: QuantityFormat = format;
    if (format === QuantityFormat.BinarySI) {
      if (compareScaled(magnitude, { unscaled: INT64_MAX, scale: 0 }) > 0) magnitude = { unscaled: INT64_MAX, scale: 0 };
      if (magnitude.unscaled !== 0n && compareScaled(magnitude, { unscaled: 1n, scale: 0 }) < 0) {
        finalFormat = QuantityFormat.DecimalSI;
      }
    }
    return new Quantity(negative ? -magnitude.unscaled : magnitude.unscaled, magnitude.scale, finalFormat);
  }

  /**
   * Decodes a quantity from its JSON form as Kubernetes' UnmarshalJSON does: a string (surrounding
   * whitespace trimmed) or a bare number; `null` gives zero. Anything else fails as a malformed
   * quantity. Note that a JSON number reaches us already converted by JSON.parse, so `1e3` arrives as
   * 1000 and prints as `1k` where Kubernetes, seeing the raw text, would print `1e3`.
   */
  static fromJSON(value: unknown): Quantity {
    if (value === null) return Quantity.zero();
    if (typeof value === 'string') return Quantity.parse(value.trim());
    if (typeof value === 'number' && Number.isFinite(value)) return Quantity.parse(String(value));
    throw new QuantityError(QuantityErrorCode.FormatWrong, JSON.stringify(value) ?? String(value));
  }

  /** `value` units, printed in `format` (resource.NewQuantity). */
  static fromInt(value: bigint | number, format: QuantityFormat = QuantityFormat.DecimalSI): Quantity {
    return new Quantity(toSafeBigInt(value, 'value'), 0, format);
  }

  /** `value` thousandths, printed in `format` (resource.NewMilliQuantity). */
  static fromMilli(value: bigint | number, format: QuantityFormat = QuantityFormat.DecimalSI): Quantity {
    return new Quantity(toSafeBigInt(value, 'value'), -3, format);
  }

  /**
   * `value * 10 ** scale` in DecimalSI (resource.NewScaledQuantity). Unlike Kubernetes, a scale finer
   * than -9 rounds up to 1n here, so every Quantity keeps the invariant that parsing establishes.
   */
  static fromScaled(value: bigint | number, scale: number): Quantity {
    if (!Number.isSafeInteger(scale)) throw new RangeError(`scale must be a safe integer, got ${scale}`);
    const v = roundAwayFromZero({ unscaled: toSafeBigInt(value, 'value'), scale }, NANO_SCALE);
    return new Quantity(v.unscaled, v.scale, QuantityFormat.DecimalSI);
  }

  /** Zero; adding to it adopts the other operand's format, as in Kubernetes. */
  static zero(format: QuantityFormat = QuantityFormat.DecimalSI): Quantity {
    return new Quantity(0n, 0, format);
  }

  /** True when the amount is exactly zero, whatever its format. */
  isZero(): boolean {
    return this.amount.unscaled === 0n;
  }

  /** -1, 0 or 1. */
  sign(): -1 | 0 | 1 {
    return signBig(this.amount.unscaled);
  }

  /** True when the amount is a whole number (`2`, `1Ki`, `3e3`; not `1500m`), as integer resources require. */
  isInteger(): boolean {
    return roundAwayFromZero(this.amount, 0).exact;
  }

  /** Compares amounts, ignoring formats: -1 when this is less than `other`, 0 when equal, 1 when greater. */
  cmp(other: Quantity): -1 | 0 | 1 {
    return compareScaled(this.amount, other.amount);
  }

  /** Equal amounts, whatever their formats (`1Ki` equals `1024`), as Quantity.Equal. */
  equals(other: Quantity): boolean {
    return this.cmp(other) === 0;
  }

  /**
   * The same amount printed in another format, as Go code does by assigning `q.Format` (for instance to
   * show memory in binary units).
   */
  withFormat(format: QuantityFormat): Quantity {
    return format === this.format ? this : new Quantity(this.amount.unscaled, this.amount.scale, format);
  }

  /** The exact sum. A zero receiver takes `other`'s format; otherwise this format is kept. */
  add(other: Quantity): Quantity {
    const [x, y, scale] = align(this.amount, other.amount);
    return new Quantity(x + y, scale, this.isZero() ? other.format : this.format);
  }

  /** The exact difference. A zero receiver takes `other`'s format; otherwise this format is kept. */
  sub(other: Quantity): Quantity {
    const [x, y, scale] = align(this.amount, other.amount);
    return new Quantity(x - y, scale, this.isZero() ? other.format : this.format);
  }

  /** The negated amount in the same format. */
  neg(): Quantity {
    return new Quantity(-this.amount.unscaled, this.amount.scale, this.format);
  }

  /** The exact product with an integer, in the same format. */
  mul(factor: bigint | number): Quantity {
    return new Quantity(this.amount.unscaled * toSafeBigInt(factor, 'factor'), this.amount.scale, this.format);
  }

  /**
   * `ceil(q / 10 ** scale)` with the rounding away from zero (so -1.5 gives -2), exact at any size
   * (Kubernetes' int64 version overflows silently). `scaledValue(0)` is the whole value,
   * `scaledValue(-3)` the value in thousandths. Like `add` and `sub`, it throws a RangeError when the
   * exact result cannot be held (values such as `1e2000000000`).
   */
  scaledValue(scale: number): bigint {
    const { unscaled, scale: own } = this.amount;
    if (own >= scale) return unscaled * pow10(own - scale);
    return roundAwayFromZero(this.amount, scale).unscaled;
  }

  /**
   * The value rounded up (away from zero) to an integer, as Quantity.Value; exact below 2^53, ±Infinity
   * beyond the range of a double (where Kubernetes' int64 wraps).
   */
  value(): number {
    return this.approximateScaledValue(0);
  }

  /** The value in thousandths rounded up (away from zero), as Quantity.MilliValue; same range rules as value(). */
  milliValue(): number {
    return this.approximateScaledValue(-3);
  }

  private approximateScaledValue(scale: number): number {
    const { unscaled, scale: own } = this.amount;
    // Past 10^400 a double is infinite anyway; do not build the power of ten for `1e2000000000`.
    if (unscaled !== 0n && digitCount(unscaled) + own - scale > 400) return unscaled > 0n ? Infinity : -Infinity;
    return Number(this.scaledValue(scale));
  }

  /** A floating-point approximation, for ratios and scores where exactness does not matter. */
  asApproximateNumber(): number {
    return Number.parseFloat(`${this.amount.unscaled}e${this.amount.scale}`);
  }

  /**
   * The string Kubernetes prints (Quantity.String): the parsed text when it was already canonical,
   * else the canonical form: no fractional digits, the largest suffix of the format that keeps the
   * value exact, and a sign only when negative. BinarySI values between -1024 and 1024, or that are not
   * whole numbers, print as DecimalSI.
   */
  toString(): string {
    return this.original ?? this.canonical();
  }

  /** A quantity travels as its string, as in Kubernetes' JSON. */
  toJSON(): string {
    return this.toString();
  }

  private canonical(): string {
    const amount = this.amount;
    if (amount.unscaled === 0n) return '0';
    let format = this.format;
    if (format === QuantityFormat.BinarySI) {
      const small =
        compareScaled(amount, { unscaled: -1024n, scale: 0 }) > 0 && compareScaled(amount, { unscaled: 1024n, scale: 0 }) < 0;
      if (small || digitCount(amount.unscaled) + amount.scale > MAX_EXPANDED_DIGITS) {
        format = QuantityFormat.DecimalSI;
      } else {
        const whole = roundAwayFromZero(amount, 0);
        if (whole.exact) return binaryString(whole.unscaled * pow10(whole.scale));
        format = QuantityFormat.DecimalSI;
      }
    }

    let { unscaled: mantissa, scale: exponent } = stripTens(amount);
    while (exponent % 3 !== 0) {
      mantissa *= 10n;
      exponent -= 1;
    }
    if (format === QuantityFormat.DecimalExponent) return exponent === 0 ? `${mantissa}` : `${mantissa}e${exponent}`;

    if (exponent > MAX_DECIMAL_SI_EXPONENT) {
      if (exponent - MAX_DECIMAL_SI_EXPONENT > MAX_EXPANDED_DIGITS) return `${mantissa}e${exponent}`;
      mantissa *= pow10(exponent - MAX_DECIMAL_SI_EXPONENT);
      exponent = MAX_DECIMAL_SI_EXPONENT;
    }
    const suffix = decimalSuffixFor(exponent);
    // Every construction path rounds to 1n, and the exponent is a multiple of 3 in [-9, 18] by now.
    if (suffix === undefined) throw new Error(`internal error: no decimal suffix for exponent ${exponent}`);
    return `${mantissa}${suffix}`;
  }
}

/** Prints a whole number with the largest power-of-1024 suffix that divides it exactly. */
function binaryString(value: bigint): string {
  let mantissa = value;
  let exponent = 0;
  while (mantissa % 1024n === 0n) {
    mantissa /= 1024n;
    exponent += 10;
  }
  if (exponent > MAX_BINARY_SI_EXPONENT) {
    mantissa *= 1n << BigInt(exponent - MAX_BINARY_SI_EXPONENT);
    exponent = MAX_BINARY_SI_EXPONENT;
  }
  return `${mantissa}${binarySuffixFor(exponent) ?? ''}`;
}

interface ScannedQuantity {
  readonly positive: boolean;
  /** The signed number as written (sign, leading zeros, point), without the suffix. */
  readonly value: string;
  /** Digits before the point with leading zeros removed; "0" when there are none. */
  readonly num: string;
  /** Digits after the point, as written. */
  readonly denom: string;
  readonly suffix: string;
}

const isDigit = (ch: string | undefined): boolean => ch !== undefined && ch >= '0' && ch <= '9';
const SUFFIX_LETTERS = 'eEinumkKMGTP';

/**
 * Splits a quantity into sign, number and suffix with the same leniency as Kubernetes' scanner: it
 * does not insist on digits (so `.` and `-` read as zero) and leaves the suffix to be interpreted later.
 */
function scanQuantity(str: string): ScannedQuantity {
  const end = str.length;
  let positive = true;
  let pos = 0;
  if (str[0] === '-') {
    positive = false;
    pos++;
  } else if (str[0] === '+') {
    pos++;
  }

  while (str[pos] === '0') pos++;
  if (pos >= end) return { positive, value: '0', num: '0', denom: '', suffix: '' };

  let i = pos;
  while (isDigit(str[i])) i++;
  if (i >= end) return { positive, value: str, num: str.slice(pos), denom: '', suffix: '' };
  const num = str.slice(pos, i) || '0';
  pos = i;

  let denom = '';
  if (str[pos] === '.') {
    pos++;
    i = pos;
    while (isDigit(str[i])) i++;
    if (i >= end) return { positive, value: str, num, denom: str.slice(pos), suffix: '' };
    denom = str.slice(pos, i);
    pos = i;
  }
  const value = str.slice(0, pos);

  const suffixStart = pos;
  while (pos < end && SUFFIX_LETTERS.includes(str[pos]!)) pos++;
  if (str[pos] === '-' || str[pos] === '+') pos++;
  while (isDigit(str[pos])) pos++;
  if (pos < end) throw new QuantityError(QuantityErrorCode.FormatWrong, str);
  return { positive, value, num, denom, suffix: str.slice(suffixStart) };
}

/** Reads `[+-]digits[.digits]` exactly; at least one digit is required (the numeric error otherwise). */
function parseDecimal(text: string, input: string): Scaled {
  const match = /^([+-]?)([0-9]*)(?:\.([0-9]*))?$/.exec(text);
  const intPart = match?.[2] ?? '';
  const fracPart = match?.[3] ?? '';
  if (match === null || intPart.length + fracPart.length === 0) throw new QuantityError(QuantityErrorCode.Numeric, input);
  const magnitude = BigInt(intPart + fracPart);
  return { unscaled: match[1] === '-' ? -magnitude : magnitude, scale: -fracPart.length };
}

/** Parses a quantity string; throws `QuantityError` with Kubernetes' message when it is malformed. */
export function parseQuantity(str: string): Quantity {
  return Quantity.parse(str);
}

/** The string Kubernetes stores for a quantity field given `str` (e.g. `1.5Gi` → `1536Mi`). */
export function quantityToString(str: string): string {
  return Quantity.parse(str).toString();
}

const asQuantity = (q: Quantity | string): Quantity => (typeof q === 'string' ? Quantity.parse(q) : q);

/**
 * Compares two quantities (strings are parsed) by amount: -1, 0 or 1. Throws `QuantityError` if a
 * string is malformed.
 */
export function compareQuantities(a: Quantity | string, b: Quantity | string): -1 | 0 | 1 {
  return asQuantity(a).cmp(asQuantity(b));
}
