import { describe, expect, it } from 'vitest';
import {
  defaultConfigMap,
  defaultLimitRange,
  defaultNamespace,
  defaultNode,
  defaultPersistentVolumeClaim,
  defaultReplicationController,
  defaultSecret,
  defaultService,
} from './core';

describe('defaultService', () => {
  it('fills a ClusterIP service', () => {
    expect(defaultService({ metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }, { port: 443, targetPort: 'https' }] } })).toEqual({
      metadata: { name: 'web' },
      spec: {
        selector: { app: 'web' },
        ports: [
          { port: 80, protocol: 'TCP', targetPort: 80 },
          { port: 443, targetPort: 'https', protocol: 'TCP' },
        ],
        sessionAffinity: 'None',
        type: 'ClusterIP',
        internalTrafficPolicy: 'Cluster',
      },
    });
  });

  it.each([
    [
      'NodePort',
      { type: 'NodePort', ports: [{ port: 80 }] },
      { type: 'NodePort', ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }], sessionAffinity: 'None', externalTrafficPolicy: 'Cluster', internalTrafficPolicy: 'Cluster' },
    ],
    [
      'LoadBalancer',
      { type: 'LoadBalancer', ports: [{ port: 80, protocol: 'UDP' }] },
      {
        type: 'LoadBalancer',
        ports: [{ port: 80, protocol: 'UDP', targetPort: 80 }],
        sessionAffinity: 'None',
        externalTrafficPolicy: 'Cluster',
        internalTrafficPolicy: 'Cluster',
        allocateLoadBalancerNodePorts: true,
      },
    ],
    [
      'ExternalName',
      { type: 'ExternalName', externalName: 'db.example.com' },
      { type: 'ExternalName', externalName: 'db.example.com', sessionAffinity: 'None' },
    ],
    [
      'ClientIP affinity',
      { sessionAffinity: 'ClientIP', ports: [{ port: 80 }] },
      {
        sessionAffinity: 'ClientIP',
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
        ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
        type: 'ClusterIP',
        internalTrafficPolicy: 'Cluster',
      },
    ],
    [
      'None affinity with a stray config',
      { sessionAffinity: 'None', sessionAffinityConfig: { clientIP: { timeoutSeconds: 5 } } },
      { sessionAffinity: 'None', type: 'ClusterIP', internalTrafficPolicy: 'Cluster' },
    ],
  ])('fills a %s service', (_name, spec, want) => {
    expect(defaultService({ spec }).spec).toEqual(want);
  });
});

describe('other core kinds', () => {
  it('labels a namespace with its name and marks it Active', () => {
    expect(defaultNamespace({ metadata: { name: 'team-a', labels: { env: 'dev' } } })).toEqual({
      metadata: { name: 'team-a', labels: { env: 'dev', 'kubernetes.io/metadata.name': 'team-a' } },
      status: { phase: 'Active' },
    });
  });

  it('merges stringData into data and types the secret Opaque', () => {
    expect(defaultSecret({ metadata: { name: 's' }, data: { a: 'eA==', b: 'eA==' }, stringData: { b: 'pass', c: 'word' } })).toEqual({
      metadata: { name: 's' },
      type: 'Opaque',
      data: { a: 'eA==', b: Buffer.from('pass').toString('base64'), c: Buffer.from('word').toString('base64') },
    });
  });

  it('gives a config map empty data', () => {
    expect(defaultConfigMap({ metadata: { name: 'c' } })).toEqual({ metadata: { name: 'c' }, data: {} });
  });

  it('takes a replication controller selector and labels from its template', () => {
    const rc = defaultReplicationController({
      metadata: { name: 'rc' },
      spec: { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'i:1' }] } } },
    });
    expect(rc.metadata!.labels).toEqual({ app: 'web' });
    expect(rc.spec!.selector).toEqual({ app: 'web' });
    expect(rc.spec!.replicas).toBe(1);
    expect(rc.spec!.template!.spec!.restartPolicy).toBe('Always');
  });

  it('defaults a claim', () => {
    expect(defaultPersistentVolumeClaim({ spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1.5Gi' } } } })).toEqual({
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1536Mi' } }, volumeMode: 'Filesystem' },
      status: { phase: 'Pending' },
    });
  });

  it('copies node capacity to allocatable', () => {
    expect(defaultNode({ status: { capacity: { cpu: '4', memory: '8Gi' } } }).status!.allocatable).toEqual({ cpu: '4', memory: '8Gi' });
  });

  it('derives container limit range defaults from max and min', () => {
    const lr = defaultLimitRange({ spec: { limits: [{ type: 'Container', max: { cpu: '2' }, min: { memory: '64Mi' } }] } });
    expect(lr.spec!.limits[0]).toEqual({
      type: 'Container',
      max: { cpu: '2' },
      min: { memory: '64Mi' },
      default: { cpu: '2' },
      defaultRequest: { cpu: '2', memory: '64Mi' },
    });
  });
});
