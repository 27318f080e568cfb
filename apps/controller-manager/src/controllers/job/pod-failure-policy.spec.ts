import type { batchv1, corev1 } from '@tskube/api-types';
import { describe, expect, it } from 'vitest';
import { matchPodFailurePolicy } from './pod-failure-policy';

function failedPod(opts: { exits?: Record<string, number>; initExits?: Record<string, number>; conditions?: Record<string, string> }): corev1.Pod {
  const statuses = (m: Record<string, number> = {}) =>
    Object.entries(m).map(([name, exitCode]) => ({ name, image: 'x', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode } } }));
  return {
    metadata: { namespace: 'ns', name: 'p-1' },
    status: {
      phase: 'Failed',
      containerStatuses: statuses(opts.exits),
      initContainerStatuses: statuses(opts.initExits),
      conditions: Object.entries(opts.conditions ?? {}).map(([type, status]) => ({ type, status })),
    },
  };
}

const policy: batchv1.PodFailurePolicy = {
  rules: [
    { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
    { action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [42] } },
    { action: 'Count', onExitCodes: { operator: 'NotIn', values: [1, 2] } },
    { action: 'FailJob', onPodConditions: [{ type: 'ConfigIssue', status: 'True' }] },
  ],
};

describe('matchPodFailurePolicy', () => {
  it.each([
    { name: 'no policy counts the failure', policy: undefined, pod: failedPod({ exits: { main: 42 } }), want: { countFailed: true } },
    {
      name: 'a disruption is ignored',
      policy,
      pod: failedPod({ exits: { main: 42 }, conditions: { DisruptionTarget: 'True' } }),
      want: { countFailed: false, action: 'Ignore' },
    },
    {
      name: 'a condition with another status does not match',
      policy,
      pod: failedPod({ exits: { main: 1 }, conditions: { DisruptionTarget: 'False' } }),
      want: { countFailed: true },
    },
    {
      name: 'exit code 42 of main fails the job',
      policy,
      pod: failedPod({ exits: { main: 42 } }),
      want: { countFailed: true, action: 'FailJob', failJobMessage: 'Container main for pod ns/p-1 failed with exit code 42 matching FailJob rule at index 1' },
    },
    {
      name: 'exit code 42 of another container falls to the NotIn rule',
      policy,
      pod: failedPod({ exits: { sidecar: 42 } }),
      want: { countFailed: true, action: 'Count' },
    },
    { name: 'exit code 1 matches no rule', policy, pod: failedPod({ exits: { main: 1 } }), want: { countFailed: true } },
    { name: 'exit code 0 never matches', policy, pod: failedPod({ exits: { main: 0 } }), want: { countFailed: true } },
    {
      name: 'init containers are looked at too',
      policy,
      pod: failedPod({ initExits: { main: 42 } }),
      want: { countFailed: true, action: 'FailJob', failJobMessage: 'Container main for pod ns/p-1 failed with exit code 42 matching FailJob rule at index 1' },
    },
    {
      name: 'a pod condition can fail the job',
      policy,
      pod: failedPod({ exits: { main: 2 }, conditions: { ConfigIssue: 'True' } }),
      want: { countFailed: true, action: 'FailJob', failJobMessage: 'Pod ns/p-1 has condition ConfigIssue matching FailJob rule at index 3' },
    },
  ])('$name', ({ policy, pod, want }) => {
    expect(matchPodFailurePolicy(policy, pod)).toEqual(want);
  });
});
