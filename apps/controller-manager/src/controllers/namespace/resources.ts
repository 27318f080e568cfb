import { registry, servedResources, type ResourceInfo } from '@tskube/api-types';

/**
 * The namespaced resources a namespace's deletion must empty, as the namespace controller finds
 * them through discovery (ServerPreferredNamespacedResources filtered to those that can be
 * deleted): stored, namespaced, deletable, at their group's preferred version. Resources that keep
 * the same objects under two names (core and events.k8s.io events) are listed once. Pods come
 * first, so nodes start releasing what they hold while the rest is deleted.
 */
export function deletableNamespacedResources(resources: readonly ResourceInfo[] = servedResources): ResourceInfo[] {
  const seen = new Set<string>();
  const out: ResourceInfo[] = [];
  for (const r of resources) {
    if (!r.namespaced || r.storageResource === undefined || !r.verbs.includes('delete') || !r.verbs.includes('list')) continue;
    if (registry.preferredVersion(r.group) !== r.version) continue;
    const storage = r.storageVersionHash ?? `${r.group}/${r.resource}`;
    if (seen.has(storage)) continue;
    seen.add(storage);
    out.push(r);
  }
  return out.sort((a, b) => Number(isPods(b)) - Number(isPods(a)));
}

function isPods(r: ResourceInfo): boolean {
  return r.group === '' && r.resource === 'pods';
}

/** `pods.`, `deployments.apps`: a group-resource as the namespace conditions print it. */
export function groupResourceString(r: Pick<ResourceInfo, 'group' | 'resource'>): string {
  return `${r.resource}.${r.group}`;
}
