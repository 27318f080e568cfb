import type { metav1 } from '@tskube/api-types';
import { describe, expect, it } from 'vitest';
import { accessModes, boolPtr, containerCells, formatLabelSelector, formatLabels, listWithMore, quantity, selectorString } from './format';

describe('formatLabels', () => {
  it.each<{ name: string; labels: Record<string, string> | undefined; want: string }>([
    { name: 'none', labels: undefined, want: '<none>' },
    { name: 'empty', labels: {}, want: '<none>' },
    { name: 'sorted pairs', labels: { tier: 'web', app: 'x' }, want: 'app=x,tier=web' },
    // Go sorts the joined strings: '.' sorts before '='.
    { name: 'sorted as k=v strings', labels: { a: '2', 'a.b': '1' }, want: 'a.b=1,a=2' },
  ])('$name', ({ labels, want }) => {
    expect(formatLabels(labels)).toBe(want);
  });
});

describe('label selectors', () => {
  it.each<{ name: string; sel: metav1.LabelSelector | undefined; format: string; plain: string }>([
    { name: 'nil selects nothing', sel: undefined, format: '<none>', plain: '' },
    { name: 'empty selects everything', sel: {}, format: '<none>', plain: '' },
    { name: 'match labels sorted by key', sel: { matchLabels: { b: '2', a: '1' } }, format: 'a=1,b=2', plain: 'a=1,b=2' },
    {
      name: 'expressions',
      sel: {
        matchLabels: { app: 'web' },
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['b', 'a'] },
          { key: 'env', operator: 'NotIn', values: ['prod'] },
          { key: 'zone', operator: 'Exists' },
          { key: 'canary', operator: 'DoesNotExist' },
        ],
      },
      format: 'app=web,!canary,env notin (prod),tier in (a,b),zone',
      plain: 'app=web,!canary,env notin (prod),tier in (a,b),zone',
    },
    { name: 'invalid operator', sel: { matchExpressions: [{ key: 'a', operator: 'Near' }] }, format: '<error>', plain: '<invalid>' },
  ])('$name', ({ sel, format, plain }) => {
    expect(formatLabelSelector(sel)).toBe(format);
    expect(selectorString(sel)).toBe(plain);
  });
});

describe('small formatters', () => {
  it('lays out containers', () => {
    expect(
      containerCells([
        { name: 'a', image: 'nginx' },
        { name: 'b', image: 'busybox:1' },
      ]),
    ).toEqual(['a,b', 'nginx,busybox:1']);
    expect(containerCells(undefined)).toEqual(['', '']);
  });

  it.each([
    { q: '1Gi', want: '1Gi' },
    { q: '1.5Gi', want: '1536Mi' },
    { q: '1000M', want: '1G' },
    { q: undefined, want: '0' },
    { q: 'lots', want: 'lots' },
  ])('quantity $q', ({ q, want }) => {
    expect(quantity(q)).toBe(want);
  });

  it('abbreviates access modes in a fixed order, once each', () => {
    expect(accessModes(['ReadWriteOncePod', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOnce', 'ReadOnlyMany'])).toBe('RWO,ROX,RWX,RWOP');
    expect(accessModes(undefined)).toBe('');
  });

  it('prints optional booleans', () => {
    expect([boolPtr(true), boolPtr(false), boolPtr(undefined)]).toEqual(['True', 'False', '<unset>']);
  });

  it.each([
    { items: [], want: '<unset>' },
    { items: ['a', 'b', 'c'], want: 'a,b,c' },
    { items: ['a', 'b', 'c', 'd', 'e'], want: 'a,b,c + 2 more...' },
  ])('lists $items', ({ items, want }) => {
    expect(listWithMore(items)).toBe(want);
  });
});
