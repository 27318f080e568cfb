import { goQuote } from '../selectors/go-strings';
import { describe, expect, it } from 'vitest';
import {
  ErrorType,
  aggregateMessage,
  duplicate,
  errorTypeLabel,
  fieldPath,
  forbidden,
  internalError,
  invalid,
  invalidMessage,
  invalidStatus,
  notFound,
  notSupported,
  omitValue,
  required,
  toStatusCauses,
  tooLong,
  tooMany,
} from './field';
import { isDNS1123Subdomain } from './name';

describe('FieldPath', () => {
  it.each([
    [fieldPath('spec').child('containers').index(0).child('ports').index(1), 'spec.containers[0].ports[1]'],
    [fieldPath('metadata', 'labels').key('app'), 'metadata.labels[app]'],
    [fieldPath('spec').child('template', 'spec', 'containers'), 'spec.template.spec.containers'],
    [fieldPath('data').key('a.b/c'), 'data[a.b/c]'],
    [fieldPath('spec').index(2).index(3), 'spec[2][3]'],
    // An empty root renders as a subscript, as Kubernetes' NewPath("") does.
    [fieldPath(''), '[]'],
  ])('%s', (p, want) => {
    expect(p.toString()).toBe(want);
  });

  it('shares parents without mutating them', () => {
    const base = fieldPath('spec');
    base.child('a');
    expect(base.child('b').toString()).toBe('spec.b');
  });
});

describe('FieldError rendering', () => {
  const nameMsg = isDNS1123Subdomain('Foo')[0]!;
  it.each([
    [invalid(fieldPath('metadata', 'name'), 'Foo', nameMsg), `metadata.name: Invalid value: "Foo": ${nameMsg}`],
    [required(fieldPath('spec', 'template', 'spec', 'containers')), 'spec.template.spec.containers: Required value'],
    [required('metadata.name', 'name or generateName is required'), 'metadata.name: Required value: name or generateName is required'],
    [notSupported(fieldPath('spec', 'x'), 'y', ['a', 'b']), 'spec.x: Unsupported value: "y": supported values: "a", "b"'],
    [tooLong(fieldPath('metadata', 'annotations'), '', 262144), 'metadata.annotations: Too long: must have at most 262144 bytes'],
    [duplicate('spec.containers[1].name', 'web'), 'spec.containers[1].name: Duplicate value: "web"'],
    [forbidden('metadata.namespace', 'not allowed on this type'), 'metadata.namespace: Forbidden: not allowed on this type'],
    [notFound('spec.containers[0].volumeMounts[0].name', 'data'), 'spec.containers[0].volumeMounts[0].name: Not found: "data"'],
    [invalid('spec.replicas', -1, 'must be greater than or equal to 0'), 'spec.replicas: Invalid value: -1: must be greater than or equal to 0'],
    [invalid('spec.x', 1.5, 'd'), 'spec.x: Invalid value: 1.5: d'],
    [invalid('spec.x', true, 'd'), 'spec.x: Invalid value: true: d'],
    [invalid('spec.x', null, 'd'), 'spec.x: Invalid value: null: d'],
    [invalid('spec.x', undefined, 'd'), 'spec.x: Invalid value: null: d'],
    [invalid('spec.x', { app: 'web', tier: 'a<b' }, 'd'), 'spec.x: Invalid value: {"app":"web","tier":"a\\u003cb"}: d'],
    [invalid('spec.x', ['a', 1], 'd'), 'spec.x: Invalid value: ["a",1]: d'],
    [invalid('spec.x', omitValue, 'specifying both is not supported'), 'spec.x: Invalid value: specifying both is not supported'],
    [invalid('spec.x', '', ''), 'spec.x: Invalid value: ""'],
    [tooMany('spec.rules', 21, 20), 'spec.rules: Too many: 21: must have at most 20 items'],
    [tooMany('spec.rules', -1, 20), 'spec.rules: Too many: must have at most 20 items'],
    [internalError('spec', new Error('boom')), 'spec: Internal error: boom'],
  ])('%s', (err, want) => {
    expect(err.toString()).toBe(want);
  });

  it('exposes the StatusCause reason of every type', () => {
    expect(Object.values(ErrorType)).toEqual([
      'FieldValueNotFound',
      'FieldValueRequired',
      'FieldValueDuplicate',
      'FieldValueInvalid',
      'FieldValueNotSupported',
      'FieldValueForbidden',
      'FieldValueTooLong',
      'FieldValueTooMany',
      'InternalError',
      'FieldValueTypeInvalid',
    ]);
    expect(required('a').reason).toBe('FieldValueRequired');
    expect(internalError('a', 'x').reason).toBe('InternalError');
    expect(errorTypeLabel(ErrorType.NotSupported)).toBe('Unsupported value');
  });
});

describe('goQuote', () => {
  it.each([
    ['plain', '"plain"'],
    ['say "hi"', '"say \\"hi\\""'],
    ['back\\slash', '"back\\\\slash"'],
    ['tab\tnl\n', '"tab\\tnl\\n"'],
    ['\x01\x7f', '"\\x01\\x7f"'],
    ['rā', '"rā"'],
    ['\u200b', '"\\u200b"'],
  ])('%j', (input, want) => {
    expect(goQuote(input)).toBe(want);
  });
});

describe('Status conversion', () => {
  const errs = [
    invalid(fieldPath('metadata', 'name'), 'Foo', 'bad name'),
    required(fieldPath('spec', 'template', 'spec', 'containers')),
  ];

  it('aggregates one error bare and several in brackets, without duplicates', () => {
    expect(aggregateMessage([errs[0]!])).toBe('metadata.name: Invalid value: "Foo": bad name');
    expect(aggregateMessage([...errs, errs[1]!])).toBe(
      '[metadata.name: Invalid value: "Foo": bad name, spec.template.spec.containers: Required value]',
    );
    expect(aggregateMessage([])).toBe('');
  });

  it('builds the message the apiserver returns with 422', () => {
    expect(invalidMessage({ group: 'apps', kind: 'Deployment' }, 'Foo', errs)).toBe(
      'Deployment.apps "Foo" is invalid: [metadata.name: Invalid value: "Foo": bad name, spec.template.spec.containers: Required value]',
    );
    expect(invalidMessage({ group: '', kind: 'Pod' }, 'p', [errs[1]!])).toBe(
      'Pod "p" is invalid: spec.template.spec.containers: Required value',
    );
    expect(invalidMessage({ group: '', kind: 'Pod' }, 'p', [])).toBe('Pod "p" is invalid');
  });

  it('turns errors into causes', () => {
    expect(toStatusCauses(errs)).toEqual([
      { reason: 'FieldValueInvalid', message: 'Invalid value: "Foo": bad name', field: 'metadata.name' },
      { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.template.spec.containers' },
    ]);
  });

  it('builds the whole Status', () => {
    expect(invalidStatus({ group: 'apps', kind: 'Deployment' }, 'Foo', errs)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'Deployment.apps "Foo" is invalid: [metadata.name: Invalid value: "Foo": bad name, spec.template.spec.containers: Required value]',
      reason: 'Invalid',
      details: {
        name: 'Foo',
        group: 'apps',
        kind: 'Deployment',
        causes: toStatusCauses(errs),
      },
      code: 422,
    });
    expect(invalidStatus({ group: '', kind: 'Pod' }, 'p', []).details).toEqual({ name: 'p', kind: 'Pod', causes: [] });
  });
});
