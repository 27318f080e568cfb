import { describe, expect, it } from 'vitest';
import { compareKeys, prefixEnd } from './key-range';

describe('prefixEnd', () => {
  it.each([
    { name: 'ascii', prefix: '/registry/pods/', want: [...Buffer.from('/registry/pods0')] },
    { name: 'empty prefix is above every key', prefix: '', want: [0xff] },
    { name: 'multi-byte last character', prefix: 'é', want: [0xc3, 0xaa] },
    { name: 'LIKE wildcards are plain bytes', prefix: 'a%', want: [0x61, 0x26] },
  ])('$name', ({ prefix, want }) => {
    expect([...prefixEnd(prefix)]).toEqual(want);
  });

  it.each(['a', 'a%b', 'a_', 'a\u{1F600}', 'a\uffff', 'a\u{10FFFF}x'])('bounds key %j under prefix "a"', (key) => {
    const end = prefixEnd('a');
    expect(Buffer.compare(Buffer.from(key), end)).toBeLessThan(0);
    expect(Buffer.compare(Buffer.from('b'), end)).toBeGreaterThanOrEqual(0);
  });
});

describe('compareKeys', () => {
  it.each([
    { a: 'a', b: 'b', sign: -1 },
    { a: 'b', b: 'b', sign: 0 },
    // UTF-16 puts the surrogate pair (0xD83D) below U+FF5A; UTF-8 puts F0 above EF.
    { a: '\u{1F600}', b: '\uff5a', sign: 1 },
  ])('compareKeys($a, $b) has sign $sign', ({ a, b, sign }) => {
    expect(Math.sign(compareKeys(a, b))).toBe(sign);
  });
});
