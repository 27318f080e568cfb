import http, { STATUS_CODES, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { corev1 } from '@tskube/api-types';
import { StatusError } from '@tskube/api-types';
import type { Logger } from '@tskube/component';
import { ApiError, type FieldIssue } from './errors';
import type { RequestInfo } from './rest/request-info';
import { timestamp } from './storage/codec';
import type { ResourceStore } from './storage/resource-store';

type Pod = corev1.Pod;
type Node = corev1.Node;

/** The kubelet port when a Node does not report one (status.daemonEndpoints.kubeletEndpoint.Port). */
export const DEFAULT_KUBELET_PORT = 10250;

const SUBRESOURCES = new Set(['log', 'exec', 'attach', 'portforward']);

export interface PodConnectOptions {
  pods: ResourceStore;
  nodes: ResourceStore;
  logger: Logger;
  /** How long reaching a kubelet may take; default 30 s. */
  dialTimeoutMs?: number;
}

/**
 * pods/log, pods/exec, pods/attach and pods/portforward: the apiserver finds the pod's node and the container, and
 * proxies the request to that node's kubelet (`/containerLogs/...`, `/exec/...`, `/attach/...`, `/portForward/...`),
 * streaming the log, or passing an upgraded connection's bytes both ways, as Kubernetes'
 * LogREST, ExecREST and AttachREST do.
 */
export class PodConnect {
  constructor(private readonly o: PodConnectOptions) {}

  /** Whether the request is one of the subresources served here. */
  handles(info: RequestInfo): boolean {
    return info.group === '' && info.resource === 'pods' && info.name !== '' && SUBRESOURCES.has(info.subresource);
  }

  /** A request without an upgrade: logs, or an exec/attach that cannot work without one. */
  async serve(req: IncomingMessage, res: ServerResponse, info: RequestInfo, query: URLSearchParams): Promise<void> {
    if (info.subresource !== 'log') {
      if (info.verb !== 'get' && info.verb !== 'create') throw ApiError.methodNotSupported({ group: '', resource: `pods/${info.subresource}` }, info.verb);
      throw ApiError.badRequest('Upgrade request required');
    }
    if (info.verb !== 'get') throw ApiError.methodNotSupported({ group: '', resource: 'pods/log' }, info.verb);
    const target = await this.logLocation(info.namespace, info.name, query);
    if (!target) {
      // No node yet: Kubernetes answers an empty log.
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end();
      return;
    }
    await this.proxyLog(req, res, target);
  }

  /** exec, attach and portforward with `Upgrade`: checked, then the connection is handed to the kubelet. */
  async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, info: RequestInfo, query: URLSearchParams): Promise<void> {
    socket.on('error', () => socket.destroy());
    try {
      const sub = info.subresource;
      if (sub !== 'exec' && sub !== 'attach' && sub !== 'portforward') throw ApiError.badRequest(`pods/${sub} cannot be upgraded`);
      if (info.verb !== 'get' && info.verb !== 'create') throw ApiError.methodNotSupported({ group: '', resource: `pods/${sub}` }, info.verb);
      const target = sub === 'portforward' ? await this.portForwardLocation(info.namespace, info.name, query) : await this.streamLocation(sub, info.namespace, info.name, query);
      await this.proxyUpgrade(req, socket, head, target);
    } catch (err) {
      writeRawError(socket, err instanceof StatusError ? err : ApiError.internal(err));
    }
  }

  private async logLocation(namespace: string, name: string, query: URLSearchParams): Promise<URL | undefined> {
    const options = logOptions(name, query);
    const pod = (await this.o.pods.get(namespace, name)) as Pod;
    const container = logContainer(pod, query.get('container') ?? '');
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) return undefined;
    const base = await this.kubelet(nodeName);
    const url = new URL(`/containerLogs/${enc(namespace)}/${enc(name)}/${enc(container)}`, base);
    for (const [k, v] of options) url.searchParams.append(k, v);
    return url;
  }

  private async streamLocation(kind: 'exec' | 'attach', namespace: string, name: string, query: URLSearchParams): Promise<URL> {
    const pod = (await this.o.pods.get(namespace, name)) as Pod;
    const container = streamContainer(pod, name, query.get('container') ?? '');
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) throw ApiError.badRequest(`pod ${name} does not have a host assigned`);
    const base = await this.kubelet(nodeName);
    const url = new URL(`/${kind}/${enc(namespace)}/${enc(name)}/${enc(container)}`, base);
    for (const flag of ['stdin', 'stdout', 'stderr', 'tty']) {
      if (parseBool(query, flag)) url.searchParams.append(flag, '1');
    }
    if (kind === 'exec') for (const c of query.getAll('command')) url.searchParams.append('command', c);
    return url;
  }

  /** pods/portforward: the kubelet's `/portForward/<ns>/<pod>` with each of `ports` as its `port`. */
  private async portForwardLocation(namespace: string, name: string, query: URLSearchParams): Promise<URL> {
    const ports: string[] = [];
    for (const value of query.getAll('ports')) {
      for (const p of value.split(',')) {
        if (!/^[+-]?\d+$/.test(p) || Number(p) < -2147483648 || Number(p) > 2147483647) throw ApiError.badRequest(`strconv.ParseInt: parsing ${JSON.stringify(p)}: invalid syntax`);
        ports.push(String(Number(p)));
      }
    }
    const pod = (await this.o.pods.get(namespace, name)) as Pod;
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) throw ApiError.badRequest(`pod ${name} does not have a host assigned`);
    const base = await this.kubelet(nodeName);
    const url = new URL(`/portForward/${enc(namespace)}/${enc(name)}`, base);
    for (const p of ports) url.searchParams.append('port', p);
    return url;
  }

  /** The kubelet of a node: its InternalIP (else Hostname) and its reported kubelet port. */
  private async kubelet(nodeName: string): Promise<URL> {
    const node = (await this.o.nodes.get('', nodeName)) as Node;
    const addresses = node.status?.addresses ?? [];
    const address = addresses.find((a) => a.type === 'InternalIP')?.address ?? addresses.find((a) => a.type === 'Hostname')?.address;
    if (!address) throw ApiError.badRequest(`node ${nodeName} has no InternalIP or Hostname address`);
    const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port || DEFAULT_KUBELET_PORT;
    return new URL(`http://${net.isIPv6(address) ? `[${address}]` : address}:${port}`);
  }

  private proxyLog(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    return new Promise((resolve, reject) => {
      const upstream = http.get(url, { timeout: this.o.dialTimeoutMs ?? 30_000 }, (kres) => {
        upstream.setTimeout(0);
        if (kres.statusCode !== 200) {
          readLimited(kres, 64 * 1024).then((body) => reject(kubeletError(kres.statusCode ?? 500, body)), reject);
          return;
        }
        res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
        res.flushHeaders();
        kres.pipe(res);
        kres.once('end', () => resolve());
        kres.once('error', () => {
          res.destroy();
          resolve();
        });
      });
      upstream.once('timeout', () => upstream.destroy(new Error(`timed out connecting to ${url.host}`)));
      upstream.once('error', (err) => {
        if (res.headersSent) {
          res.destroy();
          resolve();
        } else {
          reject(ApiError.internal(`Get "${url.href}": ${err.message}`));
        }
      });
      // The client went away (kubectl logs -f interrupted): stop reading from the kubelet.
      res.once('close', () => upstream.destroy());
      req.once('close', () => {
        if (!res.writableFinished) upstream.destroy();
      });
    });
  }

  /** Hands the client's upgrade request to the kubelet and splices the two connections. */
  private proxyUpgrade(req: IncomingMessage, client: Duplex, head: Buffer, url: URL): Promise<void> {
    return new Promise((resolve, reject) => {
      const backend = net.connect({ host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port) });
      backend.setTimeout(this.o.dialTimeoutMs ?? 30_000, () => backend.destroy(new Error(`timed out connecting to ${url.host}`)));
      backend.once('error', (err) => reject(ApiError.internal(`error dialing backend: ${err.message}`)));
      backend.once('connect', () => {
        backend.setTimeout(0);
        backend.setNoDelay(true);
        backend.removeAllListeners('error');
        const lines = [`${req.method ?? 'GET'} ${url.pathname}${url.search} HTTP/1.1`, `Host: ${url.host}`, ...forwardHeaders(req.headers)];
        backend.write(`${lines.join('\r\n')}\r\n\r\n`);
        if (head.length) backend.write(head);
        backend.pipe(client);
        client.pipe(backend);
        const done = () => {
          client.destroy();
          backend.destroy();
        };
        backend.once('close', done);
        client.once('close', done);
        backend.on('error', done);
        client.on('error', done);
        this.o.logger.debug('proxying stream to kubelet', { url: url.href });
        resolve();
      });
    });
  }
}

/** Headers passed to the kubelet: all the client's except Host and hop-by-hop proxy ones. */
function forwardHeaders(headers: IncomingHttpHeaders): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name === 'host' || name === 'proxy-authorization' || name === 'authorization') continue;
    for (const v of Array.isArray(value) ? value : [value]) out.push(`${name}: ${v}`);
  }
  return out;
}

/** PodLogOptions from the query, checked as Kubernetes' ValidatePodLogOptions; the kubelet's query. */
function logOptions(name: string, query: URLSearchParams): [string, string][] {
  const issues: FieldIssue[] = [];
  const out: [string, string][] = [];
  for (const flag of ['follow', 'previous', 'timestamps']) if (parseBool(query, flag)) out.push([flag, 'true']);
  parseBool(query, 'insecureSkipTLSVerifyBackend');
  const tailLines = parseInt64(query, 'tailLines');
  const limitBytes = parseInt64(query, 'limitBytes');
  const sinceSeconds = parseInt64(query, 'sinceSeconds');
  const sinceTime = query.get('sinceTime') || undefined;
  if (tailLines !== undefined && tailLines < 0) issues.push({ type: 'Invalid', field: 'tailLines', value: tailLines, detail: 'must be greater than or equal to 0' });
  if (limitBytes !== undefined && limitBytes < 1) issues.push({ type: 'Invalid', field: 'limitBytes', value: limitBytes, detail: 'must be greater than 0' });
  if (sinceSeconds !== undefined && sinceTime !== undefined) issues.push({ type: 'Forbidden', field: '', detail: 'at most one of `sinceTime` or `sinceSeconds` may be specified' });
  if (sinceSeconds !== undefined && sinceSeconds < 1) issues.push({ type: 'Invalid', field: 'sinceSeconds', value: sinceSeconds, detail: 'must be greater than 0' });
  const stream = query.get('stream');
  if (stream !== null && !['All', 'Stdout', 'Stderr'].includes(stream)) issues.push({ type: 'NotSupported', field: 'stream', value: stream, detail: 'supported values: "All", "Stderr", "Stdout"' });
  if (issues.length) throw ApiError.invalid({ group: '', kind: 'PodLogOptions' }, name, issues);
  let since: string | undefined;
  if (sinceTime !== undefined) {
    const t = Date.parse(sinceTime);
    if (Number.isNaN(t) || !/^\d{4}-\d\d-\d\dT/.test(sinceTime)) throw ApiError.badRequest(`parsing time ${JSON.stringify(sinceTime)} as "2006-01-02T15:04:05Z07:00": cannot parse`);
    since = timestamp(new Date(Math.floor(t / 1000) * 1000));
  }
  if (sinceSeconds !== undefined) out.push(['sinceSeconds', String(sinceSeconds)]);
  if (since) out.push(['sinceTime', since]);
  if (tailLines !== undefined) out.push(['tailLines', String(tailLines)]);
  if (limitBytes !== undefined) out.push(['limitBytes', String(limitBytes)]);
  if (stream !== null && stream !== 'All') out.push(['stream', stream]);
  return out;
}

/** The container a log request means (Kubernetes' validateContainer for pods/log). */
function logContainer(pod: Pod, container: string): string {
  const spec = pod.spec;
  const name = pod.metadata?.name ?? '';
  const all = [...(spec?.initContainers ?? []), ...(spec?.containers ?? []), ...(spec?.ephemeralContainers ?? [])].map((c) => c.name);
  if (container) {
    if (!all.includes(container)) throw ApiError.badRequest(`container ${container} is not valid for pod ${name}`);
    return container;
  }
  const containers = spec?.containers ?? [];
  if (containers.length === 1) return containers[0].name;
  if (containers.length === 0) throw ApiError.badRequest(`a container name must be specified for pod ${name}`);
  throw ApiError.badRequest(`a container name must be specified for pod ${name}, choose one of: [${all.join(' ')}]`);
}

/** The container an exec or attach means (Kubernetes' streamLocation). */
function streamContainer(pod: Pod, name: string, container: string): string {
  const spec = pod.spec;
  const all = [...(spec?.initContainers ?? []), ...(spec?.containers ?? []), ...(spec?.ephemeralContainers ?? [])].map((c) => c.name);
  if (container) {
    if (!all.includes(container)) throw ApiError.badRequest(`container ${container} is not valid for pod ${name}`);
    return container;
  }
  const containers = spec?.containers ?? [];
  if (containers.length === 1) return containers[0].name;
  if (containers.length === 0) throw ApiError.badRequest(`a container name must be specified for pod ${name}`);
  let message = `a container name must be specified for pod ${name}, choose one of: [${containers.map((c) => c.name).join(' ')}]`;
  const init = spec?.initContainers ?? [];
  if (init.length) message += ` or one of the init containers: [${init.map((c) => c.name).join(' ')}]`;
  throw ApiError.badRequest(message);
}

function parseBool(query: URLSearchParams, name: string): boolean {
  const v = query.get(name);
  if (v === null || v === '') return false;
  if (['true', '1', 't', 'T', 'TRUE', 'True'].includes(v)) return true;
  if (['false', '0', 'f', 'F', 'FALSE', 'False'].includes(v)) return false;
  throw ApiError.badRequest(`strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`);
}

function parseInt64(query: URLSearchParams, name: string): number | undefined {
  const v = query.get(name);
  if (v === null || v === '') return undefined;
  if (!/^[+-]?\d+$/.test(v)) throw ApiError.badRequest(`strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
  return Number(v);
}

/** A kubelet's error answer as the client sees it: its Status when it sent one, else its text. */
function kubeletError(code: number, body: string): StatusError {
  try {
    const parsed = JSON.parse(body) as { kind?: string; code?: number; reason?: string; message?: string; details?: never };
    if (parsed.kind === 'Status') return StatusError.fromStatus({ ...parsed, code: parsed.code ?? code });
  } catch {
    // Not JSON: the kubelet's plain-text error.
  }
  const reasons: Record<number, string> = { 400: 'BadRequest', 403: 'Forbidden', 404: 'NotFound', 409: 'Conflict', 429: 'TooManyRequests', 500: 'InternalError', 503: 'ServiceUnavailable' };
  const message = body.trim() || `the server responded with the status code ${code} but did not return more information`;
  return ApiError.of(code, reasons[code] ?? 'Unknown', message);
}

function readLimited(res: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (d: Buffer) => {
      if (size < limit) chunks.push(d);
      size += d.length;
    });
    res.once('end', () => resolve(Buffer.concat(chunks).subarray(0, limit).toString('utf8')));
    res.once('error', reject);
  });
}

function writeRawError(socket: Duplex, err: StatusError): void {
  if (socket.destroyed) return;
  const body = JSON.stringify(err.toStatus()) + '\n';
  socket.end(`HTTP/1.1 ${err.code} ${STATUS_CODES[err.code] ?? ''}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

function enc(s: string): string {
  return encodeURIComponent(s);
}
