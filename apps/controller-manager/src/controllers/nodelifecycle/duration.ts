const units: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A Go duration (`40s`, `1m30s`, `500ms`, `1.5h`) in milliseconds, as kube-controller-manager's
 * duration flags take them; a bare `0` is zero. Throws on anything else.
 */
export function parseDuration(text: string): number {
  const s = text.trim();
  if (s === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    total += Number(m[1]) * units[m[2]!]!;
    matched = re.lastIndex;
  }
  if (s === '' || matched !== s.length) throw new Error(`invalid duration ${JSON.stringify(text)}`);
  return total;
}

/** A duration flag in ms: `fallback` when unset or empty. */
export function durationFlag(flags: Record<string, string>, name: string, fallbackMs: number): number {
  const v = flags[name];
  if (v === undefined || v === '') return fallbackMs;
  try {
    return parseDuration(v);
  } catch (err) {
    throw new Error(`--${name}: ${(err as Error).message}`, { cause: err });
  }
}
