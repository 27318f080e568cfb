import { describe, expect, it } from 'vitest';
import { fieldPath } from './field';
import { isDualStackIPs, isIPv6String, parseCIDR, parseIP, validateNonSpecialIP } from './ip';

describe('parseIP', () => {
  it.each([
    ['10.0.0.1', [10, 0, 0, 1]],
    ['010.001.000.001', [10, 1, 0, 1]],
    ['::ffff:10.0.0.1', [10, 0, 0, 1]],
    ['::1', [...new Array(15).fill(0), 1]],
    ['2001:db8::ffff', [0x20, 0x01, 0x0d, 0xb8, ...new Array(10).fill(0), 0xff, 0xff]],
  ])('%s', (s, bytes) => {
    expect([...parseIP(s)!]).toEqual(bytes);
  });

  it.each(['', '10.0.0', '10.0.0.256', '1.2.3.4.5', 'fe80::1%eth0', '1::2::3', '12345::', 'a.b.c.d'])('rejects %j', (s) => {
    expect(parseIP(s)).toBeUndefined();
  });

  it('classifies families', () => {
    expect(isIPv6String('fd00::1')).toBe(true);
    expect(isIPv6String('::ffff:1.2.3.4')).toBe(false);
    expect(isDualStackIPs(['10.0.0.1', 'fd00::1'])).toBe(true);
    expect(isDualStackIPs(['10.0.0.1', '10.0.0.2'])).toBe(false);
  });

  it('parses CIDRs with host bits', () => {
    expect(parseCIDR('10.0.0.1/24')).toMatchObject({ prefix: 24, v6: false });
    expect(parseCIDR('fd00::/129')).toBeUndefined();
    expect(parseCIDR('10.0.0.0')).toBeUndefined();
  });
});

describe('validateNonSpecialIP', () => {
  it.each([
    ['8.8.8.8', []],
    ['0.0.0.0', ['may not be unspecified (0.0.0.0)']],
    ['127.0.0.1', ['may not be in the loopback range (127.0.0.0/8, ::1/128)']],
    ['::1', ['may not be in the loopback range (127.0.0.0/8, ::1/128)']],
    ['169.254.169.254', ['may not be in the link-local range (169.254.0.0/16, fe80::/10)']],
    ['fe80::1', ['may not be in the link-local range (169.254.0.0/16, fe80::/10)']],
    ['224.0.0.1', ['may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)']],
  ])('%s', (ip, want) => {
    expect(validateNonSpecialIP(fieldPath('ip'), ip).map((e) => e.detail)).toEqual(want);
  });
});
