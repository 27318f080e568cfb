import { chmod, chown, lstat, readdir } from 'node:fs/promises';
import { posix } from 'node:path';

/**
 * Gives a pod's fsGroup access to a volume, as the kubelet's SetVolumeOwnership does: every file
 * and directory (links are left alone) gets group `fsGroup` and group read (and write, unless the
 * volume is read-only) permission, added to the owner's; directories also get the execute bits and
 * setgid, so what containers create in them inherits the group.
 *
 * With `onRootMismatch` (fsGroupChangePolicy OnRootMismatch) nothing is walked when the volume's
 * root already has the group and the permissions.
 */
export async function setVolumeOwnership(dir: string, fsGroup: number, opts: { readOnly: boolean; onRootMismatch?: boolean }): Promise<void> {
  const fileMask = opts.readOnly ? 0o440 : 0o660;
  const dirMask = fileMask | 0o110 | 0o2000;
  if (opts.onRootMismatch) {
    const root = await lstat(dir);
    if (root.gid === fsGroup && (root.mode & dirMask) === dirMask) return;
  }
  const visit = async (path: string): Promise<void> => {
    const info = await lstat(path);
    if (info.isSymbolicLink()) return;
    await chown(path, -1, fsGroup);
    const mask = info.isDirectory() ? dirMask : fileMask;
    if ((info.mode & mask) !== mask) await chmod(path, (info.mode & 0o7777) | mask);
    if (info.isDirectory()) {
      for (const entry of await readdir(path)) await visit(posix.join(path, entry));
    }
  };
  await visit(dir);
}
