import { readFile } from 'node:fs/promises';
import { filesystemOf, meminfoBytes } from './machine-info';
import { EvictionSignals, thresholdAmount, type EvictionSignal, type EvictionThreshold } from './resources';

/** What the eviction manager observes; absent values are not evaluated. */
export interface NodeSignals {
  memoryAvailableBytes?: number;
  memoryCapacityBytes?: number;
  nodefsAvailableBytes?: number;
  nodefsCapacityBytes?: number;
  nodefsInodesFree?: number;
  nodefsInodes?: number;
  pidAvailable?: number;
  pidMax?: number;
}

/**
 * Reads the host's signals: MemAvailable from /proc/meminfo, the root directory's filesystem
 * (which also holds images on a one-disk machine), and pid_max minus the threads in use.
 */
export async function readHostSignals(rootDir: string): Promise<NodeSignals> {
  const [meminfo, fs, pidMax, loadavg] = await Promise.all([
    readFile('/proc/meminfo', 'utf8').catch(() => ''),
    filesystemOf(rootDir).catch(() => undefined),
    readFile('/proc/sys/kernel/pid_max', 'utf8').catch(() => ''),
    readFile('/proc/loadavg', 'utf8').catch(() => ''),
  ]);
  const out: NodeSignals = {};
  const available = meminfoBytes(meminfo, 'MemAvailable');
  const total = meminfoBytes(meminfo, 'MemTotal');
  if (available !== undefined && total !== undefined) Object.assign(out, { memoryAvailableBytes: available, memoryCapacityBytes: total });
  if (fs !== undefined) {
    Object.assign(out, { nodefsAvailableBytes: fs.availableBytes, nodefsCapacityBytes: fs.capacityBytes, nodefsInodesFree: fs.inodesFree, nodefsInodes: fs.inodes });
  }
  const max = Number(pidMax.trim());
  const threads = Number(/\d+\/(\d+)/.exec(loadavg)?.[1]);
  if (Number.isFinite(max) && max > 0 && Number.isFinite(threads)) Object.assign(out, { pidAvailable: max - threads, pidMax: max });
  return out;
}

function observe(signal: EvictionSignal, s: NodeSignals): { value: number; capacity: number } | undefined {
  const pair = (value: number | undefined, capacity: number | undefined) => (value === undefined ? undefined : { value, capacity: capacity ?? 0 });
  switch (signal) {
    case 'memory.available':
      return pair(s.memoryAvailableBytes, s.memoryCapacityBytes);
    case 'nodefs.available':
    case 'imagefs.available':
      return pair(s.nodefsAvailableBytes, s.nodefsCapacityBytes);
    case 'nodefs.inodesFree':
    case 'imagefs.inodesFree':
      return pair(s.nodefsInodesFree, s.nodefsInodes);
    case 'pid.available':
      return pair(s.pidAvailable, s.pidMax);
  }
}

/** The pressure conditions the observed signals put the node under (a threshold crossed: signal < threshold). */
export function pressuresOf(signals: NodeSignals, thresholds: readonly EvictionThreshold[]): Set<'MemoryPressure' | 'DiskPressure' | 'PIDPressure'> {
  const out = new Set<'MemoryPressure' | 'DiskPressure' | 'PIDPressure'>();
  for (const t of thresholds) {
    const seen = observe(t.signal, signals);
    if (seen === undefined) continue;
    if (seen.value < thresholdAmount(t, seen.capacity)) out.add(EvictionSignals[t.signal]);
  }
  return out;
}
