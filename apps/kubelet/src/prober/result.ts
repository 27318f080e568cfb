/**
 * What one run of a probe handler says, as Kubernetes' pkg/probe.Result: the handler ran and the
 * container passed (success), passed with a remark (warning: an HTTP probe that stopped at a
 * redirect), failed, or could not tell (unknown).
 */
export const ProbeResult = { Success: 'success', Warning: 'warning', Failure: 'failure', Unknown: 'unknown' } as const;
export type ProbeResult = (typeof ProbeResult)[keyof typeof ProbeResult];

/**
 * A handler's verdict. `output` is what the Unhealthy or ProbeWarning event quotes; `error` is set
 * when the probe could not be run at all (no such named port, the runtime refused the exec), in
 * which case the verdict is thrown away rather than counted towards a threshold.
 */
export interface ProbeOutcome {
  result: ProbeResult;
  output: string;
  error?: Error;
}

/** The error a handler reports when the probe could not be run; its message is what the event quotes. */
export class ProbeError extends Error {
  override readonly name = 'ProbeError';
}

/** A probe's kind, as Kubernetes names it in events and metric labels. */
export const ProbeType = { Liveness: 'Liveness', Readiness: 'Readiness', Startup: 'Startup' } as const;
export type ProbeType = (typeof ProbeType)[keyof typeof ProbeType];
