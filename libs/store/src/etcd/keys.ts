import type { KeyValue } from '../store';

/**
 * Byte-level key handling for the etcd backend. etcd orders and ranges keys as raw bytes, so
 * every prefix computation here works on the UTF-8 encoding, never on UTF-16 strings.
 */

const ZERO = Buffer.from([0]);

/**
 * The smallest key greater than every key that starts with `prefix`: etcd's range_end for a
 * prefix scan (clientv3.GetPrefixRangeEnd). Trailing 0xff bytes cannot be incremented and are
 * dropped; an empty or all-0xff prefix has no upper bound, which etcd spells as "\0".
 */
export function prefixEnd(prefix: Uint8Array): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i] < 0xff) {
      end[i] += 1;
      return end.subarray(0, i + 1);
    }
  }
  return ZERO;
}

/** A key range [start, end) in etcd's encoding. */
export interface KeyRange {
  key: Buffer;
  range_end: Buffer;
}

/** Maps the store's string keys to etcd keys under an optional namespace prefix and back. */
export class KeyCodec {
  private readonly ns: Buffer;

  constructor(namespace = '') {
    this.ns = Buffer.from(namespace, 'utf8');
  }

  encode(key: string): Buffer {
    return Buffer.concat([this.ns, Buffer.from(key, 'utf8')]);
  }

  /** The store key for an etcd key; the namespace is stripped. */
  decode(key: Uint8Array): string {
    // Lists decode thousands of keys: slice inside toString rather than allocating a view first.
    if (Buffer.isBuffer(key)) return key.toString('utf8', this.ns.length);
    return Buffer.from(key.buffer, key.byteOffset + this.ns.length, key.byteLength - this.ns.length).toString('utf8');
  }

  /**
   * Every key starting with `prefix`, optionally only those at or after `fromKey`. An empty
   * encoded prefix means every key, which etcd spells as key "\0" with range_end "\0".
   */
  prefixRange(prefix: string, fromKey?: string): KeyRange | undefined {
    const start = this.encode(prefix);
    const end = start.length === 0 ? ZERO : prefixEnd(start);
    let key = start.length === 0 ? ZERO : start;
    if (fromKey !== undefined) {
      const from = this.encode(fromKey);
      if (Buffer.compare(from, key) > 0) key = from;
    }
    // An unbounded end ("\0") never excludes anything; otherwise an empty range is no range.
    if (!end.equals(ZERO) && Buffer.compare(key, end) >= 0) return undefined;
    return { key, range_end: end };
  }
}

/** The shape of a key-value as the etcd3 client decodes it (revisions are int64 strings). */
export interface RawKeyValue {
  key: Buffer;
  value: Buffer;
  create_revision: string;
  mod_revision: string;
}

/** Buffers become plain Uint8Array views (no copy), so callers never depend on Node's Buffer. */
export function bytes(buffer: Buffer | Uint8Array | null | undefined): Uint8Array {
  if (!buffer) return new Uint8Array(0);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

export function toKeyValue(codec: KeyCodec, raw: RawKeyValue): KeyValue {
  return {
    key: codec.decode(raw.key),
    value: bytes(raw.value),
    createRevision: Number(raw.create_revision),
    modRevision: Number(raw.mod_revision),
  };
}
