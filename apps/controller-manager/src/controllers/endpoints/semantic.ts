/**
 * Equality as apimachinery's equality.Semantic sees API values: key order does not matter, and a
 * missing field, null, an empty list and an empty map are all the same (they are on the wire: Go
 * omits them). Used to decide whether an object needs writing at all.
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

/** A stable text of `value` with empty values dropped and keys sorted. */
export function canonical(value: unknown): string {
  return JSON.stringify(normalize(value)) ?? '';
}

function normalize(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) {
    if (value.length === 0) return undefined;
    return value.map((v) => normalize(v) ?? null);
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = normalize((value as Record<string, unknown>)[key]);
      if (v !== undefined) out[key] = v;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return value;
}
