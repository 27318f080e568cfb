import { describe, expect, it } from 'vitest';
import { IpPool } from './ip-pool';

describe('IpPool', () => {
  it('skips the network, gateway and broadcast addresses and wraps round', () => {
    const pool = new IpPool('10.244.1.0/29');
    const got = Array.from({ length: 5 }, () => pool.allocate());
    expect(got).toEqual(['10.244.1.2', '10.244.1.3', '10.244.1.4', '10.244.1.5', '10.244.1.6']);
    expect(pool.allocate()).toBeUndefined();
    pool.release('10.244.1.4');
    expect(pool.allocate()).toBe('10.244.1.4');
    expect(pool.inUse).toBe(5);
    expect(pool.describeRange()).toBe('10.244.1.1-10.244.1.6');
  });

  it('does not hand a released address out again at once', () => {
    const pool = new IpPool('10.0.0.0/24');
    const a = pool.allocate()!;
    pool.release(a);
    expect(pool.allocate()).toBe('10.0.0.3');
  });

  it('normalises the base address and refuses bad CIDRs', () => {
    expect(new IpPool('10.1.2.3/16').allocate()).toBe('10.1.0.2');
    expect(() => new IpPool('10.0.0.0')).toThrow(/invalid CIDR address/);
    expect(() => new IpPool('300.0.0.0/8')).toThrow(/invalid CIDR address/);
    expect(() => new IpPool('10.0.0.0/31')).toThrow(/too small/);
  });
});
