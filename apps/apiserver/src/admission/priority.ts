import { ApiError } from '../errors';
import type { ApiObject } from '../storage/codec';
import type { ResourceStore } from '../storage/resource-store';

/** The PriorityClasses every cluster has, as Kubernetes creates them at start. */
export const systemPriorityClasses = [
  { name: 'system-node-critical', value: 2000001000, description: 'Used for system critical pods that must not be moved from their current node.' },
  { name: 'system-cluster-critical', value: 2000000000, description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.' },
];

type PodSpec = { priorityClassName?: string; priority?: number; preemptionPolicy?: string };

/**
 * Kubernetes' Priority admission: a new pod's spec.priorityClassName is resolved into
 * spec.priority and spec.preemptionPolicy; without one the global default class applies (or
 * priority 0). An unknown class refuses the pod with 403.
 */
export class PriorityAdmission {
  constructor(private readonly classes: ResourceStore) {}

  async admitPod(pod: ApiObject): Promise<void> {
    const spec = (pod.spec ??= {}) as PodSpec;
    const name = spec.priorityClassName;
    let pc: ApiObject | undefined;
    if (name) {
      pc = await this.classes.get('', name, { resourceVersion: '0' }).catch(() => this.classes.get('', name).catch(() => undefined));
      if (!pc) {
        throw ApiError.forbidden({ group: '', resource: 'pods' }, pod.metadata?.name || pod.metadata?.generateName || '', `no PriorityClass with name ${name} was found`);
      }
    } else {
      pc = this.classes.cache.list().items.map((e) => e.object).find((o) => (o as { globalDefault?: boolean }).globalDefault);
      if (pc) spec.priorityClassName = pc.metadata?.name;
    }
    const value = pc ? Number((pc as { value?: number }).value ?? 0) : 0;
    if (spec.priority !== undefined && spec.priority !== value) {
      throw ApiError.forbidden(
        { group: '', resource: 'pods' },
        pod.metadata?.name ?? '',
        'the integer value of priority (' + spec.priority + ') must not be provided in pod spec; priority admission controller computed ' + value + ' from the given PriorityClass name',
      );
    }
    spec.priority = value;
    spec.preemptionPolicy ??= (pc as { preemptionPolicy?: string } | undefined)?.preemptionPolicy ?? 'PreemptLowerPriority';
  }

  async bootstrap(): Promise<void> {
    for (const c of systemPriorityClasses) {
      try {
        await this.classes.create('', {
          apiVersion: 'scheduling.k8s.io/v1',
          kind: 'PriorityClass',
          metadata: { name: c.name },
          value: c.value,
          description: c.description,
          preemptionPolicy: 'PreemptLowerPriority',
        });
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 409)) throw err;
      }
    }
  }
}
