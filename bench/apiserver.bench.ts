/**
 * apiserver benchmark: create, get, update, list (1k and 10k pods) and watch fan-out to 100
 * watchers, over REST and over gRPC, at concurrency 1, 16 and 64, on both store backends. The
 * apiserver runs as its own process (the built bundle), as in a cluster. Also measured in the same
 * run: the raw store's put throughput (the ratio create/put shows what the API layer costs) and the
 * apiserver's RSS idle and with 10k pods stored. Prints a table, writes bench/results/apiserver.json.
 *
 *   npm run bench:apiserver           (BENCH_SCALE=0.25 for a quick run)
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient } from '@tskube/client';
import { EmbeddedStore, EtcdStore, type Store } from '@tskube/store';
import { startApiServerProcess, startEtcd, type ApiServerProcess, type EtcdServer } from '@tskube/test-support';

const SCALE = Number(process.env['BENCH_SCALE'] ?? 1);
const n = (count: number) => Math.max(8, Math.round(count * SCALE));
const CONCURRENCIES = [1, 16, 64];
const WATCHERS = 100;
const pods = { group: '', version: 'v1', resource: 'pods' };

/** A pod of about 1 KiB of JSON. */
function pod(name: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'bench', tier: 'web', run: name.slice(0, 20) }, annotations: { note: 'x'.repeat(300) } },
    spec: {
      containers: [{ name: 'c', image: 'busybox:1.35', command: ['sleep', '3600'], resources: { requests: { cpu: '10m', memory: '16Mi' } } }],
    },
  };
}

interface Row {
  backend: string;
  transport: string;
  op: string;
  concurrency: number;
  count: number;
  opsPerSec: number;
  p50ms: number;
  p99ms: number;
}
const rows: Row[] = [];

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function measure(count: number, concurrency: number, fn: (i: number) => Promise<unknown>) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      for (let i = next++; i < count; i = next++) {
        const t = performance.now();
        await fn(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return { opsPerSec: (count / elapsed) * 1000, p50ms: percentile(latencies, 50), p99ms: percentile(latencies, 99) };
}

function record(backend: string, transport: string, op: string, concurrency: number, count: number, r: { opsPerSec: number; p50ms: number; p99ms: number }) {
  rows.push({ backend, transport, op, concurrency, count, ...r });
  process.stderr.write(`  ${backend} ${transport} ${op} c${concurrency}: ${r.opsPerSec.toFixed(0)} ops/s p50 ${r.p50ms.toFixed(2)} ms p99 ${r.p99ms.toFixed(2)} ms\n`);
}

/** The REST side: keep-alive JSON requests. */
class Rest {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 128 });
  constructor(private readonly base: string) {}

  call(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(this.base + path, { method, agent: this.agent, headers: payload ? { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(payload) } : {} }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          if ((res.statusCode ?? 0) >= 400) reject(new Error(`${method} ${path}: ${res.statusCode} ${text.slice(0, 200)}`));
          else resolve({ status: res.statusCode ?? 0, text });
        });
      });
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
  }

  /** Opens a watch; `onEvent` gets each event's object name. Returns a close function. */
  async watch(path: string, onEvent: (name: string) => void): Promise<() => void> {
    return new Promise((resolve, reject) => {
      const req = request(this.base + path, { agent: false }, (res) => {
        let buffered = '';
        res.on('data', (c: Buffer) => {
          buffered += c.toString();
          let nl: number;
          while ((nl = buffered.indexOf('\n')) >= 0) {
            const line = buffered.slice(0, nl);
            buffered = buffered.slice(nl + 1);
            if (line) onEvent((JSON.parse(line) as { object: { metadata: { name: string } } }).object.metadata.name);
          }
        });
        resolve(() => req.destroy());
      });
      req.on('error', (err) => {
        if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(err);
      });
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

interface Transport {
  name: 'REST' | 'gRPC';
  create(ns: string, obj: Record<string, unknown>): Promise<Record<string, unknown>>;
  get(ns: string, name: string): Promise<unknown>;
  update(ns: string, obj: Record<string, unknown>): Promise<unknown>;
  list(ns: string): Promise<number>;
  watch(ns: string, onEvent: (name: string) => void): Promise<() => void>;
}

function restTransport(rest: Rest): Transport {
  return {
    name: 'REST',
    create: async (ns, obj) => JSON.parse((await rest.call('POST', `/api/v1/namespaces/${ns}/pods`, obj)).text) as Record<string, unknown>,
    get: (ns, name) => rest.call('GET', `/api/v1/namespaces/${ns}/pods/${name}`),
    update: (ns, obj) => rest.call('PUT', `/api/v1/namespaces/${ns}/pods/${(obj.metadata as { name: string }).name}`, obj),
    list: async (ns) => (JSON.parse((await rest.call('GET', `/api/v1/namespaces/${ns}/pods`)).text) as { items: unknown[] }).items.length,
    watch: async (ns, onEvent) => {
      const rv = (JSON.parse((await rest.call('GET', `/api/v1/namespaces/${ns}/pods?limit=1`)).text) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
      return rest.watch(`/api/v1/namespaces/${ns}/pods?watch=true&resourceVersion=${rv}`, onEvent);
    },
  };
}

function grpcTransport(client: ApiClient): Transport {
  return {
    name: 'gRPC',
    create: (ns, obj) => client.create<Record<string, unknown>>(pods, ns, obj),
    get: (ns, name) => client.get(pods, ns, name),
    update: (ns, obj) => client.update(pods, ns, obj),
    list: async (ns) => (await client.list(pods, ns)).items.length,
    watch: async (ns, onEvent) => {
      const rv = (await client.list(pods, ns, { limit: 1 })).resourceVersion;
      const stream = client.watch(pods, ns, { resourceVersion: rv });
      void (async () => {
        try {
          for await (const ev of stream) if ('object' in ev && ev.object) onEvent((ev.object as { metadata: { name: string } }).metadata.name);
        } catch {
          // closed
        }
      })();
      await new Promise((r) => setTimeout(r, 20));
      return () => stream.close();
    },
  };
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

async function populate(t: Transport, ns: string, count: number): Promise<void> {
  await measure(count, 64, (i) => t.create(ns, pod(`p-${i}`)));
}

async function benchTransport(backend: string, t: Transport, rest: Rest): Promise<void> {
  for (const c of CONCURRENCIES) {
    const ns = `b-${t.name.toLowerCase()}-${c}`;
    await rest.call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const writes = n(c === 1 ? 300 : 1200);
    const created: Record<string, unknown>[] = [];
    record(backend, t.name, 'create', c, writes, await measure(writes, c, async (i) => (created[i] = await t.create(ns, pod(`w-${i}`)))));
    const reads = n(c === 1 ? 500 : 2000);
    record(backend, t.name, 'get', c, reads, await measure(reads, c, (i) => t.get(ns, `w-${i % writes}`)));
    // Unconditional updates (no resourceVersion) of a label: what a controller's PUT costs.
    const relabel = (obj: Record<string, unknown>, i: number) => {
      const { resourceVersion: _rv, ...meta } = obj.metadata as Record<string, unknown>;
      return { ...obj, metadata: { ...meta, labels: { v: String(i) } } };
    };
    record(backend, t.name, 'update', c, writes, await measure(writes, c, (i) => t.update(ns, relabel(created[i], i))));
  }
  for (const c of CONCURRENCIES) {
    const runs = n(c === 1 ? 20 : 64);
    record(backend, t.name, 'list 1k', c, runs, await measure(runs, c, () => t.list('list-1k')));
  }
  for (const c of CONCURRENCIES) {
    const runs = Math.max(4, Math.round((c === 1 ? 5 : c) * SCALE));
    record(backend, t.name, 'list 10k', c, runs, await measure(runs, c, () => t.list('list-10k')));
  }
}

/** 100 watchers on one namespace; each write's latency is until the last watcher has it. */
async function benchWatch(backend: string, t: Transport, rest: Rest): Promise<void> {
  const ns = `watch-${t.name.toLowerCase()}`;
  await rest.call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const pending = new Map<string, { left: number; done: () => void }>();
  const onEvent = (name: string) => {
    const p = pending.get(name);
    if (p && --p.left === 0) p.done();
  };
  const closers = await Promise.all(Array.from({ length: WATCHERS }, () => t.watch(ns, onEvent)));
  for (const c of CONCURRENCIES) {
    const count = n(c === 1 ? 100 : 400);
    const r = await measure(count, c, (i) => {
      const name = `e-${c}-${i}`;
      const delivered = new Promise<void>((done) => pending.set(name, { left: WATCHERS, done }));
      return t.create(ns, pod(name)).then(() => delivered);
    });
    record(backend, t.name, `watch x${WATCHERS}`, c, count, { ...r, opsPerSec: r.opsPerSec * WATCHERS });
  }
  for (const close of closers) close();
}

async function rawPut(backend: string, store: Store): Promise<void> {
  const value = Buffer.from(JSON.stringify(pod('raw-value')));
  for (const c of CONCURRENCIES) {
    const count = n(c === 1 ? 300 : 1200);
    const prefix = `/bench-raw/${randomUUID()}/`;
    record(backend, 'store', 'put', c, count, await measure(count, c, (i) => store.create(prefix + i, value)));
  }
}

async function benchBackend(backend: 'embedded' | 'etcd', etcd: EtcdServer | undefined): Promise<Record<string, number>> {
  const prefix = `/bench-${randomUUID()}`;
  const args = backend === 'etcd' ? ['--storage-backend=etcd3', `--etcd-servers=${etcd!.endpoint}`, `--etcd-prefix=${prefix}`] : [];
  const api: ApiServerProcess = await startApiServerProcess({ extraArgs: args });
  const rest = new Rest(api.url);
  const client = new ApiClient({ master: api.master });
  const memory: Record<string, number> = {};
  try {
    await new Promise((r) => setTimeout(r, 500));
    memory.idleRssMiB = rssMiB(api.pid);
    const rt = restTransport(rest);
    const gt = grpcTransport(client);
    for (const ns of ['list-1k', 'list-10k']) await rest.call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await populate(rt, 'list-1k', 1000);
    await populate(rt, 'list-10k', 10_000);
    memory.rssWith11kPodsMiB = rssMiB(api.pid);
    await benchTransport(backend, rt, rest);
    await benchTransport(backend, gt, rest);
    await benchWatch(backend, rt, rest);
    await benchWatch(backend, gt, rest);
    memory.finalRssMiB = rssMiB(api.pid);
  } finally {
    client.close();
    rest.close();
    await api.stop();
  }
  // The raw store in the same run, against the same kind of storage.
  if (backend === 'embedded') {
    const dir = mkdtempSync(join(tmpdir(), 'tskube-bench-raw-'));
    const store = EmbeddedStore.open({ path: join(dir, 'state.db') });
    try {
      await rawPut(backend, store);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  } else {
    const store = new EtcdStore({ endpoints: etcd!.endpoint, prefix: `/bench-raw-${randomUUID()}` });
    try {
      await rawPut(backend, store);
    } finally {
      await store.close();
    }
  }
  return memory;
}

function table(memory: Record<string, Record<string, number>>): string {
  const lines: string[] = [];
  const head = ['backend', 'transport', 'op', 'conc', 'ops/s', 'p50 ms', 'p99 ms'];
  const body = rows.map((r) => [r.backend, r.transport, r.op, String(r.concurrency), r.opsPerSec.toFixed(0), r.p50ms.toFixed(2), r.p99ms.toFixed(2)]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  lines.push(fmt(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(fmt));
  lines.push('');
  for (const backend of Object.keys(memory)) {
    for (const c of CONCURRENCIES) {
      const put = rows.find((r) => r.backend === backend && r.op === 'put' && r.concurrency === c);
      for (const transport of ['REST', 'gRPC']) {
        const create = rows.find((r) => r.backend === backend && r.transport === transport && r.op === 'create' && r.concurrency === c);
        if (put && create) lines.push(`${backend} ${transport} create / raw store put at c${c}: ${(create.opsPerSec / put.opsPerSec).toFixed(2)}`);
      }
    }
    const m = memory[backend];
    lines.push(`${backend} apiserver RSS: idle ${m.idleRssMiB.toFixed(0)} MiB, with 11k pods stored ${m.rssWith11kPodsMiB.toFixed(0)} MiB, at the end ${m.finalRssMiB.toFixed(0)} MiB`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const started = performance.now();
  const etcd = await startEtcd();
  const memory: Record<string, Record<string, number>> = {};
  try {
    memory.embedded = await benchBackend('embedded', undefined);
    memory.etcd = await benchBackend('etcd', etcd);
  } finally {
    await etcd.stop();
  }
  const out = table(memory);
  console.log(`apiserver benchmark (${cpus().length} CPUs, ~1 KiB pods, watch fan-out to ${WATCHERS} watchers; watch ops/s = events delivered)\n`);
  console.log(out);
  console.log(`\nTook ${((performance.now() - started) / 1000).toFixed(0)} s.`);
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/apiserver.json', JSON.stringify({ date: new Date().toISOString(), cpus: cpus().length, scale: SCALE, rows, memory }, null, 2));
}

await main();
