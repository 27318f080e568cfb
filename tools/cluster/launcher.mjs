// Runs a set of components as child processes: logs to <dataDir>/logs/<name>.log, waits for each
// one's /healthz before starting the next, and stops them all (last started first) on a signal
// or when any of them dies.
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export class Launcher {
  /**
   * @param {{ dataDir: string, components: {name:string, command:string, args:string[], healthUrl:string, env?: Record<string,string>}[],
   *           out?: (line: string) => void, readyTimeoutMs?: number, stopTimeoutMs?: number }} options
   */
  constructor(options) {
    if (!options.dataDir) throw new Error('Launcher: dataDir is required');
    this.dataDir = options.dataDir;
    this.components = options.components;
    this.out = options.out ?? ((line) => process.stdout.write(line + '\n'));
    this.readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
    this.stopTimeoutMs = options.stopTimeoutMs ?? 15_000;
    /** @type {{ name: string, child: import('node:child_process').ChildProcess, exited: Promise<number|null>, logPath: string }[]} */
    this.running = [];
    this.stopping = undefined;
    this.failure = undefined;
    this.failed = new Promise((resolve) => (this.onFailure = resolve));
  }

  logDir() {
    return join(this.dataDir, 'logs');
  }

  async start() {
    mkdirSync(this.logDir(), { recursive: true });
    for (const c of this.components) {
      if (await answers(c.healthUrl)) {
        throw new Error(`${c.name}: something already answers at ${c.healthUrl}; is another cluster running?`);
      }
      const started = performance.now();
      const logPath = join(this.logDir(), `${c.name}.log`);
      const fd = openSync(logPath, 'a');
      // stdin is a pipe the child watches (TSKUBE_EXIT_WITH_PARENT): if this launcher dies, even
      // by SIGKILL, the pipe closes and the component shuts down instead of living on as an orphan.
      const child = spawn(c.command, c.args, { stdio: ['pipe', fd, fd], env: { ...process.env, TSKUBE_EXIT_WITH_PARENT: '1', ...c.env } });
      closeSync(fd);
      const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
      const entry = { name: c.name, child, exited, logPath };
      this.running.push(entry);
      exited.then((how) => {
        if (this.stopping) return;
        this.failure = `${c.name} exited unexpectedly (${how}); last log lines:\n${tail(logPath, 15)}`;
        this.onFailure(this.failure);
      });
      await this.waitHealthy(c, entry);
      this.out(`  ${c.name} ready in ${Math.round(performance.now() - started)} ms (pid ${child.pid}, log ${logPath})`);
    }
  }

  async waitHealthy(c, entry) {
    const deadline = Date.now() + this.readyTimeoutMs;
    while (Date.now() < deadline) {
      if (this.failure) throw new Error(this.failure);
      try {
        const res = await fetch(c.healthUrl, { signal: AbortSignal.timeout(1000) });
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`${c.name} did not become healthy at ${c.healthUrl} within ${this.readyTimeoutMs} ms; log: ${entry.logPath}`);
  }

  /** Stops every child, last started first: SIGTERM, then SIGKILL after stopTimeoutMs. Idempotent. */
  stop() {
    this.stopping ??= (async () => {
      for (const entry of [...this.running].reverse()) {
        if (entry.child.exitCode !== null || entry.child.signalCode !== null) continue;
        entry.child.kill('SIGTERM');
        const timer = setTimeout(() => entry.child.kill('SIGKILL'), this.stopTimeoutMs);
        const how = await entry.exited;
        clearTimeout(timer);
        this.out(`  ${entry.name} stopped (${how})`);
      }
    })();
    return this.stopping;
  }
}

async function answers(url) {
  try {
    await fetch(url, { signal: AbortSignal.timeout(500) });
    return true;
  } catch {
    return false;
  }
}

function tail(path, n) {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-n).join('\n');
  } catch {
    return '(no log)';
  }
}
