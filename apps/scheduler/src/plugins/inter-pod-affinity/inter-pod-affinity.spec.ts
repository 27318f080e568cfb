import type { corev1 } from '@tskube/api-types';
import { describe, expect, it } from 'vitest';
import { CycleState } from '../../framework/cycle-state';
import { PodInfo } from '../../framework/pod-info';
import { Snapshot } from '../../framework/snapshot';
import { filterVerdicts, makeNode, makePod, scoreNodes, testHandle } from '../../framework/testing';
import { PluginArgsError } from '../helper/args';
import { InterPodAffinity } from './inter-pod-affinity';

const AFFINITY = "UnschedulableAndUnresolvable: node(s) didn't match pod affinity rules";
const ANTI = "Unschedulable: node(s) didn't match pod anti-affinity rules";
const EXISTING = "Unschedulable: node(s) didn't satisfy existing pods anti-affinity rules";
const HOST = 'kubernetes.io/hostname';
const ZONE = 'topology.kubernetes.io/zone';

const nodes = [
  makeNode('n1').label(ZONE, 'z1').obj(),
  makeNode('n2').label(ZONE, 'z1').obj(),
  makeNode('n3').label(ZONE, 'z2').obj(),
  makeNode('n4').obj(),
];

const namespaces: corev1.Namespace[] = [
  { metadata: { name: 'default', labels: { team: 'b' } } },
  { metadata: { name: 'other', labels: { team: 'a' } } },
];
const handle = testHandle({ namespaces: () => namespaces, namespace: (n) => namespaces.find((x) => x.metadata?.name === n) });

describe('InterPodAffinity filter', () => {
  const existing = [makePod('web').label('app', 'web').node('n1'), makePod('guard').podAntiAffinity(ZONE, 'app', 'cache').node('n3'), makePod('web2').namespace('other').label('app', 'web').node('n3')];
  const snapshot = Snapshot.fromObjects(
    nodes,
    existing.map((p) => p.obj()),
  );

  it.each([
    { name: 'no affinity anywhere relevant', pod: makePod('p'), want: { n1: '', n2: '', n3: '', n4: '' } },
    { name: 'affinity to a zone with a matching pod', pod: makePod('p').podAffinity(ZONE, 'app', 'web'), want: { n1: '', n2: '', n3: AFFINITY, n4: AFFINITY } },
    { name: 'affinity within a hostname', pod: makePod('p').podAffinity(HOST, 'app', 'web'), want: { n1: '', n2: AFFINITY, n3: AFFINITY, n4: AFFINITY } },
    {
      name: 'the first pod of a self-affine group may go to any node with the topology key',
      pod: makePod('p').label('app', 'solo').podAffinity(ZONE, 'app', 'solo'),
      want: { n1: '', n2: '', n3: '', n4: AFFINITY },
    },
    { name: 'affinity to pods that do not exist, without matching itself', pod: makePod('p').podAffinity(ZONE, 'app', 'solo'), want: { n1: AFFINITY, n2: AFFINITY, n3: AFFINITY, n4: AFFINITY } },
    { name: 'anti-affinity by hostname', pod: makePod('p').podAntiAffinity(HOST, 'app', 'web'), want: { n1: ANTI, n2: '', n3: '', n4: '' } },
    { name: 'anti-affinity by zone', pod: makePod('p').podAntiAffinity(ZONE, 'app', 'web'), want: { n1: ANTI, n2: ANTI, n3: '', n4: '' } },
    { name: "an existing pod's anti-affinity keeps the pod out of its zone", pod: makePod('p').label('app', 'cache'), want: { n1: '', n2: '', n3: EXISTING, n4: '' } },
    {
      name: 'terms only look at the listed namespaces',
      pod: makePod('p').affinity({ podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: ZONE, namespaces: ['other'], labelSelector: { matchLabels: { app: 'web' } } }] } }),
      want: { n1: AFFINITY, n2: AFFINITY, n3: '', n4: AFFINITY },
    },
    {
      name: 'a namespaceSelector picks namespaces by label',
      pod: makePod('p').affinity({
        podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: HOST, namespaceSelector: { matchLabels: { team: 'a' } }, labelSelector: { matchLabels: { app: 'web' } } }] },
      }),
      want: { n1: '', n2: '', n3: ANTI, n4: '' },
    },
    {
      name: 'an empty namespaceSelector means every namespace',
      pod: makePod('p').affinity({ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: HOST, namespaceSelector: {}, labelSelector: { matchLabels: { app: 'web' } } }] } }),
      want: { n1: ANTI, n2: '', n3: ANTI, n4: '' },
    },
  ])('$name', ({ pod, want }) => {
    expect(filterVerdicts(new InterPodAffinity(handle), pod.obj(), snapshot)).toEqual(want);
  });

  it('an unparsable selector rejects the pod', () => {
    const pod = makePod('p').affinity({ podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: ZONE, labelSelector: { matchExpressions: [{ key: 'app', operator: 'Bogus' }] } }] } });
    expect(filterVerdicts(new InterPodAffinity(handle), pod.obj(), snapshot).n1).toMatch(/^UnschedulableAndUnresolvable: parsing pod: /);
  });

  it('AddPod and RemovePod update the counts preemption relies on', () => {
    const plugin = new InterPodAffinity(handle);
    const state = new CycleState();
    const pod = new PodInfo(makePod('p').podAntiAffinity(HOST, 'app', 'web').obj());
    plugin.preFilter(state, pod, snapshot);
    const n1 = snapshot.get('n1')!;
    const web = n1.pods[0]!;
    expect(plugin.filter(state, pod, n1)?.message()).toBe("node(s) didn't match pod anti-affinity rules");
    const copy = state.clone();
    plugin.removePod(copy, pod, web, n1);
    expect(plugin.filter(copy, pod, n1)).toBeUndefined();
    expect(plugin.filter(state, pod, n1)).toBeDefined();
    plugin.addPod(copy, pod, web, n1);
    expect(plugin.filter(copy, pod, n1)).toBeDefined();
  });

  it('rejects an out-of-range hardPodAffinityWeight', () => {
    expect(() => new InterPodAffinity(handle, { hardPodAffinityWeight: 101 })).toThrow(PluginArgsError);
  });
});

describe('InterPodAffinity score', () => {
  it.each([
    {
      name: 'nothing to score skips',
      existing: [makePod('web').label('app', 'web').node('n1')],
      pod: makePod('p'),
      want: 'skip' as const,
    },
    {
      name: 'preferred affinity favours the zone with matching pods',
      existing: [makePod('web').label('app', 'web').node('n1')],
      pod: makePod('p').preferredPodAffinity(10, ZONE, 'app', 'web'),
      want: { n1: 100, n2: 100, n3: 0, n4: 0 },
    },
    {
      name: 'preferred anti-affinity avoids it',
      existing: [makePod('web').label('app', 'web').node('n1')],
      pod: makePod('p').preferredPodAffinity(10, ZONE, 'app', 'web', true),
      want: { n1: 0, n2: 0, n3: 100, n4: 100 },
    },
    {
      name: "existing pods' preferred affinity to the incoming pod counts",
      existing: [makePod('fan').preferredPodAffinity(5, HOST, 'app', 'star').node('n3')],
      pod: makePod('p').label('app', 'star'),
      want: { n1: 0, n2: 0, n3: 100, n4: 0 },
    },
    {
      name: "existing pods' required affinity counts with hardPodAffinityWeight",
      existing: [makePod('fan').podAffinity(ZONE, 'app', 'star').node('n3'), makePod('other').preferredPodAffinity(1, ZONE, 'app', 'star').node('n1')],
      pod: makePod('p').label('app', 'star'),
      // z2 gets the hard weight 1, z1 the preferred weight 1, n4 (no zone) nothing.
      want: { n1: 100, n2: 100, n3: 100, n4: 0 },
      args: { hardPodAffinityWeight: 1 },
    },
    {
      name: 'a larger hardPodAffinityWeight wins over the preference',
      existing: [makePod('fan').podAffinity(ZONE, 'app', 'star').node('n3'), makePod('other').preferredPodAffinity(1, ZONE, 'app', 'star').node('n1')],
      pod: makePod('p').label('app', 'star'),
      want: { n1: 50, n2: 50, n3: 100, n4: 0 },
      args: { hardPodAffinityWeight: 2 },
    },
  ])('$name', ({ existing, pod, want, args }) => {
    const snapshot = Snapshot.fromObjects(
      nodes,
      existing.map((p) => p.obj()),
    );
    expect(scoreNodes(new InterPodAffinity(handle, args), pod.obj(), snapshot)).toEqual(want);
  });
});
