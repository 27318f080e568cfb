import type { batchv1 } from '@tskube/api-types';
import { parseTime } from '@tskube/client';
import type { Schedule } from './schedule';

/**
 * Which scheduled time a CronJob should run now, and when to look again: Kubernetes'
 * mostRecentScheduleTime, nextScheduleTime and nextScheduleTimeDuration (cronjob/utils.go).
 */

/** How many scheduled times were missed since the last one that ran (or the CronJob's creation). */
export const MissedSchedules = { None: 'none', Few: 'few', Many: 'many' } as const;
export type MissedSchedules = (typeof MissedSchedules)[keyof typeof MissedSchedules];

/** More missed times than this is "many": the TooManyMissedTimes warning. */
export const maxMissedSchedules = 100;

/** Kubernetes wakes up this long after a scheduled time, against small clock skews. */
export const nextScheduleDeltaMs = 100;

export interface MostRecent {
  /** lastScheduleTime, else the creation time; moved up to now - startingDeadlineSeconds when asked. */
  earliest: number;
  /** The latest scheduled time in (earliest, now]; undefined when there is none. */
  mostRecent?: number;
  missed: MissedSchedules;
  /** Set when two consecutive activations are less than a second apart (a schedule that never fires). */
  error?: string;
}

type CronJobLike = Pick<batchv1.CronJob, 'metadata' | 'spec' | 'status'>;

/**
 * The most recent scheduled time at or before `now` since the CronJob last ran. Like Kubernetes
 * it does not walk every missed time: it estimates how many fit between the first missed one and
 * now from the gap between the first two, then walks only the last stretch.
 */
export function mostRecentScheduleTime(cj: CronJobLike, now: number, schedule: Schedule, includeStartingDeadline: boolean): MostRecent {
  let earliest = parseTime(cj.status?.lastScheduleTime) ?? parseTime(cj.metadata?.creationTimestamp) ?? 0;
  const sds = cj.spec?.startingDeadlineSeconds;
  if (includeStartingDeadline && sds !== undefined) {
    const deadline = now - sds * 1000;
    if (deadline > earliest) earliest = deadline;
  }
  const t1 = schedule.next(earliest);
  const t2 = t1 === undefined ? undefined : schedule.next(t1);
  if (t1 !== undefined && now < t1) return { earliest, missed: MissedSchedules.None };
  if (t1 !== undefined && t2 !== undefined && now < t2) return { earliest, mostRecent: t1, missed: MissedSchedules.None };
  const gapSeconds = t1 === undefined || t2 === undefined ? 0 : Math.round((t2 - t1) / 1000);
  if (gapSeconds < 1) return { earliest, missed: MissedSchedules.None, error: 'time difference between two schedules is less than 1 second' };
  const elapsedSeconds = Math.trunc((now - t1!) / 1000);
  const missedCount = Math.trunc(elapsedSeconds / gapSeconds) + 1;
  // Start a step before the estimate, and let the schedule find its way from there (irregular
  // schedules such as "30 6-16/4 * * 1-5" have uneven gaps).
  const potentialEarliest = t1! + (missedCount - 2) * gapSeconds * 1000;
  let mostRecent: number | undefined;
  for (let t = schedule.next(potentialEarliest); t !== undefined && t <= now; t = schedule.next(t)) mostRecent = t;
  const missed = missedCount > maxMissedSchedules ? MissedSchedules.Many : missedCount > 0 ? MissedSchedules.Few : MissedSchedules.None;
  return mostRecent === undefined ? { earliest, missed } : { earliest, mostRecent, missed };
}

/**
 * The time to run now: the most recent unmet scheduled time within startingDeadlineSeconds, or
 * undefined. `missed` tells whether to warn about too many missed times.
 */
export function nextScheduleTime(cj: CronJobLike, now: number, schedule: Schedule): { time?: number; missed: MissedSchedules; error?: string } {
  const r = mostRecentScheduleTime(cj, now, schedule, true);
  if (r.mostRecent === undefined || r.mostRecent > now) return r.error === undefined ? { missed: r.missed } : { missed: r.missed, error: r.error };
  return { time: r.mostRecent, missed: r.missed };
}

/**
 * How long from `now` until the sync after the next scheduled time (plus a 100 ms margin);
 * undefined when the schedule never fires again.
 */
export function nextScheduleDelay(cj: CronJobLike, now: number, schedule: Schedule): number | undefined {
  const r = mostRecentScheduleTime(cj, now, schedule, false);
  let from: number;
  if (r.error !== undefined) from = now;
  else if (r.mostRecent === undefined) from = r.missed === MissedSchedules.None ? r.earliest : now;
  else from = r.mostRecent;
  const next = schedule.next(from);
  return next === undefined ? undefined : next + nextScheduleDeltaMs - now;
}

/** `<cronjob>-<scheduled time in minutes since the epoch>`: one name per scheduled time, a lock against running it twice. */
export function jobNameFor(cronJobName: string, scheduledMs: number): string {
  return `${cronJobName}-${Math.floor(scheduledMs / 60_000)}`;
}

/**
 * A scheduled time as RFC 3339 in `timeZone` (UTC when unset), as Go's time.Format(RFC3339)
 * writes it: `2026-03-08T03:30:00-04:00`, or `...Z` for a zero offset.
 */
export function formatInZone(ms: number, timeZone: string | undefined): string {
  const zone = timeZone || 'UTC';
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  ) as Record<string, string>;
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  const offsetMinutes = Math.round((wall - Math.floor(ms / 1000) * 1000) / 60_000);
  const local = `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
  if (offsetMinutes === 0) return `${local}Z`;
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * Go's time.RFC1123Z of a time in UTC (`Mon, 02 Jan 2006 15:04:05 +0000`), as the MissSchedule
 * event writes it.
 */
export function formatRFC1123Z(ms: number): string {
  const d = new Date(ms);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}
