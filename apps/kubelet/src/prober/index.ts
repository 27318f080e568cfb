// The kubelet's container probes: startup, readiness and liveness workers per container, the
// exec, httpGet, tcpSocket and grpc handlers, and the results the pod lifecycle reads.
export { ProbeManager, type ProbeFailure, type ProbeManagerOptions } from './manager';
export type { ProbeRuntime } from './exec';
export { execProbe, MAX_EXEC_OUTPUT_BYTES } from './exec';
export { httpProbe, httpProbeRequest, KUBE_VERSION, MAX_HTTP_BODY_BYTES, PROBE_USER_AGENT, type HttpProbeRequest } from './http';
export { tcpProbe } from './tcp';
export { grpcProbe } from './grpc';
export { containerFieldPath, ProbeEventReason, Prober, runProbe, withProbeDefaults, type EffectiveProbe, type ProbeTarget, type RecordEvent } from './prober';
export { ProbeError, ProbeResult, ProbeType, type ProbeOutcome } from './result';
export { ProberMetrics, podLabelName } from './metrics';
export { resolveContainerPort } from './port';
export { expandProbeCommand } from './expand';
