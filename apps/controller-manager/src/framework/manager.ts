import type { Controller } from './context';

/**
 * Which controllers `--controllers` enables, as kube-controller-manager reads it: a comma list of
 * names, `*` for every controller on by default, `-name` to disable one (`*,-garbagecollector`).
 * Unknown names are an error.
 */
export function selectControllers(all: readonly Controller[], flag: string): Controller[] {
  const names = new Set(all.map((c) => c.name));
  const items = flag
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const item of items) {
    const name = item.startsWith('-') ? item.slice(1) : item;
    if (name !== '*' && !names.has(name)) throw new Error(`"${name}" is not in the list of known controllers`);
  }
  const star = items.includes('*');
  return all.filter((c) => {
    if (items.includes(`-${c.name}`)) return false;
    if (items.includes(c.name)) return true;
    return star && c.enabledByDefault !== false;
  });
}

/** `--concurrent-<name>-syncs` flags into a lookup; names as Kubernetes spells them. */
export function concurrencyFlags(flags: Record<string, string | undefined>): (name: string, fallback: number) => number {
  return (name, fallback) => {
    const v = flags[`concurrent-${name}-syncs`];
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--concurrent-${name}-syncs must be a positive integer, got ${v}`);
    return n;
  };
}
