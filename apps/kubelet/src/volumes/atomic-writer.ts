import { randomInt } from 'node:crypto';
import { chmod, lstat, mkdir, readFile, readdir, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { posix } from 'node:path';

/** One file of a volume's contents. */
export interface FileProjection {
  data: Buffer;
  /** Permission bits, e.g. 0o644. */
  mode: number;
}

/** A volume's contents: relative path → file. */
export type Payload = Map<string, FileProjection>;

const DATA_DIR = '..data';
const NEW_DATA_DIR = '..data_tmp';
const MAX_FILE_NAME_LENGTH = 255;
const MAX_PATH_LENGTH = 4096;

/** Go's filepath.Clean for the relative paths of a payload. */
export function cleanPath(path: string): string {
  if (path === '') return '.';
  const normal = posix.normalize(path);
  return normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal;
}

/** Refuses payload paths that could escape the volume or collide with the writer's own names. */
export function validatePayloadPath(path: string): void {
  if (path === '') throw new Error(`invalid path: must not be empty: "${path}"`);
  if (path.startsWith('/')) throw new Error(`invalid path: must be relative path: ${path}`);
  if (path.length > MAX_PATH_LENGTH) throw new Error(`invalid path: must be less than or equal to ${MAX_PATH_LENGTH} characters`);
  const items = path.split('/');
  for (const item of items) {
    if (item === '..') throw new Error(`invalid path: must not contain '..': ${path}`);
    if (item.length > MAX_FILE_NAME_LENGTH) throw new Error(`invalid path: filenames must be less than or equal to ${MAX_FILE_NAME_LENGTH} characters`);
  }
  if (items[0]!.startsWith('..') && items[0]!.length > 2) throw new Error(`invalid path: must not start with '..': ${path}`);
}

function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'ENOENT';
}

/** `..2024_05_01_12_30_59.` — the timestamp prefix of a data directory, in UTC. */
function timestampPrefix(now: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `..${now.getUTCFullYear()}_${p(now.getUTCMonth() + 1)}_${p(now.getUTCDate())}_${p(now.getUTCHours())}_${p(now.getUTCMinutes())}_${p(now.getUTCSeconds())}.`;
}

/**
 * Writes a volume's files so that a container never sees a half-updated set, with Kubernetes'
 * layout (the kubelet's AtomicWriter):
 *
 *     <dir>/..2024_05_01_12_30_59.1234567890/   the files of one version
 *     <dir>/..data -> ..2024_05_01_12_30_59.1234567890
 *     <dir>/<key> -> ..data/<key>                one link per top-level name
 *
 * A write puts the new version in a fresh timestamped directory, points `..data_tmp` at it and
 * renames that over `..data` (one atomic rename switches every file), then adds links for new
 * names, removes the links of names gone, and removes the old version. A write whose contents
 * equal the current version's changes nothing. Not safe for concurrent writes to one directory.
 */
export class AtomicWriter {
  constructor(
    private readonly dir: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async write(payload: Payload): Promise<void> {
    const clean: Payload = new Map();
    for (const [path, file] of payload) {
      validatePayloadPath(path);
      clean.set(cleanPath(path), file);
    }

    const dataDir = posix.join(this.dir, DATA_DIR);
    let oldVersion = '';
    try {
      oldVersion = await readlink(dataDir);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    const oldPath = oldVersion ? posix.join(this.dir, oldVersion) : '';

    let toRemove = new Set<string>();
    let writeNeeded = true;
    if (oldPath) {
      toRemove = await this.pathsToRemove(clean, oldPath);
      if (!(await this.changed(clean, oldPath)) && toRemove.size === 0) {
        writeNeeded = false;
        oldVersion = '';
      }
    }

    if (writeNeeded) {
      const version = await this.newVersionDir();
      const versionPath = posix.join(this.dir, version);
      try {
        await this.writeFiles(clean, versionPath);
        const tmpLink = posix.join(this.dir, NEW_DATA_DIR);
        await rm(tmpLink, { force: true });
        await symlink(version, tmpLink);
        await rename(tmpLink, dataDir);
      } catch (err) {
        await rm(versionPath, { recursive: true, force: true });
        throw err;
      }
    }

    await this.createVisibleLinks(clean);
    for (const path of toRemove) {
      // Only the links at the top level are the writer's; deeper paths went with the old version.
      if (!path.includes('/')) await rm(posix.join(this.dir, path), { force: true });
    }
    if (oldVersion) await rm(oldPath, { recursive: true, force: true });
  }

  /** The version directory `..data` points at, or undefined before the first write. */
  async currentVersion(): Promise<string | undefined> {
    try {
      return await readlink(posix.join(this.dir, DATA_DIR));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  private async newVersionDir(): Promise<string> {
    const prefix = timestampPrefix(this.now());
    for (;;) {
      const name = prefix + randomInt(0, 2 ** 32);
      try {
        await mkdir(posix.join(this.dir, name));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw err;
      }
      await chmod(posix.join(this.dir, name), 0o755);
      return name;
    }
  }

  private async writeFiles(payload: Payload, versionPath: string): Promise<void> {
    for (const [path, file] of payload) {
      const full = posix.join(versionPath, path);
      await mkdir(posix.dirname(full), { recursive: true, mode: 0o755 });
      await writeFile(full, file.data, { mode: file.mode });
      // The process umask applies at creation; the mode asked for is the mode wanted.
      await chmod(full, file.mode);
    }
  }

  /** Whether any file of `payload` differs from (or is missing in) the version at `oldPath`. */
  private async changed(payload: Payload, oldPath: string): Promise<boolean> {
    for (const [path, file] of payload) {
      let current: Buffer;
      try {
        current = await readFile(posix.join(oldPath, path));
      } catch (err) {
        if (isNotFound(err)) return true;
        throw err;
      }
      if (!current.equals(file.data)) return true;
    }
    return false;
  }

  /** The paths of the old version that the new one no longer has (its parents count as kept). */
  private async pathsToRemove(payload: Payload, oldPath: string): Promise<Set<string>> {
    const old = new Set<string>();
    const walk = async (rel: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(posix.join(oldPath, rel), { withFileTypes: true });
      } catch (err) {
        if (isNotFound(err)) return;
        throw err;
      }
      for (const entry of entries) {
        const path = rel ? `${rel}/${entry.name}` : entry.name;
        old.add(path);
        if (entry.isDirectory()) await walk(path);
      }
    };
    await walk('');
    const keep = new Set<string>();
    for (const path of payload.keys()) {
      for (let p = path; p && p !== '.'; p = posix.dirname(p)) keep.add(p);
    }
    return new Set([...old].filter((p) => !keep.has(p)));
  }

  private async createVisibleLinks(payload: Payload): Promise<void> {
    for (const path of payload.keys()) {
      const top = path.split('/')[0]!;
      const link = posix.join(this.dir, top);
      try {
        await lstat(link);
      } catch (err) {
        if (!isNotFound(err)) throw err;
        await symlink(posix.join(DATA_DIR, top), link);
      }
    }
  }
}
