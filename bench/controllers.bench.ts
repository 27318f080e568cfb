/**
 * Controllers benchmark: the apiserver, the controller-manager and the scheduler as their own
 * processes (the bundles of the current sources), hollow nodes whose pod marker plays the
 * kubelets (Running and Ready at once, deletions confirmed at once). Three scenarios, timed from
 * the triggering request, with the time each phase completed:
 *
 * - scale-up: a Deployment of 3,000 replicas from zero until all pods exist, all are Running and
 *   Ready, and the Deployment reports them all available;
 * - rolling update: a ready Deployment of 1,000 replicas (maxSurge 25%, maxUnavailable 25%) gets
 *   a new image, until every new pod exists, every new pod is ready, and the rollout is complete
 *   (rollout status' rule, old pods gone);
 * - namespace deletion: a namespace holding 5,000 objects (configmaps, secrets, services, pods
 *   Running on hollow nodes) is deleted, until its pods are gone and the namespace itself is.
 *
 * Phases are observed through informers (list + watch over gRPC), not polling. Prints a table and
 * writes bench/results/controllers.json (BENCH_OUT overrides the path).
 *
 *   npm run bench:controllers          (BENCH_SCALE=0.1 for the quick run at a tenth of the size)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { appsv1, corev1 } from '@tskube/api-types';
import { ApiClient, Informer, PatchType, listWatch, type GroupVersionResource } from '@tskube/client';
import { startHollowCluster, type HollowCluster } from '../apps/controller-manager/test/cluster';

const SCALE = Number(process.env['BENCH_SCALE'] ?? 1);
if (!(SCALE > 0)) throw new Error(`BENCH_SCALE must be a positive number, got ${process.env['BENCH_SCALE']}`);
const n = (count: number) => Math.max(10, Math.round(count * SCALE));
const SIZES = {
  scaleUpReplicas: n(3000),
  rollingReplicas: n(1000),
  namespaceObjects: n(5000),
};
// Every scenario's pods stay until the end, with room for the rollout's surge.
const PODS_PER_NODE = 110;
const NODES = Math.max(3, Math.ceil((SIZES.scaleUpReplicas + SIZES.rollingReplicas * 1.25 + SIZES.namespaceObjects * 0.2) / (PODS_PER_NODE * 0.8)));
/** Any one phase taking longer than this fails the run. */
const PHASE_TIMEOUT_MS = Math.max(120_000, 600_000 * SCALE);
const OUT = process.env['BENCH_OUT'] ?? join(import.meta.dirname, 'results', 'controllers.json');

const pods: GroupVersionResource = { group: '', version: 'v1', resource: 'pods' };
const deployments: GroupVersionResource = { group: 'apps', version: 'v1', resource: 'deployments' };
const namespaces: GroupVersionResource = { group: '', version: 'v1', resource: 'namespaces' };

interface Phase {
  phase: string;
  /** Seconds from the triggering request. */
  seconds: number;
}
interface Scenario {
  scenario: string;
  size: number;
  phases: Phase[];
}

// ---- observation --------------------------------------------------------------------------

type Pod = corev1.Pod & { metadata: NonNullable<corev1.Pod['metadata']> };
type Deployment = appsv1.Deployment & { metadata: NonNullable<appsv1.Deployment['metadata']> };

const isReady = (p: Pod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/**
 * An informer over one namespace's objects that re-checks the waiting conditions on every event,
 * resolving each with the time it first held.
 */
class Watcher<T extends { metadata: { name?: string } }> {
  readonly informer: Informer<T>;
  private waits: { check: () => boolean; resolve: (ms: number) => void }[] = [];

  constructor(client: ApiClient, gvr: GroupVersionResource, namespace: string) {
    this.informer = new Informer<T>({ listerWatcher: listWatch<T>(client, gvr, { namespace }) });
    const recheck = () => this.recheck();
    this.informer.addEventHandler({ onAdd: recheck, onUpdate: recheck, onDelete: recheck });
  }

  async start(): Promise<void> {
    void this.informer.start();
    await this.informer.waitForSync();
  }

  list(): T[] {
    return this.informer.lister.list();
  }

  /** Resolves with performance.now() at the first event after which `check` holds. */
  until(check: () => boolean): Promise<number> {
    if (check()) return Promise.resolve(performance.now());
    return new Promise((resolve) => this.waits.push({ check, resolve }));
  }

  private recheck(): void {
    if (!this.waits.length) return;
    const now = performance.now();
    this.waits = this.waits.filter((w) => {
      if (!w.check()) return true;
      w.resolve(now);
      return false;
    });
  }

  stop(): Promise<void> {
    return this.informer.stop();
  }
}

/** Awaits `p`, failing the run when it takes longer than the phase timeout. */
async function within<T>(what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not done in ${PHASE_TIMEOUT_MS / 1000} s`)), PHASE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// ---- objects ------------------------------------------------------------------------------

function deployment(name: string, replicas: number, image: string): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image, resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
      },
    },
  };
}

/** rollout status' rule for a finished rollout, plus every pod of the namespace being current. */
function rolloutComplete(d: Deployment | undefined, replicas: number): boolean {
  const s = d?.status;
  if (!d || !s) return false;
  return (
    (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) &&
    (s.updatedReplicas ?? 0) >= replicas &&
    (s.replicas ?? 0) === (s.updatedReplicas ?? 0) &&
    (s.availableReplicas ?? 0) >= (s.updatedReplicas ?? 0)
  );
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function post(base: string, path: string, body: unknown): Promise<number> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, base), { method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** Runs `fn` for 0..count-1 with `concurrency` in flight. */
async function pool(count: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

// ---- scenarios ----------------------------------------------------------------------------

async function scaleUp(client: ApiClient): Promise<Scenario> {
  const ns = 'bench-scale-up';
  const replicas = SIZES.scaleUpReplicas;
  await client.create(namespaces, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const podWatch = new Watcher<Pod>(client, pods, ns);
  const deployWatch = new Watcher<Deployment>(client, deployments, ns);
  await Promise.all([podWatch.start(), deployWatch.start()]);
  try {
    const t0 = performance.now();
    await client.create(deployments, ns, deployment('scale', replicas, 'nginx:1.27'));
    const created = podWatch.until(() => podWatch.list().length >= replicas);
    const running = podWatch.until(() => podWatch.list().filter((p) => p.status?.phase === 'Running' && isReady(p)).length >= replicas);
    const available = deployWatch.until(() => rolloutComplete(deployWatch.list()[0], replicas) && (deployWatch.list()[0]?.status?.availableReplicas ?? 0) >= replicas);
    const phases = [
      { phase: 'all pods created', seconds: ((await within('scale-up: pods created', created)) - t0) / 1000 },
      { phase: 'all Running and Ready', seconds: ((await within('scale-up: pods running', running)) - t0) / 1000 },
      { phase: 'Deployment available', seconds: ((await within('scale-up: deployment available', available)) - t0) / 1000 },
    ];
    return { scenario: 'scale-up', size: replicas, phases };
  } finally {
    await Promise.all([podWatch.stop(), deployWatch.stop()]);
  }
}

async function rollingUpdate(client: ApiClient): Promise<Scenario & { setupSeconds: number }> {
  const ns = 'bench-rolling';
  const replicas = SIZES.rollingReplicas;
  await client.create(namespaces, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const podWatch = new Watcher<Pod>(client, pods, ns);
  const deployWatch = new Watcher<Deployment>(client, deployments, ns);
  await Promise.all([podWatch.start(), deployWatch.start()]);
  try {
    const s0 = performance.now();
    await client.create(deployments, ns, deployment('rolling', replicas, 'nginx:1.27'));
    await within('rolling update: first rollout', deployWatch.until(() => rolloutComplete(deployWatch.list()[0], replicas) && podWatch.list().length === replicas));
    const setupSeconds = (performance.now() - s0) / 1000;

    const oldHash = podWatch.list()[0]?.metadata.labels?.['pod-template-hash'];
    const isNew = (p: Pod) => p.metadata.labels?.['pod-template-hash'] !== oldHash && !p.metadata.deletionTimestamp;
    const t0 = performance.now();
    await client.patch(deployments, ns, 'rolling', PatchType.MergePatch, { spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:1.28', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] } } } });
    const created = podWatch.until(() => podWatch.list().filter(isNew).length >= replicas);
    const ready = podWatch.until(() => podWatch.list().filter((p) => isNew(p) && isReady(p)).length >= replicas);
    const complete = deployWatch.until(() => {
      const d = deployWatch.list()[0];
      return (d?.metadata.generation ?? 0) > 1 && rolloutComplete(d, replicas);
    });
    const oldGone = podWatch.until(() => podWatch.list().every(isNew) && podWatch.list().length === replicas);
    const phases = [
      { phase: 'all new pods created', seconds: ((await within('rolling update: new pods created', created)) - t0) / 1000 },
      { phase: 'all new pods Ready', seconds: ((await within('rolling update: new pods ready', ready)) - t0) / 1000 },
      { phase: 'rollout complete', seconds: ((await within('rolling update: rollout complete', complete)) - t0) / 1000 },
      { phase: 'old pods gone', seconds: ((await within('rolling update: old pods gone', oldGone)) - t0) / 1000 },
    ];
    return { scenario: 'rolling update (maxSurge 25%)', size: replicas, phases, setupSeconds };
  } finally {
    await Promise.all([podWatch.stop(), deployWatch.stop()]);
  }
}

async function namespaceDeletion(cluster: HollowCluster, client: ApiClient): Promise<Scenario & { mix: Record<string, number>; setupSeconds: number }> {
  const ns = 'bench-delete';
  const total = SIZES.namespaceObjects;
  const mix = {
    pods: Math.round(total * 0.2),
    services: Math.round(total * 0.1),
    secrets: Math.round(total * 0.3),
    configmaps: 0,
  };
  mix.configmaps = total - mix.pods - mix.services - mix.secrets;
  await client.create(namespaces, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const podWatch = new Watcher<Pod>(client, pods, ns);
  await podWatch.start();
  try {
    const s0 = performance.now();
    const base = cluster.api.url;
    const objects: { path: string; body: unknown }[] = [];
    for (let i = 0; i < mix.configmaps; i++) objects.push({ path: 'configmaps', body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}` }, data: { key: 'x'.repeat(256) } } });
    for (let i = 0; i < mix.secrets; i++) objects.push({ path: 'secrets', body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: `secret-${i}` }, stringData: { key: 'y'.repeat(256) } } });
    for (let i = 0; i < mix.services; i++) {
      objects.push({ path: 'services', body: { apiVersion: 'v1', kind: 'Service', metadata: { name: `svc-${i}` }, spec: { selector: { app: `a${i % 50}` }, ports: [{ port: 80 }] } } });
    }
    for (let i = 0; i < mix.pods; i++) {
      objects.push({
        path: 'pods',
        body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: `pod-${i}`, labels: { app: `a${i % 50}` } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } },
      });
    }
    await pool(objects.length, 32, async (i) => {
      const o = objects[i]!;
      const code = await post(base, `/api/v1/namespaces/${ns}/${o.path}`, o.body);
      if (code !== 201) throw new Error(`creating ${o.path} #${i}: HTTP ${code}`);
    });
    await within('namespace deletion: pods running', podWatch.until(() => podWatch.list().filter((p) => p.status?.phase === 'Running').length >= mix.pods));
    const setupSeconds = (performance.now() - s0) / 1000;

    const t0 = performance.now();
    await client.delete(namespaces, '', ns);
    const podsGone = podWatch.until(() => podWatch.list().length === 0);
    const nsGone = (async () => {
      for (;;) {
        try {
          await client.get(namespaces, '', ns);
        } catch (err) {
          if ((err as { code?: number }).code === 404) return performance.now();
          throw err;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    // Should the pods never go, the poll's own failure must not go unhandled.
    nsGone.catch(() => undefined);
    const phases = [
      { phase: 'pods gone', seconds: ((await within('namespace deletion: pods gone', podsGone)) - t0) / 1000 },
      { phase: 'namespace gone', seconds: ((await within('namespace deletion: namespace gone', nsGone)) - t0) / 1000 },
    ];
    return { scenario: 'namespace deletion', size: total, phases, mix, setupSeconds };
  } finally {
    await podWatch.stop();
  }
}

// ---- report -------------------------------------------------------------------------------

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Peak resident memory of a process in MiB (VmHWM), undefined where /proc does not say. */
function peakRssMiB(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  console.log(`Controllers benchmark: scale ${SCALE}, ${NODES} hollow nodes × ${PODS_PER_NODE} pods, ${cpus().length} CPUs, node ${process.version}`);
  const cluster = await startHollowCluster({ nodes: NODES, podsPerNode: PODS_PER_NODE });
  const client = new ApiClient({ master: cluster.api.master, fieldManager: 'bench' });
  const scenarios: Scenario[] = [];
  let memory: Record<string, number | undefined> = {};
  let exitCodes: Awaited<ReturnType<HollowCluster['stop']>> | undefined;
  try {
    for (const run of [() => scaleUp(client), () => rollingUpdate(client), () => namespaceDeletion(cluster, client)]) {
      const s = await run();
      scenarios.push(s);
      console.log(`  ${s.scenario} (${s.size}): ${s.phases.map((p) => `${p.phase} ${p.seconds.toFixed(2)} s`).join(', ')}`);
    }
    memory = {
      apiserverPeakRssMiB: peakRssMiB(cluster.api.pid),
      controllerManagerPeakRssMiB: peakRssMiB(cluster.controllerManager.pid),
      schedulerPeakRssMiB: peakRssMiB(cluster.scheduler.pid),
    };
  } finally {
    client.close();
    exitCodes = await cluster.stop();
    agent.destroy();
  }
  const elapsedSeconds = (performance.now() - started) / 1000;

  console.log(`\nController-manager and scheduler as processes; hollow nodes' pod marker as the kubelets.\n`);
  const rows = scenarios.flatMap((s) => s.phases.map((p, i) => [i === 0 ? s.scenario : '', p.phase, i === 0 ? String(s.size) : '', p.seconds.toFixed(2)]));
  console.log(table(['scenario', 'phase', 'objects', 'seconds'], rows));
  const rate = (s: Scenario | undefined, phase: string) => {
    const p = s?.phases.find((x) => x.phase === phase);
    return p ? s!.size / p.seconds : undefined;
  };
  const throughput = {
    podsCreatedPerSec: rate(scenarios[0], 'all pods created'),
    podsRunningPerSec: rate(scenarios[0], 'all Running and Ready'),
    rolloutPodsPerSec: rate(scenarios[1], 'rollout complete'),
    namespaceObjectsDeletedPerSec: rate(scenarios[2], 'namespace gone'),
  };
  console.log(
    `\nthroughput: ${Object.entries(throughput)
      .map(([k, v]) => `${k} ${v?.toFixed(0) ?? '-'}`)
      .join(', ')}`,
  );
  console.log(
    `peak RSS MiB: ${Object.entries(memory)
      .map(([k, v]) => `${k.replace('PeakRssMiB', '')} ${v?.toFixed(0) ?? '-'}`)
      .join(', ')}`,
  );
  console.log(`Took ${elapsedSeconds.toFixed(1)} s.`);

  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(
    OUT,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        cpus: cpus().length,
        scale: SCALE,
        sizes: SIZES,
        hollowNodes: NODES,
        podsPerNode: PODS_PER_NODE,
        components: { controllerManager: 'process', scheduler: 'process', kubelets: 'hollow pod marker' },
        scenarios,
        throughput,
        memory,
        exitCodes,
        elapsedSeconds,
      },
      null,
      2,
    ) + '\n',
  );
}

await main();
