import { registry, servedResources, type ResourceInfo } from '@tskube/api-types';

/**
 * Resources the collector never looks at, as Kubernetes' default ignoredResources: events are
 * many, short-lived and never own anything.
 */
const ignored = new Set(['/events', 'events.k8s.io/events']);

/**
 * The resources whose objects the ownership graph holds: every stored resource that can be
 * listed, watched and deleted, at its group's preferred version, each storage once (core and
 * events.k8s.io events, autoscaling v1 and v2, are one set of objects).
 */
export function monitoredResources(resources: readonly ResourceInfo[] = servedResources): ResourceInfo[] {
  const seen = new Set<string>();
  const out: ResourceInfo[] = [];
  for (const r of resources) {
    if (r.storageResource === undefined || ignored.has(`${r.group}/${r.resource}`)) continue;
    if (!(['list', 'watch', 'delete'] as const).every((v) => r.verbs.includes(v))) continue;
    if (registry.preferredVersion(r.group) !== r.version) continue;
    const storage = r.storageVersionHash ?? `${r.group}/${r.resource}`;
    if (seen.has(storage)) continue;
    seen.add(storage);
    out.push(r);
  }
  return out;
}
