import { describe, expect, it } from 'vitest';
import { PodInfo } from '../../framework/pod-info';
import { makePod } from '../../framework/testing';
import { SchedulingGates } from './scheduling-gates';

describe('SchedulingGates', () => {
  it.each([
    { pod: makePod('p'), want: undefined },
    { pod: makePod('p').schedulingGates('example.com/quota'), want: 'waiting for scheduling gates: [example.com/quota]' },
  ])('gates → $want', ({ pod, want }) => {
    expect(new SchedulingGates().preEnqueue(new PodInfo(pod.obj()))?.message()).toBe(want);
  });
});
