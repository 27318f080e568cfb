import { status as GrpcStatus } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { CriError, criErrorFromGrpc } from '../cri/index';
import { execProbe, MAX_EXEC_OUTPUT_BYTES, type ProbeRuntime } from './exec';
import { ProbeError, ProbeResult } from './result';

/** A runtime whose ExecSync answers what the test says, recording what it was asked. */
function fakeRuntime(answer: (cmd: string[], timeoutSeconds: number) => Promise<{ stdout: Buffer; stderr: Buffer; exitCode: number }>) {
  const calls: { containerId: string; cmd: string[]; timeoutSeconds: number }[] = [];
  const runtime: ProbeRuntime = {
    execSync(containerId, cmd, timeoutSeconds) {
      calls.push({ containerId, cmd, timeoutSeconds });
      return answer(cmd, timeoutSeconds);
    },
  };
  return { runtime, calls };
}

const out = (stdout: string, stderr: string, exitCode: number) => Promise.resolve({ stdout: Buffer.from(stdout), stderr: Buffer.from(stderr), exitCode });

describe('execProbe', () => {
  it('passes on exit status 0 with stdout then stderr as the output, passing the timeout to ExecSync', async () => {
    const { runtime, calls } = fakeRuntime(() => out('fine\n', 'warn\n', 0));
    expect(await execProbe(runtime, 'c1', ['cat', '/tmp/healthy'], 3)).toEqual({ result: ProbeResult.Success, output: 'fine\nwarn\n' });
    expect(calls).toEqual([{ containerId: 'c1', cmd: ['cat', '/tmp/healthy'], timeoutSeconds: 3 }]);
  });

  it.each([1, 2, 127, 137])('fails on exit status %i with the output', async (code) => {
    const { runtime } = fakeRuntime(() => out('', "cat: can't open '/tmp/healthy': No such file or directory\n", code));
    expect(await execProbe(runtime, 'c1', ['cat', '/tmp/healthy'], 1)).toEqual({
      result: ProbeResult.Failure,
      output: "cat: can't open '/tmp/healthy': No such file or directory\n",
    });
  });

  it('keeps at most 10 KiB of output', async () => {
    const { runtime } = fakeRuntime(() => out('a'.repeat(8 * 1024), 'b'.repeat(8 * 1024), 1));
    const res = await execProbe(runtime, 'c1', ['x'], 1);
    expect(res.output).toHaveLength(MAX_EXEC_OUTPUT_BYTES);
    expect(res.output).toBe('a'.repeat(8 * 1024) + 'b'.repeat(2 * 1024));
  });

  it('fails when the runtime reports the deadline passed', async () => {
    const { runtime } = fakeRuntime(() => Promise.reject(new CriError(GrpcStatus.DEADLINE_EXCEEDED, 'RuntimeService/ExecSync: DeadlineExceeded: timeout 1s exceeded')));
    expect(await execProbe(runtime, 'c1', ['sleep', '10'], 1)).toEqual({ result: ProbeResult.Failure, output: 'command "sleep 10" timed out' });
  });

  it('fails after timeoutSeconds when the runtime does not answer at all', async () => {
    const { runtime } = fakeRuntime(() => new Promise(() => undefined));
    const t0 = Date.now();
    expect(await execProbe(runtime, 'c1', ['sleep', '10'], 1)).toEqual({ result: ProbeResult.Failure, output: 'command "sleep 10" timed out' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(990);
  });

  it('errors, quoting the runtime as Go prints gRPC errors, when the exec cannot run', async () => {
    const grpcErr = Object.assign(new Error('5 NOT_FOUND: container not found'), { code: GrpcStatus.NOT_FOUND, details: 'container "c1" in namespace "k8s.io": not found' });
    const { runtime } = fakeRuntime(() => Promise.reject(criErrorFromGrpc(grpcErr, 'RuntimeService/ExecSync')));
    const res = await execProbe(runtime, 'c1', ['true'], 1);
    expect(res.result).toBe(ProbeResult.Unknown);
    expect(res.error).toBeInstanceOf(ProbeError);
    expect(res.error?.message).toBe('rpc error: code = NotFound desc = container "c1" in namespace "k8s.io": not found');
  });

  it('errors with the message of any other failure', async () => {
    const { runtime } = fakeRuntime(() => Promise.reject(new Error('runtime gone')));
    const res = await execProbe(runtime, 'c1', ['true'], 1);
    expect(res).toMatchObject({ result: ProbeResult.Unknown, output: '' });
    expect(res.error?.message).toBe('runtime gone');
  });
});
