/**
 * Byte-wise key ranges. Keys are compared as UTF-8 bytes (etcd's order, and SQLite's BINARY
 * collation on TEXT), which differs from JavaScript's UTF-16 string order for characters outside
 * the Basic Multilingual Plane.
 */

/**
 * The smallest byte string greater than every key that starts with `prefix` (etcd's range_end for
 * a prefix). Not necessarily valid UTF-8, so it is bound as a BLOB and cast to TEXT in SQL. An
 * empty prefix yields 0xFF, a byte that never occurs in UTF-8 and so is above every key.
 */
export function prefixEnd(prefix: string): Buffer {
  const bytes = Buffer.from(prefix, 'utf8');
  if (bytes.length === 0) return Buffer.from([0xff]);
  // The last byte of valid UTF-8 is never 0xFF, so incrementing it cannot overflow.
  bytes[bytes.length - 1]! += 1;
  return bytes;
}

/** Orders two keys by their UTF-8 bytes: negative, zero or positive like a sort comparator. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
