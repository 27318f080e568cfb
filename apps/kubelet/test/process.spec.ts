import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { corev1 } from '@tskube/api-types';
import { ApiClient } from '@tskube/client';
import { freePorts, startApiServerProcess, type ApiServerProcess } from '@tskube/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, Pods } from './harness';

// The kubelet as its own process (the bundle npm start runs), over the simulated runtime: flags,
// /healthz and /metrics, the real lifecycle on hollow containers, and a clean SIGTERM.
const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
let apiserver: ApiServerProcess;
let client: ApiClient;
let dir: string;

beforeAll(async () => {
  const built = spawnSync(process.execPath, [join(root, 'tools/build/bundle.mjs'), '--if-stale', 'kubelet'], { cwd: root, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`building the kubelet failed:\n${built.stdout}${built.stderr}`);
  apiserver = await startApiServerProcess();
  client = new ApiClient({ master: apiserver.master });
  dir = mkdtempSync(join(tmpdir(), 'tskube-kubelet-proc-'));
}, 120_000);

afterAll(async () => {
  client?.close();
  await apiserver?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function run(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [join(root, 'dist/apps/kubelet/main.js'), ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, TSKUBE_EXIT_WITH_PARENT: '1' } });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => out, exited };
}

describe('kubelet process', () => {
  it('exits 2 with a message on a bad flag', async () => {
    const p = run(['--runtime=docker']);
    expect(await p.exited).toBe(2);
    expect(p.output()).toContain('kubelet: invalid argument "docker" for "--runtime" flag');
  });

  it('runs pods over --runtime=fake, serves /healthz and /metrics, and stops cleanly on SIGTERM', async () => {
    const [healthz, port] = await freePorts(2);
    const p = run([
      `--master=${apiserver.master}`,
      '--runtime=fake',
      '--hostname-override=hollow-1',
      `--root-dir=${join(dir, 'root')}`,
      `--pod-logs-dir=${join(dir, 'logs')}`,
      `--healthz-port=${healthz}`,
      `--port=${port}`,
      '--node-ip=10.0.0.9',
      '--pod-cidr=10.99.0.0/24',
    ]);
    try {
      await eventually(async () => (await fetch(`http://127.0.0.1:${healthz}/healthz`)).status === 200, '/healthz answers ok', 30_000);
      await client.create(Pods, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'hollow' }, spec: { nodeName: 'hollow-1', containers: [{ name: 'c', image: 'busybox:1.35' }] } });
      const pod = await eventually(async () => {
        const got = await client.get<corev1.Pod>(Pods, 'default', 'hollow');
        return got.status?.phase === 'Running' ? got : undefined;
      }, 'the pod runs', 30_000);
      expect(pod.status).toMatchObject({ hostIP: '10.0.0.9', qosClass: 'BestEffort' });
      expect(pod.status!.containerStatuses![0]).toMatchObject({ ready: true, restartCount: 0 });
      const node = await client.get<corev1.Node>({ group: '', version: 'v1', resource: 'nodes' }, '', 'hollow-1');
      expect(node.metadata!.name).toBe('hollow-1');
      const metrics = await (await fetch(`http://127.0.0.1:${healthz}/metrics`)).text();
      expect(metrics).toMatch(/kubelet_pod_worker_syncs_total\{outcome="ok",component="kubelet"\} [1-9]/);
      expect(metrics).toMatch(/kubelet_pod_worker_duration_seconds_count\{component="kubelet",operation="create"\} [1-9]/);
      await eventually(async () => /kubelet_running_pods\{component="kubelet"\} 1\b/.test(await (await fetch(`http://127.0.0.1:${healthz}/metrics`)).text()), 'kubelet_running_pods counts the pod', 30_000);
      expect(p.output()).toContain('"msg":"kubelet started"');
      // The kubelet API lists the pods it runs.
      const podList = (await (await fetch(`http://127.0.0.1:${port}/pods`)).json()) as { kind: string; items: corev1.Pod[] };
      expect(podList.kind).toBe('PodList');
      expect(podList.items.map((i) => i.metadata?.name)).toEqual(['hollow']);
    } finally {
      p.child.kill('SIGTERM');
    }
    expect(await p.exited).toBe(0);
    expect(p.output()).toContain('"msg":"shutdown complete"');
  }, 90_000);
});
