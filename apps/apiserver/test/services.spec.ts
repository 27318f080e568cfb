import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from './harness';

const svc = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name },
  spec: { selector: { app: name }, ports: [{ port: 80, protocol: 'TCP' }], ...spec },
});

type Svc = { spec: { clusterIP: string; clusterIPs: string[]; ports: { nodePort?: number }[] } };

describe('Service IP and NodePort allocation', () => {
  let c: TestCluster;
  beforeAll(async () => {
    c = await startCluster({ server: { serviceClusterIpRange: '10.96.0.0/28', serviceNodePortRange: '30000-30002' } });
  });
  afterAll(async () => {
    await c?.stop();
  });

  it('creates the kubernetes Service on the first address of the range', async () => {
    const k = (await c.request('GET', '/api/v1/namespaces/default/services/kubernetes')).json() as Svc;
    expect(k.spec.clusterIP).toBe('10.96.0.1');
    expect(k.spec.clusterIPs).toEqual(['10.96.0.1']);
  });

  it('allocates distinct addresses in range and refuses taken or foreign ones', async () => {
    const ips = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const r = await c.request('POST', '/api/v1/namespaces/default/services', svc(`s${i}`, {}));
      expect(r.status).toBe(201);
      const ip = (r.json() as Svc).spec.clusterIP;
      expect(ip).toMatch(/^10\.96\.0\.([2-9]|1[0-4])$/);
      ips.add(ip);
    }
    expect(ips.size).toBe(5);
    const taken = [...ips][0];
    const dup = await c.request('POST', '/api/v1/namespaces/default/services', svc('dup', { clusterIP: taken }));
    expect(dup.status).toBe(422);
    expect((dup.json() as { message: string }).message).toBe(
      `Service "dup" is invalid: spec.clusterIPs: Invalid value: ["${taken}"]: failed to allocate IP ${taken}: provided IP is already allocated`,
    );
    const outside = await c.request('POST', '/api/v1/namespaces/default/services', svc('out', { clusterIP: '10.0.0.5' }));
    expect(outside.status).toBe(422);
    expect((outside.json() as { message: string }).message).toContain('the provided IP (10.0.0.5) is not in the valid range. The range of valid IPs is 10.96.0.0/28');
    const headless = (await c.request('POST', '/api/v1/namespaces/default/services', svc('headless', { clusterIP: 'None' }))).json() as Svc;
    expect(headless.spec.clusterIP).toBe('None');
    // Deleting a Service frees its address for the next one.
    await c.request('DELETE', '/api/v1/namespaces/default/services/s0');
    const again = await c.request('POST', '/api/v1/namespaces/default/services', svc('reuse', { clusterIP: taken }));
    expect(again.status).toBe(201);
  });

  it('allocates node ports in range, keeps them on update and refuses conflicts', async () => {
    const a = (await c.request('POST', '/api/v1/namespaces/default/services', svc('np1', { type: 'NodePort' }))).json() as Svc;
    const port = a.spec.ports[0].nodePort!;
    expect(port).toBeGreaterThanOrEqual(30000);
    expect(port).toBeLessThanOrEqual(30002);
    const clash = await c.request('POST', '/api/v1/namespaces/default/services', svc('np2', { type: 'NodePort', ports: [{ port: 80, nodePort: port }] }));
    expect(clash.status).toBe(422);
    expect((clash.json() as { message: string }).message).toBe(`Service "np2" is invalid: spec.ports[0].nodePort: Invalid value: ${port}: provided port is already allocated`);
    const patched = (await c.request('PATCH', '/api/v1/namespaces/default/services/np1', { metadata: { labels: { x: 'y' } } }, { 'Content-Type': 'application/merge-patch+json' })).json() as Svc;
    expect(patched.spec.ports[0].nodePort).toBe(port);
    const moved = await c.request('PATCH', '/api/v1/namespaces/default/services/np1', { spec: { clusterIP: '10.96.0.13' } }, { 'Content-Type': 'application/merge-patch+json' });
    expect(moved.status).toBe(422);
    expect((moved.json() as { message: string }).message).toContain('may not change once set');
  });
});
