import type { corev1 } from '@tskube/api-types';
import { describe, expect, it } from 'vitest';
import { envVariableName, serviceEnvVars, visibleServices } from './service-env';

function service(namespace: string, name: string, clusterIP: string | undefined, ports: corev1.ServicePort[] = [{ port: 80 }]): corev1.Service {
  return { metadata: { namespace, name }, spec: { ...(clusterIP !== undefined ? { clusterIP } : {}), ports } };
}

describe('serviceEnvVars', () => {
  it('gives the host, ports and Docker link variables of a service, as Kubernetes names them', () => {
    const svc = service('shop', 'web-front', '10.0.0.11', [
      { name: 'http', port: 80, protocol: 'TCP' },
      { name: 'dns-udp', port: 53, protocol: 'UDP' },
      { port: 9000 },
    ]);
    expect(serviceEnvVars([svc])).toEqual([
      { name: 'WEB_FRONT_SERVICE_HOST', value: '10.0.0.11' },
      { name: 'WEB_FRONT_SERVICE_PORT', value: '80' },
      { name: 'WEB_FRONT_SERVICE_PORT_HTTP', value: '80' },
      { name: 'WEB_FRONT_SERVICE_PORT_DNS_UDP', value: '53' },
      { name: 'WEB_FRONT_PORT', value: 'tcp://10.0.0.11:80' },
      { name: 'WEB_FRONT_PORT_80_TCP', value: 'tcp://10.0.0.11:80' },
      { name: 'WEB_FRONT_PORT_80_TCP_PROTO', value: 'tcp' },
      { name: 'WEB_FRONT_PORT_80_TCP_PORT', value: '80' },
      { name: 'WEB_FRONT_PORT_80_TCP_ADDR', value: '10.0.0.11' },
      { name: 'WEB_FRONT_PORT_53_UDP', value: 'udp://10.0.0.11:53' },
      { name: 'WEB_FRONT_PORT_53_UDP_PROTO', value: 'udp' },
      { name: 'WEB_FRONT_PORT_53_UDP_PORT', value: '53' },
      { name: 'WEB_FRONT_PORT_53_UDP_ADDR', value: '10.0.0.11' },
      { name: 'WEB_FRONT_PORT_9000_TCP', value: 'tcp://10.0.0.11:9000' },
      { name: 'WEB_FRONT_PORT_9000_TCP_PROTO', value: 'tcp' },
      { name: 'WEB_FRONT_PORT_9000_TCP_PORT', value: '9000' },
      { name: 'WEB_FRONT_PORT_9000_TCP_ADDR', value: '10.0.0.11' },
    ]);
  });

  it('brackets an IPv6 cluster IP in URLs', () => {
    const vars = Object.fromEntries(serviceEnvVars([service('a', 'v6', 'fd00::10', [{ port: 443, protocol: 'SCTP' }])]).map((e) => [e.name, e.value]));
    expect(vars).toMatchObject({ V6_SERVICE_HOST: 'fd00::10', V6_PORT: 'sctp://[fd00::10]:443', V6_PORT_443_SCTP_ADDR: 'fd00::10' });
  });

  it.each([
    { name: 'headless', ip: 'None' },
    { name: 'without a cluster IP (ExternalName)', ip: '' },
    { name: 'with no clusterIP field', ip: undefined },
  ])('skips a service $name', ({ ip }) => {
    expect(serviceEnvVars([service('a', 'x', ip)])).toEqual([]);
  });

  it('upper-cases and replaces dashes', () => {
    expect(envVariableName('my-db-2')).toBe('MY_DB_2');
  });
});

describe('visibleServices', () => {
  const kubernetes = service('default', 'kubernetes', '10.0.0.1', [{ name: 'https', port: 443 }]);
  const defaultOther = service('default', 'other', '10.0.0.2');
  const own = [service('shop', 'db', '10.0.0.3'), service('shop', 'headless', 'None'), service('shop', 'api', '10.0.0.4')];
  const names = (list: corev1.Service[]) => list.map((s) => `${s.metadata!.namespace}/${s.metadata!.name}`);

  it.each([
    { name: 'links on: the namespace and default/kubernetes', ns: 'shop', links: true, own, want: ['shop/api', 'shop/db', 'default/kubernetes'] },
    { name: 'links off: only default/kubernetes', ns: 'shop', links: false, own, want: ['default/kubernetes'] },
    { name: 'a pod of default with links on', ns: 'default', links: true, own: [], want: ['default/kubernetes', 'default/other'] },
    { name: 'a pod of default with links off', ns: 'default', links: false, own: [], want: ['default/kubernetes'] },
    { name: "the namespace's own kubernetes service wins", ns: 'shop', links: true, own: [service('shop', 'kubernetes', '10.9.9.9')], want: ['shop/kubernetes'] },
    { name: 'other namespaces are ignored', ns: 'shop', links: true, own: [service('elsewhere', 'x', '10.0.0.5')], want: ['default/kubernetes'] },
  ])('$name', ({ ns, links, own: ownServices, want }) => {
    expect(names(visibleServices(ns, links, ownServices, [kubernetes, defaultOther]))).toEqual(want);
  });
});
