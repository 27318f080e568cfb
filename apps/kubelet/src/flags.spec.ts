import { describe, expect, it } from 'vitest';
import { FlagError, parseKubeletFlags, parseMapFlag, parseTaints } from './flags';

describe('parseKubeletFlags', () => {
  it('defaults as the kubelet does, the node named after the lower-cased host name', () => {
    const f = parseKubeletFlags([], 'My-Host');
    expect(f).toMatchObject({
      master: '127.0.0.1:6444',
      nodeName: 'my-host',
      rootDir: '/var/lib/kubelet',
      podLogsDir: '/var/log/pods',
      runtimeEndpoint: 'unix:///run/containerd/containerd.sock',
      runtime: 'remote',
      clusterDomain: 'cluster.local',
      clusterDNS: [],
      port: 10250,
      healthzPort: 10248,
      cniConfDir: '/etc/cni/net.d',
      cniBridgeName: 'cni0',
      maxPods: 110,
    });
  });

  it('reads every flag', () => {
    const f = parseKubeletFlags(
      [
        '--hostname-override=worker-1',
        '--node-ip=10.0.0.5',
        '--cluster-dns=10.96.0.10,10.96.0.11',
        '--kube-reserved=cpu=100m,memory=256Mi',
        '--system-reserved=memory=1Gi',
        '--node-labels=zone=a,tier=web',
        '--register-with-taints=dedicated=gpu:NoSchedule,spot:PreferNoSchedule',
        '--pod-cidr=10.244.3.0/24',
        '--runtime=fake',
        '--port=0',
        '--healthz-port=0',
        '--v=4',
      ],
      'ignored',
    );
    expect(f).toMatchObject({
      nodeName: 'worker-1',
      nodeIP: '10.0.0.5',
      clusterDNS: ['10.96.0.10', '10.96.0.11'],
      kubeReserved: { cpu: '100m', memory: '256Mi' },
      systemReserved: { memory: '1Gi' },
      nodeLabels: { zone: 'a', tier: 'web' },
      registerWithTaints: [
        { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' },
        { key: 'spot', effect: 'PreferNoSchedule' },
      ],
      podCIDR: '10.244.3.0/24',
      runtime: 'fake',
      port: 0,
      healthzPort: 0,
      verbosity: 4,
    });
  });

  it.each([
    { name: 'unknown flag', argv: ['--no-such-flag=1'], want: /no-such-flag/ },
    { name: 'bad runtime', argv: ['--runtime=docker'], want: /--runtime/ },
    { name: 'bad port', argv: ['--port=70000'], want: /invalid argument "70000" for "--port" flag/ },
    { name: 'bad CIDR', argv: ['--pod-cidr=10.0.0.0'], want: /invalid CIDR address/ },
    { name: 'bad DNS IP', argv: ['--cluster-dns=dns.local'], want: /invalid IP address dns.local/ },
    { name: 'bad taint effect', argv: ['--register-with-taints=a=b:Sometimes'], want: /invalid taint effect: Sometimes/ },
    { name: 'bad map', argv: ['--node-labels=novalue'], want: /malformed pair/ },
    { name: 'bad bridge', argv: ['--cni-bridge-name=a-name-far-too-long'], want: /not a Linux interface name/ },
  ])('refuses $name with a FlagError', ({ argv, want }) => {
    let err: unknown;
    try {
      parseKubeletFlags(argv, 'h');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FlagError);
    expect((err as Error).message).toMatch(want);
  });

  it('parses map and taint flags on their own', () => {
    expect(parseMapFlag('x', '')).toEqual({});
    expect(parseMapFlag('x', ' a = 1 , b=2 ')).toEqual({ a: '1', b: '2' });
    expect(parseTaints('')).toEqual([]);
    expect(parseTaints('k=:NoExecute')).toEqual([{ key: 'k', value: '', effect: 'NoExecute' }]);
  });
});
