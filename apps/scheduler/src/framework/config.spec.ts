import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_SCHEDULER_NAME, loadSchedulerConfiguration } from './config';

describe('loadSchedulerConfiguration', () => {
  it('defaults to one default-scheduler profile with the v1 default plugins', () => {
    const c = loadSchedulerConfiguration(undefined);
    expect(c.profiles).toHaveLength(1);
    const p = c.profiles[0]!;
    expect(p.schedulerName).toBe(DEFAULT_SCHEDULER_NAME);
    expect(p.plugins.multiPoint.enabled.map((e) => `${e.name}:${e.weight}`)).toEqual([
      'SchedulingGates:0',
      'PrioritySort:0',
      'NodeUnschedulable:0',
      'NodeName:0',
      'TaintToleration:3',
      'NodeAffinity:2',
      'NodePorts:0',
      'NodeResourcesFit:1',
      'PodTopologySpread:2',
      'InterPodAffinity:2',
      'DefaultPreemption:0',
      'NodeResourcesBalancedAllocation:1',
      'ImageLocality:1',
      'DefaultBinder:0',
    ]);
    expect(c).toMatchObject({ parallelism: 16, percentageOfNodesToScore: 0, podInitialBackoffSeconds: 1, podMaxBackoffSeconds: 10 });
  });

  it.each([
    {
      name: 'a custom weight replaces the default in place',
      multiPoint: { enabled: [{ name: 'TaintToleration', weight: 10 }] },
      want: (names: string[]) => names.includes('TaintToleration:10') && names.indexOf('TaintToleration:10') === 4,
    },
    {
      name: 'disabled default plugins are dropped',
      multiPoint: { disabled: [{ name: 'ImageLocality' }] },
      want: (names: string[]) => !names.some((n) => n.startsWith('ImageLocality')),
    },
    {
      name: '* drops every default, enabled ones are kept',
      multiPoint: { disabled: [{ name: '*' }], enabled: [{ name: 'PrioritySort' }, { name: 'DefaultBinder' }] },
      want: (names: string[]) => names.join(',') === 'PrioritySort:0,DefaultBinder:0',
    },
    {
      name: 'new plugins are appended',
      multiPoint: { enabled: [{ name: 'Custom', weight: 5 }] },
      want: (names: string[]) => names[names.length - 1] === 'Custom:5',
    },
  ])('multiPoint merge: $name', ({ multiPoint, want }) => {
    const c = loadSchedulerConfiguration({ apiVersion: 'kubescheduler.config.k8s.io/v1', kind: 'KubeSchedulerConfiguration', profiles: [{ plugins: { multiPoint } }] });
    expect(want(c.profiles[0]!.plugins.multiPoint.enabled.map((e) => `${e.name}:${e.weight}`))).toBe(true);
  });

  it('keeps per-point sets, plugin args and several named profiles', () => {
    const c = loadSchedulerConfiguration({
      percentageOfNodesToScore: 50,
      profiles: [
        { schedulerName: 'a', plugins: { score: { disabled: [{ name: '*' }], enabled: [{ name: 'NodeResourcesFit', weight: 2 }] } } },
        { schedulerName: 'b', percentageOfNodesToScore: 100, pluginConfig: [{ name: 'NodeResourcesFit', args: { scoringStrategy: { type: 'MostAllocated' } } }] },
      ],
    });
    expect(c.profiles.map((p) => p.schedulerName)).toEqual(['a', 'b']);
    expect(c.profiles[0]!.plugins.score).toEqual({ enabled: [{ name: 'NodeResourcesFit', weight: 2 }], disabled: ['*'] });
    expect(c.profiles[1]!.pluginArgs.get('NodeResourcesFit')).toEqual({ scoringStrategy: { type: 'MostAllocated' } });
    expect(c.profiles[1]!.percentageOfNodesToScore).toBe(100);
    expect(c.percentageOfNodesToScore).toBe(50);
  });

  it.each([
    { name: 'wrong apiVersion', raw: { apiVersion: 'kubescheduler.config.k8s.io/v1beta1' }, error: 'apiVersion: Unsupported value' },
    { name: 'unnamed second profile', raw: { profiles: [{ schedulerName: 'a' }, {}] }, error: 'profiles[1].schedulerName: Required value' },
    { name: 'duplicate names', raw: { profiles: [{ schedulerName: 'a' }, { schedulerName: 'a' }] }, error: 'profiles[1].schedulerName: Duplicate value: "a"' },
    { name: 'percentage out of range', raw: { percentageOfNodesToScore: 101 }, error: 'not in valid range [0-100]' },
    { name: 'negative weight', raw: { profiles: [{ plugins: { score: { enabled: [{ name: 'X', weight: -1 }] } } }] }, error: 'weight: Invalid value: -1' },
    { name: 'duplicate plugin config', raw: { profiles: [{ pluginConfig: [{ name: 'X' }, { name: 'X' }] }] }, error: 'pluginConfig[1]: Duplicate value: "X"' },
    {
      name: 'different queue sorts',
      raw: { profiles: [{ schedulerName: 'a' }, { schedulerName: 'b', plugins: { queueSort: { enabled: [{ name: 'Other' }], disabled: [{ name: '*' }] } } }] },
      error: 'queueSort must be the same for all profiles',
    },
    { name: 'backoff cap below initial', raw: { podInitialBackoffSeconds: 5, podMaxBackoffSeconds: 2 }, error: 'podMaxBackoffSeconds' },
  ])('rejects $name', ({ raw, error }) => {
    expect(() => loadSchedulerConfiguration(raw)).toThrow(ConfigError);
    expect(() => loadSchedulerConfiguration(raw)).toThrow(error);
  });
});
