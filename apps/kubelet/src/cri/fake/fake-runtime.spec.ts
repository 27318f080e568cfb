import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '@tskube/client/testing';
import { cri } from '@tskube/proto';
import { afterEach, describe, expect, it } from 'vitest';
import { CriError, CriErrorCode, isCriNotFound } from '../errors';
import type { CriInput } from '../services';
import { FAKE_EXIT_ANNOTATION_PREFIX, FakeEnv } from './behaviour';
import { DEFAULT_FAKE_POD_CIDR, FakeRuntime, KILLED_EXIT_CODE, type FakeRuntimeOptions } from './fake-runtime';

const { ContainerState, PodSandboxState, NamespaceMode } = cri;

const runtimes: FakeRuntime[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const r of runtimes.splice(0)) r.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(options: FakeRuntimeOptions = {}): { rt: FakeRuntime; clock: FakeClock } {
  const clock = new FakeClock();
  const rt = new FakeRuntime({ clock, ...options });
  runtimes.push(rt);
  return { rt, clock };
}

function sandboxConfig(pod = 'web', attempt = 0, extra: CriInput<cri.PodSandboxConfig> = {}): CriInput<cri.PodSandboxConfig> {
  return {
    metadata: { name: pod, namespace: 'default', uid: `uid-${pod}`, attempt },
    labels: { 'io.kubernetes.pod.name': pod, app: pod },
    ...extra,
  };
}

function containerConfig(name = 'app', extra: CriInput<cri.ContainerConfig> = {}): CriInput<cri.ContainerConfig> {
  return {
    metadata: { name, attempt: 0 },
    image: { image: 'busybox:1.35' },
    labels: { 'io.kubernetes.container.name': name },
    ...extra,
  };
}

/** Moves the fake clock and lets the runtime's promise continuations run. */
async function advance(clock: FakeClock, ms: number): Promise<void> {
  clock.step(ms);
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

async function expectCriError(p: Promise<unknown>, code: CriErrorCode, message: RegExp): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CriError);
  expect((err as CriError).code).toBe(code);
  expect((err as CriError).message).toMatch(message);
}

describe('FakeRuntime sandboxes', () => {
  it('gives sandboxes addresses from the default CIDR, then from the one UpdateRuntimeConfig sets', async () => {
    const { rt } = setup();
    expect(rt.podCIDR).toBe(DEFAULT_FAKE_POD_CIDR);
    const first = await rt.runPodSandbox(sandboxConfig('a'));
    expect((await rt.podSandboxStatus(first)).status?.network?.ip).toBe('10.88.0.2');
    await rt.updateRuntimeConfig({ networkConfig: { podCidr: '10.244.3.0/24' } });
    const second = await rt.runPodSandbox(sandboxConfig('b'));
    const third = await rt.runPodSandbox(sandboxConfig('c'));
    expect((await rt.podSandboxStatus(second)).status?.network?.ip).toBe('10.244.3.2');
    expect((await rt.podSandboxStatus(third)).status?.network?.ip).toBe('10.244.3.3');
  });

  it('gives host-network sandboxes no address of their own', async () => {
    const { rt } = setup();
    const id = await rt.runPodSandbox(sandboxConfig('h', 0, { linux: { securityContext: { namespaceOptions: { network: NamespaceMode.NODE } } } }));
    const status = await rt.podSandboxStatus(id);
    expect(status.status?.network?.ip).toBe('');
    expect(status.status?.linux?.namespaces?.options?.network).toBe(NamespaceMode.NODE);
  });

  it('refuses a second sandbox with the same pod and attempt, as containerd reserves names', async () => {
    const { rt } = setup();
    const id = await rt.runPodSandbox(sandboxConfig('web', 0));
    await expectCriError(rt.runPodSandbox(sandboxConfig('web', 0)), CriErrorCode.Unknown, new RegExp(`name "k8s_POD_web_default_uid-web_0" is reserved for "${id}"`));
    await expect(rt.runPodSandbox(sandboxConfig('web', 1))).resolves.toMatch(/^[0-9a-f]{64}$/);
    await rt.removePodSandbox(id);
    await expect(rt.runPodSandbox(sandboxConfig('web', 0))).resolves.toMatch(/^[0-9a-f]{64}$/);
  });

  it('fails when the range is exhausted, in the CNI plugin words, and reuses addresses after stops', async () => {
    const { rt } = setup({ podCIDR: '10.1.0.0/29' });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await rt.runPodSandbox(sandboxConfig(`p${i}`)));
    await expectCriError(rt.runPodSandbox(sandboxConfig('p5')), CriErrorCode.Unknown, /no IP addresses available in range set: 10\.1\.0\.1-10\.1\.0\.6/);
    await rt.stopPodSandbox(ids[0]!);
    expect((await rt.podSandboxStatus(ids[0]!)).status?.network?.ip).toBe('10.1.0.2');
    const again = await rt.runPodSandbox(sandboxConfig('p5'));
    expect((await rt.podSandboxStatus(again)).status?.network?.ip).toBe('10.1.0.2');
  });

  it('stops (killing containers) and removes sandboxes; unknown ones are NotFound except for removal', async () => {
    const { rt } = setup();
    const sb = await rt.runPodSandbox(sandboxConfig());
    const c = await rt.createContainer(sb, containerConfig(), sandboxConfig());
    await rt.startContainer(c);
    await rt.stopPodSandbox(sb);
    expect((await rt.podSandboxStatus(sb)).status?.state).toBe(PodSandboxState.SANDBOX_NOTREADY);
    const st = (await rt.containerStatus(c)).status!;
    expect(st.state).toBe(ContainerState.CONTAINER_EXITED);
    expect(st.exitCode).toBe(KILLED_EXIT_CODE);
    await rt.removePodSandbox(sb);
    await expect(rt.listContainers()).resolves.toEqual([]);
    await expectCriError(rt.podSandboxStatus(sb), CriErrorCode.NotFound, /an error occurred when try to find sandbox ".*": not found/);
    await expectCriError(rt.stopPodSandbox('nope'), CriErrorCode.NotFound, /not found/);
    await expect(rt.removePodSandbox('nope')).resolves.toBeUndefined();
  });

  it('lists sandboxes by id (or unique prefix), state and labels', async () => {
    const { rt } = setup();
    const a = await rt.runPodSandbox(sandboxConfig('a'));
    const b = await rt.runPodSandbox(sandboxConfig('b'));
    await rt.stopPodSandbox(b);
    const ids = (items: cri.PodSandbox[]) => items.map((s) => s.id).sort();
    expect(ids(await rt.listPodSandbox())).toEqual([a, b].sort());
    expect(ids(await rt.listPodSandbox({ id: a }))).toEqual([a]);
    expect(ids(await rt.listPodSandbox({ id: a.slice(0, 12) }))).toEqual([a]);
    expect(ids(await rt.listPodSandbox({ state: { state: PodSandboxState.SANDBOX_READY } }))).toEqual([a]);
    expect(ids(await rt.listPodSandbox({ state: { state: PodSandboxState.SANDBOX_NOTREADY } }))).toEqual([b]);
    expect(ids(await rt.listPodSandbox({ labelSelector: { app: 'b' } }))).toEqual([b]);
    expect(ids(await rt.listPodSandbox({ labelSelector: { app: 'b', other: 'x' } }))).toEqual([]);
  });
});

describe('FakeRuntime containers', () => {
  it('goes CREATED, then RUNNING after the start delay', async () => {
    const { rt, clock } = setup({ startDelayMs: 500 });
    const sb = await rt.runPodSandbox(sandboxConfig());
    const c = await rt.createContainer(sb, containerConfig(), sandboxConfig());
    const created = (await rt.containerStatus(c)).status!;
    expect(created.state).toBe(ContainerState.CONTAINER_CREATED);
    expect(created.createdAt).toBe(BigInt(clock.now()) * 1_000_000n + 1n);
    expect(created.startedAt).toBe(0n);
    let started = false;
    const start = rt.startContainer(c).then(() => (started = true));
    await advance(clock, 499);
    expect(started).toBe(false);
    expect((await rt.containerStatus(c)).status?.state).toBe(ContainerState.CONTAINER_CREATED);
    await advance(clock, 1);
    await start;
    const running = (await rt.containerStatus(c)).status!;
    expect(running.state).toBe(ContainerState.CONTAINER_RUNNING);
    expect(running.startedAt).toBeGreaterThanOrEqual(BigInt(clock.now()) * 1_000_000n);
    await expectCriError(rt.startContainer(c), CriErrorCode.Unknown, /container is in CONTAINER_RUNNING state/);
  });

  it('exits 0 when the stop signal is honoured, and 137 when killed at once', async () => {
    const { rt } = setup();
    const sb = await rt.runPodSandbox(sandboxConfig());
    const graceful = await rt.createContainer(sb, containerConfig('a'), sandboxConfig());
    const killed = await rt.createContainer(sb, containerConfig('b'), sandboxConfig());
    await rt.startContainer(graceful);
    await rt.startContainer(killed);
    await rt.stopContainer(graceful, 30);
    await rt.stopContainer(killed, 0);
    const g = (await rt.containerStatus(graceful)).status!;
    const k = (await rt.containerStatus(killed)).status!;
    expect([g.state, g.exitCode, g.reason]).toEqual([ContainerState.CONTAINER_EXITED, 0, 'Completed']);
    expect([k.state, k.exitCode, k.reason]).toEqual([ContainerState.CONTAINER_EXITED, 137, 'Error']);
    expect(g.finishedAt).toBeGreaterThan(g.startedAt);
    // Stopping again is a no-op.
    await rt.stopContainer(graceful, 0);
    expect((await rt.containerStatus(graceful)).status?.exitCode).toBe(0);
  });

  it('waits out the grace period of a container that ignores the stop signal, then kills it', async () => {
    const { rt, clock } = setup();
    const sb = await rt.runPodSandbox(sandboxConfig());
    const c = await rt.createContainer(sb, containerConfig('app', { envs: [{ key: FakeEnv.IgnoreSigterm, value: 'true' }] }), sandboxConfig());
    await rt.startContainer(c);
    let stopped = false;
    const stop = rt.stopContainer(c, 10).then(() => (stopped = true));
    await advance(clock, 9_999);
    expect(stopped).toBe(false);
    expect((await rt.containerStatus(c)).status?.state).toBe(ContainerState.CONTAINER_RUNNING);
    // A second stop with no grace kills at once and both return.
    await rt.stopContainer(c, 0);
    await stop;
    expect((await rt.containerStatus(c)).status?.exitCode).toBe(137);
  });

  it('exits on its own as the container environment says, again after a restart', async () => {
    const { rt, clock } = setup();
    const sb = await rt.runPodSandbox(sandboxConfig());
    const envs = [
      { key: FakeEnv.ExitCode, value: '3' },
      { key: FakeEnv.ExitAfterMs, value: '2000' },
    ];
    for (const attempt of [0, 1]) {
      const c = await rt.createContainer(sb, containerConfig('app', { metadata: { name: 'app', attempt }, envs }), sandboxConfig());
      await rt.startContainer(c);
      await advance(clock, 1_999);
      expect((await rt.containerStatus(c)).status?.state).toBe(ContainerState.CONTAINER_RUNNING);
      await advance(clock, 1);
      const st = (await rt.containerStatus(c)).status!;
      expect([st.state, st.exitCode, st.reason]).toEqual([ContainerState.CONTAINER_EXITED, 3, 'Error']);
    }
    expect(rt.counts().timers).toBe(0);
  });

  it('exits as a pod annotation says, at once without a delay', async () => {
    const { rt, clock } = setup();
    const annotations = { [`${FAKE_EXIT_ANNOTATION_PREFIX}app`]: '0', [`${FAKE_EXIT_ANNOTATION_PREFIX}slow`]: '1@100' };
    const sb = await rt.runPodSandbox(sandboxConfig('job', 0, { annotations }));
    const app = await rt.createContainer(sb, containerConfig('app'), sandboxConfig());
    const slow = await rt.createContainer(sb, containerConfig('slow'), sandboxConfig());
    const other = await rt.createContainer(sb, containerConfig('other'), sandboxConfig());
    for (const c of [app, slow, other]) await rt.startContainer(c);
    await advance(clock, 0);
    expect((await rt.containerStatus(app)).status).toMatchObject({ state: ContainerState.CONTAINER_EXITED, exitCode: 0, reason: 'Completed' });
    expect((await rt.containerStatus(slow)).status?.state).toBe(ContainerState.CONTAINER_RUNNING);
    await advance(clock, 100);
    expect((await rt.containerStatus(slow)).status).toMatchObject({ state: ContainerState.CONTAINER_EXITED, exitCode: 1 });
    expect((await rt.containerStatus(other)).status?.state).toBe(ContainerState.CONTAINER_RUNNING);
  });

  it('a stop before the simulated exit wins, and cancels it', async () => {
    const { rt, clock } = setup();
    const sb = await rt.runPodSandbox(sandboxConfig());
    const c = await rt.createContainer(sb, containerConfig('app', { envs: [{ key: FakeEnv.ExitCode, value: '9' }, { key: FakeEnv.ExitAfterMs, value: '60000' }] }), sandboxConfig());
    await rt.startContainer(c);
    expect(rt.counts().timers).toBe(1);
    await rt.stopContainer(c, 30);
    expect((await rt.containerStatus(c)).status?.exitCode).toBe(0);
    await advance(clock, 60_000);
    expect((await rt.containerStatus(c)).status?.exitCode).toBe(0);
    expect(rt.counts().timers).toBe(0);
  });

  it('refuses a second container with the same name and attempt in the sandbox', async () => {
    const { rt } = setup();
    const sb = await rt.runPodSandbox(sandboxConfig());
    await rt.createContainer(sb, containerConfig('app'), sandboxConfig());
    await expectCriError(rt.createContainer(sb, containerConfig('app'), sandboxConfig()), CriErrorCode.Unknown, /failed to reserve container name "k8s_app_web_default_uid-web_0"/);
  });

  it('answers NotFound for unknown containers and sandboxes, and removes idempotently', async () => {
    const { rt } = setup();
    for (const call of [rt.containerStatus('x'), rt.startContainer('x'), rt.stopContainer('x', 1), rt.execSync('x', ['true'], 1), rt.containerStats('x')]) {
      await expectCriError(call, CriErrorCode.NotFound, /an error occurred when try to find container "x": not found/);
    }
    const err = await rt.containerStatus('x').catch((e: unknown) => e);
    expect(isCriNotFound(err)).toBe(true);
    expect((err as CriError).method).toBe('RuntimeService/ContainerStatus');
    await expectCriError(rt.createContainer('nope', containerConfig(), sandboxConfig()), CriErrorCode.NotFound, /failed to find sandbox id "nope"/);
    await expect(rt.removeContainer('x')).resolves.toBeUndefined();
  });

  it('lists containers by id, sandbox, state and labels', async () => {
    const { rt } = setup();
    const s1 = await rt.runPodSandbox(sandboxConfig('a'));
    const s2 = await rt.runPodSandbox(sandboxConfig('b'));
    const c1 = await rt.createContainer(s1, containerConfig('one', { labels: { tier: 'web' } }), sandboxConfig('a'));
    const c2 = await rt.createContainer(s1, containerConfig('two', { labels: { tier: 'db' } }), sandboxConfig('a'));
    const c3 = await rt.createContainer(s2, containerConfig('three', { labels: { tier: 'web' } }), sandboxConfig('b'));
    await rt.startContainer(c2);
    const ids = (items: cri.Container[]) => items.map((c) => c.id).sort();
    expect(ids(await rt.listContainers())).toEqual([c1, c2, c3].sort());
    expect(ids(await rt.listContainers({ id: c3.slice(0, 10) }))).toEqual([c3]);
    expect(ids(await rt.listContainers({ podSandboxId: s1 }))).toEqual([c1, c2].sort());
    expect(ids(await rt.listContainers({ state: { state: ContainerState.CONTAINER_RUNNING } }))).toEqual([c2]);
    expect(ids(await rt.listContainers({ state: { state: ContainerState.CONTAINER_CREATED }, labelSelector: { tier: 'web' } }))).toEqual([c1, c3].sort());
    expect(ids(await rt.listContainers({ podSandboxId: s2, labelSelector: { tier: 'db' } }))).toEqual([]);
    const listed = (await rt.listContainers({ id: c2 }))[0]!;
    expect(listed).toMatchObject({ podSandboxId: s1, metadata: { name: 'two', attempt: 0 }, state: ContainerState.CONTAINER_RUNNING });
    expect(listed.imageRef).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect((await rt.listContainerStats({ podSandboxId: s1 })).map((s) => s.attributes?.id)).toEqual([c2]);
  });

  it('reports the image as containerd does: tag in image, digest in imageRef, ID in imageId', async () => {
    const { rt } = setup();
    const sb = await rt.runPodSandbox(sandboxConfig());
    const c = await rt.createContainer(sb, containerConfig('app', { image: { image: 'nginx' } }), sandboxConfig());
    const st = (await rt.containerStatus(c)).status!;
    expect(st.image?.image).toBe('docker.io/library/nginx:latest');
    expect(st.imageRef).toMatch(/^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
    expect(st.imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('runs ExecSync with exit 0 in running containers only', async () => {
    const { rt } = setup({ exec: (_id, cmd) => ({ stdout: Buffer.from(cmd.join(' ')), stderr: Buffer.alloc(0), exitCode: cmd[0] === 'false' ? 1 : 0 }) });
    const plain = setup().rt;
    for (const r of [rt, plain]) {
      const sb = await r.runPodSandbox(sandboxConfig());
      const c = await r.createContainer(sb, containerConfig(), sandboxConfig());
      await expectCriError(r.execSync(c, ['true'], 1), CriErrorCode.Unknown, /failed to exec in container: container is in CONTAINER_CREATED state/);
      await r.startContainer(c);
      expect((await r.execSync(c, ['true'], 1)).exitCode).toBe(0);
    }
    const sb = (await rt.listPodSandbox())[0]!.id;
    const c = (await rt.listContainers({ podSandboxId: sb }))[0]!.id;
    const res = await rt.execSync(c, ['false', 'x'], 1);
    expect([res.exitCode, res.stdout.toString()]).toEqual([1, 'false x']);
  });

  it('refuses exec, attach and port-forward, which need processes', async () => {
    const { rt } = setup();
    await expectCriError(rt.exec({ containerId: 'x', cmd: ['sh'] }), CriErrorCode.Unimplemented, /Exec is not supported by the fake runtime/);
    await expectCriError(rt.attach({ containerId: 'x' }), CriErrorCode.Unimplemented, /Attach/);
    await expectCriError(rt.portForward({ podSandboxId: 'x', port: [80] }), CriErrorCode.Unimplemented, /PortForward/);
  });

  it('keeps resource updates and reports them in the status', async () => {
    const { rt } = setup();
    const sb = await rt.runPodSandbox(sandboxConfig());
    const c = await rt.createContainer(sb, containerConfig('app', { linux: { resources: { cpuShares: 2 } } }), sandboxConfig());
    expect((await rt.containerStatus(c)).status?.resources?.linux?.cpuShares).toBe(2n);
    await rt.updateContainerResources(c, { cpuShares: 512, memoryLimitInBytes: 1 << 20 });
    expect((await rt.containerStatus(c)).status?.resources?.linux).toMatchObject({ cpuShares: 512n, memoryLimitInBytes: 1048576n });
  });

  it('cancels calls whose signal already aborted', async () => {
    const { rt } = setup();
    const ac = new AbortController();
    ac.abort();
    await expectCriError(rt.listContainers({}, { signal: ac.signal }), CriErrorCode.Cancelled, /aborted/);
  });
});

describe('FakeRuntime logs and termination messages', () => {
  it('creates the log file on start and writes the simulated output in the CRI log format', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tskube-fake-cri-'));
    dirs.push(dir);
    const { rt } = setup();
    const logDirectory = join(dir, 'default_web_uid-web');
    const sb = await rt.runPodSandbox(sandboxConfig('web', 0, { logDirectory }));
    const envs = [
      { key: FakeEnv.Stdout, value: 'hello\nworld\n' },
      { key: FakeEnv.Stderr, value: 'oops' },
    ];
    const c = await rt.createContainer(sb, containerConfig('app', { logPath: 'app/0.log', envs }), sandboxConfig());
    const quiet = await rt.createContainer(sb, containerConfig('quiet', { logPath: 'quiet/0.log' }), sandboxConfig());
    const status = (await rt.containerStatus(c)).status!;
    expect(status.logPath).toBe(join(logDirectory, 'app/0.log'));
    await rt.startContainer(c);
    await rt.startContainer(quiet);
    await rt.flush();
    expect(readFileSync(status.logPath, 'utf8')).toBe(
      ['2026-01-01T00:00:00Z stdout F hello', '2026-01-01T00:00:00Z stdout F world', '2026-01-01T00:00:00Z stderr P oops', ''].join('\n'),
    );
    expect(readFileSync(join(logDirectory, 'quiet/0.log'), 'utf8')).toBe('');
  });

  it('writes no log file without a log directory', async () => {
    const { rt } = setup();
    const sb = await rt.runPodSandbox(sandboxConfig());
    const c = await rt.createContainer(sb, containerConfig('app', { logPath: 'app/0.log' }), sandboxConfig());
    expect((await rt.containerStatus(c)).status?.logPath).toBe('');
  });

  it('writes the termination message into the file mounted at the termination message path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tskube-fake-cri-'));
    dirs.push(dir);
    const hostPath = join(dir, 'termination-log');
    writeFileSync(hostPath, '');
    const { rt, clock } = setup();
    const sb = await rt.runPodSandbox(sandboxConfig());
    const c = await rt.createContainer(
      sb,
      containerConfig('app', {
        envs: [
          { key: FakeEnv.ExitCode, value: '2' },
          { key: FakeEnv.TerminationMessage, value: 'bad config' },
        ],
        annotations: { 'io.kubernetes.container.terminationMessagePath': '/dev/termination-log' },
        mounts: [{ containerPath: '/dev/termination-log', hostPath }],
      }),
      sandboxConfig(),
    );
    await rt.startContainer(c);
    await advance(clock, 0);
    await rt.flush();
    expect((await rt.containerStatus(c)).status?.exitCode).toBe(2);
    expect(readFileSync(hostPath, 'utf8')).toBe('bad config');
    expect(existsSync(hostPath)).toBe(true);
  });
});

describe('FakeRuntime images and status', () => {
  it('has the project images, pulls any other name at once, and fails names containing notfound', async () => {
    const { rt } = setup({ imagesAlwaysPresent: false });
    const tags = (await rt.listImages()).flatMap((i) => i.repoTags);
    expect(tags).toEqual(expect.arrayContaining(['registry.tskube.local/pause:3.9', 'docker.io/library/busybox:1.35', 'docker.io/library/nginx:latest']));
    expect((await rt.imageStatus({ image: 'redis:7' })).image).toBeUndefined();
    const ref = await rt.pullImage({ image: 'redis:7' });
    expect(ref).toMatch(/^sha256:/);
    const status = await rt.imageStatus({ image: 'docker.io/library/redis:7' });
    expect(status.image?.id).toBe(ref);
    expect(status.image?.repoTags).toEqual(['docker.io/library/redis:7']);
    expect((await rt.imageStatus({ image: ref })).image?.id).toBe(ref);
    await expectCriError(
      rt.pullImage({ image: 'example.com/notfound:1' }),
      CriErrorCode.NotFound,
      /failed to pull and unpack image "example\.com\/notfound:1": failed to resolve reference "example\.com\/notfound:1": example\.com\/notfound:1: not found/,
    );
    await rt.removeImage({ image: 'redis:7' });
    expect((await rt.imageStatus({ image: 'redis:7' })).image).toBeUndefined();
    await expect(rt.removeImage({ image: 'redis:7' })).resolves.toBeUndefined();
    const sb = await rt.runPodSandbox(sandboxConfig());
    await expectCriError(rt.createContainer(sb, containerConfig('app', { image: { image: 'redis:7' } }), sandboxConfig()), CriErrorCode.NotFound, /failed to resolve image "redis:7"/);
  });

  it('counts every valid image as present by default, but never a notfound one', async () => {
    const { rt } = setup();
    expect((await rt.imageStatus({ image: 'quay.io/org/tool:v2' })).image?.repoTags).toEqual(['quay.io/org/tool:v2']);
    expect((await rt.imageStatus({ image: 'quay.io/org/notfound:v2' })).image).toBeUndefined();
    expect((await rt.listImages({ image: { image: 'quay.io/org/tool:v2' } })).length).toBe(1);
  });

  it('reports its version and conditions, which tests can change', async () => {
    const { rt } = setup();
    expect(await rt.version()).toMatchObject({ runtimeName: 'fakeRuntime', runtimeVersion: '0.1.0', runtimeApiVersion: 'v1' });
    const ready = (await rt.status()).status?.conditions ?? [];
    expect(ready.map((c) => [c.type, c.status])).toEqual([
      ['RuntimeReady', true],
      ['NetworkReady', true],
    ]);
    rt.setCondition('NetworkReady', false, 'NetworkPluginNotReady', 'Network plugin returns error: cni plugin not initialized');
    const after = (await rt.status()).status?.conditions ?? [];
    expect(after[1]).toEqual({ type: 'NetworkReady', status: false, reason: 'NetworkPluginNotReady', message: 'Network plugin returns error: cni plugin not initialized' });
  });
});
