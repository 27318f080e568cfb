import type { ConfigMap, Node, Secret } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import {
  validateConfigMap,
  validateConfigMapUpdate,
  validateEndpoints,
  validateNamespace,
  validateNode,
  validateNodeUpdate,
  validatePersistentVolumeClaim,
  validateReplicationController,
  validateSecret,
  validateSecretUpdate,
} from './core';

const s = (errs: { toString(): string }[]) => errs.map(String);
const CONFIG_KEY_MSG =
  "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
const b64 = (t: string) => Buffer.from(t).toString('base64');

describe('validateNamespace', () => {
  it.each([
    ['a valid namespace', { metadata: { name: 'team-a' }, spec: { finalizers: ['kubernetes'] } }, []],
    ['a dotted name', { metadata: { name: 'team.a' } }, ['metadata.name: Invalid value: "team.a": must not contain dots']],
    [
      'a namespace given to a namespace',
      { metadata: { name: 'a', namespace: 'b' } },
      ['metadata.namespace: Forbidden: not allowed on this type'],
    ],
    [
      'an unqualified non-standard finalizer',
      { metadata: { name: 'a' }, spec: { finalizers: ['cleanup'] } },
      ['spec.finalizers: Invalid value: "cleanup": name is neither a standard finalizer name nor is it fully qualified'],
    ],
  ])('%s', (_name, ns, want) => {
    expect(s(validateNamespace(ns))).toEqual(want);
  });
});

describe('validateConfigMap', () => {
  const cm = (over: Partial<ConfigMap>): ConfigMap => ({ metadata: { name: 'cfg', namespace: 'default' }, ...over });
  it.each([
    ['valid keys', cm({ data: { 'game.properties': 'a', KEY_NAME: 'b' }, binaryData: { 'blob-1': b64('x') } }), []],
    ['a key with a slash', cm({ data: { 'a/b': 'x' } }), [`data[a/b]: Invalid value: "a/b": ${CONFIG_KEY_MSG}`]],
    ['a key in both bags', cm({ data: { a: 'x' }, binaryData: { a: b64('x') } }), ['data[a]: Invalid value: "a": duplicate of key present in binaryData']],
    ['more than 1 MiB', cm({ data: { a: 'x'.repeat(1024 * 1024 + 1) } }), ['[]: Too long: must have at most 1048576 bytes']],
  ])('%s', (_name, obj, want) => {
    expect(s(validateConfigMap(obj))).toEqual(want);
  });

  it('freezes data once immutable', () => {
    const metadata = { name: 'cfg', namespace: 'default', resourceVersion: '3' };
    const old = cm({ metadata, data: { a: '1' }, immutable: true });
    const next = cm({ metadata, data: { a: '2' } });
    expect(s(validateConfigMapUpdate(next, old))).toEqual([
      'immutable: Forbidden: field is immutable when `immutable` is set',
      'data: Forbidden: field is immutable when `immutable` is set',
    ]);
  });
});

describe('validateSecret', () => {
  const secret = (over: Partial<Secret>): Secret => ({ metadata: { name: 'sec', namespace: 'default' }, type: 'Opaque', ...over });
  it.each([
    ['an Opaque secret', secret({ data: { password: b64('hunter2') } }), []],
    ['a bad key', secret({ data: { 'a b': b64('x') } }), [`data[a b]: Invalid value: "a b": ${CONFIG_KEY_MSG}`]],
    ['a TLS secret without key', secret({ type: 'kubernetes.io/tls', data: { 'tls.crt': b64('c') } }), ['data[tls.key]: Required value']],
    [
      'a service account token without the account',
      secret({ type: 'kubernetes.io/service-account-token' }),
      ['metadata.annotations[kubernetes.io/service-account.name]: Required value'],
    ],
    [
      'basic auth with neither field',
      secret({ type: 'kubernetes.io/basic-auth', data: {} }),
      ['data[username]: Required value', 'data[password]: Required value'],
    ],
    [
      'a docker config that is not JSON',
      secret({ type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('{nope') } }),
      [expect.stringMatching(/^data\[\.dockerconfigjson\]: Invalid value: "<secret contents redacted>": /)],
    ],
    ['more than 1 MiB decoded', secret({ data: { big: b64('x'.repeat(1024 * 1024 + 1)) } }), ['data: Too long: must have at most 1048576 bytes']],
  ])('%s', (_name, obj, want) => {
    expect(s(validateSecret(obj))).toEqual(want);
  });

  it('keeps the type immutable', () => {
    const old = secret({ metadata: { name: 'sec', namespace: 'default', resourceVersion: '1' } });
    const next = secret({ metadata: { name: 'sec', namespace: 'default', resourceVersion: '1' }, type: 'kubernetes.io/basic-auth', data: { username: '' } });
    expect(s(validateSecretUpdate(next, old))).toEqual(['type: Invalid value: "kubernetes.io/basic-auth": field is immutable']);
  });
});

describe('validateNode', () => {
  const node = (over: Partial<Node> = {}): Node => ({ metadata: { name: 'node-1' }, ...over });
  it.each([
    ['a valid node', node({ spec: { podCIDRs: ['10.244.0.0/24'], taints: [{ key: 'a', effect: 'NoSchedule' }] }, status: { capacity: { cpu: '4', pods: '110' } } }), []],
    [
      'duplicate taints',
      node({ spec: { taints: [{ key: 'a', effect: 'NoSchedule' }, { key: 'a', value: 'x', effect: 'NoSchedule' }] } }),
      ['metadata.taints[1]: Duplicate value: {"key":"a","value":"x","effect":"NoSchedule"}: taints must be unique by key and effect pair'],
    ],
    [
      'a taint without effect',
      node({ spec: { taints: [{ key: 'a', effect: '' }] } }),
      ['metadata.taints[0].effect: Required value'],
    ],
    [
      'a fractional pod capacity',
      node({ status: { capacity: { pods: '1.5' } } }),
      ['status.capacity.pods: Invalid value: "1500m": must be an integer'],
    ],
    [
      'two IPv4 pod CIDRs',
      node({ spec: { podCIDRs: ['10.0.0.0/24', '10.0.1.0/24'] } }),
      ['spec.podCIDRs: Invalid value: ["10.0.0.0/24","10.0.1.0/24"]: may specify no more than one CIDR for each IP family'],
    ],
  ])('%s', (_name, obj, want) => {
    expect(s(validateNode(obj))).toEqual(want);
  });

  it('lets a pod CIDR be set once', () => {
    const old = node({ metadata: { name: 'n', resourceVersion: '1' } });
    const set = node({ metadata: { name: 'n', resourceVersion: '1' }, spec: { podCIDRs: ['10.244.0.0/24'] } });
    expect(validateNodeUpdate(set, old)).toEqual([]);
    const changed = node({ metadata: { name: 'n', resourceVersion: '1' }, spec: { podCIDRs: ['10.244.1.0/24'] } });
    expect(s(validateNodeUpdate(changed, set))).toEqual(['spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid']);
  });
});

describe('other core kinds', () => {
  it('validates endpoints', () => {
    expect(
      s(
        validateEndpoints({
          metadata: { name: 'web', namespace: 'default' },
          subsets: [{ addresses: [{ ip: '10.244.0.5' }], ports: [{ port: 80, protocol: 'TCP' }, { port: 443, protocol: 'TCP' }] }, {}],
        }),
      ),
    ).toEqual([
      'subsets[0].ports[0].name: Required value',
      'subsets[0].ports[1].name: Required value',
      'subsets[1]: Required value: must specify `addresses` or `notReadyAddresses`',
    ]);
  });

  it('validates a claim', () => {
    expect(
      s(validatePersistentVolumeClaim({ metadata: { name: 'data', namespace: 'default' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '0' } } } })),
    ).toEqual(['spec.resources[storage]: Invalid value: "0": must be greater than zero']);
    expect(s(validatePersistentVolumeClaim({ metadata: { name: 'data', namespace: 'default' }, spec: {} }))).toEqual([
      'spec.accessModes: Required value: at least 1 access mode is required',
      'spec.resources[storage]: Required value',
    ]);
  });

  it('validates a replication controller selector against its template', () => {
    expect(
      s(
        validateReplicationController({
          metadata: { name: 'rc', namespace: 'default' },
          spec: {
            replicas: 1,
            selector: { app: 'web' },
            template: {
              metadata: { labels: { app: 'api' } },
              spec: {
                containers: [{ name: 'c', image: 'i', imagePullPolicy: 'IfNotPresent', terminationMessagePolicy: 'File' }],
                restartPolicy: 'Always',
                dnsPolicy: 'ClusterFirst',
              },
            },
          },
        }),
      ),
    ).toEqual(['spec.template.metadata.labels: Invalid value: {"app":"api"}: `selector` does not match template `labels`']);
  });
});
