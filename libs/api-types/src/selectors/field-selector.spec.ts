import { describe, expect, it } from 'vitest';
import { SelectorError } from './errors';
import { FieldsSelector, escapeFieldValue, parseFieldSelector, unescapeFieldValue, type FieldSet } from './field-selector';

function thrown(fn: () => unknown): { kind: string; message: string } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SelectorError);
    return { kind: (err as SelectorError).kind, message: (err as SelectorError).message };
  }
  throw new Error('expected a SelectorError');
}

describe('field selectors from the "Field Selectors" page', () => {
  const pods: Record<string, FieldSet> = {
    web: { 'metadata.name': 'my-service', 'metadata.namespace': 'default', 'status.phase': 'Running', 'spec.restartPolicy': 'Always' },
    job: { 'metadata.name': 'job-1', 'metadata.namespace': 'batch', 'status.phase': 'Pending', 'spec.restartPolicy': 'Never' },
    init: { 'metadata.name': 'init', 'metadata.namespace': 'kube-system', 'status.phase': 'Pending', 'spec.restartPolicy': 'Always' },
  };
  const matching = (selector: string): string[] =>
    Object.entries(pods)
      .filter(([, fields]) => parseFieldSelector(selector).matches(fields))
      .map(([name]) => name);

  it.each([
    { selector: 'metadata.name=my-service', want: ['web'] },
    { selector: 'metadata.namespace!=default', want: ['job', 'init'] },
    { selector: 'status.phase=Pending', want: ['job', 'init'] },
    { selector: 'status.phase=Running', want: ['web'] },
    { selector: 'status.phase==Running', want: ['web'] },
    { selector: '', want: ['web', 'job', 'init'] },
    { selector: 'status.phase!=Running,spec.restartPolicy=Always', want: ['init'] },
  ])('$selector', ({ selector, want }) => {
    expect(matching(selector)).toEqual(want);
  });

  it('exposes the fields a selector uses, so unsupported ones can be refused', () => {
    expect(parseFieldSelector('status.phase!=Running,spec.restartPolicy=Always').requirements()).toEqual([
      { operator: '=', field: 'spec.restartPolicy', value: 'Always' },
      { operator: '!=', field: 'status.phase', value: 'Running' },
    ]);
    expect(parseFieldSelector('foo.bar=baz').requirements().map((r) => r.field)).toEqual(['foo.bar']);
  });

  it.each([
    { selector: 'x in (a)', part: 'x in (a)' },
    // Commas split terms first, and the sorted terms are read in order.
    { selector: 'x in (a,b,c)', part: 'b' },
    { selector: 'x', part: 'x' },
    { selector: 'partition', part: 'partition' },
  ])('rejects the set-based form $selector', ({ selector, part }) => {
    expect(thrown(() => parseFieldSelector(selector))).toEqual({
      kind: 'field',
      message: `invalid selector: '${selector}'; can't understand '${part}'`,
    });
  });
});

describe('FieldsSelector.parse (apimachinery TestSelectorParse)', () => {
  it.each(['x=a,y=b,z=c', '', 'x!=a,y=b', 'x=a||y\\=b', 'x=a\\=\\=b'])('%j prints back unchanged', (selector) => {
    expect(parseFieldSelector(selector).toString()).toBe(selector);
  });

  it.each([
    { in: 'x=a||y=b', want: 'invalid field selector: unescaped character in value: 61' },
    { in: 'x==a==b', want: 'invalid field selector: unescaped character in value: 61' },
    { in: 'x=a,b', want: "invalid selector: 'x=a,b'; can't understand 'b'" },
    { in: 'x=a\\,b,c=d\\', want: 'invalid field selector: invalid escape sequence: \\' },
    { in: 'k=\\a', want: 'invalid field selector: invalid escape sequence: \\a' },
    { in: 'k=a=b', want: 'invalid field selector: unescaped character in value: 61' },
  ])('$in fails: $want', ({ in: input, want }) => {
    expect(thrown(() => parseFieldSelector(input))).toEqual({ kind: 'field', message: want });
  });

  it.each([
    // Terms are split on unescaped commas and sorted by their text (TestSplitTerms, TestSplitTerm).
    { in: 'a=avalue,b=bvalue', want: 'a=avalue,b=bvalue' },
    { in: 'c!=cvalue,b==bvalue,a=avalue', want: 'a=avalue,b=bvalue,c!=cvalue' },
    { in: 'a=a,', want: 'a=a' },
    { in: ',a=a', want: 'a=a' },
    { in: 'k=\\,,k2=v2', want: 'k2=v2,k=\\,' },
    { in: 'k=\\\\,k2=v2', want: 'k2=v2,k=\\\\' },
    { in: 'k=\\\\\\,,k2=v2', want: 'k2=v2,k=\\\\\\,' },
    { in: '함=수,목=록', want: '목=록,함=수' },
    { in: 'x=a,a=x', want: 'a=x,x=a' },
    // Fields are taken verbatim, spaces included.
    { in: 'metadata.name = foo', want: 'metadata.name = foo' },
    // A term with neither field nor value is dropped.
    { in: '=', want: '' },
    { in: '=v', want: '=v' },
  ])('$in prints as $want', ({ in: input, want }) => {
    expect(parseFieldSelector(input).toString()).toBe(want);
  });

  it('splits each term at its first operator, trying != and == before =', () => {
    expect(parseFieldSelector('b==value').requirements()).toEqual([{ operator: '=', field: 'b', value: 'value' }]);
    expect(parseFieldSelector('c!=value').requirements()).toEqual([{ operator: '!=', field: 'c', value: 'value' }]);
    expect(parseFieldSelector('a!b=c').requirements()).toEqual([{ operator: '=', field: 'a!b', value: 'c' }]);
    expect(parseFieldSelector('k=\\\\\\=\\,').requirements()).toEqual([{ operator: '=', field: 'k', value: '\\=,' }]);
    expect(parseFieldSelector('metadata.name = foo').requirements()).toEqual([
      { operator: '=', field: 'metadata.name ', value: ' foo' },
    ]);
  });
});

describe('FieldsSelector.matches (apimachinery TestSelectorMatches)', () => {
  const fieldset = { foo: 'bar', baz: 'blah', complex: '=value\\,\\' };
  it.each<{ selector: string; fields: FieldSet; want: boolean }>([
    { selector: '', fields: { x: 'y' }, want: true },
    { selector: 'x=y', fields: { x: 'y' }, want: true },
    { selector: 'x=y,z=w', fields: { x: 'y', z: 'w' }, want: true },
    { selector: 'x!=y,z!=w', fields: { x: 'z', z: 'a' }, want: true },
    { selector: 'notin=in', fields: { notin: 'in' }, want: true },
    { selector: 'x=y', fields: { x: 'z' }, want: false },
    { selector: 'x=y,z=w', fields: { x: 'w', z: 'w' }, want: false },
    { selector: 'x!=y,z!=w', fields: { x: 'z', z: 'w' }, want: false },
    { selector: 'foo=bar', fields: fieldset, want: true },
    { selector: 'baz=blah', fields: fieldset, want: true },
    { selector: 'foo=bar,baz=blah', fields: fieldset, want: true },
    { selector: 'foo=bar,baz=blah,complex=\\=value\\\\\\,\\\\', fields: fieldset, want: true },
    { selector: 'foo=blah', fields: fieldset, want: false },
    { selector: 'baz=bar', fields: fieldset, want: false },
    { selector: 'foo=bar,foobar=bar,baz=blah', fields: fieldset, want: false },
    // An absent field reads as the empty string.
    { selector: 'spec.nodeName=', fields: {}, want: true },
    { selector: 'spec.nodeName!=', fields: {}, want: false },
    { selector: 'spec.nodeName!=node-1', fields: {}, want: true },
    { selector: 'constructor=', fields: {}, want: true },
  ])('$selector on $fields is $want', ({ selector, fields, want }) => {
    expect(parseFieldSelector(selector).matches(fields)).toBe(want);
  });
});

describe('field value escaping (apimachinery TestEscapeValue)', () => {
  it.each([
    ['', ''],
    ['a', 'a'],
    ['=', '\\='],
    [',', '\\,'],
    ['\\', '\\\\'],
    ['\\=\\,\\', '\\\\\\=\\\\\\,\\\\'],
  ])('%j escapes to %j and back', (raw, escaped) => {
    expect(escapeFieldValue(raw)).toBe(escaped);
    expect(unescapeFieldValue(escaped)).toBe(raw);
  });

  it.each([
    ['\\', 'invalid field selector: invalid escape sequence: \\'],
    ['\\\\\\', 'invalid field selector: invalid escape sequence: \\'],
    ['\\a', 'invalid field selector: invalid escape sequence: \\a'],
    ['a,b', 'invalid field selector: unescaped character in value: 44'],
  ])('rejects %j', (value, want) => {
    expect(thrown(() => unescapeFieldValue(value))).toEqual({ kind: 'field', message: want });
  });
});

describe('everything, nothing and built selectors', () => {
  it('Everything matches all and is empty', () => {
    const s = FieldsSelector.everything();
    expect(s.matches({ x: 'y' })).toBe(true);
    expect(s.empty()).toBe(true);
    expect(s.matchesNothing()).toBe(false);
    expect(s.toString()).toBe('');
    expect(s.requirements()).toEqual([]);
  });

  it('Nothing matches none and is not empty', () => {
    const s = FieldsSelector.nothing();
    expect(s.matches({})).toBe(false);
    expect(s.empty()).toBe(false);
    expect(s.matchesNothing()).toBe(true);
    expect(s.toString()).toBe('');
    expect(s.transform(() => ({ field: 'a', value: 'b' }))).toBe(s);
    expect(FieldsSelector.and(FieldsSelector.oneTermEqual('a', 'b'), s).matchesNothing()).toBe(true);
  });

  it('builds from a set (TestSetMatches)', () => {
    const fields = { foo: 'bar', baz: 'blah' };
    expect(FieldsSelector.fromSet({}).matches(fields)).toBe(true);
    expect(FieldsSelector.fromSet(undefined).empty()).toBe(true);
    expect(FieldsSelector.fromSet({ foo: 'bar', baz: 'blah' }).matches(fields)).toBe(true);
    expect(FieldsSelector.fromSet({ foo: '=blah' }).matches(fields)).toBe(false);
    expect(FieldsSelector.fromSet({ foo: '=bar', foobar: 'bar', baz: 'blah' }).matches(fields)).toBe(false);
    expect(FieldsSelector.fromSet({ 'spec.nodeName': 'n1', 'metadata.name': 'p=1' }).toString()).toBe(
      'metadata.name=p\\=1,spec.nodeName=n1',
    );
  });

  it('builds single terms and conjunctions', () => {
    expect(FieldsSelector.oneTermEqual('x', 'y').matches({ x: 'y' })).toBe(true);
    expect(FieldsSelector.oneTermEqual('x', 'y').matches({ x: 'z' })).toBe(false);
    expect(FieldsSelector.oneTermNotEqual('x', 'y').matches({ x: 'z' })).toBe(true);
    const both = FieldsSelector.and(FieldsSelector.oneTermEqual('a', '1'), FieldsSelector.oneTermNotEqual('b', '2'));
    expect(both.toString()).toBe('a=1,b!=2');
    expect(both.matches({ a: '1', b: '3' })).toBe(true);
    expect(both.matches({ a: '1', b: '2' })).toBe(false);
    expect(FieldsSelector.and().empty()).toBe(true);
    expect(FieldsSelector.and(FieldsSelector.everything()).empty()).toBe(true);
  });
});

describe('FieldsSelector.requiresExactMatch (apimachinery TestRequiresExactMatch)', () => {
  it.each([
    { name: 'empty set', s: FieldsSelector.fromSet({}), field: 'test', want: undefined },
    { name: 'other field', s: FieldsSelector.oneTermEqual('a', 'b'), field: 'test', want: undefined },
    { name: 'equal term', s: FieldsSelector.oneTermEqual('test', 'b'), field: 'test', want: 'b' },
    { name: 'equal term, no value', s: FieldsSelector.oneTermEqual('test', ''), field: 'test', want: '' },
    { name: 'not-equal term', s: FieldsSelector.oneTermNotEqual('test', 'b'), field: 'test', want: undefined },
    {
      name: 'conjunction',
      s: FieldsSelector.and(FieldsSelector.oneTermEqual('', ''), FieldsSelector.oneTermEqual('test', 'b')),
      field: 'test',
      want: 'b',
    },
    { name: 'parsed', s: parseFieldSelector('spec.nodeName=node-1,metadata.name!=x'), field: 'spec.nodeName', want: 'node-1' },
  ])('$name', ({ s, field, want }) => {
    expect(s.requiresExactMatch(field)).toBe(want);
  });
});

describe('FieldsSelector.parseAndTransform (apimachinery TestTransform)', () => {
  const identity = (field: string, value: string) => ({ field, value });
  it.each([
    { name: 'empty selector', selector: '', fn: identity, want: '', empty: true },
    { name: 'no-op transform', selector: 'a=b,c=d', fn: identity, want: 'a=b,c=d', empty: false },
    {
      name: 'transform one field',
      selector: 'a=b,c=d',
      fn: (field: string, value: string) => (field === 'a' ? { field: 'e', value: 'f' } : { field, value }),
      want: 'e=f,c=d',
      empty: false,
    },
    { name: 'remove field to make empty', selector: 'a=b', fn: () => ({ field: '', value: '' }), want: '', empty: true },
    {
      name: 'remove only one field',
      selector: 'a=b,c=d,e=f',
      fn: (field: string, value: string) => (field === 'c' ? { field: '', value: '' } : { field, value }),
      want: 'a=b,e=f',
      empty: false,
    },
  ])('$name', ({ selector, fn, want, empty }) => {
    const result = FieldsSelector.parseAndTransform(selector, fn);
    expect(result.toString()).toBe(want);
    expect(result.empty()).toBe(empty);
  });

  it('lets the transform reject a field', () => {
    const refuse = (field: string): never => {
      throw new SelectorError('field', `${field} is not supported`);
    };
    expect(thrown(() => FieldsSelector.parseAndTransform('a=b', refuse))).toEqual({ kind: 'field', message: 'a is not supported' });
  });
});
