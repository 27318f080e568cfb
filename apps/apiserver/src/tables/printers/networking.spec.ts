import type { networkingv1 } from '@tskube/api-types';
import { describe, expect, it } from 'vitest';
import { ingressClassPrinter, ingressHosts, ingressPrinter, ipAddressPrinter, networkPolicyPrinter, serviceCIDRPrinter } from './networking';

const now = new Date('2025-01-01T12:00:00Z');
const ctx = { now, group: 'networking.k8s.io' };
const metadata = { name: 'x', namespace: 'default', creationTimestamp: '2025-01-01T11:59:30Z' };

describe('ingresses', () => {
  it.each([
    { name: 'no rules', rules: [], want: '*' },
    { name: 'rules without hosts', rules: [{}], want: '*' },
    { name: 'hosts', rules: [{ host: 'a.example.com' }, { host: 'b.example.com' }], want: 'a.example.com,b.example.com' },
    { name: 'more than three rules', rules: [{ host: 'a' }, { host: 'b' }, {}, { host: 'd' }, { host: 'e' }], want: 'a,b,d + 2 more...' },
  ])('HOSTS: $name', ({ rules, want }) => {
    expect(ingressHosts(rules)).toBe(want);
  });

  it('prints class, address and TLS ports', () => {
    const ing: networkingv1.Ingress = {
      metadata,
      spec: { ingressClassName: 'nginx', rules: [{ host: 'app.example.com' }], tls: [{ hosts: ['app.example.com'] }] },
      status: { loadBalancer: { ingress: [{ ip: '192.168.1.240' }] } },
    };
    expect(ingressPrinter.row(ing, ctx).cells).toEqual(['x', 'nginx', 'app.example.com', '192.168.1.240', '80, 443', '30s']);
    expect(ingressPrinter.row({ metadata, spec: {} }, ctx).cells).toEqual(['x', '<none>', '*', '', '80', '30s']);
  });

  it('ingress class parameters', () => {
    expect(ingressClassPrinter.row({ metadata, spec: { controller: 'k8s.io/ingress-nginx', parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'p' } } }, ctx).cells).toEqual([
      'x',
      'k8s.io/ingress-nginx',
      'IngressParameters.k8s.example.com/p',
      '30s',
    ]);
    expect(ingressClassPrinter.row({ metadata, spec: { controller: 'c' } }, ctx).cells).toEqual(['x', 'c', '<none>', '30s']);
  });
});

describe('other networking rows', () => {
  it('network policy pod selector', () => {
    expect(networkPolicyPrinter.row({ metadata, spec: { podSelector: {} } }, ctx).cells).toEqual(['x', '<none>', '30s']);
    expect(networkPolicyPrinter.row({ metadata, spec: { podSelector: { matchLabels: { role: 'db' } } } }, ctx).cells).toEqual(['x', 'role=db', '30s']);
  });

  it('service CIDR and IP address', () => {
    expect(serviceCIDRPrinter.row({ metadata: { ...metadata, name: 'kubernetes' }, spec: { cidrs: ['10.96.0.0/12', 'fd00:10:96::/112'] } }, ctx).cells).toEqual([
      'kubernetes',
      '10.96.0.0/12,fd00:10:96::/112',
      '30s',
    ]);
    expect(ipAddressPrinter.row({ metadata: { ...metadata, name: '10.96.0.1' }, spec: { parentRef: { group: '', resource: 'services', namespace: 'default', name: 'kubernetes' } } }, ctx).cells).toEqual([
      '10.96.0.1',
      'services/default/kubernetes',
    ]);
    expect(ipAddressPrinter.row({ metadata: { ...metadata, name: '10.96.0.2' }, spec: { parentRef: { group: 'gateway.networking.k8s.io', resource: 'Gateways', name: 'gw' } } }, ctx).cells).toEqual([
      '10.96.0.2',
      'gateways.gateway.networking.k8s.io/gw',
    ]);
  });
});
