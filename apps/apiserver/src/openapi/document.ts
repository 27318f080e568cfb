import type { GroupVersion, GroupVersionKind, ResourceInfo } from '@tskube/api-types';
import { groupVersionPaths, type PathItem } from './operations';
import { referencedSchemas, type Schema, type Schemas } from './schema';

/** The OpenAPI v3 document of one group version, as `/openapi/v3/apis/<group>/<version>` serves it. */
export interface GroupVersionDocument {
  openapi: '3.0.0';
  info: { title: 'Kubernetes'; version: string };
  /** Every path of the group version, sorted. */
  paths: Record<string, PathItem>;
  /** Exactly the schemas the paths reach through `$ref`, sorted by name. */
  components: { schemas: Record<string, Schema> };
}

/**
 * Looks up the schema of a kind by the `x-kubernetes-group-version-kind` the schemas carry.
 * Throws when two schemas claim one kind, and, from the returned function, when none does.
 */
export function schemaIndex(schemas: Schemas): (gvk: GroupVersionKind) => string {
  const byGVK = new Map<string, string>();
  for (const [name, schema] of Object.entries(schemas)) {
    const gvks = schema['x-kubernetes-group-version-kind'];
    if (!Array.isArray(gvks)) continue;
    for (const { group, version, kind } of gvks as GroupVersionKind[]) {
      const key = `${group}/${version}/${kind}`;
      const prev = byGVK.get(key);
      if (prev && prev !== name) throw new Error(`schemas ${prev} and ${name} both claim ${key}`);
      byGVK.set(key, name);
    }
  }
  return ({ group, version, kind }) => {
    const name = byGVK.get(`${group}/${version}/${kind}`);
    if (!name) throw new Error(`no schema for ${group ? `${group}/` : ''}${version} ${kind}; run \`npm run openapi\``);
    return name;
  };
}

/**
 * Builds the document of one group version from its resources. Deterministic: the same
 * resources and schemas always give the same document, key for key, so its hash only changes
 * when its content does.
 */
export function groupVersionDocument(
  gv: GroupVersion,
  resources: readonly ResourceInfo[],
  schemas: Schemas,
  schemaOf: (gvk: GroupVersionKind) => string = schemaIndex(schemas),
): GroupVersionDocument {
  const unsorted = groupVersionPaths(gv, resources, schemaOf);
  const paths = Object.fromEntries(Object.keys(unsorted).sort().map((p) => [p, unsorted[p]!]));
  const names = [...referencedSchemas(paths, schemas)].sort();
  return {
    components: { schemas: Object.fromEntries(names.map((n) => [n, schemas[n]!])) },
    info: { title: 'Kubernetes', version: 'unversioned' },
    openapi: '3.0.0',
    paths,
  };
}
