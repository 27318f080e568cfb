import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { isMalformed } from './errors';
import { messageType } from './schema';
import { encodeMessage } from './testing';
import { messageToJson } from './wire-to-json';

const core = 'k8s.io.api.core.v1';
const meta = 'k8s.io.apimachinery.pkg.apis.meta.v1';

const decode = (name: string, bytes: Uint8Array) => messageToJson(messageType(name), bytes);
const utf8 = (s: string) => new TextEncoder().encode(s);

describe('messageToJson follows Go encoding/json', () => {
  it.each([
    {
      name: 'omitempty fields Go wrote as zero are left out; a zero Time is null',
      message: `${meta}.ObjectMeta`,
      fields: { name: 'x', generateName: '', namespace: '', selfLink: '', uid: '', resourceVersion: '', generation: 0, creationTimestamp: {} },
      want: { name: 'x', creationTimestamp: null },
    },
    {
      name: 'Time is RFC 3339 in whole seconds',
      message: `${meta}.ObjectMeta`,
      fields: { creationTimestamp: { seconds: 1700000000, nanos: 999 }, deletionTimestamp: { seconds: 0 } },
      want: { creationTimestamp: '2023-11-14T22:13:20Z', deletionTimestamp: '1970-01-01T00:00:00Z' },
    },
    {
      name: 'int64 values are numbers',
      message: `${meta}.ObjectMeta`,
      fields: { generation: 2 ** 40, deletionGracePeriodSeconds: 30 },
      want: { generation: 2 ** 40, deletionGracePeriodSeconds: 30, creationTimestamp: null },
    },
    {
      name: 'a pointer set to zero is kept',
      message: `${meta}.DeleteOptions`,
      fields: { gracePeriodSeconds: 0, orphanDependents: false, propagationPolicy: 'Background', dryRun: ['All'] },
      want: { gracePeriodSeconds: 0, orphanDependents: false, propagationPolicy: 'Background', dryRun: ['All'] },
    },
    { name: 'an unset pointer with omitempty is left out', message: `${meta}.DeleteOptions`, fields: {}, want: {} },
    {
      name: 'a struct that is not a pointer is always written; unset fields without omitempty are null',
      message: 'k8s.io.api.apps.v1.DeploymentSpec',
      fields: { replicas: 0 },
      want: { replicas: 0, selector: null, template: { metadata: { creationTimestamp: null }, spec: { containers: null } }, strategy: {} },
    },
    {
      name: 'strings without omitempty are written empty',
      message: 'k8s.io.api.rbac.v1.RoleRef',
      fields: {},
      want: { apiGroup: '', kind: '', name: '' },
    },
    { name: 'an unset slice without omitempty is null', message: 'k8s.io.api.rbac.v1.PolicyRule', fields: {}, want: { verbs: null } },
    {
      name: 'an embedded struct is flattened (Volume, VolumeSource)',
      message: `${core}.Volume`,
      fields: { name: 'data', volumeSource: { emptyDir: {}, configMap: { localObjectReference: { name: 'cm' }, defaultMode: 420 } } },
      want: { name: 'data', emptyDir: {}, configMap: { name: 'cm', defaultMode: 420 } },
    },
    {
      name: 'an embedded struct is flattened (Probe, ProbeHandler)',
      message: `${core}.Probe`,
      fields: { handler: { httpGet: { path: '/healthz', port: { type: 0, intVal: 8080 } } }, periodSeconds: 5 },
      want: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 5 },
    },
    {
      name: 'Quantity is its string; a zero Quantity is "0"',
      message: `${core}.ResourceRequirements`,
      fields: { limits: { cpu: { string: '100m' }, memory: {} }, requests: { memory: { string: '64Mi' } } },
      want: { limits: { cpu: '100m', memory: '0' }, requests: { memory: '64Mi' } },
    },
    {
      name: 'IntOrString as a number',
      message: `${core}.ServicePort`,
      fields: { port: 80, targetPort: { type: 0, intVal: 8080, strVal: '' } },
      want: { port: 80, targetPort: 8080 },
    },
    {
      name: 'IntOrString as a string',
      message: `${core}.ServicePort`,
      fields: { name: 'https', port: 443, targetPort: { type: 1, strVal: 'https' } },
      want: { name: 'https', port: 443, targetPort: 'https' },
    },
    {
      name: 'an unset IntOrString that is not a pointer is 0',
      message: `${core}.ServicePort`,
      fields: { port: 53, protocol: 'UDP' },
      want: { port: 53, protocol: 'UDP', targetPort: 0 },
    },
    {
      name: 'bytes map values are base64',
      message: `${core}.Secret`,
      fields: { data: { password: utf8('s3cret'), empty: new Uint8Array(0) }, stringData: { plain: 'text' }, type: 'Opaque' },
      want: { metadata: { creationTimestamp: null }, data: { empty: '', password: 'czNjcmV0' }, stringData: { plain: 'text' }, type: 'Opaque' },
    },
    {
      name: 'a []byte without omitempty: unset is null',
      message: 'k8s.io.api.certificates.v1.CertificateSigningRequestSpec',
      fields: { signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'] },
      want: { request: null, signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'] },
    },
    {
      name: 'a []byte without omitempty: set but empty is ""',
      message: 'k8s.io.api.certificates.v1.CertificateSigningRequestSpec',
      fields: { request: new Uint8Array(0), signerName: 's', expirationSeconds: 600 },
      want: { request: '', signerName: 's', expirationSeconds: 600 },
    },
    {
      name: 'a named slice type (ExtraValue) is an array',
      message: 'k8s.io.api.authorization.v1.SubjectAccessReviewSpec',
      fields: { user: 'alice', extra: { scopes: { items: ['a', 'b'] }, none: {} }, nonResourceAttributes: { path: '/healthz', verb: 'get' } },
      want: { user: 'alice', extra: { none: [], scopes: ['a', 'b'] }, nonResourceAttributes: { path: '/healthz', verb: 'get' } },
    },
    {
      name: 'FieldsV1 is the JSON it holds',
      message: `${meta}.ManagedFieldsEntry`,
      fields: { manager: 'kubectl', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { Raw: utf8('{"f:data":{".":{}}}') } },
      want: { manager: 'kubectl', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { '.': {} } } },
    },
    { name: 'an empty FieldsV1 is null', message: `${meta}.ManagedFieldsEntry`, fields: { fieldsV1: {} }, want: { fieldsV1: null } },
    {
      name: 'a field whose JSON name differs from its proto name',
      message: 'k8s.io.api.authentication.v1.BoundObjectReference',
      fields: { kind: 'Pod', name: 'p', uID: '1234' },
      want: { kind: 'Pod', name: 'p', uid: '1234' },
    },
    {
      name: 'repeated messages keep their order',
      message: `${core}.PodSpec`,
      fields: { containers: [{ name: 'a', image: 'busybox' }, { name: 'b' }], restartPolicy: 'Never' },
      want: { containers: [{ name: 'a', image: 'busybox', resources: {} }, { name: 'b', resources: {} }], restartPolicy: 'Never' },
    },
  ])('$name', ({ message, fields, want }) => {
    expect(decode(message, encodeMessage(message, fields))).toEqual(want);
  });

  it('writes map keys sorted, as encoding/json does', () => {
    const json = decode(`${core}.ConfigMap`, encodeMessage(`${core}.ConfigMap`, { data: { z: '1', a: '2', m: '3' } })) as { data: object };
    expect(Object.keys(json.data)).toEqual(['a', 'm', 'z']);
  });
});

describe('messageToJson reads the wire as Go does', () => {
  const namespace = messageType(`${core}.Namespace`);
  const metadata = (fields: Record<string, unknown>) => encodeMessage(`${meta}.ObjectMeta`, fields);

  it('skips fields the schema does not know', () => {
    const w = protobuf.Writer.create();
    w.uint32((99 << 3) | 0).uint32(7); // an unknown varint
    w.uint32((98 << 3) | 2).bytes(utf8('unknown bytes'));
    w.uint32((1 << 3) | 2).bytes(metadata({ name: 'kept' }));
    w.uint32((97 << 3) | 5).fixed32(1); // an unknown fixed32
    expect(messageToJson(namespace, w.finish())).toEqual({ metadata: { name: 'kept', creationTimestamp: null }, spec: {}, status: {} });
  });

  it('merges repeated occurrences of a message field', () => {
    const w = protobuf.Writer.create();
    w.uint32((1 << 3) | 2).bytes(metadata({ name: 'first', labels: { a: '1' } }));
    w.uint32((1 << 3) | 2).bytes(metadata({ name: 'second', labels: { b: '2' } }));
    expect(messageToJson(namespace, w.finish())).toMatchObject({ metadata: { name: 'second', labels: { a: '1', b: '2' } } });
  });

  it.each([
    { name: 'unpacked', packed: false },
    { name: 'packed', packed: true },
  ])('reads $name repeated numbers', ({ packed }) => {
    const w = protobuf.Writer.create();
    const groups = [1000, 2 ** 33];
    if (packed) {
      w.uint32((4 << 3) | 2).fork();
      for (const g of groups) w.int64(g);
      w.ldelim();
    } else {
      for (const g of groups) w.uint32((4 << 3) | 0).int64(g);
    }
    expect(decode(`${core}.PodSecurityContext`, w.finish())).toEqual({ supplementalGroups: groups });
  });

  it.each([
    { name: 'truncated input', bytes: metadata({ name: 'x' }).subarray(0, 2) },
    { name: 'a wrong wire type', bytes: Uint8Array.of((1 << 3) | 0, 1) },
    { name: 'field number 0', bytes: Uint8Array.of(0, 1) },
    { name: 'a packed run longer than its message', bytes: Uint8Array.of((4 << 3) | 2, 5, 1) },
  ])('refuses $name as malformed', ({ bytes }) => {
    const name = bytes[0] === ((4 << 3) | 2) ? `${core}.PodSecurityContext` : `${meta}.ObjectMeta`;
    let caught: unknown;
    try {
      decode(name, bytes);
    } catch (err) {
      caught = err;
    }
    expect(isMalformed(caught), String(caught)).toBe(true);
  });

  it('refuses FieldsV1 that is not JSON', () => {
    const bytes = encodeMessage(`${meta}.ManagedFieldsEntry`, { fieldsV1: { Raw: utf8('not json') } });
    expect(() => decode(`${meta}.ManagedFieldsEntry`, bytes)).toThrow(/does not hold JSON/);
  });
});
