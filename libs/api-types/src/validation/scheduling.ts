import type { PodSpec, Toleration } from 'kubernetes-types/core/v1';
import type { LabelSelector } from 'kubernetes-types/meta/v1';
import { IS_NOT_POSITIVE_ERROR_MSG } from './constants';
import { type FieldError, type FieldPath, duplicate, forbidden, invalid, notSupported, required } from './field';
import { isValidLabelValue, nameIsDNSLabel, nameIsDNSSubdomain } from './name';
import { validateLabelName, validateLabelSelector } from './object-meta';

/** Where a pod may run: tolerations, node and pod affinity, topology spread constraints. */

const taintEffects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** NoSchedule, PreferNoSchedule or NoExecute; empty only where allowed (tolerations). */
export function validateTaintEffect(effect: string | undefined, allowEmpty: boolean, path: FieldPath): FieldError[] {
  if (!allowEmpty && !effect) return [required(path)];
  return taintEffects.includes(effect ?? '') ? [] : [notSupported(path, effect ?? '', taintEffects)];
}

/** Tolerations: key a label name, `Exists` with empty key, tolerationSeconds only for NoExecute. */
export function validateTolerations(tolerations: Toleration[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (tolerations ?? []).forEach((t, i) => {
    const p = path.index(i);
    if (t.key) errs.push(...validateLabelName(t.key, p.child('key')));
    if (!t.key && t.operator !== 'Exists') {
      errs.push(
        invalid(p.child('operator'), t.operator ?? '', 'operator must be Exists when `key` is empty, which means "match all values and all keys"'),
      );
    }
    if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') {
      errs.push(invalid(p.child('effect'), t.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    switch (t.operator ?? '') {
      case 'Equal':
      case '': {
        const msgs = isValidLabelValue(t.value ?? '');
        if (msgs.length > 0) errs.push(invalid(p.child('operator'), t.value ?? '', msgs.join(';')));
        break;
      }
      case 'Exists':
        if (t.value) errs.push(invalid(p.child('operator'), t, "value must be empty when `operator` is 'Exists'"));
        break;
      default:
        errs.push(notSupported(p.child('operator'), t.operator, ['Equal', 'Exists']));
    }
    if (t.effect) errs.push(...validateTaintEffect(t.effect, true, p.child('effect')));
  });
  return errs;
}

type NodeSelectorRequirement = { key: string; operator: string; values?: string[] };

function validateNodeSelectorRequirement(rq: NodeSelectorRequirement, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const n = (rq.values ?? []).length;
  switch (rq.operator) {
    case 'In':
    case 'NotIn':
      if (n === 0) errs.push(required(path.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (n > 0) errs.push(forbidden(path.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case 'Gt':
    case 'Lt':
      if (n !== 1) errs.push(required(path.child('values'), "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      break;
    default:
      errs.push(invalid(path.child('operator'), rq.operator, 'not a valid selector operator'));
  }
  errs.push(...validateLabelName(rq.key, path.child('key')));
  return errs;
}

function validateNodeFieldSelectorRequirement(rq: NodeSelectorRequirement, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (rq.operator === 'In' || rq.operator === 'NotIn') {
    if ((rq.values ?? []).length !== 1) {
      errs.push(required(path.child('values'), "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
    }
  } else {
    errs.push(invalid(path.child('operator'), rq.operator, 'not a valid selector operator'));
  }
  if (rq.key !== 'metadata.name') {
    errs.push(invalid(path.child('key'), rq.key, 'not a valid field selector key'));
  } else {
    (rq.values ?? []).forEach((v, i) => {
      for (const msg of nameIsDNSSubdomain(v, false)) errs.push(invalid(path.child('values').index(i), v, msg));
    });
  }
  return errs;
}

type NodeSelectorTerm = { matchExpressions?: NodeSelectorRequirement[]; matchFields?: NodeSelectorRequirement[] };

function validateNodeSelectorTerm(term: NodeSelectorTerm, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (term.matchExpressions ?? []).forEach((r, j) => errs.push(...validateNodeSelectorRequirement(r, path.child('matchExpressions').index(j))));
  (term.matchFields ?? []).forEach((r, j) => errs.push(...validateNodeFieldSelectorRequirement(r, path.child('matchFields').index(j))));
  return errs;
}

type PodAffinityTerm = {
  labelSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  namespaces?: string[];
  topologyKey: string;
  matchLabelKeys?: string[];
  mismatchLabelKeys?: string[];
};

function validateLabelKeys(keys: string[] | undefined, sel: LabelSelector | undefined, path: FieldPath): FieldError[] {
  if (!keys || keys.length === 0) return [];
  if (!sel) return [forbidden(path, 'must not be specified when labelSelector is not set')];
  const errs: FieldError[] = [];
  keys.forEach((k, i) => errs.push(...validateLabelName(k, path.index(i))));
  return errs;
}

function validatePodAffinityTerm(term: PodAffinityTerm, path: FieldPath): FieldError[] {
  const errs = validateLabelSelector(term.labelSelector, path.child('labelSelector'));
  errs.push(...validateLabelSelector(term.namespaceSelector, path.child('namespaceSelector')));
  for (const ns of term.namespaces ?? []) {
    for (const msg of nameIsDNSLabel(ns, false)) errs.push(invalid(path.child('namespace'), ns, msg));
  }
  errs.push(...validateLabelKeys(term.matchLabelKeys, term.labelSelector, path.child('matchLabelKeys')));
  errs.push(...validateLabelKeys(term.mismatchLabelKeys, term.labelSelector, path.child('mismatchLabelKeys')));
  if (term.labelSelector) {
    const index = new Map((term.matchLabelKeys ?? []).map((k, i) => [k, i]));
    const selectorKeys = new Set(Object.keys(term.labelSelector.matchLabels ?? {}));
    for (const e of term.labelSelector.matchExpressions ?? []) {
      const i = index.get(e.key);
      if (i !== undefined && selectorKeys.has(e.key)) errs.push(invalid(path.index(i), e.key, 'exists in both matchLabelKeys and labelSelector'));
      selectorKeys.add(e.key);
    }
  }
  const mismatch = new Set(term.mismatchLabelKeys ?? []);
  (term.matchLabelKeys ?? []).forEach((k, i) => {
    if (mismatch.has(k)) errs.push(invalid(path.child('matchLabelKeys').index(i), k, 'exists in both matchLabelKeys and mismatchLabelKeys'));
  });
  if (!term.topologyKey) errs.push(required(path.child('topologyKey'), 'can not be empty'));
  errs.push(...validateLabelName(term.topologyKey ?? '', path.child('topologyKey')));
  return errs;
}

function validateWeighted(
  terms: { weight: number; podAffinityTerm: PodAffinityTerm }[] | undefined,
  path: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  (terms ?? []).forEach((t, j) => {
    if (t.weight <= 0 || t.weight > 100) errs.push(invalid(path.index(j).child('weight'), t.weight, 'must be in the range 1-100'));
    errs.push(...validatePodAffinityTerm(t.podAffinityTerm ?? ({} as PodAffinityTerm), path.index(j).child('podAffinityTerm')));
  });
  return errs;
}

/** Node affinity terms and weights, pod (anti-)affinity terms with selectors and topology keys. */
export function validateAffinity(affinity: PodSpec['affinity'], path: FieldPath): FieldError[] {
  if (!affinity) return [];
  const errs: FieldError[] = [];
  const na = affinity.nodeAffinity;
  if (na) {
    const p = path.child('nodeAffinity');
    const req = na.requiredDuringSchedulingIgnoredDuringExecution;
    if (req) {
      const tp = p.child('requiredDuringSchedulingIgnoredDuringExecution', 'nodeSelectorTerms');
      if ((req.nodeSelectorTerms ?? []).length === 0) errs.push(required(tp, 'must have at least one node selector term'));
      else req.nodeSelectorTerms.forEach((t, i) => errs.push(...validateNodeSelectorTerm(t, tp.index(i))));
    }
    (na.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t, i) => {
      const tp = p.child('preferredDuringSchedulingIgnoredDuringExecution').index(i);
      if (t.weight <= 0 || t.weight > 100) errs.push(invalid(tp.child('weight'), t.weight, 'must be in the range 1-100'));
      errs.push(...validateNodeSelectorTerm(t.preference ?? {}, tp.child('preference')));
    });
  }
  for (const kind of ['podAffinity', 'podAntiAffinity'] as const) {
    const pa = affinity[kind];
    if (!pa) continue;
    const p = path.child(kind);
    (pa.requiredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t, i) =>
      errs.push(...validatePodAffinityTerm(t, p.child('requiredDuringSchedulingIgnoredDuringExecution').index(i))),
    );
    errs.push(...validateWeighted(pa.preferredDuringSchedulingIgnoredDuringExecution, p.child('preferredDuringSchedulingIgnoredDuringExecution')));
  }
  return errs;
}

/** maxSkew > 0, a topology key, a known whenUnsatisfiable, no repeated key/action pair, valid selectors. */
export function validateTopologySpreadConstraints(constraints: PodSpec['topologySpreadConstraints'], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const list = constraints ?? [];
  list.forEach((c, i) => {
    const p = path.index(i);
    if (c.maxSkew <= 0) errs.push(invalid(p.child('maxSkew'), c.maxSkew, IS_NOT_POSITIVE_ERROR_MSG));
    if (!c.topologyKey) errs.push(required(p.child('topologyKey'), 'can not be empty'));
    if (c.whenUnsatisfiable !== 'DoNotSchedule' && c.whenUnsatisfiable !== 'ScheduleAnyway') {
      errs.push(notSupported(p.child('whenUnsatisfiable'), c.whenUnsatisfiable ?? '', ['DoNotSchedule', 'ScheduleAnyway']));
    }
    if (list.slice(i + 1).some((o) => o.topologyKey === c.topologyKey && o.whenUnsatisfiable === c.whenUnsatisfiable)) {
      errs.push(duplicate(p.child('{topologyKey, whenUnsatisfiable}'), `{${c.topologyKey}, ${c.whenUnsatisfiable}}`));
    }
    if (c.minDomains !== undefined) {
      if (c.minDomains <= 0) errs.push(invalid(p.child('minDomains'), c.minDomains, IS_NOT_POSITIVE_ERROR_MSG));
      if (c.whenUnsatisfiable !== 'DoNotSchedule') {
        errs.push(
          invalid(p.child('minDomains'), c.minDomains, `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${c.whenUnsatisfiable}`),
        );
      }
    }
    for (const f of ['nodeAffinityPolicy', 'nodeTaintsPolicy'] as const) {
      const v = c[f];
      if (v !== undefined && v !== 'Honor' && v !== 'Ignore') errs.push(notSupported(p.child(f), v, ['Honor', 'Ignore']));
    }
    const mlk = c.matchLabelKeys ?? [];
    if (mlk.length > 0) {
      const mp = p.child('matchLabelKeys');
      const selKeys = new Set([
        ...Object.keys(c.labelSelector?.matchLabels ?? {}),
        ...(c.labelSelector?.matchExpressions ?? []).map((e) => e.key),
      ]);
      if (!c.labelSelector) errs.push(forbidden(mp, 'must not be specified when labelSelector is not set'));
      mlk.forEach((k, j) => {
        errs.push(...validateLabelName(k, mp.index(j)));
        if (selKeys.has(k)) errs.push(invalid(mp.index(j), k, 'exists in both matchLabelKeys and labelSelector'));
      });
    }
    errs.push(...validateLabelSelector(c.labelSelector, p.child('labelSelector')));
  });
  return errs;
}
