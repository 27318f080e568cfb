/**
 * The small formatters Kubernetes' printers share: label sets and selectors, container lists,
 * quantities, access modes, "N more" lists. Each mirrors the Go helper named in its comment.
 */
import { labelSelectorAsSelector, quantityToString, type metav1 } from '@tskube/api-types';

export const NONE = '<none>';
export const UNSET = '<unset>';
export const UNKNOWN = '<unknown>';

/**
 * labels.FormatLabels: `k=v` pairs joined by `,`, or `<none>`. Go sorts the joined `k=v` strings,
 * not the keys, so `a.b=1` precedes `a=2`.
 */
export function formatLabels(labels: Readonly<Record<string, string>> | null | undefined): string {
  const pairs = Object.entries(labels ?? {}).map(([k, v]) => `${k}=${v}`);
  return pairs.length === 0 ? NONE : pairs.sort(byBytes).join(',');
}

/** metav1.FormatLabelSelector: the selector's canonical text; `<none>` when it selects everything or nothing; `<error>` when invalid. */
export function formatLabelSelector(selector: metav1.LabelSelector | null | undefined): string {
  try {
    return labelSelectorAsSelector(selector).toString() || NONE;
  } catch {
    return '<error>';
  }
}

/** LabelSelectorAsSelector(...).String() as the deployment printer uses it: '' when empty, `<invalid>` when invalid. */
export function selectorString(selector: metav1.LabelSelector | null | undefined): string {
  try {
    return labelSelectorAsSelector(selector).toString();
  } catch {
    return '<invalid>';
  }
}

/** layoutContainerCells: container names and images, each list joined by `,`. */
export function containerCells(containers: ReadonlyArray<{ name?: string; image?: string }> | null | undefined): [names: string, images: string] {
  const list = containers ?? [];
  return [list.map((c) => c.name ?? '').join(','), list.map((c) => c.image ?? '').join(',')];
}

/** resource.Quantity.String(): the canonical form (`1536Mi` for `1.5Gi`); `0` for a missing quantity; odd input as is. */
export function quantity(value: string | number | null | undefined): string {
  if (value === undefined || value === null || value === '') return '0';
  try {
    return quantityToString(String(value));
  } catch {
    return String(value);
  }
}

/** helper.GetAccessModesAsString: RWO, ROX, RWX, RWOP in that order, each once. */
export function accessModes(modes: readonly string[] | null | undefined): string {
  const set = new Set(modes ?? []);
  const out: string[] = [];
  if (set.has('ReadWriteOnce')) out.push('RWO');
  if (set.has('ReadOnlyMany')) out.push('ROX');
  if (set.has('ReadWriteMany')) out.push('RWX');
  if (set.has('ReadWriteOncePod')) out.push('RWOP');
  return out.join(',');
}

/** printBoolPtr: `True`, `False`, or `<unset>`. */
export function boolPtr(value: boolean | null | undefined): string {
  if (value === undefined || value === null) return UNSET;
  return value ? 'True' : 'False';
}

/** intstr.IntOrString.String(). */
export function intOrString(value: number | string): string {
  return String(value);
}

/**
 * The first `max` entries joined by `,`, then ` + N more...` when there were more (listWithMoreString);
 * `<unset>` for none.
 */
export function listWithMore(items: readonly string[], max = 3): string {
  const shown = items.slice(0, max).join(',');
  if (items.length > max) return `${shown} + ${items.length - max} more...`;
  return shown === '' ? UNSET : shown;
}

/** Go's string order (bytes); the same as JavaScript's for the ASCII that keys and values hold. */
export function byBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorted and de-duplicated (sets.String.List). */
export function sortedSet(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(byBytes);
}
