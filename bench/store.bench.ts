/**
 * Store benchmark: the embedded store, the etcd store (our layer) and raw etcd3 calls against the
 * same etcd, for create, compare-and-swap update, get, prefix lists of 1k and 10k keys, and watch
 * delivery. Sequential runs give single-client latency; concurrent runs keep CONCURRENCY calls in
 * flight and give throughput. Prints a table and writes bench/results/store.json.
 *
 *   npm run bench:store            (BENCH_SCALE=0.25 for a quick run)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { EmbeddedStore, EtcdStore, type Store } from '@tskube/store';
import { startEtcd } from '@tskube/test-support';
import { Etcd3 } from 'etcd3';

const SCALE = Number(process.env['BENCH_SCALE'] ?? 1);
const n = (count: number) => Math.max(10, Math.round(count * SCALE));
const COUNTS = {
  writes: n(2000),
  reads: n(2000),
  list1kRuns: n(40),
  list10kRuns: n(8),
  watchLatency: n(500),
  watchBurst: n(3000),
  warmup: n(200),
};
const CONCURRENCY = 16;
const VALUE = new Uint8Array(512).fill(0x61);
const VALUE_BUFFER = Buffer.from(VALUE);

type TargetName = 'embedded' | 'etcd' | 'raw-etcd3';
type Mode = 'seq' | `c${number}`;

/** The operations measured, over either a Store or the bare etcd3 client. */
interface Target {
  name: TargetName;
  create(key: string): Promise<number>;
  update(key: string, expectedModRevision: number): Promise<number>;
  get(key: string): Promise<unknown>;
  list(prefix: string): Promise<number>;
  /** Starts a prefix watch that has seen every write after it resolves; returns a stop function. */
  watch(prefix: string, onEvent: (key: string) => void): Promise<() => void>;
}

function storeTarget(name: TargetName, store: Store): Target {
  return {
    name,
    create: async (key) => (await store.create(key, VALUE)).modRevision,
    update: async (key, rev) => (await store.update(key, VALUE, rev)).modRevision,
    get: (key) => store.get(key),
    list: async (prefix) => (await store.list(prefix)).items.length,
    watch: async (prefix, onEvent) => {
      const watcher = store.watch(prefix, { prefix: true, startRevision: (await store.currentRevision()) + 1 });
      void (async () => {
        try {
          for await (const event of watcher) onEvent(event.kv.key);
        } catch {
          // closed or failed: the measurement notices missing events
        }
      })();
      return () => watcher.close();
    },
  };
}

/** The same requests our layer sends, made directly: the baseline for its overhead. */
function rawTarget(client: Etcd3): Target {
  const key = (k: string) => Buffer.from(k);
  return {
    name: 'raw-etcd3',
    create: async (k) => {
      const res = await client.kv.txn({
        compare: [{ key: key(k), target: 'Create', result: 'Equal', create_revision: 0 }],
        success: [{ request_put: { key: key(k), value: VALUE_BUFFER } }],
      });
      if (!res.succeeded) throw new Error(`exists: ${k}`);
      return Number(res.header.revision);
    },
    update: async (k, rev) => {
      const res = await client.kv.txn({
        compare: [
          { key: key(k), target: 'Version', result: 'Greater', version: 0 },
          { key: key(k), target: 'Mod', result: 'Equal', mod_revision: rev },
        ],
        success: [{ request_put: { key: key(k), value: VALUE_BUFFER, prev_kv: true } }],
        failure: [{ request_range: { key: key(k) } }],
      });
      if (!res.succeeded) throw new Error(`conflict: ${k}`);
      return Number(res.header.revision);
    },
    get: (k) => client.kv.range({ key: key(k) }),
    list: async (prefix) => {
      const start = key(prefix);
      const end = Buffer.from(start);
      end[end.length - 1]! += 1; // bench prefixes end in '/', never 0xff
      return (await client.kv.range({ key: start, range_end: end })).kvs.length;
    },
    watch: async (prefix, onEvent) => {
      const watcher = await client.watch().prefix(prefix).create();
      watcher.on('put', (kv) => onEvent(kv.key.toString()));
      return () => void watcher.cancel();
    },
  };
}

interface Result {
  op: string;
  mode: Mode;
  target: TargetName;
  count: number;
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

const results: Result[] = [];

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function record(op: string, mode: Mode, target: TargetName, latencies: number[], elapsedMs: number): void {
  const sorted = [...latencies].sort((a, b) => a - b);
  const result = {
    op,
    mode,
    target,
    count: latencies.length,
    opsPerSec: latencies.length / (elapsedMs / 1000),
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
  };
  results.push(result);
  process.stderr.write(`  ${op.padEnd(8)} ${mode.padEnd(4)} ${target.padEnd(10)} ${fmt(result.opsPerSec, 0).padStart(8)} ops/s\n`);
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

/** Per-target state across phases: its key space and the latest revision of each object. */
interface Subject {
  target: Target;
  base: string;
  revisions: number[];
}

const CHUNKS = 4;

/**
 * Measures one operation on every subject. The etcd layer and raw etcd3 share one etcd and two
 * cores with this process, so drift (etcd's database growing, JIT, background compaction) would
 * favour whichever runs later: the work is split into chunks and the subjects take turns, in a
 * rotating order, chunk by chunk. `fn` gets the item index, `offset + [0, count)`.
 */
async function compare(
  op: string,
  subjects: Subject[],
  count: number,
  concurrency: number,
  fn: (subject: Subject, i: number) => Promise<unknown>,
  offset = 0,
): Promise<void> {
  const mode: Mode = concurrency === 1 ? 'seq' : `c${concurrency}`;
  const totals = new Map(subjects.map((s) => [s, { latencies: [] as number[], elapsedMs: 0 }]));
  const chunks = Math.min(CHUNKS, count);
  for (let chunk = 0; chunk < chunks; chunk++) {
    const from = Math.floor((chunk * count) / chunks);
    const to = Math.floor(((chunk + 1) * count) / chunks);
    for (let k = 0; k < subjects.length; k++) {
      const subject = subjects[(chunk + k) % subjects.length]!;
      const { latencies, elapsedMs } = await measure(to - from, concurrency, (i) => fn(subject, offset + from + i));
      const total = totals.get(subject)!;
      total.latencies.push(...latencies);
      total.elapsedMs += elapsedMs;
    }
  }
  for (const [subject, { latencies, elapsedMs }] of totals) record(op, mode, subject.target.name, latencies, elapsedMs);
}

const pad = (i: number) => String(i).padStart(6, '0');

/** Fills `prefix` with `count` keys, unmeasured. */
async function populate(target: Target, prefix: string, count: number): Promise<void> {
  await measure(count, 32, (i) => target.create(`${prefix}${pad(i)}`));
}

/** Watch latency: one write at a time, from issuing the write until its event arrives. */
async function watchLatency(subjects: Subject[]): Promise<void> {
  const waiting = new Map<string, () => void>();
  const stops = await Promise.all(subjects.map((s) => s.target.watch(`${s.base}watch-seq/`, (key) => waiting.get(key)?.())));
  await compare('watch', subjects, COUNTS.watchLatency, 1, async (s, i) => {
    const key = `${s.base}watch-seq/${pad(i)}`;
    const received = new Promise<void>((resolve) => waiting.set(key, resolve));
    await Promise.all([s.target.create(key), received]);
    waiting.delete(key);
  });
  for (const stop of stops) stop();
}

/**
 * Watch throughput: CONCURRENCY writers flat out, events per second from the first write until
 * the last event; latency per event from issuing its write. Two bursts per subject, alternating.
 */
async function watchBurst(subjects: Subject[]): Promise<void> {
  const totals = new Map(subjects.map((s) => [s, { latencies: [] as number[], elapsedMs: 0 }]));
  const size = Math.floor(COUNTS.watchBurst / 2);
  for (let burst = 0; burst < 2; burst++) {
    for (let k = 0; k < subjects.length; k++) {
      const s = subjects[(burst + k) % subjects.length]!;
      const prefix = `${s.base}watch-burst-${burst}/`;
      const issued = new Map<string, number>();
      const latencies: number[] = [];
      let lastEvent = 0;
      let allSeen: () => void = () => undefined;
      const done = new Promise<void>((resolve) => (allSeen = resolve));
      const stop = await s.target.watch(prefix, (key) => {
        const t0 = issued.get(key);
        if (t0 === undefined) return;
        lastEvent = performance.now();
        latencies.push(lastEvent - t0);
        if (latencies.length === size) allSeen();
      });
      const started = performance.now();
      await measure(size, CONCURRENCY, async (i) => {
        const key = `${prefix}${pad(i)}`;
        issued.set(key, performance.now());
        await s.target.create(key);
      });
      await done;
      stop();
      const total = totals.get(s)!;
      total.latencies.push(...latencies);
      total.elapsedMs += lastEvent - started;
    }
  }
  for (const [s, { latencies, elapsedMs }] of totals) record('watch', `c${CONCURRENCY}`, s.target.name, latencies, elapsedMs);
}

async function benchAll(subjects: Subject[]): Promise<void> {
  for (const s of subjects) await measure(COUNTS.warmup, CONCURRENCY, (i) => s.target.create(`${s.base}warmup/${pad(i)}`));
  const w = COUNTS.writes;
  const key = (s: Subject, i: number) => `${s.base}obj/${pad(i)}`;
  for (const [concurrency, offset] of [[1, 0], [CONCURRENCY, w]] as const) {
    await compare('create', subjects, w, concurrency, async (s, i) => (s.revisions[i] = await s.target.create(key(s, i))), offset);
  }
  for (const [concurrency, offset] of [[1, 0], [CONCURRENCY, w]] as const) {
    await compare('update', subjects, w, concurrency, async (s, i) => (s.revisions[i] = await s.target.update(key(s, i), s.revisions[i]!)), offset);
  }
  for (const concurrency of [1, CONCURRENCY]) {
    await compare('get', subjects, COUNTS.reads, concurrency, (s, i) => s.target.get(key(s, i % (2 * w))));
  }
  for (const s of subjects) {
    await populate(s.target, `${s.base}l1k/`, 1000);
    await populate(s.target, `${s.base}l10k/`, 10_000);
  }
  for (const [op, dir, size, runs] of [
    ['list1k', 'l1k/', 1000, COUNTS.list1kRuns],
    ['list10k', 'l10k/', 10_000, COUNTS.list10kRuns],
  ] as const) {
    await compare(op, subjects, runs, 1, async (s) => {
      const got = await s.target.list(`${s.base}${dir}`);
      if (got !== size) throw new Error(`${s.target.name} ${op}: listed ${got}, want ${size}`);
    });
  }
  await watchLatency(subjects);
  await watchBurst(subjects);
}

const fmt = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : '-');

function printTable(): string {
  const ops = [...new Set(results.map((r) => `${r.op} ${r.mode}`))];
  const targets: TargetName[] = ['embedded', 'etcd', 'raw-etcd3'];
  const header = ['op', ...targets.flatMap((t) => [`${t} ops/s`, 'p50 ms', 'p99 ms']), 'etcd/raw'];
  const rows = ops.map((key) => {
    const cells = [key];
    const byTarget = new Map(results.filter((r) => `${r.op} ${r.mode}` === key).map((r) => [r.target, r]));
    for (const t of targets) {
      const r = byTarget.get(t);
      cells.push(r ? fmt(r.opsPerSec, 0) : '-', r ? fmt(r.p50Ms, 3) : '-', r ? fmt(r.p99Ms, 3) : '-');
    }
    cells.push(fmt(overhead(byTarget.get('etcd'), byTarget.get('raw-etcd3')), 2));
    return cells;
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Time per operation of our layer over that of raw etcd3 (raw ops/s over layer ops/s): 1.00 = no overhead. */
function overhead(layer: Result | undefined, raw: Result | undefined): number {
  return layer && raw ? raw.opsPerSec / layer.opsPerSec : NaN;
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
  const work = mkdtempSync(join(tmpdir(), 'tskube-bench-'));
  const etcd = await startEtcd({ tmpRoot: work });
  const embedded = EmbeddedStore.open({ path: join(work, 'embedded', 'state.db') });
  const layer = new EtcdStore({ endpoints: etcd.endpoint });
  const raw = new Etcd3({ hosts: etcd.endpoint, grpcOptions: { 'grpc.max_receive_message_length': -1 } });
  try {
    // Same etcd for both etcd targets, under different prefixes.
    await benchAll([
      { target: storeTarget('embedded', embedded), base: '/bench/', revisions: [] },
      { target: storeTarget('etcd', layer), base: '/bench/layer/', revisions: [] },
      { target: rawTarget(raw), base: '/bench/raw/', revisions: [] },
    ]);
  } finally {
    await embedded.close();
    await layer.close();
    raw.close();
    await etcd.stop();
    rmSync(work, { recursive: true, force: true });
  }

  const table = printTable();
  console.log(`\nStore benchmark (${cpus().length} CPUs, ${etcdVersion()}, ${VALUE.byteLength}-byte values, c${CONCURRENCY} = ${CONCURRENCY} in flight)\n`);
  console.log(table);
  const elapsedSeconds = (performance.now() - started) / 1000;
  console.log(`\netcd/raw: time per op of our etcd layer relative to raw etcd3 calls. Took ${elapsedSeconds.toFixed(1)} s.`);

  const overheadRows = [...new Set(results.map((r) => `${r.op}|${r.mode}`))].map((key) => {
    const [op, mode] = key.split('|') as [string, Mode];
    const find = (t: TargetName) => results.find((r) => r.op === op && r.mode === mode && r.target === t);
    return { op, mode, etcdOverRaw: overhead(find('etcd'), find('raw-etcd3')) };
  });
  const out = join(import.meta.dirname, 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(
    join(out, 'store.json'),
    JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        cpus: cpus().length,
        etcd: etcdVersion(),
        valueBytes: VALUE.byteLength,
        concurrency: CONCURRENCY,
        counts: COUNTS,
        elapsedSeconds,
        results,
        overhead: overheadRows,
      },
      null,
      2,
    ) + '\n',
  );
}

await main();
