import { describe, expect, it } from 'vitest';
import { validate } from '../validation/validate';
import { applyDefaults, hasDefaults, prepareForCreate } from './apply';

/**
 * Manifests as users write them (the Kubernetes documentation's examples): after the apiserver's
 * steps (defaults, create preparation, fields it assigns) they must validate cleanly.
 */
const manifests: [string, Record<string, unknown>][] = [
  [
    'v1/Pod',
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'nginx', namespace: 'default' },
      spec: { containers: [{ name: 'nginx', image: 'nginx:1.14.2', ports: [{ containerPort: 80 }] }] },
    },
  ],
  [
    'apps/v1/Deployment',
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'nginx-deployment', namespace: 'default', labels: { app: 'nginx' } },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'nginx' } },
        template: {
          metadata: { labels: { app: 'nginx' } },
          spec: { containers: [{ name: 'nginx', image: 'nginx:1.14.2', ports: [{ containerPort: 80 }], resources: { requests: { cpu: '100m' }, limits: { cpu: '0.5' } } }] },
        },
      },
    },
  ],
  [
    'apps/v1/StatefulSet',
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        selector: { matchLabels: { app: 'nginx' } },
        serviceName: 'nginx',
        replicas: 3,
        template: {
          metadata: { labels: { app: 'nginx' } },
          spec: {
            terminationGracePeriodSeconds: 10,
            containers: [{ name: 'nginx', image: 'registry.k8s.io/nginx-slim:0.8', ports: [{ containerPort: 80, name: 'web' }], volumeMounts: [{ name: 'www', mountPath: '/usr/share/nginx/html' }] }],
          },
        },
        volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      },
    },
  ],
  [
    'apps/v1/DaemonSet',
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'fluentd-elasticsearch', namespace: 'kube-system' },
      spec: {
        selector: { matchLabels: { name: 'fluentd-elasticsearch' } },
        template: {
          metadata: { labels: { name: 'fluentd-elasticsearch' } },
          spec: {
            tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
            containers: [
              {
                name: 'fluentd-elasticsearch',
                image: 'quay.io/fluentd_elasticsearch/fluentd:v2.5.2',
                resources: { limits: { memory: '200Mi' }, requests: { cpu: '100m', memory: '200Mi' } },
                volumeMounts: [{ name: 'varlog', mountPath: '/var/log' }],
              },
            ],
            volumes: [{ name: 'varlog', hostPath: { path: '/var/log' } }],
          },
        },
      },
    },
  ],
  [
    'batch/v1/Job',
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'pi', namespace: 'default', uid: '6f0c9b5e-1111-4000-8000-000000000000' },
      spec: {
        template: { spec: { containers: [{ name: 'pi', image: 'perl:5.34.0', command: ['perl', '-Mbignum=bpi', '-wle', 'print bpi(2000)'] }], restartPolicy: 'Never' } },
        backoffLimit: 4,
      },
    },
  ],
  [
    'batch/v1/CronJob',
    {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'hello', namespace: 'default' },
      spec: {
        schedule: '* * * * *',
        jobTemplate: {
          spec: { template: { spec: { containers: [{ name: 'hello', image: 'busybox:1.28', imagePullPolicy: 'IfNotPresent' }], restartPolicy: 'OnFailure' } } },
        },
      },
    },
  ],
  [
    'v1/Service',
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'my-service', namespace: 'default' },
      spec: { selector: { 'app.kubernetes.io/name': 'MyApp' }, ports: [{ protocol: 'TCP', port: 80, targetPort: 9376 }], clusterIP: '10.96.12.34' },
    },
  ],
  ['v1/Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'development' } }],
  [
    'v1/ConfigMap',
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'game-demo', namespace: 'default' },
      data: { player_initial_lives: '3', 'game.properties': 'enemy.types=aliens,monsters\n' },
    },
  ],
  [
    'v1/Secret',
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'secret-basic-auth', namespace: 'default' }, type: 'kubernetes.io/basic-auth', stringData: { username: 'admin', password: 't0p-Secret' } },
  ],
];

describe('applyDefaults + prepareForCreate + validate', () => {
  it.each(manifests)('%s from the documentation is valid', (kind, manifest) => {
    const obj = structuredClone(manifest);
    applyDefaults(kind, obj);
    prepareForCreate(kind, obj);
    expect(validate(kind, obj).map(String)).toEqual([]);
  });

  it('reports the documented error for a Deployment whose selector does not match', () => {
    const obj = structuredClone(manifests[1]![1]) as { spec: { selector: { matchLabels: Record<string, string> } } };
    obj.spec.selector.matchLabels = { app: 'other' };
    applyDefaults('apps/v1/Deployment', obj);
    expect(validate({ group: 'apps', kind: 'Deployment' }, obj).map(String)).toEqual([
      'spec.template.metadata.labels: Invalid value: {"app":"nginx"}: `selector` does not match template `labels`',
    ]);
  });

  it('mutates in place and returns the same object', () => {
    const obj = { metadata: { name: 'p' }, spec: { containers: [] } };
    expect(applyDefaults('v1/Pod', obj)).toBe(obj);
    expect(obj.spec).toHaveProperty('restartPolicy', 'Always');
  });

  it('leaves kinds without defaults untouched', () => {
    const obj = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r' } };
    expect(applyDefaults('rbac.authorization.k8s.io/v1/Role', structuredClone(obj))).toEqual(obj);
    expect(hasDefaults('rbac.authorization.k8s.io/v1/Role')).toBe(false);
    expect(hasDefaults({ group: 'apps', kind: 'Deployment' })).toBe(true);
  });
});
