import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const startScript = new URL('./start.mjs', import.meta.url).pathname;

// A stand-in component: serves /healthz, logs a line, and on SIGTERM logs again and exits 0.
// `exitAfterMs` makes it die on its own, to exercise the launcher's fail-fast path.
const fakeComponent = `
const http = require('node:http');
const [port, exitAfterMs] = process.argv.slice(2).map(Number);
http.createServer((req, res) => { res.writeHead(req.url === '/healthz' ? 200 : 404); res.end('ok'); })
  .listen(port, '127.0.0.1', () => console.log(JSON.stringify({ msg: 'listening', port, pid: process.pid })));
process.on('SIGTERM', () => { console.log(JSON.stringify({ msg: 'terminating', pid: process.pid })); process.exit(0); });
if (exitAfterMs) setTimeout(() => { console.log('giving up'); process.exit(3); }, exitAfterMs);
`;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  waitFor: (text: string) => Promise<void>;
}

function runStart(dir: string, componentsFile?: string): Run {
  const env = { ...process.env };
  if (componentsFile) env.TSKUBE_CLUSTER_COMPONENTS = componentsFile;
  else delete env.TSKUBE_CLUSTER_COMPONENTS;
  const child = spawn(process.execPath, [startScript, `--data-dir=${join(dir, 'data')}`], { env });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  const waitFor = async (text: string) => {
    const deadline = Date.now() + 15_000;
    while (!out.includes(text)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`never printed ${JSON.stringify(text)}:\n${out}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  return { child, output: () => out, exited, waitFor };
}

describe('npm start (tools/cluster/start.mjs)', () => {
  let dir: string;
  const runs: Run[] = [];
  afterEach(() => {
    for (const r of runs) if (r.child.exitCode === null) r.child.kill('SIGKILL');
    runs.length = 0;
    rmSync(dir, { recursive: true, force: true });
  });

  async function writeComponents(specs: { name: string; exitAfterMs?: number }[]) {
    dir = mkdtempSync(join(tmpdir(), 'tskube-start-'));
    const script = join(dir, 'fake.cjs');
    writeFileSync(script, fakeComponent);
    const components = [];
    for (const s of specs) {
      const port = await freePort();
      components.push({
        name: s.name,
        command: process.execPath,
        args: [script, String(port), String(s.exitAfterMs ?? 0)],
        healthUrl: `http://127.0.0.1:${port}/healthz`,
      });
    }
    const file = join(dir, 'components.json');
    writeFileSync(file, JSON.stringify(components));
    return file;
  }

  const pidsFromLogs = (names: string[]) =>
    names.map((n) => JSON.parse(readFileSync(join(dir, 'data/logs', `${n}.log`), 'utf8').split('\n')[0]).pid as number);

  it.each(['SIGTERM', 'SIGINT'] as const)('runs each component, logs to <data-dir>/logs, and stops them all on %s', async (signal) => {
    const file = await writeComponents([{ name: 'alpha' }, { name: 'beta' }]);
    const run = runStart(dir, file);
    runs.push(run);
    await run.waitFor('running; Ctrl-C stops every component');
    expect(run.output()).toMatch(/alpha ready in \d+ ms/);
    expect(run.output()).toMatch(/beta ready in \d+ ms/);
    const pids = pidsFromLogs(['alpha', 'beta']);
    expect(pids.every(alive)).toBe(true);

    run.child.kill(signal);
    expect(await run.exited).toBe(0);
    expect(pids.some(alive)).toBe(false);
    for (const n of ['alpha', 'beta']) {
      expect(readFileSync(join(dir, 'data/logs', `${n}.log`), 'utf8')).toContain('"msg":"terminating"');
    }
    // Stopped in reverse start order.
    expect(run.output().indexOf('beta stopped')).toBeLessThan(run.output().indexOf('alpha stopped'));
  });

  it('stops the others and exits non-zero when a component dies', async () => {
    const file = await writeComponents([{ name: 'steady' }, { name: 'flaky', exitAfterMs: 500 }]);
    const run = runStart(dir, file);
    runs.push(run);
    await run.waitFor('running');
    const [steadyPid] = pidsFromLogs(['steady']);
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('flaky exited unexpectedly (3)');
    expect(run.output()).toContain('giving up');
    expect(alive(steadyPid)).toBe(false);
  });

  it('runs the real cluster: builds, starts the apiserver, writes a kubeconfig, and keeps objects across restarts', async () => {
    dir = mkdtempSync(join(tmpdir(), 'tskube-start-'));
    const kubectl = (args: string[], input?: string) =>
      execFileSync('/usr/lib/google-cloud-sdk/bin/kubectl', [`--kubeconfig=${join(dir, 'data/kubeconfig')}`, `--cache-dir=${join(dir, 'cache')}`, ...args], {
        encoding: 'utf8',
        input,
      });
    const first = runStart(dir);
    runs.push(first);
    await first.waitFor('running; Ctrl-C stops every component');
    expect(first.output()).toMatch(/apiserver ready in \d+ ms/);
    expect(first.output()).toMatch(/controller-manager ready in \d+ ms/);
    expect(first.output()).toMatch(/scheduler ready in \d+ ms/);
    expect(first.output()).toMatch(/containerd ready in \d+ ms/);
    expect(first.output()).toMatch(/kubelet ready in \d+ ms/);
    expect(kubectl(['get', 'ns', '-o', 'name'])).toContain('namespace/kube-system');
    kubectl(['create', '-f', '-', '--validate=false'], '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"survivor"},"data":{"a":"b"}}');
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(readFileSync(join(dir, 'data/logs/apiserver.log'), 'utf8')).toContain('"msg":"shutdown complete"');

    const second = runStart(dir);
    runs.push(second);
    await second.waitFor('running; Ctrl-C stops every component');
    expect(kubectl(['get', 'configmap', 'survivor', '-o', 'jsonpath={.data.a}'])).toBe('b');
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);

    // A launcher killed outright leaves no component behind.
    const third = runStart(dir);
    runs.push(third);
    await third.waitFor('running; Ctrl-C stops every component');
    const pids = ['apiserver', 'kubelet', 'containerd'].map((name) => Number(new RegExp(`${name} ready in \\d+ ms \\(pid (\\d+)`).exec(third.output())![1]));
    for (const pid of pids) expect(alive(pid)).toBe(true);
    third.child.kill('SIGKILL');
    const deadline = Date.now() + 20_000;
    while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    for (const pid of pids) expect(alive(pid)).toBe(false);
  }, 60_000);
});
