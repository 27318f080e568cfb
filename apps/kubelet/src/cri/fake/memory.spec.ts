import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { FakeEnv } from './behaviour';
import { FakeRuntime } from './fake-runtime';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapUsed(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

/** One pod as a hollow kubelet creates it: a sandbox and a running container with kubelet-sized labels. */
async function runPod(rt: FakeRuntime, i: number): Promise<void> {
  const uid = `0b9f3c1e-0000-4000-8000-${String(i).padStart(12, '0')}`;
  const sandboxConfig = {
    metadata: { name: `web-7d4b9c8f5-${i}`, namespace: 'default', uid, attempt: 0 },
    labels: { app: 'web', 'pod-template-hash': '7d4b9c8f5', 'io.kubernetes.pod.name': `web-7d4b9c8f5-${i}`, 'io.kubernetes.pod.namespace': 'default', 'io.kubernetes.pod.uid': uid },
    annotations: { 'kubernetes.io/config.seen': '2026-01-01T00:00:00Z', 'kubernetes.io/config.source': 'api' },
  };
  const sb = await rt.runPodSandbox(sandboxConfig);
  const id = await rt.createContainer(
    sb,
    {
      metadata: { name: 'app', attempt: 0 },
      image: { image: 'docker.io/library/nginx:1.22' },
      envs: [{ key: 'KUBERNETES_SERVICE_HOST', value: '10.96.0.1' }, ...(i % 2 === 0 ? [{ key: FakeEnv.ExitAfterMs, value: '3600000' }] : [])],
      labels: { 'io.kubernetes.container.name': 'app', 'io.kubernetes.pod.name': sandboxConfig.metadata.name, 'io.kubernetes.pod.namespace': 'default', 'io.kubernetes.pod.uid': uid },
      annotations: { 'io.kubernetes.container.hash': '5e1b7c3a', 'io.kubernetes.container.restartCount': '0', 'io.kubernetes.container.terminationMessagePath': '/dev/termination-log' },
    },
    sandboxConfig,
  );
  await rt.startContainer(id);
}

describe('FakeRuntime memory', () => {
  it('holds 1,000 running pods in a few MB', async () => {
    const rt = new FakeRuntime();
    try {
      await runPod(rt, -1); // warm up shared structures (image store, code paths)
      const before = heapUsed();
      for (let i = 0; i < 1000; i++) await runPod(rt, i);
      const after = heapUsed();
      const perContainer = (after - before) / 1000;
      console.log(`fake runtime: ${(after - before) / 1024 / 1024} MiB per 1,000 pods (sandbox + running container), ${Math.round(perContainer)} bytes each`);
      expect(rt.counts()).toMatchObject({ sandboxes: 1001, containers: 1001, running: 1001, timers: 500 });
      // A generous bound: the point is that a hollow node's runtime costs kilobytes, not megabytes.
      expect(perContainer).toBeLessThan(8 * 1024);
    } finally {
      rt.close();
    }
  });

  it('costs a few KB per idle runtime, one per hollow node', () => {
    const before = heapUsed();
    const many = Array.from({ length: 1000 }, () => new FakeRuntime());
    const after = heapUsed();
    const each = (after - before) / many.length;
    console.log(`fake runtime: ${Math.round(each)} bytes per idle instance`);
    expect(many.every((r) => r.counts().sandboxes === 0)).toBe(true);
    expect(each).toBeLessThan(16 * 1024);
  });
});
