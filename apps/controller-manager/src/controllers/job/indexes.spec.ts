import { describe, expect, it } from 'vitest';
import {
  completionIndexOf,
  countIndexes,
  firstPendingIndexes,
  formatIndexes,
  hasIndex,
  mergeIntervals,
  parseIndexes,
  withIndexes,
  type Interval,
} from './indexes';

const iv = (first: number, last = first): Interval => ({ first, last });

describe('completed index ranges', () => {
  it.each([
    { name: 'nothing', input: [] as number[], want: '' },
    { name: 'one index', input: [4], want: '4' },
    { name: 'two neighbours stay a pair', input: [1, 2], want: '1,2' },
    { name: 'three in a row become a range', input: [0, 1, 2, 4], want: '0-2,4' },
    { name: 'out of order and repeated', input: [5, 3, 1, 4, 3], want: '1,3-5' },
    { name: 'several ranges', input: [0, 1, 2, 3, 7, 9, 10, 11], want: '0-3,7,9-11' },
  ])('formats $name', ({ input, want }) => {
    expect(formatIndexes(withIndexes([], input))).toBe(want);
  });

  it.each([
    { name: 'empty', text: '', completions: 5, want: [] },
    { name: 'single and ranges', text: '1,3-5', completions: 10, want: [iv(1), iv(3, 5)] },
    { name: 'pairs join with their neighbours', text: '0,1,2,4', completions: 10, want: [iv(0, 2), iv(4)] },
    { name: 'indexes past completions are dropped', text: '1,3-7,9', completions: 5, want: [iv(1), iv(3, 4)] },
    { name: 'malformed parts are skipped', text: 'x,2,3-y,5', completions: 10, want: [iv(2), iv(5)] },
  ])('parses $name', ({ text, completions, want }) => {
    expect(parseIndexes(text, completions)).toEqual(want);
  });

  it('round-trips what it formats', () => {
    const text = '0-2,4,6,7,10-20';
    expect(formatIndexes(parseIndexes(text, 100))).toBe(text);
    expect(countIndexes(parseIndexes(text, 100))).toBe(3 + 1 + 2 + 11);
  });

  it('merges overlapping and adjacent intervals', () => {
    expect(mergeIntervals([iv(0, 2), iv(8, 9)], [iv(3, 4), iv(6), iv(9, 12)])).toEqual([iv(0, 4), iv(6), iv(8, 12)]);
  });

  it.each([
    { ix: 0, want: false },
    { ix: 1, want: true },
    { ix: 2, want: false },
    { ix: 3, want: true },
    { ix: 5, want: true },
    { ix: 6, want: false },
  ])('knows whether it holds $ix', ({ ix, want }) => {
    expect(hasIndex(parseIndexes('1,3-5', 10), ix)).toBe(want);
  });
});

describe('firstPendingIndexes', () => {
  it.each([
    { name: 'from zero when nothing is taken', taken: '', count: 3, completions: 10, want: [0, 1, 2] },
    { name: 'skipping taken ones', taken: '0,2-4', count: 3, completions: 10, want: [1, 5, 6] },
    { name: 'never at or past completions', taken: '0-2', count: 5, completions: 5, want: [3, 4] },
    { name: 'none when all are taken', taken: '0-4', count: 2, completions: 5, want: [] },
    { name: 'none when none are wanted', taken: '', count: 0, completions: 5, want: [] },
  ])('$name', ({ taken, count, completions, want }) => {
    expect(firstPendingIndexes(parseIndexes(taken, completions), count, completions)).toEqual(want);
  });
});

describe('completionIndexOf', () => {
  const pod = (value?: string) => ({ metadata: { annotations: value === undefined ? {} : ({ 'batch.kubernetes.io/job-completion-index': value } as Record<string, string>) } });
  it.each([
    { value: '3', want: 3 },
    { value: '0', want: 0 },
    { value: '-1', want: undefined },
    { value: 'x', want: undefined },
    { value: undefined, want: undefined },
  ])('reads $value as $want', ({ value, want }) => {
    expect(completionIndexOf(pod(value))).toBe(want);
  });
});
