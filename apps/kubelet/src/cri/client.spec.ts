import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server, ServerCredentials, status as GrpcStatus, type ServerUnaryCall } from '@grpc/grpc-js';
import { cri } from '@tskube/proto';
import { afterEach, describe, expect, it } from 'vitest';
import { CriClient, type CriClientOptions } from './client';
import { CriError, CriErrorCode } from './errors';

// The client against an in-process CRI server on a unix socket: the real grpc-js transport and
// the generated codecs, with the runtime's answers under the test's control. The real containerd
// is driven by tools/containerd's suite.

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A server's view of one call: the decoded request and the time it has left, in ms. */
interface Seen<Req> {
  request: Req;
  remainingMs: number;
}

function remaining(call: ServerUnaryCall<unknown, unknown>): number {
  const deadline = call.getDeadline();
  const at = deadline instanceof Date ? deadline.getTime() : deadline;
  return at === Infinity ? Infinity : at - Date.now();
}

/** Answers every call with `answer` and records what it was asked. */
function handler<Req, Res>(seen: Seen<Req>[], answer: Res) {
  return (call: ServerUnaryCall<Req, Res>, callback: (err: null, res: Res) => void) => {
    seen.push({ request: call.request, remainingMs: remaining(call as ServerUnaryCall<unknown, unknown>) });
    callback(null, answer);
  };
}

/** Refuses every call with the gRPC status `code`. */
function refuse(code: number, details: string) {
  return (_call: unknown, callback: (err: { code: number; details: string }) => void) => callback({ code, details });
}

/** A handler that never answers, so the client's deadline or cancellation decides. */
function hang() {
  return () => undefined;
}

async function serve(
  runtime: Partial<cri.RuntimeServiceServer>,
  images: Partial<cri.ImageServiceServer> = {},
  options: Omit<CriClientOptions, 'endpoint'> = {},
): Promise<CriClient> {
  const dir = mkdtempSync(join(tmpdir(), 'tskube-cri-'));
  const socket = join(dir, 'cri.sock');
  const server = new Server();
  // Methods left out answer UNIMPLEMENTED, as grpc-js does for a partial implementation.
  server.addService(cri.RuntimeServiceService, runtime as cri.RuntimeServiceServer);
  server.addService(cri.ImageServiceService, images as cri.ImageServiceServer);
  await new Promise<void>((resolve, reject) => server.bindAsync(`unix://${socket}`, ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())));
  const client = new CriClient({ endpoint: `unix://${socket}`, ...options });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => server.forceShutdown());
  cleanups.push(() => client.close());
  return client;
}

/** containerd's answer for a container created 2026-11-22: nanoseconds far beyond 2^53. */
const CREATED_NS = 1795380100307305208n;

describe('CriClient', () => {
  it('asks Version with the kubelet CRI version and returns the runtime answer', async () => {
    const seen: Seen<cri.VersionRequest>[] = [];
    const answer = { version: '0.1.0', runtimeName: 'containerd', runtimeVersion: '1.6.20', runtimeApiVersion: 'v1' };
    const client = await serve({ version: handler(seen, answer) });
    expect(await client.version()).toEqual(answer);
    expect(seen[0]!.request).toEqual({ version: '0.1.0' });
  });

  it('fills unset fields of partial inputs with proto3 defaults and converts 64-bit numbers', async () => {
    const runs: Seen<cri.RunPodSandboxRequest>[] = [];
    const creates: Seen<cri.CreateContainerRequest>[] = [];
    const client = await serve({
      runPodSandbox: handler(runs, { podSandboxId: 'sb-1' }),
      createContainer: handler(creates, { containerId: 'c-1' }),
    });
    const sandboxConfig = { metadata: { name: 'web', namespace: 'default', uid: 'u1' }, logDirectory: '/var/log/pods/default_web_u1' };
    expect(await client.runPodSandbox(sandboxConfig, 'runc')).toBe('sb-1');
    const run = runs[0]!.request;
    expect(run.runtimeHandler).toBe('runc');
    expect(run.config).toMatchObject({ hostname: '', labels: {}, portMappings: [], metadata: { name: 'web', attempt: 0 } });

    const id = await client.createContainer(
      'sb-1',
      { metadata: { name: 'app' }, image: { image: 'busybox:1.35' }, command: ['sh'], linux: { resources: { memoryLimitInBytes: 64 * 1024 * 1024, cpuQuota: '50000' } } },
      sandboxConfig,
    );
    expect(id).toBe('c-1');
    const create = creates[0]!.request;
    expect(create.podSandboxId).toBe('sb-1');
    expect(create.config?.linux?.resources).toMatchObject({ memoryLimitInBytes: 67108864n, cpuQuota: 50000n, cpuShares: 0n });
    expect(create.sandboxConfig?.metadata?.uid).toBe('u1');
  });

  it('returns nanosecond timestamps exactly, as bigint', async () => {
    const status = cri.ContainerStatus.fromPartial({ id: 'c-1', state: cri.ContainerState.CONTAINER_EXITED, createdAt: CREATED_NS, finishedAt: CREATED_NS + 1n, exitCode: 7, reason: 'Error' });
    const client = await serve({ containerStatus: handler([], { status, info: {} }) });
    const res = await client.containerStatus('c-1');
    expect(res.status?.createdAt).toBe(CREATED_NS);
    expect(res.status?.finishedAt).toBe(CREATED_NS + 1n);
    expect(res.status?.exitCode).toBe(7);
  });

  it('gives StopContainer the request timeout plus the grace period as its deadline', async () => {
    const seen: Seen<cri.StopContainerRequest>[] = [];
    const client = await serve({ stopContainer: handler(seen, {}) }, {}, { requestTimeoutMs: 60_000 });
    await client.stopContainer('c-1', 30);
    expect(seen[0]!.request).toEqual({ containerId: 'c-1', timeout: 30n });
    expect(seen[0]!.remainingMs).toBeGreaterThan(85_000);
    expect(seen[0]!.remainingMs).toBeLessThanOrEqual(90_000);
  });

  it.each([
    { name: 'a command timeout: request timeout plus it', timeoutSeconds: 5, min: 60_000, max: 65_000 },
    { name: 'no command timeout: no deadline at all', timeoutSeconds: 0, min: Infinity, max: Infinity },
  ])('ExecSync with $name', async ({ timeoutSeconds, min, max }) => {
    const seen: Seen<cri.ExecSyncRequest>[] = [];
    const client = await serve({ execSync: handler(seen, { stdout: Buffer.from('out\n'), stderr: Buffer.from('err\n'), exitCode: 3 }) }, {}, { requestTimeoutMs: 60_000 });
    const res = await client.execSync('c-1', ['sh', '-c', 'exit 3'], timeoutSeconds);
    expect(res).toEqual({ stdout: Buffer.from('out\n'), stderr: Buffer.from('err\n'), exitCode: 3 });
    expect(seen[0]!.request).toEqual({ containerId: 'c-1', cmd: ['sh', '-c', 'exit 3'], timeout: BigInt(timeoutSeconds) });
    expect(seen[0]!.remainingMs).toBeGreaterThanOrEqual(min);
    expect(seen[0]!.remainingMs).toBeLessThanOrEqual(max);
  });

  it('pulls without a deadline but lists images with the request timeout', async () => {
    const pulls: Seen<cri.PullImageRequest>[] = [];
    const lists: Seen<cri.ListImagesRequest>[] = [];
    const image = cri.Image.fromPartial({ id: 'sha256:abc', repoTags: ['docker.io/library/busybox:1.35'], size: 1055609 });
    const client = await serve({}, { pullImage: handler(pulls, { imageRef: 'sha256:abc' }), listImages: handler(lists, { images: [image] }) }, { requestTimeoutMs: 10_000 });
    expect(await client.pullImage({ image: 'busybox:1.35' }, { username: 'u' })).toBe('sha256:abc');
    expect(pulls[0]!.request.image?.image).toBe('busybox:1.35');
    expect(pulls[0]!.request.auth?.username).toBe('u');
    expect(pulls[0]!.remainingMs).toBe(Infinity);
    expect(await client.listImages()).toEqual([image]);
    expect(lists[0]!.request.filter).toBeUndefined();
    expect(lists[0]!.remainingMs).toBeLessThanOrEqual(10_000);
  });

  it('reports an absent image as a status without image, not as an error', async () => {
    const client = await serve({}, { imageStatus: handler([], { info: {} }) });
    expect((await client.imageStatus({ image: 'nginx:1.22' })).image).toBeUndefined();
  });

  it('maps the runtime refusal to a CriError with the gRPC code and the method', async () => {
    const client = await serve({ containerStatus: refuse(GrpcStatus.NOT_FOUND, 'an error occurred when try to find container "nope": not found') });
    const err = await client.containerStatus('nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CriError);
    expect(err).toMatchObject({ code: CriErrorCode.NotFound, method: 'RuntimeService/ContainerStatus', grpcCode: GrpcStatus.NOT_FOUND });
    expect((err as Error).message).toContain('find container "nope"');
  });

  it('answers Unimplemented for a call the runtime lacks', async () => {
    const client = await serve({});
    await expect(client.reopenContainerLog('c-1')).rejects.toMatchObject({ code: CriErrorCode.Unimplemented, method: 'RuntimeService/ReopenContainerLog' });
  });

  it('fails with DeadlineExceeded once the call deadline has passed', async () => {
    // The injected clock is ten minutes behind: a 1 s deadline computed from it is long gone.
    const client = await serve({ status: hang() }, {}, { requestTimeoutMs: 1000, now: () => Date.now() - 600_000 });
    await expect(client.status()).rejects.toMatchObject({ code: CriErrorCode.DeadlineExceeded, method: 'RuntimeService/Status' });
  });

  it('honours an explicit per-call timeout over the default', async () => {
    const seen: Seen<cri.ListContainersRequest>[] = [];
    const client = await serve({ listContainers: handler(seen, { containers: [] }) }, {}, { requestTimeoutMs: 60_000 });
    await client.listContainers({ podSandboxId: 'sb-1', labelSelector: { app: 'web' } }, { timeoutMs: 2_000 });
    expect(seen[0]!.request.filter).toMatchObject({ podSandboxId: 'sb-1', labelSelector: { app: 'web' }, id: '' });
    expect(seen[0]!.remainingMs).toBeLessThanOrEqual(2_000);
  });

  it('cancels a call when its signal aborts', async () => {
    let started!: () => void;
    const arrived = new Promise<void>((resolve) => (started = resolve));
    const client = await serve({ listPodSandbox: () => started() });
    const controller = new AbortController();
    const pending = client.listPodSandbox(undefined, { signal: controller.signal });
    await arrived;
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: CriErrorCode.Cancelled, method: 'RuntimeService/ListPodSandbox' });
  });

  it('does not start a call whose signal is already aborted', async () => {
    const seen: Seen<cri.StatusRequest>[] = [];
    const client = await serve({ status: handler(seen, { info: {}, runtimeHandlers: [] }) });
    await expect(client.status(false, { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: CriErrorCode.Cancelled });
    expect(seen).toEqual([]);
  });

  it('fails with Unavailable when nothing listens on the socket', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tskube-cri-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const client = new CriClient({ endpoint: join(dir, 'absent.sock') });
    cleanups.push(() => client.close());
    await expect(client.version()).rejects.toMatchObject({ code: CriErrorCode.Unavailable, method: 'RuntimeService/Version' });
  });

  it.each([
    { name: 'negative', value: -1 },
    { name: 'fractional', value: 1.5 },
  ])('refuses a $name StopContainer timeout before calling', async ({ value }) => {
    const client = await serve({});
    await expect(client.stopContainer('c-1', value)).rejects.toThrow(RangeError);
  });

  it('refuses a negative request timeout', () => {
    expect(() => new CriClient({ endpoint: '/tmp/x.sock', requestTimeoutMs: -1 })).toThrow(/requestTimeoutMs/);
  });

  it('can be closed twice', async () => {
    const client = await serve({});
    client.close();
    expect(() => client.close()).not.toThrow();
  });
});
