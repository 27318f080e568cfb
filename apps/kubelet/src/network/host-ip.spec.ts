import { describe, expect, it } from 'vitest';
import { defaultRouteInterface, detectNodeIP } from './host-ip';

const route = 'Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\tMTU\tWindow\tIRTT\neth1\t0000A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\neth0\t00000000\t0101A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n';
const addr = (address: string, internal = false) => ({ address, family: 'IPv4' as const, internal, netmask: '255.255.255.0', mac: '00:00:00:00:00:00', cidr: null });

describe('node IP detection', () => {
  it('finds the default route interface', () => {
    expect(defaultRouteInterface(route)).toBe('eth0');
    expect(defaultRouteInterface('Iface\tDestination\n')).toBeUndefined();
  });

  it('prefers the default route interface, then any non-loopback IPv4, then loopback', () => {
    expect(detectNodeIP({ lo: [addr('127.0.0.1', true)], eth1: [addr('192.168.0.2')], eth0: [addr('10.0.0.7')] }, 'eth0')).toBe('10.0.0.7');
    expect(detectNodeIP({ lo: [addr('127.0.0.1', true)], eth1: [addr('192.168.0.2')] }, 'eth0')).toBe('192.168.0.2');
    expect(detectNodeIP({ lo: [addr('127.0.0.1', true)] }, undefined)).toBe('127.0.0.1');
  });
});
