import { parseResourceArg, type ResourceArg } from './resolve';
import { servedGroupVersions, servedResources } from './resources';
import type { GroupVersion, GroupVersionKind, GroupVersionResource, GroupVersions, ResourceInfo } from './types';

export interface ResourceRegistryOptions {
  /** The resources served, in any order. */
  resources: readonly ResourceInfo[];
  /** The served groups in priority order, each with its versions most preferred first. */
  groupVersions: ReadonlyArray<{ group: string; versions: readonly string[] }>;
}

const gvKey = (group: string, version: string) => `${group}/${version}`;

/**
 * Lookups over the table of served resources. Immutable once built; every method is a pure read.
 * Ordering everywhere is discovery's: groups in priority order (core first), versions most
 * preferred first, resources by name. Where a name is ambiguous (`events` is served by core and
 * events.k8s.io) the first in that order wins, as it does for kubectl.
 */
export class ResourceRegistry {
  private readonly ordered: readonly ResourceInfo[];
  private readonly groupList: readonly GroupVersions[];
  private readonly byGV = new Map<string, ResourceInfo[]>();
  private readonly byGVR = new Map<string, ResourceInfo>();
  private readonly byGVK = new Map<string, ResourceInfo>();

  /** Throws when the table contradicts itself: duplicates, or resources of unlisted group versions. */
  constructor(options: ResourceRegistryOptions) {
    const groups: GroupVersions[] = [];
    for (const { group, versions } of options.groupVersions) {
      if (versions.length === 0) throw new Error(`group ${JSON.stringify(group)} lists no versions`);
      if (groups.some((g) => g.group === group)) throw new Error(`group ${JSON.stringify(group)} listed twice`);
      groups.push({ group, versions: [...versions], preferredVersion: versions[0]! });
      for (const version of versions) this.byGV.set(gvKey(group, version), []);
    }
    this.groupList = groups;

    for (const r of options.resources) {
      const list = this.byGV.get(gvKey(r.group, r.version));
      if (!list) throw new Error(`${r.resource}: group version ${r.apiVersion} is not listed`);
      const gvr = `${gvKey(r.group, r.version)}/${r.resource}`;
      const gvk = `${gvKey(r.group, r.version)}/${r.kind}`;
      if (this.byGVR.has(gvr)) throw new Error(`duplicate resource ${gvr}`);
      if (this.byGVK.has(gvk)) throw new Error(`duplicate kind ${gvk}`);
      this.byGVR.set(gvr, r);
      this.byGVK.set(gvk, r);
      list.push(r);
    }

    const ordered: ResourceInfo[] = [];
    for (const g of groups) {
      for (const v of g.versions) {
        const list = this.byGV.get(gvKey(g.group, v))!;
        if (list.length === 0) throw new Error(`group version ${gvKey(g.group, v)} serves no resources`);
        list.sort((a, b) => (a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : 0));
        ordered.push(...list);
      }
    }
    this.ordered = ordered;
  }

  /** Every served resource at every version, in discovery order. */
  all(): readonly ResourceInfo[] {
    return this.ordered;
  }

  /** The served groups in priority order, each with its versions. */
  groups(): readonly GroupVersions[] {
    return this.groupList;
  }

  /** The version clients get when they name none; undefined for a group not served. */
  preferredVersion(group: string): string | undefined {
    return this.groupList.find((g) => g.group === group)?.preferredVersion;
  }

  /** The resources of one group version, sorted by name; empty when it is not served. */
  resourcesFor(gv: GroupVersion): readonly ResourceInfo[] {
    return this.byGV.get(gvKey(gv.group, gv.version)) ?? [];
  }

  /** Exact lookup by URL coordinates: ('apps', 'v1', 'deployments'). Subresources are not entries. */
  byGroupVersionResource(gvr: GroupVersionResource): ResourceInfo | undefined {
    return this.byGVR.get(`${gvKey(gvr.group, gvr.version)}/${gvr.resource}`);
  }

  /** Exact lookup by an object's type: ('apps', 'v1', 'Deployment'). */
  byGroupVersionKind(gvk: GroupVersionKind): ResourceInfo | undefined {
    return this.byGVK.get(`${gvKey(gvk.group, gvk.version)}/${gvk.kind}`);
  }

  /** Exact lookup by an object's `apiVersion` and `kind` fields. */
  byApiVersionKind(apiVersion: string, kind: string): ResourceInfo | undefined {
    const slash = apiVersion.indexOf('/');
    const group = slash < 0 ? '' : apiVersion.slice(0, slash);
    const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
    return this.byGroupVersionKind({ group, version, kind });
  }

  /**
   * A resource as a user types it on kubectl's command line: plural, singular (or kind, any case)
   * or short name, optionally qualified `.group` or `.version.group`. Plural and singular names
   * win over short names; a short name also matches a group it is a prefix of (`hpa.autoscal`).
   * Without a version, the most preferred version serving the resource. undefined when nothing
   * matches.
   */
  resolve(input: string): ResourceInfo | undefined {
    for (const arg of parseResourceArg(input)) {
      const hit = this.match(arg);
      if (hit) return hit;
    }
    return undefined;
  }

  /**
   * The resources of a category (`all`) at their groups' preferred versions, in discovery order,
   * as `kubectl get all` expands it.
   */
  inCategory(category: string): ResourceInfo[] {
    return this.ordered.filter((r) => r.categories.includes(category) && this.preferredVersion(r.group) === r.version);
  }

  private match(arg: ResourceArg): ResourceInfo | undefined {
    const versionOk = (r: ResourceInfo) => arg.version === undefined || r.version === arg.version;
    const inGroup = this.ordered.filter((r) => (arg.group === undefined || r.group === arg.group) && versionOk(r));
    return (
      inGroup.find((r) => r.resource === arg.name || r.singular === arg.name) ??
      inGroup.find((r) => r.shortNames.includes(arg.name)) ??
      (arg.group === undefined
        ? undefined
        : this.ordered.find((r) => r.group.startsWith(arg.group!) && versionOk(r) && r.shortNames.includes(arg.name)))
    );
  }
}

/** The registry of everything tskube serves. */
export const registry = new ResourceRegistry({ resources: servedResources, groupVersions: servedGroupVersions });
