import { describe, expect, it } from 'vitest';
import { semanticEqual } from './equal';

describe('semanticEqual', () => {
  it.each([
    [{ a: 1 }, { a: 1 }, true],
    [{ a: 1, b: undefined }, { a: 1 }, true],
    [{ a: [] }, {}, true],
    [{ a: {} }, { a: null }, true],
    [[1, 2], [2, 1], false],
    ['', undefined, false],
    [0, undefined, false],
    [{ a: { b: [1, { c: 'x' }] } }, { a: { b: [1, { c: 'x' }] } }, true],
    [{ a: { b: [1, { c: 'x' }] } }, { a: { b: [1, { c: 'y' }] } }, false],
  ])('%j vs %j', (a, b, want) => {
    expect(semanticEqual(a, b)).toBe(want);
    expect(semanticEqual(b, a)).toBe(want);
  });
});
