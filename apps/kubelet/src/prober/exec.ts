import { CriError, isCriDeadlineExceeded } from '../cri/index';
import { ProbeError, ProbeResult, type ProbeOutcome } from './result';

/** How much of an exec probe's output (stdout, then stderr) is kept, as the kubelet's exec prober. */
export const MAX_EXEC_OUTPUT_BYTES = 10 * 1024;

/**
 * The part of the container runtime the prober needs: CRI ExecSync. A non-zero exit is a result,
 * not an error; past `timeoutSeconds` the runtime kills the command and rejects with a
 * DeadlineExceeded CriError.
 */
export interface ProbeRuntime {
  execSync(containerId: string, cmd: string[], timeoutSeconds: number): Promise<{ stdout: Buffer; stderr: Buffer; exitCode: number }>;
}

/** A runtime failure as Go's gRPC errors print (`rpc error: code = NotFound desc = ...`), the text the kubelet's events carry. */
export function runtimeErrorText(err: unknown): string {
  if (err instanceof CriError) {
    const details = (err.cause as { details?: unknown } | undefined)?.details;
    if (typeof details === 'string') return `rpc error: code = ${err.code} desc = ${details}`;
  }
  return err instanceof Error ? err.message : String(err);
}

const TIMED_OUT = Symbol('timed out');

/**
 * Runs `cmd` in the container through ExecSync: exit status 0 passes, any other fails, with the
 * command's stdout and stderr (at most 10 KiB) as the output. A command still running after
 * `timeoutSeconds` fails with `command "<cmd>" timed out` (the ExecProbeTimeout behaviour, on by
 * default since Kubernetes 1.20), whether the runtime says so or the deadline here passes first.
 * Any other runtime failure (container gone, runtime down) is an error: the probe could not run.
 */
export async function execProbe(runtime: ProbeRuntime, containerId: string, cmd: string[], timeoutSeconds: number): Promise<ProbeOutcome> {
  const timedOut: ProbeOutcome = { result: ProbeResult.Failure, output: `command ${JSON.stringify(cmd.join(' '))} timed out` };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), timeoutSeconds * 1000);
  });
  try {
    const res = await Promise.race([runtime.execSync(containerId, cmd, timeoutSeconds), deadline]);
    if (res === TIMED_OUT) return timedOut;
    const output = Buffer.concat([res.stdout, res.stderr]).subarray(0, MAX_EXEC_OUTPUT_BYTES).toString('utf8');
    return { result: res.exitCode === 0 ? ProbeResult.Success : ProbeResult.Failure, output };
  } catch (err) {
    if (isCriDeadlineExceeded(err)) return timedOut;
    return { result: ProbeResult.Unknown, output: '', error: new ProbeError(runtimeErrorText(err), { cause: err }) };
  } finally {
    clearTimeout(timer);
  }
}
