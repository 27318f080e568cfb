import type { LabelSelector } from 'kubernetes-types/meta/v1';
import { isQualifiedName, isValidLabelValue } from './name';

/**
 * A label selector converted as metav1.LabelSelectorAsSelector does, for the checks that compare
 * a controller's selector with its pod template's labels. `undefined` selects nothing, an empty
 * selector everything; a selector that cannot be converted (bad operator, key or value) is
 * `invalid`.
 */
export type CompiledSelector =
  | { kind: 'nothing' }
  | { kind: 'everything' }
  | { kind: 'invalid' }
  | { kind: 'match'; matches: (labels: Record<string, string>) => boolean };

export function compileLabelSelector(sel: LabelSelector | undefined): CompiledSelector {
  if (!sel) return { kind: 'nothing' };
  const matchLabels = Object.entries(sel.matchLabels ?? {});
  const exprs = sel.matchExpressions ?? [];
  if (matchLabels.length === 0 && exprs.length === 0) return { kind: 'everything' };
  const tests: ((labels: Record<string, string>) => boolean)[] = [];
  for (const [k, v] of matchLabels) {
    if (isQualifiedName(k).length > 0 || isValidLabelValue(v ?? '').length > 0) return { kind: 'invalid' };
    tests.push((l) => Object.hasOwn(l, k) && l[k] === v);
  }
  for (const e of exprs) {
    const key = e.key ?? '';
    const values = e.values ?? [];
    if (isQualifiedName(key).length > 0) return { kind: 'invalid' };
    switch (e.operator) {
      case 'In':
      case 'NotIn': {
        if (values.length === 0 || values.some((v) => isValidLabelValue(v).length > 0)) return { kind: 'invalid' };
        const set = new Set(values);
        tests.push(
          e.operator === 'In'
            ? (l) => Object.hasOwn(l, key) && set.has(l[key]!)
            : (l) => !Object.hasOwn(l, key) || !set.has(l[key]!),
        );
        break;
      }
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) return { kind: 'invalid' };
        tests.push(e.operator === 'Exists' ? (l) => Object.hasOwn(l, key) : (l) => !Object.hasOwn(l, key));
        break;
      default:
        return { kind: 'invalid' };
    }
  }
  return { kind: 'match', matches: (labels) => tests.every((t) => t(labels)) };
}

/** Whether a compiled selector selects the labels; `nothing` and `invalid` select none. */
export function selectorMatches(sel: CompiledSelector, labels: Record<string, string> | undefined): boolean {
  switch (sel.kind) {
    case 'everything':
      return true;
    case 'match':
      return sel.matches(labels ?? {});
    default:
      return false;
  }
}
