import type { policyv1 } from '@tskube/api-types';
import { describe, expect, it } from 'vitest';
import { CycleState } from '../../framework/cycle-state';
import type { Listers, PodNominator } from '../../framework/interfaces';
import { PodInfo } from '../../framework/pod-info';
import { buildProfiles } from '../../framework/profile';
import { FitError, schedulePod } from '../../framework/schedule';
import { Snapshot } from '../../framework/snapshot';
import { fixedRng, makeNode, makePod, testHandle, type PodBuilder } from '../../framework/testing';
import { PluginArgsError } from '../helper/args';
import { inTreeRegistry } from '../registry';
import { DefaultPreemption, filterPodsWithPDBViolation, pickOneNodeForPreemption, type Candidate } from './default-preemption';

const small = (name: string) => makeNode(name).capacity({ cpu: '3', memory: '8Gi', pods: '10' });

function preempt(
  nodes: ReturnType<typeof makeNode>[],
  existing: PodBuilder[],
  pod: PodBuilder,
  extra: { pdbs?: policyv1.PodDisruptionBudget[]; nominator?: PodNominator } = {},
): FitError {
  const listers: Partial<Listers> = { podDisruptionBudgets: () => extra.pdbs ?? [] };
  const { profiles } = buildProfiles({}, { registry: inTreeRegistry(), rng: fixedRng(0), listers, nominator: extra.nominator });
  const snapshot = Snapshot.fromObjects(
    nodes.map((n) => n.obj()),
    existing.map((p) => p.obj()),
  );
  const r = schedulePod(profiles.get('default-scheduler')!, new CycleState(), pod.obj(), snapshot);
  if (!(r instanceof FitError)) throw new Error(`expected a FitError, got ${r.node}`);
  return r;
}

const names = (pods: readonly { metadata?: { name?: string } }[] | undefined) => pods?.map((p) => p.metadata?.name);

describe('DefaultPreemption through schedulePod', () => {
  it.each([
    {
      name: 'evicts only what is needed, lowest priority first',
      nodes: [small('n1')],
      existing: [makePod('low1').req({ cpu: '1' }).priority(1).node('n1'), makePod('low2').req({ cpu: '1' }).priority(2).node('n1'), makePod('high').req({ cpu: '1' }).priority(100).node('n1')],
      pod: makePod('p').req({ cpu: '1' }).priority(50),
      want: { node: 'n1', victims: ['low1'] },
    },
    {
      name: 'prefers the node whose most important victim is least important',
      nodes: [small('n1'), small('n2')],
      existing: [makePod('a').req({ cpu: '3' }).priority(5).node('n1'), makePod('b').req({ cpu: '3' }).priority(1).node('n2')],
      pod: makePod('p').req({ cpu: '1' }).priority(50),
      want: { node: 'n2', victims: ['b'] },
    },
    {
      name: 'prefers fewer victims at equal priority',
      nodes: [small('n1'), small('n2')],
      existing: [
        makePod('a1').req({ cpu: '1500m' }).priority(1).node('n1'),
        makePod('a2').req({ cpu: '1500m' }).priority(1).node('n1'),
        makePod('b1').req({ cpu: '3' }).priority(1).node('n2'),
      ],
      pod: makePod('p').req({ cpu: '3' }).priority(50),
      want: { node: 'n2', victims: ['b1'] },
    },
    {
      name: 'removes a pod the incoming pod is anti-affine to',
      nodes: [small('n1')],
      existing: [makePod('x').label('app', 'x').priority(1).node('n1')],
      pod: makePod('p').priority(50).podAntiAffinity('kubernetes.io/hostname', 'app', 'x'),
      want: { node: 'n1', victims: ['x'] },
    },
  ])('$name', ({ nodes, existing, pod, want }) => {
    const err = preempt(nodes, existing, pod);
    expect(err.postFilterResult?.nominatedNodeName).toBe(want.node);
    expect(names(err.postFilterResult?.victims)).toEqual(want.victims);
    expect(err.diagnosis.postFilterMsg).toBe('');
  });

  it.each([
    {
      name: 'no lower-priority pods',
      nodes: [small('n1')],
      existing: [makePod('peer').req({ cpu: '3' }).priority(50).node('n1')],
      pod: makePod('p').req({ cpu: '1' }).priority(50),
      want: '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    },
    {
      name: 'evicting everything lower is still not enough',
      nodes: [small('n1')],
      existing: [makePod('low').req({ cpu: '1' }).priority(1).node('n1'), makePod('high').req({ cpu: '2' }).priority(100).node('n1')],
      pod: makePod('p').req({ cpu: '2' }).priority(50),
      want: '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 Insufficient cpu.',
    },
    {
      name: 'unresolvable nodes are not tried',
      nodes: [small('n1').taint('dedicated', 'x', 'NoSchedule'), small('n2')],
      existing: [makePod('low').req({ cpu: '3' }).priority(1).node('n1'), makePod('peer').req({ cpu: '3' }).priority(50).node('n2')],
      pod: makePod('p').req({ cpu: '1' }).priority(50),
      want: '0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {dedicated: x}. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.',
    },
    {
      name: 'preemptionPolicy Never',
      nodes: [small('n1')],
      existing: [makePod('low').req({ cpu: '3' }).priority(1).node('n1')],
      pod: makePod('p').req({ cpu: '1' }).priority(50).preemptionPolicy('Never'),
      want: '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.',
    },
    {
      name: 'a victim of an earlier preemption is still terminating on the nominated node',
      nodes: [small('n1')],
      existing: [makePod('dying').req({ cpu: '3' }).priority(1).node('n1').preemptedTerminating()],
      pod: makePod('p').req({ cpu: '1' }).priority(50).nominated('n1'),
      want: '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to a terminating pod on the nominated node.',
    },
  ])('fails: $name', ({ nodes, existing, pod, want }) => {
    const err = preempt(nodes, existing, pod);
    expect(err.message).toBe(want);
  });

  it('avoids breaking a PodDisruptionBudget when another node will do', () => {
    const pdb: policyv1.PodDisruptionBudget = { metadata: { name: 'keep', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'db' } } }, status: { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1 } };
    const err = preempt(
      [small('n1'), small('n2')],
      [makePod('db').label('app', 'db').req({ cpu: '3' }).priority(1).node('n1'), makePod('web').label('app', 'web').req({ cpu: '3' }).priority(1).node('n2')],
      makePod('p').req({ cpu: '1' }).priority(50),
      { pdbs: [pdb] },
    );
    expect(err.postFilterResult?.nominatedNodeName).toBe('n2');
  });

  it('clears lower-priority nominations on the chosen node', () => {
    const waiting = new PodInfo(makePod('waiting').priority(10).nominated('n1').obj());
    const err = preempt([small('n1')], [makePod('low').req({ cpu: '3' }).priority(1).node('n1')], makePod('p').req({ cpu: '1' }).priority(50), {
      nominator: { nominatedPodsForNode: (n) => (n === 'n1' ? [waiting] : []) },
    });
    expect(names(err.postFilterResult?.clearNominations)).toEqual(['waiting']);
  });
});

const victim = (name: string, priority: number, start = '2024-01-01T00:00:00Z') => new PodInfo(makePod(name).priority(priority).startTime(start).obj());
const candidate = (nodeName: string, victims: PodInfo[], numPDBViolations = 0): Candidate => ({ nodeName, victims, numPDBViolations });

describe('pickOneNodeForPreemption', () => {
  it.each([
    { name: 'fewest PDB violations', candidates: [candidate('a', [victim('x', 1)], 1), candidate('b', [victim('y', 9)], 0)], want: 'b' },
    { name: 'lowest highest-priority victim', candidates: [candidate('a', [victim('x', 5)]), candidate('b', [victim('y', 3), victim('z', 1)])], want: 'b' },
    { name: 'smallest priority sum', candidates: [candidate('a', [victim('x', 3), victim('w', 2)]), candidate('b', [victim('y', 3), victim('z', 1)])], want: 'b' },
    { name: 'negative priorities do not reward more victims', candidates: [candidate('a', [victim('x', -5), victim('w', -5)]), candidate('b', [victim('y', -5)])], want: 'b' },
    {
      name: 'latest start among the top victims',
      candidates: [candidate('a', [victim('x', 3, '2024-01-01T00:00:00Z')]), candidate('b', [victim('y', 3, '2024-06-01T00:00:00Z')])],
      want: 'b',
    },
    { name: 'the first when all else ties', candidates: [candidate('a', [victim('x', 3)]), candidate('b', [victim('y', 3)])], want: 'a' },
  ])('$name', ({ candidates, want }) => {
    expect(pickOneNodeForPreemption(candidates)?.nodeName).toBe(want);
  });
});

describe('filterPodsWithPDBViolation', () => {
  const pdb = (allowed: number, disrupted: string[] = []): policyv1.PodDisruptionBudget => ({
    metadata: { name: 'pdb', namespace: 'default' },
    spec: { selector: { matchLabels: { app: 'db' } } },
    status: { disruptionsAllowed: allowed, currentHealthy: 2, desiredHealthy: 2, expectedPods: 2, disruptedPods: Object.fromEntries(disrupted.map((d) => [d, '2024-01-01T00:00:00Z'])) },
  });
  const db = (name: string, ns = 'default') => new PodInfo(makePod(name).namespace(ns).label('app', 'db').obj());

  it.each([
    { name: 'within the budget', pods: [db('a')], pdbs: [pdb(1)], want: { violating: [], nonViolating: ['a'] } },
    { name: 'beyond the budget', pods: [db('a'), db('b')], pdbs: [pdb(1)], want: { violating: ['b'], nonViolating: ['a'] } },
    { name: 'already disrupted pods do not spend the budget', pods: [db('a'), db('b')], pdbs: [pdb(1, ['a'])], want: { violating: [], nonViolating: ['a', 'b'] } },
    { name: 'other namespaces are not covered', pods: [db('a', 'other')], pdbs: [pdb(0)], want: { violating: [], nonViolating: ['a'] } },
    { name: 'unlabelled pods match no PDB', pods: [new PodInfo(makePod('a').obj())], pdbs: [pdb(0)], want: { violating: [], nonViolating: ['a'] } },
  ])('$name', ({ pods, pdbs, want }) => {
    const r = filterPodsWithPDBViolation(pods, pdbs);
    expect({ violating: r.violating.map((p) => p.pod.metadata?.name), nonViolating: r.nonViolating.map((p) => p.pod.metadata?.name) }).toEqual(want);
  });
});

describe('DefaultPreemption args', () => {
  it.each([
    { args: { minCandidateNodesPercentage: 101 }, error: 'not in valid range [0, 100]' },
    { args: { minCandidateNodesPercentage: 0, minCandidateNodesAbsolute: 0 }, error: 'both cannot be zero' },
  ])('rejects $args', ({ args, error }) => {
    expect(() => new DefaultPreemption(testHandle(), args)).toThrow(PluginArgsError);
    expect(() => new DefaultPreemption(testHandle(), args)).toThrow(error);
  });

  it.each([
    [10, 10],
    [500, 100],
    [5000, 500],
  ])('looks for candidates among %d nodes: %d', (n, want) => {
    expect(new DefaultPreemption(testHandle()).numCandidates(n)).toBe(want);
  });
});
