import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkHostPathType } from './host-path';

let dir: string;
let server: Server;
const p = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tskube-hostpath-'));
  mkdirSync(p('dir'));
  writeFileSync(p('file'), 'x');
  server = createServer();
  await new Promise<void>((resolve) => server.listen(p('sock'), resolve));
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

describe('checkHostPathType', () => {
  it.each([
    { type: undefined, name: 'missing' },
    { type: '', name: 'missing' },
    { type: 'Directory', name: 'dir' },
    { type: 'DirectoryOrCreate', name: 'dir' },
    { type: 'File', name: 'file' },
    { type: 'FileOrCreate', name: 'file' },
    { type: 'Socket', name: 'sock' },
  ])('accepts $name as $type', async ({ type, name }) => {
    await expect(checkHostPathType(p(name), type)).resolves.toBeUndefined();
  });

  it('accepts /dev/null as a CharDevice', async () => {
    await expect(checkHostPathType('/dev/null', 'CharDevice')).resolves.toBeUndefined();
  });

  it.each([
    { type: 'Directory', name: 'missing', error: 'is not a directory' },
    { type: 'Directory', name: 'file', error: 'is not a directory' },
    { type: 'DirectoryOrCreate', name: 'file', error: 'is not a directory' },
    { type: 'File', name: 'missing', error: 'is not a file' },
    { type: 'File', name: 'dir', error: 'is not a file' },
    { type: 'FileOrCreate', name: 'dir', error: 'is not a file' },
    { type: 'Socket', name: 'file', error: 'is not a socket file' },
    { type: 'CharDevice', name: 'file', error: 'is not a character device' },
    { type: 'BlockDevice', name: 'file', error: 'is not a block device' },
  ])('refuses $name as $type', async ({ type, name, error }) => {
    await expect(checkHostPathType(p(name), type)).rejects.toThrow(`hostPath type check failed: ${p(name)} ${error}`);
  });

  it('refuses an unknown type', async () => {
    await expect(checkHostPathType(p('dir'), 'Pipe')).rejects.toThrow('Pipe is an invalid volume type');
  });

  it('creates a missing directory with its parents, mode 0755', async () => {
    await checkHostPathType(p('made/deep/dir'), 'DirectoryOrCreate');
    expect(statSync(p('made/deep/dir')).isDirectory()).toBe(true);
    expect(statSync(p('made/deep/dir')).mode & 0o777).toBe(0o755 & ~process.umask());
  });

  it('creates a missing file empty, but not its directory', async () => {
    await checkHostPathType(p('new-file'), 'FileOrCreate');
    expect(statSync(p('new-file')).size).toBe(0);
    await expect(checkHostPathType(p('no-dir/f'), 'FileOrCreate')).rejects.toThrow(`open ${p('no-dir/f')}: no such file or directory`);
  });
});
