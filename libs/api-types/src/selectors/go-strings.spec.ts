import { describe, expect, it } from 'vitest';
import { compareGoStrings, goJSON, goQuote, sortGoStrings, utf8Length } from './go-strings';

describe('compareGoStrings', () => {
  it.each([
    { a: 'a', b: 'b', want: -1 },
    { a: 'b', b: 'a', want: 1 },
    { a: 'a', b: 'a', want: 0 },
    { a: 'a', b: 'ab', want: -1 },
    { a: 'B', b: 'a', want: -1 },
    // U+FF5E sorts before U+1F600 in UTF-8, though its UTF-16 unit is larger than the surrogate's.
    { a: '\uff5e', b: '\u{1f600}', want: -1 },
    { a: '\u{1f600}', b: '\uff5e', want: 1 },
  ])('$a vs $b is $want', ({ a, b, want }) => {
    expect(Math.sign(compareGoStrings(a, b))).toBe(want);
  });

  it('sorts a copy', () => {
    const input = ['foo', 'bar', 'foo', 'bar'];
    expect(sortGoStrings(input)).toEqual(['bar', 'bar', 'foo', 'foo']);
    expect(input).toEqual(['foo', 'bar', 'foo', 'bar']);
  });
});

describe('goQuote', () => {
  it.each([
    { in: 'abc', want: '"abc"' },
    { in: 'a"b', want: '"a\\"b"' },
    { in: 'a\\b', want: '"a\\\\b"' },
    { in: 'tab\there', want: '"tab\\there"' },
    { in: 'nl\n', want: '"nl\\n"' },
    { in: '\x00\x7f', want: '"\\x00\\x7f"' },
    { in: 'héllo 世界', want: '"héllo 世界"' },
    { in: '\u200b', want: '"\\u200b"' },
  ])('quotes $in as $want', ({ in: input, want }) => {
    expect(goQuote(input)).toBe(want);
  });
});

describe('goJSON', () => {
  it('escapes HTML characters as Go does', () => {
    expect(goJSON(['<a>', 'b&c'])).toBe('["\\u003ca\\u003e","b\\u0026c"]');
    expect(goJSON(null)).toBe('null');
    expect(goJSON([])).toBe('[]');
  });
});

describe('utf8Length', () => {
  it('counts bytes', () => {
    expect(utf8Length('abc')).toBe(3);
    expect(utf8Length('é')).toBe(2);
    expect(utf8Length('\u{1f600}')).toBe(4);
  });
});
