/** Jobs (STATUS COMPLETIONS DURATION AGE, as of Kubernetes 1.30) and CronJobs. */
import type { batchv1 } from '@tskube/api-types';
import { fieldDocs } from '../descriptions';
import { humanDuration, parseTime, timestampSince } from '../duration';
import { NONE, boolPtr, containerCells, formatLabelSelector } from '../format';
import { ageColumn, column, containersDoc, imagesDoc, nameColumn, printer, wide, type RowContext } from '../printer';

const jobColumns = [
  nameColumn,
  column('Status', 'string', 'Status of the job.'),
  column('Completions', 'string', fieldDocs.jobSucceeded),
  column('Duration', 'string', 'Time required to complete the job.'),
  ageColumn,
  wide('Containers', 'string', containersDoc),
  wide('Images', 'string', imagesDoc),
  wide('Selector', 'string', fieldDocs.jobSelector),
];

/** The first condition of `type` decides (true or not), as hasJobCondition does. */
const hasCondition = (job: batchv1.Job, type: string): boolean => job.status?.conditions?.find((c) => c.type === type)?.status === 'True';

/** Complete, Failed, Terminating, Suspended, FailureTarget or Running, in that precedence. */
export function jobStatus(job: batchv1.Job): string {
  if (hasCondition(job, 'Complete')) return 'Complete';
  if (hasCondition(job, 'Failed')) return 'Failed';
  if (job.metadata?.deletionTimestamp) return 'Terminating';
  if (hasCondition(job, 'Suspended')) return 'Suspended';
  if (hasCondition(job, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

/** `succeeded/completions`; a job without completions counts to 1, `of N` when N pods run in parallel. */
export function jobCompletions(job: batchv1.Job): string {
  const succeeded = job.status?.succeeded ?? 0;
  const completions = job.spec?.completions;
  if (completions !== undefined && completions !== null) return `${succeeded}/${completions}`;
  const parallelism = job.spec?.parallelism ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

/** Start to completion, or to now while running; '' before the job starts. */
export function jobDuration(job: batchv1.Job, now: Date): string {
  const start = parseTime(job.status?.startTime);
  if (start === undefined) return '';
  const end = parseTime(job.status?.completionTime) ?? now.getTime();
  return humanDuration(end - start);
}

function jobRow(job: batchv1.Job, ctx: RowContext): unknown[] {
  const [names, images] = containerCells(job.spec?.template?.spec?.containers);
  return [
    job.metadata?.name ?? '',
    jobStatus(job),
    jobCompletions(job),
    jobDuration(job, ctx.now),
    timestampSince(job.metadata?.creationTimestamp, ctx.now),
    names,
    images,
    formatLabelSelector(job.spec?.selector),
  ];
}

const cronJobColumns = [
  nameColumn,
  column('Schedule', 'string', fieldDocs.cronSchedule),
  column('Timezone', 'string', fieldDocs.cronTimeZone),
  column('Suspend', 'boolean', fieldDocs.cronSuspend),
  column('Active', 'integer', fieldDocs.cronActive),
  column('Last Schedule', 'string', fieldDocs.cronLastSchedule),
  ageColumn,
  wide('Containers', 'string', containersDoc),
  wide('Images', 'string', imagesDoc),
  wide('Selector', 'string', fieldDocs.jobSelector),
];

function cronJobRow(cj: batchv1.CronJob, ctx: RowContext): unknown[] {
  const jobSpec = cj.spec?.jobTemplate?.spec;
  const [names, images] = containerCells(jobSpec?.template?.spec?.containers);
  const last = cj.status?.lastScheduleTime;
  return [
    cj.metadata?.name ?? '',
    cj.spec?.schedule ?? '',
    cj.spec?.timeZone ?? NONE,
    // A string although the column says boolean: Kubernetes prints `True`, `False` or `<unset>`.
    boolPtr(cj.spec?.suspend),
    cj.status?.active?.length ?? 0,
    last ? timestampSince(last, ctx.now) : NONE,
    timestampSince(cj.metadata?.creationTimestamp, ctx.now),
    names,
    images,
    formatLabelSelector(jobSpec?.selector),
  ];
}

export const jobPrinter = printer<batchv1.Job>(jobColumns, jobRow);
export const cronJobPrinter = printer<batchv1.CronJob>(cronJobColumns, cronJobRow);
