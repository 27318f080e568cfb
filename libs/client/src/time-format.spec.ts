import { describe, expect, it } from 'vitest';
import { formatMicroTime, formatTime, parseTime } from './time-format';

describe('time formats', () => {
  it.each([
    { ms: Date.UTC(2026, 0, 1), time: '2026-01-01T00:00:00Z', micro: '2026-01-01T00:00:00.000000Z' },
    { ms: Date.UTC(2026, 5, 30, 23, 59, 59, 123), time: '2026-06-30T23:59:59Z', micro: '2026-06-30T23:59:59.123000Z' },
  ])('writes $time and $micro', ({ ms, time, micro }) => {
    expect(formatTime(ms)).toBe(time);
    expect(formatMicroTime(ms)).toBe(micro);
    expect(parseTime(micro)).toBe(ms);
    expect(parseTime(time)).toBe(ms - (ms % 1000));
  });

  it.each([undefined, '', 'yesterday'])('parses %j as no time', (v) => {
    expect(parseTime(v)).toBeUndefined();
  });
});
