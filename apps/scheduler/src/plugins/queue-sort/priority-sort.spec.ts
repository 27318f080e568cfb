import { describe, expect, it } from 'vitest';
import { PodInfo } from '../../framework/pod-info';
import { makePod } from '../../framework/testing';
import { PrioritySort } from './priority-sort';

const queued = (priority: number, timestamp: number) => ({ podInfo: new PodInfo(makePod(`p${priority}-${timestamp}`).priority(priority).obj()), timestamp });

describe('PrioritySort', () => {
  it.each([
    { a: queued(10, 5), b: queued(1, 1), want: true },
    { a: queued(1, 1), b: queued(10, 5), want: false },
    { a: queued(5, 1), b: queued(5, 2), want: true },
    { a: queued(5, 2), b: queued(5, 1), want: false },
    { a: queued(5, 1), b: queued(5, 1), want: false },
  ])('priority $a.podInfo.priority@$a.timestamp before $b.podInfo.priority@$b.timestamp: $want', ({ a, b, want }) => {
    expect(new PrioritySort().less(a, b)).toBe(want);
  });
});
