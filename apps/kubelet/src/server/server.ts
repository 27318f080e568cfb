import http, { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { access } from 'node:fs/promises';
import { hostname } from 'node:os';
import { cri } from '@tskube/proto';
import { StatusError, newBadRequest, newInternalError, type corev1 } from '@tskube/api-types';
import type { Logger } from '@tskube/component';
import { Counter, Gauge, type Registry } from 'prom-client';
import { WebSocketServer } from 'ws';
import { CriError, CriErrorCode, isCriNotFound, type ContainerStatsManager, type RuntimeService } from '../cri/index';
import { parseLogQuery } from './log-options';
import { readContainerLog } from './log-reader';
import { dialRemoteCommand, type StreamFlags } from './remote-command';
import { PortForwardServer } from './port-forward';
import { StatsProvider } from './stats';
import { bridgeStreams, chooseChannelProtocol, CHANNEL_PROTOCOLS } from './stream-bridge';
import type { SpdyConnection } from './spdy';

type Pod = corev1.Pod;

/** What the server needs to know about the pods this kubelet runs. */
export interface KubeletPods {
  /** Pods this kubelet runs (for /pods). */
  pods(): Pod[];
  /** Resolve a pod's container to its current (or, with previous, its last terminated) CRI container; undefined if unknown. */
  container(namespace: string, podName: string, containerName: string, opts?: { previous?: boolean }): { podUid: string; containerId: string; logPath: string } | undefined;
}

export interface KubeletServerOptions {
  /** Address to listen on (`--address`), e.g. `0.0.0.0`. */
  host: string;
  /** `--port`, 10250 by default in Kubernetes; 0 picks a free port. */
  port: number;
  pods: KubeletPods;
  runtime: RuntimeService & ContainerStatsManager;
  logger: Logger;
  registry: Registry;
  /** Throws (or rejects) when the kubelet is not healthy; /healthz answers 500 then. */
  healthz: () => Promise<void> | void;
  /** The node's name in /stats/summary; default the host name. */
  nodeName?: string;
  /** How often a followed log is checked for growth; default 200 ms. */
  logPollIntervalMs?: number;
}

/**
 * The kubelet's HTTP API (Kubernetes' pkg/kubelet/server): container logs, exec and attach over
 * WebSocket channel protocols (bridged to the runtime's CRI streaming server), the pods it runs,
 * the stats summary, health and metrics. Plain HTTP for now, like the apiserver.
 */
export class KubeletServer {
  private readonly server: http.Server;
  private readonly wss: WebSocketServer;
  private readonly stats: StatsProvider;
  private readonly requests: Counter<string>;
  private readonly inflight: Gauge<string>;
  private readonly streams = new Set<SpdyConnection>();
  private readonly followers = new Set<AbortController>();
  private readonly portForward: PortForwardServer;

  constructor(private readonly o: KubeletServerOptions) {
    if (!o.pods || !o.runtime || !o.logger || !o.registry) throw new Error('KubeletServer needs pods, runtime, logger and registry');
    if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) throw new Error(`invalid port ${o.port}`);
    this.stats = new StatsProvider(o.runtime, o.nodeName ?? hostname());
    this.requests = metric(o.registry, 'kubelet_http_requests_total', () => new Counter({
      name: 'kubelet_http_requests_total',
      help: 'Number of the http requests received since the server started',
      labelNames: ['method', 'path', 'server_type', 'long_running'],
      registers: [o.registry],
    }));
    this.inflight = metric(o.registry, 'kubelet_http_inflight_requests', () => new Gauge({
      name: 'kubelet_http_inflight_requests',
      help: 'Number of the inflight http requests',
      labelNames: ['method', 'path', 'server_type', 'long_running'],
      registers: [o.registry],
    }));
    this.wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: (offered) => chooseChannelProtocol([...offered]) ?? false });
    this.portForward = new PortForwardServer(o.logger.with({ kind: 'portForward' }));
    this.server = http.createServer((req, res) => void this.serve(req, res));
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => void this.upgrade(req, socket, head));
  }

  get port(): number {
    return (this.server.address() as AddressInfo | null)?.port ?? 0;
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.o.port, this.o.host, () => {
        this.server.off('error', reject);
        this.o.logger.info('kubelet server listening', { address: this.o.host, port: this.port });
        resolve();
      });
    });
  }

  /** Stops listening and ends every log stream, exec and attach. Idempotent. */
  close(): Promise<void> {
    for (const f of this.followers) f.abort();
    for (const c of this.streams) c.close();
    for (const ws of this.wss.clients) ws.terminate();
    this.portForward.close();
    return new Promise((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://kubelet');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const labels = { method: req.method ?? 'GET', path: parts[0] ?? '', server_type: 'readwrite', long_running: String(url.searchParams.get('follow') === 'true') };
    this.requests.inc(labels);
    this.inflight.inc(labels);
    res.once('close', () => this.inflight.dec(labels));
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD' && parts[0] !== 'exec' && parts[0] !== 'attach' && parts[0] !== 'portForward') {
        throw new StatusError({ code: 405, reason: 'MethodNotAllowed', message: `method ${req.method} is not allowed` });
      }
      switch (parts[0]) {
        case 'healthz':
          return await this.healthz(res);
        case 'metrics':
          res.writeHead(200, { 'Content-Type': this.o.registry.contentType });
          res.end(await this.o.registry.metrics());
          return;
        case 'pods':
          return json(res, 200, { kind: 'PodList', apiVersion: 'v1', metadata: {}, items: this.o.pods.pods() });
        case 'stats':
          if (parts[1] === 'summary') return json(res, 200, await this.stats.summary(this.o.pods.pods()));
          break;
        case 'containerLogs':
          if (parts.length === 4) return await this.containerLogs(req, res, parts[1], parts[2], parts[3], url.searchParams);
          break;
        case 'exec':
        case 'attach':
        case 'portForward':
          throw newBadRequest('Upgrade request required');
      }
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('404 page not found\n');
    } catch (err) {
      const status = toStatusError(err);
      if (status.code >= 500) this.o.logger.error('kubelet request failed', { path: url.pathname, err: String(err) });
      if (res.headersSent) {
        res.destroy();
        return;
      }
      json(res, status.code, status.toStatus());
    }
  }

  private async healthz(res: ServerResponse): Promise<void> {
    try {
      await this.o.healthz();
    } catch (err) {
      res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`[-]kubelet failed: ${(err as Error).message}\nhealthz check failed\n`);
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('ok');
  }

  private findPod(namespace: string, name: string): Pod | undefined {
    return this.o.pods.pods().find((p) => p.metadata?.namespace === namespace && p.metadata?.name === name);
  }

  private async containerLogs(req: IncomingMessage, res: ServerResponse, namespace: string, podName: string, containerName: string, query: URLSearchParams): Promise<void> {
    const options = parseLogQuery(query, Date.now());
    const pod = this.findPod(namespace, podName);
    if (!pod) throw new StatusError({ code: 404, reason: 'NotFound', message: `pod ${JSON.stringify(podName)} does not exist` });
    const spec = pod.spec;
    const known = [...(spec?.containers ?? []), ...(spec?.initContainers ?? []), ...(spec?.ephemeralContainers ?? [])].some((c) => c.name === containerName);
    if (!known) throw new StatusError({ code: 404, reason: 'NotFound', message: `container ${JSON.stringify(containerName)} not found in pod ${JSON.stringify(podName)}` });
    checkLogStatus(pod, containerName, options.previous);
    const target = this.o.pods.container(namespace, podName, containerName, { previous: options.previous });
    if (!target) {
      const what = options.previous ? `previous terminated container ${JSON.stringify(containerName)}` : `container ${JSON.stringify(containerName)}`;
      throw newBadRequest(`${what} in pod ${JSON.stringify(podName)} ${options.previous ? 'not found' : 'is not available'}`);
    }
    try {
      await access(target.logPath);
    } catch (err) {
      throw newBadRequest(`failed to open log file ${JSON.stringify(target.logPath)}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : String(err)}`);
    }
    const abort = new AbortController();
    this.followers.add(abort);
    res.once('close', () => abort.abort());
    req.once('close', () => abort.abort());
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
    if (options.follow) res.flushHeaders();
    try {
      await readContainerLog(
        target.logPath,
        options,
        (chunk) => {
          if (res.destroyed || res.write(chunk)) return;
          return new Promise<void>((resolve) => {
            const done = () => {
              res.off('drain', done);
              res.off('close', done);
              resolve();
            };
            res.once('drain', done);
            res.once('close', done);
          });
        },
        {
          signal: abort.signal,
          pollIntervalMs: this.o.logPollIntervalMs,
          isRunning: options.previous ? () => false : () => this.isRunning(target.containerId),
        },
      );
    } finally {
      this.followers.delete(abort);
    }
    res.end();
  }

  private async isRunning(containerId: string): Promise<boolean> {
    try {
      const { status } = await this.o.runtime.containerStatus(containerId);
      return status?.state === cri.ContainerState.CONTAINER_RUNNING;
    } catch (err) {
      if (isCriNotFound(err)) return false;
      throw err;
    }
  }

  /** exec, attach and portForward: a WebSocket upgrade bridged to the runtime's streaming server. */
  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://kubelet');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const kind = parts[0];
    const labels = { method: req.method ?? 'GET', path: kind ?? '', server_type: 'readwrite', long_running: 'true' };
    this.requests.inc(labels);
    this.inflight.inc(labels);
    socket.once('close', () => this.inflight.dec(labels));
    try {
      if (kind === 'portForward' && (parts.length === 3 || parts.length === 4)) {
        const pod = this.findPod(parts[1], parts[2]);
        this.portForward.upgrade(req, socket, head, pod && (parts.length === 3 || pod.metadata?.uid === parts[3]) ? pod : undefined, url.searchParams);
        return;
      }
      if ((kind !== 'exec' && kind !== 'attach') || (parts.length !== 4 && parts.length !== 5)) {
        throw new StatusError({ code: 404, reason: 'NotFound', message: '404 page not found' });
      }
      const [namespace, podName] = [parts[1], parts[2]];
      const containerName = parts[parts.length - 1];
      const podUid = parts.length === 5 ? parts[3] : undefined;
      if (String(req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
        throw newBadRequest(`unsupported upgrade ${JSON.stringify(req.headers.upgrade ?? '')}: only WebSocket with ${CHANNEL_PROTOCOLS.join(' or ')} is served`);
      }
      const protocol = chooseChannelProtocol(req.headers['sec-websocket-protocol']);
      if (!protocol) {
        throw new StatusError({ code: 403, reason: 'Forbidden', message: `unable to upgrade: none of the offered protocols ${JSON.stringify(req.headers['sec-websocket-protocol'] ?? '')} is supported (${CHANNEL_PROTOCOLS.join(', ')})` });
      }
      const flags = streamFlags(url.searchParams);
      const command = url.searchParams.getAll('command');
      if (kind === 'exec' && command.length === 0) throw newBadRequest('you must specify at least 1 command');
      const pod = this.findPod(namespace, podName);
      if (!pod || (podUid && pod.metadata?.uid !== podUid)) throw new StatusError({ code: 404, reason: 'NotFound', message: 'pod does not exist' });
      const target = this.o.pods.container(namespace, podName, containerName);
      if (!target) throw new StatusError({ code: 404, reason: 'NotFound', message: `container not found (${JSON.stringify(containerName)})` });
      const { url: streamUrl } =
        kind === 'exec'
          ? await this.o.runtime.exec({ containerId: target.containerId, cmd: command, ...flags })
          : await this.o.runtime.attach({ containerId: target.containerId, ...flags });
      const remote = await dialRemoteCommand(streamUrl, flags);
      this.streams.add(remote.connection);
      remote.connection.once('close', () => this.streams.delete(remote.connection));
      if (socket.destroyed) {
        remote.connection.close();
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        const log = this.o.logger.with({ kind, namespace, pod: podName, container: containerName });
        log.debug('stream started', { protocol });
        void bridgeStreams(ws, protocol, remote, log).then(() => log.debug('stream ended'));
      });
    } catch (err) {
      const status = toStatusError(err);
      if (status.code >= 500) this.o.logger.warn('stream request failed', { path: url.pathname, err: String(err) });
      const body = JSON.stringify(status.toStatus());
      socket.end(
        `HTTP/1.1 ${status.code} ${STATUS_CODES[status.code] ?? ''}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
  }
}

/** The stream flags of an exec or attach query (`1` or `true`); stderr is dropped with a TTY. */
export function streamFlags(query: URLSearchParams): StreamFlags {
  const on = (name: string) => ['1', 'true', 'True', 'TRUE', 't'].includes(query.get(name) ?? '');
  const tty = on('tty');
  const flags = { stdin: on('stdin'), stdout: on('stdout'), stderr: on('stderr') && !tty, tty };
  if (!flags.stdin && !flags.stdout && !on('stderr')) throw newBadRequest('you must specify at least 1 of stdin, stdout, stderr');
  return flags;
}

/**
 * The kubelet's checks before it reads a log (validateContainerLogStatus): which container
 * instance is meant, and Kubernetes' message when there is none to read.
 */
export function checkLogStatus(pod: Pod, containerName: string, previous: boolean): void {
  const status = pod.status;
  const podName = pod.metadata?.name ?? '';
  const s = [...(status?.containerStatuses ?? []), ...(status?.initContainerStatuses ?? []), ...(status?.ephemeralContainerStatuses ?? [])].find((c) => c.name === containerName);
  const c = JSON.stringify(containerName);
  const p = JSON.stringify(podName);
  if (!s) {
    // The kubelet has not reported on the container yet; the runtime's own answer decides.
    if (!status?.containerStatuses) return;
    throw newBadRequest(`container ${c} in pod ${p} is not available`);
  }
  const last = s.lastState?.terminated;
  const { waiting, running, terminated } = s.state ?? {};
  if (previous) {
    if (!last?.containerID) throw newBadRequest(`previous terminated container ${c} in pod ${p} not found`);
    return;
  }
  if (running) return;
  if (terminated) {
    if (!terminated.containerID && !last?.containerID) throw newBadRequest(`container ${c} in pod ${p} is terminated`);
    return;
  }
  if (last) {
    if (!last.containerID) throw newBadRequest(`container ${c} in pod ${p} is terminated`);
    return;
  }
  if (waiting) {
    if (waiting.reason === 'ErrImagePull') throw newBadRequest(`container ${c} in pod ${p} is waiting to start: image can't be pulled`);
    if (waiting.reason === 'ImagePullBackOff') throw newBadRequest(`container ${c} in pod ${p} is waiting to start: trying and failing to pull image`);
    throw newBadRequest(`container ${c} in pod ${p} is waiting to start: ${waiting.reason ?? ''}`);
  }
  throw newBadRequest(`container ${c} in pod ${p} is waiting to start - no logs yet`);
}

function toStatusError(err: unknown): StatusError {
  if (err instanceof StatusError) return err;
  if (err instanceof CriError) {
    if (err.code === CriErrorCode.NotFound) return new StatusError({ code: 404, reason: 'NotFound', message: err.message });
    if (err.code === CriErrorCode.InvalidArgument || err.code === CriErrorCode.FailedPrecondition) return newBadRequest(err.message);
  }
  return newInternalError(err);
}

function json(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** A metric of the shared registry, made once even when several servers share the registry. */
function metric<T>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}
