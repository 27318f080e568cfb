import type { appsv1, corev1 } from '@tskube/api-types';
import { describe, expect, it } from 'vitest';
import { CycleState } from '../../framework/cycle-state';
import { PodInfo } from '../../framework/pod-info';
import { Snapshot } from '../../framework/snapshot';
import { filterVerdicts, makeNode, makePod, scoreNodes, testHandle } from '../../framework/testing';
import { PluginArgsError } from '../helper/args';
import { PodTopologySpread } from './pod-topology-spread';

const ZONE = 'topology.kubernetes.io/zone';
const SKEW = "Unschedulable: node(s) didn't match pod topology spread constraints";
const MISSING = "UnschedulableAndUnresolvable: node(s) didn't match pod topology spread constraints (missing required label)";

const nodes = [
  makeNode('a1').label(ZONE, 'a').obj(),
  makeNode('a2').label(ZONE, 'a').obj(),
  makeNode('b1').label(ZONE, 'b').obj(),
  makeNode('c1').label(ZONE, 'c').taint('dedicated', 'x', 'NoSchedule').obj(),
  makeNode('x1').obj(),
];

const web = (name: string, node: string) => makePod(name).label('app', 'web').node(node);
const spreadByZone = (extra: Partial<corev1.TopologySpreadConstraint> = {}) => makePod('p').label('app', 'web').spreadConstraint(1, ZONE, 'DoNotSchedule', { app: 'web' }, extra);

describe('PodTopologySpread filter', () => {
  it.each([
    {
      name: 'skew against the global minimum (an empty zone)',
      existing: [web('w1', 'a1'), web('w2', 'a1'), web('w3', 'b1')],
      pod: spreadByZone(),
      want: { a1: SKEW, a2: SKEW, b1: SKEW, c1: '', x1: MISSING },
    },
    {
      name: 'nodeTaintsPolicy Honor leaves tainted nodes out of the domains',
      existing: [web('w1', 'a1'), web('w2', 'a1'), web('w3', 'b1')],
      pod: spreadByZone({ nodeTaintsPolicy: 'Honor' }),
      want: { a1: SKEW, a2: SKEW, b1: '', c1: '', x1: MISSING },
    },
    {
      name: 'nodeAffinityPolicy Honor (default) leaves nodes failing the node affinity out',
      existing: [web('w1', 'a1'), web('w2', 'a1'), web('w3', 'b1')],
      pod: spreadByZone().nodeAffinityIn(ZONE, ['a', 'b']),
      want: { a1: SKEW, a2: SKEW, b1: '', c1: '', x1: MISSING },
    },
    {
      name: 'nodeAffinityPolicy Ignore counts them',
      existing: [web('w1', 'a1'), web('w2', 'a1'), web('w3', 'b1')],
      pod: spreadByZone({ nodeAffinityPolicy: 'Ignore' }).nodeAffinityIn(ZONE, ['a', 'b']),
      want: { a1: SKEW, a2: SKEW, b1: SKEW, c1: '', x1: MISSING },
    },
    {
      name: 'balanced zones accept one more anywhere',
      existing: [web('w1', 'a1'), web('w2', 'b1'), web('w3', 'c1')],
      pod: spreadByZone(),
      want: { a1: '', a2: '', b1: '', c1: '', x1: MISSING },
    },
    {
      name: 'fewer domains than minDomains make the minimum 0',
      existing: [web('w1', 'a1'), web('w2', 'b1'), web('w3', 'c1')],
      pod: spreadByZone({ minDomains: 4 }),
      want: { a1: SKEW, a2: SKEW, b1: SKEW, c1: SKEW, x1: MISSING },
    },
    {
      name: 'a pod outside its own selector does not add itself',
      existing: [web('w1', 'a1'), web('w2', 'a1'), web('w3', 'b1')],
      pod: makePod('p').label('app', 'other').spreadConstraint(1, ZONE, 'DoNotSchedule', { app: 'web' }),
      want: { a1: SKEW, a2: SKEW, b1: '', c1: '', x1: MISSING },
    },
    {
      name: 'other namespaces and terminating pods do not count',
      existing: [web('w1', 'a1').namespace('other'), web('w2', 'a1').terminating(), web('w3', 'a1')],
      pod: spreadByZone(),
      want: { a1: SKEW, a2: SKEW, b1: '', c1: '', x1: MISSING },
    },
    {
      name: 'matchLabelKeys narrow the selector to the pod’s own values',
      existing: [web('w1', 'a1').label('version', 'v1'), web('w2', 'a1').label('version', 'v1')],
      pod: spreadByZone({ matchLabelKeys: ['version'] }).label('version', 'v2'),
      want: { a1: '', a2: '', b1: '', c1: '', x1: MISSING },
    },
    {
      name: 'ScheduleAnyway constraints do not filter',
      existing: [web('w1', 'a1'), web('w2', 'a1')],
      pod: makePod('p').label('app', 'web').spreadConstraint(1, ZONE, 'ScheduleAnyway', { app: 'web' }),
      want: { a1: '', a2: '', b1: '', c1: '', x1: '' },
    },
  ])('$name', ({ existing, pod, want }) => {
    const snapshot = Snapshot.fromObjects(
      nodes,
      existing.map((p) => p.obj()),
    );
    expect(filterVerdicts(new PodTopologySpread(testHandle()), pod.obj(), snapshot)).toEqual(want);
  });

  it('cluster default constraints of type List apply to pods selected by a Service', () => {
    const services: corev1.Service[] = [{ metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' } } }];
    const plugin = new PodTopologySpread(testHandle({ services: () => services }), {
      defaultingType: 'List',
      defaultConstraints: [{ maxSkew: 1, topologyKey: ZONE, whenUnsatisfiable: 'DoNotSchedule' }],
    });
    const snapshot = Snapshot.fromObjects(nodes, [web('w1', 'a1').obj(), web('w2', 'b1').obj()]);
    expect(filterVerdicts(plugin, makePod('p').label('app', 'web').obj(), snapshot)).toEqual({ a1: SKEW, a2: SKEW, b1: SKEW, c1: '', x1: MISSING });
    expect(filterVerdicts(plugin, makePod('q').label('app', 'api').obj(), snapshot)).toEqual({ a1: '', a2: '', b1: '', c1: '', x1: '' });
  });

  it('AddPod and RemovePod move the counts', () => {
    const plugin = new PodTopologySpread(testHandle());
    const snapshot = Snapshot.fromObjects(nodes, [web('w1', 'a1').obj(), web('w2', 'b1').obj(), web('w3', 'c1').obj()]);
    const pod = new PodInfo(spreadByZone().obj());
    const state = new CycleState();
    plugin.preFilter(state, pod, snapshot);
    const a1 = snapshot.get('a1')!;
    expect(plugin.filter(state, pod, a1)).toBeUndefined();
    const copy = state.clone();
    plugin.addPod(copy, pod, new PodInfo(web('w9', 'a1').obj()), a1);
    expect(plugin.filter(copy, pod, a1)?.message()).toBe("node(s) didn't match pod topology spread constraints");
    expect(plugin.filter(state, pod, a1)).toBeUndefined();
    plugin.removePod(copy, pod, new PodInfo(web('w9', 'a1').obj()), a1);
    expect(plugin.filter(copy, pod, a1)).toBeUndefined();
  });

  it.each([
    { args: { defaultingType: 'System', defaultConstraints: [{ maxSkew: 1, topologyKey: ZONE, whenUnsatisfiable: 'DoNotSchedule' }] }, error: 'must be empty' },
    { args: { defaultingType: 'List', defaultConstraints: [{ maxSkew: 1, topologyKey: ZONE, whenUnsatisfiable: 'DoNotSchedule', labelSelector: {} }] }, error: 'must not define a selector' },
    { args: { defaultingType: 'Other' }, error: 'defaultingType: Unsupported value' },
  ])('rejects bad args: $error', ({ args, error }) => {
    expect(() => new PodTopologySpread(testHandle(), args)).toThrow(PluginArgsError);
    expect(() => new PodTopologySpread(testHandle(), args)).toThrow(error);
  });
});

describe('PodTopologySpread score', () => {
  it('fewer matching pods in the zone scores higher; nodes without the key score 0', () => {
    const snapshot = Snapshot.fromObjects(nodes, [web('w1', 'a1').obj(), web('w2', 'a1').obj(), web('w3', 'b1').obj()]);
    const pod = makePod('p').label('app', 'web').spreadConstraint(1, ZONE, 'ScheduleAnyway', { app: 'web' });
    // Raw: a = 2·ln 5 ≈ 3, b = ln 5 ≈ 2, c = 0; normalized as 100·(max + min − s)/max.
    expect(scoreNodes(new PodTopologySpread(testHandle()), pod.obj(), snapshot)).toEqual({ a1: 0, a2: 0, b1: 33, c1: 100, x1: 0 });
  });

  it('system defaults spread pods of a ReplicaSet by hostname and zone', () => {
    const rs: appsv1.ReplicaSet = { metadata: { name: 'rs1', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'web' } }, template: {} } };
    const plugin = new PodTopologySpread(testHandle({ replicaSet: (ns, name) => (ns === 'default' && name === 'rs1' ? rs : undefined) }));
    const snapshot = Snapshot.fromObjects(nodes, [web('w1', 'a1').obj(), web('w2', 'a1').obj(), web('w3', 'b1').obj()]);
    const pod = makePod('p').label('app', 'web').ownedBy('ReplicaSet', 'rs1');
    // Zone-less x1 still spreads by hostname under the system defaults.
    expect(scoreNodes(plugin, pod.obj(), snapshot)).toEqual({ a1: 15, a2: 38, b1: 38, c1: 69, x1: 100 });
    expect(scoreNodes(plugin, makePod('orphan').label('app', 'web').obj(), snapshot)).toBe('skip');
  });
});
