/**
 * Discovery documents, legacy and aggregated, generated from the served resources. Legacy:
 * `/api` (APIVersions), `/apis` (APIGroupList), `/api/v1` and `/apis/<g>/<v>` (APIResourceList).
 * Aggregated (apidiscovery.k8s.io v2 and v2beta1): `/api` and `/apis` as APIGroupDiscoveryList.
 */

export interface DiscoveryResource {
  group: string;
  version: string;
  kind: string;
  resource: string;
  singular: string;
  namespaced: boolean;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources: { name: string; group: string; version: string; kind: string; verbs: string[] }[];
}

export interface DiscoverySource {
  /** Resources in serving order; the first version listed for a group is its preferred one. */
  resources: DiscoveryResource[];
  /** Address clients see for this server (serverAddressByClientCIDRs). */
  serverAddress: string;
}

export class Discovery {
  private readonly groups: { name: string; versions: string[] }[] = [];
  private readonly byGroupVersion = new Map<string, DiscoveryResource[]>();

  constructor(private readonly source: DiscoverySource) {
    for (const r of source.resources) {
      const gv = r.group ? `${r.group}/${r.version}` : r.version;
      if (!this.byGroupVersion.has(gv)) this.byGroupVersion.set(gv, []);
      this.byGroupVersion.get(gv)!.push(r);
      let g = this.groups.find((x) => x.name === r.group);
      if (!g) this.groups.push((g = { name: r.group, versions: [] }));
      if (!g.versions.includes(r.version)) g.versions.push(r.version);
    }
  }

  /** The group-versions served, e.g. ["v1", "apps/v1", ...]. */
  groupVersions(): string[] {
    return [...this.byGroupVersion.keys()];
  }

  hasGroupVersion(gv: string): boolean {
    return this.byGroupVersion.has(gv);
  }

  hasGroup(group: string): boolean {
    return this.groups.some((g) => g.name === group && group !== '');
  }

  apiVersions(): Record<string, unknown> {
    return {
      kind: 'APIVersions',
      versions: this.groups.find((g) => g.name === '')?.versions ?? ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: this.source.serverAddress }],
    };
  }

  private groupEntry(g: { name: string; versions: string[] }): Record<string, unknown> {
    const versions = g.versions.map((v) => ({ groupVersion: `${g.name}/${v}`, version: v }));
    return { name: g.name, versions, preferredVersion: versions[0] };
  }

  apiGroupList(): Record<string, unknown> {
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: this.groups.filter((g) => g.name !== '').map((g) => this.groupEntry(g)),
    };
  }

  /** `/apis/<group>`: one APIGroup. */
  apiGroup(group: string): Record<string, unknown> | undefined {
    const g = this.groups.find((x) => x.name === group && group !== '');
    return g ? { kind: 'APIGroup', apiVersion: 'v1', ...this.groupEntry(g) } : undefined;
  }

  apiResourceList(gv: string): Record<string, unknown> | undefined {
    const resources = this.byGroupVersion.get(gv);
    if (!resources) return undefined;
    const out: Record<string, unknown>[] = [];
    for (const r of resources) {
      const entry: Record<string, unknown> = {
        name: r.resource,
        singularName: r.singular,
        namespaced: r.namespaced,
        kind: r.kind,
        verbs: r.verbs,
      };
      if (r.shortNames?.length) entry.shortNames = r.shortNames;
      if (r.categories?.length) entry.categories = r.categories;
      out.push(entry);
      for (const s of r.subresources) {
        const sub: Record<string, unknown> = { name: `${r.resource}/${s.name}`, singularName: '', namespaced: r.namespaced, kind: s.kind, verbs: s.verbs };
        if (s.group !== r.group || s.version !== r.version) {
          sub.group = s.group;
          sub.version = s.version;
        }
        out.push(sub);
      }
    }
    return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv, resources: out };
  }

  /** Aggregated discovery for `/api` (legacy: true) or `/apis`. */
  aggregated(legacy: boolean, version: 'v2' | 'v2beta1'): Record<string, unknown> {
    const items = this.groups
      .filter((g) => (legacy ? g.name === '' : g.name !== ''))
      .map((g) => ({
        metadata: { name: g.name, creationTimestamp: null },
        versions: g.versions.map((v) => ({
          version: v,
          resources: (this.byGroupVersion.get(g.name ? `${g.name}/${v}` : v) ?? []).map((r) => {
            const entry: Record<string, unknown> = {
              resource: r.resource,
              responseKind: { group: r.group, version: r.version, kind: r.kind },
              scope: r.namespaced ? 'Namespaced' : 'Cluster',
              singularResource: r.singular,
              verbs: r.verbs,
            };
            if (r.shortNames?.length) entry.shortNames = r.shortNames;
            if (r.categories?.length) entry.categories = r.categories;
            if (r.subresources.length) {
              entry.subresources = r.subresources.map((s) => ({
                subresource: s.name,
                responseKind: { group: s.group, version: s.version, kind: s.kind },
                verbs: s.verbs,
              }));
            }
            return entry;
          }),
          freshness: 'Current',
        })),
      }));
    return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items };
  }
}
