import type { corev1 } from '@tskube/api-types';

type NodeCondition = corev1.NodeCondition;

/** Records a node event (type Normal unless said otherwise) with the kubelet's `Node <name> status is now: <reason>`. */
export type RecordNodeEvent = (reason: string, type?: 'Normal' | 'Warning', message?: string) => void;

interface PressureWords {
  trueReason: string;
  trueMessage: string;
  trueEvent: string;
  falseReason: string;
  falseMessage: string;
  falseEvent: string;
}

/** The pressure conditions with the kubelet's reasons, messages and events. */
export const PressureConditions: Record<'MemoryPressure' | 'DiskPressure' | 'PIDPressure', PressureWords> = {
  MemoryPressure: {
    trueReason: 'KubeletHasInsufficientMemory',
    trueMessage: 'kubelet has insufficient memory available',
    trueEvent: 'NodeHasInsufficientMemory',
    falseReason: 'KubeletHasSufficientMemory',
    falseMessage: 'kubelet has sufficient memory available',
    falseEvent: 'NodeHasSufficientMemory',
  },
  DiskPressure: {
    trueReason: 'KubeletHasDiskPressure',
    trueMessage: 'kubelet has disk pressure',
    trueEvent: 'NodeHasDiskPressure',
    falseReason: 'KubeletHasNoDiskPressure',
    falseMessage: 'kubelet has no disk pressure',
    falseEvent: 'NodeHasNoDiskPressure',
  },
  PIDPressure: {
    trueReason: 'KubeletHasInsufficientPID',
    trueMessage: 'kubelet has insufficient PID available',
    trueEvent: 'NodeHasInsufficientPID',
    falseReason: 'KubeletHasSufficientPID',
    falseMessage: 'kubelet has sufficient PID available',
    falseEvent: 'NodeHasSufficientPID',
  },
};

/**
 * Sets a pressure condition in place, as the kubelet's setters do: the heartbeat always moves; a
 * change of status (a new condition starts as Unknown) sets reason, message and transition time
 * and records the matching event.
 */
export function setPressureCondition(conditions: NodeCondition[], type: keyof typeof PressureConditions, pressure: boolean, now: string, record: RecordNodeEvent): void {
  const words = PressureConditions[type];
  let condition = conditions.find((c) => c.type === type);
  if (condition === undefined) {
    condition = { type, status: 'Unknown' };
    conditions.push(condition);
  }
  condition.lastHeartbeatTime = now;
  const want = pressure ? 'True' : 'False';
  if (condition.status === want) return;
  condition.status = want;
  condition.reason = pressure ? words.trueReason : words.falseReason;
  condition.message = pressure ? words.trueMessage : words.falseMessage;
  condition.lastTransitionTime = now;
  record(pressure ? words.trueEvent : words.falseEvent);
}

/** Go's utilerrors.NewAggregate(...).Error(): one message as is, several (deduplicated) in brackets. */
export function aggregateMessage(messages: readonly string[]): string {
  const unique = [...new Set(messages)];
  return unique.length === 1 ? unique[0]! : `[${unique.join(', ')}]`;
}

/**
 * Sets the Ready condition in place, kept last in the list as the kubelet keeps it: True
 * (KubeletReady) without errors, else False (KubeletNotReady) with the errors as its message.
 * A transition records NodeReady or NodeNotReady; the first Ready condition records nothing.
 */
export function setReadyCondition(conditions: NodeCondition[], errors: readonly string[], now: string, record: RecordNodeEvent): void {
  const ready = errors.length === 0;
  const next: NodeCondition = ready
    ? { type: 'Ready', status: 'True', lastHeartbeatTime: now, reason: 'KubeletReady', message: 'kubelet is posting ready status' }
    : { type: 'Ready', status: 'False', lastHeartbeatTime: now, reason: 'KubeletNotReady', message: aggregateMessage(errors) };
  const i = conditions.findIndex((c) => c.type === 'Ready');
  if (i < 0) {
    conditions.push({ ...next, lastTransitionTime: now });
    return;
  }
  const old = conditions[i]!;
  if (old.status === next.status) {
    conditions[i] = { ...next, ...(old.lastTransitionTime === undefined ? {} : { lastTransitionTime: old.lastTransitionTime }) };
  } else {
    conditions[i] = { ...next, lastTransitionTime: now };
    record(ready ? 'NodeReady' : 'NodeNotReady');
  }
}

/** A runtime condition as the kubelet prints it in its errors (`NetworkReady=false reason:X message:Y`). */
function describeRuntimeCondition(c: { type: string; status: boolean; reason: string; message: string } | undefined): string {
  return c === undefined ? '<nil>' : `${c.type}=${c.status} reason:${c.reason} message:${c.message}`;
}

/**
 * The kubelet's runtime and network errors from a CRI Status answer (or its failure), in the
 * order and words of its runtime state: runtime first, then network.
 */
export function runtimeErrors(status: { status?: { conditions: { type: string; status: boolean; reason: string; message: string }[] } } | Error): string[] {
  if (status instanceof Error) return ['container runtime is down'];
  const conditions = status.status?.conditions ?? [];
  const find = (type: string) => conditions.find((c) => c.type === type);
  const out: string[] = [];
  const runtime = find('RuntimeReady');
  if (runtime === undefined || !runtime.status) out.push(`container runtime not ready: ${describeRuntimeCondition(runtime)}`);
  const network = find('NetworkReady');
  if (network === undefined || !network.status) out.push(`container runtime network not ready: ${describeRuntimeCondition(network)}`);
  return out;
}
