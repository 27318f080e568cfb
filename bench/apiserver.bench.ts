/**
 * Apiserver benchmark: the apiserver bundle as its own process on the embedded store and on etcd,
 * driven over REST (HTTP/1.1 JSON, keep-alive) and over gRPC, at 1, 16 and 64 requests in flight:
 * create, get, update of ~1 KiB pods, whole-namespace lists of 1k and 10k pods, and watch fan-out
 * to 100 watchers. The raw store's create (EmbeddedStore / EtcdStore in this process, the stored
 * pod's bytes as value) runs in the same rounds, as the ceiling the apiserver's create is compared
 * with. Also the apiserver's RSS idle and with 10k pods. Prints tables, writes
 * bench/results/apiserver.json.
 *
 *   npm run bench:apiserver            (BENCH_SCALE=0.25 for a quick run)
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { credentials, type ServiceError } from '@grpc/grpc-js';
import {
  ApiClient,
  CreateRequest,
  GetRequest,
  ListRequest,
  UpdateRequest,
  WatchEventType,
  WatchRequest,
  type CreateResponse,
  type GetResponse,
  type ListResponse,
  type UpdateResponse,
  type WatchEvent,
} from '@tskube/proto';
import { EmbeddedStore, EtcdStore, type Store } from '@tskube/store';
import { startApiServerProcess, startEtcd, type ApiServerProcess } from '@tskube/test-support';

const SCALE = Number(process.env['BENCH_SCALE'] ?? 1);
const n = (count: number) => Math.max(4, Math.round(count * SCALE));
const LEVELS = [1, 16, 64] as const;
const WATCHERS = 100;
// At full scale every count is at least CHUNKS × its concurrency (one chunk for the lists at
// c64), so the stated number of requests really is in flight.
const COUNTS = {
  warmup: n(300),
  create: { 1: n(250), 16: n(800), 64: n(1280) },
  get: { 1: n(500), 16: n(1600), 64: n(2560) },
  update: { 1: n(250), 16: n(800), 64: n(1280) },
  list1k: { 1: n(10), 16: n(32), 64: n(64) },
  list10k: { 1: n(4), 16: n(16), 64: n(64) },
  watchWrites: { 1: n(60), 16: n(192), 64: n(384) },
};
const CHUNKS = 2;
const GVR = { group: '', version: 'v1', resource: 'pods' };

type Backend = 'embedded' | 'etcd';
type Transport = 'rest' | 'grpc' | 'store';
interface Pod {
  metadata: { name: string; namespace?: string; resourceVersion?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/** What each benchmark round calls; `store` targets implement only `create`. */
interface Target {
  backend: Backend;
  transport: Transport;
  create(ns: string, pod: Pod): Promise<Pod>;
  get(ns: string, name: string): Promise<Pod>;
  update(ns: string, pod: Pod): Promise<Pod>;
  /** Lists the whole namespace and decodes every item; returns the item count. */
  list(ns: string): Promise<number>;
  /** Opens a watch from `rv` (exclusive) calling `onEvent` with each ADDED object's resourceVersion. */
  watch(ns: string, rv: string, onEvent: (rv: string) => void): () => void;
}

// ---- pods ------------------------------------------------------------------------------------

const NAME_WIDTH = 20;
function pod(name: string, pad = ''): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: name.padEnd(NAME_WIDTH, 'x'),
      labels: { app: 'bench', tier: 'backend', release: 'stable' },
      annotations: { 'bench.tskube.io/generation': '000000', 'bench.tskube.io/pad': pad },
    },
    spec: {
      containers: [
        {
          name: 'app',
          image: 'registry.example.com/bench/app:1.0.0',
          args: ['--listen=:8080', '--log-level=info'],
          env: [
            { name: 'MODE', value: 'bench' },
            { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          ],
          ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
          resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
          readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 10 },
        },
      ],
    },
  };
}
// Request bodies are exactly 1 KiB: the pad annotation makes up the difference.
const PAD = 'p'.repeat(1024 - JSON.stringify(pod('')).length);
const newPod = (name: string) => pod(name, PAD);

// ---- REST ------------------------------------------------------------------------------------

const keepAlive = new Agent({ keepAlive: true, maxSockets: 128 });

function http(port: number, method: string, path: string, body?: unknown): Promise<string> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      { host: '127.0.0.1', port, method, path, agent: keepAlive, headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          if (res.statusCode! >= 300) reject(new Error(`${method} ${path}: ${res.statusCode} ${text.slice(0, 300)}`));
          else resolve(text);
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

function restTarget(backend: Backend, port: number): Target {
  const pods = (ns: string) => `/api/v1/namespaces/${ns}/pods`;
  return {
    backend,
    transport: 'rest',
    create: async (ns, p) => JSON.parse(await http(port, 'POST', pods(ns), p)) as Pod,
    get: async (ns, name) => JSON.parse(await http(port, 'GET', `${pods(ns)}/${name}`)) as Pod,
    update: async (ns, p) => JSON.parse(await http(port, 'PUT', `${pods(ns)}/${p.metadata.name}`, p)) as Pod,
    list: async (ns) => (JSON.parse(await http(port, 'GET', pods(ns))) as { items: Pod[] }).items.length,
    watch: (ns, rv, onEvent) => {
      // A connection of its own per watcher, as each informer has.
      const req = request({ host: '127.0.0.1', port, path: `${pods(ns)}?watch=true&resourceVersion=${rv}`, agent: false }, (res) => {
        let buffered = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffered += chunk;
          for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
            const event = JSON.parse(buffered.slice(0, nl)) as { type: string; object: Pod };
            buffered = buffered.slice(nl + 1);
            if (event.type === 'ADDED') onEvent(event.object.metadata.resourceVersion!);
          }
        });
        res.on('error', () => undefined);
      });
      req.on('error', () => undefined); // destroyed on close; lost events show as a timeout
      req.end();
      return () => req.destroy();
    },
  };
}

// ---- gRPC ------------------------------------------------------------------------------------

const call = <T>(run: (cb: (err: ServiceError | null, res: T) => void) => void) =>
  new Promise<T>((resolve, reject) => run((err, res) => (err ? reject(err) : resolve(res))));
const decode = (bytes: Uint8Array) => JSON.parse(Buffer.from(bytes).toString()) as Pod;
const encode = (p: Pod) => Buffer.from(JSON.stringify(p));

function grpcTarget(backend: Backend, client: ApiClient): Target {
  return {
    backend,
    transport: 'grpc',
    create: async (namespace, p) =>
      decode((await call<CreateResponse>((cb) => client.create(CreateRequest.fromPartial({ gvr: GVR, namespace, object: encode(p) }), cb))).object),
    get: async (namespace, name) => decode((await call<GetResponse>((cb) => client.get(GetRequest.fromPartial({ gvr: GVR, namespace, name }), cb))).object),
    update: async (namespace, p) =>
      decode(
        (await call<UpdateResponse>((cb) => client.update(UpdateRequest.fromPartial({ gvr: GVR, namespace, name: p.metadata.name, object: encode(p) }), cb)))
          .object,
      ),
    list: async (namespace) => (await call<ListResponse>((cb) => client.list(ListRequest.fromPartial({ gvr: GVR, namespace }), cb))).items.map(decode).length,
    watch: (namespace, resourceVersion, onEvent) => {
      const stream = client.watch(WatchRequest.fromPartial({ gvr: GVR, namespace, options: { resourceVersion } }));
      stream.on('data', (event: WatchEvent) => {
        if (event.type === WatchEventType.ADDED) onEvent(event.resourceVersion);
      });
      stream.on('error', () => undefined); // cancelled on close; lost events show as a timeout
      return () => stream.cancel();
    },
  };
}

// ---- raw store -------------------------------------------------------------------------------

function storeTarget(backend: Backend, store: Store, value: () => Uint8Array): Target {
  const unsupported = () => Promise.reject(new Error('store targets only create'));
  return {
    backend,
    transport: 'store',
    create: async (ns, p) => {
      await store.create(`/registry/pods/${ns}/${p.metadata.name}`, value());
      return p;
    },
    get: unsupported,
    update: unsupported,
    list: unsupported,
    watch: () => {
      throw new Error('store targets only create');
    },
  };
}

// ---- measuring -------------------------------------------------------------------------------

interface Result {
  op: string;
  concurrency: number;
  backend: Backend;
  transport: Transport;
  count: number;
  /** Operations per second; for watch, events delivered per second (writes × watchers). */
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
}
const results: Result[] = [];

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function record(op: string, concurrency: number, t: Target, latencies: number[], perSec: number): void {
  const sorted = [...latencies].sort((a, b) => a - b);
  const r = { op, concurrency, backend: t.backend, transport: t.transport, count: latencies.length, opsPerSec: perSec, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99) };
  results.push(r);
  process.stderr.write(`  ${op.padEnd(8)} c${String(concurrency).padEnd(3)} ${`${t.backend}/${t.transport}`.padEnd(15)} ${fmt(perSec, 0).padStart(8)}/s  p99 ${fmt(r.p99Ms, 1)} ms\n`);
}

/** Runs `fn(i)` for i in [0, count) with `concurrency` calls in flight; per-call latencies in ms. */
async function measure(count: number, concurrency: number, fn: (i: number) => Promise<unknown>): Promise<{ latencies: number[]; elapsedMs: number }> {
  const latencies = new Array<number>(count);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      for (let i = next++; i < count; i = next++) {
        const t0 = performance.now();
        await fn(i);
        latencies[i] = performance.now() - t0;
      }
    }),
  );
  return { latencies, elapsedMs: performance.now() - started };
}

/**
 * Measures one operation on every target. Both apiservers, etcd and this process share two cores,
 * so drift would favour whichever target runs later: the work is split into chunks and the targets
 * take turns, in rotating order. `run` measures one chunk, items `[from, to)`.
 */
async function rounds(
  op: string,
  targets: Target[],
  count: number,
  concurrency: number,
  run: (t: Target, from: number, to: number) => Promise<{ latencies: number[]; elapsedMs: number; units?: number }>,
): Promise<void> {
  const totals = new Map(targets.map((t) => [t, { latencies: [] as number[], elapsedMs: 0, units: 0 }]));
  // A chunk smaller than the concurrency would never have that many requests in flight.
  const chunks = Math.max(1, Math.min(CHUNKS, Math.floor(count / concurrency)));
  for (let chunk = 0; chunk < chunks; chunk++) {
    const from = Math.floor((chunk * count) / chunks);
    const to = Math.floor(((chunk + 1) * count) / chunks);
    for (let k = 0; k < targets.length; k++) {
      const t = targets[(chunk + k) % targets.length]!;
      const { latencies, elapsedMs, units } = await run(t, from, to);
      const total = totals.get(t)!;
      total.latencies.push(...latencies);
      total.elapsedMs += elapsedMs;
      total.units += units ?? latencies.length;
    }
  }
  for (const [t, { latencies, elapsedMs, units }] of totals) record(op, concurrency, t, latencies, units / (elapsedMs / 1000));
}

const simple = (op: string, targets: Target[], count: number, c: number, fn: (t: Target, i: number) => Promise<unknown>) =>
  rounds(op, targets, count, c, (t, from, to) => measure(to - from, c, (i) => fn(t, from + i)));

/**
 * One chunk of watch fan-out: WATCHERS watches from the current revision, a warm-up write every
 * watcher must see (so all are registered), then `count` creates with `c` in flight. Latency of a
 * write: from issuing it until the last watcher received its event. Units: events delivered.
 */
async function fanOut(t: Target, ns: string, tag: string, count: number, c: number): Promise<{ latencies: number[]; elapsedMs: number; units: number }> {
  const rv = (await t.create(ns, newPod(`${tag}-w`))).metadata.resourceVersion!;
  const seen = new Map<string, { n: number; last: number }>();
  let complete = 0;
  let target = 1;
  let wake = () => undefined as void;
  const onEvent = (eventRv: string) => {
    const s = seen.get(eventRv) ?? { n: 0, last: 0 };
    s.n++;
    s.last = performance.now();
    seen.set(eventRv, s);
    if (s.n === WATCHERS && ++complete >= target) wake();
  };
  const until = async (want: number) => {
    target = want;
    if (complete >= want) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => (wake = resolve)),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${t.backend}/${t.transport} watch: ${complete}/${want} events fully delivered after 60 s`)), 60_000))),
    ]).finally(() => clearTimeout(timer));
  };
  const closers = Array.from({ length: WATCHERS }, () => t.watch(ns, String(Number(rv) - 1), onEvent));
  try {
    await until(1);
    const issued: { rv: string; at: number }[] = [];
    const started = performance.now();
    await measure(count, c, async (i) => {
      const at = performance.now();
      issued[i] = { at, rv: (await t.create(ns, newPod(`${tag}-${i}`))).metadata.resourceVersion! };
    });
    await until(count + 1);
    const latencies = issued.map(({ rv: r, at }) => seen.get(r)!.last - at);
    return { latencies, elapsedMs: Math.max(...issued.map(({ rv: r }) => seen.get(r)!.last)) - started, units: count * WATCHERS };
  } finally {
    for (const close of closers) close();
  }
}

const NS = { crud: 'bench', list1k: 'list-1k', list10k: 'list-10k', watch: 'watch' } as const;

async function benchAll(api: Target[], stores: Target[]): Promise<void> {
  const name = (t: Target, phase: string, i: number) => `${t.transport}-${phase}-${String(i).padStart(6, '0')}`;
  for (const t of [...api, ...stores]) await measure(COUNTS.warmup, 16, (i) => t.create(NS.crud, newPod(name(t, 'warm', i))));
  const latest = new Map(api.map((t) => [t, new Map<number, Pod>()]));
  for (const c of LEVELS) {
    await simple('create', [...api, ...stores], COUNTS.create[c], c, async (t, i) => {
      const created = await t.create(NS.crud, newPod(name(t, `c${c}`, i)));
      latest.get(t)?.set(c * 1e6 + i, created);
    });
  }
  for (const c of LEVELS) {
    await simple('get', api, COUNTS.get[c], c, (t, i) => t.get(NS.crud, name(t, 'c64', i % COUNTS.create[64]).padEnd(NAME_WIDTH, 'x')));
  }
  for (const c of LEVELS) {
    // Each level updates its own create level's pods (distinct objects in flight, so no conflicts).
    await simple('update', api, COUNTS.update[c], c, async (t, i) => {
      const key = c * 1e6 + (i % COUNTS.create[c]);
      const current = latest.get(t)!.get(key)!;
      const next = { ...current, metadata: { ...current.metadata, annotations: { ...current.metadata.annotations, 'bench.tskube.io/generation': String(i).padStart(6, '0') } } };
      latest.get(t)!.set(key, await t.update(NS.crud, next));
    });
  }
  for (const [op, ns, size, counts] of [
    ['list1k', NS.list1k, 1000, COUNTS.list1k],
    ['list10k', NS.list10k, 10_000, COUNTS.list10k],
  ] as const) {
    for (const c of LEVELS) {
      await simple(op, api, counts[c], c, async (t) => {
        const got = await t.list(ns);
        if (got !== size) throw new Error(`${t.backend}/${t.transport} ${op}: listed ${got}, want ${size}`);
      });
    }
  }
  for (const c of LEVELS) {
    await rounds(`watch×${WATCHERS}`, api, COUNTS.watchWrites[c], c, (t, from, to) => fanOut(t, NS.watch, `${t.transport}-c${c}-${from}`, to - from, c));
  }
}

// ---- processes and setup ---------------------------------------------------------------------

function rssMiB(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${field}:`));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? NaN) / 1024;
}

/** Fills `ns` with `count` pods over gRPC, 64 in flight, unmeasured; returns pods per second. */
async function populate(t: Target, ns: string, count: number): Promise<number> {
  const { elapsedMs } = await measure(count, 64, (i) => t.create(ns, newPod(`fill-${String(i).padStart(6, '0')}`)));
  return count / (elapsedMs / 1000);
}

const fmt = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : '-');

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const find = (op: string, c: number, backend: Backend, transport: Transport) =>
  results.find((r) => r.op === op && r.concurrency === c && r.backend === backend && r.transport === transport);

function backendTable(backend: Backend): string {
  const keys = [...new Set(results.filter((r) => r.backend === backend).map((r) => `${r.op}|${r.concurrency}`))];
  const transports: Transport[] = ['rest', 'grpc', 'store'];
  const rows = keys.map((key) => {
    const [op, c] = key.split('|') as [string, string];
    const cells = [`${op} c${c}`];
    for (const tr of transports) {
      const r = find(op, Number(c), backend, tr);
      cells.push(r ? fmt(r.opsPerSec, 0) : '', r ? fmt(r.p50Ms, 2) : '', r ? fmt(r.p99Ms, 2) : '');
    }
    const store = find(op, Number(c), backend, 'store');
    for (const tr of ['rest', 'grpc'] as const) cells.push(store ? fmt(find(op, Number(c), backend, tr)!.opsPerSec / store.opsPerSec, 2) : '');
    return cells;
  });
  return table(['op', ...transports.flatMap((t) => [`${t} ops/s`, 'p50 ms', 'p99 ms']), 'rest/store', 'grpc/store'], rows);
}

function etcdVersion(): string {
  try {
    return execFileSync(process.env['ETCD_BIN'] ?? 'etcd', ['--version'], { encoding: 'utf8' }).split('\n')[0]!.trim();
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const work = mkdtempSync(join(tmpdir(), 'tskube-bench-apiserver-'));
  const cleanup: (() => unknown)[] = [];
  const memory: Record<string, { pid: number; idleRssMiB: number; rss10kMiB: number; peakRssMiB: number; populate10kPodsPerSec: number }> = {};
  let storedBytes = 0;
  try {
    const etcd = await startEtcd({ tmpRoot: work });
    cleanup.push(() => etcd.stop());
    const servers: Record<Backend, ApiServerProcess> = {
      embedded: await startApiServerProcess({ extraArgs: ['--storage-backend=embedded'] }),
      etcd: await startApiServerProcess({
        extraArgs: ['--storage-backend=etcd3', `--etcd-servers=${etcd.endpoint}`, `--etcd-prefix=/bench-${randomUUID()}`],
      }),
    };
    for (const s of Object.values(servers)) cleanup.push(() => s.stop());
    await new Promise((r) => setTimeout(r, 1000)); // let start-up garbage settle before "idle"
    const api: Target[] = [];
    for (const backend of ['embedded', 'etcd'] as const) {
      const s = servers[backend];
      const client = new ApiClient(s.master, credentials.createInsecure(), { 'grpc.max_receive_message_length': -1 });
      cleanup.push(() => client.close());
      const rest = restTarget(backend, Number(new URL(s.url).port));
      const grpc = grpcTarget(backend, client);
      api.push(rest, grpc);
      const idleRssMiB = rssMiB(s.pid);
      for (const ns of Object.values(NS)) await http(Number(new URL(s.url).port), 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      process.stderr.write(`populating ${backend}: 10k + 1k pods\n`);
      const populate10kPodsPerSec = await populate(grpc, NS.list10k, 10_000);
      memory[backend] = { pid: s.pid, idleRssMiB, rss10kMiB: rssMiB(s.pid), peakRssMiB: NaN, populate10kPodsPerSec };
      await populate(grpc, NS.list1k, 1000);
    }

    // The raw stores get the bytes the apiserver stored for a pod like the benchmark's.
    const sample = JSON.stringify(await api[0]!.create(NS.crud, newPod('sample')));
    storedBytes = Buffer.byteLength(sample);
    const value = Buffer.from(sample);
    const embedded = EmbeddedStore.open({ path: join(work, 'raw-embedded', 'state.db') });
    cleanup.push(() => embedded.close());
    const layer = new EtcdStore({ endpoints: etcd.endpoint, prefix: `/bench-raw-${randomUUID()}` });
    cleanup.push(() => layer.close());
    const stores = [storeTarget('embedded', embedded, () => value), storeTarget('etcd', layer, () => value)];

    await benchAll(api, stores);
    for (const backend of ['embedded', 'etcd'] as const) memory[backend]!.peakRssMiB = rssMiB(servers[backend].pid, 'VmHWM');
  } finally {
    // Reverse order: clients, then stores, apiservers, and etcd last.
    for (const step of cleanup.reverse()) {
      try {
        await step();
      } catch (err) {
        process.stderr.write(`cleanup: ${String(err)}\n`);
      }
    }
    keepAlive.destroy();
    rmSync(work, { recursive: true, force: true });
  }

  const elapsedSeconds = (performance.now() - started) / 1000;
  console.log(`\nApiserver benchmark (${cpus().length} CPUs, node ${process.version}, ${etcdVersion()})`);
  console.log(`pods: 1024-byte request JSON, ${storedBytes} bytes as stored (the raw store's value); cN = N requests in flight`);
  console.log(`watch×${WATCHERS}: ${WATCHERS} watchers on the namespace; ops/s = events delivered per second, latency = write issued until the last watcher has it`);
  for (const backend of ['embedded', 'etcd'] as const) {
    console.log(`\n${backend === 'embedded' ? 'embedded (SQLite)' : 'etcd3'}\n`);
    console.log(backendTable(backend));
  }
  console.log('\nrest/store, grpc/store: apiserver create throughput over the raw store create throughput (1.00 = no cost).\n');
  console.log(
    table(
      ['apiserver RSS', 'idle MiB', '10k pods MiB', 'peak MiB', '10k fill pods/s (c64 grpc)'],
      (['embedded', 'etcd'] as const).map((b) => {
        const m = memory[b]!;
        return [b, fmt(m.idleRssMiB, 0), fmt(m.rss10kMiB, 0), fmt(m.peakRssMiB, 0), fmt(m.populate10kPodsPerSec, 0)];
      }),
    ),
  );
  console.log(`\nTook ${elapsedSeconds.toFixed(1)} s.`);

  const ratios = results
    .filter((r) => r.transport === 'store')
    .flatMap((s) =>
      (['rest', 'grpc'] as const).map((transport) => ({
        backend: s.backend,
        transport,
        concurrency: s.concurrency,
        apiOverStore: find(s.op, s.concurrency, s.backend, transport)!.opsPerSec / s.opsPerSec,
      })),
    );
  const out = join(import.meta.dirname, 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(
    join(out, 'apiserver.json'),
    JSON.stringify(
      { date: new Date().toISOString(), node: process.version, cpus: cpus().length, etcd: etcdVersion(), requestBytes: 1024, storedBytes, watchers: WATCHERS, counts: COUNTS, elapsedSeconds, results, createRatios: ratios, memory },
      null,
      2,
    ) + '\n',
  );
}

await main();
