import { describe, expect, it } from 'vitest';
import { SelectorError } from './errors';
import { FieldsSelector, parseFieldSelector } from './field-selector';
import { defaultFieldLabelConversion, defaultFieldSet } from './object-fields';

describe('defaultFieldSet', () => {
  it.each([
    {
      name: 'namespaced object',
      obj: { metadata: { name: 'nginx', namespace: 'default' } },
      namespaced: true,
      want: { 'metadata.name': 'nginx', 'metadata.namespace': 'default' },
    },
    {
      name: 'cluster-scoped object',
      obj: { metadata: { name: 'node-1' } },
      namespaced: false,
      want: { 'metadata.name': 'node-1' },
    },
    { name: 'missing metadata', obj: {}, namespaced: true, want: { 'metadata.name': '', 'metadata.namespace': '' } },
    { name: 'null metadata', obj: { metadata: null }, namespaced: false, want: { 'metadata.name': '' } },
  ])('$name', ({ obj, namespaced, want }) => {
    expect(defaultFieldSet(obj, namespaced)).toEqual(want);
  });

  it('defaults to a namespaced kind and feeds field selectors', () => {
    const pod = { metadata: { name: 'my-service', namespace: 'prod' } };
    expect(parseFieldSelector('metadata.name=my-service').matches(defaultFieldSet(pod))).toBe(true);
    expect(parseFieldSelector('metadata.namespace!=default').matches(defaultFieldSet(pod))).toBe(true);
    expect(parseFieldSelector('metadata.namespace=prod').matches(defaultFieldSet(pod, false))).toBe(false);
  });
});

describe('defaultFieldLabelConversion', () => {
  it('keeps the fields every kind supports', () => {
    const s = FieldsSelector.parseAndTransform('metadata.name=a,metadata.namespace!=b', defaultFieldLabelConversion);
    expect(s.toString()).toBe('metadata.name=a,metadata.namespace!=b');
  });

  it('rejects any other field with the message kubectl shows', () => {
    let caught: unknown;
    try {
      FieldsSelector.parseAndTransform('foo.bar=baz', defaultFieldLabelConversion);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SelectorError);
    expect((caught as SelectorError).message).toBe(
      '"foo.bar" is not a known field selector: only "metadata.name", "metadata.namespace"',
    );
    expect((caught as SelectorError).kind).toBe('field');
  });
});
