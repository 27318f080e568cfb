import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@tskube/component';
import { freePorts, startApiServerProcess, type ApiServerProcess } from '@tskube/test-support';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Test support from tools/ (containerd and the images), as the other containerd specs use it.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { ensureImages } from '../../../../tools/images/build.mjs';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { BUSYBOX_IMAGE } from '../../../../tools/images/names.mjs';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startContainerd } from '../../../../tools/containerd/index';
import { KubeletServer } from './server';
import { eventually, openChannels, RuntimeFixture, type RunningPod } from './test/fixture';

// Port-forward over the WebSocket channel protocol: busybox httpd in a real containerd (on the
// host's network, so the kubelet dials 127.0.0.1), reached straight at the kubelet with a ws
// client, and through a real apiserver with the Python client.

const tools = { startContainerd, ensureImages: (o: Parameters<typeof ensureImages>[0]) => ensureImages(o), busyboxImage: BUSYBOX_IMAGE };
const le16 = (n: number) => Buffer.from([n & 0xff, n >> 8]).toString('latin1');

describe('port-forward', () => {
  let fx: RuntimeFixture;
  let server: KubeletServer;
  let api: ApiServerProcess;
  let dir: string;
  let kubeconfig: string;
  let ws: string;
  let web: RunningPod;
  let httpPort: number;
  let closedPort: number;

  const rest = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${api.url}${path}`, { method, headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as Record<string, unknown>;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tskube-port-forward-'));
    [httpPort, closedPort] = await freePorts(2);
    [fx, api] = await Promise.all([RuntimeFixture.start(tools), startApiServerProcess()]);
    server = new KubeletServer({
      host: '127.0.0.1',
      port: 0,
      pods: fx,
      runtime: fx.client,
      logger: createLogger({ component: 'kubelet', write: () => undefined }),
      registry: new Registry(),
      healthz: () => undefined,
      nodeName: 'node-1',
    });
    await server.listen();
    ws = `ws://127.0.0.1:${server.port}`;
    web = await fx.runPod('default', 'web', [{ name: 'httpd', command: ['sh', '-c', `mkdir -p /www && echo hello from httpd > /www/index.html && exec httpd -f -p 127.0.0.1:${httpPort} -h /www`] }]);
    web.pod.spec!.hostNetwork = true;
    await eventually(async () => (await fetch(`http://127.0.0.1:${httpPort}/`).catch(() => undefined))?.ok === true, 'httpd answers');

    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'c', cluster: { server: api.url } }],
        users: [{ name: 'u', user: {} }],
        contexts: [{ name: 'c', context: { cluster: 'c', user: 'u', namespace: 'default' } }],
        'current-context': 'c',
      }),
    );
    const node = await rest('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' } });
    await rest('PUT', '/api/v1/nodes/node-1/status', { ...node, status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: server.port } } } });
    const created = await rest('POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: web.pod.spec });
    await rest('PUT', '/api/v1/namespaces/default/pods/web/status', { ...created, status: web.pod.status });
  }, 240_000);

  afterAll(async () => {
    await server?.close();
    await Promise.all([fx?.stop(), api?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('forwards an HTTP request over v4: port prefixes first, a refused port reported on its error channel', async () => {
    const s = await openChannels(`${ws}/portForward/default/web?ports=${httpPort}&ports=${closedPort}`, ['v4.channel.k8s.io']);
    expect(s.protocol).toBe('v4.channel.k8s.io');
    s.send(0, `GET / HTTP/1.0\r\nHost: web\r\n\r\n`);
    expect((await s.closed).code).toBe(1000);
    const latin1 = (channel: number) => Buffer.concat(s.output[channel] ?? []).toString('latin1');
    const data = latin1(0);
    expect(data.slice(0, 2)).toBe(le16(httpPort));
    expect(data.slice(2)).toMatch(/^HTTP\/1\.[01] 200 OK\r\n[\s\S]*\r\n\r\nhello from httpd\n$/);
    expect(latin1(1)).toBe(le16(httpPort));
    expect(latin1(2)).toBe(le16(closedPort));
    expect(latin1(3)).toBe(`${le16(closedPort)}error forwarding port ${closedPort} to pod web_default, uid uid-default-web: dial tcp 127.0.0.1:${closedPort}: connect: connection refused`);
  });

  it('speaks base64.channel.k8s.io', async () => {
    const s = await openChannels(`${ws}/portForward/default/web?port=${httpPort}`, ['base64.channel.k8s.io']);
    s.ws.send(`0${Buffer.from('GET / HTTP/1.0\r\n\r\n').toString('base64')}`);
    await s.closed;
    // The fixture splits off the first byte as the channel: here that is the ASCII digit.
    const text = Buffer.concat((s.output['0'.charCodeAt(0)] ?? []).map((b) => Buffer.from(b.toString(), 'base64'))).toString('latin1');
    expect(text.slice(0, 2)).toBe(le16(httpPort));
    expect(text).toContain('hello from httpd');
  });

  it.each([
    ['an unknown pod', '/portForward/default/nope?port=80', 404, 'pod does not exist'],
    ['no port', '/portForward/default/web', 400, 'query parameter "port" is required'],
    ['a pod that is not running', '/portForward/default/waiting?port=80', 400, 'unable to forward port because pod is not running. Current status=Pending'],
    ['a bad port', '/portForward/default/web?port=70000', 400, 'unable to parse "70000" as a port: strconv.ParseUint: parsing "70000": value out of range'],
  ])('refuses %s with a Status', async (_name, path, code, message) => {
    if (!fx.running.some((r) => r.pod.metadata?.name === 'waiting')) {
      fx.running.push({ sandboxId: '', instances: new Map(), pod: { metadata: { name: 'waiting', namespace: 'default', uid: 'w' }, spec: { containers: [] }, status: { phase: 'Pending' } } });
    }
    const err = await openChannels(`${ws}${path}`, ['v4.channel.k8s.io']).catch((e: { statusCode: number; body: string }) => e);
    expect(err).toMatchObject({ statusCode: code });
    expect(JSON.parse((err as { body: string }).body)).toMatchObject({ kind: 'Status', code, message });
  });

  it('the apiserver refuses a pod without a node, and a bad port, in Kubernetes words', async () => {
    await rest('POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pending' }, spec: { containers: [{ name: 'c', image: BUSYBOX_IMAGE }] } });
    const wsApi = api.url.replace(/^http/, 'ws');
    const fail = (path: string) => openChannels(`${wsApi}${path}`, ['v4.channel.k8s.io']).catch((e: { statusCode: number; body: string }) => e) as Promise<{ statusCode: number; body: string }>;
    const noHost = await fail('/api/v1/namespaces/default/pods/pending/portforward?ports=80');
    expect(noHost.statusCode).toBe(400);
    expect(JSON.parse(noHost.body)).toMatchObject({ kind: 'Status', code: 400, message: 'pod pending does not have a host assigned' });
    const badPort = await fail('/api/v1/namespaces/default/pods/web/portforward?ports=http');
    expect(badPort.statusCode).toBe(400);
    expect(JSON.parse(badPort.body)).toMatchObject({ code: 400, message: 'strconv.ParseInt: parsing "http": invalid syntax' });
  });

  it('the Python client forwards through the apiserver', async () => {
    const script = `
import sys
from kubernetes import client, config
from kubernetes.stream import portforward
config.load_kube_config(config_file=sys.argv[1])
api = client.CoreV1Api()
port = int(sys.argv[2])
pf = portforward(api.connect_get_namespaced_pod_portforward, 'web', 'default', ports=str(port))
sock = pf.socket(port)
sock.setblocking(True)
sock.sendall(b'GET / HTTP/1.0\\r\\nHost: web\\r\\n\\r\\n')
data = b''
while True:
    chunk = sock.recv(4096)
    if not chunk:
        break
    data += chunk
sock.close()
print('ERROR=' + repr(pf.error(port)))
print('BODY=' + repr(data.split(b'\\r\\n\\r\\n', 1)[1].decode()))
print('STATUS=' + data.split(b'\\r\\n', 1)[0].decode())
`;
    const r = await new Promise<{ stdout: string; stderr: string }>((resolve) => {
      execFile('/usr/bin/python3', ['-c', script, kubeconfig, String(httpPort)], { timeout: 60_000 }, (_err, stdout, stderr) => resolve({ stdout, stderr }));
    });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('ERROR=None');
    expect(r.stdout).toMatch(/STATUS=HTTP\/1\.[01] 200 OK/);
    expect(r.stdout).toContain("BODY='hello from httpd\\n'");
  });
});
