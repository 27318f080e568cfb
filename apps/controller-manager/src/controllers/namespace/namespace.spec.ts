import { StatusReason, hasReason, type KubeObject, type corev1 } from '@tskube/api-types';
import { PatchType, type GroupVersionResource } from '@tskube/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControllers, type ControllerTestEnv } from '../../framework/testing';
import { newNamespaceController } from './index';

const ns: GroupVersionResource = { group: '', version: 'v1', resource: 'namespaces' };
const pods: GroupVersionResource = { group: '', version: 'v1', resource: 'pods' };
const configmaps: GroupVersionResource = { group: '', version: 'v1', resource: 'configmaps' };
const secrets: GroupVersionResource = { group: '', version: 'v1', resource: 'secrets' };
const deployments: GroupVersionResource = { group: 'apps', version: 'v1', resource: 'deployments' };

type Namespace = corev1.Namespace & KubeObject;

let env: ControllerTestEnv;

beforeAll(async () => {
  env = await startControllers([newNamespaceController({ recheckDelayMs: () => 200 })]);
});

afterAll(async () => {
  await env?.stop();
});

async function createNamespace(name: string): Promise<void> {
  await env.client.create(ns, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

const pod = (name: string, spec: Partial<corev1.PodSpec> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec },
});

async function deleteOverRest(name: string): Promise<void> {
  const res = await fetch(`${env.api.url}/api/v1/namespaces/${name}`, { method: 'DELETE' });
  expect(res.status).toBe(200);
}

async function isGone(gvr: GroupVersionResource, namespace: string, name: string): Promise<boolean> {
  try {
    await env.client.get(gvr, namespace, name);
    return false;
  } catch (err) {
    if (hasReason(err, StatusReason.NotFound)) return true;
    throw err;
  }
}

async function namespaceAnswers404(name: string): Promise<boolean> {
  const res = await fetch(`${env.api.url}/api/v1/namespaces/${name}`);
  return res.status === 404;
}

const condition = (n: Namespace, type: string) => n.status?.conditions?.find((c) => c.type === type);

describe('namespace controller', () => {
  it('deletes everything in a deleted namespace, then the namespace itself', async () => {
    await createNamespace('doomed');
    for (const name of ['a', 'b', 'c']) await env.client.create(configmaps, 'doomed', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { k: name } });
    await env.client.create(secrets, 'doomed', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { k: 'v' } });
    await env.client.create(deployments, 'doomed', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    });
    for (const name of ['p1', 'p2']) await env.client.create(pods, 'doomed', pod(name));

    await deleteOverRest('doomed');
    await env.eventually(() => namespaceAnswers404('doomed'));
    // Nothing of it outlives it (a namespace of the same name would find it again).
    for (const gvr of [configmaps, secrets, deployments, pods]) expect((await env.client.list(gvr, 'doomed')).items).toEqual([]);
  });

  it('waits for content with finalizers, reporting it in the conditions', async () => {
    await createNamespace('held');
    await env.client.create(configmaps, 'held', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kept', finalizers: ['example.com/hold'] } });
    await env.client.create(configmaps, 'held', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'free' } });

    await deleteOverRest('held');
    const terminating = await env.eventually(async () => {
      const n = await env.client.get<Namespace>(ns, '', 'held');
      return condition(n, 'NamespaceFinalizersRemaining')?.status === 'True' ? n : undefined;
    });
    expect(terminating.status?.phase).toBe('Terminating');
    expect(terminating.spec?.finalizers).toEqual(['kubernetes']);
    expect(condition(terminating, 'NamespaceContentRemaining')).toMatchObject({
      status: 'True',
      reason: 'SomeResourcesRemain',
      message: 'Some resources are remaining: configmaps. has 1 resource instances',
    });
    expect(condition(terminating, 'NamespaceFinalizersRemaining')).toMatchObject({
      reason: 'SomeFinalizersRemain',
      message: 'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances',
    });
    expect(condition(terminating, 'NamespaceDeletionDiscoveryFailure')).toMatchObject({ status: 'False', message: 'All resources successfully discovered' });
    expect(condition(terminating, 'NamespaceDeletionContentFailure')).toMatchObject({ status: 'False', reason: 'ContentDeleted' });
    expect(await isGone(configmaps, 'held', 'free')).toBe(true);

    await env.client.patch(configmaps, 'held', 'kept', PatchType.MergePatch, { metadata: { finalizers: null } });
    await env.eventually(() => namespaceAnswers404('held'));
  });

  it('lets pods on a node terminate gracefully, and finishes once they are gone', async () => {
    await createNamespace('graceful');
    await env.client.create(pods, 'graceful', pod('bound', { nodeName: 'node-1', terminationGracePeriodSeconds: 600 }));
    await env.client.create(pods, 'graceful', pod('unbound'));

    await deleteOverRest('graceful');
    const terminating = await env.eventually(async () => {
      const n = await env.client.get<Namespace>(ns, '', 'graceful');
      return condition(n, 'NamespaceContentRemaining')?.status === 'True' ? n : undefined;
    });
    expect(condition(terminating, 'NamespaceContentRemaining')?.message).toBe('Some resources are remaining: pods. has 1 resource instances');
    // The unscheduled pod went at once; the bound one waits for its kubelet.
    expect(await isGone(pods, 'graceful', 'unbound')).toBe(true);
    const bound = await env.client.get<corev1.Pod>(pods, 'graceful', 'bound');
    expect(bound.metadata?.deletionTimestamp).toBeTruthy();
    expect(bound.metadata?.deletionGracePeriodSeconds).toBe(600);

    // The kubelet confirms the pod stopped.
    await env.client.delete(pods, 'graceful', 'bound', { gracePeriodSeconds: 0 });
    await env.eventually(() => namespaceAnswers404('graceful'));
  });

  it('leaves namespaces that are not being deleted alone', async () => {
    await createNamespace('alive');
    await env.client.create(configmaps, 'alive', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    await new Promise((r) => setTimeout(r, 300));
    const n = await env.client.get<Namespace>(ns, '', 'alive');
    expect(n.status?.phase).toBe('Active');
    expect(n.status?.conditions).toBeUndefined();
    expect(await isGone(configmaps, 'alive', 'x')).toBe(false);
  });
});
