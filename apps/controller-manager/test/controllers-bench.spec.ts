import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// `npm run bench:controllers` at a tenth of its size: the whole benchmark runs to completion.

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const dir = mkdtempSync(join(tmpdir(), 'tskube-controllers-bench-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Result {
  scale: number;
  sizes: { scaleUpReplicas: number; rollingReplicas: number; namespaceObjects: number };
  components: Record<string, string>;
  scenarios: { scenario: string; size: number; phases: { phase: string; seconds: number }[] }[];
  exitCodes: { controllerManager: number | null; scheduler: number | null };
}

describe('bench:controllers quick mode', () => {
  it('scales up, rolls out and deletes a namespace, timing every phase', async () => {
    const out = join(dir, 'controllers.json');
    const { code, output } = await new Promise<{ code: number | null; output: string }>((done) => {
      const child = spawn(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'bench/controllers.bench.ts')], {
        cwd: root,
        env: { ...process.env, BENCH_SCALE: '0.1', BENCH_OUT: out },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let text = '';
      child.stdout.on('data', (c: Buffer) => (text += c.toString()));
      child.stderr.on('data', (c: Buffer) => (text += c.toString()));
      child.on('exit', (c) => done({ code: c, output: text }));
    });
    expect(code, output).toBe(0);
    expect(output).toMatch(/scenario\s+phase\s+objects\s+seconds/);

    const result = JSON.parse(readFileSync(out, 'utf8')) as Result;
    expect(result.scale).toBe(0.1);
    expect(result.sizes).toEqual({ scaleUpReplicas: 300, rollingReplicas: 100, namespaceObjects: 500 });
    expect(result.components).toMatchObject({ controllerManager: 'process', scheduler: 'process' });
    expect(result.scenarios.map((s) => [s.scenario, s.size, s.phases.map((p) => p.phase)])).toEqual([
      ['scale-up', 300, ['all pods created', 'all Running and Ready', 'Deployment available']],
      ['rolling update (maxSurge 25%)', 100, ['all new pods created', 'all new pods Ready', 'rollout complete', 'old pods gone']],
      ['namespace deletion', 500, ['pods gone', 'namespace gone']],
    ]);
    for (const s of result.scenarios) {
      for (const p of s.phases) expect(p.seconds, `${s.scenario}: ${p.phase}`).toBeGreaterThan(0);
    }
    // Pods are Running only after they exist.
    const [created, running] = result.scenarios[0]!.phases;
    expect(running!.seconds).toBeGreaterThanOrEqual(created!.seconds);
    // The components shut down cleanly on SIGTERM.
    expect(result.exitCodes).toEqual({ controllerManager: 0, scheduler: 0 });
  }, 600_000);
});
