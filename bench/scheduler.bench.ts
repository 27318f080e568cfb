/**
 * Scheduler benchmark in the manner of Kubernetes' scheduler_perf: for each workload a fresh
 * apiserver process (embedded store), hollow nodes from tools/hollow, and the scheduler bundle as
 * its own process, as in a cluster. Pods are created through the components' gRPC client while
 * the scheduler runs; one watch over all pods times each pod from its ADDED event to the first
 * event that shows it bound. Reports pods/s (average over the measured phase, and the p50 of
 * one-second windows, as scheduler_perf's SchedulingThroughput) and the p50/p99 creation-to-bound
 * latency; prints a table and writes bench/results/scheduler.json.
 *
 *   npm run bench:scheduler                       (all five workloads, full size)
 *   npm run bench:scheduler -- --quick            (a tenth of the size; or BENCH_QUICK=1)
 *   npm run bench:scheduler -- --only=a,c         (some workloads)
 *   npm run bench:scheduler -- --cpu-prof=DIR     (V8 CPU profiles of the scheduler and apiserver)
 *   npm run bench:scheduler -- --out=FILE         (another JSON path)
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { corev1 } from '@tskube/api-types';
import { ApiClient, type GroupVersionResource } from '@tskube/client';
import { freePort, startApiServerProcess, type ApiServerProcess } from '@tskube/test-support';
import { createHollowNodes } from '../tools/hollow/hollow-nodes';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PODS: GroupVersionResource = { group: '', version: 'v1', resource: 'pods' };
const NAMESPACES: GroupVersionResource = { group: '', version: 'v1', resource: 'namespaces' };
const PRIORITY_CLASSES: GroupVersionResource = { group: 'scheduling.k8s.io', version: 'v1', resource: 'priorityclasses' };
/** Creates in flight at once, as a controller-manager with a generous QPS would keep. */
const CREATE_CONCURRENCY = 32;
/** A workload gives up when no pod got bound for this long. */
const STALL_MS = 90_000;

// ---- workloads --------------------------------------------------------------------------------

/** Kubernetes' scheduler_perf figure for the closest workload, and where it is published. */
interface Reference {
  workload: string;
  /** pods/s: the CI job's floor (`threshold`), and measured averages where someone published them. */
  thresholdPodsPerSec?: number;
  measured?: string;
  source: string;
}

interface Workload {
  id: string;
  name: string;
  nodes: number;
  /** Zones the nodes are spread over (topology.kubernetes.io/zone), round robin. */
  zones?: string[];
  priorityClasses?: Record<string, number>;
  /** Pods created and bound before measuring (namespace sched-0). */
  initPods?: number;
  initPod?: (i: number) => corev1.Pod;
  /** The measured pods (namespace sched-1). */
  pods: number;
  pod: (i: number, w: Workload) => corev1.Pod;
  reference: Reference;
}

/** scheduler_perf's pod-default: one pause container asking for 100m and 500Mi. */
function pausePod(name: string, cpu = '100m', extra: Partial<corev1.PodSpec> = {}, labels?: Record<string, string>): corev1.Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, ...(labels ? { labels } : {}) },
    spec: {
      containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10', ports: [{ containerPort: 80 }], resources: { requests: { cpu, memory: '500Mi' }, limits: { cpu, memory: '500Mi' } } }],
      ...extra,
    },
  };
}

const MISC = 'kubernetes/kubernetes test/integration/scheduler_perf/misc/performance-config.yaml';
const basicReference: Reference = {
  workload: 'SchedulingBasic/5000Nodes_10000Pods',
  thresholdPodsPerSec: 680,
  measured: 'avg 1147-1153, p50 1173-1190 pods/s (a developer machine, kubernetes/kubernetes PR #128023)',
  source: `${MISC} (threshold); github.com/kubernetes/kubernetes/pull/128023 (measured)`,
};

function workloads(scale: number): Workload[] {
  const n = (count: number) => Math.max(1, Math.round(count * scale));
  return [
    {
      id: 'a',
      name: 'basic 1k nodes',
      nodes: n(1000),
      pods: n(10_000),
      pod: (i) => pausePod(`pod-${i}`),
      reference: { ...basicReference, measured: `${basicReference.measured}; scheduler_perf has no 1000-node SchedulingBasic performance case` },
    },
    {
      id: 'b',
      name: 'basic 5k nodes',
      nodes: n(5000),
      pods: n(10_000),
      pod: (i) => pausePod(`pod-${i}`),
      reference: basicReference,
    },
    {
      // scheduler_perf's SchedulingPodAntiAffinity: every pod repels the pods of its own label
      // group per hostname. Groups of half as many pods as there are nodes, so that all fit.
      id: 'c',
      name: 'required anti-affinity',
      nodes: n(1000),
      pods: n(5000),
      pod: (i, w) => {
        const group = `group-${Math.floor(i / Math.max(1, Math.floor(w.nodes / 2)))}`;
        return pausePod(
          `anti-affinity-pod-${i}`,
          '100m',
          { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { color: group } }, topologyKey: 'kubernetes.io/hostname' }] } } },
          { color: group },
        );
      },
      reference: {
        workload: 'SchedulingPodAntiAffinity/5000Nodes_2000Pods',
        thresholdPodsPerSec: 60,
        source: 'kubernetes/kubernetes test/integration/scheduler_perf/affinity/performance-config.yaml',
      },
    },
    {
      // scheduler_perf's TopologySpreading: three zones, maxSkew 5 over zones, DoNotSchedule.
      id: 'd',
      name: 'topology spread (zones)',
      nodes: n(1000),
      zones: ['moon-1', 'moon-2', 'moon-3'],
      pods: n(5000),
      pod: (i) =>
        pausePod(
          `spreading-pod-${i}`,
          '100m',
          { topologySpreadConstraints: [{ maxSkew: 5, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { color: 'blue' } } }] },
          { color: 'blue' },
        ),
      reference: {
        workload: 'TopologySpreading/5000Nodes_5000Pods',
        thresholdPodsPerSec: 460,
        source: 'kubernetes/kubernetes test/integration/scheduler_perf/topology_spreading/performance-config.yaml',
      },
    },
    {
      // scheduler_perf's PreemptionBasic: four low-priority pods of 900m fill each 4-CPU node;
      // each high-priority pod of 3 CPUs must evict three of them.
      id: 'e',
      name: 'preemption',
      nodes: n(1000),
      priorityClasses: { low: 0, high: 10 },
      initPods: n(4000),
      initPod: (i) => pausePod(`low-${i}`, '900m', { priorityClassName: 'low', terminationGracePeriodSeconds: 0 }),
      pods: n(500),
      pod: (i) => pausePod(`high-${i}`, '3000m', { priorityClassName: 'high' }),
      reference: {
        workload: 'PreemptionBasic/1000Nodes (4000 low, 1000 high)',
        measured: 'no published figure: the case runs without a threshold (labels performance, short)',
        source: MISC,
      },
    },
  ];
}

// ---- processes --------------------------------------------------------------------------------

interface SchedulerProcess {
  pid: number;
  metricsUrl: string;
  stop(): Promise<void>;
}

/** Bundles the scheduler when stale, under the same lock directory the test harness uses. */
function buildScheduler(): void {
  const lock = join(root, 'dist', '.build-scheduler.lock');
  mkdirSync(join(root, 'dist'), { recursive: true });
  const deadline = Date.now() + 120_000;
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
    const r = spawnSync(process.execPath, [join(root, 'tools/build/bundle.mjs'), '--if-stale', 'scheduler'], { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`building the scheduler failed:\n${r.stdout}${r.stderr}`);
  } finally {
    rmdirSync(lock);
  }
}

/** The scheduler bundle as its own process, without leader election, ready once its caches synced. */
async function startSchedulerProcess(master: string): Promise<SchedulerProcess> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'tskube-bench-scheduler-'));
  const logPath = join(dir, 'scheduler.log');
  const fd = openSync(logPath, 'a');
  const child: ChildProcess = spawn(process.execPath, [join(root, 'dist/apps/scheduler/main.js'), `--master=${master}`, '--leader-elect=false', `--secure-port=${port}`], {
    stdio: ['pipe', fd, fd],
    env: { ...process.env, TSKUBE_EXIT_WITH_PARENT: '1' },
  });
  closeSync(fd);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`scheduler exited ${child.exitCode}:\n${readFileSync(logPath, 'utf8')}`);
    const res = await fetch(`${base}/readyz`).catch(() => undefined);
    if (res?.status === 200) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`scheduler not ready in 60 s:\n${readFileSync(logPath, 'utf8')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    pid: child.pid!,
    metricsUrl: `${base}/metrics`,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        // Its shutdown hooks are bounded by 10 s each; a CPU profile is written after them.
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** CPU seconds (user + system) a process has used so far, from /proc; NaN where there is none. */
function cpuSeconds(pid: number): number {
  try {
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** scheduler_schedule_attempts_total by result, from the scheduler's /metrics. */
async function scheduleAttempts(metricsUrl: string): Promise<Record<string, number>> {
  const text = await (await fetch(metricsUrl)).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^scheduler_schedule_attempts_total\{([^}]*)\} (\S+)$/gm)) {
    const result = /result="([^"]*)"/.exec(m[1]!)?.[1] ?? '';
    out[result] = (out[result] ?? 0) + Number(m[2]);
  }
  return out;
}

// ---- measuring --------------------------------------------------------------------------------

interface PodTimes {
  added?: number;
  bound?: number;
}

/**
 * One watch over every pod of the cluster, from `resourceVersion`: when each pod was first seen
 * (ADDED) and first seen with a node, and how many pods of each namespace were deleted.
 */
class PodTracker {
  readonly times = new Map<string, PodTimes>();
  readonly boundIn = new Map<string, number>();
  readonly deletedIn = new Map<string, number>();
  lastBoundAt = performance.now();
  private readonly stream;
  private readonly done: Promise<void>;
  private waiters: (() => void)[] = [];

  constructor(client: ApiClient, resourceVersion: string) {
    this.stream = client.watch<corev1.Pod>(PODS, '', { resourceVersion });
    this.done = this.consume();
  }

  private async consume(): Promise<void> {
    try {
      for await (const ev of this.stream) {
        const now = performance.now();
        if (ev.type === 'ERROR') throw ev.error;
        if (ev.type === 'BOOKMARK') continue;
        const ns = ev.object.metadata?.namespace ?? '';
        const key = `${ns}/${ev.object.metadata?.name ?? ''}`;
        if (ev.type === 'DELETED') {
          this.deletedIn.set(ns, (this.deletedIn.get(ns) ?? 0) + 1);
          continue;
        }
        let t = this.times.get(key);
        if (t === undefined) this.times.set(key, (t = {}));
        t.added ??= now;
        if (t.bound === undefined && ev.object.spec?.nodeName) {
          t.bound = now;
          this.lastBoundAt = now;
          this.boundIn.set(ns, (this.boundIn.get(ns) ?? 0) + 1);
          for (const w of this.waiters.splice(0)) w();
        }
      }
    } finally {
      for (const w of this.waiters.splice(0)) w();
    }
  }

  /** Resolves once `count` pods of `ns` are bound; rejects when none got bound for `stallMs`. */
  async waitBound(ns: string, count: number, stallMs: number): Promise<void> {
    while ((this.boundIn.get(ns) ?? 0) < count) {
      const idle = performance.now() - this.lastBoundAt;
      if (idle > stallMs) throw new Error(`only ${this.boundIn.get(ns) ?? 0} of ${count} pods in ${ns} bound; none for ${Math.round(idle / 1000)} s`);
      await new Promise<void>((r) => {
        const timer = setTimeout(r, 1000);
        this.waiters.push(() => {
          clearTimeout(timer);
          r();
        });
      });
    }
  }

  async close(): Promise<void> {
    this.stream.close();
    await this.done.catch(() => undefined);
  }
}

/** Creates `count` pods in `ns`, CREATE_CONCURRENCY at a time. */
async function createPods(client: ApiClient, ns: string, count: number, make: (i: number) => corev1.Pod): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await client.create(PODS, ns, make(i));
    }
  };
  await Promise.all(Array.from({ length: Math.min(CREATE_CONCURRENCY, count) }, worker));
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export interface WorkloadResult {
  id: string;
  name: string;
  nodes: number;
  initPods: number;
  pods: number;
  bound: number;
  /** Bound pods over the time from the first create to the last binding. */
  podsPerSecAvg: number;
  /** The median of the pods bound per one-second window of the measured phase. */
  podsPerSecP50: number;
  windows: number[];
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** How fast the bench got the measured pods created; throughput cannot exceed it. */
  createPerSec: number;
  seconds: number;
  /** CPU seconds each process used during the measured phase. */
  cpuSeconds: { apiserver: number; scheduler: number; bench: number };
  /** Low-priority pods deleted by preemption (workload e). */
  preempted?: number;
  scheduleAttempts: Record<string, number>;
  loadavg1m: { before: number; after: number };
  reference: Reference;
  error?: string;
}

async function runWorkload(w: Workload, options: { cpuProfDir?: string }): Promise<WorkloadResult> {
  const before = loadavg()[0]!;
  // Both processes inherit NODE_OPTIONS; the preload profiles only component bundles.
  const saved = { options: process.env['NODE_OPTIONS'], dir: process.env['TSKUBE_CPU_PROF_DIR'] };
  if (options.cpuProfDir) {
    process.env['NODE_OPTIONS'] = [saved.options, `--import=${pathToFileURL(join(root, 'tools/hollow/cpu-profile.mjs')).href}`].filter(Boolean).join(' ');
    process.env['TSKUBE_CPU_PROF_DIR'] = options.cpuProfDir;
  }
  const restoreEnv = () => {
    for (const [name, value] of [['NODE_OPTIONS', saved.options], ['TSKUBE_CPU_PROF_DIR', saved.dir]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  let apiserver: ApiServerProcess;
  try {
    apiserver = await startApiServerProcess();
  } catch (err) {
    restoreEnv();
    throw err;
  }
  const client = new ApiClient({ master: apiserver.master, fieldManager: 'scheduler-bench' });
  let scheduler: SchedulerProcess | undefined;
  let tracker: PodTracker | undefined;
  const result: WorkloadResult = {
    id: w.id,
    name: w.name,
    nodes: w.nodes,
    initPods: w.initPods ?? 0,
    pods: w.pods,
    bound: 0,
    podsPerSecAvg: NaN,
    podsPerSecP50: NaN,
    windows: [],
    latencyP50Ms: NaN,
    latencyP99Ms: NaN,
    createPerSec: NaN,
    seconds: NaN,
    scheduleAttempts: {},
    cpuSeconds: { apiserver: NaN, scheduler: NaN, bench: NaN },
    loadavg1m: { before, after: NaN },
    reference: w.reference,
  };
  try {
    for (const ns of ['sched-0', 'sched-1']) await client.create(NAMESPACES, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    for (const [name, value] of Object.entries(w.priorityClasses ?? {})) {
      await client.create(PRIORITY_CLASSES, '', { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value });
    }
    await createHollowNodes(apiserver.url, { count: w.nodes, cpu: '4', memory: '32Gi', pods: 110, ...(w.zones ? { zones: w.zones } : {}), concurrency: 32 });
    scheduler = await startSchedulerProcess(apiserver.master);
    restoreEnv();
    const { resourceVersion } = await client.list(PODS, '', { limit: 1 });
    tracker = new PodTracker(client, resourceVersion);

    if (w.initPods && w.initPod) {
      await createPods(client, 'sched-0', w.initPods, w.initPod);
      await tracker.waitBound('sched-0', w.initPods, STALL_MS);
    }

    const cpuBefore = { apiserver: cpuSeconds(apiserver.pid), scheduler: cpuSeconds(scheduler.pid), bench: process.cpuUsage() };
    const start = performance.now();
    await createPods(client, 'sched-1', w.pods, (i) => w.pod(i, w));
    const created = performance.now();
    result.createPerSec = w.pods / ((created - start) / 1000);
    try {
      await tracker.waitBound('sched-1', w.pods, STALL_MS);
    } catch (err) {
      result.error = (err as Error).message;
    }
    const benchCpu = process.cpuUsage(cpuBefore.bench);
    result.cpuSeconds = {
      apiserver: cpuSeconds(apiserver.pid) - cpuBefore.apiserver,
      scheduler: cpuSeconds(scheduler.pid) - cpuBefore.scheduler,
      bench: (benchCpu.user + benchCpu.system) / 1e6,
    };

    const latencies: number[] = [];
    const boundAt: number[] = [];
    for (const [key, t] of tracker.times) {
      if (!key.startsWith('sched-1/') || t.bound === undefined) continue;
      boundAt.push(t.bound);
      if (t.added !== undefined) latencies.push(t.bound - t.added);
    }
    const last = Math.max(...boundAt);
    const seconds = (last - start) / 1000;
    // Pods bound per one-second window from the first create; the last, partial window counts as
    // a rate over its length, as scheduler_perf's throughput collector counts its final sample.
    const whole = Math.floor(seconds);
    const counts = new Array<number>(whole + 1).fill(0);
    for (const b of boundAt) counts[Math.min(whole, Math.floor((b - start) / 1000))]!++;
    const partial = seconds - whole;
    const windows = counts.slice(0, whole);
    if (partial > 0.1 || whole === 0) windows.push(counts[whole]! / Math.max(partial, 0.001));
    else windows[whole - 1]! += counts[whole]!;
    Object.assign(result, {
      bound: boundAt.length,
      seconds,
      podsPerSecAvg: boundAt.length / seconds,
      podsPerSecP50: percentile(windows, 50),
      windows: windows.map((x) => Math.round(x)),
      latencyP50Ms: percentile(latencies, 50),
      latencyP99Ms: percentile(latencies, 99),
      ...(w.initPods ? { preempted: tracker.deletedIn.get('sched-0') ?? 0 } : {}),
      scheduleAttempts: await scheduleAttempts(scheduler.metricsUrl),
    });
  } catch (err) {
    result.error = (err as Error).stack ?? String(err);
  } finally {
    restoreEnv();
    await tracker?.close();
    await scheduler?.stop();
    client.close();
    await apiserver.stop();
    result.loadavg1m.after = loadavg()[0]!;
  }
  return result;
}

// ---- output -----------------------------------------------------------------------------------

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const fmt = (v: number, digits = 0) => (Number.isFinite(v) ? v.toFixed(digits) : '-');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean' }, only: { type: 'string' }, out: { type: 'string' }, 'cpu-prof': { type: 'string' } },
    strict: true,
  });
  const quick = values.quick === true || process.env['BENCH_QUICK'] === '1';
  const scale = quick ? 0.1 : 1;
  const only = values.only?.split(',').map((s) => s.trim());
  const selected = workloads(scale).filter((w) => only === undefined || only.includes(w.id));
  if (selected.length === 0) throw new Error(`--only=${values.only ?? ''} names no workload (a, b, c, d, e)`);
  const out = resolve(values.out ?? join(root, 'bench/results/scheduler.json'));
  const cpuProfDir = values['cpu-prof'] ? resolve(values['cpu-prof']) : undefined;
  if (cpuProfDir) mkdirSync(cpuProfDir, { recursive: true });

  buildScheduler();
  const began = performance.now();
  const results: WorkloadResult[] = [];
  for (const w of selected) {
    process.stderr.write(`workload ${w.id} (${w.name}): ${w.nodes} nodes, ${w.initPods ? `${w.initPods} init pods, ` : ''}${w.pods} pods ...\n`);
    const r = await runWorkload(w, cpuProfDir ? { cpuProfDir } : {});
    results.push(r);
    process.stderr.write(r.error ? `  failed: ${r.error}\n` : `  ${fmt(r.podsPerSecAvg)} pods/s, p99 ${fmt(r.latencyP99Ms)} ms\n`);
  }

  const setup =
    'apiserver and scheduler each run as their own process (dist bundles), as in a cluster: the scheduler gets its own event loop and binds over gRPC, ' +
    'so the numbers include the binding and watch path; an in-process scheduler would share this process with the pod creators and the measuring watch.';
  console.log(`\nScheduler throughput (${quick ? 'quick: a tenth of the size' : 'full size'}; ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')})`);
  console.log(setup);
  console.log(
    table(
      ['', 'workload', 'nodes', 'pods', 'bound', 'pods/s avg', 'pods/s p50', 'p50 ms', 'p99 ms', 'created/s', 'CPU s apisrv/sched/bench', 'load 1m', 'scheduler_perf (pods/s)'],
      results.map((r) => [
        r.id,
        r.name,
        String(r.nodes),
        r.initPods ? `${r.initPods}+${r.pods}` : String(r.pods),
        String(r.bound),
        fmt(r.podsPerSecAvg),
        fmt(r.podsPerSecP50),
        fmt(r.latencyP50Ms),
        fmt(r.latencyP99Ms),
        fmt(r.createPerSec),
        `${fmt(r.cpuSeconds.apiserver, 1)}/${fmt(r.cpuSeconds.scheduler, 1)}/${fmt(r.cpuSeconds.bench, 1)}`,
        `${r.loadavg1m.before.toFixed(1)}-${r.loadavg1m.after.toFixed(1)}`,
        `${r.reference.workload}: ${r.reference.thresholdPodsPerSec !== undefined ? `floor ${r.reference.thresholdPodsPerSec}` : 'no floor'}`,
      ]),
    ),
  );
  console.log('\nscheduler_perf references:');
  for (const r of results) console.log(`  ${r.id}: ${r.reference.workload}${r.reference.thresholdPodsPerSec !== undefined ? `, CI threshold ${r.reference.thresholdPodsPerSec} pods/s` : ''}${r.reference.measured ? `; ${r.reference.measured}` : ''} [${r.reference.source}]`);
  const preemption = results.find((r) => r.preempted !== undefined);
  if (preemption) console.log(`\npreemption: ${preemption.preempted} low-priority pods evicted for ${preemption.bound} high-priority pods`);

  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        cpus: cpus().length,
        quick,
        setup,
        elapsedSeconds: (performance.now() - began) / 1000,
        workloads: results,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`\nwritten to ${out}`);
  if (results.some((r) => r.error !== undefined || r.bound < r.pods)) process.exitCode = 1;
}

await main();
