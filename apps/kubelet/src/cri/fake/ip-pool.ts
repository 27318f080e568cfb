/**
 * Pod IPs out of one IPv4 CIDR, handed out as the CNI host-local IPAM plugin behind the bridge
 * plugin does: the network address and the gateway (the first host address) are never given,
 * nor the broadcast address; allocation continues after the last address given and wraps round,
 * so a released address is not reused at once.
 */
export class IpPool {
  readonly cidr: string;
  private readonly base: number;
  /** Offsets from `base` that may be handed out: [first, last]. */
  private readonly first: number;
  private readonly last: number;
  private readonly used = new Set<number>();
  private cursor: number;

  constructor(cidr: string) {
    const parsed = parseIPv4Cidr(cidr);
    if (parsed === undefined) throw new TypeError(`invalid CIDR address: ${cidr}`);
    const hostBits = 32 - parsed.prefix;
    const size = 2 ** hostBits;
    if (size < 4) throw new RangeError(`CIDR ${cidr} is too small for pod addresses`);
    this.cidr = cidr;
    this.base = parsed.network;
    this.first = 2;
    this.last = size - 2;
    this.cursor = this.first - 1;
  }

  /** The next free address, or undefined when the range is exhausted. */
  allocate(): string | undefined {
    const span = this.last - this.first + 1;
    for (let i = 0; i < span; i++) {
      this.cursor = this.cursor >= this.last ? this.first : this.cursor + 1;
      if (!this.used.has(this.cursor)) {
        this.used.add(this.cursor);
        return formatIPv4(this.base + this.cursor);
      }
    }
    return undefined;
  }

  /** Gives an address back; addresses outside the pool are ignored. */
  release(ip: string): void {
    const n = parseIPv4(ip);
    if (n === undefined) return;
    this.used.delete(n - this.base);
  }

  /** The addresses handed out as a range, as host-local names it in its errors. */
  describeRange(): string {
    return `${formatIPv4(this.base + 1)}-${formatIPv4(this.base + this.last)}`;
  }

  get inUse(): number {
    return this.used.size;
  }
}

function parseIPv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

function parseIPv4Cidr(text: string): { network: number; prefix: number } | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIPv4(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (ip === undefined || !/^\d{1,2}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  return { network: ip - (ip % size), prefix };
}

function formatIPv4(n: number): string {
  return [Math.floor(n / 16777216) % 256, Math.floor(n / 65536) % 256, Math.floor(n / 256) % 256, n % 256].join('.');
}
