import { describe, expect, it } from 'vitest';
import { decodeProtobufBody, readEnvelope } from './decode';
import { isMalformed, isUnsupported, ProtobufBodyError } from './errors';
import { protobufKinds } from './schema';
import { encodeMessage, encodeProtobufBody, wrapEnvelope } from './testing';

const meta = { name: 'x', creationTimestamp: null };

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('decodeProtobufBody', () => {
  it.each([
    {
      name: 'a Pod (kubectl debug node/...)',
      apiVersion: 'v1',
      kind: 'Pod',
      fields: {
        metadata: { name: 'x' },
        spec: {
          nodeName: 'n1',
          hostPID: true,
          containers: [{ name: 'debugger', image: 'busybox', stdin: true, tty: true, volumeMounts: [{ name: 'host-root', mountPath: '/host' }] }],
          volumes: [{ name: 'host-root', volumeSource: { hostPath: { path: '/' } } }],
          tolerations: [{ operator: 'Exists' }],
        },
      },
      want: {
        kind: 'Pod',
        apiVersion: 'v1',
        metadata: meta,
        spec: {
          nodeName: 'n1',
          hostPID: true,
          containers: [{ name: 'debugger', image: 'busybox', stdin: true, tty: true, resources: {}, volumeMounts: [{ name: 'host-root', mountPath: '/host' }] }],
          volumes: [{ name: 'host-root', hostPath: { path: '/' } }],
          tolerations: [{ operator: 'Exists' }],
        },
        status: {},
      },
    },
    {
      name: 'an Eviction (kubectl drain)',
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      fields: { metadata: { name: 'x', namespace: 'ns' }, deleteOptions: { gracePeriodSeconds: 0 } },
      want: { kind: 'Eviction', apiVersion: 'policy/v1', metadata: { ...meta, namespace: 'ns' }, deleteOptions: { gracePeriodSeconds: 0 } },
    },
    {
      name: 'DeleteOptions in the core group',
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      fields: { propagationPolicy: 'Foreground', preconditions: { uid: 'u-1' } },
      want: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground', preconditions: { uid: 'u-1' } },
    },
    {
      name: 'DeleteOptions in a named group',
      apiVersion: 'apps/v1',
      kind: 'DeleteOptions',
      fields: { dryRun: ['All'], orphanDependents: true },
      want: { kind: 'DeleteOptions', apiVersion: 'apps/v1', dryRun: ['All'], orphanDependents: true },
    },
    {
      name: 'a SelfSubjectRulesReview (kubectl auth can-i --list)',
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectRulesReview',
      fields: { spec: { namespace: 'default' } },
      want: {
        kind: 'SelfSubjectRulesReview',
        apiVersion: 'authorization.k8s.io/v1',
        metadata: { creationTimestamp: null },
        spec: { namespace: 'default' },
        status: { resourceRules: null, nonResourceRules: null, incomplete: false },
      },
    },
    {
      name: 'an autoscaling/v1 HorizontalPodAutoscaler (kubectl autoscale)',
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      fields: {
        metadata: { name: 'x' },
        spec: { scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' }, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 80 },
      },
      want: {
        kind: 'HorizontalPodAutoscaler',
        apiVersion: 'autoscaling/v1',
        metadata: meta,
        spec: { scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' }, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 80 },
        status: { currentReplicas: 0, desiredReplicas: 0 },
      },
    },
    {
      name: 'an autoscaling/v2 HorizontalPodAutoscaler',
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      fields: {
        metadata: { name: 'x' },
        spec: {
          scaleTargetRef: { kind: 'Deployment', name: 'web' },
          maxReplicas: 3,
          metrics: [{ type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: { string: '500Mi' } } } }],
        },
      },
      want: {
        kind: 'HorizontalPodAutoscaler',
        apiVersion: 'autoscaling/v2',
        metadata: meta,
        spec: {
          scaleTargetRef: { kind: 'Deployment', name: 'web' },
          maxReplicas: 3,
          metrics: [{ type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } }],
        },
        status: { desiredReplicas: 0, currentMetrics: null },
      },
    },
    {
      name: 'a CertificateSigningRequest (kubectl certificate approve)',
      apiVersion: 'certificates.k8s.io/v1',
      kind: 'CertificateSigningRequest',
      fields: {
        metadata: { name: 'x' },
        spec: { request: new TextEncoder().encode('PEM'), signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'] },
        status: { conditions: [{ type: 'Approved', status: 'True', reason: 'KubectlApprove', lastUpdateTime: { seconds: 1700000000 } }] },
      },
      want: {
        kind: 'CertificateSigningRequest',
        apiVersion: 'certificates.k8s.io/v1',
        metadata: meta,
        spec: { request: 'UEVN', signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'] },
        status: {
          conditions: [{ type: 'Approved', status: 'True', reason: 'KubectlApprove', lastUpdateTime: '2023-11-14T22:13:20Z', lastTransitionTime: null }],
        },
      },
    },
  ])('decodes $name', ({ apiVersion, kind, fields, want }) => {
    expect(decodeProtobufBody(encodeProtobufBody(apiVersion, kind, fields))).toEqual(want);
  });

  it.each(Object.entries(protobufKinds).flatMap(([apiVersion, { kinds }]) => kinds.map((kind) => ({ apiVersion, kind }))))(
    'decodes an empty $apiVersion $kind',
    ({ apiVersion, kind }) => {
      const object = decodeProtobufBody(encodeProtobufBody(apiVersion, kind, {}));
      expect(object).toMatchObject({ kind, apiVersion, metadata: { creationTimestamp: null } });
      expect(Object.keys(object).slice(0, 2)).toEqual(['kind', 'apiVersion']);
    },
  );

  it.each([
    { name: 'a body without the magic', body: new TextEncoder().encode('{"kind":"Namespace"}') },
    { name: 'a body shorter than the magic', body: Uint8Array.of(0x6b, 0x38) },
    { name: 'a truncated envelope', body: encodeProtobufBody('v1', 'Namespace', { metadata: { name: 'x' } }).subarray(0, 12) },
    { name: 'an envelope without a kind', body: wrapEnvelope({ typeMeta: { apiVersion: 'v1' }, raw: new Uint8Array(0) }) },
    { name: 'an envelope without a typeMeta', body: wrapEnvelope({ raw: new Uint8Array(0) }) },
    {
      name: 'an object whose bytes do not decode',
      body: wrapEnvelope({ typeMeta: { apiVersion: 'v1', kind: 'Namespace' }, raw: Uint8Array.of(0x0a, 0x09, 0x0a) }),
    },
  ])('refuses $name as malformed', ({ body }) => {
    const err = thrown(() => decodeProtobufBody(body));
    expect(err).toBeInstanceOf(ProtobufBodyError);
    expect(isMalformed(err), String(err)).toBe(true);
  });

  it.each([
    { name: 'a kind without a schema here', envelope: { typeMeta: { apiVersion: 'apps/v1', kind: 'StatefulSet' } }, message: /kind StatefulSet in apps\/v1 is not supported/ },
    { name: 'a group version without a schema here', envelope: { typeMeta: { apiVersion: 'example.com/v1', kind: 'Widget' } }, message: /not supported/ },
    { name: 'an inherited property name as a group version', envelope: { typeMeta: { apiVersion: 'constructor', kind: 'Widget' } }, message: /not supported/ },
    { name: 'a message type as a kind', envelope: { typeMeta: { apiVersion: 'v1', kind: 'PodSpec' } }, message: /kind PodSpec in v1 is not supported/ },
    { name: 'a compressed object', envelope: { typeMeta: { apiVersion: 'v1', kind: 'Namespace' }, contentEncoding: 'gzip' }, message: /content encoding "gzip"/ },
    { name: 'an object in another encoding', envelope: { typeMeta: { apiVersion: 'v1', kind: 'Namespace' }, contentType: 'application/json' }, message: /content type "application\/json"/ },
  ])('refuses $name as unsupported', ({ envelope, message }) => {
    const err = thrown(() => decodeProtobufBody(wrapEnvelope({ raw: new Uint8Array(0), ...envelope })));
    expect(isUnsupported(err), String(err)).toBe(true);
    expect((err as Error).message).toMatch(message);
  });

  it('accepts an envelope that names the protobuf content type', () => {
    const raw = encodeMessage('k8s.io.api.core.v1.Namespace', { metadata: { name: 'x' } });
    const body = wrapEnvelope({ typeMeta: { apiVersion: 'v1', kind: 'Namespace' }, raw, contentType: 'application/vnd.kubernetes.protobuf' });
    expect(decodeProtobufBody(body)).toEqual({ kind: 'Namespace', apiVersion: 'v1', metadata: meta, spec: {}, status: {} });
  });

  it('accepts a Buffer', () => {
    const body = Buffer.from(encodeProtobufBody('v1', 'ServiceAccount', { metadata: { name: 'robot' }, automountServiceAccountToken: false }));
    expect(decodeProtobufBody(body)).toEqual({ kind: 'ServiceAccount', apiVersion: 'v1', metadata: { name: 'robot', creationTimestamp: null }, automountServiceAccountToken: false });
  });
});

describe('readEnvelope', () => {
  it('returns the type and the raw object without decoding it', () => {
    const raw = Uint8Array.of(1, 2, 3);
    const envelope = readEnvelope(wrapEnvelope({ typeMeta: { apiVersion: 'batch/v1', kind: 'Job' }, raw }));
    expect([...envelope.raw]).toEqual([1, 2, 3]);
    expect(readEnvelope(wrapEnvelope({ typeMeta: { apiVersion: 'batch/v1', kind: 'Job' }, raw }))).toEqual({
      apiVersion: 'batch/v1',
      kind: 'Job',
      raw: expect.objectContaining({ length: 3 }),
      contentEncoding: '',
      contentType: '',
    });
  });
});
