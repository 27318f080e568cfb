import type { CronJob, CronJobSpec, Job, JobSpec, JobTemplateSpec, PodFailurePolicyRule } from 'kubernetes-types/batch/v1';
import type { ObjectMeta } from 'kubernetes-types/meta/v1';
import { semanticEqual } from './equal';
import { goQuote } from '../selectors/go-strings';
import { type FieldError, type FieldPath, duplicate, fieldPath, invalid, notSupported, omitValue, required, tooMany } from './field';
import { isDNS1123Label, isQualifiedName, nameIsDNSSubdomain } from './name';
import {
  validateImmutableField,
  validateLabelSelector,
  validateNonnegativeField,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from './object-meta';
import { validatePodTemplateSpec } from './pod';
import { compileLabelSelector, selectorMatches } from './selector-match';

/**
 * batch/v1 validation: Job and CronJob as k8s.io/kubernetes pkg/apis/batch/validation (v1.30)
 * has them, with the feature gates of 1.30 (pod failure policy, backoff limit per index, pod
 * replacement policy, elastic indexed jobs on). Schedules are checked for presence and time
 * zone use, not parsed.
 */

const MAX_PARALLELISM_FOR_INDEXED_JOB = 100000;
const MAX_FAILED_INDEXES_FOR_INDEXED_JOB = 100000;
const COMPLETIONS_SOFT_LIMIT = 100000;
const PARALLELISM_LIMIT_FOR_HIGH_COMPLETIONS = 10000;
const MAX_FAILED_INDEXES_LIMIT_FOR_HIGH_COMPLETIONS = 10000;
const MAX_POD_FAILURE_POLICY_RULES = 20;
const MAX_ON_EXIT_CODES_VALUES = 255;
const MAX_ON_POD_CONDITIONS_PATTERNS = 20;

/** Labels the job controller's generated selector relies on. */
export const JobLabels = {
  legacyControllerUid: 'controller-uid',
  legacyJobName: 'job-name',
  controllerUid: 'batch.kubernetes.io/controller-uid',
  jobName: 'batch.kubernetes.io/job-name',
} as const;

/** Go's `%q` of a string slice: `["a" "b"]`. */
const quoteList = (list: readonly string[]) => `[${list.map(goQuote).join(' ')}]`;

const supportedActions = ['Count', 'FailIndex', 'FailJob', 'Ignore'];
const supportedExitCodeOperators = ['In', 'NotIn'];
const supportedConditionStatus = ['False', 'True', 'Unknown'];

function validateHasLabel(meta: ObjectMeta | undefined, path: FieldPath, key: string, expected: string): FieldError[] {
  const labels = meta?.labels ?? {};
  if (!Object.hasOwn(labels, key)) return [required(path.child('labels').key(key), `must be '${expected}'`)];
  if (labels[key] !== expected) return [invalid(path.child('labels').key(key), labels, `must be '${expected}'`)];
  return [];
}

/** With a generated selector, the template carries the generated labels and the selector selects them. */
function validateGeneratedSelector(job: Job): FieldError[] {
  const spec = job.spec;
  if (spec?.manualSelector || !spec?.selector) return [];
  const errs: FieldError[] = [];
  const uid = job.metadata?.uid ?? '';
  const name = job.metadata?.name ?? '';
  if (!uid) errs.push(required(fieldPath('metadata', 'uid')));
  const tp = fieldPath('spec', 'template', 'metadata');
  const meta = spec.template?.metadata;
  errs.push(...validateHasLabel(meta, tp, JobLabels.legacyControllerUid, uid));
  errs.push(...validateHasLabel(meta, tp, JobLabels.legacyJobName, name));
  errs.push(...validateHasLabel(meta, tp, JobLabels.controllerUid, uid));
  errs.push(...validateHasLabel(meta, tp, JobLabels.jobName, name));
  const expected = {
    [JobLabels.controllerUid]: uid,
    [JobLabels.jobName]: name,
    [JobLabels.legacyControllerUid]: uid,
    [JobLabels.legacyJobName]: name,
  };
  const sel = compileLabelSelector(spec.selector);
  if (sel.kind !== 'invalid' && !selectorMatches(sel, expected)) {
    errs.push(invalid(fieldPath('spec', 'selector'), spec.selector, '`selector` not auto-generated'));
  }
  return errs;
}

function validatePodFailurePolicyRule(spec: JobSpec, rule: PodFailurePolicyRule, path: FieldPath, containers: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  const actionPath = path.child('action');
  if (!rule.action) errs.push(required(actionPath, `valid values: ${quoteList(supportedActions)}`));
  else if (rule.action === 'FailIndex') {
    if (spec.backoffLimitPerIndex === undefined) errs.push(invalid(actionPath, rule.action, 'requires the backoffLimitPerIndex to be set'));
  } else if (!supportedActions.includes(rule.action)) errs.push(notSupported(actionPath, rule.action, supportedActions));
  const conditions = rule.onPodConditions ?? [];
  if (rule.onExitCodes) {
    const ec = rule.onExitCodes;
    const p = path.child('onExitCodes');
    if (!ec.operator) errs.push(required(p.child('operator'), `valid values: ${quoteList(supportedExitCodeOperators)}`));
    else if (!supportedExitCodeOperators.includes(ec.operator)) errs.push(notSupported(p.child('operator'), ec.operator, supportedExitCodeOperators));
    if (ec.containerName !== undefined && !containers.has(ec.containerName)) {
      errs.push(invalid(p.child('containerName'), ec.containerName, 'must be one of the container or initContainer names in the pod template'));
    }
    const values = ec.values ?? [];
    const vp = p.child('values');
    if (values.length === 0) errs.push(invalid(vp, values, 'at least one value is required'));
    else if (values.length > MAX_ON_EXIT_CODES_VALUES) errs.push(tooMany(vp, values.length, MAX_ON_EXIT_CODES_VALUES));
    const seen = new Set<number>();
    let ordered = true;
    values.forEach((v, j) => {
      if (ec.operator === 'In' && v === 0) errs.push(invalid(vp.index(j), v, 'must not be 0 for the In operator'));
      if (seen.has(v)) errs.push(duplicate(vp.index(j), v));
      else seen.add(v);
      if (j > 0 && values[j - 1]! > v) ordered = false;
    });
    if (!ordered) errs.push(invalid(vp, values, 'must be ordered'));
  }
  if (conditions.length > 0) {
    const p = path.child('onPodConditions');
    if (conditions.length > MAX_ON_POD_CONDITIONS_PATTERNS) errs.push(tooMany(p, conditions.length, MAX_ON_POD_CONDITIONS_PATTERNS));
    conditions.forEach((c, j) => {
      const cp = p.index(j);
      errs.push(...isQualifiedName(c.type ?? '').map((msg) => invalid(cp.child('type'), c.type ?? '', msg)));
      if (!c.status) errs.push(required(cp.child('status'), `valid values: ${quoteList(supportedConditionStatus)}`));
      else if (!supportedConditionStatus.includes(c.status)) errs.push(notSupported(cp.child('status'), c.status, supportedConditionStatus));
    });
  }
  if (rule.onExitCodes && conditions.length > 0) {
    errs.push(invalid(path, omitValue, 'specifying both OnExitCodes and OnPodConditions is not supported'));
  }
  if (!rule.onExitCodes && conditions.length === 0) {
    errs.push(invalid(path, omitValue, 'specifying one of OnExitCodes and OnPodConditions is required'));
  }
  return errs;
}

/** The JobSpec checks shared by Jobs and CronJob job templates (validateJobSpec). */
function validateJobSpecCommon(spec: JobSpec | undefined, path: FieldPath): FieldError[] {
  const s: JobSpec = spec ?? ({} as JobSpec);
  const errs: FieldError[] = [];
  const nonneg = (v: number | undefined, f: string) => v !== undefined && errs.push(...validateNonnegativeField(v, path.child(f)));
  nonneg(s.parallelism, 'parallelism');
  nonneg(s.completions, 'completions');
  nonneg(s.activeDeadlineSeconds, 'activeDeadlineSeconds');
  nonneg(s.backoffLimit, 'backoffLimit');
  nonneg(s.ttlSecondsAfterFinished, 'ttlSecondsAfterFinished');
  nonneg(s.backoffLimitPerIndex, 'backoffLimitPerIndex');
  if (s.maxFailedIndexes !== undefined) {
    errs.push(...validateNonnegativeField(s.maxFailedIndexes, path.child('maxFailedIndexes')));
    if (s.backoffLimitPerIndex === undefined) errs.push(required(path.child('backoffLimitPerIndex'), 'when maxFailedIndexes is specified'));
  }
  if (s.completionMode !== undefined) {
    if (s.completionMode !== 'NonIndexed' && s.completionMode !== 'Indexed') {
      errs.push(notSupported(path.child('completionMode'), s.completionMode, ['NonIndexed', 'Indexed']));
    }
    if (s.completionMode === 'Indexed') {
      if (s.completions === undefined) errs.push(required(path.child('completions'), 'when completion mode is Indexed'));
      if (s.parallelism !== undefined && s.parallelism > MAX_PARALLELISM_FOR_INDEXED_JOB) {
        errs.push(
          invalid(path.child('parallelism'), s.parallelism, `must be less than or equal to ${MAX_PARALLELISM_FOR_INDEXED_JOB} when completion mode is Indexed`),
        );
      }
      if (s.completions !== undefined && s.maxFailedIndexes !== undefined && s.maxFailedIndexes > s.completions) {
        errs.push(invalid(path.child('maxFailedIndexes'), s.maxFailedIndexes, 'must be less than or equal to completions'));
      }
      if (s.maxFailedIndexes !== undefined && s.maxFailedIndexes > MAX_FAILED_INDEXES_FOR_INDEXED_JOB) {
        errs.push(invalid(path.child('maxFailedIndexes'), s.maxFailedIndexes, `must be less than or equal to ${MAX_FAILED_INDEXES_FOR_INDEXED_JOB}`));
      }
      if (s.completions !== undefined && s.completions > COMPLETIONS_SOFT_LIMIT && s.backoffLimitPerIndex !== undefined) {
        if (s.maxFailedIndexes === undefined) {
          errs.push(required(path.child('maxFailedIndexes'), `must be specified when completions is above ${COMPLETIONS_SOFT_LIMIT}`));
        }
        const high = `when completions are above ${COMPLETIONS_SOFT_LIMIT} and used with backoff limit per index`;
        if (s.parallelism !== undefined && s.parallelism > PARALLELISM_LIMIT_FOR_HIGH_COMPLETIONS) {
          errs.push(invalid(path.child('parallelism'), s.parallelism, `must be less than or equal to ${PARALLELISM_LIMIT_FOR_HIGH_COMPLETIONS} ${high}`));
        }
        if (s.maxFailedIndexes !== undefined && s.maxFailedIndexes > MAX_FAILED_INDEXES_LIMIT_FOR_HIGH_COMPLETIONS) {
          errs.push(
            invalid(path.child('maxFailedIndexes'), s.maxFailedIndexes, `must be less than or equal to ${MAX_FAILED_INDEXES_LIMIT_FOR_HIGH_COMPLETIONS} ${high}`),
          );
        }
      }
    }
  }
  if (s.completionMode === undefined || s.completionMode === 'NonIndexed') {
    if (s.backoffLimitPerIndex !== undefined) errs.push(invalid(path.child('backoffLimitPerIndex'), s.backoffLimitPerIndex, 'requires indexed completion mode'));
    if (s.maxFailedIndexes !== undefined) errs.push(invalid(path.child('maxFailedIndexes'), s.maxFailedIndexes, 'requires indexed completion mode'));
  }
  if (s.podFailurePolicy) {
    const rulesPath = path.child('podFailurePolicy', 'rules');
    const rules = s.podFailurePolicy.rules ?? [];
    if (rules.length > MAX_POD_FAILURE_POLICY_RULES) errs.push(tooMany(rulesPath, rules.length, MAX_POD_FAILURE_POLICY_RULES));
    const containers = new Set([...(s.template?.spec?.containers ?? []), ...(s.template?.spec?.initContainers ?? [])].map((c) => c.name));
    rules.forEach((r, i) => errs.push(...validatePodFailurePolicyRule(s, r, rulesPath.index(i), containers)));
  }
  if (s.podReplacementPolicy !== undefined) {
    const p = path.child('podReplacementPolicy');
    if (s.podFailurePolicy) {
      if (s.podReplacementPolicy !== 'Failed') errs.push(notSupported(p, s.podReplacementPolicy, ['Failed']));
    } else if (s.podReplacementPolicy !== 'Failed' && s.podReplacementPolicy !== 'TerminatingOrFailed') {
      errs.push(notSupported(p, s.podReplacementPolicy, ['Failed', 'TerminatingOrFailed']));
    }
  }
  errs.push(...validatePodTemplateSpec(s.template, path.child('template')));
  const rp = s.template?.spec?.restartPolicy ?? '';
  const rpPath = path.child('template', 'spec', 'restartPolicy');
  if (rp === 'Always' || rp === '') errs.push(required(rpPath, 'valid values: "OnFailure", "Never"'));
  else if (rp !== 'OnFailure' && rp !== 'Never') errs.push(notSupported(rpPath, rp, ['OnFailure', 'Never']));
  else if (s.podFailurePolicy && rp !== 'Never') errs.push(invalid(rpPath, rp, 'only "Never" is supported when podFailurePolicy is specified'));
  return errs;
}

/** A JobSpec of a Job: the common checks, a selector, and the selector matching the template. */
export function validateJobSpec(spec: JobSpec | undefined, path: FieldPath): FieldError[] {
  const errs = validateJobSpecCommon(spec, path);
  if (!spec?.selector) errs.push(required(path.child('selector')));
  else errs.push(...validateLabelSelector(spec.selector, path.child('selector')));
  const sel = compileLabelSelector(spec?.selector);
  if (sel.kind !== 'invalid' && sel.kind !== 'everything' && !selectorMatches(sel, spec?.template?.metadata?.labels)) {
    errs.push(invalid(path.child('template', 'metadata', 'labels'), spec?.template?.metadata?.labels ?? null, '`selector` does not match template `labels`'));
  }
  return errs;
}

/**
 * A new Job. The selector and template labels are expected generated (see the defaulting
 * module's `generateJobSelector`, run with the uid the apiserver assigns) unless
 * `spec.manualSelector` is true.
 */
export function validateJob(job: Job): FieldError[] {
  const errs = validateObjectMeta(job.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain });
  errs.push(...validateGeneratedSelector(job));
  errs.push(...validateJobSpec(job.spec, fieldPath('spec')));
  const s = job.spec;
  if (s?.completionMode === 'Indexed' && s.completions !== undefined && s.completions > 0) {
    const hostname = `${job.metadata?.name ?? ''}-${s.completions - 1}`;
    if (isDNS1123Label(hostname).length > 0) {
      errs.push(invalid(fieldPath('metadata', 'name'), job.metadata?.name ?? '', `will not able to create pod with invalid DNS label: ${hostname}`));
    }
  }
  return errs;
}

/**
 * A Job update. The template is immutable, except that a suspended Job that never started may
 * change its scheduling directives (node affinity, node selector, tolerations, scheduling gates,
 * labels and annotations); completions may change with parallelism for Indexed Jobs.
 */
export function validateJobUpdate(job: Job, old: Job): FieldError[] {
  const errs = validateObjectMetaUpdate(job.metadata, old.metadata);
  const s: JobSpec = job.spec ?? ({} as JobSpec);
  const o: JobSpec = old.spec ?? ({} as JobSpec);
  const path = fieldPath('spec');
  errs.push(...validateJobSpec(s, path));
  if (s.completionMode === 'Indexed' && !semanticEqual(s.completions, o.completions)) {
    if (s.completions !== undefined && s.completions !== s.parallelism) {
      errs.push(invalid(path.child('completions'), s.completions, 'can only be modified in tandem with spec.parallelism'));
    }
  } else {
    errs.push(...validateImmutableField(s.completions, o.completions, path.child('completions')));
  }
  errs.push(...validateImmutableField(s.selector, o.selector, path.child('selector')));
  let oldTemplate = o.template;
  const mutableScheduling = o.suspend === true && !old.status?.startTime;
  if (mutableScheduling && oldTemplate) {
    const nt = s.template;
    const affinity = oldTemplate.spec?.affinity ? { ...oldTemplate.spec.affinity } : undefined;
    let mergedAffinity = affinity;
    if (!nt?.spec?.affinity && affinity) {
      delete affinity.nodeAffinity;
      if (Object.keys(affinity).length === 0) mergedAffinity = undefined;
    } else if (nt?.spec?.affinity && !affinity) {
      mergedAffinity = { nodeAffinity: nt.spec.affinity.nodeAffinity };
    } else if (nt?.spec?.affinity && affinity) {
      mergedAffinity = { ...affinity, nodeAffinity: nt.spec.affinity.nodeAffinity };
    }
    oldTemplate = {
      ...oldTemplate,
      metadata: { ...oldTemplate.metadata, labels: nt?.metadata?.labels, annotations: nt?.metadata?.annotations },
      spec: {
        ...oldTemplate.spec!,
        affinity: mergedAffinity,
        nodeSelector: nt?.spec?.nodeSelector,
        tolerations: nt?.spec?.tolerations,
        schedulingGates: nt?.spec?.schedulingGates,
      },
    };
  }
  errs.push(...validateImmutableField(s.template, oldTemplate, path.child('template')));
  errs.push(...validateImmutableField(s.completionMode, o.completionMode, path.child('completionMode')));
  errs.push(...validateImmutableField(s.podFailurePolicy, o.podFailurePolicy, path.child('podFailurePolicy')));
  errs.push(...validateImmutableField(s.backoffLimitPerIndex, o.backoffLimitPerIndex, path.child('backoffLimitPerIndex')));
  return errs;
}

/** A CronJob's job template: the common checks; the selector is always generated, never given. */
export function validateJobTemplateSpec(tpl: JobTemplateSpec | undefined, path: FieldPath): FieldError[] {
  const errs = validateJobSpecCommon(tpl?.spec, path.child('spec'));
  if (tpl?.spec?.selector) errs.push(invalid(path.child('spec', 'selector'), tpl.spec.selector, '`selector` will be auto-generated'));
  if (tpl?.spec?.manualSelector) errs.push(notSupported(path.child('spec', 'manualSelector'), true, ['nil', 'false']));
  return errs;
}

const validTimeZoneCharacters = /^[A-Za-z.\-_0-9+]{1,14}$/;

function validateTimeZone(tz: string | undefined, path: FieldPath): FieldError[] {
  if (tz === undefined) return [];
  if (tz.length === 0) return [invalid(path, tz, 'timeZone must be nil or non-empty string')];
  for (const part of tz.split('/')) {
    if (part === '.' || part === '..' || part.startsWith('-') || !validTimeZoneCharacters.test(part)) {
      return [invalid(path, tz, `unknown time zone ${tz}`)];
    }
  }
  const errs: FieldError[] = [];
  if (tz.toLowerCase() === 'local') {
    errs.push(invalid(path, tz, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones'));
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    errs.push(invalid(path, tz, `unknown time zone ${tz}`));
  }
  return errs;
}

function validateCronJobSpec(spec: CronJobSpec | undefined, oldSpec: CronJobSpec | undefined, path: FieldPath): FieldError[] {
  const s: CronJobSpec = spec ?? ({} as CronJobSpec);
  const errs: FieldError[] = [];
  if (!s.schedule) {
    errs.push(required(path.child('schedule')));
  } else {
    const allowTZ = oldSpec?.schedule?.includes('TZ') ?? false;
    if (allowTZ && s.schedule.includes('TZ') && s.timeZone !== undefined) {
      errs.push(invalid(path.child('schedule'), s.schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule'));
    } else if (!allowTZ && s.schedule.includes('TZ')) {
      errs.push(invalid(path.child('schedule'), s.schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
    }
  }
  if (s.startingDeadlineSeconds !== undefined) {
    errs.push(...validateNonnegativeField(s.startingDeadlineSeconds, path.child('startingDeadlineSeconds')));
  }
  if (!oldSpec || oldSpec.timeZone !== s.timeZone) errs.push(...validateTimeZone(s.timeZone, path.child('timeZone')));
  const cp = s.concurrencyPolicy ?? '';
  if (!cp) errs.push(required(path.child('concurrencyPolicy')));
  else if (!['Allow', 'Forbid', 'Replace'].includes(cp)) errs.push(notSupported(path.child('concurrencyPolicy'), cp, ['Allow', 'Forbid', 'Replace']));
  errs.push(...validateJobTemplateSpec(s.jobTemplate, path.child('jobTemplate')));
  if (s.successfulJobsHistoryLimit !== undefined) {
    errs.push(...validateNonnegativeField(s.successfulJobsHistoryLimit, path.child('successfulJobsHistoryLimit')));
  }
  if (s.failedJobsHistoryLimit !== undefined) errs.push(...validateNonnegativeField(s.failedJobsHistoryLimit, path.child('failedJobsHistoryLimit')));
  return errs;
}

/** A new CronJob; its name leaves room for the 11-character suffix of the Jobs it creates. */
export function validateCronJob(cj: CronJob): FieldError[] {
  const errs = validateObjectMeta(cj.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain });
  errs.push(...validateCronJobSpec(cj.spec, undefined, fieldPath('spec')));
  const name = cj.metadata?.name ?? '';
  if (name.length > 52) errs.push(invalid(fieldPath('metadata', 'name'), name, 'must be no more than 52 characters'));
  return errs;
}

/** A CronJob update (the name length limit is not re-checked, so old long names stay usable). */
export function validateCronJobUpdate(cj: CronJob, old: CronJob): FieldError[] {
  return [...validateObjectMetaUpdate(cj.metadata, old.metadata), ...validateCronJobSpec(cj.spec, old.spec, fieldPath('spec'))];
}
