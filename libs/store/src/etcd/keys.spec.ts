import { describe, expect, it } from 'vitest';
import { KeyCodec, prefixEnd, toKeyValue } from './keys';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('prefixEnd', () => {
  it.each([
    { name: 'increments the last byte', input: '2f612f', want: '2f6130' },
    { name: 'drops trailing 0xff bytes before incrementing', input: '61ffff', want: '62' },
    { name: 'is unbounded ("\\0") for an all-0xff prefix', input: 'ffff', want: '00' },
    { name: 'is unbounded ("\\0") for the empty prefix', input: '', want: '00' },
  ])('$name', ({ input, want }) => {
    expect(hex(prefixEnd(Buffer.from(input, 'hex')))).toBe(want);
  });

  it('does not modify its input', () => {
    const input = Buffer.from('abc');
    prefixEnd(input);
    expect(input.toString()).toBe('abc');
  });
});

describe('KeyCodec', () => {
  it('round-trips keys through the namespace as UTF-8', () => {
    const codec = new KeyCodec('/ns');
    expect(codec.encode('/registry/ä').toString()).toBe('/ns/registry/ä');
    expect(codec.decode(codec.encode('/registry/ä'))).toBe('/registry/ä');
  });

  it.each([
    { name: 'a prefix under a namespace', ns: '/ns', prefix: '/a/', fromKey: undefined, want: { key: '/ns/a/', end: '/ns/a0' } },
    { name: 'everything in a namespace', ns: '/ns', prefix: '', fromKey: undefined, want: { key: '/ns', end: '/nt' } },
    { name: 'everything without a namespace', ns: '', prefix: '', fromKey: undefined, want: { key: '\0', end: '\0' } },
    { name: 'fromKey inside the prefix', ns: '', prefix: '/a/', fromKey: '/a/m', want: { key: '/a/m', end: '/a0' } },
    { name: 'fromKey before the prefix is ignored', ns: '', prefix: '/a/', fromKey: '/', want: { key: '/a/', end: '/a0' } },
    { name: 'fromKey past the prefix: empty range', ns: '', prefix: '/a/', fromKey: '/b', want: undefined },
    { name: 'fromKey with no namespace and no prefix', ns: '', prefix: '', fromKey: 'k', want: { key: 'k', end: '\0' } },
  ])('prefixRange: $name', ({ ns, prefix, fromKey, want }) => {
    const range = new KeyCodec(ns).prefixRange(prefix, fromKey);
    expect(range && { key: range.key.toString(), end: range.range_end.toString() }).toEqual(want);
  });
});

describe('toKeyValue', () => {
  it('strips the namespace, parses revisions and returns plain Uint8Array values', () => {
    const kv = toKeyValue(new KeyCodec('/ns'), {
      key: Buffer.from('/ns/k'),
      value: Buffer.from('v'),
      create_revision: '7',
      mod_revision: '9',
    });
    expect(kv).toEqual({ key: '/k', value: new Uint8Array([0x76]), createRevision: 7, modRevision: 9 });
    expect(Buffer.isBuffer(kv.value)).toBe(false);
  });
});
