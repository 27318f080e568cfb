import { familyBits, formatPrefix, overlaps, parsePrefix, type Prefix } from './cidr';

/** No node CIDR is left in the cluster CIDR. */
export class CidrRangeExhaustedError extends Error {
  override readonly name = 'CidrRangeExhaustedError';
  constructor(options?: { cause?: unknown }) {
    super('CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range', options);
  }
}

/**
 * The node CIDRs of one cluster CIDR (Kubernetes' cidrset): each /`maskSize` block is free or
 * used. `allocateNext` hands out the next free block after the last one handed out, wrapping
 * around, so a block freed a moment ago is not the first one given again while others are free.
 * Not safe for concurrent use across awaits; every call is synchronous.
 */
export class CidrSet {
  readonly cluster: Prefix;
  readonly maskSize: number;
  private readonly max: number;
  private readonly used = new Set<number>();
  private next = 0;

  constructor(clusterCidr: string, maskSize: number) {
    this.cluster = parsePrefix(clusterCidr);
    if (!Number.isInteger(maskSize) || maskSize < this.cluster.bits || maskSize > familyBits(this.cluster.family)) {
      throw new Error(`node CIDR mask size ${maskSize} does not fit cluster CIDR ${clusterCidr}`);
    }
    // Kubernetes refuses more than 2^16 node CIDRs per cluster CIDR.
    if (maskSize - this.cluster.bits > 16) throw new Error(`cluster CIDR ${clusterCidr} with mask size ${maskSize} gives more than 65536 node CIDRs`);
    this.maskSize = maskSize;
    this.max = 2 ** (maskSize - this.cluster.bits);
  }

  /** How many node CIDRs are in use. */
  get usedCount(): number {
    return this.used.size;
  }

  /** The next free node CIDR, now used; throws CidrRangeExhaustedError when none is left. */
  allocateNext(): string {
    for (let i = 0; i < this.max; i++) {
      const candidate = (this.next + i) % this.max;
      if (this.used.has(candidate)) continue;
      this.used.add(candidate);
      this.next = (candidate + 1) % this.max;
      return formatPrefix(this.prefixAt(candidate));
    }
    throw new CidrRangeExhaustedError();
  }

  /** Marks every node CIDR overlapping `cidr` used; idempotent. Throws when `cidr` is outside the cluster CIDR. */
  occupy(cidr: string): void {
    for (const i of this.indexesOf(cidr)) this.used.add(i);
  }

  /** Marks every node CIDR overlapping `cidr` free; idempotent. Throws when `cidr` is outside the cluster CIDR. */
  release(cidr: string): void {
    for (const i of this.indexesOf(cidr)) this.used.delete(i);
  }

  /** Whether `cidr` is of this set's family and inside its cluster CIDR. */
  contains(cidr: string): boolean {
    const p = parsePrefix(cidr);
    return p.family === this.cluster.family && p.bits >= this.cluster.bits && overlaps(p, this.cluster);
  }

  private prefixAt(i: number): Prefix {
    const shift = BigInt(familyBits(this.cluster.family) - this.maskSize);
    return { family: this.cluster.family, base: this.cluster.base + (BigInt(i) << shift), bits: this.maskSize };
  }

  /** Indexes of the node CIDRs `cidr` covers (a wider prefix covers several, a narrower one sits in one). */
  private indexesOf(cidr: string): number[] {
    const p = parsePrefix(cidr);
    if (p.family !== this.cluster.family || !overlaps(p, this.cluster)) throw new Error(`CIDR ${cidr} is outside the cluster CIDR ${formatPrefix(this.cluster)}`);
    const shift = BigInt(familyBits(p.family) - this.maskSize);
    const start = p.base < this.cluster.base ? this.cluster.base : p.base;
    const first = Number((start - this.cluster.base) >> shift);
    const count = p.bits >= this.maskSize ? 1 : Math.min(2 ** (this.maskSize - Math.max(p.bits, this.cluster.bits)), this.max - first);
    return Array.from({ length: count }, (_, k) => first + k);
  }
}
