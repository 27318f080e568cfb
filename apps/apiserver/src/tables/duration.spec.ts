import { describe, expect, it } from 'vitest';
import { humanDuration, parseTime, timestampSince } from './duration';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

describe('humanDuration', () => {
  it.each([
    { name: 'zero', ms: 0, want: '0s' },
    { name: 'one second', ms: s, want: '1s' },
    { name: 'seconds up to two minutes', ms: 119 * s, want: '119s' },
    { name: 'fractions truncate', ms: 119.9 * s, want: '119s' },
    { name: 'two minutes', ms: 2 * m, want: '2m' },
    { name: 'minutes and seconds under ten minutes', ms: 3 * m + 20 * s, want: '3m20s' },
    { name: 'nine minutes fifty-nine', ms: 9 * m + 59 * s, want: '9m59s' },
    { name: 'ten minutes drops the seconds', ms: 10 * m + 30 * s, want: '10m' },
    { name: 'minutes up to three hours', ms: 179 * m + 59 * s, want: '179m' },
    { name: 'three hours', ms: 3 * h, want: '3h' },
    { name: 'two hours five minutes is still minutes', ms: 2 * h + 5 * m, want: '125m' },
    { name: 'hours and minutes under eight hours', ms: 3 * h + 5 * m, want: '3h5m' },
    { name: 'seven hours fifty-nine', ms: 7 * h + 59 * m, want: '7h59m' },
    { name: 'eight hours drops the minutes', ms: 8 * h + 30 * m, want: '8h' },
    { name: 'hours up to two days', ms: 47 * h + 59 * m, want: '47h' },
    { name: 'two days', ms: 48 * h, want: '2d' },
    { name: 'days and hours under eight days', ms: 3 * d + 4 * h, want: '3d4h' },
    { name: 'eight days drops the hours', ms: 8 * d + 2 * h, want: '8d' },
    { name: 'days up to two years', ms: 729 * d, want: '729d' },
    { name: 'two years', ms: 730 * d, want: '2y' },
    { name: 'years and days under eight years', ms: 760 * d, want: '2y30d' },
    { name: 'eight years and more: years only', ms: 8 * 365 * d + 2 * h, want: '8y' },
    { name: 'a second in the future reads as now', ms: -1 * s, want: '0s' },
    { name: 'just under two seconds in the future still reads as now', ms: -1.9 * s, want: '0s' },
    { name: 'further in the future is invalid', ms: -2 * s, want: '<invalid>' },
  ])('$name', ({ ms, want }) => {
    expect(humanDuration(ms)).toBe(want);
  });
});

describe('timestampSince', () => {
  const now = new Date('2025-01-01T12:00:00Z');
  it.each([
    { name: 'an age', ts: '2025-01-01T11:55:00Z', want: '5m' },
    { name: 'with an offset', ts: '2025-01-01T13:50:00+02:00', want: '10m' },
    { name: 'microseconds', ts: '2025-01-01T11:59:30.123456Z', want: '29s' },
    { name: 'missing', ts: undefined, want: '<unknown>' },
    { name: 'null', ts: null, want: '<unknown>' },
    { name: 'empty', ts: '', want: '<unknown>' },
    { name: "Go's zero time", ts: '0001-01-01T00:00:00Z', want: '<unknown>' },
    { name: 'unparsable', ts: 'yesterday-ish', want: '<unknown>' },
    { name: 'in the future', ts: '2025-01-01T12:00:05Z', want: '<invalid>' },
  ])('$name', ({ ts, want }) => {
    expect(timestampSince(ts, now)).toBe(want);
  });

  it('parses RFC 3339 to epoch milliseconds', () => {
    expect(parseTime('1970-01-01T00:00:01Z')).toBe(1000);
  });
});
