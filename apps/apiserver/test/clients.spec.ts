import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from './harness';

type Logged = { type: 'ADDED' | 'MODIFIED' | 'DELETED'; name: string; rv: string };

/**
 * 1,000 writes on configmaps: creates, updates and deletes interleaved. Returns what a watcher
 * must see, in order. Half-way through, every open connection is cut to force a reconnect.
 */
async function writeWorkload(c: TestCluster, prefix: string, cutAt = 500): Promise<Logged[]> {
  const log: Logged[] = [];
  const ns = '/api/v1/namespaces/default/configmaps';
  let i = 0;
  while (log.length < 1000) {
    const name = `${prefix}-${i++}`;
    const created = (await c.request('POST', ns, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { v: '0' } })).json() as { metadata: { resourceVersion: string } };
    log.push({ type: 'ADDED', name, rv: created.metadata.resourceVersion });
    if (log.length === cutAt) expect(c.server.http.dropWatchConnections()).toBeGreaterThan(0);
    if (log.length >= 1000) break;
    const updated = (await c.request('PATCH', `${ns}/${name}`, { data: { v: '1' } }, { 'Content-Type': 'application/merge-patch+json' })).json() as {
      metadata: { resourceVersion: string };
    };
    log.push({ type: 'MODIFIED', name, rv: updated.metadata.resourceVersion });
    if (log.length === cutAt) expect(c.server.http.dropWatchConnections()).toBeGreaterThan(0);
    if (log.length >= 1000 || i % 2) continue;
    const deleted = await c.request('DELETE', `${ns}/${name}`);
    expect(deleted.status).toBe(200);
    // The DELETED event carries the delete's revision: one past the last write to the key.
    log.push({ type: 'DELETED', name, rv: '' });
    if (log.length === cutAt) expect(c.server.http.dropWatchConnections()).toBeGreaterThan(0);
  }
  return log;
}

function expectSameEvents(seen: Logged[], log: Logged[]) {
  expect(seen.map((e) => `${e.type} ${e.name}`)).toEqual(log.map((e) => `${e.type} ${e.name}`));
  for (let i = 0; i < log.length; i++) if (log[i].rv) expect(seen[i].rv, `event ${i}`).toBe(log[i].rv);
  const rvs = seen.map((e) => Number(e.rv));
  expect(rvs).toEqual([...rvs].sort((a, b) => a - b));
  expect(new Set(rvs).size).toBe(rvs.length);
}

describe('official clients watching the apiserver', () => {
  let c: TestCluster;
  beforeAll(async () => {
    c = await startCluster();
  });
  afterAll(async () => {
    await c?.stop();
  });

  it('a @kubernetes/client-node informer sees every event of 1,000 writes in order across a forced reconnect', async () => {
    const kc = new k8s.KubeConfig();
    // client-node refuses plain http unless TLS verification is explicitly off.
    kc.loadFromOptions({
      clusters: [{ name: 'test', server: c.url, skipTLSVerify: true }],
      users: [{ name: 'admin' }],
      contexts: [{ name: 'test', cluster: 'test', user: 'admin' }],
      currentContext: 'test',
    });
    const api = kc.makeApiClient(k8s.CoreV1Api);
    const seen: Logged[] = [];
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/default/configmaps', () => api.listNamespacedConfigMap({ namespace: 'default' }));
    const record = (type: Logged['type']) => (obj: k8s.V1ConfigMap) => {
      if (obj.metadata?.name?.startsWith('node-')) seen.push({ type, name: obj.metadata.name, rv: obj.metadata.resourceVersion ?? '' });
    };
    informer.on('add', record('ADDED'));
    informer.on('update', record('MODIFIED'));
    informer.on('delete', record('DELETED'));
    informer.on('error', () => setTimeout(() => void informer.start(), 100));
    await informer.start();
    const log = await writeWorkload(c, 'node');
    const deadline = Date.now() + 20_000;
    while (seen.length < log.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await informer.stop();
    expectSameEvents(seen, log);
  }, 60_000);

  it("Debian's python3-kubernetes watch sees every event of 1,000 writes in order across a forced reconnect", async () => {
    const script = join(c.dir, 'watch.py');
    writeFileSync(
      script,
      `import json, sys
from kubernetes import client, config, watch
config.load_kube_config(config_file=sys.argv[1])
v1 = client.CoreV1Api()
rv = v1.list_namespaced_config_map("default").metadata.resource_version
print(json.dumps({"ready": rv}), flush=True)
w = watch.Watch()
count = 0
want = int(sys.argv[2])
while count < want:
    try:
        for ev in w.stream(v1.list_namespaced_config_map, "default", resource_version=rv, _request_timeout=30):
            o = ev["object"]
            rv = o.metadata.resource_version
            if not o.metadata.name.startswith("py-"):
                continue
            print(json.dumps({"type": ev["type"], "name": o.metadata.name, "rv": rv}), flush=True)
            count += 1
            if count >= want:
                w.stop()
                break
    except Exception as e:  # a cut connection: resume from the last resourceVersion seen
        print(json.dumps({"reconnect": str(type(e).__name__)}), file=sys.stderr, flush=True)
        rv = w.resource_version or rv
`,
    );
    const child = spawn('/usr/bin/python3', [script, c.kubeconfig, '1000'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const seen: Logged[] = [];
    let buffered = '';
    let ready!: () => void;
    const isReady = new Promise<void>((r) => (ready = r));
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const msg = JSON.parse(line) as Logged & { ready?: string };
        if (msg.ready) ready();
        else seen.push(msg);
      }
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    await isReady;
    await new Promise((r) => setTimeout(r, 300));
    const log = await writeWorkload(c, 'py');
    const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000))]);
    if (code === 'timeout') child.kill('SIGKILL');
    expect(code, stderr).toBe(0);
    expectSameEvents(seen, log);
  }, 60_000);
});
