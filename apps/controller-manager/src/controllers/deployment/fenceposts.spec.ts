import { describe, expect, it } from 'vitest';
import { maxSurge, maxUnavailable, newRSNewReplicas, resolveFenceposts, scaledValue } from './fenceposts';
import type { Deployment, ReplicaSet } from './replica-sets';

function deployment(replicas: number, surge?: number | string, unavailable?: number | string, type = 'RollingUpdate'): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      replicas,
      selector: {},
      template: {},
      strategy: type === 'RollingUpdate' ? { type, rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } } : { type },
    },
  };
}

function rs(replicas: number): ReplicaSet {
  return { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: `rs-${replicas}` }, spec: { replicas, selector: {} } };
}

describe('scaledValue', () => {
  it.each([
    { value: 3, total: 10, roundUp: true, want: 3 },
    { value: '25%', total: 10, roundUp: true, want: 3 },
    { value: '25%', total: 10, roundUp: false, want: 2 },
    { value: '25%', total: 4, roundUp: false, want: 1 },
    { value: '10%', total: 1, roundUp: true, want: 1 },
    { value: '10%', total: 1, roundUp: false, want: 0 },
    { value: '100%', total: 7, roundUp: false, want: 7 },
    { value: '0%', total: 7, roundUp: true, want: 0 },
    { value: undefined, total: 7, roundUp: true, want: 0 },
  ])('$value of $total (round up: $roundUp) is $want', ({ value, total, roundUp, want }) => {
    expect(scaledValue(value, total, roundUp)).toBe(want);
  });

  it.each(['3', '1.5%', 'abc'])('refuses %j', (value) => {
    expect(() => scaledValue(value, 10, true)).toThrow('invalid value for IntOrString: invalid type: string is not a percentage');
  });
});

describe('resolveFenceposts', () => {
  it.each([
    { name: 'defaults of 25% on 10: surge rounds up, unavailable down', surge: '25%', unavailable: '25%', desired: 10, want: { surge: 3, unavailable: 2 } },
    { name: 'absolute values', surge: 2, unavailable: 0, desired: 10, want: { surge: 2, unavailable: 0 } },
    { name: 'both rounding to zero: unavailable becomes 1', surge: '0%', unavailable: '10%', desired: 5, want: { surge: 0, unavailable: 1 } },
    { name: 'unset means zero, then unavailable 1', surge: undefined, unavailable: undefined, desired: 3, want: { surge: 0, unavailable: 1 } },
    { name: '25% of 1', surge: '25%', unavailable: '25%', desired: 1, want: { surge: 1, unavailable: 0 } },
  ])('$name', ({ surge, unavailable, desired, want }) => {
    expect(resolveFenceposts(surge, unavailable, desired)).toEqual(want);
  });
});

describe('maxSurge and maxUnavailable of a Deployment', () => {
  it.each([
    { name: 'rolling 25%/25% of 10', d: deployment(10, '25%', '25%'), surge: 3, unavailable: 2 },
    { name: 'unavailable capped at replicas', d: deployment(2, 0, 5), surge: 0, unavailable: 2 },
    { name: 'zero replicas: nothing unavailable', d: deployment(0, 1, 1), surge: 1, unavailable: 0 },
    { name: 'Recreate: neither', d: deployment(5, undefined, undefined, 'Recreate'), surge: 0, unavailable: 0 },
  ])('$name', ({ d, surge, unavailable }) => {
    expect(maxSurge(d)).toBe(surge);
    expect(maxUnavailable(d)).toBe(unavailable);
  });
});

describe('newRSNewReplicas', () => {
  it.each([
    { name: 'a fresh rollout surges by maxSurge', d: deployment(10, 3, 2), old: [10], cur: 0, want: 3 },
    { name: 'no room above replicas + surge: stays', d: deployment(10, 3, 2), old: [10], cur: 3, want: 3 },
    { name: 'room after old pods went: grows into it', d: deployment(10, 3, 2), old: [6], cur: 3, want: 7 },
    { name: 'never beyond spec.replicas', d: deployment(4, 4, 0), old: [1], cur: 3, want: 4 },
    { name: 'percent surge rounds up', d: deployment(3, '25%', '25%'), old: [3], cur: 0, want: 1 },
    { name: 'Recreate: all at once', d: deployment(5, undefined, undefined, 'Recreate'), old: [0], cur: 0, want: 5 },
  ])('$name', ({ d, old, cur, want }) => {
    const newRS = rs(cur);
    expect(newRSNewReplicas(d, [...old.map(rs), newRS], newRS)).toBe(want);
  });
});
