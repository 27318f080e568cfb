import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubectlFor, type Kubectl, type KubectlResult } from '@tskube/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHollowCluster, type HollowCluster } from './cluster';

// Acceptance: the real kubectl 1.33 drives a Deployment's rollout against the apiserver, the
// controller-manager and the scheduler as processes, with hollow nodes playing the kubelets.

const NS = 'rollout';

let cluster: HollowCluster;
let dir: string;
let k: Kubectl;

function kubectl(...args: string[]): Promise<KubectlResult> {
  return k.run(`--namespace=${NS}`, ...args);
}

/** Runs kubectl and insists it succeeded, showing its stderr otherwise. */
async function ok(...args: string[]): Promise<string> {
  const r = await kubectl(...args);
  expect(r.code, `kubectl ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

async function rolloutStatus(): Promise<void> {
  const out = await ok('rollout', 'status', 'deployment/web', '--timeout=60s');
  expect(out.trim().split('\n').at(-1)).toBe('deployment "web" successfully rolled out');
}

async function image(): Promise<string> {
  return ok('get', 'deployment/web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}');
}

/** Polls `check` until it holds or `ms` pass. */
async function until(check: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: app
        image: nginx:1.27
`;

beforeAll(async () => {
  cluster = await startHollowCluster({ nodes: 3 });
  k = kubectlFor(cluster.api.url, { timeoutMs: 90_000 });
  dir = k.dir;
  await ok('create', 'namespace', NS);
}, 120_000);

afterAll(async () => {
  const codes = await cluster?.stop();
  k?.close();
  // SIGTERM is a clean shutdown for both components.
  if (codes) expect(codes).toEqual({ controllerManager: 0, scheduler: 0 });
}, 60_000);

describe('kubectl rollout against the control plane', () => {
  it('create, rollout status, patch the image, history, undo, undo --to-revision, scale, get', async () => {
    writeFileSync(join(dir, 'web.yaml'), DEPLOYMENT);
    expect((await ok('create', '-f', join(dir, 'web.yaml'))).trim()).toBe('deployment.apps/web created');
    await rolloutStatus();

    // The merge-patch form of `kubectl set image deployment/web app=nginx:1.28`: set image sends a
    // strategic merge patch, which the apiserver does not take for lists yet (415).
    const patch = '{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"nginx:1.28"}]}}}}';
    expect((await ok('patch', 'deployment/web', '--type', 'merge', '-p', patch)).trim()).toBe('deployment.apps/web patched');
    expect(await image()).toBe('nginx:1.28');
    await rolloutStatus();

    const history = await ok('rollout', 'history', 'deployment/web');
    expect(history).toMatch(/^deployment\.apps\/web\s*\nREVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n\s*$/);
    const revision2 = await ok('rollout', 'history', 'deployment/web', '--revision=2');
    expect(revision2).toMatch(/^deployment\.apps\/web with revision #2\nPod Template:\n/);
    expect(revision2).toMatch(/Image:\s+nginx:1\.28\n/);

    expect((await ok('rollout', 'undo', 'deployment/web')).trim()).toBe('deployment.apps/web rolled back');
    await rolloutStatus();
    expect(await image()).toBe('nginx:1.27');

    expect((await ok('rollout', 'undo', 'deployment/web', '--to-revision=2')).trim()).toBe('deployment.apps/web rolled back');
    await rolloutStatus();
    expect(await image()).toBe('nginx:1.28');
    expect(await ok('rollout', 'history', 'deployment/web')).toMatch(/REVISION\s+CHANGE-CAUSE\n3\s+<none>\n4\s+<none>\n/);

    expect((await ok('scale', 'deployment/web', '--replicas=5')).trim()).toBe('deployment.apps/web scaled');
    await rolloutStatus();

    // Old pods are gone once their hollow kubelet confirms the deletion.
    await until(async () => (await ok('get', 'pods', '--no-headers')).trim().split('\n').length === 5);
    const get = await ok('get', 'deploy,rs,pods');
    const [deploys, sets, pods] = get.trim().split(/\n\s*\n/);
    expect(deploys).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\ndeployment\.apps\/web\s+5\/5\s+5\s+5\s+\d+s\n?$/);
    const rsLines = sets!.split('\n');
    expect(rsLines[0]).toMatch(/^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE$/);
    const rsRows = rsLines.slice(1).map((l) => l.split(/\s+/));
    // Two templates, two ReplicaSets: the current one full, the other scaled to zero.
    expect(rsRows).toHaveLength(2);
    expect(rsRows.map((r) => r.slice(1, 4).join(' ')).sort()).toEqual(['0 0 0', '5 5 5']);
    for (const r of rsRows) expect(r[0]).toMatch(/^replicaset\.apps\/web-[a-z0-9]+$/);
    const podLines = pods!.split('\n');
    expect(podLines[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(podLines).toHaveLength(6);
    const current = rsRows.find((r) => r[1] === '5')![0]!.slice('replicaset.apps/'.length);
    for (const line of podLines.slice(1)) expect(line).toMatch(new RegExp(`^pod/${current}-[a-z0-9]{5}\\s+1/1\\s+Running\\s+0\\s+\\d+s$`));

    // Pods of a scaled-down ReplicaSet were spread over the hollow nodes by the scheduler.
    const wide = await ok('get', 'pods', '-o', 'wide', '--no-headers');
    for (const line of wide.trim().split('\n')) expect(line.split(/\s+/)[6]).toMatch(/^hollow-\d+$/);
  });
});
