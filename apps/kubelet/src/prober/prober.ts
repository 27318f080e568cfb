import type { corev1 } from '@tskube/api-types';
import type { Logger } from '@tskube/component';
import { execProbe, type ProbeRuntime } from './exec';
import { expandProbeCommand } from './expand';
import { grpcProbe } from './grpc';
import { httpProbe, httpProbeRequest } from './http';
import { resolveContainerPort } from './port';
import { ProbeError, ProbeResult, type ProbeOutcome, type ProbeType } from './result';
import { tcpProbe } from './tcp';

/** How often a probe that could not be run is retried at once before the attempt counts as errored. */
export const MAX_PROBE_RETRIES = 3;

/** Event reasons the prober records (Kubernetes' events.ContainerUnhealthy and ContainerProbeWarning). */
export const ProbeEventReason = { Unhealthy: 'Unhealthy', ProbeWarning: 'ProbeWarning' } as const;

/** A Probe with Kubernetes' defaults filled in (the apiserver defaults them too; pods built in code may not be). */
export interface EffectiveProbe extends corev1.Probe {
  initialDelaySeconds: number;
  timeoutSeconds: number;
  periodSeconds: number;
  successThreshold: number;
  failureThreshold: number;
}

/** The probe with Kubernetes' defaults for unset (or zero) fields: timeout 1 s, period 10 s, thresholds 1 and 3. */
export function withProbeDefaults(probe: corev1.Probe): EffectiveProbe {
  return {
    ...probe,
    initialDelaySeconds: Math.max(0, probe.initialDelaySeconds ?? 0),
    timeoutSeconds: probe.timeoutSeconds && probe.timeoutSeconds > 0 ? probe.timeoutSeconds : 1,
    periodSeconds: probe.periodSeconds && probe.periodSeconds > 0 ? probe.periodSeconds : 10,
    successThreshold: probe.successThreshold && probe.successThreshold > 0 ? probe.successThreshold : 1,
    failureThreshold: probe.failureThreshold && probe.failureThreshold > 0 ? probe.failureThreshold : 3,
  };
}

/** What a probe runs against: the container instance and the pod's IP (the default host of network probes). */
export interface ProbeTarget {
  pod: corev1.Pod;
  container: corev1.Container;
  containerId: string;
  podIP: string | undefined;
}

/**
 * Records an event about the pod, as the kubelet's recorder does (the lifecycle owns the API
 * side). `fieldPath` names the container the event is about (`spec.containers{web}`), for the
 * event's involvedObject; recorders may ignore it.
 */
export type RecordEvent = (pod: corev1.Pod, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string) => void;

/** The container's field path in the pod, as events reference it: `spec.containers{name}` or, for a sidecar, `spec.initContainers{name}`. */
export function containerFieldPath(pod: corev1.Pod, containerName: string): string {
  const regular = (pod.spec?.containers ?? []).some((c) => c.name === containerName);
  const init = !regular && (pod.spec?.initContainers ?? []).some((c) => c.name === containerName);
  return init ? `spec.initContainers{${containerName}}` : `spec.containers{${containerName}}`;
}

/** The pod as the kubelet names it in messages (format.Pod): `name_namespace(uid)`. */
export function formatPod(pod: corev1.Pod): string {
  return `${pod.metadata?.name ?? ''}_${pod.metadata?.namespace ?? ''}(${pod.metadata?.uid ?? ''})`;
}

/** Runs the probe's one handler once (exec, httpGet, tcpSocket or grpc), never throwing. */
export async function runProbe(runtime: ProbeRuntime, probe: EffectiveProbe, target: ProbeTarget): Promise<ProbeOutcome> {
  const timeoutMs = probe.timeoutSeconds * 1000;
  const { container, podIP } = target;
  try {
    if (probe.exec) {
      const cmd = expandProbeCommand(probe.exec.command ?? [], container.env);
      return await execProbe(runtime, target.containerId, cmd, probe.timeoutSeconds);
    }
    if (probe.httpGet) return await httpProbe(httpProbeRequest(probe.httpGet, container, podIP), timeoutMs);
    if (probe.tcpSocket) {
      const port = resolveContainerPort(probe.tcpSocket.port, container);
      return await tcpProbe(probe.tcpSocket.host || podIP || '', port, timeoutMs);
    }
    if (probe.grpc) return await grpcProbe(podIP ?? '', probe.grpc.port, probe.grpc.service ?? '', timeoutMs);
    return { result: ProbeResult.Unknown, output: '', error: new ProbeError(`missing probe handler for ${formatPod(target.pod)}:${container.name}`) };
  } catch (err) {
    const error = err instanceof Error ? err : new ProbeError(String(err));
    return { result: ProbeResult.Unknown, output: '', error };
  }
}

/** A probe's verdict for the worker: passed or failed; `error` set means it could not be run and the verdict is to be thrown away. */
export interface ProbeVerdict {
  result: typeof ProbeResult.Success | typeof ProbeResult.Failure;
  error?: Error;
}

export interface ProberOptions {
  runtime: ProbeRuntime;
  recordEvent: RecordEvent;
  logger: Logger;
}

/**
 * Runs one probe of a container and reports it as the kubelet's prober does: retried up to three
 * times while it cannot be run; then an Unhealthy warning event for a failure (`Liveness probe
 * failed: <output>`) or an error (`Readiness probe errored and resulted in unknown state: <err>`),
 * and a ProbeWarning event for a success with a remark (`Startup probe warning: <output>`).
 */
export class Prober {
  private readonly runtime: ProbeRuntime;
  private readonly recordEvent: RecordEvent;
  private readonly logger: Logger;

  constructor(opts: ProberOptions) {
    this.runtime = opts.runtime;
    this.recordEvent = opts.recordEvent;
    this.logger = opts.logger;
  }

  async probe(type: ProbeType, probe: EffectiveProbe, target: ProbeTarget): Promise<ProbeVerdict> {
    let outcome: ProbeOutcome = { result: ProbeResult.Unknown, output: '' };
    for (let attempt = 0; attempt < MAX_PROBE_RETRIES; attempt++) {
      outcome = await runProbe(this.runtime, probe, target);
      if (!outcome.error) break;
    }
    const fields = { probeType: type, pod: `${target.pod.metadata?.namespace}/${target.pod.metadata?.name}`, podUID: target.pod.metadata?.uid, containerName: target.container.name };
    if (outcome.error) {
      this.logger.info('Probe errored', { ...fields, probeResult: outcome.result, err: outcome.error.message });
      this.event(target, ProbeEventReason.Unhealthy, `${type} probe errored and resulted in ${outcome.result} state: ${outcome.error.message}`);
      return { result: ProbeResult.Failure, error: outcome.error };
    }
    switch (outcome.result) {
      case ProbeResult.Success:
        this.logger.debug('Probe succeeded', fields);
        return { result: ProbeResult.Success };
      case ProbeResult.Warning:
        this.event(target, ProbeEventReason.ProbeWarning, `${type} probe warning: ${outcome.output}`);
        this.logger.debug('Probe succeeded with a warning', { ...fields, output: outcome.output });
        return { result: ProbeResult.Success };
      case ProbeResult.Failure:
        this.logger.info('Probe failed', { ...fields, probeResult: outcome.result, output: outcome.output });
        this.event(target, ProbeEventReason.Unhealthy, `${type} probe failed: ${outcome.output}`);
        return { result: ProbeResult.Failure };
      default:
        this.logger.info('Probe unknown without error', fields);
        return { result: ProbeResult.Failure };
    }
  }

  private event(target: ProbeTarget, reason: string, message: string): void {
    try {
      this.recordEvent(target.pod, 'Warning', reason, message, containerFieldPath(target.pod, target.container.name));
    } catch (err) {
      this.logger.error('Recording a probe event failed', { reason, err });
    }
  }
}
