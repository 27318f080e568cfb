import { describe, expect, it } from 'vitest';
import { SelectorError } from './errors';
import { parseLabelRequirements } from './label-parser';
import type { SelectionOperator } from './operator';

const KEY_NAME_REGEX_ERROR =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_REGEX_ERROR =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

type Req = [key: string, operator: SelectionOperator, values: string[]];

const parsed = (selector: string): Req[] => parseLabelRequirements(selector).map((r) => [r.key, r.operator, [...r.values]]);

describe('parseLabelRequirements: valid selectors (apimachinery TestSetSelectorParser)', () => {
  it.each<{ in: string; want: Req[] }>([
    { in: '', want: [] },
    { in: '\rx', want: [['x', 'exists', []]] },
    { in: 'this-is-a-dns.domain.com/key-with-dash', want: [['this-is-a-dns.domain.com/key-with-dash', 'exists', []]] },
    {
      in: 'this-is-another-dns.domain.com/key-with-dash in (so,what)',
      want: [['this-is-another-dns.domain.com/key-with-dash', 'in', ['so', 'what']]],
    },
    {
      in: '0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)',
      want: [['0.1.2.domain/99', 'notin', ['10.10.100.1', 'tick.tack.clock']]],
    },
    { in: 'foo  in\t (abc)', want: [['foo', 'in', ['abc']]] },
    { in: 'x notin\n (abc)', want: [['x', 'notin', ['abc']]] },
    { in: 'x  notin\t\t\t(abc,def)', want: [['x', 'notin', ['abc', 'def']]] },
    { in: 'x in (abc,def)', want: [['x', 'in', ['abc', 'def']]] },
    { in: 'x in (abc,)', want: [['x', 'in', ['', 'abc']]] },
    { in: 'x in (abc,abc)', want: [['x', 'in', ['abc']]] },
    { in: 'x in ()', want: [['x', 'in', ['']]] },
    { in: 'x in (a,,)', want: [['x', 'in', ['', 'a']]] },
    { in: 'x in (a,,,)', want: [['x', 'in', ['', 'a']]] },
    { in: 'x in (a,,,,,,)', want: [['x', 'in', ['', 'a']]] },
    { in: 'x in (a,,a,,a,,a,,)', want: [['x', 'in', ['', 'a']]] },
    {
      in: 'x notin (abc,,def),bar,z in (),w',
      want: [
        ['bar', 'exists', []],
        ['w', 'exists', []],
        ['x', 'notin', ['', 'abc', 'def']],
        ['z', 'in', ['']],
      ],
    },
    {
      in: 'x,y in (a)',
      want: [
        ['x', 'exists', []],
        ['y', 'in', ['a']],
      ],
    },
    { in: 'x=a', want: [['x', '=', ['a']]] },
    { in: 'x>1', want: [['x', 'gt', ['1']]] },
    { in: 'x<7', want: [['x', 'lt', ['7']]] },
    {
      in: 'x=a,y!=b',
      want: [
        ['x', '=', ['a']],
        ['y', '!=', ['b']],
      ],
    },
    {
      in: 'x=a,y!=b,z in (h,i,j)',
      want: [
        ['x', '=', ['a']],
        ['y', '!=', ['b']],
        ['z', 'in', ['h', 'i', 'j']],
      ],
    },
    { in: 'x notin ( )', want: [['x', 'notin', ['']]] },
    { in: 'x notin (, a)', want: [['x', 'notin', ['', 'a']]] },
    { in: 'a ', want: [['a', 'exists', []]] },
    { in: 'a in (x,y,notin, z,in)', want: [['a', 'in', ['in', 'notin', 'x', 'y', 'z']]] },
    { in: 'notin=in', want: [['notin', '=', ['in']]] },
    { in: 'in', want: [['in', 'exists', []]] },
    { in: '!in', want: [['in', '!', []]] },
    { in: 'x==y', want: [['x', '==', ['y']]] },
    { in: 'x=', want: [['x', '=', ['']]] },
    { in: 'x= ,z= ', want: [['x', '=', ['']], ['z', '=', ['']]] },
    { in: 'x!=', want: [['x', '!=', ['']]] },
    { in: ' ! x ', want: [['x', '!', []]] },
    // Kubernetes' lexer reads a NUL byte as the end of input where a token starts, and as a separator
    // inside one.
    { in: 'a \0 b=c', want: [['a', 'exists', []]] },
    {
      in: 'a\0,b=c',
      want: [
        ['a', 'exists', []],
        ['b', '=', ['c']],
      ],
    },
    // Requirements on the same key keep their written order.
    {
      in: 'b,a!=2,a=1',
      want: [
        ['a', '!=', ['2']],
        ['a', '=', ['1']],
        ['b', 'exists', []],
      ],
    },
  ])('$in', ({ in: input, want }) => {
    expect(parsed(input)).toEqual(want);
  });
});

describe('parseLabelRequirements: invalid selectors', () => {
  it.each([
    { in: 'x=a||y=b', want: `unable to parse requirement: values[0][x]: Invalid value: "a||y": ${VALUE_REGEX_ERROR}` },
    { in: 'x==a==b', want: "found '==', expected: ',' or 'end of string'" },
    { in: '!x=a', want: "found '=', expected: ',' or 'end of string'" },
    { in: 'x<a', want: `unable to parse requirement: values[0]: Invalid value: "a": for 'Gt', 'Lt' operators, the value must be an integer` },
    { in: 'x>-1', want: `unable to parse requirement: values[0][x]: Invalid value: "-1": ${VALUE_REGEX_ERROR}` },
    { in: 'x>=1', want: "unable to parse requirement: found '=', expected: identifier" },
    { in: 'x,,y', want: "found ',', expected: identifier after ','" },
    { in: ',x,y', want: "found ',', expected: !, identifier, or 'end of string'" },
    { in: 'x nott in (y)', want: "unable to parse requirement: found 'nott', expected: in, notin, =, ==, !=, gt, lt" },
    { in: 'a in (xyz),', want: "found '', expected: identifier after ','" },
    { in: 'a in (xyz)b notin ()', want: "found 'b', expected: ',' or 'end of string'" },
    { in: 'a in (xyz abc)', want: "unable to parse requirement: found 'abc', expected: ',' or ')'" },
    { in: 'a notin(', want: "unable to parse requirement: found '', expected: ',', ')' or identifier" },
    { in: 'a (', want: "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt" },
    { in: '(', want: "found '(', expected: !, identifier, or 'end of string'" },
    { in: 'a b', want: "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt" },
    { in: 'a=b c', want: "found 'c', expected: ',' or 'end of string'" },
    { in: 'x in (a', want: "unable to parse requirement: found '', expected: ',' or ')'" },
    { in: 'x in a', want: "unable to parse requirement: found 'a' expected: '('" },
    { in: 'x in (=)', want: "unable to parse requirement: found '=', expected: ',', ')' or identifier" },
    { in: 'x in (a,=)', want: "unable to parse requirement: found '=', expected: ',', or identifier" },
    { in: '!', want: "unable to parse requirement: found '', expected: identifier" },
    { in: '!!x', want: "unable to parse requirement: found '!', expected: identifier" },
    { in: 'x!', want: "unable to parse requirement: found '!', expected: in, notin, =, ==, !=, gt, lt" },
    { in: '-x', want: `unable to parse requirement: <nil>: Invalid value: "-x": name part ${KEY_NAME_REGEX_ERROR}` },
    { in: 'a/b/c=d', want: `unable to parse requirement: <nil>: Invalid value: "a/b/c": a qualified name ${KEY_NAME_REGEX_ERROR} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')` },
    {
      in: `${'k'.repeat(64)}=v`,
      want: `unable to parse requirement: <nil>: Invalid value: "${'k'.repeat(64)}": name part must be no more than 63 characters`,
    },
    {
      in: `k=${'v'.repeat(64)}`,
      want: `unable to parse requirement: values[0][k]: Invalid value: "${'v'.repeat(64)}": must be no more than 63 characters`,
    },
  ])('$in: $want', ({ in: input, want }) => {
    let caught: unknown;
    try {
      parseLabelRequirements(input);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SelectorError);
    expect((caught as SelectorError).message).toBe(want);
    expect((caught as SelectorError).kind).toBe('label');
  });

  it('keeps the field errors of a requirement that failed validation', () => {
    try {
      parseLabelRequirements('k=-a');
      expect.unreachable();
    } catch (err) {
      const e = err as SelectorError;
      expect(e.fieldErrors).toEqual([expect.objectContaining({ type: 'Invalid', field: 'values[0][k]' })]);
      expect(e.cause).toBeInstanceOf(SelectorError);
    }
  });
});
