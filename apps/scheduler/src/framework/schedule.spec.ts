import { describe, expect, it } from 'vitest';
import { inTreeRegistry } from '../plugins/registry';
import { CycleState } from './cycle-state';
import { buildProfiles, type Profile, type ProfileOptions } from './profile';
import { FitError, NoNodesAvailableError, numFeasibleNodesToFind, schedulePod, type ScheduleResult } from './schedule';
import { Snapshot } from './snapshot';
import { fixedRng, makeNode, makePod } from './testing';

function profile(config: unknown = {}, options: Partial<ProfileOptions> = {}): Profile {
  const { profiles } = buildProfiles(config, { registry: inTreeRegistry(), rng: fixedRng(0), ...options });
  return [...profiles.values()][0]!;
}

const CONTROL_PLANE = 'node-role.kubernetes.io/control-plane';

function expectFit(r: ScheduleResult | FitError): ScheduleResult {
  if (r instanceof FitError) throw new Error(`unexpected FitError: ${r.message}`);
  return r;
}

function expectFitError(r: ScheduleResult | FitError): FitError {
  if (!(r instanceof FitError)) throw new Error(`expected a FitError, got node ${r.node}`);
  return r;
}

describe('schedulePod failure messages', () => {
  it.each([
    {
      name: "Kubernetes' example: a too-small worker and two tainted control-plane nodes",
      nodes: [makeNode('cp1').taint(CONTROL_PLANE, undefined, 'NoSchedule'), makeNode('cp2').taint(CONTROL_PLANE, undefined, 'NoSchedule'), makeNode('w1')],
      pods: [],
      pod: makePod('big').req({ cpu: '8' }),
      want: `0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {${CONTROL_PLANE}: }. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.`,
    },
    {
      name: 'full nodes without lower-priority pods',
      nodes: [makeNode('n1').capacity({ cpu: '2', memory: '4Gi', pods: '10' })],
      pods: [makePod('old').req({ cpu: '2' }).node('n1').priority(100)],
      pod: makePod('new').req({ cpu: '1' }),
      want: '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    },
    {
      name: 'a pod that may not preempt',
      nodes: [makeNode('n1').capacity({ cpu: '2', memory: '4Gi', pods: '10' })],
      pods: [makePod('old').req({ cpu: '2' }).node('n1')],
      pod: makePod('new').req({ cpu: '1' }).priority(10).preemptionPolicy('Never'),
      want: '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.',
    },
    {
      name: 'several reasons on one node are all counted',
      nodes: [makeNode('n1').capacity({ cpu: '1', memory: '1Gi', pods: '1' })],
      pods: [makePod('old').req({ cpu: '1' }).node('n1')],
      pod: makePod('new').req({ cpu: '500m', memory: '2Gi' }),
      want: '0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 1 Too many pods. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
    },
    {
      name: 'a PreFilter rejection replaces the per-node reasons',
      nodes: [makeNode('n1'), makeNode('n2')],
      pods: [],
      pod: makePod('p').affinity({
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['a'] }, { key: 'metadata.name', operator: 'In', values: ['b'] }] }],
          },
        },
      }),
      want: '0/2 nodes are available: pod affinity terms conflict. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
    },
    {
      name: 'nodes outside a PreFilterResult count with the plugin name',
      nodes: [makeNode('n1'), makeNode('n2').capacity({ cpu: '1', memory: '1Gi', pods: '10' })],
      pods: [],
      pod: makePod('p')
        .req({ cpu: '2' })
        .affinity({
          nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] }] } },
        }),
      want: "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) didn't satisfy plugin(s) [NodeAffinity]. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
    },
  ])('$name', ({ nodes, pods, pod, want }) => {
    const snapshot = Snapshot.fromObjects(
      nodes.map((n) => n.obj()),
      pods.map((p) => p.obj()),
    );
    const err = expectFitError(schedulePod(profile(), new CycleState(), pod.obj(), snapshot));
    expect(err.message).toBe(want);
    expect(err).toBeInstanceOf(Error);
  });
});

describe('schedulePod placement', () => {
  it('prefers the least allocated node', () => {
    const snapshot = Snapshot.fromObjects(
      [makeNode('busy').obj(), makeNode('idle').obj()],
      [makePod('x').req({ cpu: '3', memory: '6Gi' }).node('busy').obj()],
    );
    const r = expectFit(schedulePod(profile(), new CycleState(), makePod('p').req({ cpu: '500m', memory: '512Mi' }).obj(), snapshot));
    expect(r.node).toBe('idle');
    expect(r.feasibleNodes).toBe(2);
    expect(r.evaluatedNodes).toBe(2);
    expect(r.scores.find((s) => s.name === 'idle')!.score).toBeGreaterThan(r.scores.find((s) => s.name === 'busy')!.score);
  });

  it('MostAllocated packs onto the busier node', () => {
    const p = profile({ profiles: [{ pluginConfig: [{ name: 'NodeResourcesFit', args: { scoringStrategy: { type: 'MostAllocated' } } }] }] });
    const snapshot = Snapshot.fromObjects([makeNode('busy').obj(), makeNode('idle').obj()], [makePod('x').req({ cpu: '3', memory: '6Gi' }).node('busy').obj()]);
    expect(expectFit(schedulePod(p, new CycleState(), makePod('p').req({ cpu: '500m', memory: '512Mi' }).obj(), snapshot)).node).toBe('busy');
  });

  it.each([
    // Each later tie replaces the pick when floor(rng * ties) is 0.
    { rng: [0.9], want: 'n1' },
    { rng: [0.1, 0.9], want: 'n2' },
    { rng: [0.9, 0.1], want: 'n3' },
    { rng: [0], want: 'n3' },
  ])('breaks ties among top scores with the rng ($rng → $want)', ({ rng, want }) => {
    const snapshot = Snapshot.fromObjects([makeNode('n1').obj(), makeNode('n2').obj(), makeNode('n3').obj()]);
    const r = expectFit(schedulePod(profile(), new CycleState(), makePod('p').obj(), snapshot, { rng: fixedRng(...rng) }));
    expect(r.node).toBe(want);
  });

  it('skips scoring when a single node is feasible', () => {
    const snapshot = Snapshot.fromObjects([makeNode('n1').obj(), makeNode('n2').taint('dedicated', 'x', 'NoSchedule').obj()]);
    const r = expectFit(schedulePod(profile(), new CycleState(), makePod('p').obj(), snapshot));
    expect(r).toMatchObject({ node: 'n1', feasibleNodes: 1, evaluatedNodes: 2, scores: [] });
  });

  it('tries the nominated node first', () => {
    const snapshot = Snapshot.fromObjects([makeNode('n1').obj(), makeNode('n2').obj()], [makePod('x').req({ cpu: '3' }).node('n2').obj()]);
    const r = expectFit(schedulePod(profile(), new CycleState(), makePod('p').req({ cpu: '1' }).nominated('n2').obj(), snapshot));
    expect(r).toMatchObject({ node: 'n2', evaluatedNodes: 1 });
  });

  it('stops after enough feasible nodes and advances the start index', () => {
    const nodes = Array.from({ length: 200 }, (_, i) => makeNode(`n${i}`).obj());
    const p = profile({ percentageOfNodesToScore: 50 });
    const r = expectFit(schedulePod(p, new CycleState(), makePod('p').obj(), Snapshot.fromObjects(nodes), { startNodeIndex: 150 }));
    expect(r.feasibleNodes).toBe(100);
    expect(r.evaluatedNodes).toBe(100);
    expect(r.nextStartNodeIndex).toBe(50);
  });

  it('throws when there are no nodes at all', () => {
    expect(() => schedulePod(profile(), new CycleState(), makePod('p').obj(), Snapshot.fromObjects([]))).toThrow(NoNodesAvailableError);
  });
});

describe('schedulePod preemption', () => {
  it('nominates a node and names the victims, lowest priority evicted', () => {
    const snapshot = Snapshot.fromObjects(
      [makeNode('n1').capacity({ cpu: '2', memory: '4Gi', pods: '10' }).obj()],
      [makePod('low').req({ cpu: '1' }).node('n1').priority(1).obj(), makePod('mid').req({ cpu: '1' }).node('n1').priority(5).obj()],
    );
    const err = expectFitError(schedulePod(profile(), new CycleState(), makePod('p').req({ cpu: '1' }).priority(10).obj(), snapshot));
    expect(err.message).toBe('0/1 nodes are available: 1 Insufficient cpu.');
    expect(err.postFilterResult?.nominatedNodeName).toBe('n1');
    expect(err.postFilterResult?.victims.map((v) => v.metadata?.name)).toEqual(['low']);
    expect([...err.diagnosis.unschedulablePlugins]).toEqual(['NodeResourcesFit']);
  });
});

describe('numFeasibleNodesToFind', () => {
  it.each([
    [0, 50, 50],
    [0, 100, 100],
    [0, 1000, 420],
    [0, 5000, 500],
    [0, 6000, 300],
    [30, 1000, 300],
    [10, 500, 100],
    [100, 5000, 5000],
  ])('percentage %d of %d nodes → %d', (pct, n, want) => {
    expect(numFeasibleNodesToFind(pct, n)).toBe(want);
  });
});
