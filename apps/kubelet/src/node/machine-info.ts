import { readdir, readFile, statfs } from 'node:fs/promises';
import { cpus, release } from 'node:os';
import { dirname } from 'node:path';

/**
 * What the kubelet knows about its machine, read once at start as cAdvisor's MachineInfo is:
 * the node status' capacity and nodeInfo come from it.
 */
export interface MachineInfo {
  /** Logical CPUs of the host (not of the kubelet's cgroup), as cAdvisor counts them. */
  numCores: number;
  /** MemTotal of /proc/meminfo, in bytes. */
  memoryCapacityBytes: number;
  /** Huge page pools: page size in KiB and pages configured. */
  hugepages: { pageSizeKiB: number; pages: number }[];
  /** Size of the filesystem holding the kubelet's root directory, in bytes (ephemeral-storage). */
  rootfsCapacityBytes: number;
  machineID: string;
  systemUUID: string;
  bootID: string;
  kernelVersion: string;
  /** PRETTY_NAME of /etc/os-release. */
  osImage: string;
}

async function readTrimmed(path: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return '';
  }
}

/** MemTotal (or another field) of a /proc/meminfo text, in bytes; undefined if absent. */
export function meminfoBytes(text: string, field: string): number | undefined {
  const m = new RegExp(`^${field}:\\s+(\\d+)\\s*kB$`, 'm').exec(text);
  return m ? Number(m[1]) * 1024 : undefined;
}

/** PRETTY_NAME of an os-release text, unquoted; "Linux" when absent, as cAdvisor falls back. */
export function osReleasePrettyName(text: string): string {
  const m = /^PRETTY_NAME=(.*)$/m.exec(text);
  if (!m) return 'Linux';
  let v = m[1]!.trim();
  if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1);
  return v.replace(/\\(["'$`\\])/g, '$1');
}

/** The capacity of the filesystem holding `path` (its nearest existing ancestor), in bytes. */
export async function filesystemOf(path: string): Promise<{ capacityBytes: number; availableBytes: number; inodes: number; inodesFree: number }> {
  let p = path;
  for (;;) {
    try {
      const s = await statfs(p);
      return { capacityBytes: s.blocks * s.bsize, availableBytes: s.bavail * s.bsize, inodes: s.files, inodesFree: s.ffree };
    } catch (err) {
      const parent = dirname(p);
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || parent === p) throw err;
      p = parent;
    }
  }
}

/** Reads the host's MachineInfo; `rootDir` is the kubelet's --root-dir. */
export async function readMachineInfo(rootDir: string): Promise<MachineInfo> {
  const [meminfo, osRelease, machineId, dbusMachineId, productUuid, bootID, fs] = await Promise.all([
    readTrimmed('/proc/meminfo'),
    readTrimmed('/etc/os-release'),
    readTrimmed('/etc/machine-id'),
    readTrimmed('/var/lib/dbus/machine-id'),
    readTrimmed('/sys/class/dmi/id/product_uuid'),
    readTrimmed('/proc/sys/kernel/random/boot_id'),
    filesystemOf(rootDir),
  ]);
  const hugepages: MachineInfo['hugepages'] = [];
  try {
    for (const dir of await readdir('/sys/kernel/mm/hugepages')) {
      const m = /^hugepages-(\d+)kB$/.exec(dir);
      if (!m) continue;
      const pages = Number(await readTrimmed(`/sys/kernel/mm/hugepages/${dir}/nr_hugepages`)) || 0;
      hugepages.push({ pageSizeKiB: Number(m[1]), pages });
    }
  } catch {
    // No huge page support: no hugepages-* resources.
  }
  return {
    numCores: cpus().length,
    memoryCapacityBytes: meminfoBytes(meminfo, 'MemTotal') ?? 0,
    hugepages,
    rootfsCapacityBytes: fs.capacityBytes,
    machineID: machineId || dbusMachineId,
    systemUUID: productUuid,
    bootID,
    kernelVersion: release(),
    osImage: osReleasePrettyName(osRelease),
  };
}
