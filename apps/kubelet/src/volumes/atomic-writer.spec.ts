import { existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AtomicWriter, cleanPath, validatePayloadPath, type Payload } from './atomic-writer';

const file = (text: string, mode = 0o644) => ({ data: Buffer.from(text), mode });
const payload = (entries: Record<string, string | { data: Buffer; mode: number }>): Payload =>
  new Map(Object.entries(entries).map(([k, v]) => [k, typeof v === 'string' ? file(v) : v]));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tskube-aw-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const mode = (path: string) => statSync(path).mode & 0o7777;
const versionDirs = () => readdirSync(dir).filter((n) => /^\.\.\d{4}_/.test(n));

describe('AtomicWriter', () => {
  it("lays files out as Kubernetes does: a timestamped version, ..data pointing at it, a link per top-level name", async () => {
    const writer = new AtomicWriter(dir, () => new Date('2024-05-01T12:30:59.123Z'));
    await writer.write(payload({ 'app.conf': 'a=1\n', 'nested/deep/value': 'v', run: { data: Buffer.from('#!/bin/sh\n'), mode: 0o755 } }));

    const version = readlinkSync(join(dir, '..data'));
    expect(version).toMatch(/^\.\.2024_05_01_12_30_59\.\d+$/);
    expect(versionDirs()).toEqual([version]);
    expect(mode(join(dir, version))).toBe(0o755);
    expect(readdirSync(dir).sort()).toEqual(['..data', version, 'app.conf', 'nested', 'run'].sort());
    expect(readlinkSync(join(dir, 'app.conf'))).toBe('..data/app.conf');
    expect(readlinkSync(join(dir, 'nested'))).toBe('..data/nested');
    expect(readFileSync(join(dir, 'app.conf'), 'utf8')).toBe('a=1\n');
    expect(readFileSync(join(dir, 'nested/deep/value'), 'utf8')).toBe('v');
    expect(mode(join(dir, version, 'app.conf'))).toBe(0o644);
    expect(mode(join(dir, version, 'run'))).toBe(0o755);
    expect(lstatSync(join(dir, version, 'app.conf')).isFile()).toBe(true);
  });

  it.each([
    { name: 'owner-only', m: 0o400 },
    { name: 'group-readable', m: 0o440 },
    { name: 'world-writable despite the umask', m: 0o666 },
  ])('writes files with mode $m ($name)', async ({ m }) => {
    await new AtomicWriter(dir).write(payload({ f: file('x', m) }));
    expect(mode(join(dir, 'f'))).toBe(m);
  });

  it('switches to a new version on change, pruning the old version and links of names gone', async () => {
    const writer = new AtomicWriter(dir);
    await writer.write(payload({ a: '1', b: '2', 'sub/c': '3' }));
    const first = readlinkSync(join(dir, '..data'));

    await writer.write(payload({ a: 'changed', d: '4' }));
    const second = readlinkSync(join(dir, '..data'));
    expect(second).not.toBe(first);
    expect(existsSync(join(dir, first))).toBe(false);
    expect(versionDirs()).toEqual([second]);
    expect(readFileSync(join(dir, 'a'), 'utf8')).toBe('changed');
    expect(readFileSync(join(dir, 'd'), 'utf8')).toBe('4');
    expect(existsSync(join(dir, 'b'))).toBe(false);
    expect(existsSync(join(dir, 'sub'))).toBe(false);
    expect(() => lstatSync(join(dir, 'b'))).toThrow();
    expect(existsSync(join(dir, '..data_tmp'))).toBe(false);
  });

  it('leaves an unchanged version alone, but restores a missing link', async () => {
    const writer = new AtomicWriter(dir);
    await writer.write(payload({ a: '1', b: '2' }));
    const first = readlinkSync(join(dir, '..data'));
    rmSync(join(dir, 'b'));
    await writer.write(payload({ a: '1', b: '2' }));
    expect(readlinkSync(join(dir, '..data'))).toBe(first);
    expect(readlinkSync(join(dir, 'b'))).toBe('..data/b');
    expect(await writer.currentVersion()).toBe(first);
  });

  it('writes an empty payload as an empty version', async () => {
    const writer = new AtomicWriter(dir);
    await writer.write(new Map());
    expect(readdirSync(join(dir, '..data'))).toEqual([]);
    await writer.write(payload({ late: 'x' }));
    expect(readFileSync(join(dir, 'late'), 'utf8')).toBe('x');
  });

  it('keeps a reader of the old version working until the switch', async () => {
    const writer = new AtomicWriter(dir);
    await writer.write(payload({ a: 'old' }));
    const held = readFileSync(join(dir, 'a'), 'utf8');
    await writer.write(payload({ a: 'new' }));
    expect([held, readFileSync(join(dir, 'a'), 'utf8')]).toEqual(['old', 'new']);
  });

  it.each([
    { path: '', error: 'invalid path: must not be empty: ""' },
    { path: '/etc/passwd', error: 'invalid path: must be relative path: /etc/passwd' },
    { path: 'a/../../x', error: "invalid path: must not contain '..': a/../../x" },
    { path: '..data', error: "invalid path: must not start with '..': ..data" },
    { path: '..', error: "invalid path: must not contain '..': .." },
    { path: 'x'.repeat(256), error: 'invalid path: filenames must be less than or equal to 255 characters' },
    { path: 'a/'.repeat(2049), error: 'invalid path: must be less than or equal to 4096 characters' },
  ])('refuses the path $path', async ({ path, error }) => {
    expect(() => validatePayloadPath(path)).toThrow(error);
    await expect(new AtomicWriter(dir).write(payload({ [path]: 'x' }))).rejects.toThrow(error);
    expect(readdirSync(dir)).toEqual([]);
  });

  it.each([
    { path: 'a//b/', want: 'a/b' },
    { path: './a/./b', want: 'a/b' },
    { path: 'a', want: 'a' },
  ])('cleans $path to $want', ({ path, want }) => {
    expect(cleanPath(path)).toBe(want);
  });
});
