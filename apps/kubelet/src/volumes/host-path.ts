import { mkdir, open, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { syscallMessage } from './errors';

/** The hostPath volume types (core/v1 HostPathType); the empty string checks nothing. */
export const HostPathType = {
  Unset: '',
  DirectoryOrCreate: 'DirectoryOrCreate',
  Directory: 'Directory',
  FileOrCreate: 'FileOrCreate',
  File: 'File',
  Socket: 'Socket',
  CharDevice: 'CharDevice',
  BlockDevice: 'BlockDevice',
} as const;
export type HostPathType = (typeof HostPathType)[keyof typeof HostPathType];

async function statOf(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch {
    return undefined;
  }
}

/**
 * Checks (and for the *OrCreate types creates) what a hostPath volume names, as the kubelet does
 * before a container may mount it: a missing directory is made with mode 0755 and its parents, a
 * missing file is created empty with mode 0644 (its directory must exist). Throws an Error with
 * Kubernetes' message (`hostPath type check failed: /x is not a directory`).
 */
export async function checkHostPathType(path: string, type: string | undefined): Promise<void> {
  const kind = type ?? HostPathType.Unset;
  const info = await statOf(path);
  switch (kind) {
    case HostPathType.Unset:
      return;
    case HostPathType.DirectoryOrCreate:
    case HostPathType.Directory:
      if (!info && kind === HostPathType.DirectoryOrCreate) {
        try {
          await mkdir(path, { recursive: true, mode: 0o755 });
        } catch (err) {
          throw new Error(syscallMessage(err, 'mkdir', path), { cause: err });
        }
        return;
      }
      if (!info?.isDirectory()) throw new Error(`hostPath type check failed: ${path} is not a directory`);
      return;
    case HostPathType.FileOrCreate:
    case HostPathType.File:
      if (!info && kind === HostPathType.FileOrCreate) {
        try {
          await (await open(path, 'a', 0o644)).close();
        } catch (err) {
          throw new Error(syscallMessage(err, 'open', path), { cause: err });
        }
        return;
      }
      if (!info?.isFile()) throw new Error(`hostPath type check failed: ${path} is not a file`);
      return;
    case HostPathType.Socket:
      if (!info?.isSocket()) throw new Error(`hostPath type check failed: ${path} is not a socket file`);
      return;
    case HostPathType.CharDevice:
      if (!info?.isCharacterDevice()) throw new Error(`hostPath type check failed: ${path} is not a character device`);
      return;
    case HostPathType.BlockDevice:
      if (!info?.isBlockDevice()) throw new Error(`hostPath type check failed: ${path} is not a block device`);
      return;
    default:
      throw new Error(`${kind} is an invalid volume type`);
  }
}
