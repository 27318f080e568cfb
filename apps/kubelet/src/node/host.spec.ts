import { describe, expect, it } from 'vitest';
import { defaultRouteInterface, nodeAddresses, validateNodeIP } from './addresses';
import { defaultNodeLabels, registrationTaints, validateNodeLabels } from './labels';
import { meminfoBytes, osReleasePrettyName } from './machine-info';
import { pressuresOf } from './pressure';
import { parseEvictionHard } from './resources';

describe('host readers', () => {
  it('reads /proc/meminfo fields in bytes', () => {
    const text = 'MemTotal:       24684000 kB\nMemFree:        21349872 kB\nMemAvailable:   23686000 kB\n';
    expect(meminfoBytes(text, 'MemTotal')).toBe(24684000 * 1024);
    expect(meminfoBytes(text, 'MemAvailable')).toBe(23686000 * 1024);
    expect(meminfoBytes(text, 'SwapTotal')).toBeUndefined();
  });

  it.each([
    ['PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"', 'Debian GNU/Linux 12 (bookworm)'],
    ["PRETTY_NAME='Alpine Linux v3.19'", 'Alpine Linux v3.19'],
    ['PRETTY_NAME=Arch', 'Arch'],
    ['NAME=x', 'Linux'],
  ])('PRETTY_NAME of %j is %j', (text, want) => {
    expect(osReleasePrettyName(text)).toBe(want);
  });

  it('finds the default route interface in /proc/net/route', () => {
    const table = [
      'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
      'cni0\t0000F40A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0',
      'eth0\t00000000\t0100A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0',
    ].join('\n');
    expect(defaultRouteInterface(table)).toBe('eth0');
    expect(defaultRouteInterface('')).toBeUndefined();
  });

  it('reports addresses as InternalIP then Hostname', () => {
    expect(nodeAddresses('10.0.0.1', 'n1')).toEqual([
      { type: 'InternalIP', address: '10.0.0.1' },
      { type: 'Hostname', address: 'n1' },
    ]);
  });

  it.each([
    ['224.0.0.1', 'multicast'],
    ['169.254.1.1', 'link-local'],
    ['0.0.0.0', 'all zeros'],
    ['::1', 'loopback'],
  ])('refuses node IP %s', (ip, want) => {
    expect(() => validateNodeIP(ip)).toThrow(want);
  });

  it('accepts ordinary node IPs', () => {
    expect(() => validateNodeIP('192.168.1.10')).not.toThrow();
    expect(() => validateNodeIP('fd00::10')).not.toThrow();
  });
});

describe('labels and taints', () => {
  it('sets the kubelet labels', () => {
    expect(defaultNodeLabels('n1')).toMatchObject({ 'kubernetes.io/hostname': 'n1', 'kubernetes.io/os': 'linux', 'beta.kubernetes.io/os': 'linux' });
  });

  it.each<Record<string, string>>([{ 'node.kubernetes.io/pool': 'a' }, { 'kubelet.kubernetes.io/x': '1' }, { 'topology.kubernetes.io/zone': 'z' }, { 'example.com/team': 'x' }, { 'sub.node.kubernetes.io/y': '' }])(
    'allows %j',
    (labels) => {
      expect(() => validateNodeLabels(labels)).not.toThrow();
    },
  );

  it('lists every forbidden label, sorted', () => {
    expect(() => validateNodeLabels({ 'k8s.io/b': '', 'kubernetes.io/a': '', 'x.k8s.io/c': '' })).toThrow('[k8s.io/b kubernetes.io/a x.k8s.io/c]');
  });

  it('registers taints without a value when none was given', () => {
    expect(registrationTaints([{ key: 'a', effect: 'NoSchedule' }, { key: 'b', value: 'v', effect: 'NoExecute' }])).toEqual([
      { key: 'a', effect: 'NoSchedule' },
      { key: 'b', value: 'v', effect: 'NoExecute' },
    ]);
  });
});

describe('pressure signals', () => {
  const thresholds = parseEvictionHard({ 'memory.available': '100Mi', 'nodefs.available': '10%', 'nodefs.inodesFree': '5%', 'pid.available': '1000' });
  it.each([
    { name: 'nothing observed', signals: {}, want: [] },
    { name: 'plenty', signals: { memoryAvailableBytes: 1e9, nodefsAvailableBytes: 50, nodefsCapacityBytes: 100, nodefsInodesFree: 50, nodefsInodes: 100, pidAvailable: 5000, pidMax: 10000 }, want: [] },
    { name: 'low memory', signals: { memoryAvailableBytes: 50 * 1024 * 1024 }, want: ['MemoryPressure'] },
    { name: 'low disk', signals: { nodefsAvailableBytes: 9, nodefsCapacityBytes: 100 }, want: ['DiskPressure'] },
    { name: 'low inodes', signals: { nodefsInodesFree: 4, nodefsInodes: 100 }, want: ['DiskPressure'] },
    { name: 'few pids', signals: { pidAvailable: 999, pidMax: 32768 }, want: ['PIDPressure'] },
  ])('$name', ({ signals, want }) => {
    expect([...pressuresOf(signals, thresholds)].sort()).toEqual(want);
  });
});
