import type { batchv1, corev1 } from '@tskube/api-types';
import { PatchType, formatTime, parseTime } from '@tskube/client';
import { FakeClock } from '@tskube/client/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Resources } from '../../framework/context';
import { startControllers, type ControllerTestEnv } from '../../framework/testing';
import { newJobController, type Job } from '../job/index';
import type { Pod } from '../job/pods';
import { newCronJobController, type CronJob } from './index';

const ns = 'crons';
let env: ControllerTestEnv;
// The CronJob controller's clock: it starts at the apiserver's time (so CronJobs are created at
// its "now") and moves only when a test steps it to a scheduled time. Schedules count from the
// creation time, so each test gets a fresh cluster and clock rather than inherit a clock that an
// earlier test moved minutes ahead of the apiserver's timestamps.
let clock: FakeClock;

beforeEach(async () => {
  clock = new FakeClock(Math.floor(Date.now() / 1000) * 1000 - 1000);
  env = await startControllers([newJobController(), newCronJobController({ clock, localTimeZone: 'UTC' })]);
  await env.client.create(Resources.namespaces, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
});

afterEach(async () => {
  await env?.stop();
});

async function createCronJob(name: string, spec: Partial<batchv1.CronJobSpec> = {}, jobSpec: Partial<batchv1.JobSpec> = {}): Promise<CronJob> {
  const manifest: batchv1.CronJob = {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace: ns },
    spec: {
      schedule: '* * * * *',
      ...spec,
      jobTemplate: {
        metadata: { labels: { app: name }, annotations: { team: 'batch' } },
        spec: { ...jobSpec, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox' }] } } },
      },
    },
  };
  return (await env.client.create(Resources.cronjobs, ns, manifest)) as CronJob;
}

const minute = 60_000;
/** The first whole minute after `ms`. */
const minuteAfter = (ms: number) => (Math.floor(ms / minute) + 1) * minute;
const createdAt = (cj: CronJob) => parseTime(cj.metadata.creationTimestamp)!;
const jobName = (cj: string, scheduled: number) => `${cj}-${scheduled / minute}`;

/** Steps the clock to `ms` (a second past a scheduled time, usually); never backwards. */
function advanceTo(ms: number): void {
  if (ms > clock.now()) clock.step(ms - clock.now());
}

const getCronJob = (name: string) => env.client.get<CronJob>(Resources.cronjobs, ns, name);

async function jobsOf(cj: string): Promise<Job[]> {
  const { items } = await env.client.list<Job>(Resources.jobs, ns, { labelSelector: `app=${cj}` });
  return items.filter((j) => !j.metadata.deletionTimestamp).sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
}

async function waitJobs(cj: string, names: string[]): Promise<Job[]> {
  return env.eventually(async () => {
    const jobs = await jobsOf(cj);
    return JSON.stringify(jobs.map((j) => j.metadata.name)) === JSON.stringify([...names].sort()) && jobs;
  });
}

/** Marks every pod of the Job finished and waits for the Job's terminal condition. */
async function finishJob(name: string, phase: 'Succeeded' | 'Failed'): Promise<Job> {
  const pods = await env.eventually(async () => {
    const { items } = await env.client.list<Pod>(Resources.pods, ns, { labelSelector: `batch.kubernetes.io/job-name=${name}` });
    return items.length > 0 && items;
  });
  for (const pod of pods) {
    await env.client.patch(Resources.pods, ns, pod.metadata.name ?? '', PatchType.MergePatch, { status: { phase } }, { subresource: 'status' });
  }
  const type = phase === 'Succeeded' ? 'Complete' : 'Failed';
  return env.eventually(async () => {
    const job = await env.client.get<Job>(Resources.jobs, ns, name);
    return job.status?.conditions?.some((c) => c.type === type && c.status === 'True') && job;
  });
}

async function eventsOf(name: string, reason?: string): Promise<corev1.Event[]> {
  await env.ctx.recorder.flush();
  const { items } = await env.client.list<corev1.Event>(Resources.events, ns);
  return items.filter((e) => e.involvedObject.name === name && e.involvedObject.kind === 'CronJob' && (reason === undefined || e.reason === reason));
}

const activeNames = (cj: CronJob) => (cj.status?.active ?? []).map((r) => r.name).sort();

describe('cronjob controller', () => {
  it('creates a Job at each scheduled time, named after it, and tracks it until it completes', async () => {
    const cj = await createCronJob('ticker');
    const t1 = minuteAfter(createdAt(cj));
    advanceTo(t1 + 1000);
    const [job] = await waitJobs('ticker', [jobName('ticker', t1)]);
    expect(job!.metadata.labels).toEqual({ app: 'ticker' });
    expect(job!.metadata.annotations).toMatchObject({ team: 'batch', 'batch.kubernetes.io/cronjob-scheduled-timestamp': formatTime(t1) });
    expect(job!.metadata.ownerReferences).toEqual([
      { apiVersion: 'batch/v1', kind: 'CronJob', name: 'ticker', uid: cj.metadata.uid, controller: true, blockOwnerDeletion: true },
    ]);
    const afterFirst = await env.eventually(async () => {
      const c = await getCronJob('ticker');
      return c.status?.lastScheduleTime === formatTime(t1) && c;
    });
    expect(afterFirst.status?.active).toEqual([
      { kind: 'Job', namespace: ns, name: job!.metadata.name, uid: job!.metadata.uid, apiVersion: 'batch/v1', resourceVersion: expect.any(String) },
    ]);
    expect((await eventsOf('ticker', 'SuccessfulCreate')).map((e) => e.message)).toEqual([`Created job ${jobName('ticker', t1)}`]);

    // Allow: the next time runs while the first Job still does.
    const t2 = t1 + minute;
    advanceTo(t2 + 1000);
    await waitJobs('ticker', [jobName('ticker', t1), jobName('ticker', t2)]);
    await env.eventually(async () => activeNames(await getCronJob('ticker')).length === 2);

    const done = await finishJob(jobName('ticker', t1), 'Succeeded');
    const after = await env.eventually(async () => {
      const c = await getCronJob('ticker');
      return activeNames(c).length === 1 && c;
    });
    expect(activeNames(after)).toEqual([jobName('ticker', t2)]);
    expect(after.status?.lastSuccessfulTime).toBe(done.status?.completionTime);
    expect((await eventsOf('ticker', 'SawCompletedJob')).map((e) => e.message)).toEqual([`Saw completed job: ${jobName('ticker', t1)}, status: Complete`]);
  });

  it('skips a run while one is active under concurrencyPolicy Forbid', async () => {
    const cj = await createCronJob('forbid', { concurrencyPolicy: 'Forbid' });
    const t1 = minuteAfter(createdAt(cj));
    advanceTo(t1 + 1000);
    await waitJobs('forbid', [jobName('forbid', t1)]);
    await env.eventually(async () => activeNames(await getCronJob('forbid')).length === 1);

    advanceTo(t1 + minute + 1000);
    const [skipped] = await env.eventually(async () => {
      const events = await eventsOf('forbid', 'JobAlreadyActive');
      return events.length > 0 && events;
    });
    expect(skipped).toMatchObject({ type: 'Normal', message: 'Not starting job because prior execution is running and concurrency policy is Forbid' });
    expect((await jobsOf('forbid')).map((j) => j.metadata.name)).toEqual([jobName('forbid', t1)]);

    // Without startingDeadlineSeconds the skipped time is still due: it runs once the first Job is done.
    await finishJob(jobName('forbid', t1), 'Succeeded');
    await waitJobs('forbid', [jobName('forbid', t1), jobName('forbid', t1 + minute)]);
    const after = await env.eventually(async () => {
      const c = await getCronJob('forbid');
      return c.status?.lastScheduleTime === formatTime(t1 + minute) && c;
    });
    expect(activeNames(after)).toEqual([jobName('forbid', t1 + minute)]);
  });

  it('replaces the running Job under concurrencyPolicy Replace', async () => {
    const cj = await createCronJob('replace', { concurrencyPolicy: 'Replace' });
    const t1 = minuteAfter(createdAt(cj));
    advanceTo(t1 + 1000);
    await waitJobs('replace', [jobName('replace', t1)]);
    await env.eventually(async () => activeNames(await getCronJob('replace')).length === 1);

    const t2 = t1 + minute;
    advanceTo(t2 + 1000);
    await waitJobs('replace', [jobName('replace', t2)]);
    const after = await env.eventually(async () => {
      const c = await getCronJob('replace');
      return c.status?.lastScheduleTime === formatTime(t2) && c;
    });
    expect(activeNames(after)).toEqual([jobName('replace', t2)]);
    expect((await eventsOf('replace', 'SuccessfulDelete')).map((e) => e.message)).toEqual([`Deleted job ${jobName('replace', t1)}`]);
  });

  it('keeps only successfulJobsHistoryLimit and failedJobsHistoryLimit finished Jobs', async () => {
    const cj = await createCronJob('history', { successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 1 }, { backoffLimit: 0 });
    const t = (i: number) => minuteAfter(createdAt(cj)) + i * minute;
    const names = [0, 1, 2, 3].map((i) => jobName('history', t(i)));

    advanceTo(t(0) + 1000);
    await waitJobs('history', [names[0]!]);
    await finishJob(names[0]!, 'Succeeded');
    advanceTo(t(1) + 1000);
    await waitJobs('history', [names[0]!, names[1]!]);
    await finishJob(names[1]!, 'Succeeded');
    // Two successful Jobs and a limit of one: the older goes.
    await waitJobs('history', [names[1]!]);

    advanceTo(t(2) + 1000);
    await waitJobs('history', [names[1]!, names[2]!]);
    await finishJob(names[2]!, 'Failed');
    advanceTo(t(3) + 1000);
    await waitJobs('history', [names[1]!, names[2]!, names[3]!]);
    await finishJob(names[3]!, 'Failed');
    await waitJobs('history', [names[1]!, names[3]!]);
    const deleted = (await eventsOf('history', 'SuccessfulDelete')).map((e) => e.message).sort();
    expect(deleted).toEqual([`Deleted job ${names[0]}`, `Deleted job ${names[2]}`]);
  });

  it('skips scheduled times older than startingDeadlineSeconds', async () => {
    const cj = await createCronJob('late', { startingDeadlineSeconds: 10 });
    const t1 = minuteAfter(createdAt(cj));
    // The controller first looks 30 s after t1: too late for it. It plans its next look for the
    // following minute (plus 100 ms) instead.
    advanceTo(t1 + 30_000);
    await env.eventually(() => clock.nextTimerAt() === t1 + minute + 100);
    advanceTo(t1 + minute + 1000);
    await waitJobs('late', [jobName('late', t1 + minute)]);
  });

  it('creates nothing while suspended and runs the missed time once resumed', async () => {
    const paused = await createCronJob('paused', { suspend: true });
    const witness = await createCronJob('witness');
    const t1 = minuteAfter(Math.max(createdAt(paused), createdAt(witness)));
    advanceTo(t1 + 1000);
    await waitJobs('witness', [jobName('witness', t1)]);
    expect(await jobsOf('paused')).toEqual([]);
    await env.client.patch(Resources.cronjobs, ns, 'paused', PatchType.MergePatch, { spec: { suspend: false } });
    await waitJobs('paused', [jobName('paused', t1)]);
  });

  it('warns about too many missed start times and runs only the latest', async () => {
    const cj = await createCronJob('missed');
    const latest = minuteAfter(createdAt(cj)) + 120 * minute;
    advanceTo(latest + 1000);
    await waitJobs('missed', [jobName('missed', latest)]);
    const [warning] = await env.eventually(async () => {
      const events = await eventsOf('missed', 'TooManyMissedTimes');
      return events.length > 0 && events;
    });
    expect(warning).toMatchObject({ type: 'Warning', message: 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew' });
  });

  it('reads schedules in spec.timeZone', async () => {
    // 2 h after the current minute in Kolkata (UTC+05:30, no DST), as a daily schedule there.
    const target = minuteAfter(clock.now()) + 2 * 60 * minute;
    const local = new Date(target + 330 * minute);
    const cj = await createCronJob('zoned', { schedule: `${local.getUTCMinutes()} ${local.getUTCHours()} * * *`, timeZone: 'Asia/Kolkata' });
    expect(createdAt(cj)).toBeLessThan(target);
    advanceTo(target - minute);
    advanceTo(target + 1000);
    const [job] = await waitJobs('zoned', [jobName('zoned', target)]);
    const stamp = job!.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'];
    expect(stamp).toMatch(/\+05:30$/);
    expect(Date.parse(stamp!)).toBe(target);
  });
});
