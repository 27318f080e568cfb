import { StatusError, type corev1 } from '@tskube/api-types';
import { describe, expect, it } from 'vitest';
import { makePod } from './framework/testing';
import { setPodCondition, updatePodStatus, type PodApi } from './pod-api';

const conflict = () => new StatusError({ code: 409, reason: 'Conflict', message: 'the object has been modified' });

function fakeApi(server: corev1.Pod, conflicts: number): PodApi & { writes: corev1.Pod[] } {
  const writes: corev1.Pod[] = [];
  return {
    writes,
    bind: async () => undefined,
    deletePod: async () => undefined,
    getPod: async () => server,
    async updatePodStatus(pod) {
      if (conflicts-- > 0) throw conflict();
      writes.push(pod);
      return pod;
    },
  };
}

describe('updatePodStatus', () => {
  it('retries a stale write on the freshly read pod', async () => {
    const stale = makePod('p').obj();
    const fresh = { ...makePod('p').obj(), metadata: { ...stale.metadata, resourceVersion: '7' }, status: { phase: 'Pending' } };
    const api = fakeApi(fresh, 2);
    await updatePodStatus(api, stale, (s) => {
      s.nominatedNodeName = 'n1';
      return true;
    });
    expect(api.writes).toHaveLength(1);
    expect(api.writes[0]).toMatchObject({ metadata: { resourceVersion: '7' }, status: { phase: 'Pending', nominatedNodeName: 'n1' } });
  });

  it('gives up after five conflicts, and does nothing when nothing changes or the pod was replaced', async () => {
    const pod = makePod('p').obj();
    await expect(updatePodStatus(fakeApi(pod, 9), pod, () => true)).rejects.toThrow(StatusError);
    const quiet = fakeApi(pod, 0);
    await updatePodStatus(quiet, pod, () => false);
    expect(quiet.writes).toEqual([]);
    const replaced = fakeApi(makePod('p').uid('another').obj(), 1);
    await updatePodStatus(replaced, pod, () => true);
    expect(replaced.writes).toEqual([]);
  });
});

describe('setPodCondition', () => {
  const cond = { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: 'm1' };

  it.each([
    { name: 'adds a missing condition', before: [], changed: true, want: { ...cond, lastTransitionTime: 'now' } },
    { name: 'leaves an identical one alone', before: [{ ...cond, lastTransitionTime: 'then' }], changed: false, want: { ...cond, lastTransitionTime: 'then' } },
    {
      name: 'keeps the transition time when only the message changes',
      before: [{ ...cond, message: 'old', lastTransitionTime: 'then' }],
      changed: true,
      want: { ...cond, lastTransitionTime: 'then' },
    },
    {
      name: 'moves the transition time when the status flips',
      before: [{ ...cond, status: 'True', lastTransitionTime: 'then' }],
      changed: true,
      want: { ...cond, lastTransitionTime: 'now' },
    },
  ])('$name', ({ before, changed, want }) => {
    const status: corev1.PodStatus = { conditions: [{ type: 'Ready', status: 'False' }, ...before] };
    expect(setPodCondition(status, cond, 'now')).toBe(changed);
    expect(status.conditions).toEqual([{ type: 'Ready', status: 'False' }, want]);
  });
});
