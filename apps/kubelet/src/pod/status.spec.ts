import type { corev1 } from '@tskube/api-types';
import { describe, expect, it } from 'vitest';
import { ContainerRunState, type ContainerStatus, type PodRuntimeStatus } from '../runtime/runtime-status';
import { generatePodStatus, podPhase, type StatusInputs } from './status';

const T0 = Date.parse('2026-01-01T00:00:00Z');

function container(name: string, state: ContainerStatus['state'], extra: Partial<ContainerStatus> = {}): ContainerStatus {
  return {
    id: `${name}-${extra.restartCount ?? 0}`,
    sandboxId: 'sb',
    name,
    init: false,
    state,
    createdAt: T0 + (extra.restartCount ?? 0) * 1000,
    startedAt: T0 + 1000,
    finishedAt: state === ContainerRunState.Exited ? T0 + 5000 : 0,
    exitCode: 0,
    reason: state === ContainerRunState.Exited ? 'Completed' : '',
    message: '',
    image: 'docker.io/library/busybox:1.35',
    imageID: 'sha256:abc',
    restartCount: 0,
    hash: 'h',
    logPath: '/logs/x',
    terminationMessagePath: '/dev/termination-log',
    ...extra,
  };
}

function runtime(...containers: ContainerStatus[]): PodRuntimeStatus {
  return { uid: 'u1', sandboxes: [{ id: 'sb', attempt: 0, ready: true, createdAt: T0, ips: ['10.244.0.7'] }], containers: containers.sort((a, b) => b.createdAt - a.createdAt) };
}

function pod(spec: Partial<corev1.PodSpec>, status?: corev1.PodStatus): corev1.Pod {
  return { metadata: { name: 'p', namespace: 'default', uid: 'u1' }, spec: { containers: [{ name: 'main', image: 'busybox:1.35' }], ...spec }, ...(status ? { status } : {}) };
}

function inputs(p: corev1.Pod, rt: PodRuntimeStatus | undefined, extra: Partial<StatusInputs> = {}): StatusInputs {
  return { pod: p, runtime: rt, reasons: new Map(), isReady: () => true, isStarted: () => true, hostIPs: ['192.168.1.10'], podIsTerminal: false, now: new Date(T0 + 10_000), ...extra };
}

describe('generatePodStatus', () => {
  it('reports a pod whose sandbox is not made yet as Pending, ContainerCreating', () => {
    const s = generatePodStatus(inputs(pod({}), undefined));
    expect(s.phase).toBe('Pending');
    expect(s.containerStatuses).toEqual([{ name: 'main', state: { waiting: { reason: 'ContainerCreating' } }, lastState: {}, ready: false, restartCount: 0, image: 'busybox:1.35', imageID: '', started: false }]);
    expect(s.conditions!.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['PodReadyToStartContainers', 'False', undefined],
      ['Initialized', 'True', undefined],
      ['Ready', 'False', 'ContainersNotReady'],
      ['ContainersReady', 'False', 'ContainersNotReady'],
      ['PodScheduled', 'True', undefined],
    ]);
    expect(s.conditions![2]!.message).toBe('containers with unready status: [main]');
    expect(s).toMatchObject({ hostIP: '192.168.1.10', hostIPs: [{ ip: '192.168.1.10' }], qosClass: 'BestEffort', startTime: '2026-01-01T00:00:10Z' });
  });

  it('reports a running, ready container with its IDs, times and the pod IP', () => {
    const s = generatePodStatus(inputs(pod({}), runtime(container('main', ContainerRunState.Running))));
    expect(s.phase).toBe('Running');
    expect(s.containerStatuses![0]).toEqual({
      name: 'main',
      state: { running: { startedAt: '2026-01-01T00:00:01Z' } },
      lastState: {},
      ready: true,
      restartCount: 0,
      image: 'docker.io/library/busybox:1.35',
      imageID: 'sha256:abc',
      started: true,
      containerID: 'containerd://main-0',
    });
    expect(s).toMatchObject({ podIP: '10.244.0.7', podIPs: [{ ip: '10.244.0.7' }] });
    expect(s.conditions!.every((c) => c.status === 'True')).toBe(true);
  });

  it('shows a crash-looping container waiting with its last termination', () => {
    const rt = runtime(container('main', ContainerRunState.Exited, { exitCode: 1, reason: 'Error', restartCount: 2 }), container('main', ContainerRunState.Exited, { exitCode: 1, reason: 'Error', restartCount: 1 }));
    const reasons = new Map([['main', { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container=main pod=p_default(u1)' }]]);
    const s = generatePodStatus(inputs(pod({}), rt, { reasons }));
    expect(s.phase).toBe('Running');
    expect(s.containerStatuses![0]).toMatchObject({
      state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container=main pod=p_default(u1)' } },
      lastState: { terminated: { exitCode: 1, reason: 'Error', containerID: 'containerd://main-2' } },
      restartCount: 2,
      ready: false,
    });
  });

  it('keeps condition transition times while their status holds, and a terminal phase for good', () => {
    const first = generatePodStatus(inputs(pod({}), runtime(container('main', ContainerRunState.Running))));
    const later = generatePodStatus(inputs(pod({}, first), runtime(container('main', ContainerRunState.Running)), { now: new Date(T0 + 60_000) }));
    expect(later.conditions!.map((c) => c.lastTransitionTime)).toEqual(first.conditions!.map((c) => c.lastTransitionTime));
    const done = generatePodStatus(inputs(pod({}, { ...first, phase: 'Succeeded' }), runtime(container('main', ContainerRunState.Running))));
    expect(done.phase).toBe('Succeeded');
  });

  it('keeps conditions it does not own before its own', () => {
    const s = generatePodStatus(inputs(pod({}, { conditions: [{ type: 'DisruptionTarget', status: 'True' }] }), undefined));
    expect(s.conditions!.map((c) => c.type)).toEqual(['DisruptionTarget', 'PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);
  });
});

describe('podPhase', () => {
  const st = (name: string, state: corev1.ContainerState, last: corev1.ContainerState = {}): corev1.ContainerStatus => ({ name, state, lastState: last, ready: false, restartCount: 0, image: '', imageID: '' });
  const run = st('main', { running: { startedAt: 'x' } });
  const ok = st('main', { terminated: { exitCode: 0 } });
  const bad = st('main', { terminated: { exitCode: 1 } });
  const crash = st('main', { waiting: { reason: 'CrashLoopBackOff' } }, { terminated: { exitCode: 1 } });
  const creating = st('main', { waiting: { reason: 'ContainerCreating' } });
  it.each([
    { name: 'waiting to start', policy: 'Always', statuses: [creating], terminal: false, want: 'Pending' },
    { name: 'running', policy: 'Always', statuses: [run], terminal: false, want: 'Running' },
    { name: 'crash loop', policy: 'Always', statuses: [crash], terminal: false, want: 'Running' },
    { name: 'exited 0 under Always', policy: 'Always', statuses: [ok], terminal: false, want: 'Running' },
    { name: 'exited 0 under OnFailure', policy: 'OnFailure', statuses: [ok], terminal: false, want: 'Succeeded' },
    { name: 'exited 1 under OnFailure', policy: 'OnFailure', statuses: [bad], terminal: false, want: 'Running' },
    { name: 'exited 1 under Never', policy: 'Never', statuses: [bad], terminal: false, want: 'Failed' },
    { name: 'exited 0 under Never', policy: 'Never', statuses: [ok], terminal: false, want: 'Succeeded' },
    { name: 'stopped on deletion', policy: 'Always', statuses: [bad], terminal: true, want: 'Failed' },
  ])('$name → $want', ({ policy, statuses, terminal, want }) => {
    expect(podPhase(pod({ restartPolicy: policy }), [], statuses, terminal)).toBe(want);
  });

  it('fails a Never pod on a failed init container and keeps others Pending while init runs', () => {
    const p = pod({ restartPolicy: 'Never', initContainers: [{ name: 'init', image: 'x' }] });
    expect(podPhase(p, [st('init', { terminated: { exitCode: 2 } })], [creating], false)).toBe('Failed');
    expect(podPhase({ ...p, spec: { ...p.spec!, restartPolicy: 'Always' } }, [st('init', { running: {} })], [creating], false)).toBe('Pending');
  });

  it('holds a pod Pending until its sidecar has started, and counts the sidecar in ContainersReady', () => {
    const p = pod({ initContainers: [{ name: 'side', image: 'x', restartPolicy: 'Always' }] });
    const side = { ...container('side', ContainerRunState.Running), init: true };
    const notStarted = generatePodStatus(inputs(p, runtime(side), { isStarted: (name) => name !== 'side', isReady: (name) => name !== 'side' }));
    expect(notStarted.phase).toBe('Pending');
    expect(notStarted.conditions!.find((c) => c.type === 'Initialized')).toMatchObject({ status: 'False', message: 'containers with incomplete status: [side]' });
    const both = generatePodStatus(inputs(p, runtime(side, container('main', ContainerRunState.Running)), { isReady: (name) => name !== 'side' }));
    expect(both.phase).toBe('Running');
    expect(both.conditions!.find((c) => c.type === 'ContainersReady')).toMatchObject({ status: 'False', message: 'containers with unready status: [side]' });
  });
});
