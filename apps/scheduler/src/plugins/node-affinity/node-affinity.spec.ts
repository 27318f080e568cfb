import type { corev1 } from '@tskube/api-types';
import { describe, expect, it } from 'vitest';
import { Snapshot } from '../../framework/snapshot';
import { filterVerdicts, makeNode, makePod, scoreNodes } from '../../framework/testing';
import { NodeAffinity } from './node-affinity';

const MISMATCH = "UnschedulableAndUnresolvable: node(s) didn't match Pod's node affinity/selector";

const required = (...terms: corev1.NodeSelectorTerm[]): corev1.Affinity => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } });
const expr = (key: string, operator: string, values?: string[]): corev1.NodeSelectorTerm => ({ matchExpressions: [{ key, operator, ...(values ? { values } : {}) }] });

describe('NodeAffinity filter', () => {
  const snapshot = Snapshot.fromObjects([
    makeNode('a').labels({ zone: 'z1', disk: 'ssd', cores: '8' }).obj(),
    makeNode('b').labels({ zone: 'z2', cores: '2' }).obj(),
  ]);
  it.each([
    { name: 'nothing to match skips', pod: makePod('p'), want: { a: '', b: '' } },
    { name: 'nodeSelector', pod: makePod('p').nodeSelector({ disk: 'ssd' }), want: { a: '', b: MISMATCH } },
    { name: 'nodeSelector on a missing label', pod: makePod('p').nodeSelector({ gpu: 'yes' }), want: { a: MISMATCH, b: MISMATCH } },
    { name: 'In', pod: makePod('p').affinity(required(expr('zone', 'In', ['z2', 'z3']))), want: { a: MISMATCH, b: '' } },
    { name: 'NotIn', pod: makePod('p').affinity(required(expr('zone', 'NotIn', ['z2']))), want: { a: '', b: MISMATCH } },
    { name: 'Exists', pod: makePod('p').affinity(required(expr('disk', 'Exists'))), want: { a: '', b: MISMATCH } },
    { name: 'DoesNotExist', pod: makePod('p').affinity(required(expr('disk', 'DoesNotExist'))), want: { a: MISMATCH, b: '' } },
    { name: 'Gt', pod: makePod('p').affinity(required(expr('cores', 'Gt', ['4']))), want: { a: '', b: MISMATCH } },
    { name: 'Lt', pod: makePod('p').affinity(required(expr('cores', 'Lt', ['4']))), want: { a: MISMATCH, b: '' } },
    { name: 'terms are ORed', pod: makePod('p').affinity(required(expr('zone', 'In', ['z1']), expr('zone', 'In', ['z2']))), want: { a: '', b: '' } },
    {
      name: 'expressions in a term are ANDed',
      pod: makePod('p').affinity(required({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['z1', 'z2'] }, { key: 'disk', operator: 'Exists' }] })),
      want: { a: '', b: MISMATCH },
    },
    { name: 'nodeSelector and affinity must both hold', pod: makePod('p').nodeSelector({ zone: 'z2' }).affinity(required(expr('disk', 'Exists'))), want: { a: MISMATCH, b: MISMATCH } },
    { name: 'an invalid term matches nothing', pod: makePod('p').affinity(required(expr('cores', 'Gt', ['many']))), want: { a: MISMATCH, b: MISMATCH } },
    { name: 'an empty term matches nothing', pod: makePod('p').affinity(required({})), want: { a: MISMATCH, b: MISMATCH } },
    {
      name: 'matchFields on metadata.name narrow the nodes in PreFilter',
      pod: makePod('p').affinity(required({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['b'] }] })),
      want: { a: 'outside', b: '' },
    },
    {
      name: 'NotIn on metadata.name',
      pod: makePod('p').affinity(required({ matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['b'] }] })),
      want: { a: '', b: MISMATCH },
    },
    {
      name: 'conflicting name pins reject every node',
      pod: makePod('p').affinity(required({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['a'] }, { key: 'metadata.name', operator: 'In', values: ['b'] }] })),
      want: { a: 'UnschedulableAndUnresolvable: pod affinity terms conflict', b: 'UnschedulableAndUnresolvable: pod affinity terms conflict' },
    },
  ])('$name', ({ pod, want }) => {
    expect(filterVerdicts(new NodeAffinity(), pod.obj(), snapshot)).toEqual(want);
  });

  it('enforces addedAffinity on every pod', () => {
    const plugin = new NodeAffinity({ addedAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [expr('zone', 'In', ['z1'])] } } });
    expect(filterVerdicts(plugin, makePod('p').obj(), snapshot)).toEqual({ a: '', b: "UnschedulableAndUnresolvable: node(s) didn't match scheduler-enforced node affinity" });
  });
});

describe('NodeAffinity score', () => {
  const snapshot = Snapshot.fromObjects([
    makeNode('a').labels({ zone: 'z1', disk: 'ssd' }).obj(),
    makeNode('b').labels({ zone: 'z2', disk: 'ssd' }).obj(),
    makeNode('c').labels({ zone: 'z3' }).obj(),
  ]);
  const preferred = (...terms: corev1.PreferredSchedulingTerm[]): corev1.Affinity => ({ nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: terms } });

  it.each([
    { name: 'no preferences skip', pod: makePod('p'), args: {}, want: 'skip' as const },
    {
      name: 'weights of matching terms are summed and scaled to 100',
      pod: makePod('p').affinity(preferred({ weight: 2, preference: expr('disk', 'Exists') }, { weight: 6, preference: expr('zone', 'In', ['z1']) })),
      args: {},
      want: { a: 100, b: 25, c: 0 },
    },
    {
      name: 'addedAffinity preferences count too',
      pod: makePod('p'),
      args: { addedAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 5, preference: expr('zone', 'In', ['z3']) }] } },
      want: { a: 0, b: 0, c: 100 },
    },
  ])('$name', ({ pod, args, want }) => {
    expect(scoreNodes(new NodeAffinity(args), pod.obj(), snapshot)).toEqual(want);
  });
});
