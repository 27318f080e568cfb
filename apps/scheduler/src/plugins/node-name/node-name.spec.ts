import { describe, expect, it } from 'vitest';
import { Snapshot } from '../../framework/snapshot';
import { filterVerdicts, makeNode, makePod } from '../../framework/testing';
import { NodeName } from './node-name';

describe('NodeName', () => {
  const snapshot = Snapshot.fromObjects([makeNode('n1').obj(), makeNode('n2').obj()]);
  it.each([
    { name: 'no nodeName fits every node', pod: makePod('p'), want: { n1: '', n2: '' } },
    {
      name: 'a nodeName fits only that node',
      pod: makePod('p').node('n1'),
      want: { n1: '', n2: "UnschedulableAndUnresolvable: node(s) didn't match the requested node name" },
    },
    {
      name: 'an unknown nodeName fits none',
      pod: makePod('p').node('n9'),
      want: { n1: "UnschedulableAndUnresolvable: node(s) didn't match the requested node name", n2: "UnschedulableAndUnresolvable: node(s) didn't match the requested node name" },
    },
  ])('$name', ({ pod, want }) => {
    expect(filterVerdicts(new NodeName(), pod.obj(), snapshot)).toEqual(want);
  });
});
