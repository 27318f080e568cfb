import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const dir = mkdtempSync(join(tmpdir(), 'tskube-scheduler-bench-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Result {
  id: string;
  nodes: number;
  pods: number;
  bound: number;
  podsPerSecAvg: number;
  podsPerSecP50: number;
  latencyP99Ms: number;
  preempted?: number;
  reference: { workload: string; source: string };
  error?: string;
}

describe('npm run bench:scheduler -- --quick', () => {
  it('binds every pod of the five workloads on hollow nodes and writes their figures', async () => {
    const out = join(dir, 'scheduler.json');
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench/scheduler.bench.ts'), '--quick', `--out=${out}`], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code, output).toBe(0);

    const report = JSON.parse(readFileSync(out, 'utf8')) as { quick: boolean; workloads: Result[] };
    expect(report.quick).toBe(true);
    expect(report.workloads.map((w) => w.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
    // A tenth of 1k/5k nodes with 10k/5k pods, and of the preemption case.
    expect(report.workloads.map((w) => [w.nodes, w.pods])).toEqual([
      [100, 1000],
      [500, 1000],
      [100, 500],
      [100, 500],
      [100, 50],
    ]);
    for (const w of report.workloads) {
      expect(w.error, w.id).toBeUndefined();
      expect(w.bound, w.id).toBe(w.pods);
      expect(w.podsPerSecAvg, w.id).toBeGreaterThan(0);
      expect(w.podsPerSecP50, w.id).toBeGreaterThanOrEqual(0);
      expect(Number.isFinite(w.latencyP99Ms), w.id).toBe(true);
      expect(w.reference.source, w.id).toMatch(/scheduler_perf/);
    }
    // Each high-priority pod (3 CPUs) lands on a 4-CPU node that four 900m pods filled, so at
    // least three of them had to go for each.
    const e = report.workloads[4]!;
    expect(e.preempted).toBeGreaterThanOrEqual(3 * e.pods);
    expect(output).toContain('pods/s avg');
  }, 900_000);
});
