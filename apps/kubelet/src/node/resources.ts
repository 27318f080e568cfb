import { Quantity, QuantityFormat, isQuantityError } from '@tskube/api-types';
import type { MachineInfo } from './machine-info';

/** A bad --kube-reserved, --system-reserved or --eviction-hard value; the kubelet refuses to start. */
export class NodeConfigError extends Error {
  override readonly name = 'NodeConfigError';
}

/** `resource.ParseQuantity` with the kubelet's wording around its error. */
function parseQuantity(value: string, what: string): Quantity {
  try {
    return Quantity.parse(value);
  } catch (err) {
    if (isQuantityError(err)) throw new NodeConfigError(`failed to parse quantity "${value}" for "${what}" resource: ${err.message}`);
    throw err;
  }
}

const reservable = new Set(['cpu', 'memory', 'ephemeral-storage', 'pid']);

/**
 * Reads a --kube-reserved / --system-reserved map as the kubelet does: cpu, memory,
 * ephemeral-storage and pid only, non-negative quantities.
 */
export function parseReserved(values: Record<string, string> | undefined): Map<string, Quantity> {
  const out = new Map<string, Quantity>();
  for (const [k, v] of Object.entries(values ?? {})) {
    if (!reservable.has(k)) throw new NodeConfigError(`cannot reserve "${k}" resource`);
    const q = parseQuantity(v, k);
    if (q.sign() < 0) throw new NodeConfigError(`resource quantity for "${k}" cannot be negative: ${v}`);
    out.set(k, q);
  }
  return out;
}

/** The eviction signals the kubelet knows, and the node condition each one drives. */
export const EvictionSignals = {
  'memory.available': 'MemoryPressure',
  'nodefs.available': 'DiskPressure',
  'nodefs.inodesFree': 'DiskPressure',
  'imagefs.available': 'DiskPressure',
  'imagefs.inodesFree': 'DiskPressure',
  'pid.available': 'PIDPressure',
} as const;
export type EvictionSignal = keyof typeof EvictionSignals;

/** One hard eviction threshold: `signal < quantity`, or `signal < percentage × capacity`. */
export interface EvictionThreshold {
  signal: EvictionSignal;
  quantity?: Quantity;
  /** A fraction in (0, 1], kept in float32 precision as the kubelet keeps it. */
  percentage?: number;
}

/** The kubelet's --eviction-hard defaults on Linux. */
export const DEFAULT_EVICTION_HARD: Readonly<Record<string, string>> = {
  'memory.available': '100Mi',
  'nodefs.available': '10%',
  'nodefs.inodesFree': '5%',
  'imagefs.available': '15%',
  'imagefs.inodesFree': '5%',
};

/** Reads --eviction-hard (`signal: value`); zero thresholds are dropped, as the kubelet drops them. */
export function parseEvictionHard(values: Record<string, string> = DEFAULT_EVICTION_HARD): EvictionThreshold[] {
  const out: EvictionThreshold[] = [];
  for (const [signal, raw] of Object.entries(values)) {
    if (!Object.hasOwn(EvictionSignals, signal)) throw new NodeConfigError(`unsupported eviction signal ${signal}`);
    const value = raw.trim();
    if (value.endsWith('%')) {
      const pct = Number(value.slice(0, -1));
      if (value.length === 1 || !Number.isFinite(pct)) throw new NodeConfigError(`invalid percentage: ${value}`);
      if (pct < 0) throw new NodeConfigError(`eviction percentage threshold ${signal} must be >= 0%: ${value}`);
      if (pct > 100) throw new NodeConfigError(`eviction percentage threshold ${signal} must be <= 100%: ${value}`);
      if (pct === 0) continue;
      out.push({ signal: signal as EvictionSignal, percentage: Math.fround(pct / 100) });
    } else {
      const q = parseQuantity(value, signal);
      if (q.sign() < 0) throw new NodeConfigError(`eviction threshold ${signal} must be positive: ${value}`);
      if (q.isZero()) continue;
      out.push({ signal: signal as EvictionSignal, quantity: q });
    }
  }
  return out;
}

/** The threshold's amount against a capacity in the same unit. */
export function thresholdAmount(t: EvictionThreshold, capacity: number): number {
  if (t.quantity !== undefined) return t.quantity.value();
  return Math.trunc(capacity * (t.percentage ?? 0));
}

/** `hugepages-2Mi` for a 2048 KiB page. */
export function hugePageResourceName(pageSizeKiB: number): string {
  return `hugepages-${Quantity.fromInt(pageSizeKiB * 1024, QuantityFormat.BinarySI).toString()}`;
}

/**
 * The node's capacity as the kubelet reports it: cpu in cores, memory and ephemeral-storage in
 * bytes (binary units), hugepages per page size, pods from --max-pods.
 */
export function nodeCapacity(machine: MachineInfo, maxPods: number): Map<string, Quantity> {
  const out = new Map<string, Quantity>();
  out.set('cpu', Quantity.fromMilli(machine.numCores * 1000, QuantityFormat.DecimalSI));
  out.set('ephemeral-storage', Quantity.fromInt(machine.rootfsCapacityBytes, QuantityFormat.BinarySI));
  for (const hp of machine.hugepages) out.set(hugePageResourceName(hp.pageSizeKiB), Quantity.fromInt(hp.pageSizeKiB * 1024 * hp.pages, QuantityFormat.BinarySI));
  out.set('memory', Quantity.fromInt(machine.memoryCapacityBytes, QuantityFormat.BinarySI));
  out.set('pods', Quantity.fromInt(maxPods, QuantityFormat.DecimalSI));
  return out;
}

/**
 * What the kubelet holds back from pods per resource (GetNodeAllocatableReservation):
 * system-reserved plus kube-reserved plus the hard eviction thresholds of memory.available
 * (memory) and nodefs.available (ephemeral-storage), a percentage taken of the capacity.
 */
export function allocatableReservation(
  capacity: Map<string, Quantity>,
  kubeReserved: Map<string, Quantity>,
  systemReserved: Map<string, Quantity>,
  evictionHard: EvictionThreshold[],
): Map<string, Quantity> {
  const eviction = new Map<string, Quantity>();
  for (const t of evictionHard) {
    const resource = t.signal === 'memory.available' ? 'memory' : t.signal === 'nodefs.available' ? 'ephemeral-storage' : undefined;
    if (resource === undefined) continue;
    const cap = capacity.get(resource);
    const amount = t.quantity ?? Quantity.fromInt(thresholdAmount(t, cap?.value() ?? 0), QuantityFormat.BinarySI);
    eviction.set(resource, amount);
  }
  const out = new Map<string, Quantity>();
  for (const resource of capacity.keys()) {
    let value = Quantity.zero(QuantityFormat.DecimalSI);
    for (const source of [systemReserved, kubeReserved, eviction]) {
      const q = source.get(resource);
      if (q !== undefined) value = value.add(q);
    }
    if (!value.isZero()) out.set(resource, value);
  }
  return out;
}

/**
 * Allocatable = capacity − reservation, never negative; huge pages come out of memory too, as
 * they cannot hold ordinary pages.
 */
export function nodeAllocatable(capacity: Map<string, Quantity>, reservation: Map<string, Quantity>): Map<string, Quantity> {
  const out = new Map<string, Quantity>();
  for (const [resource, cap] of capacity) {
    let value = cap;
    const r = reservation.get(resource);
    if (r !== undefined) value = value.sub(r);
    if (value.sign() < 0) value = Quantity.zero(cap.format);
    out.set(resource, value);
  }
  for (const [resource, cap] of capacity) {
    if (!resource.startsWith('hugepages-')) continue;
    let memory = out.get('memory');
    if (memory === undefined) continue;
    memory = memory.sub(cap);
    out.set('memory', memory.sign() < 0 ? Quantity.zero(memory.format) : memory);
  }
  return out;
}

/** A resource map as the API writes it: `{ cpu: '2', memory: '8148000Ki' }`. */
export function resourceList(m: Map<string, Quantity>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of m) out[k] = v.toString();
  return out;
}
