import { createServer, type IncomingHttpHeaders, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { corev1 } from '@tskube/api-types';
import { freePort } from '@tskube/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalHeaderKey, httpProbe, httpProbeRequest, MAX_HTTP_BODY_BYTES, PROBE_USER_AGENT } from './http';
import { ProbeError, ProbeResult } from './result';
import { closeServer, listenOnFreePort } from './test-servers';

const container: corev1.Container = { name: 'app', ports: [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9090 }] };

describe('httpProbeRequest', () => {
  it.each([
    { name: 'defaults: http, the pod IP, no path', action: { port: 8080 }, url: 'http://10.1.2.3:8080', path: '/' },
    { name: 'scheme is lowercased', action: { port: 8443, scheme: 'HTTPS', path: '/healthz' }, url: 'https://10.1.2.3:8443/healthz', path: '/healthz' },
    { name: 'port by the container port name', action: { port: 'metrics', path: '/m' }, url: 'http://10.1.2.3:9090/m', path: '/m' },
    { name: 'a number written as a string', action: { port: '7070' }, url: 'http://10.1.2.3:7070', path: '/' },
    { name: 'host overrides the pod IP', action: { port: 80, host: 'example.test', path: '/x' }, url: 'http://example.test:80/x', path: '/x' },
    { name: 'IPv6 host is bracketed', action: { port: 80, host: 'fd00::1' }, url: 'http://[fd00::1]:80', path: '/' },
    { name: 'query kept, fragment dropped', action: { port: 80, path: '/h?verbose=1#frag' }, url: 'http://10.1.2.3:80/h?verbose=1', path: '/h?verbose=1' },
    { name: 'a relative path gets its slash', action: { port: 80, path: 'healthz' }, url: 'http://10.1.2.3:80/healthz', path: '/healthz' },
    { name: 'spaces and non-ASCII are escaped', action: { port: 80, path: '/a b/é' }, url: 'http://10.1.2.3:80/a%20b/%C3%A9', path: '/a%20b/%C3%A9' },
    { name: 'existing escapes are kept', action: { port: 80, path: '/a%2Fb' }, url: 'http://10.1.2.3:80/a%2Fb', path: '/a%2Fb' },
  ])('$name', ({ action, url, path }) => {
    const req = httpProbeRequest(action, container, '10.1.2.3');
    expect(req.url).toBe(url);
    expect(req.requestPath).toBe(path);
  });

  it('sends kube-probe/<major.minor> and Accept: */* unless the probe sets them', () => {
    const req = httpProbeRequest({ port: 80 }, container, '10.1.2.3');
    expect(PROBE_USER_AGENT).toBe('kube-probe/1.33');
    expect(Object.fromEntries(req.headers)).toEqual({ 'User-Agent': ['kube-probe/1.33'], Accept: ['*/*'] });
    expect(req.hostHeader).toBe('10.1.2.3:80');
  });

  it('keeps the probe headers (canonicalised, repeated ones in order), its User-Agent and Host', () => {
    const req = httpProbeRequest(
      {
        port: 80,
        httpHeaders: [
          { name: 'user-agent', value: 'mine/1' },
          { name: 'x-custom-thing', value: 'a' },
          { name: 'X-Custom-Thing', value: 'b' },
          { name: 'host', value: 'app.example' },
        ],
      },
      container,
      '10.1.2.3',
    );
    expect(Object.fromEntries(req.headers)).toEqual({ 'User-Agent': ['mine/1'], 'X-Custom-Thing': ['a', 'b'], Accept: ['*/*'] });
    expect(req.hostHeader).toBe('app.example');
  });

  it('drops Accept when the probe sets it empty', () => {
    const req = httpProbeRequest({ port: 80, httpHeaders: [{ name: 'Accept', value: '' }] }, container, '10.1.2.3');
    expect(req.headers.has('Accept')).toBe(false);
  });

  it.each([
    { port: 'grpc', message: 'strconv.Atoi: parsing "grpc": invalid syntax' },
    { port: 0, message: 'invalid port number: 0' },
    { port: 70000, message: 'invalid port number: 70000' },
    { port: '-1', message: 'invalid port number: -1' },
  ])('refuses port $port: $message', ({ port, message }) => {
    expect(() => httpProbeRequest({ port }, container, '10.1.2.3')).toThrow(ProbeError);
    expect(() => httpProbeRequest({ port }, container, '10.1.2.3')).toThrow(message);
  });

  it.each([
    ['user-agent', 'User-Agent'],
    ['X-FORWARDED-FOR', 'X-Forwarded-For'],
    ['accept', 'Accept'],
    ['bad header', 'bad header'],
  ])('canonicalHeaderKey(%s) = %s', (input, want) => expect(canonicalHeaderKey(input)).toBe(want));
});

/** An HTTP server whose answer each test sets; it records the requests it saw. */
class TestServer {
  readonly seen: { url: string; headers: IncomingHttpHeaders; rawHeaders: string[] }[] = [];
  handler: RequestListener = (_req, res) => res.end('ok');
  readonly server: Server;
  port = 0;
  constructor(https = false) {
    const listener: RequestListener = (req, res) => {
      this.seen.push({ url: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders });
      this.handler(req, res);
    };
    this.server = https ? createHttpsServer({ key: TEST_KEY, cert: TEST_CERT }, listener) : createServer(listener);
  }
  async start(): Promise<this> {
    this.port = await listenOnFreePort(this.server);
    return this;
  }
}

describe('httpProbe against a real server', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await new TestServer().start();
  });
  afterAll(() => closeServer(srv.server));

  const probe = (action: Partial<corev1.HTTPGetAction> = {}, timeoutMs = 1000) => httpProbe(httpProbeRequest({ port: srv.port, path: '/healthz', ...action }, container, '127.0.0.1'), timeoutMs);

  it.each([
    { code: 200, result: ProbeResult.Success, output: 'body' },
    { code: 204, result: ProbeResult.Success, output: '' },
    { code: 300, result: ProbeResult.Warning, output: 'Probe terminated redirects, Response body: body' },
    { code: 399, result: ProbeResult.Warning, output: 'Probe terminated redirects, Response body: body' },
    { code: 400, result: ProbeResult.Failure, output: 'HTTP probe failed with statuscode: 400' },
    { code: 404, result: ProbeResult.Failure, output: 'HTTP probe failed with statuscode: 404' },
    { code: 500, result: ProbeResult.Failure, output: 'HTTP probe failed with statuscode: 500' },
    { code: 503, result: ProbeResult.Failure, output: 'HTTP probe failed with statuscode: 503' },
  ])('status $code: $result', async ({ code, result, output }) => {
    srv.handler = (_req, res) => {
      res.statusCode = code;
      res.end(code === 204 ? undefined : 'body');
    };
    expect(await probe()).toEqual({ result, output });
  });

  it('sends the path, User-Agent, Accept and Host the kubelet sends, on a connection it closes', async () => {
    srv.handler = (_req, res) => res.end('ok');
    srv.seen.length = 0;
    await probe({ path: '/healthz?full=1', httpHeaders: [{ name: 'X-Probe', value: 'yes' }] });
    const [req] = srv.seen;
    expect(req!.url).toBe('/healthz?full=1');
    expect(req!.headers).toMatchObject({ 'user-agent': 'kube-probe/1.33', accept: '*/*', host: `127.0.0.1:${srv.port}`, 'x-probe': 'yes', connection: 'close' });
    expect(req!.headers['accept-encoding']).toBeUndefined();
  });

  it('sends a custom Host header as the Host', async () => {
    srv.seen.length = 0;
    await probe({ httpHeaders: [{ name: 'Host', value: 'app.example' }] });
    expect(srv.seen[0]!.headers.host).toBe('app.example');
    expect(srv.seen[0]!.rawHeaders.filter((h) => h.toLowerCase() === 'host')).toHaveLength(1);
  });

  it('fails with Go’s timeout text when the answer comes later than timeoutSeconds', async () => {
    srv.handler = (_req, res) => {
      const t = setTimeout(() => res.end('late'), 3000);
      res.on('close', () => clearTimeout(t));
    };
    const t0 = Date.now();
    const out = await probe({}, 300);
    expect(Date.now() - t0).toBeLessThan(2500);
    expect(out).toEqual({
      result: ProbeResult.Failure,
      output: `Get "http://127.0.0.1:${srv.port}/healthz": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
    });
  });

  it('errors when the body does not arrive within the timeout', async () => {
    srv.handler = (_req, res) => {
      res.writeHead(200, { 'content-length': '10' });
      res.write('abc');
    };
    const out = await probe({}, 300);
    expect(out.result).toBe(ProbeResult.Failure);
    expect(out.error?.message).toBe('context deadline exceeded (Client.Timeout or context cancellation while reading body)');
  });

  it('reads at most 10 KiB of the body', async () => {
    srv.handler = (_req, res) => res.end('x'.repeat(200 * 1024));
    const out = await probe();
    expect(out.result).toBe(ProbeResult.Success);
    expect(out.output).toHaveLength(MAX_HTTP_BODY_BYTES);
  });

  it('follows redirects on the same host, sending the Referer', async () => {
    srv.seen.length = 0;
    srv.handler = (req, res) => {
      if (req.url === '/healthz') res.writeHead(302, { location: '/step' }).end();
      else if (req.url === '/step') res.writeHead(301, { location: `http://127.0.0.1:${srv.port}/final` }).end();
      else res.end('arrived');
    };
    expect(await probe()).toEqual({ result: ProbeResult.Success, output: 'arrived' });
    expect(srv.seen.map((r) => r.url)).toEqual(['/healthz', '/step', '/final']);
    expect(srv.seen[1]!.headers.referer).toBe(`http://127.0.0.1:${srv.port}/healthz`);
    expect(srv.seen[2]!.headers['user-agent']).toBe('kube-probe/1.33');
  });

  it('follows a redirect to a failing page and fails with its status', async () => {
    srv.handler = (req, res) => {
      if (req.url === '/healthz') res.writeHead(307, { location: '/broken' }).end();
      else res.writeHead(500).end();
    };
    expect(await probe()).toEqual({ result: ProbeResult.Failure, output: 'HTTP probe failed with statuscode: 500' });
  });

  it('stops at a redirect to another host: a success with a warning', async () => {
    srv.seen.length = 0;
    srv.handler = (_req, res) => res.writeHead(302, { location: 'http://elsewhere.invalid/x' }).end('moved');
    expect(await probe()).toEqual({ result: ProbeResult.Warning, output: 'Probe terminated redirects, Response body: moved' });
    expect(srv.seen).toHaveLength(1);
  });

  it('gives up after 10 requests of a redirect loop', async () => {
    srv.seen.length = 0;
    srv.handler = (_req, res) => res.writeHead(302, { location: '/healthz' }).end();
    expect(await probe()).toEqual({ result: ProbeResult.Failure, output: 'Get "/healthz": stopped after 10 redirects' });
    expect(srv.seen).toHaveLength(10);
  });

  it('fails with Go’s dial error when nothing listens', async () => {
    const port = await freePort();
    const out = await httpProbe(httpProbeRequest({ port, path: '/' }, container, '127.0.0.1'), 1000);
    expect(out).toEqual({ result: ProbeResult.Failure, output: `Get "http://127.0.0.1:${port}/": dial tcp 127.0.0.1:${port}: connect: connection refused` });
  });

  it('fails with EOF when the server closes the connection without answering', async () => {
    srv.handler = (req) => req.socket.destroy();
    const out = await probe();
    expect(out).toEqual({ result: ProbeResult.Failure, output: `Get "http://127.0.0.1:${srv.port}/healthz": EOF` });
  });
});

describe('httpProbe over HTTPS', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await new TestServer(true).start();
  });
  afterAll(() => closeServer(srv.server));

  it('does not verify the serving certificate', async () => {
    srv.handler = (_req, res) => res.end('secure');
    const out = await httpProbe(httpProbeRequest({ port: srv.port, scheme: 'HTTPS', path: '/' }, container, '127.0.0.1'), 2000);
    expect(out).toEqual({ result: ProbeResult.Success, output: 'secure' });
    expect(srv.seen[0]!.headers['user-agent']).toBe('kube-probe/1.33');
  });

  it('fails its status codes like HTTP', async () => {
    srv.handler = (_req, res) => res.writeHead(503).end();
    const out = await httpProbe(httpProbeRequest({ port: srv.port, scheme: 'HTTPS', path: '/' }, container, '127.0.0.1'), 2000);
    expect(out).toEqual({ result: ProbeResult.Failure, output: 'HTTP probe failed with statuscode: 503' });
  });
});

// A throw-away self-signed certificate (CN=probe-test) for the HTTPS server above: probes never
// verify certificates, so its validity does not matter.
const TEST_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgDimb0e8JeristQ0R
SM9Cc7i8ZM4Yd4/DFJ34d9N78mihRANCAAS+TKjksdrSW+say0fYAZ7S+6EWYgQ4
KNn659PQwKrN/q8iI61xCmfKPqfIA+2pqI54QEYH8WH4ldrrkautBLuR
-----END PRIVATE KEY-----
`;
const TEST_CERT = `-----BEGIN CERTIFICATE-----
MIIBgTCCASegAwIBAgIUCrle6zYfF47bfZEKMzwDa8DevlUwCgYIKoZIzj0EAwIw
FTETMBEGA1UEAwwKcHJvYmUtdGVzdDAgFw0yNjExMjIyMTE5NDZaGA8yMTI2MTAy
OTIxMTk0NlowFTETMBEGA1UEAwwKcHJvYmUtdGVzdDBZMBMGByqGSM49AgEGCCqG
SM49AwEHA0IABL5MqOSx2tJb6xrLR9gBntL7oRZiBDgo2frn09DAqs3+ryIjrXEK
Z8o+p8gD7amojnhARgfxYfiV2uuRq60Eu5GjUzBRMB0GA1UdDgQWBBQ93Xe6Nfml
Mc3YSEKVqKCeXHoaAzAfBgNVHSMEGDAWgBQ93Xe6NfmlMc3YSEKVqKCeXHoaAzAP
BgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIQCqd4lWZ8ArSlB4cDSx
yb9NSUjYnqhWh892xiYH8M+BbAIgOQFl4uDX9S0OHCXT1uvjDDx6wZ2g6RvcMBc2
NC1kI9c=
-----END CERTIFICATE-----
`;
