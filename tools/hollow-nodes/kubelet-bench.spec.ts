import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const dir = mkdtempSync(join(tmpdir(), 'tskb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Latency {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}
interface Scenario {
  scenario: string;
  nodes: number;
  pods: number;
  running: number;
  ready: number;
  createToScheduled: Latency;
  createToRunning: Latency;
  createToReady: Latency;
  scheduledToRunning: Latency;
  allReadySeconds: number;
  kubelet: { process: string; rssMiB: number; peakRssMiB: number; cpuPercentStartup: number; cpuPercentSteady: number; idleRssMiB?: number; idleCpuPercent?: number };
  apiserver: { rssMiB: number; cpuPercentStartup: number };
  scheduler: { rssMiB: number; cpuPercentStartup: number };
  benchCpuPercentStartup: number;
  containerd?: { rssMiB: number; cpuPercentStartup: number };
  nodesReadySeconds?: number;
  meetsSlo: boolean;
  error?: string;
}

/** Processes whose command line mentions `marker` (this run's temporary directories). */
function processesMentioning(marker: string): string[] {
  return execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes(marker) && !l.includes('ps -eo'));
}

describe('npm run bench:kubelet -- --quick', () => {
  it('brings every pod to Running on a real node and on hollow nodes, writes every figure, and leaves nothing behind', async () => {
    const out = join(dir, 'kubelet.json');
    const tmp = join(dir, 't');
    execFileSync('mkdir', ['-p', tmp]);
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench/kubelet.bench.ts'), '--quick', `--out=${out}`], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Every directory the run makes goes below `tmp`, so what it leaves behind can be found.
      env: { ...process.env, TMPDIR: tmp },
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code, output).toBe(0);

    const report = JSON.parse(readFileSync(out, 'utf8')) as { quick: boolean; sloP99Ms: number; cpus: number; scenarios: Scenario[] };
    expect(report).toMatchObject({ quick: true, sloP99Ms: 5000 });
    expect(report.scenarios.map((s) => [s.scenario, s.nodes, s.pods])).toEqual([
      ['real node', 1, 5],
      ['hollow 10', 10, 200],
      ['hollow 50', 50, 150],
    ]);
    for (const s of report.scenarios) {
      expect(s.error, s.scenario).toBeUndefined();
      expect(s.running, s.scenario).toBe(s.pods);
      expect(s.ready, s.scenario).toBe(s.pods);
      for (const l of [s.createToScheduled, s.createToRunning, s.createToReady, s.scheduledToRunning]) {
        expect(l.p50Ms, s.scenario).toBeGreaterThan(0);
        expect(l.p99Ms, s.scenario).toBeGreaterThanOrEqual(l.p50Ms);
        expect(l.maxMs, s.scenario).toBeGreaterThanOrEqual(l.p99Ms);
      }
      // Bound, then Running, then Ready (or Running and Ready in one event); never the other way.
      expect(s.createToRunning.p50Ms, s.scenario).toBeGreaterThanOrEqual(s.createToScheduled.p50Ms);
      expect(s.createToReady.p50Ms, s.scenario).toBeGreaterThanOrEqual(s.createToRunning.p50Ms);
      expect(s.scheduledToRunning.p99Ms, s.scenario).toBeLessThanOrEqual(s.createToRunning.maxMs);
      expect(s.benchCpuPercentStartup, s.scenario).toBeGreaterThan(0);
      expect(s.kubelet.rssMiB, s.scenario).toBeGreaterThan(20);
      expect(s.kubelet.peakRssMiB, s.scenario).toBeGreaterThanOrEqual(s.kubelet.rssMiB);
      expect(s.kubelet.cpuPercentStartup, s.scenario).toBeGreaterThan(0);
      expect(Number.isFinite(s.kubelet.cpuPercentSteady), s.scenario).toBe(true);
      expect(s.apiserver.rssMiB, s.scenario).toBeGreaterThan(20);
      expect(s.scheduler.rssMiB, s.scenario).toBeGreaterThan(20);
      expect(s.meetsSlo, s.scenario).toBe(s.createToRunning.p99Ms <= 5000);
    }
    expect(report.scenarios[0]!.kubelet.process).toContain('containerd');
    expect(report.scenarios[0]!.containerd!.rssMiB).toBeGreaterThan(5);
    expect(report.scenarios[0]!.containerd!.cpuPercentStartup).toBeGreaterThan(0);
    for (const s of report.scenarios.slice(1)) {
      expect(s.kubelet.idleRssMiB, s.scenario).toBeGreaterThan(20);
      expect(Number.isFinite(s.kubelet.idleCpuPercent), s.scenario).toBe(true);
      expect(s.nodesReadySeconds, s.scenario).toBeGreaterThan(0);
    }
    expect(output).toContain('Running p50/p99 ms');

    // No process of the run is left (containerd, its shims, the kubelet, the hollow host), nor a directory.
    expect(processesMentioning(tmp)).toEqual([]);
    // (tsx, which runs the bench, keeps its compile cache there: tsx-<uid>.)
    const left = execFileSync('ls', ['-A', tmp], { encoding: 'utf8' }).split('\n').filter((e) => e !== '' && !/^tsx-\d+$/.test(e));
    expect(left).toEqual([]);
  }, 900_000);
});
