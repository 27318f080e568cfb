import { describe, expect, it } from 'vitest';
import { formatPrefix, overlaps, parseIP, parsePrefix } from './cidr';
import { CidrRangeExhaustedError, CidrSet } from './cidr-set';
import { rangeAllocatorConfig } from './range-allocator';

describe('prefixes', () => {
  it.each([
    { text: '10.244.0.0/16', want: '10.244.0.0/16' },
    { text: '10.244.7.9/24', want: '10.244.7.0/24' },
    { text: 'fd00::/48', want: 'fd00::/48' },
    { text: 'fd00:0:0:1:0:0:0:0/64', want: 'fd00:0:0:1::/64' },
    { text: '2001:db8::1:0:0:1/128', want: '2001:db8::1:0:0:1/128' },
  ])('$text reads as $want', ({ text, want }) => {
    expect(formatPrefix(parsePrefix(text))).toBe(want);
  });

  it.each(['10.0.0.0', '10.0.0.0/33', '300.0.0.0/8', 'fd00:::1/64', 'x/8'])('refuses %s', (text) => {
    expect(() => parsePrefix(text)).toThrow(/invalid CIDR/);
  });

  it.each([
    { a: '10.0.0.0/8', b: '10.1.0.0/16', want: true },
    { a: '10.1.0.0/16', b: '10.2.0.0/16', want: false },
    { a: '10.0.0.0/8', b: 'fd00::/8', want: false },
  ])('$a overlaps $b: $want', ({ a, b, want }) => {
    expect(overlaps(parsePrefix(a), parsePrefix(b))).toBe(want);
  });

  it('reads addresses', () => {
    expect(parseIP('10.0.0.1')).toEqual({ family: 4, value: 167772161n });
    expect(parseIP('::1')).toEqual({ family: 6, value: 1n });
    expect(parseIP('nope')).toBeUndefined();
  });
});

describe('CidrSet', () => {
  it('hands out distinct blocks in order, moving on past freed ones until it wraps', () => {
    const set = new CidrSet('10.10.0.0/22', 24);
    expect([set.allocateNext(), set.allocateNext(), set.allocateNext()]).toEqual(['10.10.0.0/24', '10.10.1.0/24', '10.10.2.0/24']);
    set.release('10.10.1.0/24');
    expect(set.allocateNext()).toBe('10.10.3.0/24');
    expect(set.allocateNext()).toBe('10.10.1.0/24');
    expect(() => set.allocateNext()).toThrow(CidrRangeExhaustedError);
    expect(set.usedCount).toBe(4);
  });

  it('skips occupied blocks, including every block a wider prefix covers', () => {
    const set = new CidrSet('10.10.0.0/22', 24);
    set.occupy('10.10.0.0/23');
    set.occupy('10.10.0.0/24'); // idempotent
    expect(set.usedCount).toBe(2);
    expect(set.allocateNext()).toBe('10.10.2.0/24');
    expect(() => set.occupy('192.168.0.0/24')).toThrow(/outside/);
  });

  it('works for IPv6', () => {
    const set = new CidrSet('fd00:10::/56', 64);
    expect(set.allocateNext()).toBe('fd00:10::/64');
    expect(set.allocateNext()).toBe('fd00:10:0:1::/64');
    expect(set.contains('fd00:10:0:7::/64')).toBe(true);
    expect(set.contains('10.0.0.0/24')).toBe(false);
  });

  it.each([
    { cidr: '10.0.0.0/16', mask: 8 },
    { cidr: '10.0.0.0/8', mask: 25 },
  ])('refuses mask $mask for $cidr', ({ cidr, mask }) => {
    expect(() => new CidrSet(cidr, mask)).toThrow();
  });
});

describe('rangeAllocatorConfig', () => {
  it.each([
    { flags: {}, want: [['10.244.0.0/16', 24]] },
    { flags: { 'cluster-cidr': '10.1.0.0/16', 'node-cidr-mask-size': '26' }, want: [['10.1.0.0/16', 26]] },
    { flags: { 'cluster-cidr': 'fd00::/48' }, want: [['fd00::/48', 64]] },
    { flags: { 'cluster-cidr': '10.1.0.0/16,fd00::/48', 'node-cidr-mask-size': '26', 'node-cidr-mask-size-ipv6': '60' }, want: [['10.1.0.0/16', 24], ['fd00::/48', 60]] },
  ])('$flags', ({ flags, want }) => {
    expect(rangeAllocatorConfig(flags as Record<string, string>).sets.map((s) => [formatPrefix(s.cluster), s.maskSize])).toEqual(want);
  });

  it('keeps the service range out of node CIDRs', () => {
    const { sets } = rangeAllocatorConfig({ 'cluster-cidr': '10.0.0.0/22', 'service-cluster-ip-range': '10.0.0.0/24' });
    expect(sets[0]!.allocateNext()).toBe('10.0.1.0/24');
  });

  it.each(['10.0.0.0/16,10.1.0.0/16', '10.0.0.0/16,fd00::/48,fd01::/48'])('refuses --cluster-cidr=%s', (cidr) => {
    expect(() => rangeAllocatorConfig({ 'cluster-cidr': cidr })).toThrow();
  });
});
