import type { batchv1 } from '@tskube/api-types';
import { describe, expect, it } from 'vitest';
import { cronJobPrinter, jobCompletions, jobDuration, jobPrinter, jobStatus } from './batch';

const now = new Date('2025-01-01T12:00:00Z');
const metadata = { name: 'pi', namespace: 'default', creationTimestamp: '2025-01-01T11:00:00Z' };
const template = { spec: { containers: [{ name: 'pi', image: 'perl:5.34' }], restartPolicy: 'Never' } };
const job = (spec: Partial<batchv1.JobSpec>, status: batchv1.JobStatus = {}, deleting = false): batchv1.Job => ({
  metadata: deleting ? { ...metadata, deletionTimestamp: '2025-01-01T11:59:00Z' } : metadata,
  spec: { template, ...spec },
  status,
});
const cond = (type: string, status = 'True') => ({ type, status });

describe('job STATUS', () => {
  it.each([
    { name: 'running', job: job({}), want: 'Running' },
    { name: 'complete', job: job({}, { conditions: [cond('SuccessCriteriaMet'), cond('Complete')] }), want: 'Complete' },
    { name: 'failed', job: job({}, { conditions: [cond('FailureTarget'), cond('Failed')] }), want: 'Failed' },
    { name: 'complete wins over deletion', job: job({}, { conditions: [cond('Complete')] }, true), want: 'Complete' },
    { name: 'terminating', job: job({}, {}, true), want: 'Terminating' },
    { name: 'suspended', job: job({ suspend: true }, { conditions: [cond('Suspended')] }), want: 'Suspended' },
    { name: 'resumed (Suspended False)', job: job({}, { conditions: [cond('Suspended', 'False')] }), want: 'Running' },
    { name: 'failure target', job: job({}, { conditions: [cond('FailureTarget')] }), want: 'FailureTarget' },
  ])('$name', ({ job, want }) => {
    expect(jobStatus(job)).toBe(want);
  });
});

describe('job COMPLETIONS and DURATION', () => {
  it.each([
    { name: 'with completions', job: job({ completions: 5 }, { succeeded: 2 }), want: '2/5' },
    { name: 'no completions', job: job({ parallelism: 1 }, { succeeded: 0 }), want: '0/1' },
    { name: 'no completions, parallel', job: job({ parallelism: 3 }, { succeeded: 1 }), want: '1/1 of 3' },
  ])('$name', ({ job, want }) => {
    expect(jobCompletions(job)).toBe(want);
  });

  it.each([
    { name: 'not started', status: {}, want: '' },
    { name: 'running', status: { startTime: '2025-01-01T11:58:00Z' }, want: '2m' },
    { name: 'completed', status: { startTime: '2025-01-01T11:00:00Z', completionTime: '2025-01-01T11:00:47Z' }, want: '47s' },
  ])('$name', ({ status, want }) => {
    expect(jobDuration(job({}, status), now)).toBe(want);
  });

  it('prints a whole row', () => {
    const j = job({ completions: 1, parallelism: 1, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u1' } } }, { succeeded: 1, startTime: '2025-01-01T11:00:00Z', completionTime: '2025-01-01T11:00:12Z', conditions: [cond('Complete')] });
    expect(jobPrinter.row(j, { now, group: 'batch' }).cells).toEqual(['pi', 'Complete', '1/1', '12s', '60m', 'pi', 'perl:5.34', 'batch.kubernetes.io/controller-uid=u1']);
  });
});

describe('cron jobs', () => {
  const cj = (spec: Partial<batchv1.CronJobSpec>, status: batchv1.CronJobStatus = {}): batchv1.CronJob => ({
    metadata: { ...metadata, name: 'hello' },
    spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template } }, ...spec },
    status,
  });
  it.each([
    { name: 'never scheduled', cj: cj({ suspend: false }), want: ['hello', '*/5 * * * *', '<none>', 'False', 0, '<none>', '60m', 'pi', 'perl:5.34', '<none>'] },
    {
      name: 'with a time zone, active jobs and a last schedule',
      cj: cj({ timeZone: 'Europe/Paris' }, { active: [{ name: 'hello-1' }, { name: 'hello-2' }], lastScheduleTime: '2025-01-01T11:55:00Z' }),
      want: ['hello', '*/5 * * * *', 'Europe/Paris', '<unset>', 2, '5m', '60m', 'pi', 'perl:5.34', '<none>'],
    },
    { name: 'suspended', cj: cj({ suspend: true }), want: ['hello', '*/5 * * * *', '<none>', 'True', 0, '<none>', '60m', 'pi', 'perl:5.34', '<none>'] },
  ])('$name', ({ cj, want }) => {
    expect(cronJobPrinter.row(cj, { now, group: 'batch' }).cells).toEqual(want);
  });
});
