import type { Pod } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { defaultPod, defaultPodTemplateSpec, defaultTolerationSeconds, imageTag } from './pod';

describe('imageTag and the pull policy it implies', () => {
  it.each([
    ['nginx', 'latest', 'Always'],
    ['nginx:latest', 'latest', 'Always'],
    ['nginx:1.25', '1.25', 'IfNotPresent'],
    ['docker.io/library/nginx', 'latest', 'Always'],
    ['localhost:5000/app', 'latest', 'Always'],
    ['localhost:5000/app:v2', 'v2', 'IfNotPresent'],
    ['registry.example.com/team/app:latest', 'latest', 'Always'],
    ['nginx@sha256:' + 'a'.repeat(64), '', 'IfNotPresent'],
    ['nginx:1.25@sha256:' + 'a'.repeat(64), '1.25', 'IfNotPresent'],
    ['Nginx', '', 'IfNotPresent'],
    ['', '', 'IfNotPresent'],
  ])('%s', (image, tag, policy) => {
    expect(imageTag(image)).toBe(tag);
    const pod = defaultPod({ spec: { containers: [{ name: 'c', image }] } });
    expect(pod.spec!.containers[0]!.imagePullPolicy).toBe(policy);
  });
});

describe('defaultPod', () => {
  it('fills what Kubernetes fills for a minimal pod', () => {
    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', namespace: 'default' },
      spec: { containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80 }] }] },
    };
    expect(defaultPod(pod)).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        containers: [
          {
            name: 'web',
            image: 'nginx',
            ports: [{ containerPort: 80, protocol: 'TCP' }],
            imagePullPolicy: 'Always',
            terminationMessagePath: '/dev/termination-log',
            terminationMessagePolicy: 'File',
            resources: {},
          },
        ],
        restartPolicy: 'Always',
        dnsPolicy: 'ClusterFirst',
        terminationGracePeriodSeconds: 30,
        schedulerName: 'default-scheduler',
        securityContext: {},
        enableServiceLinks: true,
      },
    });
  });

  it('is idempotent', () => {
    const once = defaultPod({ spec: { containers: [{ name: 'c', image: 'busybox:1.36', resources: { limits: { cpu: '0.5' } } }] } });
    const twice = defaultPod(structuredClone(once));
    expect(twice).toEqual(once);
  });

  it('copies limits into missing requests and canonicalizes quantities', () => {
    const pod = defaultPod({
      spec: {
        containers: [{ name: 'c', image: 'i:1', resources: { limits: { cpu: '0.5', memory: '1.5Gi' }, requests: { cpu: '0.0001' } } }],
        initContainers: [{ name: 'i', image: 'i:1', resources: { limits: { memory: '64Mi' } } }],
      },
    });
    expect(pod.spec!.containers[0]!.resources).toEqual({ limits: { cpu: '500m', memory: '1536Mi' }, requests: { cpu: '1m', memory: '1536Mi' } });
    expect(pod.spec!.initContainers![0]!.resources).toEqual({ limits: { memory: '64Mi' }, requests: { memory: '64Mi' } });
  });

  it('sets host ports under hostNetwork', () => {
    const pod = defaultPod({ spec: { hostNetwork: true, containers: [{ name: 'c', image: 'i:1', ports: [{ containerPort: 53, protocol: 'UDP' }] }] } });
    expect(pod.spec!.containers[0]!.ports).toEqual([{ containerPort: 53, hostPort: 53, protocol: 'UDP' }]);
  });

  it('defaults probes, lifecycle handlers and downward API selectors', () => {
    const pod = defaultPod({
      spec: {
        containers: [
          {
            name: 'c',
            image: 'i:1',
            livenessProbe: { httpGet: { port: 8080 } },
            readinessProbe: { grpc: { port: 9000 } },
            lifecycle: { preStop: { httpGet: { port: 'http' } } },
            env: [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
          },
        ],
      },
    });
    const c = pod.spec!.containers[0]!;
    expect(c.livenessProbe).toEqual({
      httpGet: { port: 8080, path: '/', scheme: 'HTTP' },
      timeoutSeconds: 1,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    });
    expect(c.readinessProbe!.grpc).toEqual({ port: 9000, service: '' });
    expect(c.lifecycle!.preStop!.httpGet).toEqual({ port: 'http', path: '/', scheme: 'HTTP' });
    expect(c.env![0]!.valueFrom!.fieldRef).toEqual({ fieldPath: 'spec.nodeName', apiVersion: 'v1' });
  });

  it('defaults volumes', () => {
    const pod = defaultPod({
      spec: {
        containers: [{ name: 'c', image: 'i:1' }],
        volumes: [
          { name: 'scratch' },
          { name: 'cfg', configMap: { name: 'cfg' } },
          { name: 'sec', secret: { secretName: 's' } },
          { name: 'host', hostPath: { path: '/var/log' } },
          { name: 'tok', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } },
          { name: 'tmp', emptyDir: { sizeLimit: '1.5Gi' } },
        ],
      },
    });
    expect(pod.spec!.volumes).toEqual([
      { name: 'scratch', emptyDir: {} },
      { name: 'cfg', configMap: { name: 'cfg', defaultMode: 420 } },
      { name: 'sec', secret: { secretName: 's', defaultMode: 420 } },
      { name: 'host', hostPath: { path: '/var/log', type: '' } },
      { name: 'tok', projected: { defaultMode: 420, sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3600 } }] } },
      { name: 'tmp', emptyDir: { sizeLimit: '1536Mi' } },
    ]);
  });

  it('keeps pod-only defaults out of templates', () => {
    const tpl = { spec: { containers: [{ name: 'c', image: 'i:1', resources: { limits: { cpu: '1' } } }] } };
    defaultPodTemplateSpec(tpl);
    expect(tpl.spec).not.toHaveProperty('enableServiceLinks');
    expect(tpl.spec.containers[0]!.resources).toEqual({ limits: { cpu: '1' } });
  });
});

describe('defaultTolerationSeconds', () => {
  const notReady = { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 };
  const unreachable = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 };

  it.each([
    ['no tolerations', undefined, [notReady, unreachable]],
    [
      'an unrelated toleration',
      [{ key: 'gpu', operator: 'Exists', effect: 'NoSchedule' }],
      [{ key: 'gpu', operator: 'Exists', effect: 'NoSchedule' }, notReady, unreachable],
    ],
    [
      'its own not-ready toleration',
      [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 }],
      [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 }, unreachable],
    ],
    ['a toleration of everything', [{ operator: 'Exists' }], [{ operator: 'Exists' }]],
  ])('%s', (_name, tolerations, want) => {
    const pod: Pod = { spec: { containers: [], ...(tolerations ? { tolerations } : {}) } };
    expect(defaultTolerationSeconds(pod).spec!.tolerations).toEqual(want);
  });
});
