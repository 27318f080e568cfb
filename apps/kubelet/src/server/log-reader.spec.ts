import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatCriLogLine, parseCriLogLine } from './cri-log';
import { parseLogQuery } from './log-options';
import { readContainerLog, type ContainerLogOptions } from './log-reader';

const dir = mkdtempSync(join(tmpdir(), 'tskube-logs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function logFile(lines: string[]): string {
  const path = join(dir, `${n++}.log`);
  writeFileSync(path, lines.join(''));
  return path;
}

async function read(path: string, options: ContainerLogOptions, ctx = {}): Promise<string> {
  const out: Buffer[] = [];
  await readContainerLog(path, options, (c) => void out.push(c), ctx);
  return Buffer.concat(out).toString();
}

const t = (s: number) => `2024-05-01T10:00:${String(s).padStart(2, '0')}.123456789Z`;
const sample = [
  formatCriLogLine(t(1), 'stdout', 'one'),
  formatCriLogLine(t(2), 'stderr', 'two'),
  formatCriLogLine(t(3), 'stdout', 'thr', true),
  formatCriLogLine(t(3), 'stdout', 'ee'),
  'not a cri line\n',
  formatCriLogLine(t(4), 'stdout', 'four'),
];

describe('parseCriLogLine', () => {
  it('splits time, stream, tag and text', () => {
    const line = parseCriLogLine(Buffer.from(`${t(1)} stderr P a b  c`))!;
    expect(line).toMatchObject({ timestamp: t(1), stream: 'stderr', full: false });
    expect(line.text.toString()).toBe('a b  c');
    expect(parseCriLogLine(Buffer.from(`${t(1)} stdout F `))!.text.toString()).toBe('');
  });
  it.each(['', 'garbage', `${t(1)} stdin F x`, `${t(1)} stdout X x`, `yesterday stdout F x`])('refuses %j', (s) => {
    expect(parseCriLogLine(Buffer.from(s))).toBeUndefined();
  });
});

describe('readContainerLog', () => {
  const path = logFile(sample);
  it.each<{ name: string; options: ContainerLogOptions; want: string }>([
    { name: 'everything, partial lines joined, bad lines skipped', options: {}, want: 'one\ntwo\nthree\nfour\n' },
    { name: 'timestamps of the first piece', options: { timestamps: true }, want: `${t(1)} one\n${t(2)} two\n${t(3)} three\n${t(4)} four\n` },
    { name: 'tailLines 2', options: { tailLines: 2 }, want: 'three\nfour\n' },
    { name: 'tailLines 0', options: { tailLines: 0 }, want: '' },
    { name: 'tailLines beyond the file', options: { tailLines: 100 }, want: 'one\ntwo\nthree\nfour\n' },
    { name: 'since', options: { since: Date.parse(t(3)) - 1 }, want: 'three\nfour\n' },
    { name: 'limitBytes cuts inside a line', options: { limitBytes: 6 }, want: 'one\ntw' },
    { name: 'stdout only', options: { stream: 'Stdout' }, want: 'one\nthree\nfour\n' },
    { name: 'stderr only', options: { stream: 'Stderr' }, want: 'two\n' },
    { name: 'tail of a stream', options: { stream: 'Stdout', tailLines: 1 }, want: 'four\n' },
  ])('$name', async ({ options, want }) => {
    expect(await read(path, options)).toBe(want);
  });

  it('tails a file larger than its read chunk and ignores a torn last line', async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => formatCriLogLine(t(i % 60), 'stdout', `line ${i} ${'x'.repeat(40)}`));
    const p = logFile([...lines, `${t(1)} stdout F torn`]);
    const out = await read(p, { tailLines: 3 });
    expect(out).toBe([4997, 4998, 4999].map((i) => `line ${i} ${'x'.repeat(40)}\n`).join(''));
    expect((await read(p, {})).split('\n').length).toBe(5001);
  });

  it('gives unfinished pieces at the end of a log without a newline', async () => {
    const p = logFile([formatCriLogLine(t(1), 'stdout', 'a'), formatCriLogLine(t(2), 'stdout', 'half', true)]);
    expect(await read(p, {})).toBe('a\nhalf');
  });

  it('follows a growing log across a rotation until the container stops', async () => {
    const p = join(dir, 'follow.log');
    writeFileSync(p, formatCriLogLine(t(1), 'stdout', 'before'));
    let running = true;
    const chunks: string[] = [];
    const done = readContainerLog(p, { follow: true }, (c) => void chunks.push(c.toString()), { isRunning: () => running, pollIntervalMs: 10 });
    await until(() => chunks.join('') === 'before\n');
    appendFileSync(p, formatCriLogLine(t(2), 'stdout', 'grown'));
    await until(() => chunks.join('').endsWith('grown\n'));
    // The kubelet's rotation: the file is renamed and the runtime reopens a new one at the path.
    appendFileSync(p, formatCriLogLine(t(3), 'stdout', 'last in old'));
    renameSync(p, `${p}.20240501-100003`);
    writeFileSync(p, formatCriLogLine(t(4), 'stdout', 'first in new'));
    await until(() => chunks.join('').endsWith('first in new\n'));
    appendFileSync(p, formatCriLogLine(t(5), 'stderr', 'bye'));
    running = false;
    await done;
    expect(chunks.join('')).toBe('before\ngrown\nlast in old\nfirst in new\nbye\n');
  });

  it('stops following when aborted', async () => {
    const p = logFile([formatCriLogLine(t(1), 'stdout', 'x')]);
    const abort = new AbortController();
    const done = read(p, { follow: true }, { signal: abort.signal, pollIntervalMs: 10 });
    setTimeout(() => abort.abort(), 50);
    expect(await done).toBe('x\n');
  });

  it('rejects when the log does not exist', async () => {
    await expect(read(join(dir, 'absent.log'), {})).rejects.toThrow(/ENOENT/);
  });
});

describe('parseLogQuery', () => {
  it('reads every option, sinceSeconds against now', () => {
    const q = new URLSearchParams('follow=true&previous=1&timestamps=true&tailLines=5&limitBytes=10&sinceSeconds=60&stream=Stderr');
    expect(parseLogQuery(q, 100_000)).toEqual({ follow: true, previous: true, timestamps: true, tailLines: 5, limitBytes: 10, since: 40_000, stream: 'Stderr' });
    expect(parseLogQuery(new URLSearchParams('sinceTime=2024-05-01T10:00:00Z'), 0).since).toBe(Date.parse('2024-05-01T10:00:00Z'));
  });
  it.each([
    ['tailLines=-1', 'tailLines: Invalid value: -1: must be greater than or equal to 0'],
    ['limitBytes=0', 'limitBytes: Invalid value: 0: must be greater than 0'],
    ['tailLines=x', 'invalid value for tailLines'],
    ['sinceSeconds=1&sinceTime=2024-05-01T10:00:00Z', 'at most one of `sinceTime` or `sinceSeconds` may be specified'],
    ['stream=Both', 'stream: Unsupported value: "Both"'],
    ['follow=maybe', 'invalid value for follow'],
  ])('refuses %s', (query, message) => {
    expect(() => parseLogQuery(new URLSearchParams(query), 0)).toThrow(expect.objectContaining({ code: 400, message: expect.stringContaining(message) }));
  });
});

async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
