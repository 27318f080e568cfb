import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Which output a log line came from. */
export type LogStream = 'stdout' | 'stderr';

/**
 * A time as Go's RFC3339Nano prints it, which is what containerd writes and the kubelet parses:
 * UTC, fractional seconds without trailing zeros (none at all on a whole second).
 */
export function rfc3339Nano(ms: number, extraNanos = 0): string {
  const iso = new Date(ms).toISOString(); // 2026-01-01T00:00:00.123Z
  const nanos = (ms % 1000 + 1000) % 1000 * 1_000_000 + extraNanos;
  const fraction = String(nanos).padStart(9, '0').replace(/0+$/, '');
  return `${iso.slice(0, 19)}${fraction === '' ? '' : `.${fraction}`}Z`;
}

/**
 * The lines of `text` in the CRI log format (`<time> <stream> <F|P> <content>\n`): one full
 * ("F") line per newline-terminated line; a last line without newline is a partial ("P") line,
 * as a runtime writes output that has not ended its line yet.
 */
export function criLogLines(ms: number, stream: LogStream, text: string): string {
  if (text === '') return '';
  const time = rfc3339Nano(ms);
  const parts = text.split('\n');
  const tail = parts.pop()!;
  let out = '';
  for (const line of parts) out += `${time} ${stream} F ${line}\n`;
  if (tail !== '') out += `${time} ${stream} P ${tail}\n`;
  return out;
}

/** Creates the log file (and its directory) if missing and appends `content` to it. */
export async function appendLog(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await appendFile(path, content);
}
