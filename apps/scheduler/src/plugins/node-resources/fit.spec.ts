import { describe, expect, it } from 'vitest';
import { Snapshot } from '../../framework/snapshot';
import { filterVerdicts, makeNode, makePod, scoreNodes } from '../../framework/testing';
import { PluginArgsError } from '../helper/args';
import { NodeResourcesFit } from './fit';

/** One node with 10 cpu, 20 bytes of memory, 32 pods and 5 GPUs, holding `used`. */
function nodeWith(used: ReturnType<typeof makePod>[] = []) {
  return Snapshot.fromObjects(
    [makeNode('n').capacity({ cpu: '10', memory: '20', pods: '32', 'example.com/gpu': '5', 'ephemeral-storage': '20' }).obj()],
    used.map((p) => p.node('n').obj()),
  );
}

describe('NodeResourcesFit filter', () => {
  it.each([
    { name: 'no requests fit anywhere', pod: makePod('p').container(), used: [makePod('u').req({ cpu: '10', memory: '20' })], want: '' },
    { name: 'requests that fit', pod: makePod('p').req({ cpu: '1', memory: '1' }), used: [makePod('u').req({ cpu: '5', memory: '5' })], want: '' },
    { name: 'too much cpu', pod: makePod('p').req({ cpu: '1', memory: '1' }), used: [makePod('u').req({ cpu: '10', memory: '5' })], want: 'Unschedulable: Insufficient cpu' },
    { name: 'too much memory', pod: makePod('p').req({ cpu: '1', memory: '2' }), used: [makePod('u').req({ cpu: '5', memory: '19' })], want: 'Unschedulable: Insufficient memory' },
    {
      name: 'too much of both',
      pod: makePod('p').req({ cpu: '2', memory: '2' }),
      used: [makePod('u').req({ cpu: '9', memory: '19' })],
      want: 'Unschedulable: Insufficient cpu, Insufficient memory',
    },
    {
      name: 'the init container maximum counts',
      pod: makePod('p').initContainer({ cpu: '3', memory: '1' }).container({ cpu: '1', memory: '1' }),
      used: [makePod('u').req({ cpu: '8', memory: '19' })],
      want: 'Unschedulable: Insufficient cpu',
    },
    {
      name: 'sidecars add to the regular containers',
      pod: makePod('p').initContainer({ cpu: '1' }, true).container({ cpu: '2' }),
      used: [makePod('u').req({ cpu: '8' })],
      want: 'Unschedulable: Insufficient cpu',
    },
    { name: 'pod overhead counts', pod: makePod('p').req({ cpu: '1' }).overhead({ cpu: '500m' }), used: [makePod('u').req({ cpu: '8600m' })], want: 'Unschedulable: Insufficient cpu' },
    {
      name: 'more than the whole node is unresolvable',
      pod: makePod('p').req({ cpu: '11', memory: '1' }),
      used: [],
      want: 'UnschedulableAndUnresolvable: Insufficient cpu',
    },
    {
      name: 'extended resources',
      pod: makePod('p').req({ 'example.com/gpu': '2' }),
      used: [makePod('u').req({ 'example.com/gpu': '4' })],
      want: 'Unschedulable: Insufficient example.com/gpu',
    },
    { name: 'an extended resource the node lacks', pod: makePod('p').req({ 'example.com/fpga': '1' }), used: [], want: 'UnschedulableAndUnresolvable: Insufficient example.com/fpga' },
    {
      name: 'ephemeral storage',
      pod: makePod('p').req({ 'ephemeral-storage': '5' }),
      used: [makePod('u').req({ 'ephemeral-storage': '16' })],
      want: 'Unschedulable: Insufficient ephemeral-storage',
    },
    {
      name: 'the pod limit',
      pod: makePod('p').container(),
      used: Array.from({ length: 32 }, (_, i) => makePod(`u${i}`).container()),
      want: 'Unschedulable: Too many pods',
    },
  ])('$name', ({ pod, used, want }) => {
    expect(filterVerdicts(new NodeResourcesFit(), pod.obj(), nodeWith(used))).toEqual({ n: want });
  });

  it.each([
    { args: { ignoredResources: ['example.com/gpu'] }, want: '' },
    { args: { ignoredResourceGroups: ['example.com'] }, want: '' },
    { args: {}, want: 'UnschedulableAndUnresolvable: Insufficient example.com/gpu' },
  ])('ignores extended resources as configured: $args', ({ args, want }) => {
    expect(filterVerdicts(new NodeResourcesFit(args), makePod('p').req({ 'example.com/gpu': '9' }).obj(), nodeWith())).toEqual({ n: want });
  });
});

describe('NodeResourcesFit score', () => {
  // kube-scheduler's "nothing scheduled, resources requested, differently sized nodes" case.
  const snapshot = Snapshot.fromObjects([
    makeNode('n1').capacity({ cpu: '4', memory: '10000', pods: '110' }).obj(),
    makeNode('n2').capacity({ cpu: '6', memory: '10000', pods: '110' }).obj(),
  ]);
  const pod = makePod('p').container({ cpu: '1', memory: '2000' }).container({ cpu: '2', memory: '3000' }).obj();

  it.each([
    { name: 'LeastAllocated (default)', args: {}, want: { n1: 37, n2: 50 } },
    { name: 'LeastAllocated with cpu weighted 2', args: { scoringStrategy: { type: 'LeastAllocated', resources: [{ name: 'cpu', weight: 2 }, { name: 'memory', weight: 1 }] } }, want: { n1: 33, n2: 50 } },
    { name: 'MostAllocated', args: { scoringStrategy: { type: 'MostAllocated' } }, want: { n1: 62, n2: 50 } },
    {
      name: 'RequestedToCapacityRatio shaped like LeastAllocated',
      args: { scoringStrategy: { type: 'RequestedToCapacityRatio', requestedToCapacityRatio: { shape: [{ utilization: 0, score: 10 }, { utilization: 100, score: 0 }] } } },
      want: { n1: 38, n2: 50 },
    },
    {
      name: 'RequestedToCapacityRatio shaped like MostAllocated',
      args: { scoringStrategy: { type: 'RequestedToCapacityRatio', requestedToCapacityRatio: { shape: [{ utilization: 0, score: 0 }, { utilization: 100, score: 10 }] } } },
      want: { n1: 63, n2: 50 },
    },
  ])('$name', ({ args, want }) => {
    expect(scoreNodes(new NodeResourcesFit(args), pod, snapshot)).toEqual(want);
  });

  it('counts 100m and 200Mi for containers without requests', () => {
    const s = Snapshot.fromObjects([makeNode('n').capacity({ cpu: '1', memory: `${400 * 1024 * 1024}`, pods: '10' }).obj()]);
    // cpu (1000 - 100) / 1000 → 90; memory (400Mi - 200Mi) / 400Mi → 50.
    expect(scoreNodes(new NodeResourcesFit(), makePod('p').container().obj(), s)).toEqual({ n: 70 });
  });

  it.each([
    { args: { scoringStrategy: { type: 'Random' } }, error: 'scoringStrategy.type: Unsupported value: "Random"' },
    { args: { scoringStrategy: { resources: [{ name: 'cpu', weight: 101 }] } }, error: 'resource weight of cpu not in valid range [1, 100]' },
    { args: { scoringStrategy: { type: 'RequestedToCapacityRatio' } }, error: 'at least one point must be specified' },
    {
      args: { scoringStrategy: { type: 'RequestedToCapacityRatio', requestedToCapacityRatio: { shape: [{ utilization: 50, score: 1 }, { utilization: 10, score: 2 }] } } },
      error: 'utilization values must be sorted in increasing order',
    },
    { args: { scoringStrategy: { type: 'RequestedToCapacityRatio', requestedToCapacityRatio: { shape: [{ utilization: 0, score: 11 }] } } }, error: 'not in valid range [0, 10]' },
  ])('rejects bad args: $error', ({ args, error }) => {
    expect(() => new NodeResourcesFit(args)).toThrow(PluginArgsError);
    expect(() => new NodeResourcesFit(args)).toThrow(error);
  });
});
