import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cri } from '@tskube/proto';
import { BUSYBOX_IMAGE } from '../../../tools/images/names.mjs';
import { eventually, NodeEnv, Pods } from './harness';

// A kubelet that stops and starts again takes over what runs instead of starting it twice, and
// removes what belongs to pods deleted while it was away.
const env = new NodeEnv();

beforeAll(async () => {
  await env.start(['pause', 'busybox']);
}, 180_000);

afterAll(async () => {
  await env.stop();
}, 120_000);

describe('kubelet restart', () => {
  it('re-adopts running containers and removes those of pods deleted meanwhile', async () => {
    const keep = await env.create(env.pod('keep', { containers: [{ name: 'main', image: BUSYBOX_IMAGE, command: ['sleep', '3600'] }] }));
    const gone = await env.create(env.pod('gone', { containers: [{ name: 'main', image: BUSYBOX_IMAGE, command: ['sleep', '3600'] }] }));
    const running = (p: { status?: { phase?: string } }) => p.status?.phase === 'Running';
    const before = await env.waitPod('keep', running, 'running');
    await env.waitPod('gone', running, 'running');
    const id = before.status!.containerStatuses![0]!.containerID;

    await env.kubelet.stop();
    // Containers outlive the kubelet.
    expect((await env.runtimeContainers(keep.metadata!.uid!)).map((c) => c.state)).toEqual([cri.ContainerState.CONTAINER_RUNNING]);
    await env.client.delete(Pods, 'default', 'gone', { gracePeriodSeconds: 0 });

    await env.startKubelet();
    await eventually(async () => (await env.runtimeContainers(gone.metadata!.uid!)).length === 0, 'the deleted pod has no container left');
    expect(await env.cri.listPodSandbox({ labelSelector: { 'io.kubernetes.pod.uid': gone.metadata!.uid! } })).toEqual([]);
    // A few syncs later the adopted pod is unchanged: same container, no restart, one sandbox.
    await new Promise((r) => setTimeout(r, 3000));
    const after = await env.get('keep');
    expect(after.status!.containerStatuses![0]).toMatchObject({ containerID: id, restartCount: 0, ready: true });
    expect(await env.runtimeContainers(keep.metadata!.uid!)).toHaveLength(1);
    expect(await env.cri.listPodSandbox({ labelSelector: { 'io.kubernetes.pod.uid': keep.metadata!.uid! } })).toHaveLength(1);
  }, 120_000);
});
