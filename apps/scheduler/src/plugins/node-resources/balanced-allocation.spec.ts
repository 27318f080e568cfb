import { describe, expect, it } from 'vitest';
import { Snapshot } from '../../framework/snapshot';
import { makeNode, makePod, scoreNodes } from '../../framework/testing';
import { NodeResourcesBalancedAllocation } from './balanced-allocation';

describe('NodeResourcesBalancedAllocation', () => {
  const nodes = [makeNode('n1').capacity({ cpu: '4', memory: '10000', pods: '110' }).obj(), makeNode('n2').capacity({ cpu: '6', memory: '10000', pods: '110' }).obj()];

  it.each([
    {
      name: 'balanced utilization scores higher',
      pods: [],
      pod: makePod('p').container({ cpu: '1', memory: '2000' }).container({ cpu: '2', memory: '3000' }),
      // n1: cpu 0.75, memory 0.5 → std 0.125 → 87; n2: 0.5 and 0.5 → 100.
      want: { n1: 87, n2: 100 },
    },
    {
      name: 'existing pods count with their plain requests',
      pods: [makePod('u').req({ cpu: '3', memory: '0' }).node('n2')],
      pod: makePod('p').req({ cpu: '1', memory: '5000' }),
      // n1: 0.25 vs 0.5 → 87; n2: 4/6 vs 0.5 → std 1/12 → 91.
      want: { n1: 87, n2: 91 },
    },
    { name: 'best-effort pods are not scored', pods: [], pod: makePod('p').container(), want: 'skip' as const },
    {
      name: 'three resources use the standard deviation',
      pods: [],
      pod: makePod('p').req({ cpu: '2', memory: '5000', 'ephemeral-storage': '0' }),
      args: { resources: [{ name: 'cpu' }, { name: 'memory' }, { name: 'ephemeral-storage' }] },
      // Storage is not offered by the nodes, so only cpu and memory remain: n1 0.5/0.5 → 100; n2 1/3 vs 0.5 → 91.
      want: { n1: 100, n2: 91 },
    },
  ])('$name', ({ pods, pod, want, args }) => {
    const snapshot = Snapshot.fromObjects(
      nodes,
      pods.map((p) => p.obj()),
    );
    expect(scoreNodes(new NodeResourcesBalancedAllocation(args), pod.obj(), snapshot)).toEqual(want);
  });
});
