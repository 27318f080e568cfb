import { describe, expect, it } from 'vitest';
import { durationFlag, parseDuration } from './duration';

describe('parseDuration', () => {
  it.each([
    { text: '40s', want: 40_000 },
    { text: '2s', want: 2_000 },
    { text: '500ms', want: 500 },
    { text: '1m30s', want: 90_000 },
    { text: '1.5h', want: 5_400_000 },
    { text: '0', want: 0 },
  ])('$text is $want ms', ({ text, want }) => {
    expect(parseDuration(text)).toBe(want);
  });

  it.each(['', '40', 's', '1x', '5s garbage', '-1s'])('refuses %j', (text) => {
    expect(() => parseDuration(text)).toThrow(/invalid duration/);
  });

  it('reads flags with a fallback', () => {
    expect(durationFlag({}, 'node-monitor-grace-period', 40_000)).toBe(40_000);
    expect(durationFlag({ 'node-monitor-grace-period': '2s' }, 'node-monitor-grace-period', 40_000)).toBe(2_000);
    expect(() => durationFlag({ 'node-monitor-period': 'soon' }, 'node-monitor-period', 5_000)).toThrow(/--node-monitor-period/);
  });
});
