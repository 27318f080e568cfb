import type { corev1 } from '@tskube/api-types';
import { describe, expect, it } from 'vitest';
import { findPort, podIPForService, shouldPodBeInEndpoints } from './pods';
import { semanticEqual } from './semantic';
import { computeSubsets, countAddresses, truncateSubsets } from './subsets';
import { TriggerTimeTracker, formatRFC3339Nano } from './trigger-time';

function pod(name: string, o: { ip?: string; ips?: string[]; ready?: boolean; ports?: corev1.ContainerPort[]; phase?: string; deleting?: boolean; sidecarPorts?: corev1.ContainerPort[] } = {}): corev1.Pod {
  return {
    metadata: { name, namespace: 'ns', uid: `uid-${name}`, labels: { app: 'x' }, ...(o.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    spec: {
      nodeName: 'n1',
      containers: [{ name: 'c', ports: o.ports ?? [] }],
      ...(o.sidecarPorts ? { initContainers: [{ name: 's', restartPolicy: 'Always', ports: o.sidecarPorts }] } : {}),
    },
    status: {
      phase: o.phase ?? 'Running',
      ...(o.ip ? { podIP: o.ip } : {}),
      ...(o.ips ? { podIPs: o.ips.map((ip) => ({ ip })) } : {}),
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }],
    },
  };
}

const svc = (spec: corev1.ServiceSpec): corev1.Service => ({ metadata: { name: 's', namespace: 'ns' }, spec: { selector: { app: 'x' }, ...spec } });

describe('findPort', () => {
  it.each([
    { name: 'numeric targetPort as is', port: { port: 80, targetPort: 8080 }, pod: pod('p'), want: 8080 },
    { name: 'no targetPort: the port', port: { port: 80 }, pod: pod('p'), want: 80 },
    { name: 'named port found', port: { port: 80, targetPort: 'http' }, pod: pod('p', { ports: [{ name: 'http', containerPort: 81 }] }), want: 81 },
    { name: 'named port with another protocol', port: { port: 53, targetPort: 'dns', protocol: 'UDP' }, pod: pod('p', { ports: [{ name: 'dns', containerPort: 53 }] }), want: undefined },
    { name: 'named port on a sidecar', port: { port: 80, targetPort: 'proxy' }, pod: pod('p', { sidecarPorts: [{ name: 'proxy', containerPort: 15001 }] }), want: 15001 },
    { name: 'named port missing', port: { port: 80, targetPort: 'http' }, pod: pod('p'), want: undefined },
  ])('$name', ({ port, pod: p, want }) => {
    expect(findPort(p, port as corev1.ServicePort)).toBe(want);
  });
});

describe('shouldPodBeInEndpoints and podIPForService', () => {
  it.each([
    { name: 'running with an IP', pod: pod('p', { ip: '10.0.0.1' }), includeTerminating: false, want: true },
    { name: 'no IP', pod: pod('p'), includeTerminating: false, want: false },
    { name: 'succeeded', pod: pod('p', { ip: '10.0.0.1', phase: 'Succeeded' }), includeTerminating: true, want: false },
    { name: 'terminating, excluded', pod: pod('p', { ip: '10.0.0.1', deleting: true }), includeTerminating: false, want: false },
    { name: 'terminating, included', pod: pod('p', { ip: '10.0.0.1', deleting: true }), includeTerminating: true, want: true },
  ])('$name', ({ pod: p, includeTerminating, want }) => {
    expect(shouldPodBeInEndpoints(p, includeTerminating)).toBe(want);
  });

  it.each([
    { name: 'IPv4 family', spec: { ipFamilies: ['IPv4'] }, want: '10.0.0.1' },
    { name: 'IPv6 family', spec: { ipFamilies: ['IPv6'] }, want: 'fd00::1' },
    { name: 'family from the cluster IP', spec: { clusterIP: 'fd00:10::5' }, want: 'fd00::1' },
    { name: 'headless without families: the first pod IP', spec: { clusterIP: 'None' }, want: '10.0.0.1' },
  ])('$name', ({ spec, want }) => {
    expect(podIPForService(svc(spec), pod('p', { ips: ['10.0.0.1', 'fd00::1'] }))).toBe(want);
  });
});

describe('computeSubsets', () => {
  it('groups addresses by the exact set of ports they serve, sorted', () => {
    const pods = [
      pod('b', { ip: '10.0.0.2', ports: [{ name: 'http', containerPort: 8080 }] }),
      pod('a', { ip: '10.0.0.1', ports: [{ name: 'http', containerPort: 8080 }], ready: false }),
      pod('c', { ip: '10.0.0.3', ports: [{ name: 'http', containerPort: 9090 }] }),
    ];
    const subsets = computeSubsets(svc({ ports: [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'admin', port: 81, targetPort: 7000 }] }), pods);
    expect(subsets.map((s) => ({ ready: s.addresses?.map((a) => a.ip), notReady: s.notReadyAddresses?.map((a) => a.ip), ports: s.ports?.map((p) => `${p.name}:${p.port}`) }))).toEqual([
      { ready: ['10.0.0.2', '10.0.0.3'], notReady: ['10.0.0.1'], ports: ['admin:7000'] },
      { ready: ['10.0.0.2'], notReady: ['10.0.0.1'], ports: ['http:8080'] },
      { ready: ['10.0.0.3'], notReady: undefined, ports: ['http:9090'] },
    ]);
  });

  it('puts ports served by the same addresses in one subset', () => {
    const pods = [pod('a', { ip: '10.0.0.1', ready: false }), pod('b', { ip: '10.0.0.2' })];
    const subsets = computeSubsets(svc({ ports: [{ name: 'http', port: 80 }, { name: 'https', port: 443 }] }), pods);
    expect(subsets).toEqual([
      {
        addresses: [expect.objectContaining({ ip: '10.0.0.2' })],
        notReadyAddresses: [expect.objectContaining({ ip: '10.0.0.1' })],
        ports: [
          { name: 'http', port: 80, protocol: 'TCP' },
          { name: 'https', port: 443, protocol: 'TCP' },
        ],
      },
    ]);
  });

  it('gives nothing for a service with a cluster IP and no ports', () => {
    expect(computeSubsets(svc({ clusterIP: '10.96.0.9' }), [pod('a', { ip: '10.0.0.1' })])).toEqual([]);
  });

  it('is deterministic whatever the pod order', () => {
    const pods = Array.from({ length: 6 }, (_, i) => pod(`p${i}`, { ip: `10.0.0.${10 - i}`, ready: i % 2 === 0 }));
    const s = svc({ ports: [{ port: 80 }] });
    expect(semanticEqual(computeSubsets(s, pods), computeSubsets(s, [...pods].reverse()))).toBe(true);
  });
});

describe('truncateSubsets', () => {
  const addrs = (n: number, base: number) => Array.from({ length: n }, (_, i) => ({ ip: `10.0.${base}.${i}` }));
  it.each([
    { name: 'under capacity: unchanged', subsets: [{ addresses: addrs(3, 0), notReadyAddresses: addrs(2, 1) }], capacity: 10, want: [[3, 2]], truncated: false },
    { name: 'not-ready addresses go first', subsets: [{ addresses: addrs(6, 0), notReadyAddresses: addrs(6, 1) }], capacity: 10, want: [[6, 4]], truncated: true },
    {
      name: 'too many ready: proportional shares, not-ready dropped',
      subsets: [
        { addresses: addrs(10, 0), notReadyAddresses: addrs(3, 1) },
        { addresses: addrs(10, 2) },
      ],
      capacity: 10,
      want: [
        [5, 0],
        [5, 0],
      ],
      truncated: true,
    },
  ])('$name', ({ subsets, capacity, want, truncated }) => {
    const out = truncateSubsets(subsets as corev1.EndpointSubset[], capacity);
    expect(out.truncated).toBe(truncated);
    expect(out.subsets.map((s) => [s.addresses?.length ?? 0, s.notReadyAddresses?.length ?? 0])).toEqual(want);
    expect(countAddresses(out.subsets)).toBeLessThanOrEqual(capacity);
  });
});

describe('TriggerTimeTracker', () => {
  const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
  const readyAt = (name: string, s: number): corev1.Pod => ({ metadata: { name }, status: { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: at(s) }] } });
  const service: corev1.Service = { metadata: { name: 's', creationTimestamp: at(1) } };

  it('answers the earliest change since the last sync, then nothing until something moves', () => {
    const t = new TriggerTimeTracker();
    expect(t.compute('ns/s', service, [readyAt('a', 5), readyAt('b', 3)])).toBe(Date.parse(at(1)));
    expect(t.compute('ns/s', service, [readyAt('a', 5), readyAt('b', 3)])).toBeUndefined();
    expect(t.compute('ns/s', service, [readyAt('a', 9), readyAt('b', 3), readyAt('c', 7)])).toBe(Date.parse(at(7)));
    t.delete('ns/s');
    expect(t.compute('ns/s', service, [])).toBe(Date.parse(at(1)));
  });

  it.each([
    { ms: Date.UTC(2026, 0, 1), want: '2026-01-01T00:00:00Z' },
    { ms: Date.UTC(2026, 0, 1) + 120, want: '2026-01-01T00:00:00.12Z' },
  ])('formats $ms as RFC 3339 with trimmed fraction', ({ ms, want }) => {
    expect(formatRFC3339Nano(ms)).toBe(want);
  });
});

describe('semanticEqual', () => {
  it.each([
    { a: { x: [], y: 1 }, b: { y: 1 }, want: true },
    { a: { x: {}, y: null }, b: {}, want: true },
    { a: { a: 1, b: 2 }, b: { b: 2, a: 1 }, want: true },
    { a: { ready: false }, b: {}, want: false },
    { a: [1, 2], b: [2, 1], want: false },
  ])('$a vs $b: $want', ({ a, b, want }) => {
    expect(semanticEqual(a, b)).toBe(want);
  });
});
