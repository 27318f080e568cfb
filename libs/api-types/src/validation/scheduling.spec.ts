import { describe, expect, it } from 'vitest';
import { fieldPath } from './field';
import { validateAffinity, validateTolerations } from './scheduling';

describe('validateTolerations', () => {
  const p = fieldPath('spec', 'tolerations');
  it.each([
    ['tolerate everything', [{ operator: 'Exists' }], []],
    ['Equal with a value', [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }], []],
    ['an empty operator means Equal', [{ key: 'dedicated', value: 'gpu' }], []],
    [
      'Exists with a value',
      [{ key: 'k', operator: 'Exists', value: 'v' }],
      ['spec.tolerations[0].operator: Invalid value: {"key":"k","operator":"Exists","value":"v"}: value must be empty when `operator` is \'Exists\''],
    ],
    [
      'an unknown operator',
      [{ key: 'k', operator: 'Gt' }],
      ['spec.tolerations[0].operator: Unsupported value: "Gt": supported values: "Equal", "Exists"'],
    ],
    [
      'an unknown effect',
      [{ key: 'k', operator: 'Exists', effect: 'NoRun' }],
      ['spec.tolerations[0].effect: Unsupported value: "NoRun": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"'],
    ],
  ])('%s', (_name, tolerations, want) => {
    expect(validateTolerations(tolerations, p).map(String)).toEqual(want);
  });
});

describe('validateAffinity', () => {
  const p = fieldPath('spec', 'affinity');
  it('checks node selector operators and weights', () => {
    expect(
      validateAffinity(
        {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'Gt', values: ['1', '2'] }], matchFields: [{ key: 'metadata.uid', operator: 'In', values: ['x'] }] }],
            },
            preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, preference: {} }],
          },
        },
        p,
      ).map(String),
    ).toEqual([
      "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values: Required value: must be specified single value when `operator` is 'Lt' or 'Gt'",
      'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].key: Invalid value: "metadata.uid": not a valid field selector key',
      'spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 0: must be in the range 1-100',
    ]);
  });

  it('accepts a typical anti-affinity', () => {
    expect(
      validateAffinity(
        {
          podAntiAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } } } },
            ],
          },
        },
        p,
      ),
    ).toEqual([]);
  });
});
