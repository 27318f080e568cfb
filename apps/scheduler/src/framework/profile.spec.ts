import { describe, expect, it } from 'vitest';
import { inTreeRegistry } from '../plugins/registry';
import { CycleState } from './cycle-state';
import type { FilterPlugin, PreFilterPlugin, PreFilterResult, ReservePlugin } from './interfaces';
import { PodInfo } from './pod-info';
import { Profile, buildProfiles } from './profile';
import { loadSchedulerConfiguration } from './config';
import { Registry, RegistryError } from './registry';
import { Snapshot } from './snapshot';
import { Code, PluginError, Status } from './status';
import { makeNode, makePod } from './testing';

const registry = inTreeRegistry();
const defaultProfile = (): Profile => buildProfiles(undefined, { registry }).profiles.get('default-scheduler')!;

describe('Profile from the default configuration', () => {
  it('enables each in-tree plugin at the points it implements, in the v1 order', () => {
    const p = defaultProfile();
    expect(p.pluginNames('preEnqueue')).toEqual(['SchedulingGates']);
    expect(p.pluginNames('queueSort')).toEqual(['PrioritySort']);
    expect(p.pluginNames('preFilter')).toEqual(['NodePorts', 'PodTopologySpread', 'InterPodAffinity', 'NodeAffinity'].sort((a, b) => order(a) - order(b)));
    expect(p.pluginNames('filter')).toEqual(['NodeUnschedulable', 'NodeName', 'TaintToleration', 'NodeAffinity', 'NodePorts', 'NodeResourcesFit', 'PodTopologySpread', 'InterPodAffinity']);
    expect(p.pluginNames('postFilter')).toEqual(['DefaultPreemption']);
    expect(p.pluginNames('score')).toEqual(['TaintToleration', 'NodeAffinity', 'NodeResourcesFit', 'PodTopologySpread', 'InterPodAffinity', 'NodeResourcesBalancedAllocation', 'ImageLocality']);
    expect(p.pluginNames('bind')).toEqual(['DefaultBinder']);
    expect(Object.fromEntries(p.scoreWeights)).toEqual({
      TaintToleration: 3,
      NodeAffinity: 2,
      NodeResourcesFit: 1,
      PodTopologySpread: 2,
      InterPodAffinity: 2,
      NodeResourcesBalancedAllocation: 1,
      ImageLocality: 1,
    });
  });

  it('applies per-point overrides: explicit plugins first, disabled ones dropped, explicit weights win', () => {
    const { profiles } = buildProfiles(
      {
        profiles: [
          {
            schedulerName: 'packer',
            plugins: {
              score: { enabled: [{ name: 'NodeResourcesFit', weight: 5 }], disabled: [{ name: 'NodeResourcesBalancedAllocation' }] },
              filter: { disabled: [{ name: 'NodePorts' }] },
            },
            pluginConfig: [{ name: 'NodeResourcesFit', args: { scoringStrategy: { type: 'MostAllocated' } } }],
          },
        ],
      },
      { registry },
    );
    const p = profiles.get('packer')!;
    expect(p.pluginNames('score')[0]).toBe('NodeResourcesFit');
    expect(p.pluginNames('score')).not.toContain('NodeResourcesBalancedAllocation');
    expect(p.pluginNames('filter')).not.toContain('NodePorts');
    expect(p.scoreWeights.get('NodeResourcesFit')).toBe(5);
    expect((p.plugins.get('NodeResourcesFit') as unknown as { strategy: string }).strategy).toBe('MostAllocated');
  });

  it.each([
    { name: 'unknown plugin', profile: { plugins: { filter: { enabled: [{ name: 'Nope' }] } } }, error: 'plugin "Nope" does not exist' },
    { name: 'plugin at a point it lacks', profile: { plugins: { bind: { enabled: [{ name: 'NodeName' }] } } }, error: 'plugin "NodeName" does not extend BindPlugin plugin' },
    { name: 'no queue sort', profile: { plugins: { queueSort: { disabled: [{ name: '*' }] } } }, error: 'only one queue sort plugin required' },
    { name: 'no binder', profile: { plugins: { multiPoint: { disabled: [{ name: 'DefaultBinder' }] } } }, error: 'at least one bind plugin is needed' },
  ])('refuses $name', ({ profile, error }) => {
    expect(() => buildProfiles({ profiles: [profile] }, { registry })).toThrow(RegistryError);
    expect(() => buildProfiles({ profiles: [profile] }, { registry })).toThrow(error);
  });
});

function order(name: string): number {
  return ['NodeAffinity', 'NodePorts', 'PodTopologySpread', 'InterPodAffinity'].indexOf(name);
}

/** A profile made of the given extra plugins plus the mandatory sort and binder. */
function profileWith(...plugins: { name: string }[]): Profile {
  const r = inTreeRegistry();
  for (const p of plugins) r.register(p.name, () => p);
  const config = loadSchedulerConfiguration({
    profiles: [{ plugins: { multiPoint: { disabled: [{ name: '*' }], enabled: [{ name: 'PrioritySort' }, { name: 'DefaultBinder' }, ...plugins.map((p) => ({ name: p.name }))] } } }],
  });
  return new Profile(config.profiles[0]!, { registry: r });
}

const preFilter = (name: string, r: PreFilterResult): PreFilterPlugin => ({ name, preFilter: () => r });

describe('Profile.runPreFilterPlugins', () => {
  const pod = new PodInfo(makePod('p').obj());
  const snapshot = Snapshot.fromObjects([makeNode('n1').obj()]);

  it.each([
    { name: 'all pass', plugins: [preFilter('A', undefined)], want: { code: undefined, nodes: undefined, skip: [] } },
    { name: 'skip marks the filter skipped', plugins: [preFilter('A', Status.skip())], want: { code: undefined, nodes: undefined, skip: ['A'] } },
    {
      name: 'node sets intersect',
      plugins: [preFilter('A', { nodeNames: new Set(['n1', 'n2']) }), preFilter('B', { nodeNames: new Set(['n2', 'n3']) })],
      want: { code: undefined, nodes: ['n2'], skip: [] },
    },
    {
      name: 'an empty intersection rejects naming the plugins',
      plugins: [preFilter('A', { nodeNames: new Set(['n1']) }), preFilter('B', { nodeNames: new Set(['n2']) })],
      want: { code: Code.UnschedulableAndUnresolvable, message: "node(s) didn't satisfy plugin(s) [A B] simultaneously", nodes: [], skip: [] },
    },
    {
      name: 'unschedulable lets later plugins run',
      plugins: [preFilter('A', Status.unschedulable('no')), preFilter('B', Status.skip())],
      want: { code: Code.Unschedulable, message: 'no', nodes: undefined, skip: ['B'] },
    },
    {
      name: 'unresolvable stops at once',
      plugins: [preFilter('A', Status.unresolvable('never')), preFilter('B', Status.skip())],
      want: { code: Code.UnschedulableAndUnresolvable, message: 'never', nodes: undefined, skip: [] },
    },
  ])('$name', ({ plugins, want }) => {
    const state = new CycleState();
    const out = profileWith(...plugins).runPreFilterPlugins(state, pod, snapshot);
    expect(out.status?.code).toBe(want.code);
    if (want.message !== undefined) expect(out.status?.message()).toBe(want.message);
    expect(out.nodeNames === undefined ? undefined : [...out.nodeNames]).toEqual(want.nodes);
    expect([...state.skipFilterPlugins]).toEqual(want.skip);
  });

  it('throws PluginError for an Error status', () => {
    expect(() => profileWith(preFilter('A', Status.error(new Error('x')))).runPreFilterPlugins(new CycleState(), pod, snapshot)).toThrow(PluginError);
  });
});

describe('Profile filter runners', () => {
  const ni = Snapshot.fromObjects([makeNode('n1').obj()]).get('n1')!;
  const pod = new PodInfo(makePod('p').obj());
  const filter = (name: string, s: Status | undefined): FilterPlugin => ({ name, filter: () => s });

  it('stops at the first rejection and stamps its plugin', () => {
    const s = profileWith(filter('A', undefined), filter('B', Status.unschedulable('b')), filter('C', Status.unschedulable('c'))).runFilterPlugins(new CycleState(), pod, ni);
    expect(s?.reasons).toEqual(['b']);
    expect(s?.plugin).toBe('B');
  });

  it('skips filters marked in the cycle state', () => {
    const state = new CycleState();
    state.skipFilterPlugins.add('B');
    expect(profileWith(filter('B', Status.unschedulable('b'))).runFilterPlugins(state, pod, ni)).toBeUndefined();
  });

  it('counts nominated pods of equal or higher priority', () => {
    const nominated = new PodInfo(makePod('nom').req({ cpu: '3' }).priority(10).obj());
    const r = inTreeRegistry();
    const config = loadSchedulerConfiguration({});
    const withNominator = (priority: number) => {
      const p = new Profile(config.profiles[0]!, { registry: r, nominator: { nominatedPodsForNode: (n) => (n === 'n1' ? [nominated] : []) } });
      const state = new CycleState();
      const incoming = new PodInfo(makePod('p').req({ cpu: '2' }).priority(priority).obj());
      p.runPreFilterPlugins(state, incoming, Snapshot.fromObjects([makeNode('n1').obj()]));
      return p.runFilterPluginsWithNominatedPods(state, incoming, ni);
    };
    expect(withNominator(5)?.reasons).toEqual(['Insufficient cpu']);
    expect(withNominator(20)).toBeUndefined();
  });
});

describe('Profile binding-cycle runners', () => {
  const pod = new PodInfo(makePod('p').obj());

  it('unreserves in reverse order after a failed reserve', async () => {
    const calls: string[] = [];
    const reserve = (name: string, fail: boolean): ReservePlugin => ({
      name,
      reserve: () => {
        calls.push(`reserve ${name}`);
        return fail ? Status.unschedulable('full') : undefined;
      },
      unreserve: () => {
        calls.push(`unreserve ${name}`);
      },
    });
    const p = profileWith(reserve('A', false), reserve('B', true));
    const s = await p.runReservePluginsReserve(new CycleState(), pod, 'n1');
    expect(s?.plugin).toBe('B');
    await p.runReservePluginsUnreserve(new CycleState(), pod, 'n1');
    expect(calls).toEqual(['reserve A', 'reserve B', 'unreserve B', 'unreserve A']);
  });

  it('permit: rejection wins, waits are collected with capped timeouts', () => {
    const wait = { name: 'W', permit: () => ({ status: new Status(Code.Wait), timeoutMs: 99 * 60 * 60 * 1000 }) };
    const deny = { name: 'D', permit: () => ({ status: Status.unschedulable('nope') }) };
    const waiting = profileWith(wait).runPermitPlugins(new CycleState(), pod, 'n1');
    expect(waiting.status?.code).toBe(Code.Wait);
    expect(waiting.waitingOn.get('W')).toBe(15 * 60 * 1000);
    expect(profileWith(wait, deny).runPermitPlugins(new CycleState(), pod, 'n1').status?.plugin).toBe('D');
  });

  it('binds through the injected function, and skipping binders fall through', async () => {
    const bound: string[] = [];
    const r = inTreeRegistry({ bind: async (p, node) => void bound.push(`${p.metadata?.name}@${node}`) });
    r.register('Skipper', () => ({ name: 'Skipper', bind: () => Status.skip() }));
    const config = loadSchedulerConfiguration({ profiles: [{ plugins: { bind: { enabled: [{ name: 'Skipper' }] } } }] });
    const p = new Profile(config.profiles[0]!, { registry: r });
    expect(p.pluginNames('bind')).toEqual(['DefaultBinder', 'Skipper']);
    expect(await p.runBindPlugins(new CycleState(), pod, 'n1')).toBeUndefined();
    expect(bound).toEqual(['p@n1']);
    const failing = new Profile(loadSchedulerConfiguration({}).profiles[0]!, { registry: inTreeRegistry({ bind: () => Promise.reject(new Error('conflict')) }) });
    const s = await failing.runBindPlugins(new CycleState(), pod, 'n1');
    expect(s?.code).toBe(Code.Error);
    expect(s?.message()).toBe('conflict');
  });

  it('pre-enqueue reports scheduling gates', () => {
    const s = defaultProfile().runPreEnqueuePlugins(new PodInfo(makePod('g').schedulingGates('a', 'b').obj()));
    expect(s?.message()).toBe('waiting for scheduling gates: [a b]');
    expect(s?.code).toBe(Code.UnschedulableAndUnresolvable);
  });
});

describe('Registry interplay', () => {
  it('passes plugin args from pluginConfig to the factory', () => {
    const seen: unknown[] = [];
    const r = inTreeRegistry();
    r.register('Probe', (args) => {
      seen.push(args);
      return { name: 'Probe', filter: () => undefined };
    });
    buildProfiles({ profiles: [{ plugins: { filter: { enabled: [{ name: 'Probe' }] } }, pluginConfig: [{ name: 'Probe', args: { x: 1 } }] }] }, { registry: r });
    expect(seen).toEqual([{ x: 1 }]);
    expect(new Registry().names()).toEqual([]);
  });
});
