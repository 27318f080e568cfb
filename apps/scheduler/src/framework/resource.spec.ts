import { describe, expect, it } from 'vitest';
import { PodInfo } from './pod-info';
import { DEFAULT_MEMORY_REQUEST, Resource, isExtendedResourceName, isScalarResourceName, podRequests, quantityMilliValue, quantityValue } from './resource';
import { makePod } from './testing';

const GI = 1024 ** 3;

describe('podRequests', () => {
  it.each([
    { name: 'no containers', pod: makePod('p'), want: { milliCPU: 0, memory: 0 } },
    { name: 'containers are summed', pod: makePod('p').container({ cpu: '1', memory: '1Gi' }).container({ cpu: '500m', memory: '1Gi' }), want: { milliCPU: 1500, memory: 2 * GI } },
    {
      name: 'an init container larger than the sum wins per resource (kube-scheduler example)',
      pod: makePod('p').initContainer({ cpu: '2', memory: '1G' }).initContainer({ cpu: '2', memory: '3G' }).container({ cpu: '2', memory: '1G' }).container({ cpu: '1', memory: '1G' }),
      want: { milliCPU: 3000, memory: 3e9 },
    },
    {
      name: 'sidecars add to the containers and to every later init container',
      pod: makePod('p').initContainer({ cpu: '1' }, true).initContainer({ cpu: '2' }).container({ cpu: '1' }),
      // containers 1 + sidecar 1 = 2; init #2 runs with the sidecar: 2 + 1 = 3.
      want: { milliCPU: 3000, memory: 0 },
    },
    { name: 'overhead is added on top', pod: makePod('p').container({ cpu: '1' }).overhead({ cpu: '250m', memory: '120Mi' }), want: { milliCPU: 1250, memory: 120 * 1024 * 1024 } },
  ])('$name', ({ pod, want }) => {
    const r = podRequests(pod.obj());
    expect({ milliCPU: r.milliCPU, memory: r.memory }).toEqual(want);
  });

  it('counts extended resources and ephemeral storage', () => {
    const r = podRequests(makePod('p').container({ 'example.com/gpu': '2', 'ephemeral-storage': '1Gi', 'hugepages-2Mi': '4Mi' }).obj());
    expect(r.getScalar('example.com/gpu')).toBe(2);
    expect(r.getScalar('hugepages-2Mi')).toBe(4 * 1024 * 1024);
    expect(r.ephemeralStorage).toBe(GI);
  });

  it('non-zero requests count 100m and 200Mi for containers that request nothing', () => {
    const info = new PodInfo(makePod('p').container({}).container({ cpu: '1' }).obj());
    expect(info.requests.milliCPU).toBe(1000);
    expect(info.nonZeroMilliCPU).toBe(1100);
    expect(info.nonZeroMemory).toBe(2 * DEFAULT_MEMORY_REQUEST);
  });
});

describe('resource names', () => {
  it.each([
    ['cpu', false, false],
    ['example.com/gpu', true, true],
    ['kubernetes.io/something', false, true],
    ['hugepages-1Gi', false, true],
    ['attachable-volumes-aws-ebs', false, true],
    ['requests.example.com/gpu', false, false],
  ])('%s: extended %s, scalar %s', (name, extended, scalar) => {
    expect(isExtendedResourceName(name)).toBe(extended);
    expect(isScalarResourceName(name)).toBe(scalar);
  });
});

describe('quantities', () => {
  it.each([
    ['100m', 100, 1],
    ['1.5', 1500, 2],
    ['1Gi', GI * 1000, GI],
    ['bogus', 0, 0],
  ])('%s is %d milli and %d whole', (raw, milli, whole) => {
    expect(quantityMilliValue(raw)).toBe(milli);
    expect(quantityValue(raw)).toBe(whole);
  });
});

describe('Resource', () => {
  it('adds, subtracts and takes maxima including scalars', () => {
    const a = Resource.fromList({ cpu: '1', 'example.com/gpu': '1' });
    const b = Resource.fromList({ cpu: '2', memory: '1Gi', 'example.com/gpu': '3' });
    a.add(b);
    expect([a.milliCPU, a.memory, a.getScalar('example.com/gpu')]).toEqual([3000, GI, 4]);
    a.add(b, -1);
    expect([a.milliCPU, a.memory, a.getScalar('example.com/gpu')]).toEqual([1000, 0, 1]);
    a.setMax(b);
    expect([a.milliCPU, a.getScalar('example.com/gpu')]).toEqual([2000, 3]);
    const c = a.clone();
    c.setScalar('example.com/gpu', 9);
    expect(a.getScalar('example.com/gpu')).toBe(3);
    expect(new Resource().isEmpty()).toBe(true);
  });
});
