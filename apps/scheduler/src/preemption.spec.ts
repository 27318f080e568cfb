import { StatusError, type corev1 } from '@tskube/api-types';
import { FakeClock } from '@tskube/client/testing';
import { createLogger } from '@tskube/component';
import { describe, expect, it } from 'vitest';
import { PodInfo } from './framework/pod-info';
import { makePod } from './framework/testing';
import type { PodApi } from './pod-api';
import { executePreemption } from './preemption';
import { Nominator } from './queue/nominator';

describe('executePreemption', () => {
  it('marks and deletes each victim, reports it, and clears lower-priority nominations', async () => {
    const calls: string[] = [];
    const api: PodApi = {
      bind: async () => undefined,
      getPod: async () => {
        throw new StatusError({ code: 404, reason: 'NotFound', message: 'gone' });
      },
      async updatePodStatus(pod) {
        const s = pod.status ?? {};
        calls.push(`status ${pod.metadata?.name} ${JSON.stringify({ conditions: s.conditions, nominatedNodeName: s.nominatedNodeName })}`);
        return pod;
      },
      async deletePod(ns, name, uid) {
        calls.push(`delete ${ns}/${name} ${uid}`);
        if (name === 'already-gone') throw new StatusError({ code: 404, reason: 'NotFound', message: 'gone' });
      },
    };
    const nominator = new Nominator();
    const nominated = makePod('nominated').priority(1).nominated('n1').obj();
    nominator.add(new PodInfo(nominated));
    const events: string[] = [];
    const clock = new FakeClock();
    const preemptor = makePod('urgent').priority(100).obj();
    await executePreemption(
      {
        api,
        recorder: { event: (obj, type, reason, message) => void events.push(`${(obj as corev1.Pod).metadata?.name} ${type} ${reason}: ${message}`) },
        nominator,
        getPod: () => undefined,
        clock,
        logger: createLogger({ component: 't', level: 'error', write: () => undefined }),
      },
      'default-scheduler',
      preemptor,
      { nominatedNodeName: 'n1', victims: [makePod('batch').priority(0).node('n1').obj(), makePod('already-gone').node('n1').obj()], clearNominations: [nominated] },
    );
    const condition: corev1.PodCondition = {
      type: 'DisruptionTarget',
      status: 'True',
      reason: 'PreemptionByScheduler',
      message: 'default-scheduler: preempting to accommodate a higher priority pod',
      lastTransitionTime: '2026-01-01T00:00:00Z',
    };
    expect(calls).toContain(`status batch ${JSON.stringify({ conditions: [condition] })}`);
    expect(calls).toContain('delete default/batch uid-batch');
    expect(calls.indexOf('delete default/batch uid-batch')).toBeGreaterThan(calls.indexOf(`status batch ${JSON.stringify({ conditions: [condition] })}`));
    expect(calls).toContain(`status nominated ${JSON.stringify({})}`);
    expect(events).toEqual(['batch Normal Preempted: Preempted by pod uid-urgent on node n1']);
    expect(nominator.nominatedPodsForNode('n1')).toEqual([]);
  });
});
