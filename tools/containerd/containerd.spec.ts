import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash, randomBytes } from 'node:crypto';
import { cri } from '@tskube/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CriClient, CriError, CriErrorCode } from '../../apps/kubelet/src/cri/index';
import { ensureImages } from '../images/build.mjs';
import { BUSYBOX_IMAGE, PAUSE_IMAGE } from '../images/names.mjs';
import { ContainerdStartError, SANDBOX_IMAGE, startContainerd, type Containerd } from './containerd';

// Against the real containerd (Debian's, with its CRI plugin) and runc, as the kubelet will use
// them: started by startContainerd in temporary directories, driven through the kubelet's CriClient.

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Whether `pid` is gone (or a zombie waiting to be reaped, which runs nothing any more). */
function dead(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

/** Live containerd-shim processes serving the containerd on `socket`. */
function shimsOf(socket: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (argv[0]?.includes('containerd-shim') && argv.includes(socket) && !dead(Number(entry))) pids.push(Number(entry));
  }
  return pids;
}

/** Where containerd 1.6 puts the socket of the shim serving sandbox `id` of the containerd on `socket`. */
function shimSocket(socket: string, id: string): string {
  return `/run/containerd/s/${createHash('sha256').update(`${socket}/k8s.io/${id}`).digest('hex')}`;
}

/** Mount points below `dir`. */
function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((mountPoint) => mountPoint.startsWith(`${dir}/`));
}

/** Polls `check` until it holds; the effect awaited (a process exiting) has no event to wait on. */
async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The pid of a container's main process, from containerd's verbose status. */
async function containerPid(client: CriClient, id: string): Promise<number> {
  const { info } = await client.containerStatus(id, true);
  return (JSON.parse(info['info'] ?? '{}') as { pid: number }).pid;
}

async function loadImages(containerd: Containerd): Promise<void> {
  await ensureImages({ address: containerd.socket, snapshotter: containerd.snapshotter, outDir: join(containerd.dataDir, 'images'), only: ['pause', 'busybox'] });
}

/** A pod sandbox; with the host's network (hence no hostname of its own) where no CNI is set up. */
function sandboxConfig(name: string, logDirectory: string, hostNetwork = false) {
  return {
    metadata: { name, namespace: 'default', uid: `uid-${name}`, attempt: 0 },
    hostname: hostNetwork ? '' : name,
    logDirectory,
    ...(hostNetwork ? { linux: { securityContext: { namespaceOptions: { network: cri.NamespaceMode.NODE } } } } : {}),
  };
}

function conditions(status: cri.StatusResponse): Record<string, boolean> {
  return Object.fromEntries((status.status?.conditions ?? []).map((c) => [c.type, c.status]));
}

describe('containerd started by startContainerd in a temporary directory', () => {
  let containerd: Containerd;
  let client: CriClient;
  // A bridge of its own and a random /24, so that parallel runs and a local cluster never share one.
  const bridge = `tsk${randomBytes(3).toString('hex')}`;
  const subnet = `10.234.${randomBytes(1)[0]}.0/24`;

  beforeAll(async () => {
    containerd = await startContainerd();
    client = new CriClient({ endpoint: containerd.endpoint, requestTimeoutMs: 30_000 });
    await loadImages(containerd);
  });

  afterAll(async () => {
    client?.close();
    await containerd?.stop();
    spawnSync('ip', ['link', 'delete', bridge], { stdio: 'ignore' });
  });

  it('serves CRI on <dataDir>/containerd/containerd.sock, configured with the project pause image', () => {
    expect(containerd.endpoint).toBe(`unix://${containerd.dataDir}/containerd/containerd.sock`);
    expect(containerd.sandboxImage).toBe(SANDBOX_IMAGE);
    expect(SANDBOX_IMAGE).toBe(PAUSE_IMAGE);
    expect(readFileSync(containerd.paths.config, 'utf8')).toContain(`sandbox_image = "${PAUSE_IMAGE}"`);
  });

  it('answers Version as containerd speaking CRI v1', async () => {
    expect(await client.version()).toMatchObject({ runtimeName: 'containerd', runtimeApiVersion: 'v1' });
  });

  it('reports RuntimeReady, and NetworkReady once a CNI conflist is in its conf dir', async () => {
    expect(conditions(await client.status())['RuntimeReady']).toBe(true);
    const conflist = {
      cniVersion: '0.4.0',
      name: 'tskube-test',
      plugins: [
        { type: 'bridge', bridge, isGateway: true, ipam: { type: 'host-local', ranges: [[{ subnet }]], dataDir: join(containerd.dataDir, 'cni', 'ipam') } },
        { type: 'loopback' },
      ],
    };
    writeFileSync(join(containerd.paths.cniConfDir, '10-tskube-test.conflist'), JSON.stringify(conflist));
    await eventually(async () => conditions(await client.status())['NetworkReady'] === true, 'NetworkReady is true');
  });

  it('lists the images imported into the k8s.io namespace', async () => {
    const tags = (await client.listImages()).flatMap((i) => i.repoTags);
    expect(tags).toEqual(expect.arrayContaining([PAUSE_IMAGE, BUSYBOX_IMAGE]));
    const status = await client.imageStatus({ image: BUSYBOX_IMAGE });
    expect(status.image?.id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(status.image!.size).toBeGreaterThan(0n);
    expect((await client.imageStatus({ image: 'docker.io/library/absent:1' })).image).toBeUndefined();
  });

  it('fails to pull an image no registry serves, with a CriError naming it', async () => {
    // .invalid never resolves (RFC 2606): the failure needs no network and cannot flake on one.
    const err = await client.pullImage({ image: 'registry.invalid/tskube/missing:1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CriError);
    expect((err as CriError).method).toBe('ImageService/PullImage');
    expect((err as CriError).message).toContain('registry.invalid/tskube/missing:1');
  });

  it('runs busybox echo hello in a pod sandbox and writes its output to the CRI log file', async () => {
    const logs = join(containerd.dataDir, 'pods', 'echo');
    const config = sandboxConfig('echo', logs);
    const sandboxId = await client.runPodSandbox(config);
    const sandbox = await client.podSandboxStatus(sandboxId);
    expect(sandbox.status?.state).toBe(cri.PodSandboxState.SANDBOX_READY);
    expect(sandbox.status?.network?.ip).toMatch(new RegExp(`^${subnet.split('.').slice(0, 3).join('\\.')}\\.`));

    const id = await client.createContainer(sandboxId, { metadata: { name: 'echo' }, image: { image: BUSYBOX_IMAGE }, command: ['echo', 'hello'], logPath: 'echo/0.log' }, config);
    await client.startContainer(id);
    await eventually(async () => (await client.containerStatus(id)).status?.state === cri.ContainerState.CONTAINER_EXITED, 'the container exited');
    const { status } = await client.containerStatus(id);
    expect(status).toMatchObject({ exitCode: 0, reason: 'Completed', logPath: join(logs, 'echo/0.log') });
    // Both set; not ordered: containerd 1.6 stamps startedAt after StartContainer returns, which
    // can be later than the exit of a process as short-lived as echo.
    expect(status!.startedAt).toBeGreaterThanOrEqual(status!.createdAt);
    expect(status!.finishedAt).toBeGreaterThan(status!.createdAt);
    // CRI's log format: <RFC 3339 nano time> <stream> <P|F tag> <line>.
    expect(readFileSync(status!.logPath, 'utf8')).toMatch(/^\S+Z stdout F hello\n$/);

    await client.removeContainer(id);
    await client.stopPodSandbox(sandboxId);
    await client.removePodSandbox(sandboxId);
    expect((await client.listPodSandbox({ id: sandboxId })).length).toBe(0);
  });

  it('runs ExecSync in a running container and stops it with SIGTERM', async () => {
    const config = sandboxConfig('exec', join(containerd.dataDir, 'pods', 'exec'), true);
    const sandboxId = await client.runPodSandbox(config);
    const id = await client.createContainer(sandboxId, { metadata: { name: 'sleeper' }, image: { image: BUSYBOX_IMAGE }, command: ['sleep', '3600'], logPath: 'sleeper/0.log' }, config);
    await client.startContainer(id);
    expect((await client.listContainers({ podSandboxId: sandboxId })).map((c) => c.id)).toEqual([id]);

    const res = await client.execSync(id, ['sh', '-c', 'echo out; echo err >&2; exit 3'], 10);
    expect(res).toEqual({ stdout: Buffer.from('out\n'), stderr: Buffer.from('err\n'), exitCode: 3 });

    // The pod shares one PID namespace (CRI's default), so sleep is not its init and dies of SIGTERM.
    await client.stopContainer(id, 10);
    const { status } = await client.containerStatus(id);
    expect(status?.state).toBe(cri.ContainerState.CONTAINER_EXITED);
    expect(status?.exitCode).toBe(128 + 15);
    await client.removePodSandbox(sandboxId);
  });

  it('answers NotFound for a container or sandbox it does not have', async () => {
    await expect(client.containerStatus('0123456789abcdef')).rejects.toMatchObject({ code: CriErrorCode.NotFound });
    await expect(client.podSandboxStatus('0123456789abcdef')).rejects.toMatchObject({ code: CriErrorCode.NotFound });
  });
});

describe('startContainerd lifecycle', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'tskube-ctd-'));
    dirs.push(d);
    return d;
  };

  it('stop() leaves no shim, container or mount behind and removes the temporary directory', async () => {
    const containerd = await startContainerd();
    const client = new CriClient({ endpoint: containerd.endpoint });
    try {
      await loadImages(containerd);
      const config = sandboxConfig('stop', join(containerd.dataDir, 'pods'), true);
      const sandboxId = await client.runPodSandbox(config);
      const id = await client.createContainer(sandboxId, { metadata: { name: 'c' }, image: { image: BUSYBOX_IMAGE }, command: ['sleep', '3600'], logPath: 'c/0.log' }, config);
      await client.startContainer(id);
      const workload = await containerPid(client, id);
      const shims = shimsOf(containerd.socket);
      expect(shims.length).toBe(1);
      expect(existsSync(shimSocket(containerd.socket, sandboxId))).toBe(true);
      expect(mountsUnder(containerd.paths.dir).length).toBeGreaterThan(0);

      await containerd.stop();
      expect(dead(containerd.pid)).toBe(true);
      expect([workload, ...shims].filter((pid) => !dead(pid))).toEqual([]);
      expect(mountsUnder(containerd.paths.dir)).toEqual([]);
      expect(existsSync(shimSocket(containerd.socket, sandboxId))).toBe(false);
      expect(existsSync(containerd.dataDir)).toBe(false);
      expect(await containerd.exited).toBe(0);
    } finally {
      client.close();
      await containerd.stop();
    }
  });

  it('keeps the images of a given data directory across restarts', async () => {
    const dataDir = tempDir();
    const first = await startContainerd({ dataDir });
    await loadImages(first);
    await first.stop();
    expect(existsSync(join(dataDir, 'containerd', 'root'))).toBe(true);

    const second = await startContainerd({ dataDir });
    const client = new CriClient({ endpoint: second.endpoint });
    try {
      expect((await client.listImages()).flatMap((i) => i.repoTags)).toContain(BUSYBOX_IMAGE);
    } finally {
      client.close();
      await second.stop();
    }
  });

  it('refuses to start a second containerd on a data directory that one serves', async () => {
    const dataDir = tempDir();
    const containerd = await startContainerd({ dataDir });
    try {
      await expect(startContainerd({ dataDir })).rejects.toThrow(ContainerdStartError);
      await expect(startContainerd({ dataDir })).rejects.toThrow(/already serves/);
    } finally {
      await containerd.stop();
    }
  });

  it('explains a containerd that cannot start', async () => {
    const err = await startContainerd({ dataDir: tempDir(), bin: '/bin/false', startTimeoutMs: 5000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ContainerdStartError);
    expect((err as Error).message).toMatch(/exited during start-up \(status 1\)/);
  });

  it('dies with the process that started it, taking its shims and containers along', async () => {
    const dataDir = tempDir();
    const cli = spawn(process.execPath, ['--import', 'tsx', 'tools/containerd/cli.ts', '--data-dir', dataDir], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    cli.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    cli.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const endpoint = await new Promise<string>((resolve, reject) => {
      cli.stdout.on('data', () => {
        const line = output.split('\n').find((l) => l.startsWith('unix://'));
        if (line) resolve(line);
      });
      cli.once('exit', (code) => reject(new Error(`cli exited (${code}): ${output}`)));
    });
    const socket = endpoint.slice('unix://'.length);
    const containerdPid = Number(/pid (\d+)/.exec(output)?.[1]);
    const client = new CriClient({ endpoint });
    try {
      await ensureImages({ address: socket, outDir: join(dataDir, 'images'), only: ['pause', 'busybox'] });
      const config = sandboxConfig('orphan', join(dataDir, 'pods'), true);
      const sandboxId = await client.runPodSandbox(config);
      const id = await client.createContainer(sandboxId, { metadata: { name: 'c' }, image: { image: BUSYBOX_IMAGE }, command: ['sleep', '3600'], logPath: 'c/0.log' }, config);
      await client.startContainer(id);
      const workload = await containerPid(client, id);
      const shims = shimsOf(socket);
      expect(shims.length).toBe(1);
      expect(existsSync(shimSocket(socket, sandboxId))).toBe(true);

      cli.kill('SIGKILL');
      await eventually(() => [containerdPid, workload, ...shims].every(dead), 'containerd, its shim and its container are gone');
      await eventually(() => mountsUnder(join(dataDir, 'containerd')).length === 0, 'its mounts are gone');
      await eventually(() => !existsSync(shimSocket(socket, sandboxId)), "the shim's socket is gone");
    } finally {
      client.close();
      cli.kill('SIGKILL');
    }
  });
});
