import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, rmSync, rmdirSync, closeSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePorts } from './ports';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

export interface ApiServerProcess {
  /** REST base URL, `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** gRPC endpoint `127.0.0.1:PORT`, what components take as `--master`. */
  readonly master: string;
  readonly pid: number;
  /** Path of the file the apiserver logs to. */
  readonly logPath: string;
  /** SIGTERM, then SIGKILL after 5 s; removes the data directory. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Builds the apiserver bundle when stale (one builder at a time across test processes) and runs
 * it as its own process on free loopback ports with a fresh embedded store, as components meet it
 * in a real cluster. The process exits with the test process (TSKUBE_EXIT_WITH_PARENT).
 */
export async function startApiServerProcess(options: { extraArgs?: string[] } = {}): Promise<ApiServerProcess> {
  buildOnce('apiserver');
  const dir = mkdtempSync(join(tmpdir(), 'tskube-apiserver-'));
  const [restPort, grpcPort] = await freePorts(2);
  const logPath = join(dir, 'apiserver.log');
  const fd = openSync(logPath, 'a');
  const child = spawn(
    process.execPath,
    [join(root, 'dist/apps/apiserver/main.js'), `--data-dir=${dir}`, `--secure-port=${restPort}`, `--grpc-port=${grpcPort}`, ...(options.extraArgs ?? [])],
    { stdio: ['pipe', fd, fd], env: { ...process.env, TSKUBE_EXIT_WITH_PARENT: '1' } },
  );
  closeSync(fd);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = `http://127.0.0.1:${restPort}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`apiserver exited ${child.exitCode}:\n${readFileSync(logPath, 'utf8')}`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`apiserver not ready in 20 s:\n${readFileSync(logPath, 'utf8')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  let stopping: Promise<void> | undefined;
  return {
    url,
    master: `127.0.0.1:${grpcPort}`,
    pid: child.pid!,
    logPath,
    stop: () =>
      (stopping ??= (async () => {
        if (child.exitCode === null) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
          await exited;
          clearTimeout(timer);
        }
        rmSync(dir, { recursive: true, force: true });
      })()),
  };
}

/** Runs the bundler for `app` if its bundle is stale, holding a lock directory meanwhile. */
export function buildOnce(app: string): void {
  const lock = join(root, 'dist', `.build-${app}.lock`);
  mkdirSync(join(root, 'dist'), { recursive: true });
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`could not take ${lock}`);
      spawnSync('sleep', ['0.1']);
    }
  }
  try {
    const r = spawnSync(process.execPath, [join(root, 'tools/build/bundle.mjs'), '--if-stale', app], { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`building ${app} failed:\n${r.stdout}${r.stderr}`);
  } finally {
    rmdirSync(lock);
  }
}
