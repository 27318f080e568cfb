import { describe, expect, it } from 'vitest';
import { FlagError, parseDuration, parseHollowFlags } from './flags';

describe('parseHollowFlags', () => {
  it('defaults to one 4-CPU, 16Gi node named hollow-0 talking to 127.0.0.1:6444', () => {
    expect(parseHollowFlags([])).toMatchObject({
      count: 1,
      master: '127.0.0.1:6444',
      namePrefix: 'hollow',
      cpu: '4',
      memory: '16Gi',
      ephemeralStorage: '100Gi',
      maxPods: 110,
      nodeLabels: {},
      zones: [],
      registerWithTaints: [],
      healthzPort: 10247,
      rootDir: '',
      syncFrequencyMs: 60_000,
      nodeStatusUpdateFrequencyMs: 10_000,
      nodeLeaseDurationSeconds: 40,
      containerStartDelayMs: 0,
      startConcurrency: 32,
      deleteNodesOnExit: false,
      verbosity: 0,
    });
  });

  it('reads every flag', () => {
    const f = parseHollowFlags([
      '--count',
      '1000',
      '--master=10.0.0.1:6444',
      '--name-prefix=kwok.node',
      '--cpu=500m',
      '--memory=2Gi',
      '--max-pods=30',
      '--node-labels=team=a,tier=web',
      '--zones=z1, z2',
      '--register-with-taints=dedicated=hollow:NoSchedule,spot:PreferNoSchedule',
      '--healthz-port=0',
      '--root-dir=/tmp/x',
      '--cluster-dns=10.96.0.10',
      '--sync-frequency=1m30s',
      '--node-status-update-frequency=500ms',
      '--container-start-delay=1.5s',
      '--delete-nodes-on-exit',
      '-v',
      '4',
    ]);
    expect(f).toMatchObject({
      count: 1000,
      master: '10.0.0.1:6444',
      namePrefix: 'kwok.node',
      cpu: '500m',
      memory: '2Gi',
      maxPods: 30,
      nodeLabels: { team: 'a', tier: 'web' },
      zones: ['z1', 'z2'],
      registerWithTaints: [
        { key: 'dedicated', value: 'hollow', effect: 'NoSchedule' },
        { key: 'spot', effect: 'PreferNoSchedule' },
      ],
      healthzPort: 0,
      rootDir: '/tmp/x',
      clusterDNS: ['10.96.0.10'],
      syncFrequencyMs: 90_000,
      nodeStatusUpdateFrequencyMs: 500,
      containerStartDelayMs: 1500,
      deleteNodesOnExit: true,
      verbosity: 4,
    });
  });

  it.each([
    { name: 'a count of zero', argv: ['--count=0'], want: 'invalid argument "0" for "--count" flag: must be an integer between 1 and 65536' },
    { name: 'a count that is not a number', argv: ['--count=many'], want: 'invalid argument "many" for "--count" flag' },
    { name: 'an unknown flag', argv: ['--nodes=3'], want: "Unknown option '--nodes'" },
    { name: 'a master without a port', argv: ['--master=localhost'], want: 'invalid argument "localhost" for "--master" flag: must be host:port' },
    { name: 'an upper-case prefix', argv: ['--name-prefix=Hollow'], want: 'invalid argument "Hollow" for "--name-prefix" flag: a lowercase RFC 1123 subdomain' },
    { name: 'a malformed cpu quantity', argv: ['--cpu=four'], want: 'invalid argument "four" for "--cpu" flag' },
    { name: 'a zero memory', argv: ['--memory=0'], want: 'invalid argument "0" for "--memory" flag: must be greater than zero' },
    { name: 'more pods than a /24 has addresses', argv: ['--max-pods=300'], want: 'invalid argument "300" for "--max-pods" flag' },
    { name: 'a label pair without =', argv: ['--node-labels=team'], want: 'invalid argument "team" for "--node-labels" flag: malformed pair, expect string=string' },
    { name: 'a kubernetes.io label the kubelet may not set', argv: ['--node-labels=node-role.kubernetes.io/master='], want: 'node-role.kubernetes.io/master' },
    { name: 'a taint without an effect', argv: ['--register-with-taints=a=b'], want: 'invalid taint spec: a=b, invalid taint effect: , unsupported taint effect' },
    { name: 'a bad duration', argv: ['--sync-frequency=10'], want: 'invalid argument "10" for "--sync-frequency" flag: time: invalid duration "10"' },
    { name: 'a zero sync frequency', argv: ['--sync-frequency=0s'], want: 'invalid argument "0s" for "--sync-frequency" flag: must be greater than zero' },
    { name: 'a bad DNS address', argv: ['--cluster-dns=dns'], want: 'invalid argument "dns" for "--cluster-dns" flag: invalid IP address dns' },
    { name: 'a negative verbosity', argv: ['-v=-1'], want: 'invalid argument "=-1" for "-v" flag' },
  ])('refuses $name', ({ argv, want }) => {
    let err: unknown;
    try {
      parseHollowFlags(argv);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FlagError);
    expect((err as Error).message).toContain(want);
  });
});

describe('parseDuration', () => {
  it.each([
    { text: '0', ms: 0 },
    { text: '250ms', ms: 250 },
    { text: '10s', ms: 10_000 },
    { text: '1m30s', ms: 90_000 },
    { text: '1.5h', ms: 5_400_000 },
    { text: '1500us', ms: 1.5 },
  ])('reads $text as $ms ms', ({ text, ms }) => {
    expect(parseDuration('d', text)).toBe(ms);
  });

  it.each(['', '10', 's', '1m 30s', '-1s', '1d'])('refuses %j', (text) => {
    expect(() => parseDuration('d', text)).toThrow(`invalid argument "${text}" for "--d" flag: time: invalid duration "${text}"`);
  });
});
