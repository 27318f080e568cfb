import type { Service, ServiceSpec } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { isDNS1035Label } from './name';
import { validateService, validateServiceUpdate } from './service';

/** A ClusterIP service as it is after defaulting and allocation. */
function svc(spec: Partial<ServiceSpec> = {}, name = 'web'): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default', resourceVersion: '1' },
    spec: {
      type: 'ClusterIP',
      selector: { app: 'web' },
      ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }],
      sessionAffinity: 'None',
      clusterIP: '10.96.0.10',
      clusterIPs: ['10.96.0.10'],
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
      ...spec,
    },
  };
}

const errs = (s: Service) => validateService(s).map(String);

describe('validateService', () => {
  it('accepts a defaulted ClusterIP service', () => {
    expect(errs(svc())).toEqual([]);
  });

  it.each<[string, Service, string[]]>([
    ['a name that is no DNS-1035 label', svc({}, '1web'), [`metadata.name: Invalid value: "1web": ${isDNS1035Label('1web')[0]}`]],
    ['no ports', svc({ ports: [] }), ['spec.ports: Required value']],
    [
      'an unsupported type',
      svc({ type: 'Internal' }),
      ['spec.type: Unsupported value: "Internal": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"'],
    ],
    [
      'port 0 and an unnamed second port',
      svc({ ports: [{ name: 'http', port: 0, targetPort: 80, protocol: 'TCP' }, { port: 443, targetPort: 443, protocol: 'TCP' }] }),
      ['spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive', 'spec.ports[1].name: Required value'],
    ],
    [
      'duplicate port and protocol',
      svc({ ports: [{ name: 'a', port: 80, targetPort: 80, protocol: 'TCP' }, { name: 'b', port: 80, targetPort: 81, protocol: 'TCP' }] }),
      ['spec.ports[1]: Duplicate value: {"port":80,"protocol":"TCP"}'],
    ],
    [
      'a bad selector value',
      svc({ selector: { app: 'web app' } }),
      [
        "spec.selector: Invalid value: \"web app\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
      ],
    ],
    [
      'a nodePort on a ClusterIP service',
      svc({ ports: [{ port: 80, targetPort: 80, protocol: 'TCP', nodePort: 30080 }] }),
      ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"],
    ],
    [
      'a clusterIP that does not match clusterIPs',
      svc({ clusterIP: '10.96.0.11' }),
      ['spec.clusterIPs: Invalid value: ["10.96.0.10"]: first value must match `clusterIP`'],
    ],
    [
      'an invalid cluster IP',
      svc({ clusterIP: '10.96.0.300', clusterIPs: ['10.96.0.300'] }),
      ['spec.clusterIPs[0]: Invalid value: "10.96.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'],
    ],
    [
      'an IPv6 address for the IPv4 family',
      svc({ clusterIP: 'fd00::10', clusterIPs: ['fd00::10'] }),
      ['spec.clusterIPs[0]: Invalid value: "fd00::10": expected an IPv4 value as indicated by `ipFamilies[0]`'],
    ],
    [
      'a loopback external IP',
      svc({ externalIPs: ['127.0.0.1'], externalTrafficPolicy: 'Cluster' }),
      ['spec.externalIPs[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)'],
    ],
    [
      'ClientIP affinity without config',
      svc({ sessionAffinity: 'ClientIP' }),
      ['spec.sessionAffinityConfig: Required value: when session affinity type is ClientIP'],
    ],
    ['a missing internalTrafficPolicy', svc({ internalTrafficPolicy: undefined }), ['spec.internalTrafficPolicy: Required value']],
    [
      'a NodePort service without externalTrafficPolicy',
      svc({ type: 'NodePort' }),
      ['spec.externalTrafficPolicy: Required value'],
    ],
    [
      'a LoadBalancer exposing the kubelet port',
      svc({ type: 'LoadBalancer', externalTrafficPolicy: 'Cluster', allocateLoadBalancerNodePorts: true, ports: [{ port: 10250, targetPort: 10250, protocol: 'TCP' }] }),
      ['spec.ports[0]: Invalid value: 10250: may not expose port 10250 externally since it is used by kubelet'],
    ],
    [
      'an ExternalName service with cluster IPs',
      svc({ type: 'ExternalName', externalName: 'db.example.com.', internalTrafficPolicy: undefined }),
      [
        'spec.clusterIPs: Forbidden: may not be set for ExternalName services',
        'spec.ipFamilies: Forbidden: may not be set for ExternalName services',
        'spec.ipFamilyPolicy: Forbidden: may not be set for ExternalName services',
      ],
    ],
  ])('reports %s', (_name, s, want) => {
    expect(errs(s)).toEqual(want);
  });

  it('accepts a headless service without ports', () => {
    expect(errs(svc({ clusterIP: 'None', clusterIPs: ['None'], ports: [] }))).toEqual([]);
  });

  it('accepts a dual-stack service', () => {
    expect(
      errs(svc({ clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10', 'fd00::a'], ipFamilies: ['IPv4', 'IPv6'], ipFamilyPolicy: 'RequireDualStack' })),
    ).toEqual([]);
  });
});

describe('validateServiceUpdate', () => {
  it('refuses to change the cluster IP', () => {
    const old = svc();
    const next = svc({ clusterIP: '10.96.0.99', clusterIPs: ['10.96.0.99'] });
    expect(validateServiceUpdate(next, old).map(String)).toEqual(['spec.clusterIPs[0]: Invalid value: ["10.96.0.99"]: may not change once set']);
  });

  it('accepts a change of ports', () => {
    const old = svc();
    expect(validateServiceUpdate(svc({ ports: [{ port: 81, targetPort: 81, protocol: 'TCP' }] }), old)).toEqual([]);
  });
});
