/** How a quantity is written: Kubernetes remembers the form it was parsed from and prints it back the same way. */
export const QuantityFormat = {
  /** `12e6`: a power of ten written as an exponent. */
  DecimalExponent: 'DecimalExponent',
  /** `12Mi`: powers of 1024 (Ki Mi Gi Ti Pi Ei). */
  BinarySI: 'BinarySI',
  /** `12M`: powers of 1000 (n u m "" k M G T P E). */
  DecimalSI: 'DecimalSI',
} as const;
export type QuantityFormat = (typeof QuantityFormat)[keyof typeof QuantityFormat];

/** What a suffix means: the value is multiplied by `base ** exponent`. */
export interface SuffixMeaning {
  readonly base: 2 | 10;
  readonly exponent: number;
  readonly format: QuantityFormat;
}

const decimalSuffixes: ReadonlyMap<string, number> = new Map([
  ['n', -9],
  ['u', -6],
  ['m', -3],
  ['', 0],
  ['k', 3],
  ['M', 6],
  ['G', 9],
  ['T', 12],
  ['P', 15],
  ['E', 18],
]);

const binarySuffixes: ReadonlyMap<string, number> = new Map([
  ['Ki', 10],
  ['Mi', 20],
  ['Gi', 30],
  ['Ti', 40],
  ['Pi', 50],
  ['Ei', 60],
]);

const decimalByExponent: ReadonlyMap<number, string> = new Map([...decimalSuffixes].map(([s, e]) => [e, s]));
const binaryByExponent: ReadonlyMap<number, string> = new Map([...binarySuffixes].map(([s, e]) => [e, s]));

/** The largest suffix exponents that exist; larger values are printed with a bigger mantissa. */
export const MAX_DECIMAL_SI_EXPONENT = 18;
export const MAX_BINARY_SI_EXPONENT = 60;

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/**
 * Interprets a suffix as Kubernetes does, or returns undefined when it is not one. Exponent suffixes
 * (`e3`, `E-3`, `e+6`) take any int64 written in decimal, truncated to 32 bits as Kubernetes' int32
 * conversion does.
 */
export function interpretSuffix(suffix: string): SuffixMeaning | undefined {
  const decimal = decimalSuffixes.get(suffix);
  if (decimal !== undefined) return { base: 10, exponent: decimal, format: QuantityFormat.DecimalSI };
  const binary = binarySuffixes.get(suffix);
  if (binary !== undefined) return { base: 2, exponent: binary, format: QuantityFormat.BinarySI };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E')) {
    const digits = suffix.slice(1);
    if (!/^[+-]?[0-9]+$/.test(digits)) return undefined;
    const parsed = BigInt(digits);
    if (parsed < INT64_MIN || parsed > INT64_MAX) return undefined;
    return { base: 10, exponent: Number(BigInt.asIntN(32, parsed)), format: QuantityFormat.DecimalExponent };
  }
  return undefined;
}

/** The decimal SI suffix for a power of ten that is a multiple of 3 in [-9, 18], else undefined. */
export function decimalSuffixFor(exponent: number): string | undefined {
  return decimalByExponent.get(exponent);
}

/** The binary SI suffix for a power of two that is a multiple of 10 in [10, 60], else undefined. */
export function binarySuffixFor(exponent: number): string | undefined {
  return binaryByExponent.get(exponent);
}
