import { describe, expect, it } from 'vitest';
import { SelectorError } from './errors';
import { LabelRequirement, newLabelRequirement, type LabelSet } from './label-requirement';
import { SelectionOperator } from './operator';

const VALUE_REGEX_ERROR =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

function errorOf(fn: () => unknown): SelectorError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SelectorError);
    return err as SelectorError;
  }
  throw new Error('expected a SelectorError');
}

describe('newLabelRequirement (apimachinery TestRequirementConstructor)', () => {
  it.each([
    { key: 'x3', op: 'in', values: ['foo'] },
    { key: 'x4', op: 'notin', values: ['foo'] },
    { key: 'x6', op: 'exists', values: [] },
    { key: 'x7', op: '!', values: [] },
    { key: 'x9', op: 'in', values: ['bar'] },
    { key: 'x11', op: 'gt', values: ['1'] },
    { key: 'x12', op: 'lt', values: ['6'] },
    { key: 'x', op: '=', values: [''] },
    { key: 'x', op: 'in', values: ['', 'a'] },
    { key: 'x', op: 'gt', values: ['9223372036854775807'] },
  ])('accepts $key $op $values', ({ key, op, values }) => {
    const r = newLabelRequirement(key, op, values);
    expect(r.key).toBe(key);
    expect(r.operator).toBe(op);
    expect(r.values).toEqual(values);
  });

  it.each([
    { key: 'x1', op: 'in', values: [] as string[], want: "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty" },
    { key: 'x2', op: 'notin', values: undefined, want: "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty" },
    {
      key: 'x5',
      op: '=',
      values: ['bar', 'foo'],
      want: 'values: Invalid value: ["bar","foo"]: exact-match compatibility requires one single value',
    },
    { key: 'x8', op: 'exists', values: ['foo'], want: 'values: Invalid value: ["foo"]: values set must be empty for exists and does not exist' },
    { key: 'x13', op: 'gt', values: [], want: "values: Invalid value: []: for 'Gt', 'Lt' operators, exactly one value is required" },
    { key: 'x14', op: 'gt', values: ['bar'], want: `values[0]: Invalid value: "bar": for 'Gt', 'Lt' operators, the value must be an integer` },
    { key: 'x15', op: 'lt', values: ['bar'], want: `values[0]: Invalid value: "bar": for 'Gt', 'Lt' operators, the value must be an integer` },
    {
      key: 'x',
      op: 'gt',
      values: ['9223372036854775808'],
      want: `values[0]: Invalid value: "9223372036854775808": for 'Gt', 'Lt' operators, the value must be an integer`,
    },
    {
      key: 'a'.repeat(254),
      op: 'exists',
      values: [],
      want: `key: Invalid value: "${'a'.repeat(254)}": name part must be no more than 63 characters`,
    },
    {
      key: 'x16',
      op: '=',
      values: ['a'.repeat(254)],
      want: `values[0][x16]: Invalid value: "${'a'.repeat(254)}": must be no more than 63 characters`,
    },
    { key: 'x17', op: '=', values: ['a b'], want: `values[0][x17]: Invalid value: "a b": ${VALUE_REGEX_ERROR}` },
    {
      key: 'x18',
      op: 'unsupportedOp',
      values: [],
      want: 'operator: Unsupported value: "unsupportedOp": supported values: "in", "notin", "=", "==", "!=", "gt", "lt", "exists", "!"',
    },
    {
      key: 'x',
      op: 'gt',
      values: ['-1'],
      want: `values[0][x]: Invalid value: "-1": ${VALUE_REGEX_ERROR}`,
    },
  ])('rejects $key $op $values', ({ key, op, values, want }) => {
    const err = errorOf(() => newLabelRequirement(key, op, values));
    expect(err.message).toBe(want);
    expect(err.kind).toBe('label');
    expect(err.fieldErrors).toHaveLength(1);
  });

  it('reports every problem, bracketed, as an aggregate does', () => {
    const err = errorOf(() => newLabelRequirement('-k', 'in', ['a b', 'ok']));
    expect(err.fieldErrors.map((e) => e.field)).toEqual(['key', 'values[0][-k]']);
    expect(err.message).toBe(
      `[key: Invalid value: "-k": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]'), values[0][-k]: Invalid value: "a b": ${VALUE_REGEX_ERROR}]`,
    );
  });

  it('escapes HTML characters in list values as Go JSON does', () => {
    expect(errorOf(() => newLabelRequirement('x', 'exists', ['<a>'])).message).toMatch(
      /^\[values: Invalid value: \["\\u003ca\\u003e"\]: values set must be empty/,
    );
  });
});

describe('LabelRequirement.matches', () => {
  const req = (key: string, op: SelectionOperator, ...values: string[]) => new LabelRequirement(key, op, values);

  it.each([
    { r: req('x', 'in', 'foo'), labels: { x: 'foo', y: 'baz' }, want: true },
    { r: req('y', 'notin', 'alpha'), labels: { x: 'foo', y: 'baz' }, want: true },
    { r: req('y', 'in', 'alpha'), labels: { x: 'foo', y: 'baz' }, want: false },
    { r: req('x', 'notin', ''), labels: { y: '' }, want: true },
    { r: req('y', 'exists'), labels: { y: '' }, want: true },
    { r: req('x', '!'), labels: { y: '' }, want: true },
    { r: req('y', '!'), labels: { y: '' }, want: false },
    { r: req('x', 'in', ''), labels: { y: 'baz' }, want: false },
    { r: req('x', 'in', ''), labels: { x: '' }, want: true },
    { r: req('z', 'gt', '1'), labels: { z: '2' }, want: true },
    { r: req('z', 'gt', '1'), labels: { z: '1' }, want: false },
    { r: req('z', 'gt', '1'), labels: { z: 'v2' }, want: false },
    { r: req('z', 'lt', '1'), labels: { z: '0' }, want: true },
    { r: req('z', 'lt', '1'), labels: { z: '-5' }, want: true },
    { r: req('z', 'lt', '1'), labels: {}, want: false },
    { r: req('z', 'gt', '1', '2'), labels: { z: '5' }, want: false },
    { r: req('z', 'gt', '9223372036854775806'), labels: { z: '9223372036854775807' }, want: true },
    { r: req('x', '=', 'y'), labels: { x: 'y' }, want: true },
    { r: req('x', '==', 'y'), labels: { x: 'z' }, want: false },
    { r: req('x', '!=', 'y'), labels: {}, want: true },
    { r: req('x', '!=', 'y'), labels: { x: 'y' }, want: false },
    // Keys are looked up as own properties only.
    { r: req('constructor', 'exists'), labels: {}, want: false },
    { r: req('toString', '!'), labels: {}, want: true },
  ] as { r: LabelRequirement; labels: LabelSet; want: boolean }[])('$r on $labels is $want', ({ r, labels, want }) => {
    expect(r.matches(labels)).toBe(want);
  });

  it('treats missing labels as none', () => {
    expect(req('x', '!').matches(undefined)).toBe(true);
    expect(req('x', 'exists').matches(undefined)).toBe(false);
  });
});

describe('LabelRequirement.toString', () => {
  it.each([
    { r: new LabelRequirement('x', 'in', ['def', 'abc']), want: 'x in (abc,def)' },
    { r: new LabelRequirement('x', 'notin', ['abc']), want: 'x notin (abc)' },
    { r: new LabelRequirement('z', 'notin', ['']), want: 'z notin ()' },
    { r: new LabelRequirement('x', '=', ['abc']), want: 'x=abc' },
    { r: new LabelRequirement('y', '==', ['jkl']), want: 'y==jkl' },
    { r: new LabelRequirement('z', '!=', ['a']), want: 'z!=a' },
    { r: new LabelRequirement('z', 'exists'), want: 'z' },
    { r: new LabelRequirement('z', '!'), want: '!z' },
    { r: new LabelRequirement('x', 'gt', ['2']), want: 'x>2' },
    { r: new LabelRequirement('y', 'lt', ['8']), want: 'y<8' },
  ])('$want', ({ r, want }) => {
    expect(r.toString()).toBe(want);
  });

  it('sorts values for printing without reordering them', () => {
    const r = new LabelRequirement('x', 'in', ['foo', 'bar']);
    expect(r.toString()).toBe('x in (bar,foo)');
    expect(r.values).toEqual(['foo', 'bar']);
  });
});

describe('LabelRequirement.equals', () => {
  it.each([
    { a: ['k', 'in', ['v']], b: ['k', 'in', ['v']], want: true },
    { a: ['k', 'in', ['v']], b: ['k2', 'in', ['v']], want: false },
    { a: ['k', 'in', ['v']], b: ['k', 'notin', ['v']], want: false },
    { a: ['k', 'in', ['a', 'b']], b: ['k', 'in', ['b', 'a']], want: false },
    { a: ['k', 'in', ['a']], b: ['k', 'in', ['a', 'b']], want: false },
  ] as { a: [string, SelectionOperator, string[]]; b: [string, SelectionOperator, string[]]; want: boolean }[])(
    '$a vs $b is $want',
    ({ a, b, want }) => {
      expect(new LabelRequirement(...a).equals(new LabelRequirement(...b))).toBe(want);
    },
  );
});

describe('SelectorError', () => {
  it('is recognised across module copies by its brand', () => {
    const foreign = Object.defineProperty(new Error('x'), Symbol.for('tskube.SelectorError'), { value: true });
    expect(foreign).toBeInstanceOf(SelectorError);
    expect(new Error('x')).not.toBeInstanceOf(SelectorError);
    expect(new SelectorError('label', 'm', { cause: 'c' }).cause).toBe('c');
    expect(new SelectorError('field', 'm').name).toBe('SelectorError');
  });
});
