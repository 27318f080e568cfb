import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildOnce } from './apiserver';
import { freePort } from './ports';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

export interface ComponentProcess {
  readonly pid: number;
  /** The port of its /healthz and /metrics. */
  readonly healthPort: number;
  /** Path of the file it logs to. */
  readonly logPath: string;
  /** SIGTERM, then SIGKILL after 5 s; resolves with the exit code (null when killed). Idempotent. */
  stop(): Promise<number | null>;
}

/**
 * Builds the bundle of `app` (`controller-manager`, `scheduler`, ...) when stale and runs it as
 * its own process with `args` plus `--secure-port` on a free port, until its /healthz answers 200.
 * The process exits with the test process (TSKUBE_EXIT_WITH_PARENT).
 */
export async function startComponentProcess(app: string, args: string[], options: { readyTimeoutMs?: number } = {}): Promise<ComponentProcess> {
  buildOnce(app);
  const dir = mkdtempSync(join(tmpdir(), `tskube-${app}-`));
  const healthPort = await freePort();
  const logPath = join(dir, `${app}.log`);
  const fd = openSync(logPath, 'a');
  const child = spawn(process.execPath, [join(root, 'dist/apps', app, 'main.js'), ...args, `--secure-port=${healthPort}`], {
    stdio: ['pipe', fd, fd],
    env: { ...process.env, TSKUBE_EXIT_WITH_PARENT: '1' },
  });
  closeSync(fd);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${app} exited ${child.exitCode}:\n${readFileSync(logPath, 'utf8')}`);
    try {
      const res = await fetch(`http://127.0.0.1:${healthPort}/healthz`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${app} not healthy in time:\n${readFileSync(logPath, 'utf8')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  let stopping: Promise<number | null> | undefined;
  return {
    pid: child.pid!,
    healthPort,
    logPath,
    stop: () =>
      (stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
          const code = await exited;
          clearTimeout(timer);
          rmSync(dir, { recursive: true, force: true });
          return code;
        }
        rmSync(dir, { recursive: true, force: true });
        return child.exitCode;
      })()),
  };
}
