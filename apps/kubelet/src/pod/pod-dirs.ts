import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The kubelet's per-pod directory, `<root-dir>/pods/<uid>`, laid out as Kubernetes' kubelet lays it
 * out: `etc-hosts` (the managed /etc/hosts), `containers/<name>/<id>` (termination message files),
 * and `volumes/` (the volume manager's).
 */
export class PodDirs {
  constructor(private readonly rootDir: string) {}

  podDir(uid: string): string {
    return join(this.rootDir, 'pods', uid);
  }

  hostsFile(uid: string): string {
    return join(this.podDir(uid), 'etc-hosts');
  }

  /** Writes the pod's hosts file when its content changed; returns its path. */
  async writeHostsFile(uid: string, content: string): Promise<string> {
    const path = this.hostsFile(uid);
    const existing = await readFile(path, 'utf8').catch(() => undefined);
    if (existing !== content) {
      await mkdir(this.podDir(uid), { recursive: true });
      await writeFile(path, content, { mode: 0o644 });
    }
    return path;
  }

  /**
   * A fresh, empty, world-writable file for one container instance's termination message: the
   * container writes it at its terminationMessagePath and the kubelet reads it after the exit.
   */
  async newTerminationMessageFile(uid: string, containerName: string): Promise<string> {
    const dir = join(this.podDir(uid), 'containers', containerName);
    await mkdir(dir, { recursive: true });
    const path = join(dir, randomBytes(4).toString('hex'));
    await writeFile(path, '');
    await chmod(path, 0o666);
    return path;
  }

  /** Removes what the lifecycle keeps for the pod (not its volumes: the volume manager's own). */
  async removeLifecycleFiles(uid: string): Promise<void> {
    await rm(join(this.podDir(uid), 'containers'), { recursive: true, force: true });
    await rm(this.hostsFile(uid), { force: true });
    try {
      const left = await readdir(this.podDir(uid));
      if (left.length === 0 || (left.length === 1 && left[0] === 'volumes' && (await readdir(join(this.podDir(uid), 'volumes'))).length === 0)) {
        await rm(this.podDir(uid), { recursive: true, force: true });
      }
    } catch {
      // already gone
    }
  }

  /** The UIDs that have a pod directory (for finding orphans after a restart). */
  async podUIDs(): Promise<string[]> {
    return readdir(join(this.rootDir, 'pods')).catch(() => []);
  }
}

const cgroupRoot = '/sys/fs/cgroup';

/**
 * Removes the pod's cgroups (`kubepods[/<qos>]/pod<uid>` under every cgroup v1 controller, or in
 * the unified hierarchy) once its containers are gone; the runtime creates them as the containers'
 * parents but leaves them behind. Resolves false while one is still in use (the runtime removes
 * its containers' cgroups a moment after it reports them gone), for the caller to try again.
 */
export async function removePodCgroups(uid: string): Promise<boolean> {
  const rel = [`kubepods/pod${uid}`, `kubepods/burstable/pod${uid}`, `kubepods/besteffort/pod${uid}`];
  let hierarchies: string[];
  try {
    hierarchies = (await readdir(cgroupRoot)).map((c) => join(cgroupRoot, c));
  } catch {
    return true;
  }
  hierarchies.push(cgroupRoot);
  const results = await Promise.all(
    hierarchies.flatMap((h) =>
      rel.map((r) =>
        rmdir(join(h, r)).then(
          () => true,
          (err: NodeJS.ErrnoException) => err.code === 'ENOENT' || err.code === 'ENOTDIR',
        ),
      ),
    ),
  );
  return results.every(Boolean);
}
