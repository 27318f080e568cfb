import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePorts } from './ports';

export interface StartEtcdOptions {
  /**
   * Directory etcd keeps its data in. Given: it is created if missing and kept after stop, so a
   * second etcd started on it comes back with the data. Undefined: a fresh temporary directory,
   * removed on stop.
   */
  dataDir?: string;
  /** Where the temporary directory is made when `dataDir` is undefined; default os.tmpdir(). */
  tmpRoot?: string;
  /** The etcd binary. Default: $ETCD_BIN, else `etcd` on PATH, else /usr/bin/etcd. */
  bin?: string;
  /** Client port; default a free loopback port. Fixing it lets a restarted etcd keep its endpoint. */
  clientPort?: number;
  /**
   * etcd's --max-request-bytes. Default 4 MiB: above the store's 1.5 MiB value limit, so that
   * limit is enforced by the store layer, not by etcd.
   */
  maxRequestBytes?: number;
  /** etcd's --quota-backend-bytes; default 2 GiB (etcd's own default). */
  quotaBackendBytes?: number;
  /** How long to wait for etcd to report healthy; default 20 s. */
  startTimeoutMs?: number;
  /** How long stop() waits after SIGTERM before it SIGKILLs; default 5 s. */
  stopTimeoutMs?: number;
  /** More etcd flags, appended last. */
  extraArgs?: string[];
}

export interface EtcdServer {
  /** Client URL, `http://127.0.0.1:PORT`: pass it to an etcd3 client as its host. */
  readonly endpoint: string;
  readonly clientPort: number;
  readonly peerPort: number;
  /** The etcd process id (not the supervising shell's). */
  readonly pid: number;
  /** The directory holding etcd's data (`<dir>/member/...`). */
  readonly dataDir: string;
  /**
   * Stops etcd: SIGTERM, then SIGKILL after `stopTimeoutMs`. Resolves once the process is gone and
   * a temporary data directory is removed. Idempotent: later calls return the same promise.
   */
  stop(): Promise<void>;
}

const MiB = 1024 * 1024;

/**
 * etcd runs under a small shell supervisor holding the read end of a pipe from this process. When
 * this process dies for any reason, SIGKILL included, the pipe reaches EOF and the supervisor
 * SIGTERMs etcd, so a crashed or killed test run never leaves an orphan etcd behind; a 'exit'
 * hook alone would miss signals. The supervisor prints etcd's pid first and removes the temporary
 * data directory after etcd exits; it then lets go of its own stdout and stderr, because the shell
 * reports a killed job there and would die of SIGPIPE once this process is gone. Positional parameters: $1 is the directory to remove (empty:
 * none), the rest the etcd command line.
 */
const SUPERVISOR = `
remove="$1"; shift
exec 3<&0
"$@" </dev/null >/dev/null &
pid=$!
echo "$pid"
exec >/dev/null 2>&1
( read -r _line <&3; kill -TERM "$pid" 2>/dev/null ) &
watchdog=$!
wait "$pid"
status=$?
kill "$watchdog" 2>/dev/null
[ -n "$remove" ] && rm -rf -- "$remove"
exit $status
`;

/** Servers still running, so that a process exit kills them even when nobody called stop(). */
const running = new Set<Supervised>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const server of running) server.killNow();
  });
}

function findEtcd(explicit: string | undefined): string {
  if (explicit) return explicit;
  if (process.env['ETCD_BIN']) return process.env['ETCD_BIN'];
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'etcd');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this PATH entry
    }
  }
  return '/usr/bin/etcd';
}

/** One etcd process under its supervisor shell. */
class Supervised {
  readonly exited: Promise<number | null>;
  private stderrTail = '';
  private exitCode: number | null | undefined;
  private stopping: Promise<void> | undefined;

  constructor(
    readonly child: ChildProcess,
    readonly removeDir: string | undefined,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitCode = code ?? (signal ? null : 0);
        running.delete(this);
        resolve(this.exitCode);
      });
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      // Keep only the end: enough to explain a failed start.
      this.stderrTail = (this.stderrTail + chunk).slice(-8192);
    });
    running.add(this);
  }

  get hasExited(): boolean {
    return this.exitCode !== undefined;
  }

  get stderr(): string {
    return this.stderrTail;
  }

  /** Synchronous, for the 'exit' hook: kills the whole process group and removes the data. */
  killNow(): void {
    this.signalGroup('SIGKILL');
    if (this.removeDir) rmSync(this.removeDir, { recursive: true, force: true });
  }

  stop(etcdPid: number | undefined, timeoutMs: number): Promise<void> {
    this.stopping ??= (async () => {
      if (!this.hasExited) {
        if (etcdPid !== undefined) {
          try {
            process.kill(etcdPid, 'SIGTERM');
          } catch {
            // already gone
          }
        }
        // Also the supervisor's cue, in case etcd's pid was never read.
        this.child.stdin?.end();
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), timeoutMs);
        });
        const outcome = await Promise.race([this.exited, timedOut]);
        clearTimeout(timer);
        if (outcome === 'timeout') {
          this.signalGroup('SIGKILL');
          await this.exited;
        }
      }
      running.delete(this);
      if (this.removeDir) rmSync(this.removeDir, { recursive: true, force: true });
    })();
    return this.stopping;
  }

  private signalGroup(signal: NodeJS.Signals): void {
    if (this.child.pid === undefined || this.hasExited) return;
    try {
      // detached: the supervisor leads its own process group, etcd and the watchdog are in it.
      process.kill(-this.child.pid, signal);
    } catch {
      // group already gone
    }
  }
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const stdout = child.stdout!;
    stdout.setEncoding('utf8');
    const onData = (chunk: string) => {
      buffered += chunk;
      const newline = buffered.indexOf('\n');
      if (newline >= 0) {
        stdout.off('data', onData);
        resolve(buffered.slice(0, newline).trim());
      }
    };
    stdout.on('data', onData);
    child.once('exit', () => reject(new Error('etcd supervisor exited before reporting a pid')));
  });
}

async function healthy(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(1000) });
    if (!response.ok) return false;
    const body = (await response.json()) as { health?: string };
    return body.health === 'true';
  } catch {
    return false;
  }
}

async function waitUntilHealthy(endpoint: string, server: Supervised, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.hasExited) throw new EtcdStartError(`etcd exited during start-up: ${server.stderr.trim()}`);
    if (await healthy(endpoint)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new EtcdStartError(`etcd at ${endpoint} not healthy after ${timeoutMs} ms: ${server.stderr.trim()}`);
}

const startErrorBrand = Symbol.for('tskube.EtcdStartError');

/** etcd could not be started (bad binary, port taken, not healthy in time). */
export class EtcdStartError extends Error {
  override readonly name = 'EtcdStartError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    Object.defineProperty(this, startErrorBrand, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[startErrorBrand] === true;
  }
}

async function startOnce(options: StartEtcdOptions, attemptPorts: number[]): Promise<EtcdServer> {
  const [clientPort, peerPort] = attemptPorts as [number, number];
  const removeDir = options.dataDir === undefined ? mkdtempSync(join(options.tmpRoot ?? tmpdir(), 'tskube-etcd-')) : undefined;
  const dataDir = options.dataDir ?? join(removeDir!, 'data');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const client = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const args = [
    '--name', 'default',
    '--data-dir', dataDir,
    '--listen-client-urls', client,
    '--advertise-client-urls', client,
    '--listen-peer-urls', peer,
    '--initial-advertise-peer-urls', peer,
    '--initial-cluster', `default=${peer}`,
    '--initial-cluster-state', 'new',
    '--max-request-bytes', String(options.maxRequestBytes ?? 4 * MiB),
    '--quota-backend-bytes', String(options.quotaBackendBytes ?? 2048 * MiB),
    '--logger', 'zap',
    '--log-level', 'error',
    ...(options.extraArgs ?? []),
  ];
  const child = spawn('/bin/sh', ['-c', SUPERVISOR, 'etcd-supervisor', removeDir ?? '', findEtcd(options.bin), ...args], {
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const server = new Supervised(child, removeDir);
  installExitHook();

  const stopTimeoutMs = options.stopTimeoutMs ?? 5000;
  let pid: number | undefined;
  try {
    pid = Number(await firstLine(child));
    if (!Number.isInteger(pid) || pid <= 0) throw new EtcdStartError(`etcd supervisor reported a bad pid`);
    await waitUntilHealthy(client, server, options.startTimeoutMs ?? 20_000);
  } catch (err) {
    await server.stop(pid, stopTimeoutMs);
    if (err instanceof EtcdStartError) throw err;
    throw new EtcdStartError(`etcd failed to start: ${server.stderr.trim()}`, { cause: err });
  }
  // Once running, neither the child nor its pipes may keep the process alive (during start-up
  // they must, or a caller awaiting only this would see its event loop drain); the exit hook and
  // the supervisor's pipe take care of a forgotten stop().
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as { unref?: () => void } | null)?.unref?.();
  const etcdPid = pid;
  return {
    endpoint: client,
    clientPort,
    peerPort,
    pid: etcdPid,
    dataDir,
    stop: () => server.stop(etcdPid, stopTimeoutMs),
  };
}

/**
 * Starts a single-member etcd on free loopback ports and resolves once it reports healthy. The
 * caller must `stop()` it; if the calling process exits or dies first, etcd is killed anyway.
 * A start that loses its ports to another process is retried on fresh ones.
 */
export async function startEtcd(options: StartEtcdOptions = {}): Promise<EtcdServer> {
  const attempts = 3;
  for (let attempt = 1; ; attempt++) {
    const [a, b] = await freePorts(2);
    const ports = options.clientPort === undefined ? [a!, b!] : [options.clientPort, a!];
    try {
      return await startOnce(options, ports);
    } catch (err) {
      const portTaken = err instanceof EtcdStartError && /address already in use/i.test(err.message);
      if (!portTaken || attempt >= attempts) throw err;
    }
  }
}
