import type { corev1 } from '@tskube/api-types';
import { describe, expect, it } from 'vitest';
import { podPrinter } from './pod';

const now = new Date('2025-01-01T12:00:00Z');
const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000).toISOString();

type Status = corev1.ContainerStatus;
const running = (name = 'c', extra: Partial<Status> = {}): Status => ({ name, image: 'i', imageID: '', ready: true, restartCount: 0, state: { running: { startedAt: ago(30) } }, ...extra });
const waiting = (reason: string, name = 'c', extra: Partial<Status> = {}): Status => ({ name, image: 'i', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason } }, ...extra });
const terminated = (t: corev1.ContainerStateTerminated, name = 'c', extra: Partial<Status> = {}): Status => ({
  name,
  image: 'i',
  imageID: '',
  ready: false,
  restartCount: 0,
  state: { terminated: t },
  ...extra,
});
const lastTerminated = (minutesAgo: number): corev1.ContainerState => ({ terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(minutesAgo) } });

function pod(o: { containers?: string[]; init?: corev1.Container[]; status?: corev1.PodStatus; deleting?: boolean; spec?: Partial<corev1.PodSpec> }): corev1.Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', creationTimestamp: ago(60), ...(o.deleting ? { deletionTimestamp: ago(0) } : {}) },
    spec: { containers: (o.containers ?? ['c']).map((name) => ({ name, image: 'i' })), initContainers: o.init, ...o.spec },
    status: o.status ?? {},
  };
}

const print = (p: corev1.Pod) => podPrinter.row(p, { now, group: '' });
const cells = (p: corev1.Pod) => {
  const [name, ready, status, restarts, age] = print(p).cells;
  return { name, ready, status, restarts, age };
};

describe('pod STATUS, READY and RESTARTS', () => {
  it.each([
    { name: 'pending without container statuses', pod: pod({ status: { phase: 'Pending' } }), want: { ready: '0/1', status: 'Pending', restarts: '0' } },
    { name: 'no status at all prints an empty phase', pod: pod({ status: {} }), want: { ready: '0/1', status: '', restarts: '0' } },
    { name: 'running and ready', pod: pod({ status: { phase: 'Running', containerStatuses: [running()] } }), want: { ready: '1/1', status: 'Running', restarts: '0' } },
    {
      name: 'running but not ready',
      pod: pod({ status: { phase: 'Running', containerStatuses: [running('c', { ready: false })] } }),
      want: { ready: '0/1', status: 'Running', restarts: '0' },
    },
    {
      name: 'container creating',
      pod: pod({ status: { phase: 'Pending', containerStatuses: [waiting('ContainerCreating')] } }),
      want: { ready: '0/1', status: 'ContainerCreating', restarts: '0' },
    },
    {
      name: 'image pull back-off',
      pod: pod({ status: { phase: 'Pending', containerStatuses: [waiting('ImagePullBackOff')] } }),
      want: { ready: '0/1', status: 'ImagePullBackOff', restarts: '0' },
    },
    {
      name: 'crash loop with the age of the last restart',
      pod: pod({ status: { phase: 'Running', containerStatuses: [waiting('CrashLoopBackOff', 'c', { restartCount: 5, lastState: lastTerminated(5) })] } }),
      want: { ready: '0/1', status: 'CrashLoopBackOff', restarts: '5 (5m ago)' },
    },
    {
      name: 'restarts without a last termination have no age',
      pod: pod({ status: { phase: 'Running', containerStatuses: [running('c', { restartCount: 4 })] } }),
      want: { ready: '1/1', status: 'Running', restarts: '4' },
    },
    {
      name: 'the latest termination across containers dates the restarts',
      pod: pod({
        containers: ['a', 'b'],
        status: { phase: 'Running', containerStatuses: [running('a', { restartCount: 1, lastState: lastTerminated(90) }), running('b', { restartCount: 2, lastState: lastTerminated(3) })] },
      }),
      want: { ready: '2/2', status: 'Running', restarts: '3 (3m ago)' },
    },
    {
      name: 'completed',
      pod: pod({ status: { phase: 'Succeeded', containerStatuses: [terminated({ exitCode: 0, reason: 'Completed' })] } }),
      want: { ready: '0/1', status: 'Completed', restarts: '0' },
    },
    {
      name: 'error',
      pod: pod({ status: { phase: 'Failed', containerStatuses: [terminated({ exitCode: 1, reason: 'Error' })] } }),
      want: { ready: '0/1', status: 'Error', restarts: '0' },
    },
    {
      name: 'terminated without a reason shows the exit code',
      pod: pod({ status: { phase: 'Failed', containerStatuses: [terminated({ exitCode: 2 })] } }),
      want: { ready: '0/1', status: 'ExitCode:2', restarts: '0' },
    },
    {
      name: 'terminated by a signal without a reason',
      pod: pod({ status: { phase: 'Failed', containerStatuses: [terminated({ exitCode: 137, signal: 9 })] } }),
      want: { ready: '0/1', status: 'Signal:9', restarts: '0' },
    },
    {
      name: "the first container's reason wins",
      pod: pod({ containers: ['a', 'b'], status: { phase: 'Pending', containerStatuses: [waiting('CrashLoopBackOff', 'a'), waiting('ContainerCreating', 'b')] } }),
      want: { ready: '0/2', status: 'CrashLoopBackOff', restarts: '0' },
    },
    {
      name: 'completed container beside a running one, pod ready',
      pod: pod({
        containers: ['a', 'b'],
        status: {
          phase: 'Running',
          conditions: [{ type: 'Ready', status: 'True' }],
          containerStatuses: [terminated({ exitCode: 0, reason: 'Completed' }, 'a'), running('b')],
        },
      }),
      want: { ready: '1/2', status: 'Running', restarts: '0' },
    },
    {
      name: 'completed container beside a running one, pod not ready',
      pod: pod({
        containers: ['a', 'b'],
        status: {
          phase: 'Running',
          conditions: [{ type: 'Ready', status: 'False' }],
          containerStatuses: [terminated({ exitCode: 0, reason: 'Completed' }, 'a'), running('b')],
        },
      }),
      want: { ready: '1/2', status: 'NotReady', restarts: '0' },
    },
    {
      name: 'the pod reason overrides the phase (evicted)',
      pod: pod({ status: { phase: 'Failed', reason: 'Evicted' } }),
      want: { ready: '0/1', status: 'Evicted', restarts: '0' },
    },
    {
      name: 'scheduling gated',
      pod: pod({ status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] } }),
      want: { ready: '0/1', status: 'SchedulingGated', restarts: '0' },
    },
    {
      name: 'terminating',
      pod: pod({ deleting: true, status: { phase: 'Running', containerStatuses: [running()] } }),
      want: { ready: '1/1', status: 'Terminating', restarts: '0' },
    },
    {
      name: 'a finished pod being deleted keeps its status',
      pod: pod({ deleting: true, status: { phase: 'Succeeded', containerStatuses: [terminated({ exitCode: 0, reason: 'Completed' })] } }),
      want: { ready: '0/1', status: 'Completed', restarts: '0' },
    },
    {
      name: 'on a lost node while being deleted',
      pod: pod({ deleting: true, status: { phase: 'Running', reason: 'NodeLost', containerStatuses: [running()] } }),
      want: { ready: '1/1', status: 'Unknown', restarts: '0' },
    },
    {
      name: 'on a lost node before deletion shows the reason',
      pod: pod({ status: { phase: 'Running', reason: 'NodeLost' } }),
      want: { ready: '0/1', status: 'NodeLost', restarts: '0' },
    },
  ])('$name', ({ pod, want }) => {
    expect(cells(pod)).toEqual({ name: 'p', age: '60m', ...want });
  });
});

describe('pod init containers', () => {
  const init = (...names: string[]): corev1.Container[] => names.map((name) => ({ name, image: 'i' }));
  it.each([
    {
      name: 'first of two running',
      pod: pod({ init: init('i1', 'i2'), status: { phase: 'Pending', initContainerStatuses: [running('i1', { ready: false }), waiting('PodInitializing', 'i2')], containerStatuses: [waiting('PodInitializing')] } }),
      want: { ready: '0/1', status: 'Init:0/2', restarts: '0' },
    },
    {
      name: 'first done, second running',
      pod: pod({
        init: init('i1', 'i2'),
        status: { phase: 'Pending', initContainerStatuses: [terminated({ exitCode: 0, reason: 'Completed' }, 'i1'), running('i2', { ready: false })] },
      }),
      want: { ready: '0/1', status: 'Init:1/2', restarts: '0' },
    },
    {
      name: 'waiting to initialize counts as not started',
      pod: pod({ init: init('i1'), status: { phase: 'Pending', initContainerStatuses: [waiting('PodInitializing', 'i1')] } }),
      want: { ready: '0/1', status: 'Init:0/1', restarts: '0' },
    },
    {
      name: 'crash looping',
      pod: pod({ init: init('i1'), status: { phase: 'Pending', initContainerStatuses: [waiting('CrashLoopBackOff', 'i1', { restartCount: 3, lastState: lastTerminated(2) })] } }),
      want: { ready: '0/1', status: 'Init:CrashLoopBackOff', restarts: '3 (2m ago)' },
    },
    {
      name: 'failed with a reason',
      pod: pod({ init: init('i1'), status: { phase: 'Failed', initContainerStatuses: [terminated({ exitCode: 1, reason: 'Error' }, 'i1')] } }),
      want: { ready: '0/1', status: 'Init:Error', restarts: '0' },
    },
    {
      name: 'failed without a reason',
      pod: pod({ init: init('i1'), status: { phase: 'Pending', initContainerStatuses: [terminated({ exitCode: 3 }, 'i1')] } }),
      want: { ready: '0/1', status: 'Init:ExitCode:3', restarts: '0' },
    },
    {
      name: 'killed by a signal',
      pod: pod({ init: init('i1'), status: { phase: 'Pending', initContainerStatuses: [terminated({ exitCode: 137, signal: 9 }, 'i1')] } }),
      want: { ready: '0/1', status: 'Init:Signal:9', restarts: '0' },
    },
    {
      name: 'while initializing, app container restarts do not count',
      pod: pod({
        init: init('i1'),
        status: { phase: 'Pending', initContainerStatuses: [running('i1', { ready: false, restartCount: 1 })], containerStatuses: [waiting('PodInitializing', 'c', { restartCount: 7 })] },
      }),
      want: { ready: '0/1', status: 'Init:0/1', restarts: '1' },
    },
    {
      name: 'after init, only app container restarts count',
      pod: pod({
        init: init('i1'),
        status: {
          phase: 'Running',
          conditions: [{ type: 'Initialized', status: 'True' }],
          initContainerStatuses: [terminated({ exitCode: 0, reason: 'Completed' }, 'i1', { restartCount: 2 })],
          containerStatuses: [running('c', { restartCount: 1 })],
        },
      }),
      want: { ready: '1/1', status: 'Running', restarts: '1' },
    },
    {
      name: 'a started sidecar counts towards READY and RESTARTS',
      pod: pod({
        init: [{ name: 'sidecar', image: 'i', restartPolicy: 'Always' }],
        status: {
          phase: 'Running',
          conditions: [{ type: 'Initialized', status: 'True' }],
          initContainerStatuses: [running('sidecar', { started: true, restartCount: 2, lastState: lastTerminated(3) })],
          containerStatuses: [running('c', { restartCount: 1, lastState: lastTerminated(10) })],
        },
      }),
      want: { ready: '2/2', status: 'Running', restarts: '3 (3m ago)' },
    },
    {
      name: 'a sidecar not yet started holds initialization',
      pod: pod({
        init: [{ name: 'sidecar', image: 'i', restartPolicy: 'Always' }],
        status: { phase: 'Pending', initContainerStatuses: [running('sidecar', { started: false, ready: false })] },
      }),
      want: { ready: '0/2', status: 'Init:0/1', restarts: '0' },
    },
  ])('$name', ({ pod, want }) => {
    expect(cells(pod)).toEqual({ name: 'p', age: '60m', ...want });
  });
});

describe('pod wide columns and row conditions', () => {
  it('prints IP, node, nominated node and readiness gates', () => {
    const p = pod({
      spec: { nodeName: 'n1', readinessGates: [{ conditionType: 'example.com/a' }, { conditionType: 'example.com/b' }] },
      status: {
        phase: 'Running',
        podIP: '10.0.0.9',
        podIPs: [{ ip: '10.0.0.9' }, { ip: 'fd00::9' }],
        nominatedNodeName: 'n2',
        conditions: [
          { type: 'example.com/a', status: 'True' },
          { type: 'example.com/b', status: 'False' },
        ],
        containerStatuses: [running()],
      },
    });
    expect(print(p).cells.slice(5)).toEqual(['10.0.0.9', 'n1', 'n2', '1/2']);
  });

  it('falls back to podIP and prints <none> for what is unset', () => {
    expect(print(pod({ status: { podIP: '10.0.0.7' } })).cells.slice(5)).toEqual(['10.0.0.7', '<none>', '<none>', '<none>']);
    expect(print(pod({ status: {} })).cells.slice(5)).toEqual(['<none>', '<none>', '<none>', '<none>']);
  });

  it.each([
    { phase: 'Succeeded', want: [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }] },
    { phase: 'Failed', want: [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }] },
    { phase: 'Running', want: undefined },
  ])('marks a $phase pod with conditions $want', ({ phase, want }) => {
    expect(print(pod({ status: { phase } })).conditions).toEqual(want);
  });

  it('prints a pod without spec or status', () => {
    expect(podPrinter.row({ metadata: { name: 'bare' } }, { now, group: '' }).cells).toEqual(['bare', '0/0', '', '0', '<unknown>', '<none>', '<none>', '<none>', '<none>']);
  });
});
