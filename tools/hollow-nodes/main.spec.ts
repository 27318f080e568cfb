import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { corev1 } from '@tskube/api-types';
import { ApiClient } from '@tskube/client';
import { freePort, startApiServerProcess, type ApiServerProcess } from '@tskube/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// tools/hollow-nodes/main.ts as its own process, as `npm run hollow-nodes` runs it.
const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const Nodes = { group: '', version: 'v1', resource: 'nodes' };
const Pods = { group: '', version: 'v1', resource: 'pods' };
let api: ApiServerProcess;
let client: ApiClient;
let dir: string;

beforeAll(async () => {
  api = await startApiServerProcess();
  client = new ApiClient({ master: api.master });
  dir = mkdtempSync(join(tmpdir(), 'tskube-hollow-main-'));
}, 120_000);

afterAll(async () => {
  client?.close();
  await api?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function run(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'tools/hollow-nodes/main.ts'), ...args], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, TSKUBE_EXIT_WITH_PARENT: '1' },
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => out, exited };
}

async function eventually<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('hollow-nodes process', () => {
  it('exits 2 with a message on a bad flag', async () => {
    const p = run(['--count=-3']);
    expect(await p.exited).toBe(2);
    expect(p.output()).toContain('hollow-nodes: invalid argument "-3" for "--count" flag');
  }, 60_000);

  it('hosts the hollow kubelets behind one /healthz and /metrics, runs their pods, and on SIGTERM stops them and deletes their nodes', async () => {
    const port = await freePort();
    const p = run([`--master=${api.master}`, '--count=4', '--name-prefix=proc', `--healthz-port=${port}`, '--delete-nodes-on-exit', `--root-dir=${join(dir, 'root')}`]);
    try {
      await eventually(async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200, '/healthz answers ok');
      const nodes = (await client.list<corev1.Node>(Nodes, '')).items.map((n) => n.metadata!.name).filter((n) => n!.startsWith('proc-'));
      expect(nodes.sort()).toEqual(['proc-0', 'proc-1', 'proc-2', 'proc-3']);
      for (const node of ['proc-0', 'proc-3']) {
        await client.create(Pods, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: `on-${node}` }, spec: { nodeName: node, containers: [{ name: 'c', image: 'busybox:1.36' }] } });
      }
      await eventually(async () => {
        const pods = await Promise.all(['on-proc-0', 'on-proc-3'].map((n) => client.get<corev1.Pod>(Pods, 'default', n)));
        return pods.every((x) => x.status?.phase === 'Running');
      }, 'both pods run');
      const metrics = await eventually(async () => {
        const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        return /^kubelet_running_pods\{component="hollow-nodes"\} 2$/m.test(text) ? text : undefined;
      }, 'kubelet_running_pods sums both nodes\' pods', 30_000);
      expect(metrics).toMatch(/^kubelet_node_name\{node="proc-3",component="hollow-nodes"\} 1$/m);
      expect(metrics).toMatch(/^process_resident_memory_bytes\{component="hollow-nodes"\} \d+/m);
      expect(p.output()).toContain('"msg":"hollow nodes ready","nodes":4,"started":4,"healthy":4');
    } finally {
      p.child.kill('SIGTERM');
    }
    expect(await p.exited).toBe(0);
    expect(p.output()).toContain('"msg":"hollow nodes deleted","deleted":4');
    expect(p.output()).toContain('"msg":"shutdown complete"');
    const left = (await client.list<corev1.Node>(Nodes, '')).items.filter((n) => n.metadata!.name!.startsWith('proc-'));
    expect(left).toEqual([]);
  }, 120_000);

  it('stops on SIGTERM even while its kubelets cannot reach the apiserver', async () => {
    const [port, nobody] = [await freePort(), await freePort()];
    const p = run([`--master=127.0.0.1:${nobody}`, '--count=3', '--name-prefix=lost', `--healthz-port=${port}`]);
    try {
      await eventually(async () => p.output().includes('unable to register node with the API server, will retry'), 'registration is retried');
      // Not every kubelet is up: /healthz says so.
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(res.status).toBe(500);
      expect(await res.text()).toContain('0 of 3 hollow kubelets are up');
    } finally {
      p.child.kill('SIGTERM');
    }
    const t0 = Date.now();
    expect(await p.exited).toBe(0);
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(p.output()).toContain('"msg":"shutdown complete"');
  }, 90_000);

  it('removes the temporary root directory it made', async () => {
    const port = await freePort();
    const p = run([`--master=${api.master}`, '--count=1', '--name-prefix=tmp', `--healthz-port=${port}`]);
    let rootDir = '';
    try {
      await eventually(async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200, '/healthz answers ok');
      rootDir = /"rootDir":"([^"]+)"/.exec(p.output())?.[1] ?? '';
      expect(existsSync(join(rootDir, 'tmp-0'))).toBe(true);
    } finally {
      p.child.kill('SIGTERM');
    }
    expect(await p.exited).toBe(0);
    expect(existsSync(rootDir)).toBe(false);
    // Without --delete-nodes-on-exit the Node stays, as a stopped kubelet's does.
    expect((await client.get<corev1.Node>(Nodes, '', 'tmp-0')).metadata!.name).toBe('tmp-0');
  }, 120_000);
});
