import { describe, expect, it } from 'vitest';
import { compileLabelSelector, selectorMatches } from './selector-match';

describe('compileLabelSelector', () => {
  const labels = { app: 'web', tier: 'fe' };
  it.each([
    ['undefined selects nothing', undefined, false],
    ['{} selects everything', {}, true],
    ['matching labels', { matchLabels: { app: 'web' } }, true],
    ['other labels', { matchLabels: { app: 'api' } }, false],
    ['In', { matchExpressions: [{ key: 'tier', operator: 'In', values: ['fe', 'be'] }] }, true],
    ['NotIn', { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['fe'] }] }, false],
    ['Exists', { matchExpressions: [{ key: 'app', operator: 'Exists' }] }, true],
    ['DoesNotExist', { matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }, true],
    ['an invalid operator selects nothing', { matchExpressions: [{ key: 'app', operator: 'Like', values: ['web'] }] }, false],
  ])('%s', (_name, sel, want) => {
    expect(selectorMatches(compileLabelSelector(sel), labels)).toBe(want);
  });

  it('marks unconvertible selectors invalid', () => {
    expect(compileLabelSelector({ matchLabels: { 'bad key': 'x' } }).kind).toBe('invalid');
    expect(compileLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }).kind).toBe('invalid');
    expect(compileLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }).kind).toBe('invalid');
  });
});
