import { describe, expect, it } from 'vitest';
import { QuantityError, QuantityErrorCode, isQuantityError, quantityErrorMessages } from './errors';
import { Quantity, compareQuantities, parseQuantity, quantityToString } from './quantity';
import { QuantityFormat } from './suffix';

const { BinarySI, DecimalSI, DecimalExponent } = QuantityFormat;

/** `unscaled * 10 ** exponent`, exact, for expected values that must not come from the parser itself. */
const dec = (unscaled: bigint | number, exponent = 0): Quantity => Quantity.fromScaled(BigInt(unscaled), exponent);

describe('Quantity.parse: documentation examples', () => {
  // "Resource Management for Pods and Containers", the Quantity reference and the brief's forms.
  it.each([
    { input: '100m', want: '100m', format: DecimalSI, milli: 100 },
    { input: '0.1', want: '100m', format: DecimalSI, milli: 100 },
    { input: '0.5', want: '500m', format: DecimalSI, milli: 500 },
    { input: '1.0', want: '1', format: DecimalSI, milli: 1000 },
    { input: '250m', want: '250m', format: DecimalSI, milli: 250 },
    { input: '500m', want: '500m', format: DecimalSI, milli: 500 },
    { input: '1.5', want: '1500m', format: DecimalSI, milli: 1500 },
    { input: '1.5Gi', want: '1536Mi', format: BinarySI, milli: 1610612736000 },
    { input: '64Mi', want: '64Mi', format: BinarySI, milli: 67108864000 },
    { input: '128Mi', want: '128Mi', format: BinarySI, milli: 134217728000 },
    { input: '2Gi', want: '2Gi', format: BinarySI, milli: 2147483648000 },
    { input: '128974848', want: '128974848', format: DecimalSI, milli: 128974848000 },
    { input: '129e6', want: '129e6', format: DecimalExponent, milli: 129000000000 },
    { input: '129M', want: '129M', format: DecimalSI, milli: 129000000000 },
    { input: '128974848000m', want: '128974848', format: DecimalSI, milli: 128974848000 },
    { input: '123Mi', want: '123Mi', format: BinarySI, milli: 128974848000 },
    { input: '400m', want: '400m', format: DecimalSI, milli: 400 },
    { input: '5m', want: '5m', format: DecimalSI, milli: 5 },
    { input: '0.005', want: '5m', format: DecimalSI, milli: 5 },
    { input: '0.0005', want: '500u', format: DecimalSI, milli: 1 },
    { input: '0.5m', want: '500u', format: DecimalSI, milli: 1 },
    { input: '1Gi', want: '1Gi', format: BinarySI, milli: 1073741824000 },
    { input: '12Gi', want: '12Gi', format: BinarySI, milli: 12884901888000 },
    { input: '4Gi', want: '4Gi', format: BinarySI, milli: 4294967296000 },
    { input: '500Mi', want: '500Mi', format: BinarySI, milli: 524288000000 },
    { input: '1e3', want: '1e3', format: DecimalExponent, milli: 1000000 },
    { input: '5E-3', want: '5E-3', format: DecimalExponent, milli: 5 },
    { input: '5e-3', want: '5e-3', format: DecimalExponent, milli: 5 },
    { input: '+1Ki', want: '+1Ki', format: BinarySI, milli: 1024000 },
    { input: '-2', want: '-2', format: DecimalSI, milli: -2000 },
    { input: '12e6', want: '12e6', format: DecimalExponent, milli: 12000000000 },
    { input: '1Ei', want: '1Ei', format: BinarySI, milli: 1152921504606846976000 },
    { input: '1000m', want: '1', format: DecimalSI, milli: 1000 },
    { input: '1000', want: '1k', format: DecimalSI, milli: 1000000 },
    { input: '0', want: '0', format: DecimalSI, milli: 0 },
  ])('$input prints as $want ($format)', ({ input, want, format, milli }) => {
    const q = Quantity.parse(input);
    expect(q.toString()).toBe(want);
    expect(q.format).toBe(format);
    expect(q.milliValue()).toBe(milli);
  });

  it('reads the memory examples as roughly the same value', () => {
    const values = ['128974848', '129e6', '129M', '128974848000m', '123Mi'].map((s) => Quantity.parse(s).value());
    for (const v of values) expect(Math.abs(v - 128974848) / 128974848).toBeLessThan(0.001);
    expect(compareQuantities('123Mi', '128974848')).toBe(0);
    expect(compareQuantities('129M', '123Mi')).toBe(1);
  });

  it('reads 400m of memory as 0.4 bytes, rounded up to 1 by value()', () => {
    const q = Quantity.parse('400m');
    expect(q.value()).toBe(1);
    expect(q.asApproximateNumber()).toBe(0.4);
  });
});

describe('Quantity.parse: amounts and formats (apimachinery TestQuantityParse)', () => {
  const cases: { input: string; want: Quantity; format: QuantityFormat }[] = [
    ...['0', '0n', '0u', '0m', '0k', '0M', '0G', '0T'].map((input) => ({ input, want: dec(0), format: DecimalSI })),
    ...['0Ki', '0Mi', '0Gi', '0Ti'].map((input) => ({ input, want: dec(0), format: BinarySI })),
    { input: '1', want: dec(1), format: DecimalSI },
    { input: '1Ki', want: dec(1024), format: BinarySI },
    { input: '8Ki', want: dec(8 * 1024), format: BinarySI },
    { input: '7Mi', want: dec(7 * 1024 ** 2), format: BinarySI },
    { input: '6Gi', want: dec(6 * 1024 ** 3), format: BinarySI },
    { input: '5Ti', want: dec(5 * 1024 ** 4), format: BinarySI },
    { input: '4Pi', want: dec(4 * 1024 ** 5), format: BinarySI },
    { input: '3Ei', want: dec(3n * 1024n ** 6n), format: BinarySI },
    { input: '10Ti', want: dec(10 * 1024 ** 4), format: BinarySI },
    { input: '100Ti', want: dec(100 * 1024 ** 4), format: BinarySI },
    { input: '5n', want: dec(5, -9), format: DecimalSI },
    { input: '4u', want: dec(4, -6), format: DecimalSI },
    { input: '3m', want: dec(3, -3), format: DecimalSI },
    { input: '9', want: dec(9), format: DecimalSI },
    { input: '8k', want: dec(8, 3), format: DecimalSI },
    { input: '50k', want: dec(5, 4), format: DecimalSI },
    { input: '7M', want: dec(7, 6), format: DecimalSI },
    { input: '6G', want: dec(6, 9), format: DecimalSI },
    { input: '5T', want: dec(5, 12), format: DecimalSI },
    { input: '40T', want: dec(4, 13), format: DecimalSI },
    { input: '300T', want: dec(3, 14), format: DecimalSI },
    { input: '2P', want: dec(2, 15), format: DecimalSI },
    { input: '1E', want: dec(1, 18), format: DecimalSI },
    { input: '1E-3', want: dec(1, -3), format: DecimalExponent },
    { input: '1e3', want: dec(1, 3), format: DecimalExponent },
    { input: '1E6', want: dec(1, 6), format: DecimalExponent },
    { input: '1e9', want: dec(1, 9), format: DecimalExponent },
    { input: '1E12', want: dec(1, 12), format: DecimalExponent },
    { input: '1e15', want: dec(1, 15), format: DecimalExponent },
    { input: '1E18', want: dec(1, 18), format: DecimalExponent },
    { input: '1e14', want: dec(1, 14), format: DecimalExponent },
    { input: '1e13', want: dec(1, 13), format: DecimalExponent },
    { input: '100.035k', want: dec(100035), format: DecimalSI },
    { input: '0.001', want: dec(1, -3), format: DecimalSI },
    { input: '0.0005k', want: dec(5, -1), format: DecimalSI },
    { input: '0.005', want: dec(5, -3), format: DecimalSI },
    { input: '0.05', want: dec(5, -2), format: DecimalSI },
    { input: '0.5', want: dec(5, -1), format: DecimalSI },
    { input: '0.00050k', want: dec(5, -1), format: DecimalSI },
    { input: '0.00500', want: dec(5, -3), format: DecimalSI },
    { input: '0.05000', want: dec(5, -2), format: DecimalSI },
    { input: '0.50000', want: dec(5, -1), format: DecimalSI },
    { input: '0.5e0', want: dec(5, -1), format: DecimalExponent },
    { input: '0.5e-1', want: dec(5, -2), format: DecimalExponent },
    { input: '0.5e-2', want: dec(5, -3), format: DecimalExponent },
    { input: '10.035M', want: dec(10035, 3), format: DecimalSI },
    { input: '1.2e3', want: dec(12, 2), format: DecimalExponent },
    { input: '1.3E+6', want: dec(13, 5), format: DecimalExponent },
    { input: '1.40e9', want: dec(14, 8), format: DecimalExponent },
    { input: '1.53E12', want: dec(153, 10), format: DecimalExponent },
    { input: '1.6e15', want: dec(16, 14), format: DecimalExponent },
    { input: '1.7E18', want: dec(17, 17), format: DecimalExponent },
    { input: '9.01', want: dec(901, -2), format: DecimalSI },
    { input: '8.1k', want: dec(81, 2), format: DecimalSI },
    { input: '7.123456M', want: dec(7123456), format: DecimalSI },
    { input: '6.987654321G', want: dec(6987654321), format: DecimalSI },
    { input: '5.444T', want: dec(5444, 9), format: DecimalSI },
    { input: '40.1T', want: dec(401, 11), format: DecimalSI },
    { input: '300.2T', want: dec(3002, 11), format: DecimalSI },
    { input: '2.5P', want: dec(25, 14), format: DecimalSI },
    { input: '1.01E', want: dec(101, 16), format: DecimalSI },
    // Finer than 1n rounds up; BinarySI saturates at 2^63-1.
    { input: '3.001n', want: dec(4, -9), format: DecimalSI },
    { input: '1.1E-9', want: dec(2, -9), format: DecimalExponent },
    { input: '0.0000000001', want: dec(1, -9), format: DecimalSI },
    { input: '0.0000000005', want: dec(1, -9), format: DecimalSI },
    { input: '0.00000000050', want: dec(1, -9), format: DecimalSI },
    { input: '0.5e-9', want: dec(1, -9), format: DecimalExponent },
    { input: '0.9n', want: dec(1, -9), format: DecimalSI },
    { input: '0.00000012345', want: dec(124, -9), format: DecimalSI },
    { input: '0.00000012354', want: dec(124, -9), format: DecimalSI },
    { input: '9Ei', want: dec((1n << 63n) - 1n), format: BinarySI },
    { input: '9223372036854775807Ki', want: dec((1n << 63n) - 1n), format: BinarySI },
    { input: '12E', want: dec(12, 18), format: DecimalSI },
    // Fractional binary values.
    { input: '100.035Ki', want: dec(10243584, -2), format: BinarySI },
    { input: '0.5Mi', want: dec(0.5 * 1024 * 1024), format: BinarySI },
    { input: '0.05Gi', want: dec(536870912, -1), format: BinarySI },
    { input: '0.025Ti', want: dec(274877906944, -1), format: BinarySI },
    // Odd but accepted forms.
    { input: '0.000000000001Ki', want: dec(2, -9), format: DecimalSI },
    { input: '.001', want: dec(1, -3), format: DecimalSI },
    { input: '.0001k', want: dec(100, -3), format: DecimalSI },
    { input: '1.', want: dec(1), format: DecimalSI },
    { input: '1.G', want: dec(1, 9), format: DecimalSI },
  ];

  it.each(cases)('$input', ({ input, want, format }) => {
    const q = Quantity.parse(input);
    expect(q.equals(want), `${q} vs ${want}`).toBe(true);
    expect(q.format).toBe(format);
  });

  it.each(cases.filter((c) => !c.want.isZero()))('-$input is the negation, in the same format', ({ input, want, format }) => {
    const q = Quantity.parse(`-${input}`);
    expect(q.equals(want.neg())).toBe(true);
    expect(q.format).toBe(format);
  });

  it.each(cases)('+$input is the same amount', ({ input, want, format }) => {
    const q = Quantity.parse(`+${input}`);
    expect(q.equals(want)).toBe(true);
    expect(q.format).toBe(format);
  });

  it.each([
    // Kubernetes' scanner does not insist on digits.
    { input: '.', want: dec(0), format: DecimalSI },
    { input: '-.', want: dec(0), format: DecimalSI },
    { input: '+', want: dec(0), format: DecimalSI },
    { input: '-', want: dec(0), format: DecimalSI },
    { input: 'Ki', want: dec(0), format: BinarySI },
    { input: 'm', want: dec(0), format: DecimalSI },
    { input: '007', want: dec(7), format: DecimalSI },
  ])('accepts the odd form $input', ({ input, want, format }) => {
    const q = Quantity.parse(input);
    expect(q.equals(want)).toBe(true);
    expect(q.format).toBe(format);
  });
});

describe('Quantity.parse: invalid input', () => {
  it.each([
    { input: '', code: QuantityErrorCode.FormatWrong },
    { input: '1.1.M', code: QuantityErrorCode.FormatWrong },
    { input: '1+1.0M', code: QuantityErrorCode.FormatWrong },
    { input: '0.1mi', code: QuantityErrorCode.Suffix },
    { input: '0.1am', code: QuantityErrorCode.FormatWrong },
    { input: 'aoeu', code: QuantityErrorCode.FormatWrong },
    { input: 'Non-Numeric', code: QuantityErrorCode.FormatWrong },
    { input: '.5i', code: QuantityErrorCode.Suffix },
    { input: '1i', code: QuantityErrorCode.Suffix },
    { input: '-3.01i', code: QuantityErrorCode.Suffix },
    { input: '-3.01e-', code: QuantityErrorCode.Suffix },
    { input: '1e', code: QuantityErrorCode.Suffix },
    { input: '1ee3', code: QuantityErrorCode.Suffix },
    { input: '1e99999999999999999999', code: QuantityErrorCode.Suffix },
    { input: '1KiB', code: QuantityErrorCode.FormatWrong },
    { input: '1 Gi', code: QuantityErrorCode.FormatWrong },
    { input: ' 1', code: QuantityErrorCode.FormatWrong },
    { input: '1 ', code: QuantityErrorCode.FormatWrong },
    { input: 'Ei', code: QuantityErrorCode.Numeric },
    { input: '.e-10', code: QuantityErrorCode.Numeric },
    { input: '++', code: QuantityErrorCode.Suffix },
    { input: '+-1', code: QuantityErrorCode.Suffix },
  ])('$input fails with $code', ({ input, code }) => {
    let caught: unknown;
    try {
      Quantity.parse(input);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(QuantityError);
    expect(isQuantityError(caught)).toBe(true);
    const err = caught as QuantityError;
    expect(err.code).toBe(code);
    expect(err.message).toBe(quantityErrorMessages[code]);
    expect(err.name).toBe('QuantityError');
    expect(err.input).toBe(input);
  });

  it("words errors exactly as Kubernetes' resource package", () => {
    expect(() => parseQuantity('x')).toThrow(
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    );
    expect(() => parseQuantity('1i')).toThrow("unable to parse quantity's suffix");
    expect(() => parseQuantity('Ei')).toThrow('unable to parse numeric part of quantity');
  });

  it('recognises errors from another copy of the module by their brand', () => {
    const foreign = Object.defineProperty(new Error('x'), Symbol.for('tskube.QuantityError'), { value: true });
    expect(foreign).toBeInstanceOf(QuantityError);
    expect(new Error('x')).not.toBeInstanceOf(QuantityError);
  });
});

describe('Quantity.toString: canonical form (apimachinery TestQuantityString)', () => {
  const cases: { in: Quantity; want: string; alternate?: string }[] = [
    { in: dec(1024 ** 3).withFormat(BinarySI), want: '1Gi', alternate: '1024Mi' },
    { in: dec(300 * 1024 ** 2).withFormat(BinarySI), want: '300Mi', alternate: '307200Ki' },
    { in: dec(6 * 1024).withFormat(BinarySI), want: '6Ki' },
    { in: dec(1001 * 1024 ** 3).withFormat(BinarySI), want: '1001Gi', alternate: '1025024Mi' },
    { in: dec(1024 ** 4).withFormat(BinarySI), want: '1Ti', alternate: '1024Gi' },
    { in: dec(5).withFormat(BinarySI), want: '5', alternate: '5000m' },
    { in: dec(500, -3).withFormat(BinarySI), want: '500m', alternate: '0.5' },
    { in: dec(1, 9), want: '1G', alternate: '1000M' },
    { in: dec(1000, 6), want: '1G', alternate: '0.001T' },
    { in: dec(1000000, 3), want: '1G' },
    { in: dec(1000000000), want: '1G' },
    { in: dec(1, -3), want: '1m', alternate: '1000u' },
    { in: dec(80, -3), want: '80m' },
    { in: dec(1080, -3), want: '1080m', alternate: '1.08' },
    { in: dec(108, -2), want: '1080m', alternate: '1080000000n' },
    { in: dec(10800, -4), want: '1080m' },
    { in: dec(300, 6), want: '300M' },
    { in: dec(1, 12), want: '1T' },
    { in: dec(1234567, 6), want: '1234567M' },
    { in: dec(1234567, -3).withFormat(BinarySI), want: '1234567m' },
    { in: dec(3, 3), want: '3k' },
    { in: dec(1025).withFormat(BinarySI), want: '1025' },
    { in: dec(0), want: '0' },
    { in: dec(0).withFormat(BinarySI), want: '0' },
    { in: dec(1, 9).withFormat(DecimalExponent), want: '1e9', alternate: '.001e12' },
    { in: dec(1, -3).withFormat(DecimalExponent), want: '1e-3', alternate: '0.001e0' },
    { in: dec(1, -9).withFormat(DecimalExponent), want: '1e-9', alternate: '1000e-12' },
    { in: dec(80, -3).withFormat(DecimalExponent), want: '80e-3' },
    { in: dec(300, 6).withFormat(DecimalExponent), want: '300e6' },
    { in: dec(1, 12).withFormat(DecimalExponent), want: '1e12' },
    { in: dec(1, 3).withFormat(DecimalExponent), want: '1e3' },
    { in: dec(3, 3).withFormat(DecimalExponent), want: '3e3' },
    { in: dec(0).withFormat(DecimalExponent), want: '0', alternate: '00' },
    { in: dec(1, -9), want: '1n' },
    { in: dec(80, -9), want: '80n' },
    { in: dec(1080, -9), want: '1080n' },
    { in: dec(108, -8), want: '1080n' },
    { in: dec(1, -6), want: '1u' },
    { in: dec(80, -6), want: '80u' },
    { in: dec(1080, -6), want: '1080u' },
  ];

  it.each(cases)('$want', ({ in: q, want, alternate }) => {
    expect(q.toString()).toBe(want);
    expect(Quantity.parse(want).toString()).toBe(want);
    if (!q.isZero()) expect(q.neg().toString()).toBe(`-${want}`);
    if (alternate !== undefined) expect(Quantity.parse(alternate).toString()).toBe(want);
  });

  it.each([
    ['1Ki', '1Ki'],
    ['1Mi', '1Mi'],
    ['1Gi', '1Gi'],
    ['1024Mi', '1Gi'],
    ['1000M', '1G'],
    ['.001Ki', '1024m'],
    ['.000001Ki', '1024u'],
    ['.000000001Ki', '1024n'],
    ['.000000000001Ki', '2n'],
  ])('%s is emitted as %s, and its negation with a sign (TestQuantityParseEmit)', (input, want) => {
    expect(Quantity.parse(input).toString()).toBe(want);
    expect(Quantity.parse(`-${input}`).toString()).toBe(`-${want}`);
  });

  it.each([
    // Kubernetes hands back the input when it was already canonical in its own terms.
    ['+1', '+1'],
    ['0100m', '0100m'],
    ['12E6', '12E6'],
    ['1023Ki', '1023Ki'],
    ['8Ki', '8Ki'],
    ['2048Ki', '2Mi'],
    ['1.000e3', '1e3'],
    ['0.0', '0'],
    ['-00', '0'],
    ['1.1Ki', '1126400m'],
    ['100.035Ki', '102435840m'],
    ['1.5Ki', '1536'],
    ['0.5Ki', '512'],
  ])('%s prints as %s', (input, want) => {
    expect(Quantity.parse(input).toString()).toBe(want);
  });

  it.each([
    // apimachinery TestParseQuantity: values around and beyond int64.
    ['-999999999999999999', '-999999999999999999'],
    ['999999999999999999.0', '999999999999999999'],
    ['999999999999999999.1', '999999999999999999100m'],
    ['-9999999999999999999', '-9999999999999999999'],
    ['9999999999999999999000m', '9999999999999999999'],
    ['-1E', '-1E'],
    ['1000000000000000000', '1E'],
    ['-1000000000000000000.0', '-1E'],
    ['1.0000000000000000001E', '1000000000000000000100m'],
    ['1.000000000000000001E', '1000000000000000001'],
    ['10E', '10E'],
    ['10000000000000000000000m', '10E'],
    ['-10.0000000000000000001E', '-10000000000000000000100m'],
    ['9223372036854775807', '9223372036854775807'],
    ['9223372036854775808', '9223372036854775808'],
    ['-9223372036854775808.1', '-9223372036854775808100m'],
  ])('%s prints as %s', (input, want) => {
    expect(Quantity.parse(input).toString()).toBe(want);
  });

  it('prints magnitudes past the largest suffix exactly instead of dropping the suffix as Kubernetes does', () => {
    expect(Quantity.parse('1000E').toString()).toBe('1000E');
    expect(Quantity.parse('1016Ei').toString()).toBe('9223372036854775807');
    expect(Quantity.fromInt(1n << 70n, BinarySI).toString()).toBe('1024Ei');
    expect(Quantity.parse('4Ei').add(Quantity.parse('4Ei')).toString()).toBe('8Ei');
    expect(Quantity.parse('1e30').withFormat(DecimalSI).toString()).toBe('1000000000000E');
    // Far past any suffix the exponent form is the only bounded spelling.
    expect(Quantity.parse('1e100').withFormat(DecimalSI).toString()).toBe('10e99');
    expect(Quantity.parse('1e100').withFormat(BinarySI).toString()).toBe('10e99');
  });

  it('throws a RangeError rather than building absurd integers', () => {
    expect(() => Quantity.parse('1').add(Quantity.parse('1e2000000000'))).toThrow(RangeError);
    expect(Quantity.parse('1e2000000000').toString()).toBe('100e1999999998');
  });
});

describe('Quantity arithmetic', () => {
  it.each([
    { a: '10', b: '1e1', sum: '20', diff: '0' },
    { a: '10', b: '1Ki', sum: '1034', diff: '-1014' },
    { a: '1Gi', b: '512Mi', sum: '1536Mi', diff: '512Mi' },
    { a: '100m', b: '1', sum: '1100m', diff: '-900m' },
    { a: '1.5', b: '500m', sum: '2', diff: '1' },
    { a: '1n', b: '1E', sum: '1000000000000000000000000001n', diff: '-999999999999999999999999999n' },
  ])('$a + $b = $sum, $a - $b = $diff', ({ a, b, sum, diff }) => {
    expect(Quantity.parse(a).add(Quantity.parse(b)).toString()).toBe(sum);
    expect(Quantity.parse(a).sub(Quantity.parse(b)).toString()).toBe(diff);
  });

  it('keeps the receiver format, except that zero adopts the other operand\'s (TestAdd, TestSub)', () => {
    expect(Quantity.fromInt(10, DecimalSI).add(Quantity.fromInt(1, BinarySI)).format).toBe(DecimalSI);
    expect(Quantity.fromInt(10, BinarySI).add(Quantity.fromInt(1, DecimalSI)).format).toBe(BinarySI);
    expect(Quantity.fromInt(10, BinarySI).sub(Quantity.fromInt(1, DecimalSI)).format).toBe(BinarySI);
    expect(Quantity.zero(DecimalSI).add(Quantity.fromInt(50, BinarySI)).format).toBe(BinarySI);
    expect(Quantity.zero(DecimalSI).sub(Quantity.fromInt(50, BinarySI)).format).toBe(BinarySI);
    expect(Quantity.zero().sub(Quantity.fromInt(50)).toString()).toBe('-50');
  });

  it.each(['100m', '1Gi'])('adding or subtracting zero keeps %s', (s) => {
    const zero = Quantity.parse('0');
    const q = Quantity.parse(s);
    expect(q.add(zero).toString()).toBe(s);
    expect(zero.add(q).toString()).toBe(s);
    expect(q.sub(zero).toString()).toBe(s);
    expect(zero.sub(q).toString()).toBe(q.neg().toString());
  });

  it('forgets the parsed spelling once the value changes', () => {
    expect(Quantity.parse('+1Ki').add(Quantity.zero()).toString()).toBe('1Ki');
    expect(Quantity.parse('+1Ki').neg().neg().toString()).toBe('1Ki');
  });

  it('negates without touching the original (TestQuantityNeg)', () => {
    const q = dec(901, -2);
    expect(q.neg().toString()).toBe('-9010m');
    expect(q.toString()).toBe('9010m');
    expect(q.neg().neg().equals(q)).toBe(true);
  });

  it.each([
    { a: dec(10), by: 10n, want: dec(100) },
    { a: dec(10), by: 1n, want: dec(10) },
    { a: dec(0), by: 50n, want: dec(0) },
    { a: dec(50), by: 0n, want: dec(0) },
    { a: dec(10), by: -10n, want: dec(-100) },
    { a: dec(-50), by: -50n, want: dec(2500) },
    { a: dec((1n << 63n) - 1n), by: 2n, want: dec(((1n << 63n) - 1n) * 2n) },
    { a: dec(-(1n << 63n)), by: -1n, want: dec(1n << 63n) },
  ])('multiplies exactly past int64 (TestMul) #%#', ({ a, by, want }) => {
    expect(a.mul(by).equals(want)).toBe(true);
  });

  it('cancels out exactly when adding then subtracting across scales (TestAddSubRoundTripAcrossScales)', () => {
    const rand = seeded(7);
    const parts = Array.from({ length: 100 }, () => Quantity.fromScaled(rand.int63(), Number(rand.int63() % 20n) - 9));
    let q = Quantity.zero();
    for (const p of parts) q = q.add(p);
    for (const p of parts) q = q.sub(p);
    expect(q.isZero()).toBe(true);
  });

  it('rejects non-integer factors', () => {
    expect(() => dec(1).mul(1.5)).toThrow(RangeError);
  });
});

describe('Quantity comparison', () => {
  it.each([
    { x: '0', y: '0', want: 0 },
    { x: '100m', y: '50m', want: 1 },
    { x: '50m', y: '100m', want: -1 },
    { x: '10000T', y: '100Gi', want: 1 },
    { x: '1Ki', y: '1024', want: 0 },
    { x: '1k', y: '1Ki', want: -1 },
    { x: '-1', y: '1n', want: -1 },
    { x: '-1Ki', y: '-1k', want: -1 },
    { x: '1e2000000000', y: '1E', want: 1 },
    { x: '-1e2000000000', y: '-1E', want: -1 },
    { x: '9.01', y: '9010m', want: 0 },
    { x: '800m', y: '790m', want: 1 },
  ])('$x vs $y is $want', ({ x, y, want }) => {
    expect(Quantity.parse(x).cmp(Quantity.parse(y))).toBe(want);
    expect(Quantity.parse(y).cmp(Quantity.parse(x))).toBe(-want || 0);
    expect(compareQuantities(x, y)).toBe(want);
    expect(compareQuantities(Quantity.parse(x), y)).toBe(want);
    expect(Quantity.parse(x).equals(Quantity.parse(y))).toBe(want === 0);
  });

  it('reports sign, zero and whole numbers', () => {
    expect(Quantity.parse('-1m').sign()).toBe(-1);
    expect(Quantity.parse('0Ki').sign()).toBe(0);
    expect(Quantity.parse('0Ki').isZero()).toBe(true);
    expect(Quantity.parse('1Ki').isInteger()).toBe(true);
    expect(Quantity.parse('3e3').isInteger()).toBe(true);
    expect(Quantity.parse('1500m').isInteger()).toBe(false);
    expect(Quantity.parse('-1.5').isInteger()).toBe(false);
  });
});

describe('Quantity values', () => {
  it.each([
    // NewScaledQuantity(1, from).ScaledValue(to) (TestScaledValue)
    { from: -9, to: -9, want: 1n },
    { from: -9, to: -6, want: 1n },
    { from: -9, to: -3, want: 1n },
    { from: -9, to: 0, want: 1n },
    { from: -6, to: -9, want: 1000n },
    { from: -6, to: -6, want: 1n },
    { from: -6, to: -3, want: 1n },
    { from: -6, to: 0, want: 1n },
    { from: -3, to: -9, want: 1000000n },
    { from: -3, to: -6, want: 1000n },
    { from: -3, to: -3, want: 1n },
    { from: -3, to: 0, want: 1n },
    { from: 0, to: -9, want: 1000000000n },
    { from: 0, to: -6, want: 1000000n },
    { from: 0, to: -3, want: 1000n },
    { from: 0, to: 0, want: 1n },
    { from: 2, to: -2, want: 10000n },
  ])('1e$from at scale $to is $want', ({ from, to, want }) => {
    expect(Quantity.fromScaled(1, from).scaledValue(to)).toBe(want);
  });

  it.each([
    { input: '1.5', value: 2, milli: 1500 },
    { input: '-1.5', value: -2, milli: -1500 },
    { input: '1n', value: 1, milli: 1 },
    { input: '-1n', value: -1, milli: -1 },
    { input: '1Mi', value: 1048576, milli: 1048576000 },
    { input: '1.1Ki', value: 1127, milli: 1126400 },
    { input: '0', value: 0, milli: 0 },
    { input: '1e2000000000', value: Infinity, milli: Infinity },
    { input: '-1e2000000000', value: -Infinity, milli: -Infinity },
  ])('$input: value $value, milliValue $milli (rounded away from zero)', ({ input, value, milli }) => {
    const q = Quantity.parse(input);
    expect(q.value()).toBe(value);
    expect(q.milliValue()).toBe(milli);
  });

  it('keeps scaled values exact beyond int64', () => {
    expect(Quantity.parse('10E').scaledValue(-3)).toBe(10n ** 22n);
  });

  it.each([
    ['2Ki', 2048],
    ['1.1Ki', 1126.4],
    ['1Mi', 1.048576e6],
    ['2Gi', 2.147483648e9],
  ])('%s is approximately %d', (input, want) => {
    expect(Quantity.parse(input).asApproximateNumber()).toBe(want);
  });
});

describe('Quantity constructors', () => {
  it.each([
    // NewMilliQuantity (TestMilliNewSet)
    { value: 1, format: DecimalSI, want: '1m' },
    { value: 1000, format: DecimalSI, want: '1' },
    { value: 1234000, format: DecimalSI, want: '1234' },
    { value: 1024, format: BinarySI, want: '1024m' },
    { value: 1000000, format: DecimalExponent, want: '1e3' },
    { value: 1024 * 1024, format: BinarySI, want: '1048576m' },
  ])('fromMilli($value, $format) prints $want', ({ value, format, want }) => {
    const q = Quantity.fromMilli(value, format);
    expect(q.toString()).toBe(want);
    expect(Quantity.parse(q.toString()).equals(q)).toBe(true);
  });

  it.each([
    // NewQuantity (TestNewSet)
    { value: 1, format: DecimalSI, want: '1' },
    { value: 1000, format: DecimalSI, want: '1k' },
    { value: 1234000, format: DecimalSI, want: '1234k' },
    { value: 1024, format: BinarySI, want: '1Ki' },
    { value: 1000000, format: DecimalExponent, want: '1e6' },
    { value: 1024 * 1024, format: BinarySI, want: '1Mi' },
  ])('fromInt($value, $format) prints $want', ({ value, format, want }) => {
    const q = Quantity.fromInt(value, format);
    expect(q.toString()).toBe(want);
    expect(Quantity.parse(want).value()).toBe(value);
  });

  it.each([
    // NewScaledQuantity (TestNewScaledSet)
    { value: 1, scale: -9, want: '1n' },
    { value: 1000, scale: -9, want: '1u' },
    { value: 1, scale: -6, want: '1u' },
    { value: 1000, scale: -6, want: '1m' },
    { value: 1, scale: -3, want: '1m' },
    { value: 1000, scale: -3, want: '1' },
    { value: 1, scale: 0, want: '1' },
    { value: 0, scale: -9, want: '0' },
    { value: 0, scale: 0, want: '0' },
    // Finer than 1n rounds up, keeping every quantity printable.
    { value: 1, scale: -12, want: '1n' },
    { value: 1001, scale: -12, want: '2n' },
  ])('fromScaled($value, $scale) prints $want', ({ value, scale, want }) => {
    const q = Quantity.fromScaled(value, scale);
    expect(q.toString()).toBe(want);
    if (scale >= -9) expect(Quantity.parse(want).scaledValue(scale)).toBe(BigInt(value));
  });

  it('refuses unsafe integers', () => {
    expect(() => Quantity.fromInt(2 ** 53)).toThrow(RangeError);
    expect(() => Quantity.fromInt(0.5)).toThrow(RangeError);
    expect(Quantity.fromInt(1n << 62n, BinarySI).toString()).toBe('4Ei');
  });
});

describe('Quantity JSON', () => {
  it('serializes to its string and round-trips random values of every format (TestJSON)', () => {
    const rand = seeded(42);
    for (let i = 0; i < 500; i++) {
      const q = randomQuantity(rand);
      const json = JSON.stringify({ q });
      const back = Quantity.fromJSON((JSON.parse(json) as { q: unknown }).q);
      expect(back.equals(q), `${json}`).toBe(true);
      expect(json).toBe(JSON.stringify({ q: q.toString() }));
    }
  });

  it.each([
    { json: '" 1"', want: '1' },
    { json: '"1 "', want: '1' },
    { json: '1', want: '1' },
    { json: ' 1', want: '1' },
    { json: '10', want: '10' },
    { json: '-1', want: '-1' },
    { json: '0.5', want: '500m' },
    { json: '"1.5Gi"', want: '1536Mi' },
    { json: 'null', want: '0' },
  ])('decodes $json as $want (TestJSONWhitespace)', ({ json, want }) => {
    expect(Quantity.fromJSON(JSON.parse(json)).toString()).toBe(want);
  });

  it.each(['true', '{}', '[]', '"x"'])('rejects %s as a malformed quantity', (json) => {
    expect(() => Quantity.fromJSON(JSON.parse(json))).toThrow(QuantityError);
  });

  it('re-emits the canonical string inside objects', () => {
    const resources = { requests: { cpu: Quantity.parse('0.5'), memory: Quantity.parse('1.5Gi') } };
    expect(JSON.stringify(resources)).toBe('{"requests":{"cpu":"500m","memory":"1536Mi"}}');
  });
});

describe('string helpers', () => {
  it.each([
    ['1.5Gi', '1536Mi'],
    ['0.5', '500m'],
    ['1000m', '1'],
    ['1e3', '1e3'],
    ['1000', '1k'],
    ['1.5', '1500m'],
  ])('quantityToString(%s) is %s', (input, want) => {
    expect(quantityToString(input)).toBe(want);
  });

  it('parseQuantity is Quantity.parse', () => {
    expect(parseQuantity('1Ki').equals(Quantity.fromInt(1024))).toBe(true);
    expect(() => compareQuantities('1', 'nope')).toThrow(QuantityError);
  });
});

/** A small deterministic generator (splitmix64) so random cases are reproducible. */
function seeded(seed: number) {
  let state = BigInt(seed);
  const next = (): bigint => {
    state = BigInt.asUintN(64, state + 0x9e3779b97f4a7c15n);
    let z = state;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    return z ^ (z >> 31n);
  };
  return {
    int63: (): bigint => next() >> 1n,
    below: (n: number): number => Number(next() % BigInt(n)),
    bool: (): boolean => (next() & 1n) === 1n,
  };
}

/** Quantities shaped like apimachinery's fuzzer makes them: plain and suffix-friendly, in every format. */
function randomQuantity(rand: ReturnType<typeof seeded>): Quantity {
  const sign = rand.bool() ? 1n : -1n;
  if (rand.bool()) {
    const value = rand.bool() ? rand.int63() : BigInt(rand.below(1024)) << BigInt(10 * rand.below(5));
    return Quantity.fromInt(sign * value, BinarySI);
  }
  const format = rand.bool() ? DecimalSI : DecimalExponent;
  const q = rand.bool()
    ? Quantity.fromScaled(sign * rand.int63(), -rand.below(4))
    : Quantity.fromScaled(sign * BigInt(rand.below(1000)), 3 - rand.below(15));
  return q.withFormat(format);
}
