import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * The client side of SPDY/3.1 framing (draft-mbelshe-httpbis-spdy-00), as much as Kubernetes'
 * streaming protocols need: the client opens every stream (SYN_STREAM with a few headers), sends
 * and receives DATA (without flow control, as the peers it serves have none), half-closes a stream with FIN, answers PING and stops on GOAWAY. It is what
 * CRI runtimes' streaming servers speak for exec and attach (containerd 1.6 also accepts the
 * v4 WebSocket channel protocol, but WebSocket cannot half-close stdin; SPDY can).
 *
 * Header blocks are sent as zlib "stored" (uncompressed) deflate blocks: a valid zlib stream that
 * any receiver's shared inflate context reads without needing SPDY's compression dictionary.
 * Header blocks received are not decoded: a streaming client needs nothing from the replies.
 */

const VERSION = 3;
const FrameType = { SynStream: 1, SynReply: 2, RstStream: 3, Settings: 4, Ping: 6, GoAway: 7, Headers: 8, WindowUpdate: 9 } as const;
const FLAG_FIN = 0x01;
/** RST_STREAM status for a stream the client refuses (a server push). */
const REFUSED_STREAM = 3;
/** Data frames are kept at most this long (the protocol allows 16 MiB; peers prefer small ones). */
const MAX_DATA = 32 * 1024;

export class SpdyStream extends EventEmitter<{ data: [Buffer]; end: []; reset: [number]; reply: []; gone: [] }> {
  /** Whether this side sent FIN. */
  private localClosed = false;
  /** Whether the peer answered the SYN_STREAM. */
  replied = false;
  /** Data and end held back until release(), so nothing is lost before a reader is attached. */
  private held: ([] | [Buffer])[] | undefined = [];
  private ended = false;

  constructor(
    readonly id: number,
    private readonly conn: SpdyConnection,
  ) {
    super();
  }

  /**
   * Resolves once the peer accepted the stream (SYN_REPLY). Data sent before that may be dropped:
   * Go's spdystream discards frames for a stream it has not yet replied to.
   */
  waitReply(timeoutMs: number): Promise<void> {
    if (this.replied) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`no reply to SPDY stream ${this.id} in ${timeoutMs} ms`)), timeoutMs);
      const fail = (err: Error) => {
        clearTimeout(timer);
        this.off('reply', ok);
        reject(err);
      };
      const ok = () => {
        clearTimeout(timer);
        resolve();
      };
      this.once('reply', ok);
      this.once('reset', (code) => fail(new Error(`SPDY stream ${this.id} was reset (status ${code})`)));
      this.once('gone', () => fail(new Error(`the connection closed before SPDY stream ${this.id} was accepted`)));
    });
  }

  /**
   * Starts handing out `data` and `end` events, first those that arrived before. Until then they
   * are held: a command's output can arrive as soon as the peer accepted the last stream.
   */
  release(): void {
    const held = this.held;
    this.held = undefined;
    for (const item of held ?? []) {
      if (item.length) this.emit('data', item[0]);
      else this.emit('end');
    }
  }

  /** @internal */
  deliver(event: 'data' | 'end', data?: Buffer): void {
    if (event === 'end') {
      if (this.ended) return;
      this.ended = true;
    }
    if (this.held) this.held.push(data ? [data] : []);
    else if (data) this.emit('data', data);
    else this.emit('end');
  }

  /** Sends bytes on the stream; false when the socket's buffer is full (wait for the connection's `drain`). */
  write(data: Buffer): boolean {
    if (this.localClosed) return true;
    let ok = true;
    for (let i = 0; i < data.length; i += MAX_DATA) ok = this.conn.sendData(this.id, data.subarray(i, i + MAX_DATA), false);
    return ok;
  }

  /** Half-closes the stream (the peer reads end-of-file). Idempotent. */
  end(): void {
    if (this.localClosed) return;
    this.localClosed = true;
    this.conn.sendData(this.id, Buffer.alloc(0), true);
  }
}

export class SpdyConnection extends EventEmitter<{ close: []; drain: [] }> {
  private nextId = 1;
  private readonly streams = new Map<number, SpdyStream>();
  private input: Buffer = Buffer.alloc(0);
  private headerContextStarted = false;
  private closed = false;

  constructor(
    readonly socket: Duplex,
    head: Buffer = Buffer.alloc(0),
  ) {
    super();
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('drain', () => this.emit('drain'));
    socket.on('close', () => this.finish());
    socket.on('error', () => this.finish());
    if (head.length) this.receive(head);
  }

  /** Opens a stream carrying `headers` (names are sent in lower case, as SPDY requires). */
  openStream(headers: Record<string, string>): SpdyStream {
    const id = this.nextId;
    this.nextId += 2;
    const stream = new SpdyStream(id, this);
    this.streams.set(id, stream);
    const block = this.headerBlock(headers);
    const body = Buffer.alloc(10 + block.length);
    body.writeUInt32BE(id & 0x7fffffff, 0);
    body.writeUInt32BE(0, 4);
    body.writeUInt8(0, 8);
    body.writeUInt8(0, 9);
    block.copy(body, 10);
    this.sendControl(FrameType.SynStream, 0, body);
    return stream;
  }

  /** Ends the connection: GOAWAY, then the socket. Idempotent. */
  close(): void {
    if (this.closed) return;
    const body = Buffer.alloc(8);
    body.writeUInt32BE(Math.max(0, this.nextId - 2), 0);
    this.sendControl(FrameType.GoAway, 0, body);
    this.socket.end();
    this.finish();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** @internal */
  sendData(id: number, data: Buffer, fin: boolean): boolean {
    if (this.closed) return true;
    const frame = Buffer.alloc(8 + data.length);
    frame.writeUInt32BE(id & 0x7fffffff, 0);
    frame.writeUInt32BE(((fin ? FLAG_FIN : 0) << 24) | data.length, 4);
    data.copy(frame, 8);
    return this.socket.write(frame);
  }

  private sendControl(type: number, flags: number, body: Buffer): void {
    if (this.closed) return;
    const frame = Buffer.alloc(8 + body.length);
    frame.writeUInt16BE(0x8000 | VERSION, 0);
    frame.writeUInt16BE(type, 2);
    frame.writeUInt32BE((flags << 24) | body.length, 4);
    body.copy(frame, 8);
    this.socket.write(frame);
  }

  /** A name/value block as zlib stored blocks continuing the connection's one compression context. */
  private headerBlock(headers: Record<string, string>): Buffer {
    const entries = Object.entries(headers);
    const parts: Buffer[] = [u32(entries.length)];
    for (const [name, value] of entries) {
      const n = Buffer.from(name.toLowerCase(), 'utf8');
      const v = Buffer.from(value, 'utf8');
      parts.push(u32(n.length), n, u32(v.length), v);
    }
    const raw = Buffer.concat(parts);
    const out: Buffer[] = [];
    if (!this.headerContextStarted) {
      // zlib header: deflate, 32 KiB window, no preset dictionary, check bits valid.
      out.push(Buffer.from([0x78, 0x01]));
      this.headerContextStarted = true;
    }
    for (let i = 0; i < raw.length; i += 0xffff) {
      const piece = raw.subarray(i, i + 0xffff);
      const hdr = Buffer.alloc(5);
      hdr.writeUInt8(0, 0); // not final, stored
      hdr.writeUInt16LE(piece.length, 1);
      hdr.writeUInt16LE(~piece.length & 0xffff, 3);
      out.push(hdr, piece);
    }
    // An empty stored block, as zlib's sync flush ends with: inflaters hand out what they hold
    // only when the next block begins, so without it the peer would wait for the next frame.
    out.push(Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]));
    return Buffer.concat(out);
  }

  private receive(chunk: Buffer): void {
    this.input = this.input.length ? Buffer.concat([this.input, chunk]) : chunk;
    while (this.input.length >= 8) {
      const length = this.input.readUInt32BE(4) & 0xffffff;
      if (this.input.length < 8 + length) break;
      const frame = this.input.subarray(0, 8 + length);
      this.input = this.input.subarray(8 + length);
      this.frame(frame);
    }
  }

  private frame(frame: Buffer): void {
    const flags = frame.readUInt8(4);
    const body = frame.subarray(8);
    if ((frame.readUInt8(0) & 0x80) === 0) {
      const id = frame.readUInt32BE(0) & 0x7fffffff;
      const stream = this.streams.get(id);
      if (!stream) return;
      // No WINDOW_UPDATE goes back: Go's spdystream (the CRI streaming servers' SPDY) has no
      // flow control and drops the connection on one.
      if (body.length) stream.deliver('data', Buffer.from(body));
      if (flags & FLAG_FIN) stream.deliver('end');
      return;
    }
    const type = frame.readUInt16BE(2);
    switch (type) {
      case FrameType.SynStream: {
        const reset = Buffer.alloc(8);
        reset.writeUInt32BE(body.readUInt32BE(0) & 0x7fffffff, 0);
        reset.writeUInt32BE(REFUSED_STREAM, 4);
        this.sendControl(FrameType.RstStream, 0, reset);
        return;
      }
      case FrameType.SynReply: {
        const stream = this.streams.get(body.readUInt32BE(0) & 0x7fffffff);
        if (!stream) return;
        stream.replied = true;
        stream.emit('reply');
        if (flags & FLAG_FIN) stream.deliver('end');
        return;
      }
      case FrameType.RstStream: {
        const stream = this.streams.get(body.readUInt32BE(0) & 0x7fffffff);
        stream?.emit('reset', body.readUInt32BE(4));
        return;
      }
      case FrameType.Ping:
        this.sendControl(FrameType.Ping, 0, Buffer.from(body));
        return;
      case FrameType.GoAway:
        this.socket.end();
        return;
      default:
        // SETTINGS, HEADERS, WINDOW_UPDATE: nothing a streaming client acts on.
        return;
    }
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    for (const stream of this.streams.values()) {
      stream.deliver('end');
      stream.emit('gone');
    }
    this.streams.clear();
    this.emit('close');
  }
}

/** What the server answered instead of switching protocols. */
export class UpgradeRefusedError extends Error {
  override readonly name = 'UpgradeRefusedError';
  constructor(
    readonly statusCode: number,
    readonly body: string,
  ) {
    super(body.trim() || `upgrade refused with HTTP ${statusCode}`);
  }
}

/**
 * Upgrades an HTTP request to SPDY/3.1, offering the sub-protocols in `protocols`
 * (X-Stream-Protocol-Version) in order of preference; resolves with the connection and the one
 * the server chose.
 */
export function dialSpdy(url: string, protocols: string[], options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<{ connection: SpdyConnection; protocol: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: 'POST',
      headers: { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': protocols },
      signal: options.signal,
      timeout: options.timeoutMs ?? 30_000,
    });
    req.on('timeout', () => req.destroy(new Error(`timed out upgrading ${url}`)));
    req.on('error', reject);
    req.on('upgrade', (res, socket, head) => {
      socket.setNoDelay(true);
      socket.setTimeout(0);
      resolve({ connection: new SpdyConnection(socket, head), protocol: String(res.headers['x-stream-protocol-version'] ?? '') });
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => reject(new UpgradeRefusedError(res.statusCode ?? 0, body)));
      res.on('error', reject);
    });
    req.end();
  });
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n, 0);
  return b;
}
