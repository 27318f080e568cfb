import net from 'node:net';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { StatusError, newBadRequest, type corev1 } from '@tskube/api-types';
import type { Logger } from '@tskube/component';
import WebSocket, { WebSocketServer } from 'ws';

/**
 * The WebSocket protocols port-forward is served with, best first. The binary ones carry the
 * channel number as the first byte of a binary message; the base64 ones as an ASCII digit
 * ('0' + channel) before the base64 text of the payload.
 */
export const PORT_FORWARD_PROTOCOLS = ['v4.channel.k8s.io', 'channel.k8s.io', 'v4.base64.channel.k8s.io', 'base64.channel.k8s.io'] as const;

/** The protocol for a Sec-WebSocket-Protocol header: '' (binary) when none was offered, undefined when none is spoken. */
export function choosePortForwardProtocol(offered: string | string[] | undefined): string | undefined {
  const list = (Array.isArray(offered) ? offered.join(',') : (offered ?? '')).split(',').map((p) => p.trim()).filter(Boolean);
  if (list.length === 0) return '';
  return PORT_FORWARD_PROTOCOLS.find((p) => list.includes(p));
}

/**
 * The ports of a port-forward query: every `port` (the kubelet's name) or `ports` (the
 * apiserver's) value, each possibly a comma-separated list; at least one, each 1-65535.
 */
export function parseForwardPorts(query: URLSearchParams): number[] {
  const values = [...query.getAll('port'), ...query.getAll('ports')];
  if (values.length === 0) throw newBadRequest('query parameter "port" is required');
  const ports: number[] = [];
  for (const value of values) {
    if (value === '') throw newBadRequest('query parameter "port" cannot be empty');
    for (const p of value.split(',')) {
      const n = /^\d+$/.test(p) ? Number(p) : NaN;
      if (!(n <= 65535)) throw newBadRequest(`unable to parse ${JSON.stringify(value)} as a port: strconv.ParseUint: parsing ${JSON.stringify(p)}: ${Number.isNaN(n) ? 'invalid syntax' : 'value out of range'}`);
      if (n < 1) throw newBadRequest(`port ${JSON.stringify(value)} must be > 0`);
      ports.push(n);
    }
  }
  return ports;
}

/** Where the kubelet reaches a pod's ports: its IP, or the node itself for a host-network pod. */
export function podDialAddress(pod: corev1.Pod): string {
  const name = pod.metadata?.name ?? '';
  if (pod.status?.phase !== 'Running') throw newBadRequest(`unable to forward port because pod is not running. Current status=${pod.status?.phase ?? 'Unknown'}`);
  if (pod.spec?.hostNetwork) return '127.0.0.1';
  // Pods have routable IPs on the node's CNI bridge, so the kubelet dials the pod's IP directly
  // rather than entering the pod's network namespace.
  const ip = pod.status?.podIP ?? pod.status?.podIPs?.[0]?.ip;
  if (!ip) throw newBadRequest(`pod ${name} has no IP address yet`);
  return ip;
}

/**
 * Serves `/portForward/<namespace>/<pod>` upgrades: for the i-th requested port, channel 2i
 * carries data and 2i+1 errors; each channel opens with the port as two little-endian bytes;
 * one TCP connection per port, dialed at once; a failed dial is reported as text on 2i+1. The
 * WebSocket is closed normally once every port's connection has ended.
 */
export class PortForwardServer {
  private readonly wss: WebSocketServer;

  constructor(private readonly logger: Logger) {
    this.wss = new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      handleProtocols: (offered) => choosePortForwardProtocol([...offered]) || false,
    });
  }

  /** Checks the request and upgrades it; throws a StatusError (written by the caller) when it cannot. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, pod: corev1.Pod | undefined, query: URLSearchParams): void {
    if (String(req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
      throw newBadRequest(`unsupported upgrade ${JSON.stringify(req.headers.upgrade ?? '')}: only WebSocket with ${PORT_FORWARD_PROTOCOLS.join(' or ')} is served`);
    }
    const protocol = choosePortForwardProtocol(req.headers['sec-websocket-protocol']);
    if (protocol === undefined) {
      throw new StatusError({ code: 403, reason: 'Forbidden', message: `unable to upgrade: none of the offered protocols ${JSON.stringify(req.headers['sec-websocket-protocol'] ?? '')} is supported (${PORT_FORWARD_PROTOCOLS.join(', ')})` });
    }
    const ports = parseForwardPorts(query);
    if (!pod) throw new StatusError({ code: 404, reason: 'NotFound', message: 'pod does not exist' });
    const host = podDialAddress(pod);
    const podName = `${pod.metadata?.name ?? ''}_${pod.metadata?.namespace ?? ''}`;
    const uid = pod.metadata?.uid ?? '';
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const log = this.logger.with({ namespace: pod.metadata?.namespace, pod: pod.metadata?.name, ports });
      log.debug('port-forward started', { protocol });
      void forward(ws, protocol.includes('base64'), host, ports, (port, err) => `error forwarding port ${port} to pod ${podName}, uid ${uid}: ${err.message}`, log).then(() =>
        log.debug('port-forward ended'),
      );
    });
  }

  /** Ends every port-forward. */
  close(): void {
    for (const ws of this.wss.clients) ws.terminate();
  }
}

/** Above this many bytes queued towards the client, reading from the pod pauses. */
const HIGH_WATER = 4 * 1024 * 1024;

function forward(ws: WebSocket, base64: boolean, host: string, ports: number[], describe: (port: number, err: Error) => string, log: Logger): Promise<void> {
  return new Promise((resolve) => {
    const conns: net.Socket[] = [];
    const paused = new Set<net.Socket>();
    const send = (channel: number, data: Buffer, from?: net.Socket) => {
      if (ws.readyState !== WebSocket.OPEN) return;
      const done = () => {
        if (paused.size && ws.bufferedAmount < HIGH_WATER / 4) {
          for (const c of paused) c.resume();
          paused.clear();
        }
      };
      if (base64) ws.send(String.fromCharCode(48 + channel) + data.toString('base64'), done);
      else ws.send(Buffer.concat([Buffer.of(channel), data]), { binary: true }, done);
      if (from && ws.bufferedAmount > HIGH_WATER) {
        paused.add(from);
        from.pause();
      }
    };
    let open = ports.length;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      for (const c of conns) c.destroy();
      if (ws.readyState === WebSocket.OPEN) ws.close(1000);
      resolve();
    };
    const portDone = () => {
      if (--open === 0) finish();
    };
    ports.forEach((port, i) => {
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16LE(port);
      send(2 * i, prefix);
      send(2 * i + 1, prefix);
      const conn = net.connect({ host, port });
      conn.setNoDelay(true);
      conns.push(conn);
      let connected = false;
      conn.once('connect', () => (connected = true));
      conn.on('data', (d: Buffer) => send(2 * i, d, conn));
      conn.once('error', (err) => {
        log.debug('port-forward connection failed', { port, err: err.message });
        send(2 * i + 1, Buffer.from(describe(port, connected ? err : new Error(`dial tcp ${net.isIPv6(host) ? `[${host}]` : host}:${port}: ${dialError(err)}`))));
      });
      conn.once('close', portDone);
    });

    ws.on('message', (raw: Buffer | ArrayBuffer | Buffer[]) => {
      const data = Array.isArray(raw) ? Buffer.concat(raw) : Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
      if (data.length === 0) return;
      const channel = base64 ? data[0] - 48 : data[0];
      const conn = channel % 2 === 0 ? conns[channel / 2] : undefined;
      if (!conn) {
        log.debug('ignoring a message on a channel without a data stream', { channel });
        return;
      }
      const payload = base64 ? Buffer.from(data.subarray(1).toString(), 'base64') : data.subarray(1);
      if (payload.length && !conn.destroyed && !conn.write(payload)) {
        ws.pause();
        conn.once('drain', () => ws.resume());
      }
    });
    ws.on('close', finish);
    ws.on('error', (err) => {
      log.debug('port-forward client failed', { err: err.message });
      finish();
    });
  });
}

/** A dial failure as the Go runtime words it ("connect: connection refused"). */
function dialError(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'connect: connection refused';
    case 'EHOSTUNREACH':
      return 'connect: no route to host';
    case 'ETIMEDOUT':
      return 'i/o timeout';
    default:
      return err.message;
  }
}
