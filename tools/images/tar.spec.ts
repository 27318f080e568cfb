import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTar, tarArchive, type TarEntry } from './tar.mjs';

const mtime = 1_686_355_200;
const dir = mkdtempSync(join(tmpdir(), 'tskube-tar-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const longDir = `usr/share/${'d'.repeat(60)}/${'e'.repeat(60)}`;
const entries: TarEntry[] = [
  { path: 'bin/sh', type: 'symlink', target: 'busybox' },
  { path: 'tmp', type: 'dir', mode: 0o1777 },
  { path: 'bin/busybox', type: 'file', mode: 0o755, data: Buffer.alloc(1000, 7) },
  { path: 'bin', type: 'dir', mode: 0o755 },
  { path: 'etc/passwd', type: 'file', mode: 0o644, data: 'root:x:0:0:root:/root:/bin/sh\n', uid: 0, gid: 0 },
  { path: 'etc', type: 'dir', mode: 0o755 },
  { path: `${longDir}/file.txt`, type: 'file', mode: 0o600, data: '' },
];

describe('tarArchive', () => {
  const archive = tarArchive(entries, { mtime });

  it('writes entries sorted by path, so parents come before their contents', () => {
    expect(readTar(archive).map((e) => e.path)).toEqual(['bin', 'bin/busybox', 'bin/sh', 'etc', 'etc/passwd', 'tmp', `${longDir}/file.txt`]);
  });

  it('stamps every entry with the given mtime and root ownership', () => {
    for (const e of readTar(archive)) expect([e.mtime, e.uid, e.gid]).toEqual([mtime, 0, 0]);
  });

  it.each([
    { name: 'a regular file keeps mode and bytes', path: 'bin/busybox', want: { type: 'file', mode: 0o755, size: 1000 } },
    { name: 'a symlink keeps its target', path: 'bin/sh', want: { type: 'symlink', target: 'busybox' } },
    { name: 'a directory keeps sticky bits', path: 'tmp', want: { type: 'dir', mode: 0o1777 } },
    { name: 'a path over 100 bytes is split into prefix and name', path: `${longDir}/file.txt`, want: { type: 'file', mode: 0o600, size: 0 } },
  ])('$name', ({ path, want }) => {
    expect(readTar(archive).find((e) => e.path === path)).toMatchObject(want);
  });

  it('is read the same way by GNU tar', () => {
    const file = join(dir, 'a.tar');
    writeFileSync(file, archive);
    const listing = execFileSync('tar', ['--numeric-owner', '-tvf', file], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
    expect(listing).toContain('lrwxrwxrwx 0/0               0 2023-06-10 00:00 bin/sh -> busybox');
    expect(listing).toContain('drwxrwxrwt 0/0               0 2023-06-10 00:00 tmp/');
    expect(listing).toContain(`${longDir}/file.txt`);
    const out = join(dir, 'x');
    execFileSync('mkdir', ['-p', out]);
    execFileSync('tar', ['-xf', file, '-C', out]);
    expect(execFileSync('cat', [join(out, 'etc/passwd')], { encoding: 'utf8' })).toBe('root:x:0:0:root:/root:/bin/sh\n');
  });

  it('gives the same bytes whatever order the entries come in', () => {
    expect(tarArchive([...entries].reverse(), { mtime }).equals(archive)).toBe(true);
  });

  it('pads to 512-byte blocks and ends with two zero blocks', () => {
    expect(archive.length % 512).toBe(0);
    expect(archive.subarray(-1024).every((b) => b === 0)).toBe(true);
  });

  it.each([
    { name: 'an absolute path', entry: { path: '/etc/passwd', type: 'file', mode: 0o644, data: '' }, want: /relative/ },
    { name: 'a path escaping the archive', entry: { path: 'a/../../b', type: 'file', mode: 0o644, data: '' }, want: /inside the archive/ },
    { name: 'a name no ustar header can hold', entry: { path: 'x'.repeat(120), type: 'file', mode: 0o644, data: '' }, want: /does not fit/ },
    { name: 'a symlink target over 100 bytes', entry: { path: 'l', type: 'symlink', target: 'y'.repeat(101) }, want: /longer than 100/ },
  ] as { name: string; entry: TarEntry; want: RegExp }[])('refuses $name', ({ entry, want }) => {
    expect(() => tarArchive([entry], { mtime })).toThrow(want);
  });

  it('refuses duplicate paths', () => {
    expect(() => tarArchive([entries[1], entries[1]], { mtime })).toThrow(/duplicate entry tmp/);
  });

  it('detects a corrupted header', () => {
    const bad = Buffer.from(archive);
    bad[0] ^= 1;
    expect(() => readTar(bad)).toThrow(/checksum/);
  });
});
