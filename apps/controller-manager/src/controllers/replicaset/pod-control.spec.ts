import { describe, expect, it } from 'vitest';
import { podFromTemplate, podNamePrefix } from './pod-control';

describe('podFromTemplate', () => {
  it('copies labels, annotations, finalizers and spec and names the owner as controller', () => {
    const template = {
      metadata: { labels: { app: 'web' }, annotations: { a: 'b' }, finalizers: ['x/y'], name: 'ignored' },
      spec: { containers: [{ name: 'app', image: 'nginx' }] },
    };
    const pod = podFromTemplate(template, { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-5d4f', namespace: 'ns', uid: 'u1' } });
    expect(pod).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        generateName: 'web-5d4f-',
        namespace: 'ns',
        labels: { app: 'web' },
        annotations: { a: 'b' },
        finalizers: ['x/y'],
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d4f', uid: 'u1', controller: true, blockOwnerDeletion: true }],
      },
      spec: { containers: [{ name: 'app', image: 'nginx' }] },
    });
    // The pod's spec is its own copy.
    expect(pod.spec).not.toBe(template.spec);
  });

  it('drops the dash only when the prefix would be too long', () => {
    expect(podNamePrefix('web')).toBe('web-');
    expect(podNamePrefix('a'.repeat(253))).toBe('a'.repeat(253));
  });
});
