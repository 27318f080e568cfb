/** IP prefixes as numbers: enough arithmetic to carve a cluster CIDR into node CIDRs. */

export interface Prefix {
  /** 4 or 6. */
  family: 4 | 6;
  /** The network address (host bits zero). */
  base: bigint;
  /** Prefix length in bits. */
  bits: number;
}

/** The width of a family's addresses in bits. */
export const familyBits = (family: 4 | 6): number => (family === 4 ? 32 : 128);

/** Parses `a.b.c.d/n` or an IPv6 `x::y/n`; throws on anything else. Host bits are masked off. */
export function parsePrefix(text: string): Prefix {
  const slash = text.indexOf('/');
  if (slash < 0) throw new Error(`invalid CIDR address: ${text}`);
  const ip = parseIP(text.slice(0, slash));
  const lenText = text.slice(slash + 1);
  const bits = Number(lenText);
  if (!ip || !/^\d+$/.test(lenText) || bits > familyBits(ip.family)) throw new Error(`invalid CIDR address: ${text}`);
  const width = BigInt(familyBits(ip.family) - bits);
  return { family: ip.family, base: (ip.value >> width) << width, bits };
}

/** An IP address as a number, or undefined when the text is not one. */
export function parseIP(text: string): { family: 4 | 6; value: bigint } | undefined {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(text)) {
    const octets = text.split('.').map(Number);
    if (octets.some((o) => o > 255)) return undefined;
    return { family: 4, value: octets.reduce((acc, o) => (acc << 8n) | BigInt(o), 0n) };
  }
  if (!text.includes(':')) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (s: string) => (s === '' ? [] : s.split(':'));
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  return { family: 6, value: groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n) };
}

/** The canonical text of a prefix (`10.244.3.0/24`, `fd00:0:0:1::/64`). */
export function formatPrefix(p: Prefix): string {
  return `${formatIP(p.family, p.base)}/${p.bits}`;
}

function formatIP(family: 4 | 6, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 255n)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  // Compress the longest run of two or more zero groups, as Go's net.IP.String does.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** Whether two prefixes share any address. */
export function overlaps(a: Prefix, b: Prefix): boolean {
  if (a.family !== b.family) return false;
  const bits = Math.min(a.bits, b.bits);
  const shift = BigInt(familyBits(a.family) - bits);
  return a.base >> shift === b.base >> shift;
}
