/**
 * The parts of OpenAPI v3 the apiserver publishes, typed as loosely as the documents are: a schema
 * is a JSON object whose keys this code reads by name (`$ref`, `properties`, `items`, ...).
 */

/** One schema object: `type`, `properties`, `$ref`, `allOf` and the `x-kubernetes-*` extensions. */
export type Schema = { [key: string]: unknown };

/** components.schemas: schema name (`io.k8s.api.core.v1.Pod`) → schema. */
export type Schemas = Readonly<Record<string, Schema>>;

/** Where a `$ref` points: `#/components/schemas/<name>`. */
export const REF_PREFIX = '#/components/schemas/';

/** `{ $ref }` for a named schema. */
export function ref(name: string): { $ref: string } {
  return { $ref: REF_PREFIX + name };
}

/**
 * Every schema name `value` refers to, directly or through the schemas it refers to, in
 * `schemas`. Throws when a reference names a schema that is not there: a document with a
 * dangling `$ref` breaks kubectl's explain and strategic merge patch.
 */
export function referencedSchemas(value: unknown, schemas: Schemas): Set<string> {
  const found = new Set<string>();
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const v = pending.pop();
    if (Array.isArray(v)) {
      pending.push(...v);
    } else if (v && typeof v === 'object') {
      for (const [key, child] of Object.entries(v)) {
        if (key === '$ref' && typeof child === 'string') {
          if (!child.startsWith(REF_PREFIX)) throw new Error(`unsupported $ref ${child}`);
          const name = child.slice(REF_PREFIX.length);
          if (found.has(name)) continue;
          const target = schemas[name];
          if (!target) throw new Error(`$ref to unknown schema ${name}`);
          found.add(name);
          pending.push(target);
        } else {
          pending.push(child);
        }
      }
    }
  }
  return found;
}
