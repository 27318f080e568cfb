import type { corev1, discoveryv1 } from '@tskube/api-types';
import { describe, expect, it } from 'vitest';
import { endpointSlicePrinter, endpointsPrinter, formatEndpoints, servicePorts, servicePrinter } from './service';

const now = new Date('2025-01-01T12:00:00Z');
const meta = { name: 'web', namespace: 'default', creationTimestamp: '2025-01-01T11:59:00Z' };

describe('service PORT(S)', () => {
  it.each([
    { name: 'none', ports: [], want: '' },
    { name: 'one', ports: [{ port: 80, protocol: 'TCP' }], want: '80/TCP' },
    { name: 'protocol defaults to TCP', ports: [{ port: 8080 }], want: '8080/TCP' },
    { name: 'with a node port', ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }], want: '80:30080/TCP' },
    {
      name: 'several',
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP' },
        { name: 'dns-tcp', port: 53, protocol: 'TCP' },
        { name: 'metrics', port: 9153, protocol: 'TCP' },
      ],
      want: '53/UDP,53/TCP,9153/TCP',
    },
  ])('$name', ({ ports, want }) => {
    expect(servicePorts(ports)).toBe(want);
  });
});

describe('service row', () => {
  const svc = (spec: corev1.ServiceSpec, status?: corev1.ServiceStatus): corev1.Service => ({ metadata: meta, spec, status });
  it.each([
    {
      name: 'cluster IP',
      svc: svc({ type: 'ClusterIP', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ports: [{ port: 80, protocol: 'TCP' }], selector: { app: 'web' } }),
      want: ['web', 'ClusterIP', '10.96.0.10', '<none>', '80/TCP', '60s', 'app=web'],
    },
    {
      name: 'headless without ports or selector',
      svc: svc({ type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'] }),
      want: ['web', 'ClusterIP', 'None', '<none>', '<none>', '60s', '<none>'],
    },
    {
      name: 'only clusterIP set',
      svc: svc({ clusterIP: '10.96.0.11', ports: [{ port: 443 }] }),
      want: ['web', 'ClusterIP', '10.96.0.11', '<none>', '443/TCP', '60s', '<none>'],
    },
    {
      name: 'node port with external IPs',
      svc: svc({ type: 'NodePort', clusterIPs: ['10.96.0.12'], externalIPs: ['1.2.3.4', '5.6.7.8'], ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }] }),
      want: ['web', 'NodePort', '10.96.0.12', '1.2.3.4,5.6.7.8', '80:30080/TCP', '60s', '<none>'],
    },
    {
      name: 'load balancer pending',
      svc: svc({ type: 'LoadBalancer', clusterIPs: ['10.96.0.13'], ports: [{ port: 80, nodePort: 31000, protocol: 'TCP' }] }),
      want: ['web', 'LoadBalancer', '10.96.0.13', '<pending>', '80:31000/TCP', '60s', '<none>'],
    },
    {
      name: 'load balancer with ingress, sorted and not clipped',
      svc: svc(
        { type: 'LoadBalancer', clusterIPs: ['10.96.0.13'], ports: [{ port: 80, nodePort: 31000, protocol: 'TCP' }] },
        { loadBalancer: { ingress: [{ hostname: 'a-very-long-load-balancer-name.example.com' }, { ip: '203.0.113.7' }] } },
      ),
      want: ['web', 'LoadBalancer', '10.96.0.13', '203.0.113.7,a-very-long-load-balancer-name.example.com', '80:31000/TCP', '60s', '<none>'],
    },
    {
      name: 'load balancer ingress then external IPs',
      svc: svc({ type: 'LoadBalancer', clusterIPs: ['10.96.0.13'], externalIPs: ['1.1.1.1'] }, { loadBalancer: { ingress: [{ ip: '203.0.113.7' }] } }),
      want: ['web', 'LoadBalancer', '10.96.0.13', '203.0.113.7,1.1.1.1', '<none>', '60s', '<none>'],
    },
    {
      name: 'external name',
      svc: svc({ type: 'ExternalName', externalName: 'db.example.com' }),
      want: ['web', 'ExternalName', '<none>', 'db.example.com', '<none>', '60s', '<none>'],
    },
    { name: 'an unknown type', svc: svc({ type: 'Magic' }), want: ['web', 'Magic', '<none>', '<unknown>', '<none>', '60s', '<none>'] },
  ])('$name', ({ svc, want }) => {
    expect(servicePrinter.row(svc, { now, group: '' }).cells).toEqual(want);
  });
});

describe('endpoints', () => {
  const ep = (subsets?: corev1.EndpointSubset[]): corev1.Endpoints => ({ metadata: meta, subsets });
  it.each([
    { name: 'no subsets', ep: ep(), want: '<none>' },
    { name: 'one address and port', ep: ep([{ addresses: [{ ip: '10.1.0.5' }], ports: [{ port: 8080 }] }]), want: '10.1.0.5:8080' },
    { name: 'IPv6 in brackets', ep: ep([{ addresses: [{ ip: 'fd00::5' }], ports: [{ port: 80 }] }]), want: '[fd00::5]:80' },
    { name: 'headless without ports', ep: ep([{ addresses: [{ ip: '10.1.0.5' }, { ip: '10.1.0.6' }] }]), want: '10.1.0.5,10.1.0.6' },
    {
      name: 'more than three',
      ep: ep([{ addresses: [{ ip: '10.1.0.1' }, { ip: '10.1.0.2' }], ports: [{ port: 53 }, { port: 54 }] }]),
      want: '10.1.0.1:53,10.1.0.2:53,10.1.0.1:54 + 1 more...',
    },
    { name: 'only not-ready addresses', ep: ep([{ notReadyAddresses: [{ ip: '10.1.0.9' }], ports: [{ port: 80 }] }]), want: '' },
  ])('$name', ({ ep, want }) => {
    expect(formatEndpoints(ep)).toBe(want);
    expect(endpointsPrinter.row(ep, { now, group: '' }).cells).toEqual(['web', want, '60s']);
  });
});

describe('endpoint slices', () => {
  it.each([
    { name: 'empty', eps: { addressType: 'IPv4', endpoints: [] }, want: ['web-abc', 'IPv4', '<unset>', '<unset>', '60s'] },
    {
      name: 'ports by number or name, addresses across endpoints',
      eps: {
        addressType: 'IPv4',
        ports: [{ port: 80 }, { name: 'metrics' }, {}],
        endpoints: [{ addresses: ['10.1.0.1'] }, { addresses: ['10.1.0.2', '10.1.0.3'] }, { addresses: ['10.1.0.4'] }],
      },
      want: ['web-abc', 'IPv4', '80,metrics,*', '10.1.0.1,10.1.0.2,10.1.0.3 + 1 more...', '60s'],
    },
  ])('$name', ({ eps, want }) => {
    const slice = { metadata: { ...meta, name: 'web-abc' }, ...eps } as discoveryv1.EndpointSlice;
    expect(endpointSlicePrinter.row(slice, { now, group: 'discovery.k8s.io' }).cells).toEqual(want);
  });
});
