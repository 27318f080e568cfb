/**
 * containerd for the local cluster and the tests: one instance with its own generated config,
 * root, state and socket under a data directory, supervised so that it never outlives the
 * process that started it, and stopped without leaving shims, containers or mounts behind.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, closeSync, constants, existsSync, mkdirSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { cri } from '@tskube/proto';
// The kubelet's own clean-up of the pod cgroups the runtime leaves, for when the kubelet is gone.
import { removePodCgroups } from '../../apps/kubelet/src/pod/pod-dirs';
import { PAUSE_IMAGE } from '../images/names.mjs';
import { containerdConfig, containerdPaths, Snapshotter, type ContainerdPaths } from './config';

/** The sandbox image containerd is configured with unless told otherwise: the project's pause image. */
export const SANDBOX_IMAGE: string = PAUSE_IMAGE;

/** Debian's containernetworking-plugins install the CNI plugins here. */
export const DEFAULT_CNI_BIN_DIR = '/usr/lib/cni';

export interface StartContainerdOptions {
  /**
   * Directory whose `containerd/` and `cni/net.d/` hold this containerd's everything. Given: it
   * is created if missing and kept after stop, so a containerd started on it again finds its
   * images. Undefined: a fresh temporary directory, removed on stop.
   */
  dataDir?: string;
  /** Where the temporary directory is made when `dataDir` is undefined; default os.tmpdir(). */
  tmpRoot?: string;
  /** The CRI plugin's `sandbox_image`; default SANDBOX_IMAGE. */
  sandboxImage?: string;
  /** Default: overlayfs when an overlay mount works in the data directory, else native. */
  snapshotter?: Snapshotter;
  /** Where the CNI plugin binaries are; default /usr/lib/cni. */
  cniBinDir?: string;
  /** The containerd binary. Default: $CONTAINERD_BIN, else `containerd` on PATH, else /usr/bin/containerd. */
  bin?: string;
  /** containerd's --log-level; default info. */
  logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  /** How long to wait for the CRI service to answer; default 30 s. */
  startTimeoutMs?: number;
  /** How long containerd may take to exit after SIGTERM before it is killed; default 10 s. */
  stopTimeoutMs?: number;
  /**
   * Whether stop() first stops and removes every pod sandbox through CRI, so that their network
   * set-up (CNI DEL: IP addresses, host ports) is undone as a kubelet would. Default true.
   * Without it (or when containerd no longer answers), stop() still kills every container and
   * shim and unmounts their filesystems, but leaves CNI state to the next start.
   */
  removePodsOnStop?: boolean;
}

export interface Containerd {
  /** The CRI endpoint, `unix://<socket>`: the kubelet's `--container-runtime-endpoint`. */
  readonly endpoint: string;
  /** The socket's path (for `ctr --address`). */
  readonly socket: string;
  /** The containerd process id (not its supervisor's). */
  readonly pid: number;
  /** The data directory (given or temporary). */
  readonly dataDir: string;
  /** Where this containerd keeps its config, root, state, log and CNI configuration. */
  readonly paths: ContainerdPaths;
  /** The snapshotter in use: images must be imported (`ctr images import --snapshotter`) for it. */
  readonly snapshotter: Snapshotter;
  /** The CRI plugin's sandbox image. */
  readonly sandboxImage: string;
  /** The CNI plugin binaries' directory. */
  readonly cniBinDir: string;
  /**
   * Resolves with containerd's exit status once it has exited and its shims, containers and
   * mounts are gone (null: killed by a signal), whether through stop() or on its own.
   */
  readonly exited: Promise<number | null>;
  /**
   * Stops containerd: removes the pod sandboxes (see removePodsOnStop), SIGTERMs containerd (and
   * SIGKILLs it after stopTimeoutMs), then kills the shims it started with their containers and
   * unmounts what they left. Resolves once all that is done and a temporary data directory is
   * removed. Idempotent: later calls return the same promise.
   */
  stop(): Promise<void>;
}

const startErrorBrand = Symbol.for('tskube.ContainerdStartError');

/** containerd could not be started (missing binary, socket already served, CRI not answering in time). */
export class ContainerdStartError extends Error {
  override readonly name = 'ContainerdStartError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    Object.defineProperty(this, startErrorBrand, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[startErrorBrand] === true;
  }
}

/**
 * containerd runs under a shell supervisor that holds the read end of a pipe from this process.
 * When this process goes away for any reason (SIGKILL included) the pipe reaches EOF and the
 * supervisor SIGTERMs containerd, SIGKILLing it after a grace period. Once containerd has exited
 * it cleans up what containerd deliberately leaves running (shims survive it so that a restarted
 * containerd can re-adopt them): every shim whose command line names this containerd's socket
 * (`-address <socket>`), with all its descendants (the containers), then every mount below the
 * containerd directory (rootfs overlays, sandbox /dev/shm, network namespaces). stop() takes the
 * same path, so there is one cleanup, not two. It finally removes a temporary data directory.
 *
 * Positional parameters: socket, containerd directory, directory to remove (empty: none), log
 * file, grace seconds, then the containerd command line. The supervisor prints containerd's pid
 * first and then lets go of its stdout and stderr: once this process is gone, writing there
 * would kill it with SIGPIPE before it could clean up.
 */
const SUPERVISOR = `
socket="$1"; scope="$2"; remove="$3"; log="$4"; grace="$5"; shift 5
exec 3<&0
"$@" </dev/null >>"$log" 2>&1 &
pid=$!
echo "$pid"
exec >/dev/null 2>&1
(
  read -r _line <&3
  kill -TERM "$pid"
  ticks=$((grace * 10))
  while [ "$ticks" -gt 0 ] && kill -0 "$pid"; do sleep 0.1; ticks=$((ticks - 1)); done
  kill -KILL "$pid"
) &
watchdog=$!
wait "$pid"
status=$?
kill "$watchdog"

shims=
ids=
for dir in /proc/[0-9]*; do
  case "$(tr '\\0' '\\n' < "$dir/cmdline" | head -n 1)" in *containerd-shim*) ;; *) continue ;; esac
  tr '\\0' '\\n' < "$dir/cmdline" | grep -qxF -- "$socket" || continue
  shims="$shims \${dir#/proc/}"
  set -- $(tr '\\0' ' ' < "$dir/cmdline")
  ns=; id=
  while [ $# -gt 1 ]; do case "$1" in -namespace) ns=$2 ;; -id) id=$2 ;; esac; shift; done
  ids="$ids $ns/$id"
done
if [ -n "$shims" ]; then
  table=$(for stat in /proc/[0-9]*/stat; do
    read -r line < "$stat" || continue
    set -- \${line##*) }
    p=\${stat#/proc/}
    echo "\${p%/stat} $2"
  done)
  victims=$shims
  frontier=$shims
  while [ -n "$frontier" ]; do
    frontier=$(printf '%s\\n' "$table" | awk -v set=" $frontier " 'index(set, " " $2 " ") { print $1 }' | tr '\\n' ' ')
    frontier=$(echo $frontier)
    victims="$victims $frontier"
  done
  kill -KILL $victims
  # A killed shim leaves its socket, /run/containerd/s/<sha256 of socket/namespace/id>, and CNI
  # keeps the result of each sandbox's set-up; a temporary data directory will never need them.
  for nsid in $ids; do
    rm -f "/run/containerd/s/$(printf '%s' "$socket/$nsid" | sha256sum | cut -d ' ' -f 1)"
    [ -n "$remove" ] && rm -f /var/lib/cni/results/*-"\${nsid#*/}"-*
  done
fi
awk -v d="$scope/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r | while read -r m; do
  umount -l "$(printf '%b' "$m")"
done
[ -n "$remove" ] && rm -rf -- "$remove"
exit $status
`;

function findContainerd(explicit: string | undefined): string {
  if (explicit) return explicit;
  if (process.env['CONTAINERD_BIN']) return process.env['CONTAINERD_BIN'];
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'containerd');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this PATH entry
    }
  }
  return '/usr/bin/containerd';
}

/** Whether something accepts connections on the unix socket at `path`. */
export function socketAccepts(path: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = connect({ path });
    const done = (ok: boolean) => {
      socket.destroy();
      resolvePromise(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Whether an overlay mount works in `dir` (a filesystem overlayfs cannot stack on, or a kernel or
 * sandbox that refuses the mount, means no). Probes with a real mount, as containerd's overlayfs
 * snapshotter would otherwise fail to load and take the CRI plugin down with it.
 */
export function overlayWorks(dir: string): boolean {
  const probe = mkdtempSync(join(dir, '.overlay-probe-'));
  try {
    const [lower, upper, work, merged] = ['lower', 'upper', 'work', 'merged'].map((d) => join(probe, d)) as [string, string, string, string];
    for (const d of [lower, upper, work, merged]) mkdirSync(d);
    const mounted = spawnSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${lower},upperdir=${upper},workdir=${work}`, merged], { stdio: 'ignore' });
    if (mounted.status !== 0) return false;
    spawnSync('umount', [merged], { stdio: 'ignore' });
    return true;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

/**
 * Whether a child of this process may lower its OOM score adjustment (needs CAP_SYS_RESOURCE).
 * When it may not, containerd must be told to restrict containers' scores to its own.
 */
export function canLowerOomScore(): boolean {
  const r = spawnSync('/bin/sh', ['-c', 'read v < /proc/self/oom_score_adj; [ "$v" -le -1000 ] || echo $((v - 1)) > /proc/self/oom_score_adj'], { stdio: 'ignore' });
  return r.status === 0;
}

/** The last bytes containerd logged since `offset`: enough to explain a failed start. */
function logTail(path: string, offset: number): string {
  try {
    const size = statSync(path).size;
    const start = Math.max(offset, size - 4096);
    const buf = Buffer.alloc(size - start);
    const fd = openSync(path, 'r');
    try {
      readSync(fd, buf, 0, buf.length, start);
    } finally {
      closeSync(fd);
    }
    return buf.toString('utf8').trim();
  } catch {
    return '';
  }
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    let buffered = '';
    const stdout = child.stdout!;
    stdout.setEncoding('utf8');
    const onData = (chunk: string) => {
      buffered += chunk;
      const newline = buffered.indexOf('\n');
      if (newline >= 0) {
        stdout.off('data', onData);
        resolvePromise(buffered.slice(0, newline).trim());
      }
    };
    stdout.on('data', onData);
    child.once('exit', () => reject(new ContainerdStartError('containerd supervisor exited before reporting a pid')));
  });
}

type Unary<Req, Res> = (request: Req, metadata: Metadata, options: { deadline: number }, callback: (err: ServiceError | null, res: Res) => void) => unknown;

function unary<Req, Res>(client: cri.RuntimeServiceClient, fn: Unary<Req, Res>, request: Req, timeoutMs: number): Promise<Res> {
  return new Promise((resolvePromise, reject) => {
    fn.call(client, request, new Metadata(), { deadline: Date.now() + timeoutMs }, (err, res) => (err ? reject(err) : resolvePromise(res)));
  });
}

/** Whether the CRI service on the socket answers Version. */
async function criAnswers(socket: string): Promise<boolean> {
  const client = new cri.RuntimeServiceClient(`unix://${socket}`, credentials.createInsecure());
  try {
    await unary(client, client.version, { version: '0.1.0' }, 1000);
    return true;
  } catch {
    return false;
  } finally {
    client.close();
  }
}

/** Stops and removes every pod sandbox, best effort: a sandbox that fails is left to the kill. */
async function removeAllPods(socket: string, timeoutMs: number): Promise<void> {
  const client = new cri.RuntimeServiceClient(`unix://${socket}`, credentials.createInsecure());
  try {
    const { items } = await unary(client, client.listPodSandbox, { filter: undefined }, timeoutMs);
    await Promise.allSettled(
      items.map(async ({ id }) => {
        await unary(client, client.stopPodSandbox, { podSandboxId: id }, timeoutMs);
        await unary(client, client.removePodSandbox, { podSandboxId: id }, timeoutMs);
      }),
    );
    const uids = [...new Set(items.map((s) => s.metadata?.uid).filter((u): u is string => !!u))];
    // The runtime lets go of a pod's cgroups a moment after its sandbox is removed.
    for (let attempt = 0; attempt < 20 && uids.length > 0; attempt++) {
      const free = await Promise.all(uids.map((uid) => removePodCgroups(uid)));
      const busy = uids.filter((_, i) => !free[i]);
      if (busy.length === 0) break;
      uids.splice(0, uids.length, ...busy);
      await delay(100);
    }
  } catch {
    // containerd no longer answers: the supervisor's kill and unmount still run.
  } finally {
    client.close();
  }
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts containerd on its own generated config and resolves once its CRI service answers. The
 * caller must stop() it; if the calling process exits or dies first, containerd, its shims and
 * its containers are killed anyway. Refuses to start when a containerd already serves the data
 * directory's socket.
 */
export async function startContainerd(options: StartContainerdOptions = {}): Promise<Containerd> {
  const removeDir = options.dataDir === undefined ? mkdtempSync(join(options.tmpRoot ?? tmpdir(), 'tskube-containerd-')) : undefined;
  const dataDir = resolve(options.dataDir ?? removeDir!);
  try {
    return await startIn(dataDir, removeDir, options);
  } catch (err) {
    if (removeDir) rmSync(removeDir, { recursive: true, force: true });
    throw err;
  }
}

async function startIn(dataDir: string, removeDir: string | undefined, options: StartContainerdOptions): Promise<Containerd> {
  // The supervisor finds mounts by path in /proc/self/mountinfo, which escapes whitespace.
  if (/[\s\\]/.test(dataDir)) throw new ContainerdStartError(`data directory ${JSON.stringify(dataDir)}: whitespace and backslashes are not supported`);
  const paths = containerdPaths(dataDir);
  // Beyond this, containerd's own ttrpc socket (<socket>.ttrpc) no longer fits in sockaddr_un.
  if (Buffer.byteLength(paths.socket) > 100) throw new ContainerdStartError(`socket path ${paths.socket} is too long for a unix socket; use a shorter data directory`);
  mkdirSync(paths.dir, { recursive: true, mode: 0o711 });
  mkdirSync(paths.cniConfDir, { recursive: true });
  if (existsSync(paths.socket) && (await socketAccepts(paths.socket))) {
    throw new ContainerdStartError(`a containerd already serves ${paths.socket}`);
  }

  const sandboxImage = options.sandboxImage ?? SANDBOX_IMAGE;
  const cniBinDir = options.cniBinDir ?? DEFAULT_CNI_BIN_DIR;
  const snapshotter = options.snapshotter ?? (overlayWorks(paths.dir) ? Snapshotter.Overlayfs : Snapshotter.Native);
  writeFileSync(paths.config, containerdConfig({ paths, sandboxImage, snapshotter, cniBinDir, restrictOomScoreAdj: !canLowerOomScore() }));

  const stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
  const graceSeconds = Math.max(1, Math.ceil(stopTimeoutMs / 1000));
  const logOffset = fileSize(paths.log);
  const command = [findContainerd(options.bin), '--config', paths.config, '--log-level', options.logLevel ?? 'info'];
  const child = spawn('/bin/sh', ['-c', SUPERVISOR, 'containerd-supervisor', paths.socket, paths.dir, removeDir ?? '', paths.log, String(graceSeconds), ...command], {
    detached: true,
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolvePromise) => {
    child.once('exit', (code, signal) => {
      exitCode = code ?? (signal ? null : 0);
      resolvePromise(exitCode);
    });
  });

  let pid: number | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (removePods: boolean): Promise<void> =>
    (stopping ??= (async () => {
      if (exitCode !== undefined) return;
      if (removePods && pid !== undefined) await removeAllPods(paths.socket, Math.max(stopTimeoutMs, 5000));
      if (pid !== undefined) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          // already gone
        }
      }
      // Also the supervisor's cue, should containerd's pid never have been read.
      child.stdin?.end();
      // The supervisor escalates to SIGKILL after the grace period and then cleans up; this
      // margin only guards against a supervisor that hangs itself.
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([exited, new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), graceSeconds * 1000 + 30_000)))]);
      clearTimeout(timer);
      if (outcome === 'timeout' && child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // group already gone
        }
        await exited;
      }
    })());

  try {
    pid = Number(await firstLine(child));
    if (!Number.isInteger(pid) || pid <= 0) throw new ContainerdStartError('containerd supervisor reported a bad pid');
    const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
    for (;;) {
      if (exitCode !== undefined) throw new ContainerdStartError(`containerd exited during start-up (status ${exitCode}): ${logTail(paths.log, logOffset)}`);
      if (existsSync(paths.socket) && (await criAnswers(paths.socket))) break;
      if (Date.now() > deadline) throw new ContainerdStartError(`containerd's CRI service did not answer on ${paths.socket} in time: ${logTail(paths.log, logOffset)}`);
      await delay(50);
    }
  } catch (err) {
    await stop(false);
    if (err instanceof ContainerdStartError) throw err;
    throw new ContainerdStartError(`containerd failed to start: ${logTail(paths.log, logOffset)}`, { cause: err });
  }

  // Once running, neither the child nor its pipe may keep this process alive; the pipe closing
  // when this process ends is exactly what tells the supervisor to clean up.
  child.unref();
  for (const stream of [child.stdin, child.stdout]) (stream as unknown as { unref?: () => void } | null)?.unref?.();
  const removePods = options.removePodsOnStop ?? true;
  return {
    endpoint: `unix://${paths.socket}`,
    socket: paths.socket,
    pid,
    dataDir,
    paths,
    snapshotter,
    sandboxImage,
    cniBinDir,
    exited,
    stop: () => stop(removePods),
  };
}
