import { Quantity, parseQuantity } from '../quantity';

/**
 * Kubernetes' SetDefaults_ResourceList: every quantity rounded up to thousandths (`0.0001` cpu
 * becomes `1m`) and written back in its canonical form, as the apiserver stores it (`1.5Gi`
 * becomes `1536Mi`). Malformed quantities are left for validation to report. Mutates `list`.
 */
export function defaultResourceList(list: Record<string, string> | undefined): void {
  if (!list) return;
  for (const [name, raw] of Object.entries(list)) {
    list[name] = canonicalQuantity(raw);
  }
}

/** The canonical, milli-rounded form of a quantity string, or the input when it does not parse. */
export function canonicalQuantity(raw: string | number): string {
  let q: Quantity;
  try {
    q = parseQuantity(String(raw));
  } catch {
    return typeof raw === 'string' ? raw : String(raw);
  }
  const milli = q.scaledValue(-3);
  const rounded = Quantity.fromMilli(milli, q.format);
  return (rounded.cmp(q) === 0 ? q : rounded).toString();
}
