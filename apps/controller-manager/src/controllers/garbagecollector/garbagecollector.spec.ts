import { randomUUID } from 'node:crypto';
import { StatusReason, hasReason, type KubeObject } from '@tskube/api-types';
import { PatchType, type GroupVersionResource } from '@tskube/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControllers, type ControllerTestEnv } from '../../framework/testing';
import { newGarbageCollectorController } from './index';

const pods: GroupVersionResource = { group: '', version: 'v1', resource: 'pods' };
const configmaps: GroupVersionResource = { group: '', version: 'v1', resource: 'configmaps' };
const secrets: GroupVersionResource = { group: '', version: 'v1', resource: 'secrets' };
const nodes: GroupVersionResource = { group: '', version: 'v1', resource: 'nodes' };
const replicasets: GroupVersionResource = { group: 'apps', version: 'v1', resource: 'replicasets' };

const ns = 'default';
let env: ControllerTestEnv;

beforeAll(async () => {
  env = await startControllers([newGarbageCollectorController({ unobservedRecheckMs: 100 })]);
});

afterAll(async () => {
  await env?.stop();
});

interface Ref {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

const refTo = (obj: KubeObject, extra: Partial<Ref> = {}): Ref => ({
  apiVersion: obj.apiVersion,
  kind: obj.kind,
  name: obj.metadata.name!,
  uid: obj.metadata.uid!,
  ...extra,
});

async function replicaSet(name: string): Promise<KubeObject> {
  return env.client.create<KubeObject>(replicasets, ns, {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
    },
  });
}

async function podOwnedBy(name: string, owners: Ref[], finalizers?: string[]): Promise<KubeObject> {
  return env.client.create<KubeObject>(pods, ns, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, ownerReferences: owners, ...(finalizers ? { finalizers } : {}) },
    spec: { containers: [{ name: 'c', image: 'nginx' }] },
  });
}

async function get(gvr: GroupVersionResource, name: string, namespace = ns): Promise<KubeObject | undefined> {
  try {
    return await env.client.get<KubeObject>(gvr, namespace, name);
  } catch (err) {
    if (hasReason(err, StatusReason.NotFound)) return undefined;
    throw err;
  }
}

const gone = async (gvr: GroupVersionResource, name: string, namespace = ns) => (await get(gvr, name, namespace)) === undefined;

describe('garbage collector', () => {
  it('deletes the dependents of a deleted owner (background)', async () => {
    const rs = await replicaSet('bg');
    for (const n of ['bg-1', 'bg-2', 'bg-3']) await podOwnedBy(n, [refTo(rs, { controller: true, blockOwnerDeletion: true })]);
    await env.client.delete(replicasets, ns, 'bg', { propagationPolicy: 'Background' });
    await env.eventually(async () => (await gone(pods, 'bg-1')) && (await gone(pods, 'bg-2')) && (await gone(pods, 'bg-3')));
  });

  it('collects the dependents of any kind, here a ConfigMap owning a Secret', async () => {
    const cm = await env.client.create<KubeObject>(configmaps, ns, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owner-cm' } });
    await env.client.create(secrets, ns, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'owned-secret', ownerReferences: [refTo(cm)] } });
    // Nothing happens while the owner exists.
    await new Promise((r) => setTimeout(r, 300));
    expect(await gone(secrets, 'owned-secret')).toBe(false);
    await env.client.delete(configmaps, ns, 'owner-cm');
    await env.eventually(() => gone(secrets, 'owned-secret'));
  });

  it('collects the dependents of a cluster-scoped owner', async () => {
    const node = await env.client.create<KubeObject>(nodes, '', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'gc-node' } });
    await env.client.create(configmaps, ns, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'node-owned', ownerReferences: [refTo(node)] } });
    await new Promise((r) => setTimeout(r, 300));
    expect(await gone(configmaps, 'node-owned')).toBe(false);
    await env.client.delete(nodes, '', 'gc-node');
    await env.eventually(() => gone(configmaps, 'node-owned'));
  });

  it('orphans the dependents of an owner deleted with propagationPolicy Orphan', async () => {
    const rs = await replicaSet('orph');
    for (const n of ['orph-1', 'orph-2']) await podOwnedBy(n, [refTo(rs, { controller: true, blockOwnerDeletion: true })]);
    await env.client.delete(replicasets, ns, 'orph', { propagationPolicy: 'Orphan' });
    await env.eventually(() => gone(replicasets, 'orph'));
    for (const n of ['orph-1', 'orph-2']) {
      const pod = await get(pods, n);
      expect(pod).toBeDefined();
      expect(pod!.metadata.ownerReferences).toBeUndefined();
    }
  });

  it('deletes the dependents of an owner deleted in the foreground before the owner', async () => {
    const rs = await replicaSet('fg');
    const owner = refTo(rs, { controller: true, blockOwnerDeletion: true });
    await podOwnedBy('fg-1', [owner]);
    // This dependent lingers (its own finalizer), and the owner must wait for it.
    await podOwnedBy('fg-held', [owner], ['example.com/hold']);
    await podOwnedBy('fg-nonblocking', [refTo(rs, { blockOwnerDeletion: false })], ['example.com/hold']);
    await env.client.delete(replicasets, ns, 'fg', { propagationPolicy: 'Foreground' });

    await env.eventually(async () => (await gone(pods, 'fg-1')) && (await get(pods, 'fg-held'))?.metadata.deletionTimestamp !== undefined);
    await new Promise((r) => setTimeout(r, 300));
    const waiting = await get(replicasets, 'fg');
    expect(waiting?.metadata.deletionTimestamp).toBeDefined();
    expect(waiting?.metadata.finalizers).toEqual(['foregroundDeletion']);

    await env.client.patch(pods, ns, 'fg-held', PatchType.MergePatch, { metadata: { finalizers: null } });
    await env.eventually(() => gone(replicasets, 'fg'));
    expect(await gone(pods, 'fg-held')).toBe(true);
    // The dependent that did not block the owner was deleted too, without holding it up.
    expect((await get(pods, 'fg-nonblocking'))?.metadata.deletionTimestamp).toBeDefined();
    await env.client.patch(pods, ns, 'fg-nonblocking', PatchType.MergePatch, { metadata: { finalizers: null } });
  });

  it('deletes a dependent whose only owner never existed', async () => {
    await podOwnedBy('dangling', [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'ghost', uid: randomUUID(), controller: true }]);
    await env.eventually(() => gone(pods, 'dangling'));
  });

  it('deletes a dependent whose owner name exists with another uid', async () => {
    await replicaSet('reborn');
    await podOwnedBy('stale-owner', [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'reborn', uid: randomUUID() }]);
    await env.eventually(() => gone(pods, 'stale-owner'));
    expect(await gone(replicasets, 'reborn')).toBe(false);
  });

  it('drops only the dangling reference of a dependent that has another owner', async () => {
    const cm = await env.client.create<KubeObject>(configmaps, ns, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'solid-owner' } });
    const ghost: Ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'ghost-owner', uid: randomUUID() };
    await podOwnedBy('two-owners', [refTo(cm), ghost]);
    const pod = await env.eventually(async () => {
      const p = await get(pods, 'two-owners');
      return p?.metadata.ownerReferences?.length === 1 ? p : undefined;
    });
    expect(pod.metadata.ownerReferences).toEqual([refTo(cm)]);
  });
});
