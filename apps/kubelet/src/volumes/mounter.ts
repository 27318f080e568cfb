import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The mount operations the volume manager needs: tmpfs for memory-backed volumes, and the mount
 * table to find what is mounted below a pod's directory (also after a kubelet restart, when
 * nothing is remembered). Injectable for tests; the default uses util-linux's mount and umount.
 */
export interface Mounter {
  /** Mounts a tmpfs on `dir`, with `size=<bytes>` when sizeBytes is given. */
  mountTmpfs(dir: string, sizeBytes?: bigint): Promise<void>;
  /** Unmounts `dir`; fails when it is busy or not a mount point. */
  unmount(dir: string): Promise<void>;
  /** Every mount point of this mount namespace, in mount order. */
  mountPoints(): Promise<MountPoint[]>;
}

export interface MountPoint {
  path: string;
  fsType: string;
  /** The superblock's options (`rw,size=1024k`). */
  superOptions: string;
}

/** mountinfo escapes space, tab, newline and backslash as three octal digits. */
function unescapeMountPath(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** Parses /proc/<pid>/mountinfo (proc(5)): mount point is field 5, fs type and super options follow the `-`. */
export function parseMountInfo(text: string): MountPoint[] {
  const out: MountPoint[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const fields = line.split(' ');
    const dash = fields.indexOf('-', 6);
    if (fields.length < 5 || dash === -1) continue;
    out.push({ path: unescapeMountPath(fields[4]!), fsType: fields[dash + 1] ?? '', superOptions: fields[dash + 3] ?? '' });
  }
  return out;
}

async function command(bin: string, args: string[]): Promise<void> {
  try {
    await run(bin, args, { timeout: 60_000 });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`${bin} ${args.join(' ')} failed: ${(e.stderr ?? '').trim() || e.message}`, { cause: err });
  }
}

/** The host's mount(8) and umount(8); the kubelet runs as root. */
export class SystemMounter implements Mounter {
  async mountTmpfs(dir: string, sizeBytes?: bigint): Promise<void> {
    await command('mount', ['-t', 'tmpfs', ...(sizeBytes !== undefined ? ['-o', `size=${sizeBytes}`] : []), 'tmpfs', dir]);
  }

  async unmount(dir: string): Promise<void> {
    await command('umount', [dir]);
  }

  async mountPoints(): Promise<MountPoint[]> {
    return parseMountInfo(await readFile('/proc/self/mountinfo', 'utf8'));
  }
}
