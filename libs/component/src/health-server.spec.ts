import { afterEach, describe, expect, it } from 'vitest';
import { Counter } from 'prom-client';
import { HealthServer } from './health-server';

const servers: HealthServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(options: Partial<ConstructorParameters<typeof HealthServer>[0]> = {}) {
  const server = new HealthServer({ component: 'test', port: 0, ...options });
  servers.push(server);
  await server.listen();
  const get = async (path: string) => {
    const res = await fetch(`http://127.0.0.1:${server.port}${path}`);
    return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
  };
  return { server, get };
}

describe('HealthServer', () => {
  it.each(['/healthz', '/livez', '/readyz'])('%s answers ok when every check passes', async (path) => {
    const { get } = await start();
    expect(await get(path)).toMatchObject({ status: 200, body: 'ok' });
  });

  it('reports a failing readiness check on /readyz only, with the reason', async () => {
    let storeUp = false;
    const { get } = await start({
      readiness: {
        store: () => {
          if (!storeUp) throw new Error('not connected');
        },
      },
    });
    expect((await get('/healthz')).status).toBe(200);
    const failed = await get('/readyz');
    expect(failed.status).toBe(500);
    expect(failed.body).toContain('[-]store failed: not connected');
    storeUp = true;
    expect(await get('/readyz?verbose')).toMatchObject({ status: 200, body: expect.stringContaining('[+]store ok') });
  });

  it('serves Prometheus metrics including registered collectors and process metrics', async () => {
    const { server, get } = await start();
    const c = new Counter({ name: 'test_requests_total', help: 'requests', registers: [server.registry] });
    c.inc(3);
    const res = await get('/metrics');
    expect(res.status).toBe(200);
    expect(res.type).toContain('text/plain');
    expect(res.body).toMatch(/test_requests_total\{component="test"\} 3/);
    expect(res.body).toContain('process_resident_memory_bytes');
  });

  it('answers 404 for other paths and refuses a bad port', async () => {
    const { get } = await start();
    expect((await get('/nope')).status).toBe(404);
    expect(() => new HealthServer({ component: 'x', port: 70000 })).toThrow(/invalid port/);
  });
});
