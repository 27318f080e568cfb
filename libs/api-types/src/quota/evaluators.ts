import { Quantity } from '../quantity';
import type * as corev1 from '../types/corev1';
import type { GroupResource } from '../types/status';
import { isBestEffort, isTerminating, podConstraints, podUsage, usesCrossNamespacePodAffinity } from './pods';
import type { Usage } from './resource-list';


/** One requirement of a quota's scope: `spec.scopes` entries read as `Exists`. */
export type ScopeRequirement = corev1.ScopedResourceSelectorRequirement;

/** The operations quota admission may charge. */
export type QuotaOperation = 'create' | 'update';

/**
 * How quota measures one kind of object, as Kubernetes' quota evaluators: which quota resource
 * names it accounts for, what one object uses, which scopes it falls in, and what a new object
 * must set. Pure and stateless.
 */
export interface QuotaEvaluator {
  readonly groupResource: GroupResource;
  /** The names among `names` this evaluator accounts for, in their order. */
  matchingResources(names: readonly string[]): string[];
  /** Whether `obj` falls in the scope; kinds without scopes match none. */
  matchesScope(requirement: ScopeRequirement, obj: unknown): boolean;
  /** What one object uses; `nowMs` decides whether a terminating pod still counts. */
  usage(obj: unknown, nowMs: number): Usage;
  /** Why `obj` may not be admitted under a quota limiting `required`, or undefined. */
  constraints(required: readonly string[], obj: unknown): string | undefined;
  /** Whether admission charges this operation (object counts only on create). */
  handles(op: QuotaOperation, subresource: string): boolean;
}

/** `count/pods`, `count/deployments.apps`: the object-count resource name of a resource. */
export function objectCountResourceName(gr: GroupResource): string {
  return gr.group ? `count/${gr.resource}.${gr.group}` : `count/${gr.resource}`;
}

/** The resource an object-count name counts (`count/jobs.batch`), or undefined for other names. */
export function parseObjectCountResourceName(name: string): GroupResource | undefined {
  if (!name.startsWith('count/')) return undefined;
  const rest = name.slice('count/'.length);
  if (!rest) return undefined;
  const dot = rest.indexOf('.');
  return dot < 0 ? { group: '', resource: rest } : { group: rest.slice(dot + 1), resource: rest.slice(0, dot) };
}

const one = () => Quantity.fromInt(1);
const matchNone = () => false;

/** Object counts: `count/<resource>[.<group>]`, and the legacy bare name some core kinds have. */
export function objectCountEvaluator(gr: GroupResource, legacyName?: string): QuotaEvaluator {
  const names = [objectCountResourceName(gr), ...(legacyName ? [legacyName] : [])];
  return {
    groupResource: gr,
    matchingResources: (input) => input.filter((n) => names.includes(n)),
    matchesScope: matchNone,
    usage: () => new Map(names.map((n) => [n, one()])),
    constraints: () => undefined,
    handles: (op, subresource) => op === 'create' && subresource === '',
  };
}

const podResources = new Set([
  'count/pods',
  'cpu',
  'memory',
  'ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  'pods',
]);

/** Pods: counts, compute resources, huge pages and extended resources, with the pod scopes. */
export const podEvaluator: QuotaEvaluator = {
  groupResource: { group: '', resource: 'pods' },
  matchingResources: (input) =>
    input.filter(
      (n) =>
        podResources.has(n) ||
        n.startsWith('hugepages-') ||
        n.startsWith('requests.hugepages-') ||
        // Extended resources are limited as requests.<domain>/<name> only.
        (n.startsWith('requests.') && n.includes('/') && !n.includes('kubernetes.io/')),
    ),
  matchesScope: (req, obj) => podMatchesScope(req, obj as corev1.Pod),
  usage: (obj, nowMs) => podUsage(obj as corev1.Pod, nowMs),
  constraints: (required, obj) => podConstraints(required, obj as corev1.Pod),
  handles: (op, subresource) => op === 'create' && subresource === '',
};

/** Whether a pod is in one scope of a quota. */
export function podMatchesScope(req: ScopeRequirement, pod: corev1.Pod): boolean {
  switch (req.scopeName) {
    case 'Terminating':
      return isTerminating(pod);
    case 'NotTerminating':
      return !isTerminating(pod);
    case 'BestEffort':
      return isBestEffort(pod);
    case 'NotBestEffort':
      return !isBestEffort(pod);
    case 'PriorityClass': {
      const name = pod.spec?.priorityClassName ?? '';
      const values = req.values ?? [];
      switch (req.operator) {
        case 'Exists':
          return name !== '';
        case 'DoesNotExist':
          return name === '';
        case 'In':
          return name !== '' && values.includes(name);
        case 'NotIn':
          return name === '' || !values.includes(name);
        default:
          return false;
      }
    }
    case 'CrossNamespacePodAffinity':
      return usesCrossNamespacePodAffinity(pod);
    default:
      return false;
  }
}

const serviceResources = ['count/services', 'services', 'services.loadbalancers', 'services.nodeports'];

/** Services: counts, node ports and load balancers; a type change is charged on update. */
export const serviceEvaluator: QuotaEvaluator = {
  groupResource: { group: '', resource: 'services' },
  matchingResources: (input) => input.filter((n) => serviceResources.includes(n)),
  matchesScope: matchNone,
  usage: (obj) => {
    const svc = obj as corev1.Service;
    const ports = svc.spec?.ports?.length ?? 0;
    const out: Usage = new Map([
      ['count/services', one()],
      ['services', one()],
      ['services.loadbalancers', Quantity.zero()],
      ['services.nodeports', Quantity.zero()],
    ]);
    if (svc.spec?.type === 'NodePort') out.set('services.nodeports', Quantity.fromInt(ports));
    if (svc.spec?.type === 'LoadBalancer') {
      // Without node port allocation only the ports that name one explicitly take one.
      const nodePorts = svc.spec.allocateLoadBalancerNodePorts === false ? (svc.spec.ports ?? []).filter((p) => p.nodePort).length : ports;
      out.set('services.nodeports', Quantity.fromInt(nodePorts));
      out.set('services.loadbalancers', one());
    }
    return out;
  },
  constraints: () => undefined,
  handles: (op, subresource) => subresource === '' && (op === 'create' || op === 'update'),
};

const storageClassSuffix = '.storageclass.storage.k8s.io/';
const pvcResources = ['persistentvolumeclaims', 'requests.storage'];

/** The storage class a claim names: the beta annotation first, then spec.storageClassName. */
export function claimStorageClass(pvc: corev1.PersistentVolumeClaim): string {
  const annotated = pvc.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class'];
  if (annotated !== undefined) return annotated;
  return pvc.spec?.storageClassName ?? '';
}

/** Persistent volume claims: counts and requested storage, overall and per storage class. */
export const pvcEvaluator: QuotaEvaluator = {
  groupResource: { group: '', resource: 'persistentvolumeclaims' },
  matchingResources: (input) =>
    input.filter((n) => n === 'count/persistentvolumeclaims' || pvcResources.includes(n) || pvcResources.some((r) => n.endsWith(storageClassSuffix + r))),
  matchesScope: matchNone,
  usage: (obj) => {
    const pvc = obj as corev1.PersistentVolumeClaim;
    const out: Usage = new Map([
      ['persistentvolumeclaims', one()],
      ['count/persistentvolumeclaims', one()],
    ]);
    const sc = claimStorageClass(pvc);
    if (sc) out.set(`${sc}${storageClassSuffix}persistentvolumeclaims`, one());
    const storage = claimStorage(pvc);
    if (storage) {
      out.set('requests.storage', storage);
      if (sc) out.set(`${sc}${storageClassSuffix}requests.storage`, storage);
    }
    return out;
  },
  constraints: () => undefined,
  handles: (op, subresource) => subresource === '' && (op === 'create' || op === 'update'),
};

/** The storage a claim is charged: its request, or what was allocated when that is more, in whole bytes. */
function claimStorage(pvc: corev1.PersistentVolumeClaim): Quantity | undefined {
  const parse = (v: unknown) => {
    if (v === undefined || v === null) return undefined;
    try {
      return Quantity.fromJSON(v);
    } catch {
      return undefined;
    }
  };
  const wholeBytes = (q: Quantity) => (q.isInteger() ? q : Quantity.fromInt(q.scaledValue(0), q.format));
  const requested = parse(pvc.spec?.resources?.requests?.['storage']);
  if (!requested) return undefined;
  const allocated = parse(pvc.status?.allocatedResources?.['storage']);
  return wholeBytes(allocated && allocated.cmp(requested) > 0 ? allocated : requested);
}

/** Core kinds that quota also counts under a bare name (`configmaps`, `secrets`, ...). */
const legacyCounted = new Set(['configmaps', 'secrets', 'resourcequotas', 'replicationcontrollers']);

/** Kinds quota never counts. */
const ignoredResources = new Set(['events', 'events.events.k8s.io']);

/** Whether quota leaves a resource alone entirely. */
export function isQuotaIgnored(gr: GroupResource): boolean {
  return ignoredResources.has(gr.group ? `${gr.resource}.${gr.group}` : gr.resource);
}

/** The evaluator for a resource: pods, services and claims have their own, the rest are counted. */
export function evaluatorFor(gr: GroupResource): QuotaEvaluator {
  if (gr.group === '') {
    if (gr.resource === 'pods') return podEvaluator;
    if (gr.resource === 'services') return serviceEvaluator;
    if (gr.resource === 'persistentvolumeclaims') return pvcEvaluator;
    if (legacyCounted.has(gr.resource)) return objectCountEvaluator(gr, gr.resource);
  }
  return objectCountEvaluator(gr);
}

/**
 * The resources whose objects a quota limiting `names` has to measure, one entry per resource:
 * pods for compute names, services, claims, the legacy counted kinds, and whatever `count/`
 * names name. Names nothing measures are left out.
 */
export function resourcesForQuota(names: readonly string[]): GroupResource[] {
  const out = new Map<string, GroupResource>();
  const add = (gr: GroupResource) => out.set(`${gr.resource}.${gr.group}`, gr);
  for (const e of [podEvaluator, serviceEvaluator, pvcEvaluator]) if (e.matchingResources(names).length) add(e.groupResource);
  for (const n of names) {
    if (legacyCounted.has(n)) add({ group: '', resource: n });
    const counted = parseObjectCountResourceName(n);
    if (counted && !isQuotaIgnored(counted)) add(counted);
  }
  return [...out.values()];
}

/** A quota's scope as requirements: `spec.scopes` as Exists, then `spec.scopeSelector`'s expressions. */
export function quotaScopeSelectors(quota: corev1.ResourceQuota): ScopeRequirement[] {
  return [
    ...(quota.spec?.scopes ?? []).map((scopeName) => ({ scopeName, operator: 'Exists' })),
    ...(quota.spec?.scopeSelector?.matchExpressions ?? []),
  ];
}

/** Whether `obj` is in every scope of the quota (a quota without scopes takes everything). */
export function matchesQuotaScopes(evaluator: QuotaEvaluator, quota: corev1.ResourceQuota, obj: unknown): boolean {
  return quotaScopeSelectors(quota).every((req) => evaluator.matchesScope(req, obj));
}
