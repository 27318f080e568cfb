import { describe, expect, it } from 'vitest';
import { FlagError, parseDuration, parseSchedulerFlags } from './flags';

const noFile = (path: string): string => {
  throw new Error(`no such file ${path}`);
};

describe('parseDuration', () => {
  it.each([
    ['15s', 15_000],
    ['500ms', 500],
    ['1m30s', 90_000],
    ['1.5s', 1500],
    ['2h', 7_200_000],
  ])('%s is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '15', 's', '1x', '1s2'])('%j is refused', (text) => expect(() => parseDuration(text)).toThrow(FlagError));
});

describe('parseSchedulerFlags', () => {
  it('defaults as kube-scheduler does, with the local cluster ports', () => {
    expect(parseSchedulerFlags([], noFile)).toEqual({
      master: '127.0.0.1:6444',
      config: undefined,
      leaderElection: {},
      bindAddress: '127.0.0.1',
      securePort: 10259,
      verbosity: 0,
    });
  });

  it('reads a YAML configuration and lets the flags override its leaderElection', () => {
    const yaml = [
      'apiVersion: kubescheduler.config.k8s.io/v1',
      'kind: KubeSchedulerConfiguration',
      'leaderElection:',
      '  leaderElect: true',
      '  leaseDuration: 4s',
      '  renewDeadline: 3s',
      '  resourceName: my-scheduler',
      'profiles:',
      '- schedulerName: bin-packer',
    ].join('\n');
    const flags = parseSchedulerFlags(['--config=/etc/s.yaml', '--leader-elect-renew-deadline=2s', '--master=10.0.0.1:6444', '--secure-port=0', '--v=4'], (p) => {
      expect(p).toBe('/etc/s.yaml');
      return yaml;
    });
    expect(flags.config).toMatchObject({ profiles: [{ schedulerName: 'bin-packer' }] });
    expect(flags.leaderElection).toEqual({ leaseDurationMs: 4000, renewDeadlineMs: 2000, name: 'my-scheduler' });
    expect(flags).toMatchObject({ master: '10.0.0.1:6444', securePort: 0, verbosity: 4 });
  });

  it.each([
    { name: 'the flag', argv: ['--leader-elect=false'], config: '{}' },
    { name: 'the configuration', argv: [], config: '{"leaderElection": {"leaderElect": false}}' },
  ])('turns leader election off through $name', ({ argv, config }) => {
    expect(parseSchedulerFlags(['--config=c.json', ...argv], () => config).leaderElection).toBe(false);
  });

  it.each([
    { name: 'unknown flag', argv: ['--kubeconfig=x'] },
    { name: 'bad port', argv: ['--secure-port=70000'] },
    { name: 'bad boolean', argv: ['--leader-elect=maybe'] },
    { name: 'missing config file', argv: ['--config=/nope'] },
    { name: 'bad duration', argv: ['--leader-elect-lease-duration=soon'] },
  ])('refuses a $name', ({ argv }) => {
    expect(() => parseSchedulerFlags(argv, noFile)).toThrow(FlagError);
  });
});
