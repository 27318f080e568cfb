import { Quantity, type corev1 } from '@tskube/api-types';

/**
 * The downward API's container resources (resourceFieldRef), as Kubernetes computes them: the
 * container's request or limit divided by the divisor and rounded up, with the node's allocatable
 * standing in for a CPU, memory or ephemeral-storage limit the container does not set.
 */

/** The resources whose unset limits default to the node's allocatable (hugepages never do). */
const defaultedLimits = ['cpu', 'memory', 'ephemeral-storage'] as const;

/**
 * A copy of `container` whose missing or zero CPU, memory and ephemeral-storage limits are the
 * node's allocatable amounts (what the container can use at most).
 */
export function withAllocatableLimits(container: corev1.Container, allocatable: Readonly<Record<string, string>> | undefined): corev1.Container {
  const limits: Record<string, string> = { ...(container.resources?.limits ?? {}) };
  for (const name of defaultedLimits) {
    const current = limits[name];
    if (current !== undefined && !Quantity.parse(current).isZero()) continue;
    const cap = allocatable?.[name];
    if (cap !== undefined) limits[name] = cap;
  }
  return { ...container, resources: { ...(container.resources ?? {}), limits } };
}

/** The container named `name` among the pod's containers, then its init containers. */
export function findContainer(pod: corev1.Pod, name: string): corev1.Container {
  const found = pod.spec?.containers?.find((c) => c.name === name) ?? pod.spec?.initContainers?.find((c) => c.name === name);
  if (!found) throw new Error(`container ${name} not found`);
  return found;
}

function quantity(value: string | number | undefined): Quantity {
  if (value === undefined) return Quantity.zero();
  return Quantity.fromJSON(value);
}

/** ceil(a / b) for the non-negative amounts resources are. */
function ceilDiv(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new Error('division by zero');
  const q = a / b;
  return q * b === a || a < 0n !== b < 0n ? q : q + 1n;
}

/**
 * The value a resourceFieldRef names in `container` (which already carries any defaulted limits),
 * as a decimal integer string. Throws an Error with Kubernetes' message for an unsupported resource.
 */
export function containerResourceValue(ref: corev1.ResourceFieldSelector, container: corev1.Container): string {
  const given = ref.divisor === undefined ? Quantity.zero() : Quantity.fromJSON(ref.divisor);
  const divisor = given.isZero() ? Quantity.fromInt(1) : given;
  const requests = container.resources?.requests ?? {};
  const limits = container.resources?.limits ?? {};
  const [kind, ...rest] = ref.resource.split('.');
  const name = rest.join('.');
  const list = kind === 'limits' ? limits : kind === 'requests' ? requests : undefined;
  if (list && (name === 'cpu' || name === 'memory' || name === 'ephemeral-storage' || name.startsWith('hugepages-'))) {
    const amount = quantity(list[name]);
    // CPU is counted in thousandths (so 250m / 1m is 250), everything else in whole units.
    const scale = name === 'cpu' ? -3 : 0;
    return ceilDiv(amount.scaledValue(scale), divisor.scaledValue(scale)).toString();
  }
  throw new Error(`unsupported container resource : ${ref.resource}`);
}

/**
 * The value a resourceFieldRef names for the container `ref.containerName` of `pod` (or
 * `fallback` when the ref names none, as env vars may), with unset limits defaulted from
 * `allocatable`.
 */
export function resourceFieldValue(
  ref: corev1.ResourceFieldSelector,
  pod: corev1.Pod,
  fallback: corev1.Container | undefined,
  allocatable: Readonly<Record<string, string>> | undefined,
): string {
  const container = ref.containerName ? findContainer(pod, ref.containerName) : fallback;
  if (!container) throw new Error(`container ${ref.containerName ?? ''} not found`);
  return containerResourceValue(ref, withAllocatableLimits(container, allocatable));
}
