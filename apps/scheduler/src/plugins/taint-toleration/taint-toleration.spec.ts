import { describe, expect, it } from 'vitest';
import { Snapshot } from '../../framework/snapshot';
import { filterVerdicts, makeNode, makePod, scoreNodes } from '../../framework/testing';
import { TaintToleration } from './taint-toleration';

describe('TaintToleration filter', () => {
  const snapshot = Snapshot.fromObjects([
    makeNode('plain').obj(),
    makeNode('gpu').taint('dedicated', 'gpu', 'NoSchedule').obj(),
    makeNode('soft').taint('dedicated', 'gpu', 'PreferNoSchedule').obj(),
    makeNode('evict').taint('maintenance', undefined, 'NoExecute').obj(),
  ]);
  const gpu = 'UnschedulableAndUnresolvable: node(s) had untolerated taint {dedicated: gpu}';
  const evict = 'UnschedulableAndUnresolvable: node(s) had untolerated taint {maintenance: }';
  it.each([
    { name: 'no tolerations', pod: makePod('p'), want: { plain: '', gpu, soft: '', evict } },
    {
      name: 'Equal toleration with the value',
      pod: makePod('p').toleration({ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }),
      want: { plain: '', gpu: '', soft: '', evict },
    },
    { name: 'Equal toleration with another value', pod: makePod('p').toleration({ key: 'dedicated', value: 'cpu' }), want: { plain: '', gpu, soft: '', evict } },
    { name: 'Exists on the key, any effect', pod: makePod('p').toleration({ key: 'dedicated', operator: 'Exists' }), want: { plain: '', gpu: '', soft: '', evict } },
    { name: 'Exists with no key tolerates everything', pod: makePod('p').toleration({ operator: 'Exists' }), want: { plain: '', gpu: '', soft: '', evict: '' } },
    {
      name: 'a toleration for the wrong effect does not count',
      pod: makePod('p').toleration({ key: 'maintenance', operator: 'Exists', effect: 'NoSchedule' }),
      want: { plain: '', gpu, soft: '', evict },
    },
  ])('$name', ({ pod, want }) => {
    expect(filterVerdicts(new TaintToleration(), pod.obj(), snapshot)).toEqual(want);
  });
});

describe('TaintToleration score', () => {
  const snapshot = Snapshot.fromObjects([
    makeNode('none').obj(),
    makeNode('one').taint('a', 'x', 'PreferNoSchedule').obj(),
    makeNode('two').taint('a', 'x', 'PreferNoSchedule').taint('b', 'y', 'PreferNoSchedule').obj(),
  ]);
  it.each([
    { name: 'fewer untolerated PreferNoSchedule taints score higher', pod: makePod('p'), want: { none: 100, one: 50, two: 0 } },
    { name: 'tolerated taints do not count', pod: makePod('p').toleration({ key: 'a', operator: 'Exists', effect: 'PreferNoSchedule' }), want: { none: 100, one: 100, two: 0 } },
    { name: 'an empty-effect toleration covers PreferNoSchedule', pod: makePod('p').toleration({ operator: 'Exists' }), want: { none: 100, one: 100, two: 100 } },
    { name: 'a NoSchedule toleration does not', pod: makePod('p').toleration({ key: 'a', operator: 'Exists', effect: 'NoSchedule' }), want: { none: 100, one: 50, two: 0 } },
  ])('$name', ({ pod, want }) => {
    expect(scoreNodes(new TaintToleration(), pod.obj(), snapshot)).toEqual(want);
  });
});
