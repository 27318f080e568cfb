import { StatusReason, hasReason, type KubeObject, type corev1 } from '@tskube/api-types';
import { PatchType, type GroupVersionResource } from '@tskube/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControllers, type ControllerTestEnv } from '../../framework/testing';
import { newPodGCController } from './index';

type Pod = corev1.Pod & KubeObject;

const pods: GroupVersionResource = { group: '', version: 'v1', resource: 'pods' };
const nodes: GroupVersionResource = { group: '', version: 'v1', resource: 'nodes' };
const ns = 'default';

let env: ControllerTestEnv;

beforeAll(async () => {
  env = await startControllers([newPodGCController({ gcCheckPeriodMs: 100, quarantineMs: 300 })], { 'terminated-pod-gc-threshold': '2' });
});

afterAll(async () => {
  await env?.stop();
});

async function createPod(name: string, spec: Partial<corev1.PodSpec> = {}, finalizers?: string[]): Promise<Pod> {
  return env.client.create<Pod>(pods, ns, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, ...(finalizers ? { finalizers } : {}) },
    spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec },
  });
}

async function get(name: string): Promise<Pod | undefined> {
  try {
    return await env.client.get<Pod>(pods, ns, name);
  } catch (err) {
    if (hasReason(err, StatusReason.NotFound)) return undefined;
    throw err;
  }
}

describe('podgc', () => {
  it('deletes pods bound to a node that does not exist, and only those', async () => {
    await env.client.create(nodes, '', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'real-node' } });
    await createPod('on-ghost', { nodeName: 'ghost-node' });
    await createPod('on-real', { nodeName: 'real-node' });
    await env.eventually(async () => (await get('on-ghost')) === undefined);
    expect(await get('on-real')).toBeDefined();
  });

  it('keeps only the newest finished pods beyond --terminated-pod-gc-threshold', async () => {
    for (const name of ['t1', 't2', 't3', 't4']) {
      const pod = await createPod(name);
      await env.client.updateStatus(pods, ns, { ...pod, status: { ...pod.status, phase: 'Succeeded' } });
    }
    await env.eventually(async () => (await get('t1')) === undefined && (await get('t2')) === undefined);
    await new Promise((r) => setTimeout(r, 300));
    expect(await get('t3')).toBeDefined();
    expect(await get('t4')).toBeDefined();
  });

  it('marks a terminating pod that was never scheduled Failed and force-deletes it', async () => {
    await createPod('held', {}, ['example.com/hold']);
    await env.client.delete(pods, ns, 'held');
    const failed = await env.eventually(async () => {
      const p = await get('held');
      return p?.status?.phase === 'Failed' ? p : undefined;
    });
    expect(failed.metadata.deletionTimestamp).toBeDefined();
    // Only its own finalizer keeps it now.
    await env.client.patch(pods, ns, 'held', PatchType.MergePatch, { metadata: { finalizers: null } });
    await env.eventually(async () => (await get('held')) === undefined);
  });
});
