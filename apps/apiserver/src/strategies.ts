import { StatusError, applyDefaults, defaultTolerationSeconds, invalidStatus, prepareForCreate, validate } from '@tskube/api-types';
import type { ApiObject } from './storage/codec';
import type { Strategy } from './storage/resource-store';

/**
 * Kinds whose metadata.generation tracks spec changes, as their Kubernetes REST strategies do.
 * Pods have none (generation tracking for pods is still behind a feature gate).
 */
const generationTracked = new Set([
  'apps/Deployment',
  'apps/ReplicaSet',
  'apps/StatefulSet',
  'apps/DaemonSet',
  'apps/ControllerRevision',
  '/ReplicationController',
  'batch/Job',
  'batch/CronJob',
  'autoscaling/HorizontalPodAutoscaler',
  'policy/PodDisruptionBudget',
  'networking.k8s.io/NetworkPolicy',
  'networking.k8s.io/Ingress',
  'networking.k8s.io/IngressClass',
  'scheduling.k8s.io/PriorityClass',
  'storage.k8s.io/StorageClass',
]);

export interface StrategyHooks {
  /** Defaulting for a kind (mutates the object); default: api-types' applyDefaults. */
  defaults?: (group: string, kind: string, obj: ApiObject) => void;
  /** Validation for a kind; throws a 422 when invalid; default: api-types' validate. */
  validate?: (group: string, kind: string, obj: ApiObject, old?: ApiObject) => void;
  /** Extra per-kind preparation (e.g. Service IP allocation), run after defaulting. */
  prepare?: Record<string, Pick<Strategy, 'prepareForCreate' | 'prepareForUpdate'>>;
}

/** The strategy of one kind: generation, status subresource, defaulting, validation, deletion. */
export function strategyFor(group: string, kind: string, hasStatus: boolean, hooks: StrategyHooks = {}, namespaced = true): Strategy {
  const key = `${group}/${kind}`;
  const extra = hooks.prepare?.[key];
  const defaults = hooks.defaults ?? ((g, k, obj) => void applyDefaults({ group: g, kind: k }, obj));
  const check =
    hooks.validate ??
    ((g, k, obj, old) => {
      const errs = validate({ group: g, kind: k }, obj, old, { namespaced });
      if (errs.length) throw StatusError.fromStatus(invalidStatus({ group: g, kind: k }, obj.metadata?.name ?? '', errs) as Parameters<typeof StatusError.fromStatus>[0]);
    });
  const strategy: Strategy = {
    tracksGeneration: generationTracked.has(key),
    statusSubresource: hasStatus,
    prepareForCreate: async (obj) => {
      if (hasStatus) resetStatusOnCreate(key, obj);
      defaults(group, kind, obj);
      // The DefaultTolerationSeconds admission: not-ready and unreachable for 300 s.
      if (key === '/Pod') defaultTolerationSeconds(obj as Parameters<typeof defaultTolerationSeconds>[0]);
      await extra?.prepareForCreate?.(obj);
      // Namespace finalizer and phase, Job selector, Service IP families (after allocation).
      prepareForCreate({ group, kind }, obj);
      if (key === '/Namespace') labelNamespace(obj);
      check(group, kind, obj);
    },
    prepareForUpdate: async (obj, old) => {
      if (key === '/Namespace') {
        // spec.finalizers change only through /finalize.
        (obj.spec as Record<string, unknown> | undefined) ??= {};
        (obj.spec as Record<string, unknown>).finalizers = (old.spec as Record<string, unknown> | undefined)?.finalizers;
      }
      defaults(group, kind, obj);
      await extra?.prepareForUpdate?.(obj, old);
      check(group, kind, obj, old);
    },
  };
  if (key === '/Pod') {
    strategy.gracePeriod = (obj, requested) => {
      const spec = (obj.spec ?? {}) as { nodeName?: string; terminationGracePeriodSeconds?: number };
      const status = (obj.status ?? {}) as { phase?: string };
      // An unscheduled or finished pod has nothing to stop: it goes at once.
      if (!spec.nodeName || status.phase === 'Succeeded' || status.phase === 'Failed') return 0;
      const grace = requested ?? spec.terminationGracePeriodSeconds ?? 30;
      return Math.max(0, grace);
    };
  }
  if (key === '/Namespace') {
    strategy.blocksDeletion = (obj) => ((obj.spec as { finalizers?: string[] } | undefined)?.finalizers?.length ?? 0) > 0;
    strategy.prepareForDelete = (obj) => {
      obj.status = { ...((obj.status as object) ?? {}), phase: 'Terminating' };
    };
  }
  return strategy;
}

function resetStatusOnCreate(key: string, obj: ApiObject): void {
  switch (key) {
    case '/Pod':
      obj.status = { phase: 'Pending', qosClass: qosClass(obj) };
      return;
    case '/Namespace':
    case '/Node':
    case '/Service':
    case '/PersistentVolumeClaim':
    case '/PersistentVolume':
      // These keep what clients send (Kubernetes resets parts of it; the controllers own the rest).
      return;
    default:
      delete obj.status;
  }
}

function labelNamespace(obj: ApiObject): void {
  const meta = (obj.metadata ??= {});
  // Every namespace carries its own name as a label, as Kubernetes sets it.
  meta.labels = { ...(meta.labels ?? {}), 'kubernetes.io/metadata.name': meta.name ?? '' };
}

type Resources = { requests?: Record<string, string>; limits?: Record<string, string> };
type Container = { resources?: Resources };

/** The pod's QoS class from its containers' requests and limits (cpu and memory). */
export function qosClass(pod: ApiObject): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const spec = (pod.spec ?? {}) as { containers?: Container[]; initContainers?: Container[] };
  const containers = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
  let any = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    for (const r of ['cpu', 'memory']) {
      if (req[r] !== undefined || lim[r] !== undefined) any = true;
      const limit = lim[r];
      const request = req[r] ?? limit;
      if (limit === undefined || request !== limit) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
