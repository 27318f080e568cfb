import type { corev1, discoveryv1 } from '@tskube/api-types';
import { PatchType } from '@tskube/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Resources } from '../../framework/context';
import { startControllers, type ControllerTestEnv } from '../../framework/testing';
import { createNamespace, createPod, setPodStatus } from '../endpoints/testing';
import { endpointSliceController } from './index';

type Slice = discoveryv1.EndpointSlice;

describe('endpointslice controller (integration)', () => {
  let env: ControllerTestEnv;
  beforeAll(async () => {
    env = await startControllers([endpointSliceController]);
    for (const [name, zone] of [
      ['n1', 'zone-a'],
      ['n2', 'zone-b'],
    ]) {
      await env.client.create(Resources.nodes, '', { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'topology.kubernetes.io/zone': zone } } });
    }
  }, 60_000);
  afterAll(async () => {
    await env?.stop();
  });

  const slicesOf = async (ns: string, svc: string): Promise<Slice[]> =>
    (await env.client.list<Slice>(Resources.endpointslices, ns, { labelSelector: `kubernetes.io/service-name=${svc}` })).items;
  const service = (ns: string, name: string, spec: corev1.ServiceSpec, labels?: Record<string, string>) =>
    env.client.create<corev1.Service>(Resources.services, ns, { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns, ...(labels ? { labels } : {}) }, spec });
  const byPod = (s: Slice | undefined, pod: string) => s?.endpoints.find((e) => e.targetRef?.name === pod);

  it('keeps one slice of the service pods, updated in place as they change', async () => {
    const ns = 'eps-basic';
    await createNamespace(env.client, ns);
    const svc = await service(ns, 'web', { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] }, { tier: 'front' });
    // No pods yet: a placeholder slice.
    const placeholder = await env.eventually(async () => (await slicesOf(ns, 'web'))[0]);
    expect(placeholder.endpoints ?? []).toEqual([]);

    await createPod(env.client, ns, { name: 'web-1', ports: { http: 8080 }, nodeName: 'n1' });
    await createPod(env.client, ns, { name: 'web-2', ports: { http: 8080 }, nodeName: 'n2' });
    const pod1 = await setPodStatus(env.client, ns, 'web-1', { ip: '10.244.1.1', ready: true });
    await setPodStatus(env.client, ns, 'web-2', { ip: '10.244.2.1', ready: false });

    const slice = await env.eventually(async () => {
      const all = await slicesOf(ns, 'web');
      return all.length === 1 && all[0]!.endpoints?.length === 2 ? all[0] : undefined;
    });
    expect(slice.metadata?.name).toBe(placeholder.metadata?.name); // the placeholder was reused
    expect(slice.metadata?.generateName).toBe('web-');
    expect(slice.metadata?.labels).toEqual({ tier: 'front', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' });
    expect(slice.metadata?.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: svc.metadata?.uid, controller: true, blockOwnerDeletion: true }]);
    expect(slice.addressType).toBe('IPv4');
    expect(slice.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    expect(byPod(slice, 'web-1')).toEqual({
      addresses: ['10.244.1.1'],
      conditions: { ready: true, serving: true, terminating: false },
      nodeName: 'n1',
      zone: 'zone-a',
      targetRef: { kind: 'Pod', namespace: ns, name: 'web-1', uid: pod1.metadata?.uid },
    });
    expect(byPod(slice, 'web-2')?.conditions).toEqual({ ready: false, serving: false, terminating: false });
    expect(byPod(slice, 'web-2')?.zone).toBe('zone-b');

    // Readiness flips and a terminating pod: same slice, conditions updated.
    await setPodStatus(env.client, ns, 'web-2', { ip: '10.244.2.1', ready: true });
    await env.client.delete(Resources.pods, ns, 'web-1');
    const after = await env.eventually(async () => {
      const all = await slicesOf(ns, 'web');
      const s = all[0];
      return all.length === 1 && byPod(s, 'web-2')?.conditions?.ready && byPod(s, 'web-1')?.conditions?.terminating ? s : undefined;
    });
    expect(after.metadata?.name).toBe(slice.metadata?.name);
    expect(byPod(after, 'web-1')?.conditions).toEqual({ ready: false, serving: true, terminating: true });
  });

  it('groups pods by the ports they resolve, publishes not-ready addresses and labels headless slices', async () => {
    const ns = 'eps-ports';
    await createNamespace(env.client, ns);
    await createPod(env.client, ns, { name: 'a', ports: { http: 8080 }, nodeName: 'n1' });
    await createPod(env.client, ns, { name: 'b', ports: { http: 9090 }, nodeName: 'n1' });
    await setPodStatus(env.client, ns, 'a', { ip: '10.244.3.1', ready: false });
    await setPodStatus(env.client, ns, 'b', { ip: '10.244.3.2', ready: false });
    await service(ns, 'web', { clusterIP: 'None', publishNotReadyAddresses: true, selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] });

    const slices = await env.eventually(async () => {
      const all = await slicesOf(ns, 'web');
      return all.length === 2 && all.every((s) => s.endpoints?.length === 1) ? all : undefined;
    });
    const ports = slices.map((s) => `${s.ports?.[0]?.port}:${s.endpoints[0]!.addresses[0]}`).sort();
    expect(ports).toEqual(['8080:10.244.3.1', '9090:10.244.3.2']);
    for (const s of slices) {
      expect(s.endpoints[0]!.conditions).toEqual({ ready: true, serving: false, terminating: false });
      expect(s.metadata?.labels?.['service.kubernetes.io/headless']).toBe('');
    }
  });

  it('splits more than 100 endpoints over slices, and shrinks them in place', async () => {
    const ns = 'eps-many';
    await createNamespace(env.client, ns);
    const n = 130;
    for (let i = 0; i < n; i += 10) {
      await Promise.all(
        Array.from({ length: Math.min(10, n - i) }, async (_, j) => {
          const name = `p-${i + j}`;
          await createPod(env.client, ns, { name, nodeName: 'n1' });
          await setPodStatus(env.client, ns, name, { ip: `10.244.${10 + Math.floor((i + j) / 200)}.${(i + j) % 200}`, ready: true });
        }),
      );
    }
    await service(ns, 'big', { selector: { app: 'web' }, ports: [{ port: 80 }] });
    const slices = await env.eventually(async () => {
      const all = await slicesOf(ns, 'big');
      return all.reduce((k, s) => k + (s.endpoints?.length ?? 0), 0) === n ? all : undefined;
    }, 15_000);
    expect(slices.map((s) => s.endpoints.length).sort((a, b) => a - b)).toEqual([30, 100]);
    const names = slices.map((s) => s.metadata?.name).sort();
    const addresses = new Set(slices.flatMap((s) => s.endpoints.map((e) => e.addresses[0])));
    expect(addresses.size).toBe(n);

    // Pods leaving: the slices that held them are updated, none recreated.
    await Promise.all(Array.from({ length: 20 }, (_, i) => env.client.patch(Resources.pods, ns, `p-${i}`, PatchType.MergePatch, { metadata: { labels: { app: 'off' } } })));
    const shrunk = await env.eventually(async () => {
      const all = await slicesOf(ns, 'big');
      return all.reduce((k, s) => k + (s.endpoints?.length ?? 0), 0) === n - 20 ? all : undefined;
    }, 15_000);
    expect(shrunk.map((s) => s.metadata?.name).sort()).toEqual(names);
  });

  it('deletes its slices when the service loses its selector, leaving slices of other managers alone', async () => {
    const ns = 'eps-unselect';
    await createNamespace(env.client, ns);
    await service(ns, 'web', { selector: { app: 'web' }, ports: [{ port: 80 }] });
    await env.eventually(async () => (await slicesOf(ns, 'web')).length === 1);
    const foreign: Slice = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'web-manual', namespace: ns, labels: { 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'someone-else' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['192.168.1.1'] }],
    };
    await env.client.create(Resources.endpointslices, ns, foreign);
    await env.client.patch(Resources.services, ns, 'web', PatchType.MergePatch, { spec: { selector: null } });
    await env.eventually(async () => {
      const all = await slicesOf(ns, 'web');
      return all.length === 1 && all[0]!.metadata?.name === 'web-manual';
    });
  });
});
