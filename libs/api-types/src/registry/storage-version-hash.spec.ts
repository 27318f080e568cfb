import { describe, expect, it } from 'vitest';
import { storageVersionHash } from './storage-version-hash';

describe('storageVersionHash', () => {
  it.each([
    { group: '', version: 'v1', kind: 'Pod', want: 'xPOwRZ+Yhw8=' },
    { group: 'apps', version: 'v1', kind: 'Deployment', want: '8aSe+NMegvE=' },
    { group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler', want: 'qwQve8ut294=' },
    { group: 'discovery.k8s.io', version: 'v1beta1', kind: 'EndpointSlice', want: 'Nx3SIv6I0mE=' },
  ])('equals what Kubernetes publishes for $group/$version/$kind', ({ group, version, kind, want }) => {
    expect(storageVersionHash(group, version, kind)).toBe(want);
  });

  it('differs between versions of a kind', () => {
    expect(storageVersionHash('autoscaling', 'v1', 'HorizontalPodAutoscaler')).not.toBe(
      storageVersionHash('autoscaling', 'v2', 'HorizontalPodAutoscaler'),
    );
  });
});
