import type { LabelSelector } from 'kubernetes-types/meta/v1';
import { describe, expect, it } from 'vitest';
import { SelectorError } from './errors';
import { LabelRequirement, newLabelRequirement, type LabelSet } from './label-requirement';
import { LabelsSelector, labelSelectorAsSelector, parseLabelSelector } from './label-selector';

function thrown(fn: () => unknown): { kind: string; message: string } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SelectorError);
    return { kind: (err as SelectorError).kind, message: (err as SelectorError).message };
  }
  throw new Error('expected a SelectorError');
}

describe('label selectors from the "Labels and Selectors" page', () => {
  const pods: Record<string, LabelSet> = {
    prodFrontend: { environment: 'production', tier: 'frontend' },
    prodBackend: { environment: 'production', tier: 'backend' },
    qaCache: { environment: 'qa', tier: 'cache', partition: 'customerA' },
    dev: { environment: 'dev', partition: 'customerB' },
    bare: {},
  };
  const matching = (selector: string): string[] =>
    Object.entries(pods)
      .filter(([, labels]) => parseLabelSelector(selector).matches(labels))
      .map(([name]) => name);

  it.each([
    { selector: 'environment = production', want: ['prodFrontend', 'prodBackend'], text: 'environment=production' },
    { selector: 'tier != frontend', want: ['prodBackend', 'qaCache', 'dev', 'bare'], text: 'tier!=frontend' },
    { selector: 'environment=production,tier!=frontend', want: ['prodBackend'], text: 'environment=production,tier!=frontend' },
    { selector: 'environment in (production, qa)', want: ['prodFrontend', 'prodBackend', 'qaCache'], text: 'environment in (production,qa)' },
    { selector: 'tier notin (frontend, backend)', want: ['qaCache', 'dev', 'bare'], text: 'tier notin (backend,frontend)' },
    { selector: 'partition', want: ['qaCache', 'dev'], text: 'partition' },
    { selector: '!partition', want: ['prodFrontend', 'prodBackend', 'bare'], text: '!partition' },
    { selector: 'partition,environment notin (qa)', want: ['dev'], text: 'environment notin (qa),partition' },
    { selector: 'partition in (customerA, customerB),environment!=qa', want: ['dev'], text: 'environment!=qa,partition in (customerA,customerB)' },
    { selector: 'environment=production,tier=frontend', want: ['prodFrontend'], text: 'environment=production,tier=frontend' },
    { selector: 'environment in (production),tier in (frontend)', want: ['prodFrontend'], text: 'environment in (production),tier in (frontend)' },
    { selector: 'environment,environment notin (frontend)', want: ['prodFrontend', 'prodBackend', 'qaCache', 'dev'], text: 'environment,environment notin (frontend)' },
    { selector: 'environment==production', want: ['prodFrontend', 'prodBackend'], text: 'environment==production' },
    { selector: 'component in (redis)', want: [], text: 'component in (redis)' },
    { selector: '', want: ['prodFrontend', 'prodBackend', 'qaCache', 'dev', 'bare'], text: '' },
  ])('$selector', ({ selector, want, text }) => {
    expect(matching(selector)).toEqual(want);
    expect(parseLabelSelector(selector).toString()).toBe(text);
  });

  it.each([
    // The query strings of the LIST and WATCH section, once URL-decoded.
    { query: 'labelSelector=environment%3Dproduction,tier%3Dfrontend', text: 'environment=production,tier=frontend' },
    { query: 'labelSelector=environment+in+%28production%2Cqa%29%2Ctier+in+%28frontend%29', text: 'environment in (production,qa),tier in (frontend)' },
  ])('decodes $query', ({ query, text }) => {
    const selector = new URLSearchParams(query).get('labelSelector')!;
    expect(parseLabelSelector(selector).toString()).toBe(text);
  });

  it('reads the matchLabels/matchExpressions example', () => {
    const s = LabelsSelector.fromLabelSelector({
      matchLabels: { component: 'redis' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['cache'] },
        { key: 'environment', operator: 'NotIn', values: ['dev'] },
      ],
    });
    expect(s.toString()).toBe('component=redis,environment notin (dev),tier in (cache)');
    expect(s.matches({ component: 'redis', tier: 'cache' })).toBe(true);
    expect(s.matches({ component: 'redis', tier: 'cache', environment: 'dev' })).toBe(false);
    expect(s.matches({ component: 'redis' })).toBe(false);
  });

  it('treats a map selector like component=redis', () => {
    expect(LabelsSelector.fromSet({ component: 'redis' }).toString()).toBe('component=redis');
    expect(parseLabelSelector('component in (redis)').matches({ component: 'redis' })).toBe(true);
  });
});

describe('LabelsSelector.parse (apimachinery TestSelectorParse)', () => {
  it.each(['x=a,y=b,z=c', '', 'x!=a,y=b', 'x=', 'x= ', 'x=,z= ', 'x= ,z= ', '!x', 'x>1', 'x>1,z<5'])(
    '%j prints back without its spaces',
    (selector) => {
      expect(parseLabelSelector(selector).toString()).toBe(selector.replaceAll(' ', ''));
    },
  );

  it.each(['x=a||y=b', 'x==a==b', '!x=a', 'x<a'])('%j is rejected', (selector) => {
    expect(() => parseLabelSelector(selector)).toThrow(SelectorError);
  });

  it('is deterministic whatever the order of the requirements', () => {
    expect(parseLabelSelector('x=a,a=x').toString()).toBe(parseLabelSelector('a=x,x=a').toString());
    expect(parseLabelSelector('x=a,a=x').toString()).toBe('a=x,x=a');
  });
});

describe('LabelsSelector.matches (apimachinery TestSelectorMatches)', () => {
  const labelset = { foo: 'bar', baz: 'blah' };
  it.each<{ selector: string; labels: LabelSet; want: boolean }>([
    { selector: '', labels: { x: 'y' }, want: true },
    { selector: 'x=y', labels: { x: 'y' }, want: true },
    { selector: 'x=y,z=w', labels: { x: 'y', z: 'w' }, want: true },
    { selector: 'x!=y,z!=w', labels: { x: 'z', z: 'a' }, want: true },
    { selector: 'notin=in', labels: { notin: 'in' }, want: true },
    { selector: 'x', labels: { x: 'z' }, want: true },
    { selector: '!x', labels: { y: 'z' }, want: true },
    { selector: 'x>1', labels: { x: '2' }, want: true },
    { selector: 'x<1', labels: { x: '0' }, want: true },
    { selector: 'x=z', labels: {}, want: false },
    { selector: 'x=y', labels: { x: 'z' }, want: false },
    { selector: 'x=y,z=w', labels: { x: 'w', z: 'w' }, want: false },
    { selector: 'x!=y,z!=w', labels: { x: 'z', z: 'w' }, want: false },
    { selector: 'x', labels: { y: 'z' }, want: false },
    { selector: '!x', labels: { x: 'z' }, want: false },
    { selector: 'x>1', labels: { x: '0' }, want: false },
    { selector: 'x<1', labels: { x: '2' }, want: false },
    { selector: 'foo=bar', labels: labelset, want: true },
    { selector: 'baz=blah', labels: labelset, want: true },
    { selector: 'foo=bar,baz=blah', labels: labelset, want: true },
    { selector: 'foo=blah', labels: labelset, want: false },
    { selector: 'baz=bar', labels: labelset, want: false },
    { selector: 'foo=bar,foobar=bar,baz=blah', labels: labelset, want: false },
    { selector: 'x in ()', labels: { x: '' }, want: true },
    { selector: 'x=', labels: {}, want: false },
    { selector: 'x!=', labels: {}, want: true },
  ])('$selector on $labels is $want', ({ selector, labels, want }) => {
    expect(parseLabelSelector(selector).matches(labels)).toBe(want);
  });
});

describe('everything and nothing', () => {
  it('Everything matches all, is empty, prints nothing', () => {
    const s = LabelsSelector.everything();
    expect(s.matches({ x: 'y' })).toBe(true);
    expect(s.matches(undefined)).toBe(true);
    expect(s.empty()).toBe(true);
    expect(s.matchesNothing()).toBe(false);
    expect(s.toString()).toBe('');
    expect(s.requirements()).toEqual([]);
    expect(parseLabelSelector('').empty()).toBe(true);
  });

  it('Nothing matches none, is not empty, ignores additions', () => {
    const s = LabelsSelector.nothing();
    expect(s.matches({ x: 'y' })).toBe(false);
    expect(s.matches({})).toBe(false);
    expect(s.empty()).toBe(false);
    expect(s.matchesNothing()).toBe(true);
    expect(s.toString()).toBe('');
    expect(s.requirements()).toEqual([]);
    expect(s.add(newLabelRequirement('x', 'exists', [])).matchesNothing()).toBe(true);
    expect(s.requiresExactMatch('x')).toBeUndefined();
  });
});

describe('LabelsSelector.fromLabelSelector (metav1.LabelSelectorAsSelector)', () => {
  it('matches nothing for a missing selector and everything for an empty one', () => {
    expect(LabelsSelector.fromLabelSelector(undefined).matchesNothing()).toBe(true);
    expect(LabelsSelector.fromLabelSelector(null).matches({})).toBe(false);
    expect(LabelsSelector.fromLabelSelector({}).empty()).toBe(true);
    expect(LabelsSelector.fromLabelSelector({ matchLabels: {}, matchExpressions: [] }).matches({ a: 'b' })).toBe(true);
    expect(labelSelectorAsSelector({}).matches(undefined)).toBe(true);
  });

  it.each<{ name: string; selector: LabelSelector; want: string }>([
    { name: 'matchLabels', selector: { matchLabels: { foo: 'bar', baz: 'blah' } }, want: 'baz=blah,foo=bar' },
    {
      name: 'every operator',
      selector: {
        matchExpressions: [
          { key: 'foo', operator: 'In', values: ['baz', 'bar'] },
          { key: 'a', operator: 'NotIn', values: ['x'] },
          { key: 'e', operator: 'Exists' },
          { key: 'd', operator: 'DoesNotExist', values: [] },
        ],
      },
      want: 'a notin (x),!d,e,foo in (bar,baz)',
    },
    {
      name: 'both, sorted by key',
      selector: { matchLabels: { z: '1' }, matchExpressions: [{ key: 'a', operator: 'Exists' }] },
      want: 'a,z=1',
    },
  ])('$name', ({ selector, want }) => {
    expect(LabelsSelector.fromLabelSelector(selector).toString()).toBe(want);
  });

  it.each<{ name: string; selector: LabelSelector; want: string }>([
    {
      name: 'In without values',
      selector: { matchExpressions: [{ key: 'foo', operator: 'In' }] },
      want: "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty",
    },
    {
      name: 'NotIn with an empty list',
      selector: { matchExpressions: [{ key: 'foo', operator: 'NotIn', values: [] }] },
      want: "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty",
    },
    {
      name: 'Exists with values',
      selector: { matchExpressions: [{ key: 'foo', operator: 'Exists', values: ['bar'] }] },
      want: 'values: Invalid value: ["bar"]: values set must be empty for exists and does not exist',
    },
    {
      name: 'DoesNotExist with values',
      selector: { matchExpressions: [{ key: 'foo', operator: 'DoesNotExist', values: ['bar'] }] },
      want: 'values: Invalid value: ["bar"]: values set must be empty for exists and does not exist',
    },
    {
      name: 'an unknown operator',
      selector: { matchExpressions: [{ key: 'foo', operator: 'Gt', values: ['1'] }] },
      want: '"Gt" is not a valid label selector operator',
    },
    {
      name: 'a lower-case operator',
      selector: { matchExpressions: [{ key: 'foo', operator: 'in', values: ['1'] }] },
      want: '"in" is not a valid label selector operator',
    },
    {
      name: 'a bad matchLabels key, reported before expressions',
      selector: { matchLabels: { 'b': 'ok', '-a': 'x' }, matchExpressions: [{ key: 'foo', operator: 'Bad' }] },
      want: `key: Invalid value: "-a": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    },
    {
      name: 'a bad matchLabels value',
      selector: { matchLabels: { app: 'a b' } },
      want: `values[0][app]: Invalid value: "a b": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
    },
  ])('rejects $name', ({ selector, want }) => {
    expect(thrown(() => LabelsSelector.fromLabelSelector(selector))).toEqual({ kind: 'label', message: want });
  });
});

describe('LabelsSelector.fromSet', () => {
  it('builds key=value requirements sorted by key; nothing given means everything', () => {
    expect(LabelsSelector.fromSet({ app: 'foo', a: 'b' }).toString()).toBe('a=b,app=foo');
    expect(LabelsSelector.fromSet({}).empty()).toBe(true);
    expect(LabelsSelector.fromSet(undefined).empty()).toBe(true);
  });

  it.each<{ selector: LabelSet; want: boolean }>([
    { selector: {}, want: true },
    { selector: { foo: 'bar' }, want: true },
    { selector: { baz: 'blah' }, want: true },
    { selector: { foo: 'bar', baz: 'blah' }, want: true },
    { selector: { foo: '=blah' }, want: false },
    { selector: { foo: 'bar', foobar: 'bar', baz: 'blah' }, want: false },
  ])('$selector on foo=bar,baz=blah is $want (TestSetMatches)', ({ selector, want }) => {
    expect(LabelsSelector.fromSet(selector).matches({ foo: 'bar', baz: 'blah' })).toBe(want);
  });

  it('validates on request (TestValidatedSelectorFromSet)', () => {
    expect(LabelsSelector.validatedFromSet({ key: 'val' }).requirements()).toEqual([new LabelRequirement('key', '=', ['val'])]);
    const long = 'axahm2EJ8Phiephe2eixohbee9eGeiyees1thuozi1xoh0GiuH3diewi8iem7Nui';
    expect(() => LabelsSelector.validatedFromSet({ Key: long })).toThrow(
      `values[0][Key]: Invalid value: "${long}": must be no more than 63 characters`,
    );
    expect(LabelsSelector.fromSet({ Key: long }).matches({ Key: long })).toBe(true);
  });
});

describe('LabelsSelector.add (apimachinery TestAdd)', () => {
  it('returns a new selector sorted by key', () => {
    const base = LabelsSelector.everything().add(newLabelRequirement('key', 'in', ['value']));
    const more = base.add(newLabelRequirement('key2', '=', ['value2']), newLabelRequirement('a', 'exists', []));
    expect(base.toString()).toBe('key in (value)');
    expect(more.toString()).toBe('a,key in (value),key2=value2');
    expect(LabelsSelector.everything().empty()).toBe(true);
  });
});

describe('LabelsSelector.requiresExactMatch (apimachinery TestRequiresExactMatch)', () => {
  const sel = (...reqs: LabelRequirement[]) => LabelsSelector.everything().add(...reqs);
  it.each([
    { name: 'in with one value', s: sel(new LabelRequirement('key', 'in', ['value'])), label: 'key', want: 'value' },
    { name: 'in with two values', s: sel(new LabelRequirement('key', 'in', ['value', 'value2'])), label: 'key', want: undefined },
    {
      name: 'second key',
      s: sel(new LabelRequirement('key', 'in', ['value', 'value1']), new LabelRequirement('key2', 'in', ['value2'])),
      label: 'key2',
      want: 'value2',
    },
    { name: 'equals', s: sel(new LabelRequirement('key', '=', ['value'])), label: 'key', want: 'value' },
    { name: 'double equals', s: sel(new LabelRequirement('key', '==', ['value'])), label: 'key', want: 'value' },
    { name: 'not equals', s: sel(new LabelRequirement('key', '!=', ['value'])), label: 'key', want: undefined },
    {
      name: 'first of several',
      s: sel(new LabelRequirement('key', 'in', ['value']), new LabelRequirement('key2', 'in', ['value2'])),
      label: 'key',
      want: 'value',
    },
    { name: 'absent key', s: sel(new LabelRequirement('key', '=', ['value'])), label: 'other', want: undefined },
    { name: 'parsed', s: parseLabelSelector('app=web,tier in (db)'), label: 'tier', want: 'db' },
  ])('$name', ({ s, label, want }) => {
    expect(s.requiresExactMatch(label)).toBe(want);
  });
});

describe('LabelsSelector.toString (apimachinery TestToString)', () => {
  const sel = (...reqs: LabelRequirement[]) => LabelsSelector.everything().add(...reqs);
  it.each([
    {
      s: sel(new LabelRequirement('x', 'in', ['abc', 'def']), new LabelRequirement('y', 'notin', ['jkl']), new LabelRequirement('z', 'exists')),
      want: 'x in (abc,def),y notin (jkl),z',
    },
    {
      s: sel(new LabelRequirement('x', 'notin', ['abc', 'def']), new LabelRequirement('y', '!=', ['jkl']), new LabelRequirement('z', '!')),
      want: 'x notin (abc,def),y!=jkl,!z',
    },
    {
      s: sel(new LabelRequirement('x', 'notin', ['abc']), new LabelRequirement('y', 'in', ['jkl', 'mno']), new LabelRequirement('z', 'notin', [''])),
      want: 'x notin (abc),y in (jkl,mno),z notin ()',
    },
    {
      s: sel(
        new LabelRequirement('x', '=', ['abc']),
        new LabelRequirement('y', '==', ['jkl']),
        new LabelRequirement('z', '!=', ['a']),
        new LabelRequirement('z', 'exists'),
      ),
      want: 'x=abc,y==jkl,z!=a,z',
    },
    {
      s: sel(new LabelRequirement('x', 'gt', ['2']), new LabelRequirement('y', 'lt', ['8']), new LabelRequirement('z', 'exists')),
      want: 'x>2,y<8,z',
    },
  ])('$want', ({ s, want }) => {
    expect(s.toString()).toBe(want);
    expect(parseLabelSelector(want).toString()).toBe(want);
  });
});
