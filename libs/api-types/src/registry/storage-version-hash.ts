import { createHash } from 'node:crypto';

/**
 * Kubernetes' storageVersionHash for the version a resource is stored in: the first 8 bytes of
 * SHA-256 over `<group>/<version>/<kind>`, base64-encoded. Computing it the same way makes the
 * values equal to a real apiserver's, so clients that compare hashes across servers agree.
 */
export function storageVersionHash(group: string, version: string, kind: string): string {
  return createHash('sha256').update(`${group}/${version}/${kind}`).digest().subarray(0, 8).toString('base64');
}
