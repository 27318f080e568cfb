import { type FieldError, type FieldPath, invalid } from './field';

/**
 * IP and CIDR parsing with the leniency Kubernetes' netutils.ParseIPSloppy keeps for
 * compatibility (IPv4 octets with leading zeros are read as decimal), and the address checks
 * Service and Pod validation use.
 */

/** Parsed address: 4 bytes for IPv4 (also for IPv4-mapped IPv6, as Go's To4 does), 16 for IPv6. */
export type IPBytes = Uint8Array;

function parseIPv4(s: string): IPBytes | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^[0-9]{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out[i] = n;
  }
  return out;
}

function parseIPv6(s: string): IPBytes | undefined {
  if (s.includes('%')) return undefined;
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string): number[] | undefined => {
    if (h === '') return [];
    const out: number[] = [];
    const parts = h.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = parseIPv4(p);
        if (!v4) return undefined;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return undefined;
        out.push(parseInt(p, 16));
      }
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const total = head.length + tail.length;
  if (halves.length === 2 ? total > 7 : total !== 8) return undefined;
  const all = [...head, ...new Array<number>(8 - total).fill(0), ...tail];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

/** The address bytes, or undefined when `s` is no IP address. */
export function parseIP(s: string): IPBytes | undefined {
  if (s.includes(':')) {
    const v6 = parseIPv6(s);
    if (!v6) return undefined;
    const mapped = v6.slice(0, 10).every((b) => b === 0) && v6[10] === 0xff && v6[11] === 0xff;
    return mapped ? v6.slice(12) : v6;
  }
  return parseIPv4(s);
}

/** True for a syntactically valid IPv6 (not IPv4-mapped) address. */
export function isIPv6String(s: string): boolean {
  const ip = parseIP(s);
  return ip !== undefined && ip.length === 16;
}

/** `address/prefix`, the address possibly with host bits set (as Go's ParseCIDR allows). */
export function parseCIDR(s: string): { ip: IPBytes; prefix: number; v6: boolean } | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const addr = s.slice(0, slash);
  const bits = s.slice(slash + 1);
  if (!/^[0-9]{1,3}$/.test(bits)) return undefined;
  const v6 = addr.includes(':');
  const ip = v6 ? parseIPv6(addr) : parseIPv4(addr);
  if (!ip) return undefined;
  const prefix = Number(bits);
  if (prefix > (v6 ? 128 : 32)) return undefined;
  return { ip, prefix, v6 };
}

/** `must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)` unless valid. */
export function validateIP(path: FieldPath, value: string): FieldError[] {
  return parseIP(value) ? [] : [invalid(path, value, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)')];
}

/** `must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)` unless valid. */
export function validateCIDR(path: FieldPath, value: string): FieldError[] {
  return parseCIDR(value) ? [] : [invalid(path, value, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)')];
}

/** Exactly one IPv4 and one IPv6 among the given valid addresses. */
export function isDualStackIPs(ips: readonly string[]): boolean {
  let v4 = 0;
  let v6 = 0;
  for (const s of ips) {
    const ip = parseIP(s);
    if (!ip) return false;
    if (ip.length === 4) v4++;
    else v6++;
  }
  return v4 === 1 && v6 === 1;
}

/** Exactly one IPv4 and one IPv6 CIDR. */
export function isDualStackCIDRs(cidrs: readonly string[]): boolean {
  let v4 = 0;
  let v6 = 0;
  for (const s of cidrs) {
    const c = parseCIDR(s);
    if (!c) return false;
    if (c.v6) v6++;
    else v4++;
  }
  return v4 === 1 && v6 === 1;
}

/**
 * Addresses that may not be used as a Service's external IPs or an endpoint: unspecified,
 * loopback, link-local unicast and link-local multicast.
 */
export function validateNonSpecialIP(path: FieldPath, value: string): FieldError[] {
  const ip = parseIP(value);
  if (!ip) return [invalid(path, value, 'must be a valid IP address')];
  const errs: FieldError[] = [];
  const v4 = ip.length === 4;
  if (ip.every((b) => b === 0)) errs.push(invalid(path, value, `may not be unspecified (${value})`));
  const loopback = v4 ? ip[0] === 127 : ip.slice(0, 15).every((b) => b === 0) && ip[15] === 1;
  if (loopback) errs.push(invalid(path, value, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  const linkLocal = v4 ? ip[0] === 169 && ip[1] === 254 : ip[0] === 0xfe && (ip[1]! & 0xc0) === 0x80;
  if (linkLocal) errs.push(invalid(path, value, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  const llMulticast = v4 ? ip[0] === 224 && ip[1] === 0 && ip[2] === 0 : ip[0] === 0xff && (ip[1]! & 0x0f) === 0x02;
  if (llMulticast) {
    errs.push(invalid(path, value, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  }
  return errs;
}
