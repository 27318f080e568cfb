/**
 * Deep equality of JSON values, in the sense Kubernetes' apiequality.Semantic uses for
 * immutability checks: an absent field, `undefined` and `null` are all Go's nil, and an empty list
 * or map equals a nil one. Empty strings and zero numbers are not nil: optional scalars are
 * pointers in Go, so `""` and absent can differ; callers comparing non-pointer fields pass `?? ''`.
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isNilish(a) || isNilish(b)) return isNilish(a) && isNilish(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => semanticEqual(v, b[i]));
  }
  if (typeof a === 'object' && typeof b === 'object') {
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
    for (const k of keys) if (!semanticEqual(ao[k], bo[k])) return false;
    return true;
  }
  return false;
}

/** Nil, an empty list, or a map whose entries are all nil-ish (as absent fields are). */
function isNilish(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.values(v).every(isNilish);
  return false;
}
