import { Quantity } from '../quantity';

/** A resource list with its quantities parsed: resource name to amount. */
export type Usage = Map<string, Quantity>;

/**
 * Parses a resource list as it travels (`{"pods":"2","requests.cpu":"500m"}`; numbers are read as
 * quantities too). An entry that does not parse is left out: validation reports those, and quota
 * accounting must not fail on them.
 */
export function parseResourceList(list: Record<string, unknown> | undefined | null): Usage {
  const out: Usage = new Map();
  if (!list) return out;
  for (const [name, raw] of Object.entries(list)) {
    try {
      out.set(name, Quantity.fromJSON(raw));
    } catch {
      // Left for validation.
    }
  }
  return out;
}

/** A resource list as it travels: every quantity as its canonical string. */
export function formatResourceList(usage: Usage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, q] of usage) out[name] = q.toString();
  return out;
}

/** The sum, key by key; a key in one list only is carried over (quota.Add). */
export function addUsage(a: Usage, b: Usage): Usage {
  const out: Usage = new Map(a);
  for (const [name, q] of b) {
    const have = out.get(name);
    out.set(name, have ? have.add(q) : q);
  }
  return out;
}

/** `a - b` for the keys of `a`, never below zero (quota.SubtractWithNonNegativeResult). */
export function subtractNonNegative(a: Usage, b: Usage): Usage {
  const out: Usage = new Map();
  for (const [name, q] of a) {
    const other = b.get(name);
    const diff = other ? q.sub(other) : q;
    out.set(name, diff.sign() < 0 ? Quantity.zero(q.format) : diff);
  }
  return out;
}

/** Only the entries named in `names` (quota.Mask). */
export function maskUsage(usage: Usage, names: Iterable<string>): Usage {
  const out: Usage = new Map();
  for (const name of names) {
    const q = usage.get(name);
    if (q) out.set(name, q);
  }
  return out;
}

/** Same keys and equal amounts, whatever the formats (quota.Equals). */
export function usageEquals(a: Usage, b: Usage): boolean {
  if (a.size !== b.size) return false;
  for (const [name, q] of a) {
    const other = b.get(name);
    if (!other || !other.equals(q)) return false;
  }
  return true;
}

/**
 * Whether every entry of `a` that `b` also has is at most `b`'s, and the names of those that are
 * not (quota.LessThanOrEqual): entries `b` lacks are not limited.
 */
export function lessThanOrEqual(a: Usage, b: Usage): { ok: boolean; exceeded: string[] } {
  const exceeded: string[] = [];
  for (const [name, q] of a) {
    const limit = b.get(name);
    if (limit && q.cmp(limit) > 0) exceeded.push(name);
  }
  return { ok: exceeded.length === 0, exceeded };
}

/** Without the zero entries (quota.RemoveZeros). */
export function removeZeros(usage: Usage): Usage {
  return new Map([...usage].filter(([, q]) => !q.isZero()));
}

/** The names whose amount is below zero (quota.IsNegative). */
export function negativeResources(usage: Usage): string[] {
  return [...usage].filter(([, q]) => q.sign() < 0).map(([name]) => name);
}

/** `a=1,b=500m`: sorted by name, as the quota admission writes lists into its refusals. */
export function prettyPrintUsage(usage: Usage): string {
  return [...usage.keys()]
    .sort()
    .map((name) => `${name}=${usage.get(name)!.toString()}`)
    .join(',');
}

/** Sorted, comma-separated resource names. */
export function prettyPrintResourceNames(names: Iterable<string>): string {
  return [...names].sort().join(',');
}
