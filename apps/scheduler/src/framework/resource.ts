import type { corev1 } from '@tskube/api-types';
import { parseQuantity } from '@tskube/api-types';

/** A ResourceList as it travels: resource name to quantity string. */
export type ResourceList = Readonly<Record<string, string | number>>;

/** CPU the scoring plugins assume for a container that requests none (schedutil.DefaultMilliCPURequest). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
/** Memory the scoring plugins assume for a container that requests none (schedutil.DefaultMemoryRequest, 200 MiB). */
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export const ResourceName = {
  CPU: 'cpu',
  Memory: 'memory',
  EphemeralStorage: 'ephemeral-storage',
  Pods: 'pods',
} as const;

const QUALIFIED_NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function isQualifiedName(value: string): boolean {
  const parts = value.split('/');
  if (parts.length > 2) return false;
  const name = parts[parts.length - 1]!;
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME_PART.test(name)) return false;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    if (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix)) return false;
  }
  return true;
}

/** A name without a domain, or in the `kubernetes.io/` domain (v1helper.IsNativeResource). */
function isNativeResource(name: string): boolean {
  return !name.includes('/') || name.includes('kubernetes.io/');
}

/** `example.com/gpu`: a domain-qualified name outside kubernetes.io that could name a quota (IsExtendedResourceName). */
export function isExtendedResourceName(name: string): boolean {
  if (isNativeResource(name) || name.startsWith('requests.')) return false;
  return isQualifiedName(`requests.${name}`);
}

/**
 * Resources the scheduler counts as plain integers besides cpu, memory, ephemeral-storage and pods:
 * extended resources, hugepages, attachable volumes and prefixed native ones (IsScalarResourceName).
 */
export function isScalarResourceName(name: string): boolean {
  return (
    isExtendedResourceName(name) ||
    name.startsWith('hugepages-') ||
    name.startsWith('attachable-volumes-') ||
    (name.includes('/') && name.includes('kubernetes.io/'))
  );
}

// Requests repeat the same few strings ("100m", "1Gi") across thousands of pods; parse each once.
const parsedValues = new Map<string, number>();
const parsedMilliValues = new Map<string, number>();
const PARSE_CACHE_LIMIT = 4096;

function cachedParse(cache: Map<string, number>, raw: string | number, milli: boolean): number {
  const key = String(raw);
  let value = cache.get(key);
  if (value === undefined) {
    try {
      const q = parseQuantity(key.trim());
      value = milli ? q.milliValue() : q.value();
    } catch {
      // The apiserver validates quantities; an unparsable one counts as nothing rather than crashing a cycle.
      value = 0;
    }
    if (cache.size >= PARSE_CACHE_LIMIT) cache.clear();
    cache.set(key, value);
  }
  return value;
}

/** The whole value of a quantity, rounded up (Quantity.Value); 0 when unparsable. */
export function quantityValue(raw: string | number): number {
  return cachedParse(parsedValues, raw, false);
}

/** The value of a quantity in thousandths, rounded up (Quantity.MilliValue); 0 when unparsable. */
export function quantityMilliValue(raw: string | number): number {
  return cachedParse(parsedMilliValues, raw, true);
}

/**
 * Amounts of compute resources as plain numbers (framework.Resource): cpu in millicores, memory and
 * ephemeral storage in bytes, a pod count, and scalar resources (extended, hugepages) as integers.
 * Mutable; NodeInfo keeps one per node for requested and allocatable amounts.
 */
export class Resource {
  milliCPU = 0;
  memory = 0;
  ephemeralStorage = 0;
  /** From a node's allocatable `pods`; pods never request it. */
  allowedPodNumber = 0;
  /** Scalar resources by name; undefined until the first one is added. */
  scalar: Map<string, number> | undefined = undefined;

  /** A Resource holding `list` (Resource.Add on an empty one). */
  static fromList(list: ResourceList | undefined): Resource {
    const r = new Resource();
    if (list !== undefined) r.addList(list);
    return r;
  }

  /** The amount of scalar resource `name`, 0 when absent. */
  getScalar(name: string): number {
    return this.scalar?.get(name) ?? 0;
  }

  setScalar(name: string, value: number): void {
    (this.scalar ??= new Map()).set(name, value);
  }

  /** Adds every quantity of `list`; names that are neither known nor scalar are ignored. */
  addList(list: ResourceList): void {
    for (const name in list) {
      const raw = list[name]!;
      switch (name) {
        case ResourceName.CPU:
          this.milliCPU += quantityMilliValue(raw);
          break;
        case ResourceName.Memory:
          this.memory += quantityValue(raw);
          break;
        case ResourceName.EphemeralStorage:
          this.ephemeralStorage += quantityValue(raw);
          break;
        case ResourceName.Pods:
          this.allowedPodNumber += quantityValue(raw);
          break;
        default:
          if (isScalarResourceName(name)) this.setScalar(name, this.getScalar(name) + quantityValue(raw));
      }
    }
  }

  /** Adds `other` times `sign` (1 or -1), scalar resources included. */
  add(other: Resource, sign: 1 | -1 = 1): void {
    this.milliCPU += sign * other.milliCPU;
    this.memory += sign * other.memory;
    this.ephemeralStorage += sign * other.ephemeralStorage;
    this.allowedPodNumber += sign * other.allowedPodNumber;
    if (other.scalar !== undefined) {
      for (const [name, value] of other.scalar) this.setScalar(name, this.getScalar(name) + sign * value);
    }
  }

  /** Raises each amount to at least `other`'s (Resource.SetMaxResource). */
  setMax(other: Resource): void {
    this.milliCPU = Math.max(this.milliCPU, other.milliCPU);
    this.memory = Math.max(this.memory, other.memory);
    this.ephemeralStorage = Math.max(this.ephemeralStorage, other.ephemeralStorage);
    this.allowedPodNumber = Math.max(this.allowedPodNumber, other.allowedPodNumber);
    if (other.scalar !== undefined) {
      for (const [name, value] of other.scalar) this.setScalar(name, Math.max(this.getScalar(name), value));
    }
  }

  /** True when nothing is requested: no cpu, memory, storage or scalar resource (pods are not counted). */
  isEmpty(): boolean {
    if (this.milliCPU !== 0 || this.memory !== 0 || this.ephemeralStorage !== 0) return false;
    if (this.scalar !== undefined) for (const v of this.scalar.values()) if (v !== 0) return false;
    return true;
  }

  clone(): Resource {
    const r = new Resource();
    r.milliCPU = this.milliCPU;
    r.memory = this.memory;
    r.ephemeralStorage = this.ephemeralStorage;
    r.allowedPodNumber = this.allowedPodNumber;
    if (this.scalar !== undefined) r.scalar = new Map(this.scalar);
    return r;
  }
}

const isRestartable = (c: corev1.Container): boolean => c.restartPolicy === 'Always';

function containerRequests(c: corev1.Container, nonMissing: boolean): Resource {
  const requests = c.resources?.requests as ResourceList | undefined;
  const r = Resource.fromList(requests);
  if (nonMissing) {
    if (requests === undefined || !Object.hasOwn(requests, ResourceName.CPU)) r.milliCPU += DEFAULT_MILLI_CPU_REQUEST;
    if (requests === undefined || !Object.hasOwn(requests, ResourceName.Memory)) r.memory += DEFAULT_MEMORY_REQUEST;
  }
  return r;
}

/**
 * What a pod asks of a node (resourcehelper.PodRequests): the sum over its containers and sidecars
 * (restartable init containers), raised to what any init container needs while it runs alongside the
 * sidecars started before it, plus the pod overhead. With `nonMissing`, a container that requests no
 * cpu or memory counts the defaults (100m, 200Mi): the "non-zero" requests used for spreading scores.
 */
export function podRequests(pod: corev1.Pod, nonMissing = false): Resource {
  const spec = pod.spec;
  const total = new Resource();
  if (spec === undefined) return total;
  for (const c of spec.containers ?? []) total.add(containerRequests(c, nonMissing));

  const sidecars = new Resource();
  const initMax = new Resource();
  for (const c of spec.initContainers ?? []) {
    const r = containerRequests(c, nonMissing);
    if (isRestartable(c)) {
      total.add(r);
      sidecars.add(r);
      initMax.setMax(sidecars);
    } else {
      r.add(sidecars);
      initMax.setMax(r);
    }
  }
  total.setMax(initMax);
  if (spec.overhead !== undefined) total.addList(spec.overhead as ResourceList);
  return total;
}
