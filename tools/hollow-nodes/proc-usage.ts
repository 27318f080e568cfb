/**
 * A process' memory and CPU as the kernel accounts them (/proc/<pid>/status and /proc/<pid>/stat),
 * for the hollow-node and kubelet benchmarks. Linux only.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

/** USER_HZ, the unit of utime and stime in /proc/<pid>/stat (100 on every common kernel). */
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** Resident set size now (VmRSS) or at its peak (VmHWM), in MiB. */
export function rssMiB(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`));
  const kib = Number(/(\d+)/.exec(line ?? '')?.[1]);
  if (!Number.isFinite(kib)) throw new Error(`/proc/${pid}/status has no ${field}`);
  return kib / 1024;
}

/** User plus system CPU time the process has used, in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / clockTicks();
}

/** CPU use over a stretch of time, as a percentage of one core. */
export interface CpuWindow {
  /** Ends the window: CPU seconds used since it began over wall-clock seconds, × 100. */
  percent(): number;
  /** CPU seconds used since the window began. */
  seconds(): number;
}

export function cpuWindow(pid: number): CpuWindow {
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  return {
    percent: () => ((cpuSeconds(pid) - cpu0) / ((performance.now() - t0) / 1000)) * 100,
    seconds: () => cpuSeconds(pid) - cpu0,
  };
}
