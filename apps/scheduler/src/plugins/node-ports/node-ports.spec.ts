import { describe, expect, it } from 'vitest';
import { Snapshot } from '../../framework/snapshot';
import { filterVerdicts, makeNode, makePod } from '../../framework/testing';
import { NodePorts } from './node-ports';

const BUSY = "Unschedulable: node(s) didn't have free ports for the requested pod ports";

describe('NodePorts', () => {
  const snapshot = Snapshot.fromObjects(
    [makeNode('free').obj(), makeNode('any').obj(), makeNode('local').obj()],
    [makePod('a').hostPort(8080).node('any').obj(), makePod('b').hostPort(9090, 'TCP', '127.0.0.1').node('local').obj()],
  );
  it.each([
    { name: 'pods without host ports skip the check', pod: makePod('p').container(), want: { free: '', any: '', local: '' } },
    { name: 'the same port on the wildcard IP conflicts', pod: makePod('p').hostPort(8080), want: { free: '', any: BUSY, local: '' } },
    { name: 'another protocol does not conflict', pod: makePod('p').hostPort(8080, 'UDP'), want: { free: '', any: '', local: '' } },
    { name: 'a specific IP conflicts with a wildcard use', pod: makePod('p').hostPort(8080, 'TCP', '10.0.0.1'), want: { free: '', any: BUSY, local: '' } },
    { name: 'the wildcard conflicts with a specific IP use', pod: makePod('p').hostPort(9090), want: { free: '', any: '', local: BUSY } },
    { name: 'a different specific IP does not conflict', pod: makePod('p').hostPort(9090, 'TCP', '127.0.0.2'), want: { free: '', any: '', local: '' } },
  ])('$name', ({ pod, want }) => {
    expect(filterVerdicts(new NodePorts(), pod.obj(), snapshot)).toEqual(want);
  });
});
