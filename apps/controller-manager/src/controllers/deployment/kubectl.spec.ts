import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { appsv1 } from '@tskube/api-types';
import { kubectlFor, type Kubectl, type KubectlResult } from '@tskube/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Resources } from '../../framework/context';
import { startControllers, type ControllerTestEnv } from '../../framework/testing';
import { replicaSetController } from '../replicaset/index';
import { autoReady, createNamespace } from '../replicaset/testing';
import { deploymentController } from './index';


let env: ControllerTestEnv;
let dir: string;
let k: Kubectl;
let kubelet: { stop(): Promise<void> };

/** Runs the real kubectl against the test apiserver with a private cache. */
function kubectl(...args: string[]): Promise<KubectlResult> {
  return k.run(`--namespace=${'kubectl'}`, ...args);
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
  env = await startControllers([replicaSetController, deploymentController]);
  k = kubectlFor(env.api.url, { timeoutMs: 30_000 });
  dir = k.dir;
  await createNamespace(env.client, 'kubectl');
  kubelet = autoReady(env.client, 'kubectl', { filter: (pod) => pod.metadata?.labels?.ready !== 'never' });
});

afterAll(async () => {
  await kubelet?.stop();
  await env?.stop();
  k?.close();
});

const image = async () => (await env.client.get<appsv1.Deployment>(Resources.deployments, 'kubectl', 'web')).spec?.template?.spec?.containers[0]?.image;

async function rolloutStatus(): Promise<void> {
  const r = await kubectl('rollout', 'status', 'deployment/web', '--timeout=20s');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout.trim().split('\n').at(-1)).toBe('deployment "web" successfully rolled out');
}

describe('kubectl rollout against the Deployment controller', () => {
  it('create, rollout status, patch, history, undo, undo --to-revision, restart, scale', async () => {
    writeFileSync(join(dir, 'web.yaml'), DEPLOYMENT);
    expect((await kubectl('create', '-f', join(dir, 'web.yaml'))).stdout.trim()).toBe('deployment.apps/web created');
    await rolloutStatus();

    const patched = await kubectl('patch', 'deployment/web', '--type', 'merge', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"nginx:1.28"}]}}}}');
    expect(patched.stdout.trim()).toBe('deployment.apps/web patched');
    await rolloutStatus();

    const history = await kubectl('rollout', 'history', 'deployment/web');
    expect(history.code).toBe(0);
    expect(history.stdout).toMatch(/^deployment\.apps\/web\s*\nREVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n/);

    const undo = await kubectl('rollout', 'undo', 'deployment/web');
    expect(undo.stdout.trim()).toBe('deployment.apps/web rolled back');
    await rolloutStatus();
    expect(await image()).toBe('nginx:1.27');

    const toRevision = await kubectl('rollout', 'undo', 'deployment/web', '--to-revision=2');
    expect(toRevision.stdout.trim()).toBe('deployment.apps/web rolled back');
    await rolloutStatus();
    expect(await image()).toBe('nginx:1.28');
    const revisions = (await kubectl('rollout', 'history', 'deployment/web')).stdout;
    expect(revisions).toMatch(/\n3\s+<none>\n4\s+<none>\n/);

    expect((await kubectl('rollout', 'restart', 'deployment/web')).stdout.trim()).toBe('deployment.apps/web restarted');
    await rolloutStatus();
    const rs = await env.client.list<appsv1.ReplicaSet>(Resources.replicasets, 'kubectl');
    const current = rs.items.filter((r) => (r.spec?.replicas ?? 0) > 0);
    expect(current).toHaveLength(1);
    expect(current[0]?.spec?.template?.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']).toBeDefined();

    expect((await kubectl('scale', 'deployment/web', '--replicas=5')).stdout.trim()).toBe('deployment.apps/web scaled');
    await rolloutStatus();
    const get = await kubectl('get', 'deployment/web');
    expect(get.stdout).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nweb\s+5\/5\s+5\s+5\s+\S+\n$/);
  });

  it('rollout status fails once the progress deadline passes', async () => {
    await env.client.create(Resources.deployments, 'kubectl', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'stuck' },
      spec: {
        replicas: 1,
        progressDeadlineSeconds: 1,
        selector: { matchLabels: { app: 'stuck' } },
        // Never ready: the stand-in kubelet leaves these pods alone.
        template: { metadata: { labels: { app: 'stuck', ready: 'never' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } },
      },
    });
    const r = await kubectl('rollout', 'status', 'deployment/stuck', '--timeout=15s');
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('error: deployment "stuck" exceeded its progress deadline');
  });
});
