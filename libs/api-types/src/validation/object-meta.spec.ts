import type { ObjectMeta } from 'kubernetes-types/meta/v1';
import { describe, expect, it } from 'vitest';
import { fieldPath } from './field';
import { isDNS1123Label, isDNS1123Subdomain, nameIsDNSSubdomain } from './name';
import {
  validateAnnotations,
  validateLabelSelector,
  validateLabels,
  validateObjectMeta,
  validateObjectMetaUpdate,
  validateOwnerReferences,
} from './object-meta';

const strings = (errs: { toString(): string }[]) => errs.map(String);
const namespaced = { namespaced: true, nameValidator: nameIsDNSSubdomain };
const clusterScoped = { namespaced: false, nameValidator: nameIsDNSSubdomain };
const SUBDOMAIN = (v: string) => isDNS1123Subdomain(v)[0]!;

describe('validateObjectMeta', () => {
  it.each<[string, ObjectMeta | undefined, typeof namespaced, string[]]>([
    ['a valid namespaced object', { name: 'web', namespace: 'default' }, namespaced, []],
    ['a valid cluster-scoped object', { name: 'node-1' }, clusterScoped, []],
    ['no metadata', undefined, namespaced, ['metadata.name: Required value: name or generateName is required', 'metadata.namespace: Required value']],
    ['an upper-case name', { name: 'Foo', namespace: 'default' }, namespaced, [`metadata.name: Invalid value: "Foo": ${SUBDOMAIN('Foo')}`]],
    ['a namespace on a cluster-scoped kind', { name: 'n', namespace: 'default' }, clusterScoped, ['metadata.namespace: Forbidden: not allowed on this type']],
    [
      'an invalid namespace',
      { name: 'n', namespace: 'my.ns' },
      namespaced,
      ['metadata.namespace: Invalid value: "my.ns": must not contain dots'],
    ],
    [
      'a generateName with a trailing dash and the generated name',
      { generateName: 'web-', name: 'web-x7k2p', namespace: 'default' },
      namespaced,
      [],
    ],
    [
      'a bad generateName',
      { generateName: 'Web-', name: 'web-x7k2p', namespace: 'default' },
      namespaced,
      [`metadata.generateName: Invalid value: "Web-": ${SUBDOMAIN('Wea')}`],
    ],
    [
      'a negative generation',
      { name: 'n', generation: -1 },
      clusterScoped,
      ['metadata.generation: Invalid value: -1: must be greater than or equal to 0'],
    ],
    [
      'a non-standard finalizer without prefix',
      { name: 'n', finalizers: ['kubernetes', 'example.com/cleanup', 'cleanup'] },
      clusterScoped,
      ['metadata.finalizers[2]: Invalid value: "cleanup": name is neither a standard finalizer name nor is it fully qualified'],
    ],
    [
      'both orphan and foregroundDeletion',
      { name: 'n', finalizers: ['orphan', 'foregroundDeletion'] },
      clusterScoped,
      ['metadata.finalizers: Invalid value: ["orphan","foregroundDeletion"]: finalizer orphan and foregroundDeletion cannot be both set'],
    ],
    [
      'a managedFields entry with a bad operation',
      { name: 'n', managedFields: [{ manager: 'kubectl', operation: 'Patch' }] },
      clusterScoped,
      ['metadata.managedFields[0].operation: Invalid value: "Patch": must be `Apply` or `Update`'],
    ],
  ])('%s', (_name, meta, opts, want) => {
    expect(strings(validateObjectMeta(meta, opts))).toEqual(want);
  });
});

describe('labels and annotations', () => {
  it('reports keys and values at the map path', () => {
    expect(strings(validateLabels({ 'app/x/y': 'ok', good: '-bad' }, fieldPath('metadata', 'labels')))).toEqual([
      `metadata.labels: Invalid value: "app/x/y": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
      `metadata.labels: Invalid value: "-bad": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
    ]);
  });

  it('checks annotation keys in lower case', () => {
    expect(validateAnnotations({ 'Example.COM/Key': 'v' }, fieldPath('metadata', 'annotations'))).toEqual([]);
  });

  it('limits annotations to 256 KiB in all', () => {
    const path = fieldPath('metadata', 'annotations');
    expect(validateAnnotations({ a: 'x'.repeat(262143) }, path)).toEqual([]);
    expect(strings(validateAnnotations({ a: 'x'.repeat(262144) }, path))).toEqual([
      'metadata.annotations: Too long: must have at most 262144 bytes',
    ]);
  });
});

describe('validateOwnerReferences', () => {
  const path = fieldPath('metadata', 'ownerReferences');
  it.each([
    ['a complete reference', [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1' }], []],
    [
      'an empty reference',
      [{ apiVersion: '', kind: '', name: '', uid: '' }],
      [
        'metadata.ownerReferences.apiVersion: Invalid value: "": version must not be empty',
        'metadata.ownerReferences.kind: Invalid value: "": kind must not be empty',
        'metadata.ownerReferences.name: Invalid value: "": name must not be empty',
        'metadata.ownerReferences.uid: Invalid value: "": uid must not be empty',
      ],
    ],
    [
      'an Event owner',
      [{ apiVersion: 'v1', kind: 'Event', name: 'e', uid: 'u' }],
      ['metadata.ownerReferences: Invalid value: {"apiVersion":"v1","kind":"Event","name":"e","uid":"u"}: /v1, Kind=Event is disallowed from being an owner'],
    ],
    [
      'two controllers',
      [
        { apiVersion: 'v1', kind: 'A', name: 'a', uid: '1', controller: true },
        { apiVersion: 'v1', kind: 'B', name: 'b', uid: '2', controller: true },
      ],
      [
        'metadata.ownerReferences: Invalid value: [{"apiVersion":"v1","kind":"A","name":"a","uid":"1","controller":true},{"apiVersion":"v1","kind":"B","name":"b","uid":"2","controller":true}]: Only one reference can have Controller set to true. Found "true" in references for A/a and B/b',
      ],
    ],
  ])('%s', (_name, refs, want) => {
    expect(strings(validateOwnerReferences(refs, path))).toEqual(want);
  });
});

describe('validateLabelSelector', () => {
  const path = fieldPath('spec', 'selector');
  it.each([
    ['valid', { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a'] }] }, []],
    ['In without values', { matchExpressions: [{ key: 'tier', operator: 'In' }] }, [
      "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    ]],
    ['Exists with values', { matchExpressions: [{ key: 'tier', operator: 'Exists', values: ['a'] }] }, [
      "spec.selector.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
    ]],
    ['an unknown operator', { matchExpressions: [{ key: 'tier', operator: 'Near' }] }, [
      'spec.selector.matchExpressions[0].operator: Invalid value: "Near": not a valid selector operator',
    ]],
  ])('%s', (_name, sel, want) => {
    expect(strings(validateLabelSelector(sel, path))).toEqual(want);
  });
});

describe('validateObjectMetaUpdate', () => {
  const old: ObjectMeta = {
    name: 'web',
    namespace: 'default',
    uid: 'u1',
    resourceVersion: '5',
    creationTimestamp: '2024-01-01T00:00:00Z',
    generation: 2,
  };

  it('accepts an update that keeps the identity', () => {
    expect(validateObjectMetaUpdate({ ...old, labels: { a: 'b' }, generation: 3 }, old)).toEqual([]);
  });

  it('reports every immutable field', () => {
    expect(
      strings(
        validateObjectMetaUpdate(
          { name: 'web2', namespace: 'other', uid: 'u2', resourceVersion: '5', creationTimestamp: '2025-01-01T00:00:00Z', generation: 2 },
          old,
        ),
      ),
    ).toEqual([
      'metadata.name: Invalid value: "web2": field is immutable',
      'metadata.namespace: Invalid value: "other": field is immutable',
      'metadata.uid: Invalid value: "u2": field is immutable',
      'metadata.creationTimestamp: Invalid value: "2025-01-01T00:00:00Z": field is immutable',
    ]);
  });

  it('requires a resourceVersion and a non-decreasing generation', () => {
    expect(strings(validateObjectMetaUpdate({ ...old, resourceVersion: '', generation: 1 }, old))).toEqual([
      'metadata.resourceVersion: Invalid value: "": must be specified for an update',
      'metadata.generation: Invalid value: 1: must not be decremented',
    ]);
  });

  it('refuses new finalizers once deletion started', () => {
    const deleting = { ...old, deletionTimestamp: '2024-02-01T00:00:00Z', finalizers: ['a.io/x'] };
    expect(strings(validateObjectMetaUpdate({ ...deleting, finalizers: ['a.io/x', 'b.io/y'] }, deleting))).toEqual([
      'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"b.io/y"}',
    ]);
  });

  it('refuses to clear deletionTimestamp', () => {
    const deleting = { ...old, deletionTimestamp: '2024-02-01T00:00:00Z' };
    expect(strings(validateObjectMetaUpdate(old, deleting))).toEqual([
      'metadata.deletionTimestamp: Invalid value: null: field is immutable',
    ]);
  });
});

describe('namespace names', () => {
  it('uses the DNS label rule', () => {
    expect(isDNS1123Label('kube-system')).toEqual([]);
  });
});
