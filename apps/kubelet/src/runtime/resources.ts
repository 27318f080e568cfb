import { Quantity, type corev1 } from '@tskube/api-types';
import type { cri } from '@tskube/proto';

/** A pod's quality-of-service class, as status.qosClass names it. */
export const QOSClass = { Guaranteed: 'Guaranteed', Burstable: 'Burstable', BestEffort: 'BestEffort' } as const;
export type QOSClass = (typeof QOSClass)[keyof typeof QOSClass];

const computeResources = ['cpu', 'memory'] as const;

function quantity(value: string | number | undefined): Quantity | undefined {
  if (value === undefined) return undefined;
  try {
    return Quantity.parse(String(value));
  } catch {
    return undefined;
  }
}

/**
 * The pod's QoS class by Kubernetes' rules (GetPodQOS): BestEffort when no container requests or
 * limits cpu or memory; Guaranteed when every container limits both and the pod's summed requests
 * equal its summed limits; Burstable otherwise. Init containers count like the others.
 */
export function podQOSClass(pod: corev1.Pod): QOSClass {
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  let guaranteed = true;
  const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  for (const c of containers) {
    for (const name of computeResources) {
      const r = quantity(c.resources?.requests?.[name]);
      if (r && !r.isZero()) requests.set(name, (requests.get(name) ?? Quantity.zero()).add(r));
    }
    const found = new Set<string>();
    for (const name of computeResources) {
      const l = quantity(c.resources?.limits?.[name]);
      if (l && !l.isZero()) {
        found.add(name);
        limits.set(name, (limits.get(name) ?? Quantity.zero()).add(l));
      }
    }
    if (found.size !== computeResources.length) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return QOSClass.BestEffort;
  if (guaranteed) {
    for (const [name, r] of requests) {
      const l = limits.get(name);
      if (!l || !l.equals(r)) guaranteed = false;
    }
  }
  return guaranteed && requests.size === limits.size ? QOSClass.Guaranteed : QOSClass.Burstable;
}

/**
 * The pod's cgroup parent with the cgroupfs driver: `/kubepods/pod<uid>` for Guaranteed pods,
 * `/kubepods/burstable/pod<uid>` and `/kubepods/besteffort/pod<uid>` for the others.
 */
export function podCgroupParent(pod: corev1.Pod, qos: QOSClass = podQOSClass(pod)): string {
  const uid = pod.metadata?.uid ?? '';
  if (qos === QOSClass.Guaranteed) return `/kubepods/pod${uid}`;
  return `/kubepods/${qos.toLowerCase()}/pod${uid}`;
}

const minShares = 2;
const sharesPerCPU = 1024;
const quotaPeriod = 100_000;
const minQuotaPeriod = 1000;

/** cpu.shares for a request in millicores (MilliCPUToShares): at least 2. */
export function milliCPUToShares(milliCPU: number): number {
  if (milliCPU === 0) return minShares;
  const shares = Math.floor((milliCPU * sharesPerCPU) / 1000);
  return shares < minShares ? minShares : shares;
}

/** cpu.cfs_quota_us for a limit in millicores over `period` (milliCPUToQuota); 0 when unlimited. */
export function milliCPUToQuota(milliCPU: number, period: number = quotaPeriod): number {
  if (milliCPU === 0) return 0;
  const quota = Math.floor((milliCPU * period) / 1000);
  return quota < minQuotaPeriod ? minQuotaPeriod : quota;
}

const guaranteedOOMScoreAdj = -997;
const besteffortOOMScoreAdj = 1000;

/**
 * The OOM score adjustment of a container as the kubelet computes it: -997 for Guaranteed pods,
 * 1000 for BestEffort, and for Burstable 1000 - 1000 * request / node memory, kept within 3..999.
 */
export function containerOOMScoreAdjust(pod: corev1.Pod, container: corev1.Container, memoryCapacity: number, qos: QOSClass = podQOSClass(pod)): number {
  if (qos === QOSClass.Guaranteed) return guaranteedOOMScoreAdj;
  if (qos === QOSClass.BestEffort) return besteffortOOMScoreAdj;
  const request = quantity(container.resources?.requests?.['memory'])?.value() ?? 0;
  const adjust = memoryCapacity > 0 ? 1000 - Math.floor((1000 * request) / memoryCapacity) : 1000;
  if (adjust < 1000 + guaranteedOOMScoreAdj) return 1000 + guaranteedOOMScoreAdj;
  if (adjust === besteffortOOMScoreAdj) return adjust - 1;
  return adjust;
}

/**
 * The container's cgroup settings for CRI (calculateLinuxResources): cpu shares from the request
 * (the limit when only a limit is set), CFS quota over a 100 ms period from the limit, the memory
 * limit, and the OOM score adjustment.
 */
export function containerLinuxResources(pod: corev1.Pod, container: corev1.Container, memoryCapacity: number): cri.DeepPartial<cri.LinuxContainerResources> {
  const cpuRequest = quantity(container.resources?.requests?.['cpu']);
  const cpuLimit = quantity(container.resources?.limits?.['cpu']);
  const memoryLimit = quantity(container.resources?.limits?.['memory']);
  const requestMilli = cpuRequest?.milliValue() ?? 0;
  const limitMilli = cpuLimit?.milliValue() ?? 0;
  const shares = requestMilli === 0 && limitMilli !== 0 ? milliCPUToShares(limitMilli) : milliCPUToShares(requestMilli);
  const out: cri.DeepPartial<cri.LinuxContainerResources> = {
    cpuShares: BigInt(shares),
    cpuPeriod: BigInt(quotaPeriod),
    cpuQuota: BigInt(milliCPUToQuota(limitMilli)),
    oomScoreAdj: BigInt(containerOOMScoreAdjust(pod, container, memoryCapacity)),
  };
  const mem = memoryLimit?.value() ?? 0;
  if (mem !== 0) out.memoryLimitInBytes = BigInt(mem);
  return out;
}
