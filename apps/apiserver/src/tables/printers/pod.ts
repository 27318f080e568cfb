/** Pods: NAME READY STATUS RESTARTS AGE | IP NODE NOMINATED NODE READINESS GATES (printPod). */
import type { corev1, metav1 } from '@tskube/api-types';
import { fieldDocs } from '../descriptions';
import { humanDuration, parseTime, timestampSince } from '../duration';
import { NONE } from '../format';
import { ageColumn, column, nameColumn, printer, wide, type PrintedRow, type RowContext } from '../printer';

const columns = [
  nameColumn,
  column('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
  column('Status', 'string', 'The aggregate status of the containers in this pod.'),
  column('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
  ageColumn,
  wide('IP', 'string', fieldDocs.podIP),
  wide('Node', 'string', fieldDocs.podNodeName),
  wide('Nominated Node', 'string', fieldDocs.nominatedNodeName),
  wide('Readiness Gates', 'string', fieldDocs.readinessGates),
];

/** The pod status reason the node lifecycle controller sets on pods of an unreachable node. */
const NODE_UNREACHABLE_REASON = 'NodeLost';

/** The row condition kube-apiserver puts on a finished pod, which lets clients tell it apart. */
const completed = (reason: 'Succeeded' | 'Failed'): metav1.TableRowCondition[] => [
  { type: 'Completed', status: 'True', reason, message: reason === 'Succeeded' ? 'The pod has completed successfully.' : 'The pod failed.' },
];

/** A sidecar: an init container that keeps running (`restartPolicy: Always`). */
const isRestartable = (c: corev1.Container | undefined): boolean => c?.restartPolicy === 'Always';

/** The later of two instants where undefined is Go's zero time (earlier than any other). */
const later = (a: number | undefined, b: number | undefined): number | undefined => (b !== undefined && (a === undefined || a < b) ? b : a);

/**
 * The STATUS column: the phase, overridden by the pod's reason, a scheduling gate, the first
 * failing or waiting init container (`Init:1/3`, `Init:CrashLoopBackOff`, `Init:ExitCode:1`), then
 * the first container's waiting or terminated reason (`CrashLoopBackOff`, `Completed`,
 * `ExitCode:2`, `Signal:9`), and finally `Terminating` (or `Unknown` on a lost node) once the pod
 * is being deleted.
 */
function podRow(pod: corev1.Pod, ctx: RowContext): PrintedRow {
  const spec = pod.spec;
  const status = pod.status ?? {};
  const conditions = status.conditions ?? [];
  const initSpecs = spec?.initContainers ?? [];

  let restarts = 0;
  let restartableInitRestarts = 0;
  let totalContainers = spec?.containers?.length ?? 0;
  let readyContainers = 0;
  let lastRestart: number | undefined;
  let lastRestartableInitRestart: number | undefined;

  const phase = status.phase ?? '';
  let reason = status.reason ? status.reason : phase;
  if (conditions.some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) reason = 'SchedulingGated';

  const initByName = new Map<string, corev1.Container>();
  for (const c of initSpecs) {
    initByName.set(c.name, c);
    if (isRestartable(c)) totalContainers++;
  }

  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i]!;
    const state = c.state ?? {};
    const finishedAt = parseTime(c.lastState?.terminated?.finishedAt);
    restarts += c.restartCount ?? 0;
    if (c.lastState?.terminated) lastRestart = later(lastRestart, finishedAt);
    const restartable = isRestartable(initByName.get(c.name));
    if (restartable) {
      restartableInitRestarts += c.restartCount ?? 0;
      if (c.lastState?.terminated) lastRestartableInitRestart = later(lastRestartableInitRestart, finishedAt);
    }
    if (state.terminated && (state.terminated.exitCode ?? 0) === 0) continue;
    if (restartable && c.started === true) {
      if (c.ready) readyContainers++;
      continue;
    }
    if (state.terminated) {
      const t = state.terminated;
      if (t.reason) reason = `Init:${t.reason}`;
      else if (t.signal) reason = `Init:Signal:${t.signal}`;
      else reason = `Init:ExitCode:${t.exitCode ?? 0}`;
    } else if (state.waiting?.reason && state.waiting.reason !== 'PodInitializing') {
      reason = `Init:${state.waiting.reason}`;
    } else {
      reason = `Init:${i}/${initSpecs.length}`;
    }
    initializing = true;
    break;
  }

  const initialized = conditions.some((c) => c.type === 'Initialized' && c.status === 'True');
  if (!initializing || initialized) {
    restarts = restartableInitRestarts;
    lastRestart = lastRestartableInitRestart;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    // Backwards, so the first container's reason is the one that stays.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i]!;
      const state = c.state ?? {};
      restarts += c.restartCount ?? 0;
      if (c.lastState?.terminated) lastRestart = later(lastRestart, parseTime(c.lastState.terminated.finishedAt));
      if (state.waiting?.reason) {
        reason = state.waiting.reason;
      } else if (state.terminated?.reason) {
        reason = state.terminated.reason;
      } else if (state.terminated) {
        reason = state.terminated.signal ? `Signal:${state.terminated.signal}` : `ExitCode:${state.terminated.exitCode ?? 0}`;
      } else if (c.ready && state.running) {
        hasRunning = true;
        readyContainers++;
      }
    }
    // One container exited cleanly but another still runs: the pod is not done.
    if (reason === 'Completed' && hasRunning) {
      reason = conditions.some((c) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady';
    }
  }

  const deleting = Boolean(pod.metadata?.deletionTimestamp);
  if (deleting && status.reason === NODE_UNREACHABLE_REASON) reason = 'Unknown';
  else if (deleting && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  const restartsCell = restarts !== 0 && lastRestart !== undefined ? `${restarts} (${humanDuration(ctx.now.getTime() - lastRestart)} ago)` : String(restarts);

  const podIP = status.podIPs?.[0]?.ip || status.podIP || NONE;
  let readinessGates = NONE;
  const gates = spec?.readinessGates ?? [];
  if (gates.length > 0) {
    let trueConditions = 0;
    for (const gate of gates) {
      const condition = conditions.find((c) => c.type === gate.conditionType);
      if (condition?.status === 'True') trueConditions++;
    }
    readinessGates = `${trueConditions}/${gates.length}`;
  }

  const row: PrintedRow = {
    cells: [
      pod.metadata?.name ?? '',
      `${readyContainers}/${totalContainers}`,
      reason,
      restartsCell,
      timestampSince(pod.metadata?.creationTimestamp, ctx.now),
      podIP,
      spec?.nodeName || NONE,
      status.nominatedNodeName || NONE,
      readinessGates,
    ],
  };
  if (phase === 'Succeeded' || phase === 'Failed') row.conditions = completed(phase);
  return row;
}

export const podPrinter = printer<corev1.Pod>(columns, podRow);
