import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry, collectDefaultMetrics } from 'prom-client';

/** A named check; it throws (or rejects) when unhealthy. */
export type HealthCheck = () => void | Promise<void>;

export interface HealthServerOptions {
  /** Component name, used as the `component` label on default process metrics. */
  component: string;
  host?: string;
  /** 0 picks a free port; read `port` after `listen()`. */
  port: number;
  /** Checks for /livez and /healthz. */
  liveness?: Record<string, HealthCheck>;
  /** Extra checks for /readyz (liveness checks apply too). */
  readiness?: Record<string, HealthCheck>;
  /** The registry /metrics serves; a fresh one with default process metrics when omitted. */
  registry?: Registry;
}

/**
 * Serves /healthz, /livez, /readyz and /metrics for a component, in Kubernetes' text form:
 * `ok` on success, and with `?verbose` one `[+]name ok` / `[-]name failed: reason` line per check.
 */
export class HealthServer {
  readonly registry: Registry;
  private readonly server: http.Server;
  private readonly options: HealthServerOptions;

  constructor(options: HealthServerOptions) {
    if (!options.component) throw new Error('HealthServer: component is required');
    if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
      throw new Error(`HealthServer: invalid port ${options.port}`);
    }
    this.options = options;
    this.registry = options.registry ?? HealthServer.defaultRegistry(options.component);
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end(`internal error: ${(err as Error).message}\n`);
      });
    });
  }

  static defaultRegistry(component: string): Registry {
    const registry = new Registry();
    registry.setDefaultLabels({ component });
    collectDefaultMetrics({ register: registry });
    return registry;
  }

  get port(): number {
    return (this.server.address() as AddressInfo | null)?.port ?? 0;
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host ?? '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { 'Content-Type': 'text/plain; charset=utf-8', Allow: 'GET, HEAD' });
      res.end('method not allowed\n');
      return;
    }
    switch (url.pathname) {
      case '/healthz':
      case '/livez':
        return this.respondChecks(res, url, { ping: () => undefined, ...this.options.liveness });
      case '/readyz':
        return this.respondChecks(res, url, { ping: () => undefined, ...this.options.liveness, ...this.options.readiness });
      case '/metrics': {
        const body = await this.registry.metrics();
        res.writeHead(200, { 'Content-Type': this.registry.contentType });
        res.end(body);
        return;
      }
      default:
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('404 page not found\n');
    }
  }

  private async respondChecks(res: http.ServerResponse, url: URL, checks: Record<string, HealthCheck>): Promise<void> {
    const lines: string[] = [];
    let healthy = true;
    for (const [name, check] of Object.entries(checks)) {
      try {
        await check();
        lines.push(`[+]${name} ok`);
      } catch (err) {
        healthy = false;
        lines.push(`[-]${name} failed: ${(err as Error).message ?? String(err)}`);
      }
    }
    const verbose = url.searchParams.has('verbose');
    let body: string;
    if (healthy) body = verbose ? `${lines.join('\n')}\nhealthz check passed\n` : 'ok';
    else body = `${lines.join('\n')}\nhealthz check failed\n`;
    res.writeHead(healthy ? 200 : 500, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
    res.end(body);
  }
}
