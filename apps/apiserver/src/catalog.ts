import type { ResourceInfo as RegistryEntry } from '@tskube/api-types';
import type { Store } from '@tskube/store';
import type { DiscoveryResource } from './discovery/discovery';
import type { Catalog, ServedResource } from './rest/handler';
import { ResourceStore } from './storage/resource-store';
import { strategyFor, type StrategyHooks } from './strategies';

/** A served resource with the registry row it came from. */
export interface CatalogEntry extends ServedResource {
  entry: RegistryEntry;
}

/**
 * Every stored resource of the registry, each with its ResourceStore. Versions of one resource
 * that keep the same objects (autoscaling v1 and v2) share one store; resources without storage
 * (bindings, componentstatuses, reviews) are served by dedicated handlers and are absent here.
 */
export class ResourceCatalog implements Catalog {
  private readonly entries = new Map<string, CatalogEntry>();
  readonly stores = new Map<string, ResourceStore>();

  constructor(
    store: Store,
    readonly registryEntries: readonly RegistryEntry[],
    hooks: StrategyHooks = {},
    options: { onError?: (err: unknown) => void } = {},
  ) {
    for (const e of registryEntries) {
      if (!e.storageResource) continue;
      const hasStatus = e.subresources.some((s) => s.name === 'status');
      // Objects of one storage resource served in two groups or kinds' shapes (core and
      // events.k8s.io Events) would need conversion between the shapes; until it exists each
      // group keeps its own objects under its own prefix.
      const first = registryEntries.find((o) => o.storageResource === e.storageResource);
      const storageKey = first && first.group !== e.group ? `${e.group}/${e.storageResource}` : e.storageResource;
      let rs = this.stores.get(storageKey);
      if (!rs) {
        rs = new ResourceStore(
          store,
          { group: e.group, version: e.version, kind: e.kind, resource: e.resource, namespaced: e.namespaced, keyPrefix: `/registry/${storageKey}/` },
          strategyFor(e.group, e.kind, hasStatus, hooks, e.namespaced),
          { onError: options.onError },
        );
        this.stores.set(storageKey, rs);
      }
      this.entries.set(key(e.group, e.version, e.resource), {
        group: e.group,
        version: e.version,
        kind: e.kind,
        resource: e.resource,
        namespaced: e.namespaced,
        verbs: [...e.verbs],
        subresources: e.subresources.map((s) => s.name),
        store: rs,
        entry: e,
      });
    }
  }

  lookup(group: string, version: string, resource: string): CatalogEntry | undefined {
    return this.entries.get(key(group, version, resource));
  }

  /** The store of a resource by group and plural name (the preferred version's). */
  store(group: string, resource: string): ResourceStore {
    const e = this.registryEntries.find((r) => r.group === group && r.resource === resource && r.storageResource);
    const rs = e && this.stores.get(e.storageResource!);
    if (!rs) throw new Error(`no store for ${resource}.${group}`);
    return rs;
  }

  /** Starts every watch cache; resolves when all are loaded. */
  async start(): Promise<void> {
    await Promise.all([...this.stores.values()].map((s) => s.start()));
  }

  close(): void {
    for (const s of this.stores.values()) s.close();
  }

  /** Discovery rows for every resource of the registry, stored or not. */
  discoveryResources(): DiscoveryResource[] {
    return this.registryEntries.map((e) => ({
      group: e.group,
      version: e.version,
      kind: e.kind,
      resource: e.resource,
      singular: e.singular,
      namespaced: e.namespaced,
      verbs: [...e.verbs],
      shortNames: [...e.shortNames],
      categories: [...e.categories],
      subresources: e.subresources.map((s) => ({ name: s.name, group: s.group, version: s.version, kind: s.kind, verbs: [...s.verbs] })),
    }));
  }
}

function key(group: string, version: string, resource: string): string {
  return `${group}/${version}/${resource}`;
}
