import type { corev1 } from '@tskube/api-types';
import { describe, expect, it } from 'vitest';
import { containerResourceValue, resourceFieldValue, withAllocatableLimits } from './resources';

const container: corev1.Container = {
  name: 'app',
  resources: {
    requests: { cpu: '250m', memory: '64Mi', 'ephemeral-storage': '1Gi', 'hugepages-2Mi': '4Mi' },
    limits: { cpu: '1500m', memory: '128Mi', 'hugepages-2Mi': '4Mi' },
  },
};

describe('containerResourceValue', () => {
  it.each([
    { resource: 'requests.cpu', divisor: undefined, want: '1' },
    { resource: 'requests.cpu', divisor: '1m', want: '250' },
    { resource: 'limits.cpu', divisor: undefined, want: '2' },
    { resource: 'limits.cpu', divisor: '1m', want: '1500' },
    { resource: 'limits.cpu', divisor: '0', want: '2' },
    { resource: 'requests.memory', divisor: undefined, want: String(64 * 1024 * 1024) },
    { resource: 'requests.memory', divisor: '1Mi', want: '64' },
    { resource: 'limits.memory', divisor: '1Mi', want: '128' },
    { resource: 'limits.memory', divisor: '1M', want: '135' },
    { resource: 'limits.memory', divisor: '1Gi', want: '1' },
    { resource: 'requests.ephemeral-storage', divisor: '1Mi', want: '1024' },
    { resource: 'limits.ephemeral-storage', divisor: undefined, want: '0' },
    { resource: 'requests.hugepages-2Mi', divisor: '1Mi', want: '4' },
    { resource: 'limits.hugepages-2Mi', divisor: undefined, want: String(4 * 1024 * 1024) },
  ])('$resource / $divisor = $want', ({ resource, divisor, want }) => {
    expect(containerResourceValue({ resource, ...(divisor ? { divisor } : {}) }, container)).toBe(want);
  });

  it.each(['limits.gpu', 'requests.nvidia.com/gpu', 'cpu', 'status.cpu'])('refuses %s', (resource) => {
    expect(() => containerResourceValue({ resource }, container)).toThrow(`unsupported container resource : ${resource}`);
  });
});

describe('withAllocatableLimits', () => {
  const allocatable = { cpu: '4', memory: '8Gi', 'ephemeral-storage': '100Gi', 'hugepages-2Mi': '1Gi', pods: '110' };

  it('fills unset and zero CPU, memory and ephemeral-storage limits, never hugepages', () => {
    const c = withAllocatableLimits({ name: 'x', resources: { limits: { memory: '0', 'hugepages-1Gi': '0' } } }, allocatable);
    expect(c.resources?.limits).toEqual({ cpu: '4', memory: '8Gi', 'ephemeral-storage': '100Gi', 'hugepages-1Gi': '0' });
  });

  it('keeps limits that are set and leaves the original alone', () => {
    const c = withAllocatableLimits(container, allocatable);
    expect(c.resources?.limits).toMatchObject({ cpu: '1500m', memory: '128Mi', 'ephemeral-storage': '100Gi' });
    expect(container.resources?.limits?.['ephemeral-storage']).toBeUndefined();
  });

  it('changes nothing without allocatable', () => {
    expect(withAllocatableLimits({ name: 'x' }, undefined).resources?.limits).toEqual({});
  });
});

describe('resourceFieldValue', () => {
  const pod: corev1.Pod = {
    metadata: { name: 'p' },
    spec: { initContainers: [{ name: 'init', resources: { limits: { cpu: '3' } } }], containers: [container, { name: 'bare' }] },
  };

  it.each([
    { ref: { resource: 'limits.cpu', containerName: 'init' }, want: '3' },
    { ref: { resource: 'limits.memory', containerName: 'bare', divisor: '1Gi' }, want: '2' },
    { ref: { resource: 'limits.cpu' }, want: '2' },
  ])('$ref', ({ ref, want }) => {
    expect(resourceFieldValue(ref, pod, container, { cpu: '8', memory: '2Gi' })).toBe(want);
  });

  it('names a container the pod does not have', () => {
    expect(() => resourceFieldValue({ resource: 'limits.cpu', containerName: 'ghost' }, pod, container, undefined)).toThrow('container ghost not found');
  });
});
