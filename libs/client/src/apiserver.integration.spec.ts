import { startApiServerProcess, type ApiServerProcess } from '@tskube/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from './api-client';
import { Informer } from './informer';
import { LeaderElector } from './leader-election';
import { listWatch } from './list-watch';

type ConfigMap = { apiVersion: string; kind: string; metadata: { name: string; namespace: string; resourceVersion: string }; data?: Record<string, string> };
const configmaps = { group: '', version: 'v1', resource: 'configmaps' };

describe('client against the real apiserver', () => {
  let api: ApiServerProcess;
  let client: ApiClient;
  beforeAll(async () => {
    api = await startApiServerProcess();
    client = new ApiClient({ master: api.master });
  });
  afterAll(async () => {
    client?.close();
    await api?.stop();
  });

  it('an informer sees every create, update and delete in order', async () => {
    const informer = new Informer<ConfigMap>({ listerWatcher: listWatch<ConfigMap>(client, configmaps, { namespace: 'default' }) });
    const seen: string[] = [];
    informer.addEventHandler({
      onAdd: (o) => seen.push(`add ${o.metadata.name}`),
      onUpdate: (_o, n) => seen.push(`update ${n.metadata.name} ${n.data?.v}`),
      onDelete: (o) => seen.push(`delete ${'metadata' in o ? o.metadata.name : o.key}`),
    });
    void informer.start();
    await informer.waitForSync();
    const want: string[] = [];
    for (let i = 0; i < 100; i++) {
      const name = `cm-${i}`;
      const created = await client.create<ConfigMap>(configmaps, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', resourceVersion: '' }, data: { v: '0' } });
      want.push(`add ${name}`);
      await client.update(configmaps, 'default', { ...created, data: { v: '1' } });
      want.push(`update ${name} 1`);
      if (i % 3 === 0) {
        await client.delete(configmaps, 'default', name);
        want.push(`delete ${name}`);
      }
    }
    const deadline = Date.now() + 10_000;
    while (seen.length < want.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await informer.stop();
    expect(seen).toEqual(want);
    expect(informer.lister.list()).toHaveLength(66);
  });

  it('a leader elector acquires a Lease in kube-system and releases it on stop', async () => {
    let leading!: () => void;
    const led = new Promise<void>((r) => (leading = r));
    const elector = new LeaderElector({
      client,
      namespace: 'kube-system',
      name: 'test-lease',
      identity: 'me',
      callbacks: { onStartedLeading: () => leading(), onStoppedLeading: () => undefined },
    });
    void elector.run();
    await led;
    const lease = await client.get<{ spec: { holderIdentity: string; leaseDurationSeconds: number } }>({ group: 'coordination.k8s.io', version: 'v1', resource: 'leases' }, 'kube-system', 'test-lease');
    expect(lease.spec.holderIdentity).toBe('me');
    expect(lease.spec.leaseDurationSeconds).toBe(15);
    await elector.stop();
    const released = await client.get<{ spec: { holderIdentity?: string } }>({ group: 'coordination.k8s.io', version: 'v1', resource: 'leases' }, 'kube-system', 'test-lease');
    expect(released.spec.holderIdentity ?? '').toBe('');
  });
});
