import { open, stat, type FileHandle } from 'node:fs/promises';
import { parseCriLogLine, type CriLogLine } from './cri-log';

/** What `GET /containerLogs` asks of a log (PodLogOptions, after the kubelet resolved sinceSeconds). */
export interface ContainerLogOptions {
  /** Keep reading as the container writes, across rotations, until it stops running. */
  follow?: boolean;
  /** Only the last N lines; undefined: all of them. */
  tailLines?: number;
  /** Only lines written at or after this time (ms since the epoch). */
  since?: number;
  /** Prefix each line with the runtime's RFC 3339 timestamp and a space. */
  timestamps?: boolean;
  /** Stop after this many bytes of output, even in the middle of a line. */
  limitBytes?: number;
  /** Which streams to return (PodLogOptions.stream); default All. */
  stream?: 'All' | 'Stdout' | 'Stderr';
}

export interface LogReadContext {
  /** Aborting ends the read (the client went away). */
  signal?: AbortSignal;
  /**
   * Whether the container still runs. Following ends at the end of the log once it does not, as
   * the kubelet's does; without this function following ends only with `signal`.
   */
  isRunning?: () => boolean | Promise<boolean>;
  /** How often a follower looks for new lines and rotations; default 200 ms. */
  pollIntervalMs?: number;
}

/** Where output goes; the returned promise (if any) is awaited before more is read (back-pressure). */
export type LogSink = (chunk: Buffer) => void | Promise<void>;

const CHUNK = 64 * 1024;
const NL = 0x0a;

/**
 * Reads a CRI container log as the kubelet's `ReadLogs` does: pieces of a long line (`P`) joined
 * into one line per stream, `tailLines`, `since`, `timestamps`, `limitBytes` and the stream filter
 * applied, and with `follow` the file followed as it grows and across rotations (the kubelet
 * renames the file and the runtime reopens a new one at the same path), ending once the container
 * stops. A line that is not in the CRI format is skipped. Rejects when the file cannot be opened.
 */
export async function readContainerLog(path: string, options: ContainerLogOptions, sink: LogSink, ctx: LogReadContext = {}): Promise<void> {
  const reader = new LogEmitter(options, sink);
  let file: FileHandle = await open(path, 'r');
  try {
    let ino = (await file.stat()).ino;
    let position = options.tailLines === undefined ? 0 : await tailStart(file, options.tailLines, reader.wants);
    const buf = Buffer.allocUnsafe(CHUNK);
    let finishing = false;
    for (;;) {
      if (ctx.signal?.aborted || reader.done) return;
      const { bytesRead } = await file.read(buf, 0, CHUNK, position);
      if (bytesRead > 0) {
        position += bytesRead;
        await reader.feed(buf.subarray(0, bytesRead));
        continue;
      }
      if (!options.follow || finishing) break;
      await reader.flush();
      const current = await stat(path).catch(() => undefined);
      if (current && current.ino !== ino) {
        // Rotated: the old file was read to its end above; the runtime writes to the new one now.
        await file.close();
        file = await open(path, 'r');
        ino = (await file.stat()).ino;
        position = 0;
        reader.resetLine();
        continue;
      }
      if (current && current.size < position) {
        // Truncated in place: start over at its beginning.
        position = 0;
        reader.resetLine();
        continue;
      }
      if (ctx.isRunning && !(await ctx.isRunning())) {
        // One more pass reads what the container wrote just before it stopped.
        finishing = true;
        continue;
      }
      await sleep(ctx.pollIntervalMs ?? 200, ctx.signal);
    }
    await reader.end();
  } finally {
    await file.close().catch(() => undefined);
  }
}

/** Turns raw log bytes into the client's output. */
class LogEmitter {
  done = false;
  private rest: Buffer = Buffer.alloc(0);
  private out: Buffer[] = [];
  private outBytes = 0;
  private written = 0;
  /** Pieces of a line not yet finished, per stream: the first piece's timestamp and the text so far. */
  private readonly partial = new Map<string, { line: CriLogLine; text: Buffer[] }>();
  readonly wants: (line: CriLogLine) => boolean;

  constructor(
    private readonly options: ContainerLogOptions,
    private readonly sink: LogSink,
  ) {
    const stream = options.stream ?? 'All';
    this.wants = (line) => stream === 'All' || (stream === 'Stdout' ? line.stream === 'stdout' : line.stream === 'stderr');
  }

  async feed(chunk: Buffer): Promise<void> {
    let data = this.rest.length ? Buffer.concat([this.rest, chunk]) : chunk;
    let start = 0;
    for (let nl = data.indexOf(NL); nl >= 0 && !this.done; nl = data.indexOf(NL, start)) {
      this.line(data.subarray(start, nl));
      start = nl + 1;
    }
    // Bytes after the last newline are a line the runtime is still writing.
    data = data.subarray(start);
    this.rest = Buffer.from(data);
    if (this.outBytes >= CHUNK || this.done) await this.flush();
  }

  /** A new file starts: a torn line at the end of the old one is dropped. */
  resetLine(): void {
    this.rest = Buffer.alloc(0);
  }

  async flush(): Promise<void> {
    if (!this.out.length) return;
    const chunk = Buffer.concat(this.out);
    this.out = [];
    this.outBytes = 0;
    await this.sink(chunk);
  }

  /** The log ended: unfinished pieces are given as they are, without a newline. */
  async end(): Promise<void> {
    for (const { line, text } of this.partial.values()) {
      if (this.done) break;
      this.emit(line, Buffer.concat(text), false);
    }
    this.partial.clear();
    await this.flush();
  }

  private line(raw: Buffer): void {
    const line = parseCriLogLine(raw);
    if (!line || !this.wants(line)) return;
    const pending = this.partial.get(line.stream);
    if (!line.full) {
      if (pending) pending.text.push(line.text);
      else this.partial.set(line.stream, { line, text: [line.text] });
      return;
    }
    if (pending) {
      this.partial.delete(line.stream);
      this.emit(pending.line, Buffer.concat([...pending.text, line.text]), true);
    } else {
      this.emit(line, line.text, true);
    }
  }

  private emit(first: CriLogLine, text: Buffer, newline: boolean): void {
    if (this.options.since !== undefined && first.time < this.options.since) return;
    const parts: Buffer[] = [];
    if (this.options.timestamps) parts.push(Buffer.from(`${first.timestamp} `, 'latin1'));
    parts.push(text);
    if (newline) parts.push(Buffer.from('\n'));
    let piece = Buffer.concat(parts);
    if (this.options.limitBytes !== undefined) {
      const left = this.options.limitBytes - this.written;
      if (piece.length >= left) {
        piece = piece.subarray(0, left);
        this.done = true;
      }
    }
    this.written += piece.length;
    this.outBytes += piece.length;
    this.out.push(piece);
  }
}

/**
 * The offset of the first of the last `n` lines: the file is read backwards, and the offset is the
 * one just after the (n+1)-th finished line (`F`, of a wanted stream) from the end.
 */
async function tailStart(file: FileHandle, n: number, wants: (line: CriLogLine) => boolean): Promise<number> {
  const { size } = await file.stat();
  let pos = size;
  // Bytes [pos, pos + pending.length) are read but not yet split into lines.
  let pending: Buffer = Buffer.alloc(0);
  let trimmed = false;
  let counted = 0;
  for (;;) {
    if (pos > 0 && (!trimmed || lastNewline(pending, pending.length - 2) < 0)) {
      const len = Math.min(CHUNK, pos);
      pos -= len;
      const chunk = Buffer.allocUnsafe(len);
      await file.read(chunk, 0, len, pos);
      pending = Buffer.concat([chunk, pending]);
      if (!trimmed) {
        // A last line without its newline is still being written; it is not counted.
        const last = pending.lastIndexOf(NL);
        if (last < 0 && pos > 0) continue;
        pending = pending.subarray(0, last + 1);
        trimmed = true;
      }
      continue;
    }
    if (pending.length === 0) return 0;
    const end = pending.length - 1;
    const prev = lastNewline(pending, end - 1);
    const lineStart = prev + 1;
    const line = parseCriLogLine(pending.subarray(lineStart, end));
    if (line && line.full && wants(line)) {
      counted++;
      if (counted > n) return pos + end + 1;
    }
    if (lineStart === 0 && pos === 0) return 0;
    pending = pending.subarray(0, lineStart);
  }
}

/** The last newline at or before `at`; -1 when there is none (Buffer's own treats negative `at` as from the end). */
function lastNewline(buf: Buffer, at: number): number {
  return at < 0 ? -1 : buf.lastIndexOf(NL, at);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
