import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { appsv1 } from '@tskube/api-types';
import { kubectlFor, startComponentProcess, type ComponentProcess, type Kubectl, type KubectlResult } from '@tskube/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Resources } from '../../framework/context';
import { startControllers, type ControllerTestEnv } from '../../framework/testing';
import { daemonSetController } from '../daemonset/index';
import { createNamespace } from '../replicaset/testing';
import { statefulSetController } from './index';
import { fakeKubelet, testNode, type FakeKubelet } from './testing';

// The real kubectl 1.33 reads StatefulSet and DaemonSet rollouts from their status and their
// ControllerRevisions: rollout status, history (with --revision) and undo.

const NS = 'kubectl';

let env: ControllerTestEnv;
let scheduler: ComponentProcess;
let kubelet: FakeKubelet;
let dir: string;
let k: Kubectl;

function kubectl(...args: string[]): Promise<KubectlResult> {
  return k.run(`--namespace=${NS}`, ...args);
}

async function ok(...args: string[]): Promise<string> {
  const r = await kubectl(...args);
  expect(r.code, `kubectl ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

const STATEFULSET = `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  replicas: 3
  serviceName: web
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      nodeName: node-0
      containers:
      - name: app
        image: nginx:1.27
`;

const DAEMONSET = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels:
      app: agent
  template:
    metadata:
      labels:
        app: agent
    spec:
      containers:
      - name: app
        image: nginx:1.27
`;

beforeAll(async () => {
  env = await startControllers([statefulSetController, daemonSetController]);
  for (const name of ['node-0', 'node-1']) await env.client.create(Resources.nodes, '', testNode(name));
  kubelet = fakeKubelet(env.client, '', { intervalMs: 30 });
  scheduler = await startComponentProcess('scheduler', [`--master=${env.api.master}`, '--leader-elect=false']);
  k = kubectlFor(env.api.url, { timeoutMs: 60_000 });
  dir = k.dir;
  await createNamespace(env.client, NS);
}, 120_000);

afterAll(async () => {
  await scheduler?.stop();
  await kubelet?.stop();
  await env?.stop();
  k?.close();
}, 60_000);

const image = async (kind: string, name: string) => ok('get', `${kind}/${name}`, '-o', 'jsonpath={.spec.template.spec.containers[0].image}');
const patchImage = (kind: string, name: string, img: string) => ok('patch', `${kind}/${name}`, '--type', 'merge', '-p', JSON.stringify({ spec: { template: { spec: { containers: [{ name: 'app', image: img }] } } } }));

describe('kubectl rollout for StatefulSets and DaemonSets', () => {
  it('statefulset: rollout status, history, history --revision, undo', async () => {
    writeFileSync(join(dir, 'web.yaml'), STATEFULSET);
    expect((await ok('create', '-f', join(dir, 'web.yaml'))).trim()).toBe('statefulset.apps/web created');
    const status = await ok('rollout', 'status', 'statefulset/web', '--timeout=60s');
    expect(status.trim().split('\n').at(-1)).toBe('partitioned roll out complete: 3 new pods have been updated...');

    expect((await patchImage('statefulset', 'web', 'nginx:1.28')).trim()).toBe('statefulset.apps/web patched');
    const rolled = await ok('rollout', 'status', 'statefulset/web', '--timeout=60s');
    expect(rolled).toMatch(/Waiting for partitioned roll out to finish|partitioned roll out complete/);
    expect(rolled.trim().split('\n').at(-1)).toBe('partitioned roll out complete: 3 new pods have been updated...');
    expect(kubelet.deleted.filter((n) => n.startsWith('web-'))).toEqual(['web-2', 'web-1', 'web-0']);

    const history = await ok('rollout', 'history', 'statefulset/web');
    expect(history).toMatch(/^statefulset\.apps\/web\s*\nREVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n\s*$/);
    const rev1 = await ok('rollout', 'history', 'statefulset/web', '--revision=1');
    expect(rev1).toMatch(/^statefulset\.apps\/web with revision #1\nPod Template:\n/);
    expect(rev1).toMatch(/Image:\s+nginx:1\.27\n/);

    expect((await ok('rollout', 'undo', 'statefulset/web')).trim()).toBe('statefulset.apps/web rolled back');
    expect(await image('statefulset', 'web')).toBe('nginx:1.27');
    const undone = await ok('rollout', 'status', 'statefulset/web', '--timeout=60s');
    expect(undone.trim().split('\n').at(-1)).toBe('partitioned roll out complete: 3 new pods have been updated...');
    // The rollback renumbers the first revision instead of adding a third one.
    expect(await ok('rollout', 'history', 'statefulset/web')).toMatch(/REVISION\s+CHANGE-CAUSE\n2\s+<none>\n3\s+<none>\n/);
    const sts = await env.client.get<appsv1.StatefulSet>(Resources.statefulsets, NS, 'web');
    expect(sts.status?.currentRevision).toBe(sts.status?.updateRevision);
    expect(sts.status?.updatedReplicas).toBe(3);

    const get = await ok('get', 'statefulset/web');
    expect(get).toMatch(/^NAME\s+READY\s+AGE\nweb\s+3\/3\s+\S+\n$/);
  });

  it('daemonset: rollout status, history, undo', async () => {
    writeFileSync(join(dir, 'agent.yaml'), DAEMONSET);
    expect((await ok('create', '-f', join(dir, 'agent.yaml'))).trim()).toBe('daemonset.apps/agent created');
    const status = await ok('rollout', 'status', 'daemonset/agent', '--timeout=60s');
    expect(status.trim().split('\n').at(-1)).toBe('daemon set "agent" successfully rolled out');

    await patchImage('daemonset', 'agent', 'nginx:1.28');
    const rolled = await ok('rollout', 'status', 'daemonset/agent', '--timeout=60s');
    expect(rolled.trim().split('\n').at(-1)).toBe('daemon set "agent" successfully rolled out');
    const pods = await ok('get', 'pods', '-l', 'app=agent', '-o', 'jsonpath={range .items[*]}{.spec.containers[0].image}{"\\n"}{end}');
    expect(pods.trim().split('\n').sort()).toEqual(['nginx:1.28', 'nginx:1.28']);

    expect(await ok('rollout', 'history', 'daemonset/agent')).toMatch(/^daemonset\.apps\/agent\s*\nREVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n\s*$/);
    expect((await ok('rollout', 'undo', 'daemonset/agent')).trim()).toBe('daemonset.apps/agent rolled back');
    expect(await image('daemonset', 'agent')).toBe('nginx:1.27');
    expect((await ok('rollout', 'status', 'daemonset/agent', '--timeout=60s')).trim().split('\n').at(-1)).toBe('daemon set "agent" successfully rolled out');
    const get = await ok('get', 'daemonset/agent');
    expect(get).toMatch(/^NAME\s+DESIRED\s+CURRENT\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+NODE SELECTOR\s+AGE\nagent\s+2\s+2\s+2\s+2\s+2\s+<none>\s+\S+\n$/);
  });
});
