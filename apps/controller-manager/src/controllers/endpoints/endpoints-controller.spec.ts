import { StatusReason, hasReason, type corev1 } from '@tskube/api-types';
import { PatchType } from '@tskube/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Resources } from '../../framework/context';
import { startControllers, type ControllerTestEnv } from '../../framework/testing';
import { endpointsController } from './index';
import { createNamespace, createPod, setPodStatus } from './testing';

type Endpoints = corev1.Endpoints;

describe('endpoints controller (integration)', () => {
  let env: ControllerTestEnv;
  beforeAll(async () => {
    env = await startControllers([endpointsController]);
  }, 60_000);
  afterAll(async () => {
    await env?.stop();
  });

  const getEndpoints = async (ns: string, name: string): Promise<Endpoints | undefined> => {
    try {
      return await env.client.get<Endpoints>(Resources.endpoints, ns, name);
    } catch (err) {
      if (hasReason(err, StatusReason.NotFound)) return undefined;
      throw err;
    }
  };
  const service = (ns: string, name: string, spec: corev1.ServiceSpec, labels?: Record<string, string>) =>
    env.client.create<corev1.Service>(Resources.services, ns, { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns, ...(labels ? { labels } : {}) }, spec });
  const ips = (list: corev1.EndpointAddress[] | undefined) => (list ?? []).map((a) => a.ip).sort();

  it('lists ready and not-ready pods with named ports resolved per pod, leaving out pods without the port, an IP or time left', async () => {
    const ns = 'ep-basic';
    await createNamespace(env.client, ns);
    await createPod(env.client, ns, { name: 'web-1', ports: { http: 8080 }, nodeName: 'n1' });
    await createPod(env.client, ns, { name: 'web-2', ports: { http: 9090 }, nodeName: 'n1' });
    await createPod(env.client, ns, { name: 'web-3', ports: { metrics: 9100 }, nodeName: 'n1' });
    await createPod(env.client, ns, { name: 'web-4', ports: { http: 8080 }, nodeName: 'n1' });
    await createPod(env.client, ns, { name: 'other', labels: { app: 'other' }, ports: { http: 8080 } });
    await setPodStatus(env.client, ns, 'web-1', { ip: '10.244.1.1', ready: true });
    await setPodStatus(env.client, ns, 'web-2', { ip: '10.244.1.2', ready: false });
    await setPodStatus(env.client, ns, 'web-3', { ip: '10.244.1.3', ready: true });
    await setPodStatus(env.client, ns, 'web-4', { ready: true }); // no IP yet
    await setPodStatus(env.client, ns, 'other', { ip: '10.244.1.9', ready: true });
    await service(ns, 'web', { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] }, { tier: 'front' });

    const ep = await env.eventually(async () => {
      const e = await getEndpoints(ns, 'web');
      return (e?.subsets?.length ?? 0) === 2 ? e : undefined;
    });
    expect(ep.metadata?.labels).toEqual({ tier: 'front', 'endpoints.kubernetes.io/managed-by': 'endpoint-controller' });
    expect(ep.metadata?.annotations?.['endpoints.kubernetes.io/last-change-trigger-time']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    const pod1 = await env.client.get<corev1.Pod>(Resources.pods, ns, 'web-1');
    expect(ep.subsets).toEqual([
      {
        addresses: [{ ip: '10.244.1.1', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: ns, name: 'web-1', uid: pod1.metadata?.uid } }],
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      },
      {
        notReadyAddresses: [expect.objectContaining({ ip: '10.244.1.2', targetRef: expect.objectContaining({ name: 'web-2' }) })],
        ports: [{ name: 'http', port: 9090, protocol: 'TCP' }],
      },
    ]);

    // web-2 becomes ready, web-4 gets its IP: both join the ready addresses of their port.
    await setPodStatus(env.client, ns, 'web-2', { ip: '10.244.1.2', ready: true });
    await setPodStatus(env.client, ns, 'web-4', { ip: '10.244.1.4', ready: true });
    await env.eventually(async () => {
      const e = await getEndpoints(ns, 'web');
      const s8080 = e?.subsets?.find((s) => s.ports?.[0]?.port === 8080);
      const s9090 = e?.subsets?.find((s) => s.ports?.[0]?.port === 9090);
      return JSON.stringify(ips(s8080?.addresses)) === '["10.244.1.1","10.244.1.4"]' && ips(s9090?.addresses)[0] === '10.244.1.2' && !s9090?.notReadyAddresses;
    });

    // web-1 stops being ready, then starts terminating (no kubelet here to finish it): first
    // not-ready, then gone.
    await setPodStatus(env.client, ns, 'web-1', { ip: '10.244.1.1', ready: false });
    await env.eventually(async () => ips((await getEndpoints(ns, 'web'))?.subsets?.find((s) => s.ports?.[0]?.port === 8080)?.notReadyAddresses).includes('10.244.1.1'));
    await env.client.delete(Resources.pods, ns, 'web-1');
    await env.eventually(async () => {
      const e = await getEndpoints(ns, 'web');
      const all = (e?.subsets ?? []).flatMap((s) => [...ips(s.addresses), ...ips(s.notReadyAddresses)]);
      return !all.includes('10.244.1.1') && all.includes('10.244.1.4');
    });

    // Relabelling a pod out of the selector drops it.
    await env.client.patch(Resources.pods, ns, 'web-4', PatchType.MergePatch, { metadata: { labels: { app: 'gone' } } });
    await env.eventually(async () => {
      const e = await getEndpoints(ns, 'web');
      return (e?.subsets ?? []).every((s) => !ips(s.addresses).includes('10.244.1.4'));
    });
  });

  it('publishes not-ready pods as ready with publishNotReadyAddresses, and bare addresses for a headless service without ports', async () => {
    const ns = 'ep-publish';
    await createNamespace(env.client, ns);
    await createPod(env.client, ns, { name: 'db-0', labels: { app: 'db' }, ports: { sql: 5432 }, hostname: 'db-0', subdomain: 'db' });
    await createPod(env.client, ns, { name: 'db-1', labels: { app: 'db' }, ports: { sql: 5432 } });
    await setPodStatus(env.client, ns, 'db-0', { ip: '10.244.2.1', ready: false });
    await setPodStatus(env.client, ns, 'db-1', { ip: '10.244.2.2', ready: true });
    await service(ns, 'db', { clusterIP: 'None', publishNotReadyAddresses: true, selector: { app: 'db' }, ports: [{ port: 5432, targetPort: 'sql' }] });
    await service(ns, 'bare', { clusterIP: 'None', selector: { app: 'db' } });

    const db = await env.eventually(async () => {
      const e = await getEndpoints(ns, 'db');
      return e?.subsets?.[0]?.addresses?.length === 2 ? e : undefined;
    });
    expect(db.subsets).toHaveLength(1);
    expect(db.subsets?.[0]?.notReadyAddresses).toBeUndefined();
    expect(db.subsets?.[0]?.addresses?.find((a) => a.ip === '10.244.2.1')?.hostname).toBe('db-0');
    expect(db.subsets?.[0]?.ports).toEqual([{ port: 5432, protocol: 'TCP' }]);
    expect(db.metadata?.labels?.['service.kubernetes.io/headless']).toBe('');

    const bare = await env.eventually(async () => {
      const e = await getEndpoints(ns, 'bare');
      return e?.subsets?.length ? e : undefined;
    });
    expect(bare.subsets).toEqual([{ addresses: [expect.objectContaining({ ip: '10.244.2.2' })], notReadyAddresses: [expect.objectContaining({ ip: '10.244.2.1' })] }]);
  });

  it('deletes its Endpoints when the service goes or loses its selector, and leaves Endpoints of selectorless services alone', async () => {
    const ns = 'ep-cleanup';
    await createNamespace(env.client, ns);
    await createPod(env.client, ns, { name: 'a', ports: { http: 80 } });
    await setPodStatus(env.client, ns, 'a', { ip: '10.244.3.1', ready: true });
    await service(ns, 'gone', { selector: { app: 'web' }, ports: [{ port: 80 }] });
    await service(ns, 'unselected', { selector: { app: 'web' }, ports: [{ port: 80 }] });
    await service(ns, 'manual', { ports: [{ port: 80 }] });
    const manual = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'manual', namespace: ns }, subsets: [{ addresses: [{ ip: '192.168.7.7' }], ports: [{ port: 80, protocol: 'TCP' }] }] };
    await env.client.create(Resources.endpoints, ns, manual);
    await env.eventually(async () => (await getEndpoints(ns, 'gone'))?.subsets?.length === 1 && (await getEndpoints(ns, 'unselected'))?.subsets?.length === 1);

    await env.client.delete(Resources.services, ns, 'gone');
    await env.client.patch(Resources.services, ns, 'unselected', PatchType.MergePatch, { spec: { selector: null } });
    await env.eventually(async () => (await getEndpoints(ns, 'gone')) === undefined && (await getEndpoints(ns, 'unselected')) === undefined);

    // Deleted by hand, a managed Endpoints comes back.
    await service(ns, 'kept', { selector: { app: 'web' }, ports: [{ port: 80 }] });
    await env.eventually(async () => (await getEndpoints(ns, 'kept'))?.subsets?.length === 1);
    await env.client.delete(Resources.endpoints, ns, 'kept');
    await env.eventually(async () => (await getEndpoints(ns, 'kept'))?.subsets?.length === 1);

    const still = await getEndpoints(ns, 'manual');
    expect(still?.subsets).toEqual(manual.subsets);
    expect(still?.metadata?.labels).toBeUndefined();
  });
});
