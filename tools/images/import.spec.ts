// The images against a real containerd (Debian's, with runc), started for this file in a temp
// directory with its own root, state and socket, and torn down with every shim it spawned.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImages, ensureImages, type BuiltImage } from './build.mjs';
import { importImages, listImages } from './import.mjs';
import { BUSYBOX_IMAGE, BUSYBOX_LATEST_IMAGE, CRI_NAMESPACE, NGINX_IMAGE, PAUSE_IMAGE } from './names.mjs';

const exec = promisify(execFile);
const buildScript = new URL('./build.mjs', import.meta.url).pathname;

// Short: the socket path must fit in a sockaddr_un (108 bytes).
const dir = mkdtempSync('/tmp/tskube-ctrd-');
const address = join(dir, 'containerd.sock');
let containerd: ChildProcess | undefined;
let built: BuiltImage[];

async function ctr(...args: string[]): Promise<string> {
  const { stdout } = await exec('ctr', ['--address', address, '--namespace', CRI_NAMESPACE, ...args], { timeout: 30_000 });
  return stdout;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`, { cause: last });
    await new Promise((r) => setTimeout(r, 50));
  }
}

const taskStatus = async (id: string) => new RegExp(`^${id}\\s+\\d+\\s+(\\w+)`, 'm').exec(await ctr('tasks', 'list'))?.[1];

/** Processes whose command line names our socket: the shims containerd started for this test. */
function ourShims(): number[] {
  const pids: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const argv = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
      if (argv.some((a) => a.includes('containerd-shim')) && argv.includes(address)) pids.push(Number(p));
    } catch {
      // Gone while we looked.
    }
  }
  return pids;
}

beforeAll(async () => {
  built = buildImages({ outDir: join(dir, 'images') });
  // The CRI plugin is not what this file tests, and it would want CNI: off.
  writeFileSync(
    join(dir, 'config.toml'),
    [
      'version = 2',
      `root = "${dir}/root"`,
      `state = "${dir}/state"`,
      'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
      '[grpc]',
      `  address = "${address}"`,
      '[ttrpc]',
      `  address = "${address}.ttrpc"`,
      '[plugins."io.containerd.internal.v1.opt"]',
      `  path = "${dir}/opt"`,
      '',
    ].join('\n'),
  );
  const log = openSync(join(dir, 'containerd.log'), 'a');
  containerd = spawn('containerd', ['--config', join(dir, 'config.toml')], { stdio: ['ignore', log, log] });
  containerd.once('error', () => undefined);
  await until('containerd to serve', async () => (await ctr('version')) || undefined, 15_000).catch((err) => {
    throw new Error(`containerd did not start:\n${readFileSync(join(dir, 'containerd.log'), 'utf8').slice(-2000)}`, { cause: err });
  });
});

afterAll(async () => {
  if (containerd?.exitCode === null) {
    // Tasks first, so their shims exit on their own; then containerd; then whatever shim is left.
    const tasks = await ctr('tasks', 'list', '--quiet').catch(() => '');
    for (const id of tasks.split('\n').filter(Boolean)) {
      await ctr('tasks', 'kill', '--signal', 'SIGKILL', id).catch(() => undefined);
      await ctr('tasks', 'delete', '--force', id).catch(() => undefined);
    }
    const containers = await ctr('containers', 'list', '--quiet').catch(() => '');
    for (const id of containers.split('\n').filter(Boolean)) await ctr('containers', 'delete', id).catch(() => undefined);
    const exited = new Promise((r) => containerd!.once('exit', r));
    containerd.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    if (containerd.exitCode === null && containerd.signalCode === null) containerd.kill('SIGKILL');
  }
  for (const pid of ourShims()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  const mounts = readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[1])
    .filter((m) => m?.startsWith(dir + '/'))
    .reverse();
  for (const m of mounts) execFileSync('umount', ['-l', m]);
  rmSync(dir, { recursive: true, force: true });
});

describe('images in containerd', () => {
  it('imports every archive into k8s.io under all its references', async () => {
    const { imported, skipped } = await importImages({ address, archives: built });
    expect(imported).toEqual(['pause', 'busybox', 'nginx']);
    expect(skipped).toEqual([]);
    const refs = await listImages({ address });
    for (const b of built) for (const r of b.refs) expect(refs).toContain(r);
    expect(await ctr('images', 'list')).toMatch(new RegExp(`^${NGINX_IMAGE.replace(/[.]/g, '\\.')}\\s.*linux/amd64`, 'm'));
  });

  it('with --if-missing, imports only what containerd lacks', async () => {
    const out = execFileSync(process.execPath, [buildScript, '--if-missing', '--address', address, '--out', join(dir, 'images2')], { encoding: 'utf8' });
    expect(out.trim().split('\n').sort()).toEqual(['busybox: already in containerd', 'nginx: already in containerd', 'pause: already in containerd']);

    await ctr('images', 'remove', BUSYBOX_LATEST_IMAGE);
    expect(await ensureImages({ address, outDir: join(dir, 'images3') })).toEqual({ imported: ['busybox'], skipped: ['pause', 'nginx'] });
    expect(await listImages({ address })).toContain(BUSYBOX_LATEST_IMAGE);
  });

  it('runs busybox: echo hello', async () => {
    expect(await ctr('run', '--rm', BUSYBOX_IMAGE, 'echo-hello', 'echo', 'hello')).toBe('hello\n');
  });

  it('busybox has its applets in /bin and runs as root', async () => {
    const out = await ctr('run', '--rm', BUSYBOX_LATEST_IMAGE, 'applets', 'sh', '-c', 'which sh httpd wget nslookup tar sleep; id -un; ls -ld /tmp');
    expect(out.split('\n').slice(0, 7)).toEqual(['/bin/sh', '/bin/httpd', '/bin/wget', '/bin/nslookup', '/bin/tar', '/bin/sleep', 'root']);
    expect(out).toMatch(/^drwxrwxrwt .* \/tmp$/m);
  });

  it('runs nginx with its default command: it serves the welcome page, logs to stdout, and stops on SIGQUIT', async () => {
    const logFile = join(dir, 'nginx.log');
    await ctr('run', '--detach', '--log-uri', `file://${logFile}`, NGINX_IMAGE, 'nginx');
    await until('nginx to answer', async () => {
      const page = await ctr('tasks', 'exec', '--exec-id', `wget-${Date.now()}`, 'nginx', 'wget', '-qO-', 'http://127.0.0.1/');
      return page.includes('Welcome to nginx!') ? page : undefined;
    });
    const ps = await ctr('tasks', 'exec', '--exec-id', 'ps', 'nginx', 'ps', '-o', 'user,args');
    expect(ps).toMatch(/^root\s+nginx: master process nginx -g daemon off;$/m);
    expect(ps).toMatch(/^nginx\s+nginx: worker process$/m);
    await until('the access log line', async () => (/"GET \/ HTTP\/1\.1" 200 /.test(readFileSync(logFile, 'utf8')) ? true : undefined));

    await ctr('tasks', 'kill', '--signal', 'SIGQUIT', 'nginx');
    expect(await until('nginx to stop', async () => ((await taskStatus('nginx')) === 'STOPPED' ? true : undefined))).toBe(true);
    await ctr('tasks', 'delete', 'nginx');
    await ctr('containers', 'delete', 'nginx');
  });

  it.each(['SIGTERM', 'SIGINT'])('pause reaps orphans and exits 0 on %s', async (signal) => {
    const id = `pause-${signal.toLowerCase()}`;
    const run = spawn('ctr', ['--address', address, '--namespace', CRI_NAMESPACE, 'run', '--rm', PAUSE_IMAGE, id], { stdio: 'ignore' });
    const exited = new Promise<number | null>((r) => run.once('exit', (code) => r(code)));
    await until('pause to run', async () => ((await taskStatus(id)) === 'RUNNING' ? true : undefined));

    // A process whose parent exits is re-parented to PID 1, here the pause process: it must wait for it.
    const orphan = (await ctr('tasks', 'exec', '--exec-id', 'orphan', id, '/bin/busybox', 'sh', '-c', '/bin/busybox sleep 0.3 & echo $!')).trim();
    expect(orphan).toMatch(/^\d+$/);
    const psLine = async () => {
      const ps = await ctr('tasks', 'exec', '--exec-id', `ps-${Date.now()}`, id, '/bin/busybox', 'ps', '-o', 'pid,stat');
      return ps.split('\n').find((l) => l.trim().split(/\s+/)[0] === orphan);
    };
    await until('the orphan to be reaped', async () => ((await psLine()) === undefined ? true : undefined), 5_000);

    await ctr('tasks', 'kill', '--signal', signal, id);
    expect(await exited).toBe(0);
  });

  it('leaves no task and no shim behind once its containers are removed', async () => {
    expect(await ctr('tasks', 'list', '--quiet')).toBe('');
    expect(await ctr('containers', 'list', '--quiet')).toBe('');
    await until('shims to exit', async () => (ourShims().length === 0 ? true : undefined), 5_000);
  });
});
