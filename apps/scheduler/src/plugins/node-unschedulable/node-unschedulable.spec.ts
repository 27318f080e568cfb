import { describe, expect, it } from 'vitest';
import { Snapshot } from '../../framework/snapshot';
import { filterVerdicts, makeNode, makePod } from '../../framework/testing';
import { NodeUnschedulable } from './node-unschedulable';

const REJECTED = 'UnschedulableAndUnresolvable: node(s) were unschedulable';

describe('NodeUnschedulable', () => {
  const snapshot = Snapshot.fromObjects([makeNode('ok').obj(), makeNode('cordoned').unschedulable().obj()]);
  it.each([
    { name: 'a plain pod avoids cordoned nodes', pod: makePod('p'), want: { ok: '', cordoned: REJECTED } },
    {
      name: 'tolerating the unschedulable taint lets the pod in',
      pod: makePod('p').toleration({ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }),
      want: { ok: '', cordoned: '' },
    },
    { name: 'a blanket Exists toleration also tolerates it', pod: makePod('p').toleration({ operator: 'Exists' }), want: { ok: '', cordoned: '' } },
    {
      name: 'a toleration for another effect does not',
      pod: makePod('p').toleration({ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoExecute' }),
      want: { ok: '', cordoned: REJECTED },
    },
  ])('$name', ({ pod, want }) => {
    expect(filterVerdicts(new NodeUnschedulable(), pod.obj(), snapshot)).toEqual(want);
  });
});
