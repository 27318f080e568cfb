import type { corev1 } from '@tskube/api-types';
import { formatTime } from '@tskube/client';
import { ContainerRunState, type ContainerStatus as RuntimeContainer, type PodRuntimeStatus } from '../runtime/runtime-status';
import { podQOSClass } from '../runtime/resources';

/** Why a container is waiting, as the last attempt to start it left it (the kubelet's reason cache). */
export interface WaitingReason {
  reason: string;
  message: string;
}

/** Everything the pod's API status is computed from. */
export interface StatusInputs {
  pod: corev1.Pod;
  /** The runtime's state of the pod; undefined before anything was created. */
  runtime: PodRuntimeStatus | undefined;
  /** Per container name: why its last start failed. */
  reasons: ReadonlyMap<string, WaitingReason>;
  /** The prober's verdicts for a running container. */
  isReady(containerName: string, containerId: string): boolean;
  isStarted(containerName: string, containerId: string): boolean;
  hostIPs: string[];
  /** Whether the kubelet has decided the pod will run nothing more (deleted, or done for good). */
  podIsTerminal: boolean;
  /** The kubelet failed the pod itself (activeDeadlineSeconds): phase Failed with this reason and message. */
  failure?: { reason: string; message: string };
  now: Date;
}

/** Pod conditions the kubelet owns and rewrites on every sync. */
const kubeletConditions = new Set(['PodScheduled', 'Ready', 'Initialized', 'ContainersReady', 'PodReadyToStartContainers']);

export const CONTAINER_ID_PREFIX = 'containerd://';

function time(ms: number): string {
  return formatTime(ms);
}

/** The runtime's containers of `name`, newest first. */
function containersNamed(runtime: PodRuntimeStatus | undefined, name: string, init: boolean): RuntimeContainer[] {
  return (runtime?.containers ?? []).filter((c) => c.name === name && c.init === init);
}

/** A sidecar: an init container with restartPolicy Always, which keeps running beside the containers. */
export function isSidecar(container: corev1.Container | undefined): boolean {
  return container?.restartPolicy === 'Always';
}

/** Whether the container should run again (ShouldContainerBeRestarted); sidecars always do. */
export function shouldContainerBeRestarted(pod: corev1.Pod, latest: RuntimeContainer | undefined, container?: corev1.Container): boolean {
  if (pod.metadata?.deletionTimestamp) return false;
  if (!latest) return true;
  if (latest.state === ContainerRunState.Running) return false;
  if (latest.state === ContainerRunState.Unknown || latest.state === ContainerRunState.Created) return true;
  if (isSidecar(container)) return true;
  const policy = pod.spec?.restartPolicy ?? 'Always';
  if (policy === 'Never') return false;
  if (policy === 'OnFailure' && latest.exitCode === 0) return false;
  return true;
}

function terminatedOf(c: RuntimeContainer): corev1.ContainerStateTerminated {
  return {
    exitCode: c.exitCode,
    ...(c.reason ? { reason: c.reason } : {}),
    ...(c.message ? { message: c.message } : {}),
    ...(c.startedAt ? { startedAt: time(c.startedAt) } : {}),
    finishedAt: time(c.finishedAt),
    containerID: CONTAINER_ID_PREFIX + c.id,
  };
}

function volumeMountStatuses(container: corev1.Container): corev1.VolumeMountStatus[] | undefined {
  if (!container.volumeMounts?.length) return undefined;
  return container.volumeMounts.map((m) => ({
    name: m.name,
    mountPath: m.mountPath,
    ...(m.readOnly ? { readOnly: true, recursiveReadOnly: 'Disabled' } : {}),
  }));
}

/**
 * The API statuses of one list of containers (convertToAPIContainerStatuses): a default waiting
 * state (ContainerCreating, or PodInitializing when the pod has init containers), replaced by the
 * newest runtime container's state with the one before it as lastState, then, for a container
 * that is to run again, the reason its last start failed (CrashLoopBackOff, ErrImagePull, ...).
 */
function containerStatuses(inputs: StatusInputs, containers: corev1.Container[], init: boolean, old: corev1.ContainerStatus[] | undefined): corev1.ContainerStatus[] {
  const { pod, runtime } = inputs;
  const hasInit = (pod.spec?.initContainers?.length ?? 0) > 0;
  const oldByName = new Map((old ?? []).map((s) => [s.name, s]));
  return containers.map((container) => {
    let status: corev1.ContainerStatus = {
      name: container.name,
      state: { waiting: { reason: hasInit ? 'PodInitializing' : 'ContainerCreating' } },
      lastState: {},
      ready: false,
      restartCount: 0,
      image: container.image ?? '',
      imageID: '',
      started: false,
    };
    const previous = oldByName.get(container.name);
    const mine = containersNamed(runtime, container.name, init);
    if (previous && mine.length === 0) {
      if (previous.state?.terminated) status = { ...previous };
      else {
        status.restartCount = previous.restartCount;
        status.lastState = previous.lastState ?? {};
      }
    }
    const latest = mine[0];
    if (latest) {
      status.restartCount = latest.restartCount;
      status.image = latest.image || status.image;
      status.imageID = latest.imageID;
      status.containerID = CONTAINER_ID_PREFIX + latest.id;
      switch (latest.state) {
        case ContainerRunState.Running:
          status.state = { running: { startedAt: time(latest.startedAt) } };
          status.ready = inputs.isReady(container.name, latest.id);
          status.started = inputs.isStarted(container.name, latest.id);
          break;
        case ContainerRunState.Exited:
          status.state = { terminated: terminatedOf(latest) };
          break;
        default:
          status.state = { waiting: {} };
      }
      const before = mine.find((c, i) => i > 0 && c.state === ContainerRunState.Exited);
      status.lastState = before ? { terminated: terminatedOf(before) } : {};
      const mounts = volumeMountStatuses(container);
      if (mounts) status.volumeMounts = mounts;
    }
    const skip = init && !isSidecar(container) && latest?.state === ContainerRunState.Exited && latest.exitCode === 0;
    const reason = inputs.reasons.get(container.name);
    if (!skip && reason && shouldContainerBeRestarted(pod, latest, container)) {
      if (status.state?.terminated) status.lastState = status.state;
      status.state = { waiting: { reason: reason.reason, ...(reason.message ? { message: reason.message } : {}) } };
      status.ready = false;
      status.started = false;
    }
    return status;
  });
}

/** Whether any regular container runs or has run (HasAnyRegularContainerStarted). */
function anyRegularStarted(regular: corev1.ContainerStatus[]): boolean {
  return regular.some((s) => s.state?.running !== undefined || s.state?.terminated !== undefined);
}

/** The pod's phase from its container statuses (the kubelet's getPhase). */
export function podPhase(pod: corev1.Pod, init: corev1.ContainerStatus[], regular: corev1.ContainerStatus[], podIsTerminal: boolean): string {
  const policy = pod.spec?.restartPolicy ?? 'Always';
  let pendingInit = 0;
  let failedInit = 0;
  const byName = (list: corev1.ContainerStatus[], name: string) => list.find((s) => s.name === name);
  for (const c of pod.spec?.initContainers ?? []) {
    const s = byName(init, c.name);
    if (!s) {
      pendingInit++;
      continue;
    }
    if (isSidecar(c)) {
      // A sidecar never fails the pod; it holds initialization until it has started.
      if (!(s.state?.running && s.started)) pendingInit++;
      continue;
    }
    if (s.state?.running) pendingInit++;
    else if (s.state?.terminated) {
      if (s.state.terminated.exitCode !== 0) failedInit++;
    } else if (s.state?.waiting) {
      if (s.lastState?.terminated) {
        if (s.lastState.terminated.exitCode !== 0) failedInit++;
      } else pendingInit++;
    } else pendingInit++;
  }
  let unknown = 0;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of pod.spec?.containers ?? []) {
    const s = byName(regular, c.name);
    if (!s) {
      unknown++;
      continue;
    }
    if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state?.waiting) {
      if (s.lastState?.terminated) stopped++;
      else waiting++;
    } else unknown++;
  }
  if (failedInit > 0 && policy === 'Never') return 'Failed';
  const anyStarted = anyRegularStarted(regular);
  if ((pendingInit > 0 && !anyStarted) || waiting > 0) return 'Pending';
  if (running > 0 && unknown === 0) return 'Running';
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (podIsTerminal) return stopped === succeeded ? 'Succeeded' : 'Failed';
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

function condition(type: string, status: boolean, reason?: string, message?: string): corev1.PodCondition {
  return {
    type,
    status: status ? 'True' : 'False',
    lastProbeTime: null as unknown as string,
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
  } as corev1.PodCondition;
}

function goList(names: string[]): string {
  return `[${names.join(' ')}]`;
}

/** Initialized: true once every init container exited 0 (or any regular container has started). */
export function initializedCondition(pod: corev1.Pod, init: corev1.ContainerStatus[], regular: corev1.ContainerStatus[], phase: string): corev1.PodCondition {
  const inits = pod.spec?.initContainers ?? [];
  if (inits.length === 0) return condition('Initialized', true);
  const unknown: string[] = [];
  const incomplete: string[] = [];
  for (const c of inits) {
    const s = init.find((x) => x.name === c.name);
    if (!s) unknown.push(c.name);
    else if (isSidecar(c) ? !s.started : !s.state?.terminated || s.state.terminated.exitCode !== 0) incomplete.push(c.name);
  }
  if (phase === 'Succeeded' && unknown.length === 0) return condition('Initialized', true, 'PodCompleted');
  if (anyRegularStarted(regular)) return condition('Initialized', true);
  const messages: string[] = [];
  if (unknown.length) messages.push(`containers with unknown status: ${goList(unknown)}`);
  if (incomplete.length) messages.push(`containers with incomplete status: ${goList(incomplete)}`);
  if (messages.length) return condition('Initialized', false, 'ContainersNotInitialized', messages.join(', '));
  return condition('Initialized', true);
}

/** ContainersReady: every sidecar and regular container ready; PodCompleted / PodFailed for terminal pods. */
export function containersReadyCondition(pod: corev1.Pod, regular: corev1.ContainerStatus[], phase: string, type = 'ContainersReady', init: corev1.ContainerStatus[] = []): corev1.PodCondition {
  const unknown: string[] = [];
  const unready: string[] = [];
  for (const c of (pod.spec?.initContainers ?? []).filter(isSidecar)) {
    const s = init.find((x) => x.name === c.name);
    if (!s) unknown.push(c.name);
    else if (!s.ready) unready.push(c.name);
  }
  for (const c of pod.spec?.containers ?? []) {
    const s = regular.find((x) => x.name === c.name);
    if (!s) unknown.push(c.name);
    else if (!s.ready) unready.push(c.name);
  }
  if (phase === 'Succeeded' && unknown.length === 0) return condition(type, false, 'PodCompleted');
  if (phase === 'Failed') return condition(type, false, 'PodFailed');
  const messages: string[] = [];
  if (unknown.length) messages.push(`containers with unknown status: ${goList(unknown)}`);
  if (unready.length) messages.push(`containers with unready status: ${goList(unready)}`);
  if (messages.length) return condition(type, false, 'ContainersNotReady', messages.join(', '));
  return condition(type, true);
}

/** Ready: ContainersReady, and every readiness gate's condition True. */
export function readyCondition(pod: corev1.Pod, regular: corev1.ContainerStatus[], phase: string, conditions: corev1.PodCondition[], init: corev1.ContainerStatus[] = []): corev1.PodCondition {
  const containersReady = containersReadyCondition(pod, regular, phase, 'Ready', init);
  if (containersReady.status !== 'True') return containersReady;
  const missing: string[] = [];
  const notTrue: string[] = [];
  for (const gate of pod.spec?.readinessGates ?? []) {
    const c = conditions.find((x) => x.type === gate.conditionType);
    if (!c) missing.push(gate.conditionType);
    else if (c.status !== 'True') notTrue.push(gate.conditionType);
  }
  const messages: string[] = [];
  if (missing.length) messages.push(`corresponding condition of pod readiness gate ${goList(missing.map((m) => JSON.stringify(m)))} does not exist.`);
  if (notTrue.length) messages.push(`the status of pod readiness gate ${goList(notTrue.map((m) => JSON.stringify(m)))} is not "True", but False.`);
  if (messages.length) return condition('Ready', false, 'ReadinessGatesNotReady', messages.join(', '));
  return condition('Ready', true);
}

function sandboxIPs(runtime: PodRuntimeStatus | undefined): { ready: boolean; ips: string[] } {
  const latest = runtime?.sandboxes[0];
  return { ready: latest?.ready === true, ips: latest?.ready ? latest.ips : [] };
}

/**
 * The pod's status as the kubelet reports it (generateAPIPodStatus and the status manager's merge):
 * phase, the kubelet's conditions after any others, container and init container statuses, IPs,
 * start time and QoS class. Condition transition times are kept while a condition's status holds,
 * and a terminal phase never changes back.
 */
export function generatePodStatus(inputs: StatusInputs): corev1.PodStatus {
  const { pod } = inputs;
  const old = pod.status ?? {};
  const init = containerStatuses(inputs, pod.spec?.initContainers ?? [], true, old.initContainerStatuses);
  const regular = containerStatuses(inputs, pod.spec?.containers ?? [], false, old.containerStatuses);
  let phase = inputs.failure ? 'Failed' : podPhase(pod, init, regular, inputs.podIsTerminal);
  if (old.phase === 'Succeeded' || old.phase === 'Failed') phase = old.phase;
  const sandbox = sandboxIPs(inputs.runtime);
  const hostNetwork = pod.spec?.hostNetwork === true;
  const podIPs = hostNetwork ? inputs.hostIPs : sandbox.ips;

  const others = (old.conditions ?? []).filter((c) => !kubeletConditions.has(c.type));
  const conditions: corev1.PodCondition[] = [...others];
  conditions.push(condition('PodReadyToStartContainers', sandbox.ready && (hostNetwork || sandbox.ips.length > 0)));
  conditions.push(initializedCondition(pod, init, regular, phase));
  conditions.push(readyCondition(pod, regular, phase, conditions, init));
  conditions.push(containersReadyCondition(pod, regular, phase, 'ContainersReady', init));
  conditions.push(condition('PodScheduled', true));
  const now = formatTime(inputs.now.getTime());
  for (const c of conditions) {
    if (!kubeletConditions.has(c.type)) continue;
    const was = (old.conditions ?? []).find((x) => x.type === c.type);
    c.lastTransitionTime = was && was.status === c.status && was.lastTransitionTime ? was.lastTransitionTime : now;
  }

  const status: corev1.PodStatus = {
    phase,
    conditions,
    ...(inputs.hostIPs.length ? { hostIP: inputs.hostIPs[0], hostIPs: inputs.hostIPs.map((ip) => ({ ip })) } : {}),
    startTime: old.startTime ?? now,
    containerStatuses: regular,
    qosClass: podQOSClass(pod),
  };
  if (init.length) status.initContainerStatuses = init;
  if (podIPs.length) {
    status.podIP = podIPs[0];
    status.podIPs = podIPs.map((ip) => ({ ip }));
  } else if (old.podIP) {
    status.podIP = old.podIP;
    if (old.podIPs) status.podIPs = old.podIPs;
  }
  for (const key of ['message', 'reason', 'nominatedNodeName', 'resize', 'ephemeralContainerStatuses'] as const) {
    if (old[key] !== undefined) (status as Record<string, unknown>)[key] = old[key];
  }
  if (inputs.failure && !(old.phase === 'Succeeded' || old.phase === 'Failed')) {
    status.reason = inputs.failure.reason;
    status.message = inputs.failure.message;
  }
  return status;
}
