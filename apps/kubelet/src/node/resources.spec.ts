import { describe, expect, it } from 'vitest';
import type { MachineInfo } from './machine-info';
import {
  DEFAULT_EVICTION_HARD,
  allocatableReservation,
  hugePageResourceName,
  nodeAllocatable,
  nodeCapacity,
  parseEvictionHard,
  parseReserved,
  resourceList,
  thresholdAmount,
} from './resources';

const machine = (over: Partial<MachineInfo> = {}): MachineInfo => ({
  numCores: 2,
  memoryCapacityBytes: 24_684_000 * 1024,
  hugepages: [{ pageSizeKiB: 2048, pages: 0 }],
  rootfsCapacityBytes: 252 * 1024 ** 3,
  machineID: '',
  systemUUID: '',
  bootID: '',
  kernelVersion: '',
  osImage: '',
  ...over,
});

describe('node capacity and allocatable', () => {
  it('reports capacity in the kubelet units: cores, binary bytes, pods', () => {
    expect(resourceList(nodeCapacity(machine(), 110))).toEqual({
      cpu: '2',
      'ephemeral-storage': '252Gi',
      'hugepages-2Mi': '0',
      memory: '24684000Ki',
      pods: '110',
    });
  });

  it('holds back the default hard eviction thresholds only', () => {
    const cap = nodeCapacity(machine(), 110);
    const alloc = resourceList(nodeAllocatable(cap, allocatableReservation(cap, new Map(), new Map(), parseEvictionHard())));
    expect(alloc['memory']).toBe(`${24_684_000 - 100 * 1024}Ki`);
    expect(alloc['cpu']).toBe('2');
    // nodefs.available<10% with the threshold in float32, as the kubelet computes it.
    const bytes = 252 * 1024 ** 3;
    expect(alloc['ephemeral-storage']).toBe(String(bytes - Math.trunc(bytes * Math.fround(0.1))));
  });

  it.each<{ name: string; kube: Record<string, string>; system: Record<string, string>; resource: string; want: string }>([
    { name: 'cpu in millicores', kube: { cpu: '100m' }, system: { cpu: '150m' }, resource: 'cpu', want: '1750m' },
    { name: 'memory from both flags and eviction', kube: { memory: '1Gi' }, system: { memory: '500Mi' }, resource: 'memory', want: `${24_684_000 - 1024 * 1024 - 600 * 1024}Ki` },
    { name: 'storage', kube: { 'ephemeral-storage': '2Gi' }, system: {}, resource: 'ephemeral-storage', want: '250Gi' },
    { name: 'more reserved than there is', kube: { cpu: '3' }, system: {}, resource: 'cpu', want: '0' },
  ])('$name', ({ kube, system, resource, want }) => {
    const cap = nodeCapacity(machine(), 110);
    const reservation = allocatableReservation(cap, parseReserved(kube), parseReserved(system), parseEvictionHard({ 'memory.available': '100Mi' }));
    expect(resourceList(nodeAllocatable(cap, reservation))[resource]).toBe(want);
  });

  it('takes huge pages out of allocatable memory', () => {
    const cap = nodeCapacity(machine({ memoryCapacityBytes: 4 * 1024 ** 3, hugepages: [{ pageSizeKiB: 2048, pages: 512 }] }), 110);
    const alloc = resourceList(nodeAllocatable(cap, new Map()));
    expect(resourceList(cap)['hugepages-2Mi']).toBe('1Gi');
    expect(alloc['memory']).toBe('3Gi');
  });

  it('names huge page resources by page size', () => {
    expect(hugePageResourceName(2048)).toBe('hugepages-2Mi');
    expect(hugePageResourceName(1048576)).toBe('hugepages-1Gi');
    expect(hugePageResourceName(64)).toBe('hugepages-64Ki');
  });
});

describe('eviction thresholds', () => {
  it('reads the kubelet defaults', () => {
    const t = parseEvictionHard(DEFAULT_EVICTION_HARD);
    expect(t.map((x) => x.signal).sort()).toEqual(['imagefs.available', 'imagefs.inodesFree', 'memory.available', 'nodefs.available', 'nodefs.inodesFree']);
    expect(thresholdAmount(t.find((x) => x.signal === 'memory.available')!, 0)).toBe(100 * 1024 * 1024);
    expect(thresholdAmount(t.find((x) => x.signal === 'nodefs.available')!, 1000)).toBe(100);
  });

  it('drops zero thresholds', () => {
    expect(parseEvictionHard({ 'memory.available': '0', 'nodefs.available': '0%' })).toEqual([]);
  });

  it.each([
    [{ 'nodefs.available': '-5%' }, 'eviction percentage threshold nodefs.available must be >= 0%'],
    [{ 'nodefs.available': 'x%' }, 'invalid percentage: x%'],
    [{ 'memory.available': '-1Mi' }, 'eviction threshold memory.available must be positive'],
  ])('refuses %j', (input, want) => {
    expect(() => parseEvictionHard(input)).toThrow(want);
  });
});
