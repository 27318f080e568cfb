import { readFile } from 'node:fs/promises';
import type { cri } from '@tskube/proto';
import type { corev1 } from '@tskube/api-types';
import type { ContainerStatsManager } from '../cri/index';

type Pod = corev1.Pod;

/** The summary API's shapes (kubelet stats/v1alpha1), as `GET /stats/summary` answers them. */
export interface CpuStats {
  time: string;
  usageNanoCores?: number;
  usageCoreNanoSeconds?: number;
}
export interface MemoryStats {
  time: string;
  availableBytes?: number;
  usageBytes?: number;
  workingSetBytes?: number;
  rssBytes?: number;
  pageFaults?: number;
  majorPageFaults?: number;
}
export interface ContainerSummary {
  name: string;
  startTime: string;
  cpu?: CpuStats;
  memory?: MemoryStats;
}
export interface PodSummary {
  podRef: { name: string; namespace: string; uid: string };
  startTime: string;
  containers: ContainerSummary[];
  cpu?: CpuStats;
  memory?: MemoryStats;
}
export interface Summary {
  node: { nodeName: string; startTime: string; cpu?: CpuStats; memory?: MemoryStats };
  pods: PodSummary[];
}

/** The labels the kubelet puts on every CRI container (Kubernetes' kubelet types/labels.go). */
export const PodLabel = {
  Name: 'io.kubernetes.pod.name',
  Namespace: 'io.kubernetes.pod.namespace',
  Uid: 'io.kubernetes.pod.uid',
  Container: 'io.kubernetes.container.name',
} as const;

const USER_HZ = 100;

/**
 * Builds the summary from CRI ListContainerStats and the host's /proc. CPU rates
 * (usageNanoCores) come from the runtime when it reports them, else from the change since the
 * previous call, so the first answer may lack them, as the kubelet's first does.
 */
export class StatsProvider {
  private readonly previous = new Map<string, { at: bigint; total: bigint }>();
  private readonly bootTime: string;

  constructor(
    private readonly runtime: ContainerStatsManager,
    private readonly nodeName: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.bootTime = this.now().toISOString();
  }

  async summary(pods: Pod[]): Promise<Summary> {
    const stats = await this.runtime.listContainerStats({});
    const byPod = new Map<string, cri.ContainerStats[]>();
    const idToPod = new Map<string, string>();
    for (const pod of pods) {
      for (const s of pod.status?.containerStatuses ?? []) {
        const id = s.containerID?.replace(/^[a-z]+:\/\//, '');
        if (id) idToPod.set(id, pod.metadata?.uid ?? '');
      }
    }
    for (const s of stats) {
      const uid = s.attributes?.labels[PodLabel.Uid] ?? idToPod.get(s.attributes?.id ?? '');
      if (!uid) continue;
      byPod.set(uid, [...(byPod.get(uid) ?? []), s]);
    }
    const podSummaries: PodSummary[] = [];
    for (const pod of pods) {
      const uid = pod.metadata?.uid ?? '';
      const containers = (byPod.get(uid) ?? []).map((s) => this.container(s, pod));
      podSummaries.push({
        podRef: { name: pod.metadata?.name ?? '', namespace: pod.metadata?.namespace ?? '', uid },
        startTime: pod.status?.startTime ?? pod.metadata?.creationTimestamp ?? this.bootTime,
        containers,
        cpu: sumCpu(containers.map((c) => c.cpu), this.now()),
        memory: sumMemory(containers.map((c) => c.memory), this.now()),
      });
    }
    return { node: { nodeName: this.nodeName, startTime: this.bootTime, ...(await this.node()) }, pods: podSummaries };
  }

  private container(s: cri.ContainerStats, pod: Pod): ContainerSummary {
    const name = s.attributes?.labels[PodLabel.Container] ?? s.attributes?.metadata?.name ?? '';
    const status = pod.status?.containerStatuses?.find((c) => c.name === name);
    const summary: ContainerSummary = { name, startTime: status?.state?.running?.startedAt ?? pod.status?.startTime ?? this.bootTime };
    if (s.cpu) {
      const total = s.cpu.usageCoreNanoSeconds?.value;
      let rate = s.cpu.usageNanoCores?.value !== undefined && s.cpu.usageNanoCores.value > 0n ? Number(s.cpu.usageNanoCores.value) : undefined;
      const id = s.attributes?.id ?? '';
      const before = this.previous.get(id);
      if (total !== undefined) {
        if (rate === undefined && before && s.cpu.timestamp > before.at && total >= before.total) {
          rate = Math.round((Number(total - before.total) * 1e9) / Number(s.cpu.timestamp - before.at));
        }
        this.previous.set(id, { at: s.cpu.timestamp, total });
      }
      summary.cpu = { time: nanosToTime(s.cpu.timestamp), usageNanoCores: rate, usageCoreNanoSeconds: total === undefined ? undefined : Number(total) };
    }
    if (s.memory) {
      const m = s.memory;
      const n = (v?: cri.UInt64Value) => (v === undefined ? undefined : Number(v.value));
      summary.memory = {
        time: nanosToTime(m.timestamp),
        availableBytes: n(m.availableBytes),
        usageBytes: n(m.usageBytes),
        workingSetBytes: n(m.workingSetBytes),
        rssBytes: n(m.rssBytes),
        pageFaults: n(m.pageFaults),
        majorPageFaults: n(m.majorPageFaults),
      };
    }
    return summary;
  }

  /** The node's CPU time (all CPUs, not idle) from /proc/stat and its memory from /proc/meminfo. */
  private async node(): Promise<{ cpu?: CpuStats; memory?: MemoryStats }> {
    const time = this.now();
    const out: { cpu?: CpuStats; memory?: MemoryStats } = {};
    try {
      const line = (await readFile('/proc/stat', 'utf8')).split('\n').find((l) => l.startsWith('cpu '));
      const f = (line ?? '').trim().split(/\s+/).slice(1).map(Number);
      // user nice system idle iowait irq softirq steal
      const busy = (f[0] ?? 0) + (f[1] ?? 0) + (f[2] ?? 0) + (f[5] ?? 0) + (f[6] ?? 0) + (f[7] ?? 0);
      const total = BigInt(busy) * BigInt(1e9 / USER_HZ);
      const at = BigInt(time.getTime()) * 1_000_000n;
      const before = this.previous.get('');
      const rate = before && at > before.at ? Math.round((Number(total - before.total) * 1e9) / Number(at - before.at)) : undefined;
      this.previous.set('', { at, total });
      out.cpu = { time: time.toISOString(), usageNanoCores: rate, usageCoreNanoSeconds: Number(total) };
    } catch {
      // No /proc/stat: the node's CPU is left out.
    }
    try {
      const info = Object.fromEntries(
        (await readFile('/proc/meminfo', 'utf8'))
          .split('\n')
          .map((l) => /^(\w+):\s+(\d+)/.exec(l))
          .filter((m): m is RegExpExecArray => m !== null)
          .map((m) => [m[1], Number(m[2]) * 1024]),
      ) as Record<string, number>;
      const total = info['MemTotal'] ?? 0;
      const available = info['MemAvailable'] ?? info['MemFree'] ?? 0;
      out.memory = {
        time: time.toISOString(),
        availableBytes: available,
        usageBytes: total - (info['MemFree'] ?? 0),
        workingSetBytes: total - available,
      };
    } catch {
      // No /proc/meminfo: the node's memory is left out.
    }
    return out;
  }
}

function nanosToTime(nanos: bigint): string {
  return new Date(Number(nanos / 1_000_000n)).toISOString();
}

function sumCpu(all: (CpuStats | undefined)[], now: Date): CpuStats | undefined {
  const present = all.filter((c): c is CpuStats => c !== undefined);
  if (!present.length) return undefined;
  const sum = (k: 'usageNanoCores' | 'usageCoreNanoSeconds') => (present.every((c) => c[k] !== undefined) ? present.reduce((a, c) => a + (c[k] ?? 0), 0) : undefined);
  return { time: now.toISOString(), usageNanoCores: sum('usageNanoCores'), usageCoreNanoSeconds: sum('usageCoreNanoSeconds') };
}

function sumMemory(all: (MemoryStats | undefined)[], now: Date): MemoryStats | undefined {
  const present = all.filter((m): m is MemoryStats => m !== undefined);
  if (!present.length) return undefined;
  const sum = (k: 'usageBytes' | 'workingSetBytes' | 'rssBytes' | 'pageFaults' | 'majorPageFaults') => present.reduce((a, m) => a + (m[k] ?? 0), 0);
  return {
    time: now.toISOString(),
    usageBytes: sum('usageBytes'),
    workingSetBytes: sum('workingSetBytes'),
    rssBytes: sum('rssBytes'),
    pageFaults: sum('pageFaults'),
    majorPageFaults: sum('majorPageFaults'),
  };
}
