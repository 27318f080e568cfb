import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUSYBOX_IMAGE } from '../../../tools/images/names.mjs';
import { eventually, NodeEnv } from './harness';

// The pod lifecycle against a real containerd and apiserver: one node for the whole file.
const env = new NodeEnv();

beforeAll(async () => {
  await env.start(['pause', 'busybox']);
}, 180_000);

afterAll(async () => {
  await env.stop();
}, 120_000);

describe('kubelet pod lifecycle', () => {
  it('runs a busybox pod to completion and its CRI log file holds its output', async () => {
    await env.create(env.pod('hello', { restartPolicy: 'Never', containers: [{ name: 'hello', image: BUSYBOX_IMAGE, command: ['sh', '-c', 'echo hello from busybox; echo oops >&2'] }] }));
    const pod = await env.waitPod('hello', (p) => p.status?.phase === 'Succeeded', 'succeeded');
    const cs = pod.status!.containerStatuses![0]!;
    expect(cs.state?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(cs.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    expect(cs).toMatchObject({ name: 'hello', ready: false, restartCount: 0, image: BUSYBOX_IMAGE, started: false });
    expect(pod.status).toMatchObject({ qosClass: 'BestEffort', hostIP: env.nodeIP });
    expect(pod.status!.podIP).toMatch(new RegExp(`^${env.podCIDR.split('.').slice(0, 3).join('\\.')}\\.`));
    const conds = Object.fromEntries(pod.status!.conditions!.map((c) => [c.type, c]));
    expect(conds['Ready']).toMatchObject({ status: 'False', reason: 'PodCompleted' });
    expect(conds['Initialized']).toMatchObject({ status: 'True' });
    const found = await env.kubelet.container('default', 'hello', 'hello');
    expect(found!.logPath).toBe(`${env.podLogsDir}/default_hello_${pod.metadata!.uid}/hello/0.log`);
    const log = readFileSync(found!.logPath, 'utf8');
    expect(log).toMatch(/^\S+Z stdout F hello from busybox$/m);
    expect(log).toMatch(/^\S+Z stderr F oops$/m);
    const reasons = (await env.events('hello')).map((e) => `${e.reason}: ${e.message}`);
    expect(reasons).toEqual(expect.arrayContaining([`Pulled: Container image "${BUSYBOX_IMAGE}" already present on machine`, 'Created: Created container: hello', 'Started: Started container hello']));
  });

  it('keeps a long-running pod Running and Ready, then stops it on deletion and confirms it', async () => {
    const created = await env.create(env.pod('sleeper', { containers: [{ name: 'main', image: BUSYBOX_IMAGE, command: ['sleep', '3600'] }] }));
    const pod = await env.waitPod('sleeper', (p) => p.status?.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true, 'running and ready');
    expect(pod.status!.containerStatuses![0]).toMatchObject({ ready: true, started: true, restartCount: 0 });
    expect(pod.status!.conditions!.map((c) => c.type)).toEqual(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);
    await env.deleteAndWait('sleeper');
    await eventually(async () => (await env.runtimeContainers(created.metadata!.uid!)).length === 0, 'its containers are removed');
  });
});
