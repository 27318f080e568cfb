import type {
  ControllerRevision,
  DaemonSet,
  DaemonSetUpdateStrategy,
  Deployment,
  DeploymentSpec,
  DeploymentStrategy,
  ReplicaSet,
  ReplicaSetSpec,
  StatefulSet,
  StatefulSetSpec,
} from 'kubernetes-types/apps/v1';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1';
import type { LabelSelector } from 'kubernetes-types/meta/v1';
import { semanticEqual } from './equal';
import { type FieldError, type FieldPath, fieldPath, forbidden, invalid, notSupported, required } from './field';
import { isValidPercent, nameIsDNSLabel, nameIsDNSSubdomain } from './name';
import {
  validateImmutableField,
  validateLabelSelector,
  validateNonnegativeField,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from './object-meta';
import { validatePodTemplateSpec } from './pod';
import { type CompiledSelector, compileLabelSelector, selectorMatches } from './selector-match';

/**
 * apps/v1 validation: Deployment, ReplicaSet, StatefulSet, DaemonSet and ControllerRevision, as
 * k8s.io/kubernetes pkg/apis/apps/validation (v1.30) and the apps REST strategies (selector
 * immutability in apps/v1) have it. Objects are expected defaulted.
 */

const SELECTOR_MISMATCH = '`selector` does not match template `labels`';

type IntOrString = number | string;

/** An int ≥ 0 or a percentage string. */
export function validatePositiveIntOrPercent(v: IntOrString | undefined, path: FieldPath): FieldError[] {
  if (typeof v === 'string') return isValidPercent(v).map((msg) => invalid(path, v, msg));
  if (typeof v === 'number') return validateNonnegativeField(v, path);
  return [invalid(path, v ?? null, "must be an integer or percentage (e.g '5%%')")];
}

function percentValue(v: IntOrString | undefined): number | undefined {
  if (typeof v !== 'string' || isValidPercent(v).length > 0) return undefined;
  return Number(v.slice(0, -1));
}

/** The number of an int-or-percent: the percentage's number, an int, or 0 for anything else. */
function intOrPercentValue(v: IntOrString | undefined): number {
  const pct = percentValue(v);
  if (pct !== undefined) return pct;
  if (typeof v === 'number') return v;
  const n = Number(v);
  return typeof v === 'string' && /^[+-]?[0-9]+$/.test(v) && Number.isFinite(n) ? n : 0;
}

function isNotMoreThan100Percent(v: IntOrString | undefined, path: FieldPath): FieldError[] {
  const pct = percentValue(v);
  return pct !== undefined && pct > 100 ? [invalid(path, v, 'must not be greater than 100%')] : [];
}

/**
 * A controller's selector against its template, as ValidatePodTemplateSpecForReplicaSet: a
 * selector that selects nothing (absent) or does not select the template labels is reported at
 * `template.metadata.labels`; an empty selector selects everything.
 */
function selectorMismatch(sel: CompiledSelector, template: PodTemplateSpec | undefined, path: FieldPath): FieldError[] {
  if (sel.kind === 'everything') return [];
  const labels = template?.metadata?.labels;
  return selectorMatches(sel, labels) ? [] : [invalid(path.child('metadata', 'labels'), labels ?? null, SELECTOR_MISMATCH)];
}

function validateSelectorPresence(selector: LabelSelector | undefined, path: FieldPath, kind: string): FieldError[] {
  if (!selector) return [required(path)];
  const errs = validateLabelSelector(selector, path);
  if (Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions ?? []).length === 0) {
    errs.push(invalid(path, selector, `empty selector is invalid for ${kind}`));
  }
  return errs;
}

function validatePodTemplateSpecForReplicaSet(
  template: PodTemplateSpec | undefined,
  sel: CompiledSelector,
  path: FieldPath,
  kind: string,
): FieldError[] {
  // The template is a value, not a pointer, in Kubernetes: an absent one is validated as empty.
  const t: PodTemplateSpec = template ?? {};
  const errs = selectorMismatch(sel, t, path);
  errs.push(...validatePodTemplateSpec(t, path));
  const rp = t.spec?.restartPolicy ?? '';
  if (rp !== 'Always') errs.push(notSupported(path.child('spec', 'restartPolicy'), rp, ['Always']));
  if (t.spec?.activeDeadlineSeconds !== undefined) {
    errs.push(forbidden(path.child('spec', 'activeDeadlineSeconds'), `activeDeadlineSeconds in ${kind} is not Supported`));
  }
  return errs;
}

function validateDeploymentStrategy(strategy: DeploymentStrategy | undefined, path: FieldPath): FieldError[] {
  const s = strategy ?? {};
  switch (s.type) {
    case 'Recreate':
      return s.rollingUpdate ? [forbidden(path.child('rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'")] : [];
    case 'RollingUpdate': {
      const ru = s.rollingUpdate;
      if (!ru) return [required(path.child('rollingUpdate'), 'this should be defaulted and never be nil')];
      const p = path.child('rollingUpdate');
      const errs = validatePositiveIntOrPercent(ru.maxUnavailable, p.child('maxUnavailable'));
      errs.push(...validatePositiveIntOrPercent(ru.maxSurge, p.child('maxSurge')));
      if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
        errs.push(invalid(p.child('maxUnavailable'), ru.maxUnavailable ?? null, 'may not be 0 when `maxSurge` is 0'));
      }
      errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, p.child('maxUnavailable')));
      return errs;
    }
    default:
      return [notSupported(path, s, ['Recreate', 'RollingUpdate'])];
  }
}

/** A DeploymentSpec: ValidateDeploymentSpec. */
export function validateDeploymentSpec(spec: DeploymentSpec | undefined, path: FieldPath): FieldError[] {
  const s: DeploymentSpec = spec ?? ({} as DeploymentSpec);
  const errs = validateNonnegativeField(s.replicas ?? 0, path.child('replicas'));
  errs.push(...validateSelectorPresence(s.selector, path.child('selector'), 'deployment'));
  const sel = compileLabelSelector(s.selector);
  if (sel.kind === 'invalid') errs.push(invalid(path.child('selector'), s.selector ?? null, 'invalid label selector'));
  else errs.push(...validatePodTemplateSpecForReplicaSet(s.template, sel, path.child('template'), 'ReplicaSet'));
  errs.push(...validateDeploymentStrategy(s.strategy, path.child('strategy')));
  errs.push(...validateNonnegativeField(s.minReadySeconds ?? 0, path.child('minReadySeconds')));
  if (s.revisionHistoryLimit !== undefined) errs.push(...validateNonnegativeField(s.revisionHistoryLimit, path.child('revisionHistoryLimit')));
  if (s.progressDeadlineSeconds !== undefined) {
    errs.push(...validateNonnegativeField(s.progressDeadlineSeconds, path.child('progressDeadlineSeconds')));
    if (s.progressDeadlineSeconds <= (s.minReadySeconds ?? 0)) {
      errs.push(invalid(path.child('progressDeadlineSeconds'), s.progressDeadlineSeconds, 'must be greater than minReadySeconds'));
    }
  }
  return errs;
}

/** A new Deployment. */
export function validateDeployment(d: Deployment): FieldError[] {
  return [
    ...validateObjectMeta(d.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain }),
    ...validateDeploymentSpec(d.spec, fieldPath('spec')),
  ];
}

/** A Deployment update; the selector is immutable in apps/v1. */
export function validateDeploymentUpdate(d: Deployment, old: Deployment): FieldError[] {
  return [
    ...validateObjectMetaUpdate(d.metadata, old.metadata),
    ...validateDeploymentSpec(d.spec, fieldPath('spec')),
    ...validateImmutableField(d.spec?.selector, old.spec?.selector, fieldPath('spec', 'selector')),
  ];
}

/** A ReplicaSetSpec: ValidateReplicaSetSpec. */
export function validateReplicaSetSpec(spec: ReplicaSetSpec | undefined, path: FieldPath): FieldError[] {
  const s: ReplicaSetSpec = spec ?? ({} as ReplicaSetSpec);
  const errs = validateNonnegativeField(s.replicas ?? 0, path.child('replicas'));
  errs.push(...validateNonnegativeField(s.minReadySeconds ?? 0, path.child('minReadySeconds')));
  // Kubernetes' ReplicaSet check says "deployment" too.
  errs.push(...validateSelectorPresence(s.selector, path.child('selector'), 'deployment'));
  const sel = compileLabelSelector(s.selector);
  if (sel.kind === 'invalid') errs.push(invalid(path.child('selector'), s.selector ?? null, 'invalid label selector'));
  else errs.push(...validatePodTemplateSpecForReplicaSet(s.template, sel, path.child('template'), 'ReplicaSet'));
  return errs;
}

/** A new ReplicaSet. */
export function validateReplicaSet(rs: ReplicaSet): FieldError[] {
  return [
    ...validateObjectMeta(rs.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain }),
    ...validateReplicaSetSpec(rs.spec, fieldPath('spec')),
  ];
}

/** A ReplicaSet update; the selector is immutable in apps/v1. */
export function validateReplicaSetUpdate(rs: ReplicaSet, old: ReplicaSet): FieldError[] {
  return [
    ...validateObjectMetaUpdate(rs.metadata, old.metadata),
    ...validateReplicaSetSpec(rs.spec, fieldPath('spec')),
    ...validateImmutableField(rs.spec?.selector, old.spec?.selector, fieldPath('spec', 'selector')),
  ];
}

/**
 * A StatefulSetSpec: ValidateStatefulSetSpec. Kubernetes validates only the template's labels
 * and annotations here; this also validates the pod spec (with volumeClaimTemplates as
 * mountable volumes), so a broken template fails on create rather than at pod creation.
 */
export function validateStatefulSetSpec(spec: StatefulSetSpec | undefined, path: FieldPath): FieldError[] {
  const s: StatefulSetSpec = spec ?? ({} as StatefulSetSpec);
  const errs: FieldError[] = [];
  switch (s.podManagementPolicy ?? '') {
    case '':
      errs.push(required(path.child('podManagementPolicy')));
      break;
    case 'OrderedReady':
    case 'Parallel':
      break;
    default:
      errs.push(invalid(path.child('podManagementPolicy'), s.podManagementPolicy, "must be 'OrderedReady' or 'Parallel'"));
  }
  const us = s.updateStrategy ?? {};
  const usPath = path.child('updateStrategy');
  switch (us.type ?? '') {
    case '':
      errs.push(required(usPath));
      break;
    case 'OnDelete':
      if (us.rollingUpdate) errs.push(invalid(usPath.child('rollingUpdate'), us.rollingUpdate, "only allowed for updateStrategy 'RollingUpdate'"));
      break;
    case 'RollingUpdate':
      if (us.rollingUpdate) {
        const rp = usPath.child('rollingUpdate');
        errs.push(...validateNonnegativeField(us.rollingUpdate.partition ?? 0, rp.child('partition')));
        const mu = us.rollingUpdate.maxUnavailable;
        if (mu !== undefined) {
          errs.push(...validatePositiveIntOrPercent(mu, rp.child('maxUnavailable')));
          if (intOrPercentValue(mu) === 0) errs.push(invalid(rp.child('maxUnavailable'), mu, 'cannot be 0'));
          errs.push(...isNotMoreThan100Percent(mu, rp.child('maxUnavailable')));
        }
      }
      break;
    default:
      errs.push(invalid(usPath, us, "must be 'RollingUpdate' or 'OnDelete'"));
  }
  const retention = s.persistentVolumeClaimRetentionPolicy;
  if (retention) {
    for (const f of ['whenDeleted', 'whenScaled'] as const) {
      const v = retention[f] ?? '';
      if (v !== 'Retain' && v !== 'Delete') {
        errs.push(notSupported(path.child('persistentVolumeClaimRetentionPolicy', f), v, ['Retain', 'Delete']));
      }
    }
  }
  errs.push(...validateNonnegativeField(s.replicas ?? 0, path.child('replicas')));
  errs.push(...validateNonnegativeField(s.minReadySeconds ?? 0, path.child('minReadySeconds')));
  if (s.ordinals) errs.push(...validateNonnegativeField(s.ordinals.start ?? 0, path.child('ordinals.start')));
  if (!s.selector) {
    errs.push(required(path.child('selector')));
  } else {
    errs.push(...validateLabelSelector(s.selector, path.child('selector')));
    if (Object.keys(s.selector.matchLabels ?? {}).length + (s.selector.matchExpressions ?? []).length === 0) {
      errs.push(invalid(path.child('selector'), s.selector, 'empty selector is invalid for statefulset'));
    }
  }
  const sel = compileLabelSelector(s.selector);
  const tp = path.child('template');
  if (sel.kind === 'invalid') {
    errs.push(invalid(path.child('selector'), s.selector ?? null, ''));
  } else {
    const template: PodTemplateSpec = s.template ?? {};
    errs.push(...selectorMismatch(sel, template, tp));
    const claimNames = (s.volumeClaimTemplates ?? []).map((c) => c.metadata?.name ?? '').filter((n) => n);
    errs.push(...validatePodTemplateSpec(template, tp, { extraVolumeNames: claimNames }));
  }
  const rp = s.template?.spec?.restartPolicy ?? '';
  if (rp !== 'Always') errs.push(notSupported(tp.child('spec', 'restartPolicy'), rp, ['Always']));
  if (s.template?.spec?.activeDeadlineSeconds !== undefined) {
    errs.push(forbidden(tp.child('spec', 'activeDeadlineSeconds'), 'activeDeadlineSeconds in StatefulSet is not Supported'));
  }
  return errs;
}

/** A new StatefulSet; its name must be a DNS label because pods are named `<name>-<ordinal>`. */
export function validateStatefulSet(ss: StatefulSet): FieldError[] {
  return [
    ...validateObjectMeta(ss.metadata, { namespaced: true, nameValidator: nameIsDNSLabel }),
    ...validateStatefulSetSpec(ss.spec, fieldPath('spec')),
  ];
}

/**
 * A StatefulSet update: only replicas, ordinals, template, updateStrategy,
 * persistentVolumeClaimRetentionPolicy and minReadySeconds may change.
 */
export function validateStatefulSetUpdate(ss: StatefulSet, old: StatefulSet): FieldError[] {
  const errs = validateObjectMetaUpdate(ss.metadata, old.metadata);
  errs.push(...validateStatefulSetSpec(ss.spec, fieldPath('spec')));
  const mutable = ['replicas', 'template', 'updateStrategy', 'minReadySeconds', 'ordinals', 'persistentVolumeClaimRetentionPolicy'] as const;
  const strip = (spec: StatefulSetSpec | undefined) => {
    const copy: Record<string, unknown> = { ...(spec ?? {}) };
    for (const f of mutable) delete copy[f];
    return copy;
  };
  if (!semanticEqual(strip(ss.spec), strip(old.spec))) {
    errs.push(
      forbidden(
        fieldPath('spec'),
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      ),
    );
  }
  return errs;
}

function validateDaemonSetUpdateStrategy(strategy: DaemonSetUpdateStrategy | undefined, path: FieldPath): FieldError[] {
  const s = strategy ?? {};
  switch (s.type) {
    case 'OnDelete':
      return [];
    case 'RollingUpdate': {
      const ru = s.rollingUpdate;
      if (!ru) return [required(path.child('rollingUpdate'))];
      const p = path.child('rollingUpdate');
      const errs = validatePositiveIntOrPercent(ru.maxUnavailable, p.child('maxUnavailable'));
      errs.push(...validatePositiveIntOrPercent(ru.maxSurge, p.child('maxSurge')));
      errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, p.child('maxUnavailable')));
      errs.push(...isNotMoreThan100Percent(ru.maxSurge, p.child('maxSurge')));
      const hasUnavailable = intOrPercentValue(ru.maxUnavailable) !== 0;
      const hasSurge = intOrPercentValue(ru.maxSurge) !== 0;
      if (hasUnavailable && hasSurge) errs.push(invalid(p.child('maxSurge'), ru.maxSurge ?? null, 'may not be set when maxUnavailable is non-zero'));
      if (!hasUnavailable && !hasSurge) errs.push(required(p.child('maxUnavailable'), 'cannot be 0 when maxSurge is 0'));
      return errs;
    }
    default:
      return [notSupported(path, s, ['RollingUpdate', 'OnDelete'])];
  }
}

/** A DaemonSetSpec: ValidateDaemonSetSpec. An absent selector selects nothing, so the template never matches. */
export function validateDaemonSetSpec(spec: DaemonSet['spec'], path: FieldPath): FieldError[] {
  const s = spec ?? ({} as NonNullable<DaemonSet['spec']>);
  const errs = validateLabelSelector(s.selector, path.child('selector'));
  const sel = compileLabelSelector(s.selector);
  const tp = path.child('template');
  if (sel.kind !== 'invalid' && sel.kind !== 'everything' && !selectorMatches(sel, s.template?.metadata?.labels)) {
    errs.push(invalid(tp.child('metadata', 'labels'), s.template?.metadata?.labels ?? null, SELECTOR_MISMATCH));
  }
  if (s.selector && Object.keys(s.selector.matchLabels ?? {}).length + (s.selector.matchExpressions ?? []).length === 0) {
    errs.push(invalid(path.child('selector'), s.selector, 'empty selector is invalid for daemonset'));
  }
  errs.push(...validatePodTemplateSpec(s.template, tp));
  const rp = s.template?.spec?.restartPolicy ?? '';
  if (rp !== 'Always') errs.push(notSupported(tp.child('spec', 'restartPolicy'), rp, ['Always']));
  if (s.template?.spec?.activeDeadlineSeconds !== undefined) {
    errs.push(forbidden(tp.child('spec', 'activeDeadlineSeconds'), 'activeDeadlineSeconds in DaemonSet is not Supported'));
  }
  errs.push(...validateNonnegativeField(s.minReadySeconds ?? 0, path.child('minReadySeconds')));
  errs.push(...validateDaemonSetUpdateStrategy(s.updateStrategy, path.child('updateStrategy')));
  if (s.revisionHistoryLimit !== undefined) errs.push(...validateNonnegativeField(s.revisionHistoryLimit, path.child('revisionHistoryLimit')));
  return errs;
}

/** A new DaemonSet. */
export function validateDaemonSet(ds: DaemonSet): FieldError[] {
  return [
    ...validateObjectMeta(ds.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain }),
    ...validateDaemonSetSpec(ds.spec, fieldPath('spec')),
  ];
}

/** A DaemonSet update; the selector is immutable in apps/v1. */
export function validateDaemonSetUpdate(ds: DaemonSet, old: DaemonSet): FieldError[] {
  return [
    ...validateObjectMetaUpdate(ds.metadata, old.metadata),
    ...validateDaemonSetSpec(ds.spec, fieldPath('spec')),
    ...validateImmutableField(ds.spec?.selector, old.spec?.selector, fieldPath('spec', 'selector')),
  ];
}

/** A ControllerRevision: data present, revision ≥ 0. */
export function validateControllerRevision(cr: ControllerRevision): FieldError[] {
  const errs = validateObjectMeta(cr.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain });
  if (cr.data === undefined || cr.data === null) errs.push(required(fieldPath('data'), 'data is mandatory'));
  errs.push(...validateNonnegativeField(cr.revision ?? 0, fieldPath('revision')));
  return errs;
}

/** A ControllerRevision update: data is immutable. */
export function validateControllerRevisionUpdate(cr: ControllerRevision, old: ControllerRevision): FieldError[] {
  return [
    ...validateObjectMetaUpdate(cr.metadata, old.metadata),
    ...validateControllerRevision(cr),
    ...validateImmutableField(cr.data, old.data, fieldPath('data')),
  ];
}

