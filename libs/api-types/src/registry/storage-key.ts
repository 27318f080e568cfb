import type { ResourceInfo } from './types';

/** The root every object key lives under. */
export const STORAGE_ROOT = '/registry';

/**
 * Where an object (or a collection of them) lives in the store:
 *
 * - `storageKey(pods, 'ns', 'name')` → `/registry/pods/ns/name` (one object)
 * - `storageKey(pods, 'ns')` → `/registry/pods/ns/` (prefix of one namespace)
 * - `storageKey(pods)` → `/registry/pods/` (prefix of every namespace)
 * - `storageKey(nodes, undefined, 'n1')` → `/registry/nodes/n1`, `storageKey(nodes)` → `/registry/nodes/`
 *
 * Prefixes end in `/`, so `ns1` never matches `ns10`. An empty namespace means none (all
 * namespaces), as in Kubernetes. Versions and groups that keep the same objects share a key
 * (core and events.k8s.io events, both autoscaling versions).
 *
 * Deviation from Kubernetes' etcd layout, on purpose: the segment is always the plural resource
 * name, where Kubernetes keeps a few historical ones (`minions` for nodes, `services/specs`,
 * `services/endpoints` for endpoints, `controllers` for replication controllers, `ingress`).
 * Objects are stored as JSON rather than protobuf anyway, so a real apiserver could not read
 * these keys either way.
 *
 * Throws for a virtual resource, a name on a namespaced resource without a namespace, a namespace
 * on a cluster-scoped resource, or a segment that is empty, `.`, `..` or holds a `/`.
 */
export function storageKey(info: ResourceInfo, namespace?: string, name?: string): string {
  if (info.storageResource === undefined) {
    throw new Error(`${info.resource} is not stored`);
  }
  const ns = namespace === '' ? undefined : namespace;
  if (ns !== undefined && !info.namespaced) {
    throw new Error(`${info.resource} is not namespaced, but namespace ${JSON.stringify(ns)} was given`);
  }
  if (name !== undefined && ns === undefined && info.namespaced) {
    throw new Error(`${info.resource} is namespaced; a name needs a namespace`);
  }
  let key = `${STORAGE_ROOT}/${info.storageResource}/`;
  if (ns !== undefined) key += `${segment(ns, 'namespace')}/`;
  if (name !== undefined) key += segment(name, 'name');
  return key;
}

function segment(value: string, what: string): string {
  if (value === '' || value === '.' || value === '..' || value.includes('/')) {
    throw new Error(`invalid ${what} for a storage key: ${JSON.stringify(value)}`);
  }
  return value;
}
