import type { CronJob, Job, JobSpec } from 'kubernetes-types/batch/v1';
import { defaultPodTemplateSpec } from './pod';

/**
 * batch/v1 defaulting as Kubernetes' SetDefaults_Job and SetDefaults_CronJob (v1.30, with
 * JobPodReplacementPolicy and JobBackoffLimitPerIndex on). Each function mutates and returns
 * its argument and is idempotent.
 */

const MAX_INT32 = 2147483647;

/** The JobSpec defaults, shared by Jobs and CronJob job templates. */
function defaultJobSpec(spec: JobSpec): void {
  // A non-parallel job may leave both unset; both then default to 1.
  if (spec.completions === undefined && spec.parallelism === undefined) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  if (spec.parallelism === undefined) spec.parallelism = 1;
  if (spec.backoffLimit === undefined) spec.backoffLimit = spec.backoffLimitPerIndex !== undefined ? MAX_INT32 : 6;
  if (spec.completionMode === undefined) spec.completionMode = 'NonIndexed';
  if (spec.suspend === undefined) spec.suspend = false;
  if (spec.podReplacementPolicy === undefined) spec.podReplacementPolicy = spec.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed';
  for (const rule of spec.podFailurePolicy?.rules ?? []) {
    for (const p of rule.onPodConditions ?? []) if (!p.status) p.status = 'True';
  }
  defaultPodTemplateSpec((spec.template ??= {}));
}

/**
 * completions and parallelism 1 (parallelism alone when completions is set), backoffLimit 6
 * (MaxInt32 with backoffLimitPerIndex), completionMode NonIndexed, suspend false,
 * podReplacementPolicy TerminatingOrFailed (Failed with a podFailurePolicy), object labels from
 * the template labels when the object has none.
 */
export function defaultJob(job: Job): Job {
  const spec = (job.spec ??= {} as JobSpec);
  const labels = spec.template?.metadata?.labels;
  if (labels && Object.keys(job.metadata?.labels ?? {}).length === 0) {
    (job.metadata ??= {}).labels = { ...labels };
  }
  defaultJobSpec(spec);
  return job;
}

/** concurrencyPolicy Allow, suspend false, history limits 3 successful and 1 failed; the job template's defaults. */
export function defaultCronJob(cj: CronJob): CronJob {
  const spec = (cj.spec ??= {} as NonNullable<CronJob['spec']>);
  if (!spec.concurrencyPolicy) spec.concurrencyPolicy = 'Allow';
  if (spec.suspend === undefined) spec.suspend = false;
  if (spec.successfulJobsHistoryLimit === undefined) spec.successfulJobsHistoryLimit = 3;
  if (spec.failedJobsHistoryLimit === undefined) spec.failedJobsHistoryLimit = 1;
  const tpl = (spec.jobTemplate ??= {});
  defaultJobSpec((tpl.spec ??= {} as JobSpec));
  return cj;
}
