/**
 * One line of a container log file as CRI runtimes write it (containerd, CRI-O):
 *
 *   <RFC 3339 time with nanoseconds> <stdout|stderr> <F|P> <text>\n
 *
 * `F` marks the last piece of a line the container wrote, `P` a piece of a longer line that the
 * runtime split (containerd splits at 16 KiB); the newline the container wrote is not part of
 * `text`. Kubernetes' kubelet reads the same format (pkg/kubelet/kuberuntime/logs).
 */
export interface CriLogLine {
  /** The timestamp as written, e.g. `2024-05-01T10:00:00.123456789Z`. */
  timestamp: string;
  /** Milliseconds since the epoch of `timestamp`. */
  time: number;
  stream: 'stdout' | 'stderr';
  /** Whether this piece ends the line (`F`), rather than continues in the next piece (`P`). */
  full: boolean;
  text: Buffer;
}

const SPACE = 0x20;

/**
 * Parses one line (without its trailing newline). Returns undefined for a line that is not in the
 * CRI format (a torn write, a file of another format), which readers skip as the kubelet does.
 */
export function parseCriLogLine(line: Buffer): CriLogLine | undefined {
  const a = line.indexOf(SPACE);
  if (a <= 0) return undefined;
  const b = line.indexOf(SPACE, a + 1);
  if (b < 0) return undefined;
  const timestamp = line.toString('latin1', 0, a);
  const time = Date.parse(timestamp);
  if (Number.isNaN(time)) return undefined;
  const stream = line.toString('latin1', a + 1, b);
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  // The tag field may carry more tags after a colon in later CRI versions; the first is P or F.
  let c = line.indexOf(SPACE, b + 1);
  if (c < 0) c = line.length;
  const tag = line.toString('latin1', b + 1, c).split(':')[0];
  if (tag !== 'F' && tag !== 'P') return undefined;
  return { timestamp, time, stream, full: tag === 'F', text: line.subarray(Math.min(c + 1, line.length)) };
}

/** Formats a line as a CRI runtime writes it (for tests and tools that produce logs). */
export function formatCriLogLine(time: Date | string, stream: 'stdout' | 'stderr', text: string, partial = false): string {
  const ts = typeof time === 'string' ? time : time.toISOString();
  return `${ts} ${stream} ${partial ? 'P' : 'F'} ${text}\n`;
}
