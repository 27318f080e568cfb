import type { corev1 } from '@tskube/api-types';
import { describe, expect, it } from 'vitest';
import { parseResolvConf, podDNSConfig, type DNSSettings } from './dns';

const host = parseResolvConf('# comment\nnameserver 192.168.1.1\nnameserver 8.8.8.8\nsearch corp.example lab.example.\noptions edns0 timeout:2\n');
const settings: DNSSettings = { clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local', host };

function pod(spec: Partial<corev1.PodSpec>): corev1.Pod {
  return { metadata: { name: 'p', namespace: 'team', uid: 'u1' }, spec: { containers: [], ...spec } };
}

describe('parseResolvConf', () => {
  it('reads nameservers, the search path and options', () => {
    expect(host).toEqual({ servers: ['192.168.1.1', '8.8.8.8'], searches: ['corp.example', 'lab.example'], options: ['edns0', 'timeout:2'] });
  });
});

describe('podDNSConfig', () => {
  it.each([
    {
      name: 'ClusterFirst: cluster nameserver, cluster search path before the host one, ndots 5',
      spec: {},
      want: { servers: ['10.96.0.10'], searches: ['team.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example', 'lab.example'], options: ['ndots:5'] },
    },
    { name: 'Default: the host resolv.conf', spec: { dnsPolicy: 'Default' }, want: { servers: ['192.168.1.1', '8.8.8.8'], searches: ['corp.example', 'lab.example'], options: ['edns0', 'timeout:2'] } },
    {
      name: 'ClusterFirst on the host network falls back to Default',
      spec: { hostNetwork: true },
      want: { servers: ['192.168.1.1', '8.8.8.8'], searches: ['corp.example', 'lab.example'], options: ['edns0', 'timeout:2'] },
    },
    {
      name: 'ClusterFirstWithHostNet keeps the cluster DNS',
      spec: { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' },
      want: { servers: ['10.96.0.10'], searches: ['team.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example', 'lab.example'], options: ['ndots:5'] },
    },
    {
      name: 'None: only the pod dnsConfig',
      spec: { dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'], searches: ['x.example'], options: [{ name: 'ndots', value: '2' }, { name: 'rotate' }] } },
      want: { servers: ['1.1.1.1'], searches: ['x.example'], options: ['ndots:2', 'rotate'] },
    },
    {
      name: 'dnsConfig merges into ClusterFirst, an option of the same name replacing it',
      spec: { dnsConfig: { searches: ['extra.example'], options: [{ name: 'ndots', value: '1' }] } },
      want: { servers: ['10.96.0.10'], searches: ['team.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example', 'lab.example', 'extra.example'], options: ['ndots:1'] },
    },
  ])('$name', ({ spec, want }) => {
    const got = podDNSConfig(pod(spec as Partial<corev1.PodSpec>), settings);
    expect(got.config).toEqual(want);
    expect(got.warning).toBeUndefined();
  });

  it('falls back to Default with a MissingClusterDNS warning when no cluster DNS is configured', () => {
    const got = podDNSConfig(pod({}), { ...settings, clusterDNS: [] });
    expect(got.config.servers).toEqual(['192.168.1.1', '8.8.8.8']);
    expect(got.warning).toEqual({
      reason: 'MissingClusterDNS',
      message: 'pod: "p_team(u1)". kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.',
    });
  });
});
