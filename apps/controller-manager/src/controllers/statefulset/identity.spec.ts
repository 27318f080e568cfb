import type { appsv1, corev1 } from '@tskube/api-types';
import { describe, expect, it } from 'vitest';
import { claimsFor, identityMatches, inOrdinalRange, isMemberOf, newStatefulSetPod, parentAndOrdinal, storageMatches, updateStorage } from './identity';

const set: appsv1.StatefulSet = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'web', namespace: 'ns', uid: 'set-uid' },
  spec: {
    replicas: 3,
    serviceName: 'svc',
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'i' }], volumes: [{ name: 'cfg', configMap: { name: 'cfg' } }] } },
    volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'] } }, { metadata: { name: 'logs', labels: { kind: 'logs' } }, spec: {} }],
  },
};

describe('pod names and ordinals', () => {
  it.each([
    { name: 'web-0', want: { parent: 'web', ordinal: 0 } },
    { name: 'my-web-12', want: { parent: 'my-web', ordinal: 12 } },
    { name: 'web', want: { parent: '', ordinal: -1 } },
    { name: 'web-x', want: { parent: '', ordinal: -1 } },
    { name: 'web-99999999999', want: { parent: '', ordinal: -1 } },
  ])('$name', ({ name, want }) => {
    expect(parentAndOrdinal({ metadata: { name } })).toEqual(want);
  });

  it('membership and range follow the name and spec.ordinals.start', () => {
    expect(isMemberOf(set, { metadata: { name: 'web-4' } })).toBe(true);
    expect(isMemberOf(set, { metadata: { name: 'webx-4' } })).toBe(false);
    const shifted = { ...set, spec: { ...set.spec!, ordinals: { start: 5 } } };
    expect([4, 5, 7, 8].map((o) => inOrdinalRange({ metadata: { name: `web-${o}` } }, shifted))).toEqual([false, true, true, false]);
  });
});

describe('newStatefulSetPod', () => {
  it('names the pod, labels its identity, sets hostname and subdomain, and mounts its claims first', () => {
    const pod = newStatefulSetPod(set, 2);
    expect(pod.metadata).toMatchObject({
      name: 'web-2',
      generateName: 'web-',
      namespace: 'ns',
      labels: { app: 'web', 'statefulset.kubernetes.io/pod-name': 'web-2', 'apps.kubernetes.io/pod-index': '2' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'set-uid', controller: true, blockOwnerDeletion: true }],
    });
    expect(pod.spec?.hostname).toBe('web-2');
    expect(pod.spec?.subdomain).toBe('svc');
    expect(pod.spec?.volumes).toEqual([
      { name: 'data', persistentVolumeClaim: { claimName: 'data-web-2' } },
      { name: 'logs', persistentVolumeClaim: { claimName: 'logs-web-2' } },
      { name: 'cfg', configMap: { name: 'cfg' } },
    ]);
    expect(identityMatches(set, pod)).toBe(true);
    expect(storageMatches(set, pod)).toBe(true);
  });

  it('notices a pod whose identity or storage drifted', () => {
    const pod = newStatefulSetPod(set, 1);
    const relabelled: corev1.Pod = { ...pod, metadata: { ...pod.metadata, labels: { app: 'web' } } };
    expect(identityMatches(set, relabelled)).toBe(false);
    const unmounted: corev1.Pod = { ...pod, spec: { ...pod.spec!, volumes: [] } };
    expect(storageMatches(set, unmounted)).toBe(false);
    updateStorage(set, unmounted);
    expect(storageMatches(set, unmounted)).toBe(true);
  });
});

describe('claimsFor', () => {
  it('names claims <template>-<set>-<ordinal> with the selector labels added', () => {
    const claims = [...claimsFor(set, 0).values()];
    expect(claims.map((c) => [c.metadata?.name, c.metadata?.namespace, c.metadata?.labels])).toEqual([
      ['data-web-0', 'ns', { app: 'web' }],
      ['logs-web-0', 'ns', { kind: 'logs', app: 'web' }],
    ]);
    expect(claims[0]?.spec).toEqual({ accessModes: ['ReadWriteOnce'] });
  });
});
