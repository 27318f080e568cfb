import type { batchv1 } from '@tskube/api-types';
import { describe, expect, it } from 'vitest';
import { parseSchedule } from './schedule';
import { formatInZone, formatRFC1123Z, jobNameFor, mostRecentScheduleTime, nextScheduleDelay, nextScheduleTime } from './scheduling';

const at = (iso: string) => Date.parse(iso);

function cronJob(opts: { schedule?: string; created?: string; last?: string; deadline?: number } = {}): batchv1.CronJob {
  return {
    metadata: { name: 'cj', namespace: 'ns', creationTimestamp: opts.created ?? '2026-01-01T10:00:00Z' },
    spec: {
      schedule: opts.schedule ?? '*/5 * * * *',
      jobTemplate: {},
      ...(opts.deadline === undefined ? {} : { startingDeadlineSeconds: opts.deadline }),
    },
    ...(opts.last ? { status: { lastScheduleTime: opts.last } } : {}),
  };
}

const every5 = parseSchedule('*/5 * * * *', 'UTC');

describe('mostRecentScheduleTime', () => {
  it.each([
    { name: 'nothing due before the first time', cj: cronJob(), now: '2026-01-01T10:04:59Z', want: { mostRecent: undefined, missed: 'none' } },
    { name: 'the first time once it passed', cj: cronJob(), now: '2026-01-01T10:05:30Z', want: { mostRecent: '2026-01-01T10:05:00Z', missed: 'none' } },
    { name: 'the latest of a few missed', cj: cronJob(), now: '2026-01-01T10:17:00Z', want: { mostRecent: '2026-01-01T10:15:00Z', missed: 'few' } },
    { name: 'counted from lastScheduleTime', cj: cronJob({ last: '2026-01-01T10:15:00Z' }), now: '2026-01-01T10:19:59Z', want: { mostRecent: undefined, missed: 'none' } },
    { name: 'the next after lastScheduleTime', cj: cronJob({ last: '2026-01-01T10:15:00Z' }), now: '2026-01-01T10:20:00Z', want: { mostRecent: '2026-01-01T10:20:00Z', missed: 'none' } },
    { name: 'many: more than 100 missed', cj: cronJob(), now: '2026-01-01T20:02:00Z', want: { mostRecent: '2026-01-01T20:00:00Z', missed: 'many' } },
    { name: 'exactly 100 missed are only a few', cj: cronJob(), now: '2026-01-01T18:20:00Z', want: { mostRecent: '2026-01-01T18:20:00Z', missed: 'few' } },
  ])('$name', ({ cj, now, want }) => {
    const r = mostRecentScheduleTime(cj, at(now), every5, false);
    expect({ mostRecent: r.mostRecent === undefined ? undefined : new Date(r.mostRecent).toISOString().replace('.000Z', 'Z'), missed: r.missed }).toEqual(want);
    expect(r.error).toBeUndefined();
  });

  it('starts at now - startingDeadlineSeconds when that is later, so older misses are skipped', () => {
    const cj = cronJob({ deadline: 120 });
    const r = mostRecentScheduleTime(cj, at('2026-01-01T20:01:00Z'), every5, true);
    expect(r).toEqual({ earliest: at('2026-01-01T19:59:00Z'), mostRecent: at('2026-01-01T20:00:00Z'), missed: 'none' });
    // Without the deadline every time since the creation counts as missed.
    expect(mostRecentScheduleTime(cj, at('2026-01-01T20:01:00Z'), every5, false).missed).toBe('many');
  });

  it('reports a schedule that never fires', () => {
    const r = mostRecentScheduleTime(cronJob(), at('2026-06-01T00:00:00Z'), parseSchedule('0 0 30 2 *', 'UTC'), true);
    expect(r.error).toBe('time difference between two schedules is less than 1 second');
    expect(r.mostRecent).toBeUndefined();
  });

  it('finds the latest time of an irregular schedule', () => {
    // Weekdays at 06:30, 10:30 and 14:30: the gap between the first two says 4 h, nights and weekends are longer.
    const cj = cronJob({ schedule: '30 6-16/4 * * 1-5', created: '2026-01-02T15:00:00Z' });
    const r = mostRecentScheduleTime(cj, at('2026-01-06T12:00:00Z'), parseSchedule('30 6-16/4 * * 1-5', 'UTC'), false);
    expect(r.mostRecent).toBe(at('2026-01-06T10:30:00Z'));
    expect(r.missed).toBe('few');
  });
});

describe('nextScheduleTime', () => {
  it.each([
    { name: 'nothing due', cj: cronJob(), now: '2026-01-01T10:01:00Z', want: undefined },
    { name: 'the due time', cj: cronJob(), now: '2026-01-01T10:05:10Z', want: '2026-01-01T10:05:00Z' },
    { name: 'only the latest missed time', cj: cronJob({ last: '2026-01-01T10:05:00Z' }), now: '2026-01-01T10:31:00Z', want: '2026-01-01T10:30:00Z' },
    { name: 'a missed time older than the deadline is skipped', cj: cronJob({ last: '2026-01-01T10:05:00Z', deadline: 30 }), now: '2026-01-01T10:31:00Z', want: undefined },
    { name: 'a missed time within the deadline runs', cj: cronJob({ last: '2026-01-01T10:05:00Z', deadline: 90 }), now: '2026-01-01T10:31:00Z', want: '2026-01-01T10:30:00Z' },
  ])('$name', ({ cj, now, want }) => {
    expect(nextScheduleTime(cj, at(now), every5).time).toBe(want === undefined ? undefined : at(want));
  });

  it('tells when too many times were missed', () => {
    expect(nextScheduleTime(cronJob(), at('2026-01-02T10:00:00Z'), every5)).toEqual({ time: at('2026-01-02T10:00:00Z'), missed: 'many' });
  });
});

describe('nextScheduleDelay', () => {
  it.each([
    { name: 'until the first time', cj: cronJob(), now: '2026-01-01T10:02:00Z', want: 3 * 60_000 + 100 },
    { name: 'until the time after the last one', cj: cronJob({ last: '2026-01-01T10:05:00Z' }), now: '2026-01-01T10:05:01Z', want: 5 * 60_000 - 1000 + 100 },
    { name: 'after a few missed: the time after the most recent', cj: cronJob(), now: '2026-01-01T10:16:00Z', want: 4 * 60_000 + 100 },
    { name: 'after many missed: still the next time from now', cj: cronJob(), now: '2026-01-02T10:01:00Z', want: 4 * 60_000 + 100 },
  ])('$name', ({ cj, now, want }) => {
    expect(nextScheduleDelay(cj, at(now), every5)).toBe(want);
  });

  it('is undefined for a schedule that never fires', () => {
    expect(nextScheduleDelay(cronJob(), at('2026-01-01T10:02:00Z'), parseSchedule('0 0 30 2 *', 'UTC'))).toBeUndefined();
  });
});

describe('job names and timestamps', () => {
  it('names a Job after its scheduled time in minutes since the epoch', () => {
    // 20454 days from 1970-01-01 to 2026-01-01.
    expect(jobNameFor('hello', at('2026-01-01T00:00:00Z'))).toBe(`hello-${20454 * 1440}`);
    expect(jobNameFor('hello', at('2026-01-01T00:01:59Z'))).toBe(`hello-${20454 * 1440 + 1}`);
  });

  it.each([
    { zone: undefined, time: '2026-07-01T12:00:00Z', want: '2026-07-01T12:00:00Z' },
    { zone: 'UTC', time: '2026-07-01T12:00:00Z', want: '2026-07-01T12:00:00Z' },
    { zone: 'America/New_York', time: '2026-07-01T12:00:00Z', want: '2026-07-01T08:00:00-04:00' },
    { zone: 'America/New_York', time: '2026-01-01T12:00:00Z', want: '2026-01-01T07:00:00-05:00' },
    { zone: 'Asia/Kolkata', time: '2026-01-01T00:00:00Z', want: '2026-01-01T05:30:00+05:30' },
    { zone: 'Europe/London', time: '2026-01-01T00:00:00Z', want: '2026-01-01T00:00:00Z' },
  ])('formats the scheduled timestamp in $zone', ({ zone, time, want }) => {
    expect(formatInZone(at(time), zone)).toBe(want);
  });

  it('formats MissSchedule times as RFC 1123 with a numeric zone', () => {
    expect(formatRFC1123Z(at('2026-01-01T09:05:00Z'))).toBe('Thu, 01 Jan 2026 09:05:00 +0000');
  });
});
