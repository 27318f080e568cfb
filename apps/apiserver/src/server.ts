import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@tskube/component';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { Discovery } from './discovery/discovery';
import { ApiError } from './errors';
import { RestHandler } from './rest/handler';
import { discoveryContentType, negotiate, parseAccept } from './rest/negotiation';
import { parseRequestInfo, type RequestInfo } from './rest/request-info';
import type { Duplex } from 'node:stream';
import { openWatches } from './rest/watch-stream';

export interface OpenApiSource {
  root(): Record<string, unknown>;
  document(path: string): { body: Buffer; hash: string } | undefined;
}

export interface ApiServerHttpOptions {
  rest: RestHandler;
  discovery: Discovery;
  openapi?: OpenApiSource;
  logger: Logger;
  registry: Registry;
  version: Record<string, string>;
  /** Named checks for /healthz, /livez and /readyz; each throws when failing. */
  checks: Record<string, () => void | Promise<void>>;
  readyChecks?: Record<string, () => void | Promise<void>>;
  /** Serves a request that asks for a protocol upgrade (pods/exec, pods/attach). */
  upgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer, info: RequestInfo, query: URLSearchParams) => Promise<void>;
}

/** The apiserver's HTTP front: health, version, metrics, discovery, OpenAPI, and the REST API. */
export class ApiServerHttp {
  readonly server: http.Server;
  private readonly requests: Counter<string>;
  /** Connections currently carrying a watch stream. */
  private readonly watchSockets = new Set<import('node:net').Socket>();
  private readonly latency: Histogram<string>;

  constructor(private readonly o: ApiServerHttpOptions) {
    this.requests = new Counter({
      name: 'apiserver_request_total',
      help: 'Requests served, by verb, group, version, resource, subresource and HTTP code.',
      labelNames: ['verb', 'group', 'version', 'resource', 'subresource', 'code'],
      registers: [o.registry],
    });
    this.latency = new Histogram({
      name: 'apiserver_request_duration_seconds',
      help: 'Request latency (watches excluded), by verb, group, version, resource and subresource.',
      labelNames: ['verb', 'group', 'version', 'resource', 'subresource'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [o.registry],
    });
    new Gauge({
      name: 'apiserver_registered_watchers',
      help: 'Watches currently open, by group and resource.',
      labelNames: ['group', 'resource'],
      registers: [o.registry],
      collect() {
        this.reset();
        for (const [key, n] of openWatches) {
          const [group, resource] = key.split('/');
          this.set({ group, resource }, n);
        }
      },
    });
    this.server = http.createServer((req, res) => void this.serve(req, res));
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => void this.serveUpgrade(req, socket, head));
    this.server.keepAliveTimeout = 65_000;
  }

  listen(port: number, host: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  get port(): number {
    return (this.server.address() as AddressInfo | null)?.port ?? 0;
  }

  /** Cuts every connection that carries a watch, as a network failure would. */
  dropWatchConnections(): number {
    const n = this.watchSockets.size;
    for (const socket of this.watchSockets) socket.destroy();
    this.watchSockets.clear();
    return n;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const watchParam = url.searchParams.get('watch')?.toLowerCase();
    const info = parseRequestInfo(req.method ?? 'GET', url.pathname, watchParam === 'true' || watchParam === '1' || watchParam === 't');
    if (info.verb === 'watch') {
      const socket = req.socket;
      this.watchSockets.add(socket);
      res.once('close', () => this.watchSockets.delete(socket));
    }
    try {
      if (info.isResourceRequest) await this.o.rest.handle(req, res, info, url.searchParams);
      else await this.serveNonResource(req, res, url);
    } catch (err) {
      this.fail(res, err, req);
    } finally {
      if (info.isResourceRequest) {
        const labels = { verb: info.verb.toUpperCase(), group: info.group, version: info.version, resource: info.resource, subresource: info.subresource };
        this.requests.inc({ ...labels, code: String(res.statusCode) });
        if (info.verb !== 'watch') this.latency.observe(labels, (performance.now() - started) / 1000);
      }
    }
  }

  private async serveUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const info = parseRequestInfo(req.method ?? 'GET', url.pathname, false);
    const labels = { verb: info.verb.toUpperCase(), group: info.group, version: info.version, resource: info.resource, subresource: info.subresource };
    if (info.isResourceRequest && this.o.upgrade) {
      this.requests.inc({ ...labels, code: '101' });
      return this.o.upgrade(req, socket, head, info, url.searchParams);
    }
    const body = JSON.stringify(ApiError.badRequest(`${url.pathname} cannot be upgraded`).toStatus());
    socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }

  private fail(res: ServerResponse, err: unknown, req: IncomingMessage): void {
    const apiErr = err instanceof ApiError ? err : ApiError.internal(err);
    if (!(err instanceof ApiError)) {
      this.o.logger.error('request failed', { method: req.method, url: req.url, err: (err as Error)?.stack ?? String(err) });
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body = JSON.stringify(apiErr.toStatus()) + '\n';
    const headers: Record<string, string | number> = { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) };
    const retry = apiErr.toStatus().details?.retryAfterSeconds;
    if (retry) headers['Retry-After'] = retry;
    res.writeHead(apiErr.code, headers);
    res.end(body);
  }

  private async serveNonResource(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      if (path === '/api' || path.startsWith('/api/') || path.startsWith('/apis')) {
        throw ApiError.of(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
      }
      throw notFound();
    }
    switch (path) {
      case '/healthz':
      case '/livez':
        return this.health(res, url, this.o.checks);
      case '/readyz':
        return this.health(res, url, { ...this.o.checks, ...(this.o.readyChecks ?? {}) });
      case '/version':
        return json(res, 200, this.o.version);
      case '/metrics': {
        const text = await this.o.registry.metrics();
        res.writeHead(200, { 'Content-Type': this.o.registry.contentType });
        res.end(text);
        return;
      }
      case '/api':
      case '/apis': {
        const accept = parseAccept(req.headers.accept);
        const r = negotiate(accept, { allowDiscovery: true });
        if (!r) throw ApiError.notAcceptable('application/json');
        if (r.kind === 'discovery') {
          const body = JSON.stringify(this.o.discovery.aggregated(path === '/api', r.version));
          res.writeHead(200, { 'Content-Type': discoveryContentType(r.version), 'Content-Length': Buffer.byteLength(body) });
          res.end(body);
          return;
        }
        return json(res, 200, path === '/api' ? this.o.discovery.apiVersions() : this.o.discovery.apiGroupList());
      }
      case '/openapi/v3':
        if (!this.o.openapi) throw notFound();
        return json(res, 200, this.o.openapi.root());
    }
    if (path.startsWith('/openapi/v3/') && this.o.openapi) {
      const doc = this.o.openapi.document(path.slice('/openapi/v3/'.length));
      if (!doc) throw notFound();
      const etag = `"${doc.hash}"`;
      const headers: Record<string, string | number> = { 'Content-Type': 'application/json', ETag: etag };
      headers['Cache-Control'] = url.searchParams.get('hash') === doc.hash ? 'public, immutable' : 'no-cache, private';
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, headers);
        res.end();
        return;
      }
      headers['Content-Length'] = doc.body.length;
      res.writeHead(200, headers);
      res.end(doc.body);
      return;
    }
    const parts = path.split('/').filter(Boolean);
    if (parts[0] === 'api' && parts.length === 2) {
      const list = this.o.discovery.apiResourceList(parts[1]);
      if (list) return json(res, 200, list);
    }
    if (parts[0] === 'apis' && parts.length === 2) {
      const group = this.o.discovery.apiGroup(parts[1]);
      if (group) return json(res, 200, group);
    }
    if (parts[0] === 'apis' && parts.length === 3) {
      const list = this.o.discovery.apiResourceList(`${parts[1]}/${parts[2]}`);
      if (list) return json(res, 200, list);
    }
    throw notFound();
  }

  private async health(res: ServerResponse, url: URL, checks: Record<string, () => void | Promise<void>>): Promise<void> {
    const lines: string[] = ['[+]ping ok'];
    let failed = false;
    for (const [name, check] of Object.entries(checks)) {
      try {
        await check();
        lines.push(`[+]${name} ok`);
      } catch (err) {
        failed = true;
        lines.push(`[-]${name} failed: ${(err as Error).message ?? 'reason withheld'}`);
      }
    }
    const verbose = url.searchParams.has('verbose');
    const what = url.pathname.slice(1);
    const body = verbose || failed ? `${lines.join('\n')}\n${what} check ${failed ? 'failed' : 'passed'}\n` : 'ok';
    res.writeHead(failed ? 500 : 200, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
    res.end(body);
  }
}

function json(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function notFound(): ApiError {
  return ApiError.of(404, 'NotFound', 'the server could not find the requested resource', {});
}
