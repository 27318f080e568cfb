import { describe, expect, it } from 'vitest';
import { invalidStatus } from './field';
import { kindKeyOf, parseKindKey } from './kind-key';
import { hasValidation, validate } from './validate';

describe('parseKindKey', () => {
  it.each([
    ['apps/v1/Deployment', { group: 'apps', version: 'v1', kind: 'Deployment' }],
    ['v1/Pod', { group: '', version: 'v1', kind: 'Pod' }],
    ['Pod', { group: '', version: '', kind: 'Pod' }],
    [{ group: 'batch', kind: 'Job' }, { group: 'batch', version: '', kind: 'Job' }],
  ] as const)('%j', (key, want) => {
    expect(parseKindKey(key)).toEqual(want);
  });

  it('rejects malformed keys', () => {
    expect(() => parseKindKey('a/b/c/D')).toThrow(TypeError);
    expect(() => parseKindKey('apps/v1/')).toThrow(TypeError);
  });

  it('reads an object own apiVersion and kind', () => {
    expect(kindKeyOf({ apiVersion: 'apps/v1', kind: 'Deployment' })).toEqual({ group: 'apps', version: 'v1', kind: 'Deployment' });
    expect(kindKeyOf({ apiVersion: 'v1', kind: 'Pod' })).toEqual({ group: '', version: 'v1', kind: 'Pod' });
  });
});

describe('validate', () => {
  it('dispatches by group and kind, whatever the version', () => {
    const deployment = { metadata: { name: 'Web', namespace: 'default' }, spec: {} };
    const byString = validate('apps/v1/Deployment', deployment).map(String);
    expect(validate({ group: 'apps', kind: 'Deployment' }, deployment).map(String)).toEqual(byString);
    expect(byString[0]).toMatch(/^metadata\.name: Invalid value: "Web": a lowercase RFC 1123 subdomain/);
    expect(byString).toContain('spec.selector: Required value');
    expect(byString).toContain('spec.template.spec.containers: Required value');
    expect(hasValidation('apps/v1/Deployment')).toBe(true);
  });

  it('validates unknown kinds by metadata only', () => {
    expect(hasValidation('example.com/v1/Widget')).toBe(false);
    expect(validate('example.com/v1/Widget', { metadata: { name: 'w', namespace: 'default' }, spec: { anything: true } })).toEqual([]);
    expect(validate('example.com/v1/Widget', { metadata: {} }).map(String)).toEqual([
      'metadata.name: Required value: name or generateName is required',
    ]);
    expect(validate('example.com/v1/Widget', { metadata: { name: 'w' } }, undefined, { namespaced: true }).map(String)).toEqual([
      'metadata.namespace: Required value',
    ]);
    expect(validate('example.com/v1/Widget', { metadata: { name: 'w', namespace: 'x' } }, undefined, { namespaced: false }).map(String)).toEqual([
      'metadata.namespace: Forbidden: not allowed on this type',
    ]);
  });

  it('validates updates against the old object', () => {
    const old = { metadata: { name: 'cfg', namespace: 'default', uid: 'u1', resourceVersion: '7' }, data: { a: '1' } };
    expect(validate('v1/ConfigMap', { ...old, data: { a: '2' } }, old)).toEqual([]);
    expect(validate('v1/ConfigMap', { ...old, metadata: { ...old.metadata, uid: 'u2' } }, old).map(String)).toEqual([
      'metadata.uid: Invalid value: "u2": field is immutable',
    ]);
    expect(validate('example.com/v1/Widget', { metadata: { name: 'x', resourceVersion: '1' } }, { metadata: { name: 'w' } }).map(String)).toEqual([
      'metadata.name: Invalid value: "x": field is immutable',
    ]);
  });

  it('rejects a pod update that changes more than images', () => {
    const pod = {
      metadata: { name: 'p', namespace: 'default', resourceVersion: '3' },
      spec: {
        containers: [{ name: 'c', image: 'nginx:1', imagePullPolicy: 'IfNotPresent', terminationMessagePolicy: 'File' }],
        restartPolicy: 'Always',
        dnsPolicy: 'ClusterFirst',
      },
    };
    const imageOnly = structuredClone(pod);
    imageOnly.spec.containers[0]!.image = 'nginx:2';
    expect(validate('v1/Pod', imageOnly, pod)).toEqual([]);
    const restart = structuredClone(pod);
    restart.spec.restartPolicy = 'Never';
    const errs = validate('v1/Pod', restart, pod);
    expect(errs).toHaveLength(1);
    expect(errs[0]!.field).toBe('spec');
    expect(errs[0]!.body()).toMatch(
      /^Forbidden: pod updates may not change fields other than `spec\.containers\[\*\]\.image`,`spec\.initContainers\[\*\]\.image`,`spec\.activeDeadlineSeconds`,`spec\.tolerations` \(only additions to existing tolerations\),`spec\.terminationGracePeriodSeconds` \(allow it to be set to 1 if it was previously negative\)\n/,
    );
    const added = structuredClone(pod);
    added.spec.containers.push({ ...pod.spec.containers[0]!, name: 'd' });
    expect(validate('v1/Pod', added, pod).map(String)).toEqual(['spec.containers: Forbidden: pod updates may not add or remove containers']);
  });

  it('produces the 422 Status the apiserver answers with', () => {
    const errs = validate('v1/Pod', { metadata: { name: 'p', namespace: 'default' }, spec: { containers: [], restartPolicy: 'Always', dnsPolicy: 'ClusterFirst' } });
    expect(invalidStatus({ group: '', kind: 'Pod' }, 'p', errs)).toMatchObject({
      code: 422,
      reason: 'Invalid',
      message: 'Pod "p" is invalid: spec.containers: Required value',
      details: { name: 'p', kind: 'Pod', causes: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers' }] },
    });
  });
});
