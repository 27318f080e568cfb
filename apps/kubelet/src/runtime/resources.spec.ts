import type { corev1 } from '@tskube/api-types';
import { describe, expect, it } from 'vitest';
import { containerLinuxResources, containerOOMScoreAdjust, milliCPUToQuota, milliCPUToShares, podCgroupParent, podQOSClass } from './resources';

const GiB = 1024 ** 3;

function pod(...resources: corev1.ResourceRequirements[]): corev1.Pod {
  return { metadata: { uid: 'u1' }, spec: { containers: resources.map((r, i) => ({ name: `c${i}`, image: 'x', resources: r })) } };
}

describe('QoS class', () => {
  it.each([
    { name: 'nothing set: BestEffort', pod: pod({}), want: 'BestEffort' },
    { name: 'limits equal requests for cpu and memory: Guaranteed', pod: pod({ requests: { cpu: '500m', memory: '128Mi' }, limits: { cpu: '500m', memory: '128Mi' } }), want: 'Guaranteed' },
    { name: 'only limits (requests default to them): Guaranteed', pod: pod({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1', memory: '1Gi' } }), want: 'Guaranteed' },
    { name: 'a request below the limit: Burstable', pod: pod({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '128Mi' } }), want: 'Burstable' },
    { name: 'only a memory limit: Burstable', pod: pod({ limits: { memory: '32Mi' } }), want: 'Burstable' },
    { name: 'one container without limits: Burstable', pod: pod({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } }, {}), want: 'Burstable' },
  ])('$name', ({ pod: p, want }) => {
    expect(podQOSClass(p)).toBe(want);
  });

  it('names the cgroup parent by QoS class', () => {
    expect(podCgroupParent(pod({}))).toBe('/kubepods/besteffort/podu1');
    expect(podCgroupParent(pod({ limits: { memory: '1Gi' } }))).toBe('/kubepods/burstable/podu1');
    expect(podCgroupParent(pod({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } }))).toBe('/kubepods/podu1');
  });
});

describe('container cgroup settings', () => {
  it('converts cpu to shares and quota as the kubelet does', () => {
    expect(milliCPUToShares(0)).toBe(2);
    expect(milliCPUToShares(1)).toBe(2);
    expect(milliCPUToShares(250)).toBe(256);
    expect(milliCPUToShares(2000)).toBe(2048);
    expect(milliCPUToQuota(0)).toBe(0);
    expect(milliCPUToQuota(5)).toBe(1000);
    expect(milliCPUToQuota(500)).toBe(50_000);
  });

  it.each([
    { name: 'Guaranteed', p: pod({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } }), want: -997 },
    { name: 'BestEffort', p: pod({}), want: 1000 },
    { name: 'Burstable by request share', p: pod({ requests: { memory: '1Gi' }, limits: { memory: '2Gi' } }), want: 1000 - Math.floor((1000 * GiB) / (4 * GiB)) },
    { name: 'Burstable with a tiny request stays below BestEffort', p: pod({ requests: { cpu: '1m' }, limits: { cpu: '1' } }), want: 999 },
    { name: 'Burstable with a huge request stays above Guaranteed', p: pod({ requests: { memory: '4Gi' }, limits: { memory: '8Gi' } }), want: 3 },
  ])('OOM score adjustment: $name', ({ p, want }) => {
    expect(containerOOMScoreAdjust(p, p.spec!.containers[0]!, 4 * GiB)).toBe(want);
  });

  it('fills CRI LinuxContainerResources from requests and limits', () => {
    const p = pod({ requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } });
    expect(containerLinuxResources(p, p.spec!.containers[0]!, 4 * GiB)).toEqual({
      cpuShares: 256n,
      cpuPeriod: 100_000n,
      cpuQuota: 50_000n,
      memoryLimitInBytes: 128n * 1024n * 1024n,
      oomScoreAdj: BigInt(1000 - Math.floor((1000 * 64 * 1024 * 1024) / (4 * GiB))),
    });
    const onlyLimit = pod({ limits: { cpu: '2' } });
    expect(containerLinuxResources(onlyLimit, onlyLimit.spec!.containers[0]!, GiB)).toMatchObject({ cpuShares: 2048n, cpuQuota: 200_000n });
    const none = pod({});
    expect(containerLinuxResources(none, none.spec!.containers[0]!, GiB)).toEqual({ cpuShares: 2n, cpuPeriod: 100_000n, cpuQuota: 0n, oomScoreAdj: 1000n });
  });
});
