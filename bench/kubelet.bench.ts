/**
 * Kubelet benchmark: pod startup latency as Kubernetes' pod startup SLI counts it (from the pod's
 * creation to the watch event showing it Running, and Ready; images already present), with the
 * kubelet's own memory and CPU. Three scenarios, each on a fresh apiserver process (embedded store)
 * and the scheduler bundle as its own process, pods created without a node so the scheduler binds
 * them:
 *
 * - real node: the kubelet bundle as its own process over a private containerd (runc, CNI
 *   bridge), busybox and pause imported beforehand, 30 pods (imagePullPolicy IfNotPresent);
 * - hollow 100: 3,000 pods on 100 hollow kubelets (tools/hollow-nodes, bundled, one process);
 * - hollow 1000: the hollow host's memory and CPU with 1,000 nodes idle, then with 3,000 pods.
 *
 * Prints a table and writes bench/results/kubelet.json. Leaves no process, container, bridge or
 * directory behind.
 *
 *   npm run bench:kubelet                    (full size)
 *   npm run bench:kubelet -- --quick         (fewer pods and nodes; or BENCH_QUICK=1)
 *   npm run bench:kubelet -- --only=real     (some scenarios: real, hollow-100, hollow-1000)
 *   npm run bench:kubelet -- --out=FILE      (another JSON path)
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { corev1 } from '@tskube/api-types';
import { ApiClient, Informer, listWatch, type GroupVersionResource } from '@tskube/client';
import { buildOnce, freePorts, startApiServerProcess, startComponentProcess, type ApiServerProcess, type ComponentProcess } from '@tskube/test-support';
import { startContainerd, type Containerd } from '../tools/containerd/index';
import { bundleHollowNodes } from '../tools/hollow-nodes/bundle';
import { cpuWindow, rssMiB, type CpuWindow } from '../tools/hollow-nodes/proc-usage';
import { ensureImages } from '../tools/images/build.mjs';
import { BUSYBOX_IMAGE } from '../tools/images/names.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PODS: GroupVersionResource = { group: '', version: 'v1', resource: 'pods' };
const NODES: GroupVersionResource = { group: '', version: 'v1', resource: 'nodes' };
const NAMESPACES: GroupVersionResource = { group: '', version: 'v1', resource: 'namespaces' };
/** Kubernetes' pod startup SLO: p99 of create→Running (images pre-pulled) within 5 s. */
const SLO_P99_MS = 5000;

// ---- measuring ------------------------------------------------------------------------------

interface Latency {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

interface ProcessUsage {
  process: string;
  /** Resident memory after the steady window, and the peak over the scenario, MiB. */
  rssMiB: number;
  peakRssMiB: number;
  /** CPU from the first create until every pod was Ready, and over the steady window, % of one core. */
  cpuPercentStartup: number;
  cpuPercentSteady: number;
  /** With no pods (hollow hosts only): after every node registered. */
  idleRssMiB?: number;
  idleCpuPercent?: number;
}

interface ScenarioResult {
  scenario: string;
  nodes: number;
  pods: number;
  running: number;
  ready: number;
  /** Until the watch shows the pod bound: the scheduler's share of the startup time. */
  createToScheduled: Latency;
  createToRunning: Latency;
  createToReady: Latency;
  /** From the watch showing the pod bound until it showed it Running: the kubelet's share. */
  scheduledToRunning: Latency;
  /** Seconds from the first create until the last pod was Ready; creates per second issued. */
  allReadySeconds: number;
  createPerSec: number;
  /** The kubelet process (real node) or the hollow host. */
  kubelet: ProcessUsage;
  apiserver: { rssMiB: number; cpuPercentStartup: number };
  scheduler: { rssMiB: number; cpuPercentStartup: number };
  /** The real node's containerd (its shims and runc not counted). */
  containerd?: { rssMiB: number; cpuPercentStartup: number };
  /** This process (pod creates and the measuring watch) from the first create until all were Ready. */
  benchCpuPercentStartup: number;
  /** Seconds for the nodes to register, Ready (hollow hosts). */
  nodesReadySeconds?: number;
  meetsSlo: boolean;
  error?: string;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function latency(values: number[]): Latency {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), maxMs: sorted.at(-1) ?? NaN };
}

const isReady = (p: corev1.Pod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Watches one namespace's pods (list + watch over gRPC, as the SLI's watch does) and notes, per pod,
 * the moment its first event shows it Running and the first showing it Ready.
 */
class StartupWatch {
  readonly created = new Map<string, number>();
  readonly scheduled = new Map<string, number>();
  readonly running = new Map<string, number>();
  readonly ready = new Map<string, number>();
  private readonly informer: Informer<corev1.Pod>;
  private waiter: (() => void) | undefined;

  constructor(client: ApiClient, namespace: string) {
    this.informer = new Informer<corev1.Pod>({ listerWatcher: listWatch<corev1.Pod>(client, PODS, { namespace }) });
    const seen = (pod: corev1.Pod) => {
      const name = pod.metadata?.name ?? '';
      const now = performance.now();
      if (pod.spec?.nodeName && !this.scheduled.has(name)) this.scheduled.set(name, now);
      if (pod.status?.phase === 'Running' && !this.running.has(name)) this.running.set(name, now);
      if (isReady(pod) && !this.ready.has(name)) this.ready.set(name, now);
      this.waiter?.();
    };
    this.informer.addEventHandler({ onAdd: seen, onUpdate: (_old, pod) => seen(pod) });
  }

  async start(): Promise<void> {
    void this.informer.start();
    await this.informer.waitForSync();
  }

  /** Resolves once `want` pods are Ready; rejects when none progressed for `stallMs`. */
  async allReady(want: number, stallMs: number): Promise<void> {
    let last = this.ready.size;
    let lastAt = performance.now();
    while (this.ready.size < want) {
      await new Promise<void>((r) => {
        this.waiter = r;
        setTimeout(r, 1000);
      });
      if (this.ready.size !== last) {
        last = this.ready.size;
        lastAt = performance.now();
      } else if (performance.now() - lastAt > stallMs) {
        throw new Error(`${this.ready.size} of ${want} pods Ready (${this.running.size} Running); none for ${stallMs / 1000} s`);
      }
    }
    this.waiter = undefined;
  }

  durations(of: Map<string, number>, from: Map<string, number> = this.created): number[] {
    const out: number[] = [];
    for (const [name, at] of of) {
      const t0 = from.get(name);
      if (t0 !== undefined) out.push(at - t0);
    }
    return out;
  }

  stop(): Promise<void> {
    return this.informer.stop();
  }
}

function busyboxPod(name: string, gracePeriodSeconds: number): corev1.Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'kubelet-bench' } },
    spec: {
      terminationGracePeriodSeconds: gracePeriodSeconds,
      containers: [
        {
          name: 'sleep',
          image: BUSYBOX_IMAGE,
          imagePullPolicy: 'IfNotPresent',
          command: ['sleep', '3600'],
          resources: { requests: { cpu: '10m', memory: '16Mi' } },
        },
      ],
    },
  };
}

/** Runs `fn` for 0..count-1 with `concurrency` calls in flight. */
async function pool(count: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await fn(next++);
    }),
  );
}

interface Procs {
  kubelet: { pid: number; name: string };
  apiserver: ApiServerProcess;
  scheduler: ComponentProcess;
  containerd?: { pid: number };
}

/**
 * Creates `count` pods in `namespace` (`concurrency` creates in flight), waits until all are Ready,
 * and measures latencies and the processes' CPU and memory, with `steadyMs` of pods just running.
 */
async function measurePods(
  client: ApiClient,
  procs: Procs,
  o: { scenario: string; nodes: number; namespace: string; count: number; concurrency: number; grace: number; stallMs: number; steadyMs: number },
): Promise<Omit<ScenarioResult, 'kubelet'> & { kubelet: Omit<ProcessUsage, 'idleRssMiB' | 'idleCpuPercent'> }> {
  await client.create(NAMESPACES, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: o.namespace } });
  const watch = new StartupWatch(client, o.namespace);
  await watch.start();
  const cpu: Record<'kubelet' | 'apiserver' | 'scheduler', CpuWindow> = {
    kubelet: cpuWindow(procs.kubelet.pid),
    apiserver: cpuWindow(procs.apiserver.pid),
    scheduler: cpuWindow(procs.scheduler.pid),
  };
  const containerdCpu = procs.containerd ? cpuWindow(procs.containerd.pid) : undefined;
  const bench0 = process.cpuUsage();
  const t0 = performance.now();
  let createdAt = t0;
  let error: string | undefined;
  try {
    await pool(o.count, o.concurrency, async (i) => {
      const name = `pod-${String(i).padStart(5, '0')}`;
      watch.created.set(name, performance.now());
      await client.create(PODS, o.namespace, busyboxPod(name, o.grace));
    });
    createdAt = performance.now();
    await watch.allReady(o.count, o.stallMs);
  } catch (err) {
    error = (err as Error).message;
  }
  const allReadySeconds = (performance.now() - t0) / 1000;
  const startup = { kubelet: cpu.kubelet.percent(), apiserver: cpu.apiserver.percent(), scheduler: cpu.scheduler.percent() };
  const containerdStartup = containerdCpu?.percent();
  const benchCpu = process.cpuUsage(bench0);
  const benchCpuPercentStartup = ((benchCpu.user + benchCpu.system) / 1000 / (allReadySeconds * 1000)) * 100;
  const steady = cpuWindow(procs.kubelet.pid);
  await sleep(o.steadyMs);
  const result = {
    scenario: o.scenario,
    nodes: o.nodes,
    pods: o.count,
    running: watch.running.size,
    ready: watch.ready.size,
    createToScheduled: latency(watch.durations(watch.scheduled)),
    createToRunning: latency(watch.durations(watch.running)),
    createToReady: latency(watch.durations(watch.ready)),
    scheduledToRunning: latency(watch.durations(watch.running, watch.scheduled)),
    allReadySeconds,
    createPerSec: o.count / ((createdAt - t0) / 1000),
    kubelet: {
      process: procs.kubelet.name,
      rssMiB: rssMiB(procs.kubelet.pid),
      peakRssMiB: rssMiB(procs.kubelet.pid, 'VmHWM'),
      cpuPercentStartup: startup.kubelet,
      cpuPercentSteady: steady.percent(),
    },
    apiserver: { rssMiB: rssMiB(procs.apiserver.pid), cpuPercentStartup: startup.apiserver },
    scheduler: { rssMiB: rssMiB(procs.scheduler.pid), cpuPercentStartup: startup.scheduler },
    ...(procs.containerd && containerdStartup !== undefined ? { containerd: { rssMiB: rssMiB(procs.containerd.pid), cpuPercentStartup: containerdStartup } } : {}),
    benchCpuPercentStartup,
    meetsSlo: false,
    ...(error === undefined ? {} : { error }),
  };
  result.meetsSlo = error === undefined && result.createToRunning.p99Ms <= SLO_P99_MS;
  await watch.stop();
  return result;
}

/** Polls until `check` holds; throws `what` after `timeoutMs`. */
async function until(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting until ${what}`);
    await sleep(250);
  }
}

async function readyNodes(client: ApiClient, prefix: string): Promise<number> {
  const nodes = await client.list<corev1.Node>(NODES, '');
  return nodes.items.filter((n) => n.metadata?.name?.startsWith(prefix) && n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
}

/** A child process with its output in a file, stopped with SIGTERM (SIGKILL after `killAfterMs`). */
function spawnLogged(args: string[], logPath: string): { child: ChildProcess; exited: Promise<number | null>; stop(killAfterMs?: number): Promise<number | null> } {
  const fd = openSync(logPath, 'a');
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['pipe', fd, fd], env: { ...process.env, TSKUBE_EXIT_WITH_PARENT: '1' } });
  closeSync(fd);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let stopping: Promise<number | null> | undefined;
  return {
    child,
    exited,
    stop: (killAfterMs = 30_000) =>
      (stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        const code = await exited;
        clearTimeout(timer);
        return code;
      })()),
  };
}

function tail(path: string, lines = 30): string {
  try {
    return readFileSync(path, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

// ---- scenario 1: one real node --------------------------------------------------------------

async function realNode(pods: number, steadyMs: number): Promise<ScenarioResult> {
  const dir = mkdtempSync(join(tmpdir(), 'tskube-bench-kubelet-'));
  const bridge = `tkb${randomBytes(3).toString('hex')}`;
  const podCIDR = `10.${200 + (randomBytes(1)[0]! % 50)}.${randomBytes(1)[0]}.0/24`;
  const nodeName = `bench-node-${randomBytes(3).toString('hex')}`;
  let containerd: Containerd | undefined;
  let api: ApiServerProcess | undefined;
  let scheduler: ComponentProcess | undefined;
  let kubelet: ReturnType<typeof spawnLogged> | undefined;
  let client: ApiClient | undefined;
  const logPath = join(dir, 'kubelet.log');
  try {
    buildOnce('kubelet');
    [containerd, api] = await Promise.all([startContainerd({ dataDir: join(dir, 'containerd') }), startApiServerProcess()]);
    await ensureImages({ address: containerd.socket, snapshotter: containerd.snapshotter, outDir: join(dir, 'images'), only: ['pause', 'busybox'] });
    client = new ApiClient({ master: api.master });
    const [healthz, port] = await freePorts(2);
    kubelet = spawnLogged(
      [
        join(root, 'dist/apps/kubelet/main.js'),
        `--master=${api.master}`,
        `--hostname-override=${nodeName}`,
        `--root-dir=${join(dir, 'kubelet')}`,
        `--pod-logs-dir=${join(dir, 'pod-logs')}`,
        `--container-runtime-endpoint=${containerd.endpoint}`,
        `--cni-conf-dir=${containerd.paths.cniConfDir}`,
        `--cni-bridge-name=${bridge}`,
        `--pod-cidr=${podCIDR}`,
        `--port=${port}`,
        `--healthz-port=${healthz}`,
      ],
      logPath,
    );
    const c = client;
    await until(async () => (await readyNodes(c, nodeName)) === 1, `node ${nodeName} is Ready:\n${tail(logPath)}`, 60_000);
    scheduler = await startComponentProcess('scheduler', [`--master=${api.master}`, '--leader-elect=false']);
    const result = await measurePods(client, { kubelet: { pid: kubelet.child.pid!, name: 'kubelet (dist bundle, containerd)' }, apiserver: api, scheduler, containerd }, {
      scenario: 'real node',
      nodes: 1,
      namespace: 'bench-real',
      count: pods,
      concurrency: 10,
      grace: 1,
      stallMs: 120_000,
      steadyMs,
    });
    if (result.error) result.error += `\n${tail(logPath)}`;
    // Drained as a node is: the kubelet stops and removes the containers before it goes.
    await pool(pods, 16, async (i) => {
      await client!.delete(PODS, 'bench-real', `pod-${String(i).padStart(5, '0')}`).catch(() => undefined);
    });
    await until(async () => (await c.list(PODS, 'bench-real')).items.length === 0, 'the kubelet removed every pod', 120_000).catch((err: unknown) => {
      process.stderr.write(`  ${(err as Error).message}\n`);
    });
    return result;
  } finally {
    await scheduler?.stop();
    await kubelet?.stop();
    client?.close();
    await containerd?.stop();
    await api?.stop();
    spawnSync('ip', ['link', 'delete', bridge], { stdio: 'ignore' });
    const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .map((l) => l.split(' ')[4] ?? '')
      .filter((m) => m.startsWith(`${dir}/`))
      .sort()
      .reverse();
    for (const m of mounts) spawnSync('umount', ['-l', m], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- scenarios 2 and 3: hollow nodes ---------------------------------------------------------

async function hollow(scenario: string, nodes: number, pods: number, o: { steadyMs: number; idleMs: number; bundle: string }): Promise<ScenarioResult> {
  const dir = mkdtempSync(join(tmpdir(), 'tskube-bench-hollow-'));
  const prefix = `h${nodes}`;
  let api: ApiServerProcess | undefined;
  let scheduler: ComponentProcess | undefined;
  let host: ReturnType<typeof spawnLogged> | undefined;
  let client: ApiClient | undefined;
  const logPath = join(dir, 'hollow-nodes.log');
  try {
    api = await startApiServerProcess();
    client = new ApiClient({ master: api.master });
    const [healthz] = await freePorts(1);
    const t0 = performance.now();
    host = spawnLogged(
      [o.bundle, `--master=${api.master}`, `--count=${nodes}`, `--name-prefix=${prefix}`, `--healthz-port=${healthz}`, `--root-dir=${join(dir, 'nodes')}`, '--cpu=32', '--memory=128Gi'],
      logPath,
    );
    const c = client;
    await until(async () => (await fetch(`http://127.0.0.1:${healthz}/healthz`)).status === 200, `the hollow host is healthy:\n${tail(logPath)}`, 300_000);
    await until(async () => (await readyNodes(c, `${prefix}-`)) === nodes, `${nodes} hollow nodes are Ready`, 120_000);
    const nodesReadySeconds = (performance.now() - t0) / 1000;
    // Idle: registered, leases renewed, status loops and relists running, no pods.
    await sleep(Math.min(5000, o.idleMs));
    const idle = cpuWindow(host.child.pid!);
    await sleep(o.idleMs);
    const idleCpuPercent = idle.percent();
    const idleRssMiB = rssMiB(host.child.pid!);
    scheduler = await startComponentProcess('scheduler', [`--master=${api.master}`, '--leader-elect=false']);
    const result = await measurePods(client, { kubelet: { pid: host.child.pid!, name: `hollow-nodes (${nodes} kubelets, one process)` }, apiserver: api, scheduler }, {
      scenario,
      nodes,
      namespace: 'bench-hollow',
      count: pods,
      concurrency: 32,
      grace: 0,
      stallMs: 120_000,
      steadyMs: o.steadyMs,
    });
    if (result.error) result.error += `\n${tail(logPath)}`;
    return { ...result, kubelet: { ...result.kubelet, idleRssMiB, idleCpuPercent }, nodesReadySeconds };
  } finally {
    await scheduler?.stop();
    const code = await host?.stop(60_000);
    if (host && code !== 0) process.stderr.write(`  hollow-nodes exited ${code}:\n${tail(logPath)}\n`);
    client?.close();
    await api?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- report ---------------------------------------------------------------------------------

const fmt = (v: number | undefined, digits = 0) => (v !== undefined && Number.isFinite(v) ? v.toFixed(digits) : '-');

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const SCENARIOS = ['real', 'hollow-100', 'hollow-1000'] as const;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean' }, only: { type: 'string' }, out: { type: 'string' } }, strict: true });
  const quick = values.quick === true || process.env['BENCH_QUICK'] === '1';
  const only = values.only?.split(',').map((s) => s.trim());
  for (const s of only ?? []) if (!(SCENARIOS as readonly string[]).includes(s)) throw new Error(`--only=${values.only}: unknown scenario ${s} (${SCENARIOS.join(', ')})`);
  const want = (s: (typeof SCENARIOS)[number]) => only === undefined || only.includes(s);
  const out = resolve(values.out ?? join(root, 'bench/results/kubelet.json'));
  const sizes = quick
    ? { realPods: 5, hollowNodes: 10, hollowPods: 200, scaleNodes: 50, scalePods: 150, steadyMs: 3000, idleMs: 3000 }
    : { realPods: 30, hollowNodes: 100, hollowPods: 3000, scaleNodes: 1000, scalePods: 3000, steadyMs: 10_000, idleMs: 20_000 };

  const began = performance.now();
  const results: ScenarioResult[] = [];
  const run = async (name: string, fn: () => Promise<ScenarioResult>) => {
    process.stderr.write(`${name} ...\n`);
    const r = await fn();
    results.push(r);
    process.stderr.write(r.error ? `  failed: ${r.error}\n` : `  ${r.ready}/${r.pods} Ready, create→Running p99 ${fmt(r.createToRunning.p99Ms)} ms\n`);
  };
  if (want('real')) await run(`real node: ${sizes.realPods} busybox pods`, () => realNode(sizes.realPods, sizes.steadyMs));
  if (want('hollow-100') || want('hollow-1000')) {
    const bundle = await bundleHollowNodes();
    const h = { steadyMs: sizes.steadyMs, idleMs: sizes.idleMs, bundle };
    if (want('hollow-100')) await run(`hollow: ${sizes.hollowPods} pods on ${sizes.hollowNodes} nodes`, () => hollow(`hollow ${sizes.hollowNodes}`, sizes.hollowNodes, sizes.hollowPods, h));
    if (want('hollow-1000')) await run(`hollow: ${sizes.scalePods} pods on ${sizes.scaleNodes} nodes`, () => hollow(`hollow ${sizes.scaleNodes}`, sizes.scaleNodes, sizes.scalePods, h));
  }

  const setup =
    'Each scenario: a fresh apiserver process (embedded store) and the scheduler bundle as its own process; pods created over gRPC without a node ' +
    '(real node: 10 creates in flight, hollow: 32); latency from issuing a pod\'s create to the first watch event showing it Running (and Ready). ' +
    'Kubelet CPU is % of one core from the first create until every pod was Ready (startup) and over a window with the pods just running (steady).';
  console.log(`\nPod startup latency (${quick ? 'quick' : 'full size'}; ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')})`);
  console.log(setup);
  console.log(
    table(
      ['scenario', 'nodes', 'pods', 'Running', 'Ready', 'bound p50/p99 ms', 'Running p50/p99 ms', 'Ready p50/p99 ms', 'bound→Running p50/p99', 'all Ready s', 'kubelet RSS MiB', 'kubelet CPU % start/steady', 'idle RSS MiB / CPU %', 'CPU % apisrv/sched/bench', 'SLO p99≤5s'],
      results.map((r) => [
        r.scenario,
        String(r.nodes),
        String(r.pods),
        String(r.running),
        String(r.ready),
        `${fmt(r.createToScheduled.p50Ms)}/${fmt(r.createToScheduled.p99Ms)}`,
        `${fmt(r.createToRunning.p50Ms)}/${fmt(r.createToRunning.p99Ms)}`,
        `${fmt(r.createToReady.p50Ms)}/${fmt(r.createToReady.p99Ms)}`,
        `${fmt(r.scheduledToRunning.p50Ms)}/${fmt(r.scheduledToRunning.p99Ms)}`,
        fmt(r.allReadySeconds, 1),
        fmt(r.kubelet.rssMiB),
        `${fmt(r.kubelet.cpuPercentStartup)}/${fmt(r.kubelet.cpuPercentSteady, 1)}`,
        r.kubelet.idleRssMiB === undefined ? '-' : `${fmt(r.kubelet.idleRssMiB)} / ${fmt(r.kubelet.idleCpuPercent, 1)}`,
        `${fmt(r.apiserver.cpuPercentStartup)}/${fmt(r.scheduler.cpuPercentStartup)}/${fmt(r.benchCpuPercentStartup)}`,
        r.meetsSlo ? 'yes' : 'no',
      ]),
    ),
  );
  for (const r of results) {
    if (r.containerd) console.log(`${r.scenario}: containerd ${fmt(r.containerd.cpuPercentStartup)}% CPU until all Ready (shims and runc not counted), ${fmt(r.containerd.rssMiB)} MiB`);
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: cpus().length, quick, setup, sloP99Ms: SLO_P99_MS, elapsedSeconds: (performance.now() - began) / 1000, scenarios: results }, null, 2) +
      '\n',
  );
  console.log(`\nwritten to ${out}`);
  if (results.some((r) => r.error !== undefined || r.running < r.pods)) process.exitCode = 1;
}

await main();
