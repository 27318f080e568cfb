import { describe, expect, it } from 'vitest';
import { ScheduleError, isValidTimeZone, parseGoDuration, parseSchedule } from './schedule';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString().replace('.000Z', 'Z'));

/** The first `n` activations after `from`. */
function activations(spec: string, zone: string, from: string, n: number): (string | undefined)[] {
  const schedule = parseSchedule(spec, zone);
  const out: (string | undefined)[] = [];
  let t: number | undefined = at(from);
  for (let i = 0; i < n && t !== undefined; i++) {
    t = schedule.next(t);
    out.push(iso(t));
  }
  return out;
}

describe('parseSchedule refuses what Kubernetes refuses, with robfig/cron messages', () => {
  it.each([
    { spec: '', want: 'empty spec string' },
    { spec: '* * * *', want: 'expected exactly 5 fields, found 4: [* * * *]' },
    { spec: '0 * * * * *', want: 'expected exactly 5 fields, found 6: [0 * * * * *]' },
    { spec: '60 * * * *', want: 'end of range (60) above maximum (59): 60' },
    { spec: '* 24 * * *', want: 'end of range (24) above maximum (23): 24' },
    { spec: '* * 0 * *', want: 'beginning of range (0) below minimum (1): 0' },
    { spec: '* * * 13 *', want: 'end of range (13) above maximum (12): 13' },
    { spec: '* * * * 7', want: 'end of range (7) above maximum (6): 7' },
    { spec: '5-1 * * * *', want: 'beginning of range (5) beyond end of range (1): 5-1' },
    { spec: '*/0 * * * *', want: 'step of range should be a positive number: */0' },
    { spec: '1-2-3 * * * *', want: 'too many hyphens: 1-2-3' },
    { spec: '*/2/3 * * * *', want: 'too many slashes: */2/3' },
    { spec: 'x * * * *', want: 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax' },
    { spec: '0 0 L * *', want: 'failed to parse int from L: strconv.Atoi: parsing "L": invalid syntax' },
    { spec: '0 0 * * 1#2', want: 'failed to parse int from 1#2: strconv.Atoi: parsing "1#2": invalid syntax' },
    { spec: '@fortnightly', want: 'unrecognized descriptor: @fortnightly' },
    { spec: '@every 1d', want: 'failed to parse duration @every 1d: time: unknown unit "d" in duration "1d"' },
    { spec: '@every 10', want: 'failed to parse duration @every 10: time: missing unit in duration "10"' },
    { spec: 'TZ=Nowhere/City 0 * * * *', want: 'provided bad location Nowhere/City: unknown time zone Nowhere/City' },
  ])('$spec', ({ spec, want }) => {
    let caught: unknown;
    try {
      parseSchedule(spec, 'UTC');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ScheduleError);
    expect((caught as Error).message).toBe(want);
  });
});

describe('next activations', () => {
  it.each([
    { name: 'every 15 minutes', spec: '*/15 * * * *', zone: 'UTC', from: '2026-01-01T00:07:30Z', want: ['2026-01-01T00:15:00Z', '2026-01-01T00:30:00Z', '2026-01-01T00:45:00Z'] },
    { name: 'strictly after a matching time', spec: '* * * * *', zone: 'UTC', from: '2026-01-01T00:00:00Z', want: ['2026-01-01T00:01:00Z', '2026-01-01T00:02:00Z'] },
    { name: '@hourly', spec: '@hourly', zone: 'UTC', from: '2026-01-01T00:00:00Z', want: ['2026-01-01T01:00:00Z', '2026-01-01T02:00:00Z'] },
    { name: '@daily', spec: '@daily', zone: 'UTC', from: '2026-01-01T12:00:00Z', want: ['2026-01-02T00:00:00Z', '2026-01-03T00:00:00Z'] },
    { name: '@midnight', spec: '@midnight', zone: 'UTC', from: '2026-01-01T12:00:00Z', want: ['2026-01-02T00:00:00Z'] },
    // 2026-01-01 is a Thursday.
    { name: '@weekly (Sundays)', spec: '@weekly', zone: 'UTC', from: '2026-01-01T00:00:00Z', want: ['2026-01-04T00:00:00Z', '2026-01-11T00:00:00Z'] },
    { name: '@monthly', spec: '@monthly', zone: 'UTC', from: '2026-01-01T00:00:00Z', want: ['2026-02-01T00:00:00Z', '2026-03-01T00:00:00Z'] },
    { name: '@yearly', spec: '@yearly', zone: 'UTC', from: '2026-01-01T00:00:00Z', want: ['2027-01-01T00:00:00Z'] },
    { name: '@annually', spec: '@annually', zone: 'UTC', from: '2026-06-01T00:00:00Z', want: ['2027-01-01T00:00:00Z'] },
    {
      name: 'weekday names and ranges',
      spec: '0 9 * * mon-fri',
      zone: 'UTC',
      from: '2026-01-02T10:00:00Z',
      want: ['2026-01-05T09:00:00Z', '2026-01-06T09:00:00Z'],
    },
    { name: 'month names in any case', spec: '0 0 1 jan,JUL *', zone: 'UTC', from: '2026-01-01T00:00:00Z', want: ['2026-07-01T00:00:00Z', '2027-01-01T00:00:00Z'] },
    {
      name: 'restricted day of month OR restricted weekday',
      spec: '0 0 1 * mon',
      zone: 'UTC',
      from: '2026-01-26T00:00:00Z',
      want: ['2026-02-01T00:00:00Z', '2026-02-02T00:00:00Z', '2026-02-09T00:00:00Z'],
    },
    { name: 'a stepped day of month is restricted', spec: '0 0 */10 * *', zone: 'UTC', from: '2026-01-01T00:00:00Z', want: ['2026-01-11T00:00:00Z', '2026-01-21T00:00:00Z', '2026-01-31T00:00:00Z', '2026-02-01T00:00:00Z'] },
    { name: 'a step from a start value', spec: '0 0 * * 1/2', zone: 'UTC', from: '2026-01-04T00:00:00Z', want: ['2026-01-05T00:00:00Z', '2026-01-07T00:00:00Z', '2026-01-09T00:00:00Z', '2026-01-12T00:00:00Z'] },
    { name: '? is *', spec: '0 0 ? * 1', zone: 'UTC', from: '2026-01-01T00:00:00Z', want: ['2026-01-05T00:00:00Z'] },
    { name: 'months without the day are skipped', spec: '0 0 31 * *', zone: 'UTC', from: '2026-01-31T00:00:00Z', want: ['2026-03-31T00:00:00Z', '2026-05-31T00:00:00Z'] },
    { name: 'leap days', spec: '0 0 29 2 *', zone: 'UTC', from: '2026-01-01T00:00:00Z', want: ['2028-02-29T00:00:00Z'] },
    { name: 'never: the 30th of February', spec: '0 0 30 2 *', zone: 'UTC', from: '2026-01-01T00:00:00Z', want: [undefined] },
    { name: 'in a time zone', spec: '30 9 * * *', zone: 'Asia/Kolkata', from: '2026-01-01T00:00:00Z', want: ['2026-01-01T04:00:00Z', '2026-01-02T04:00:00Z'] },
    { name: 'a TZ= prefix wins over the default zone', spec: 'TZ=Asia/Tokyo 0 9 * * *', zone: 'UTC', from: '2026-01-01T01:00:00Z', want: ['2026-01-02T00:00:00Z'] },
    { name: 'CRON_TZ= too', spec: 'CRON_TZ=America/New_York 0 9 * * *', zone: 'UTC', from: '2026-01-01T00:00:00Z', want: ['2026-01-01T14:00:00Z'] },
    {
      name: 'Berlin noon moves an hour in UTC across the spring change',
      spec: '0 12 * * *',
      zone: 'Europe/Berlin',
      from: '2026-03-28T00:00:00Z',
      want: ['2026-03-28T11:00:00Z', '2026-03-29T10:00:00Z', '2026-03-30T10:00:00Z'],
    },
    {
      // New York springs from 02:00 to 03:00 on 2026-03-08: 02:30 does not exist that day.
      name: 'a skipped local time fires right after the jump',
      spec: '30 2 * * *',
      zone: 'America/New_York',
      from: '2026-03-07T12:00:00Z',
      want: ['2026-03-08T07:30:00Z', '2026-03-09T06:30:00Z'],
    },
    {
      // New York falls back from 02:00 EDT to 01:00 EST on 2026-11-01: 01:30 happens twice.
      name: 'a repeated local time fires once',
      spec: '30 1 * * *',
      zone: 'America/New_York',
      from: '2026-10-31T12:00:00Z',
      want: ['2026-11-01T05:30:00Z', '2026-11-02T06:30:00Z'],
    },
    {
      name: 'hourly keeps every real hour across the fall back',
      spec: '0 * * * *',
      zone: 'America/New_York',
      from: '2026-11-01T04:30:00Z',
      want: ['2026-11-01T05:00:00Z', '2026-11-01T06:00:00Z', '2026-11-01T07:00:00Z'],
    },
    { name: '@every counts from the whole second', spec: '@every 1h30m', zone: 'UTC', from: '2026-01-01T00:00:30.500Z', want: ['2026-01-01T01:30:30Z', '2026-01-01T03:00:30Z'] },
    { name: '@every is at least a second', spec: '@every 200ms', zone: 'UTC', from: '2026-01-01T00:00:00Z', want: ['2026-01-01T00:00:01Z'] },
  ])('$name: $spec', ({ spec, zone, from, want }) => {
    expect(activations(spec, zone, from, want.length)).toEqual(want);
  });
});

describe('parseGoDuration', () => {
  it.each([
    { text: '90s', want: 90_000 },
    { text: '1h30m', want: 5_400_000 },
    { text: '1.5h', want: 5_400_000 },
    { text: '250ms', want: 250 },
    { text: '0', want: 0 },
    { text: '-2m', want: -120_000 },
  ])('$text', ({ text, want }) => {
    expect(parseGoDuration(text)).toBe(want);
  });

  it.each(['', 'h', '1', '1d', '1h x'])('refuses %j', (text) => {
    expect(() => parseGoDuration(text)).toThrow(/^time: /);
  });
});

describe('isValidTimeZone', () => {
  it.each([
    { zone: 'UTC', want: true },
    { zone: 'America/New_York', want: true },
    { zone: 'Europe/Berlin', want: true },
    { zone: 'Mars/Olympus', want: false },
  ])('$zone', ({ zone, want }) => {
    expect(isValidTimeZone(zone)).toBe(want);
  });
});
