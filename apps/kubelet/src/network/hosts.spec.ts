import { describe, expect, it } from 'vitest';
import { hostNetworkHostsFile, managedHostsFile, podHostDomain, podHostname } from './hosts';

describe('managed /etc/hosts', () => {
  it('writes Kubernetes-managed content with the pod IP and its host name', () => {
    expect(managedHostsFile(['10.244.0.5'], 'web-0', '')).toBe(
      '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n10.244.0.5\tweb-0\n',
    );
  });

  it('puts the fully qualified name first when the pod has a subdomain, then the host aliases', () => {
    const pod = { metadata: { name: 'web-0', namespace: 'shop' }, spec: { containers: [], subdomain: 'web', hostname: 'db-0' } };
    const text = managedHostsFile(['10.244.0.5'], podHostname(pod), podHostDomain(pod, 'cluster.local'), [{ ip: '1.2.3.4', hostnames: ['foo', 'bar'] }]);
    expect(text.endsWith('10.244.0.5\tdb-0.web.shop.svc.cluster.local\tdb-0\n\n# Entries added by HostAliases.\n1.2.3.4\tfoo\tbar\n')).toBe(true);
  });

  it('copies the host file under its own header for host-network pods', () => {
    expect(hostNetworkHostsFile('127.0.0.1 localhost\n')).toBe('# Kubernetes-managed hosts file (host network).\n127.0.0.1 localhost\n');
  });

  it('cuts a long pod name to a DNS label', () => {
    expect(podHostname({ metadata: { name: `${'a'.repeat(62)}-b` }, spec: { containers: [] } })).toBe('a'.repeat(62));
  });
});
