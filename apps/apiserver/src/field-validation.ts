import type { GroupVersionKind } from '@tskube/api-types';
import generated from './openapi/generated/schemas.json';
import { REF_PREFIX, schemaIndex, type Schema, type Schemas } from './openapi';

const schemas = generated as unknown as Schemas;
let findSchema: ((gvk: GroupVersionKind) => string) | undefined;

/**
 * Field paths in `obj` that the kind's schema does not declare (`spec.template.spec.foo`,
 * `spec.containers[0].bogus`), as strict field validation reports them. The schemas are the ones
 * OpenAPI serves, so the server and kubectl agree on what a field is. Kinds without a schema have
 * no unknown fields.
 */
export function unknownFields(gvk: GroupVersionKind, obj: Record<string, unknown>): string[] {
  findSchema ??= schemaIndex(schemas);
  let name: string;
  try {
    name = findSchema(gvk);
  } catch {
    return [];
  }
  const out: string[] = [];
  walk(schemas[name], obj, '', out);
  return out;
}

function resolve(schema: Schema | undefined): Schema | undefined {
  let s = schema;
  for (let i = 0; s && i < 10; i++) {
    const ref = s.$ref as string | undefined;
    if (ref) {
      s = schemas[ref.slice(REF_PREFIX.length)];
      continue;
    }
    const allOf = s.allOf as Schema[] | undefined;
    if (allOf?.length === 1 && !s.properties) {
      s = allOf[0];
      continue;
    }
    return s;
  }
  return s;
}

function walk(schema: Schema | undefined, value: unknown, path: string, out: string[]): void {
  const s = resolve(schema);
  if (!s || value === null || typeof value !== 'object') return;
  if (s['x-kubernetes-preserve-unknown-fields'] === true) return;
  if (Array.isArray(value)) {
    const items = s.items as Schema | undefined;
    if (!items) return;
    value.forEach((v, i) => walk(items, v, `${path}[${i}]`, out));
    return;
  }
  const properties = s.properties as Record<string, Schema> | undefined;
  const additional = s.additionalProperties as Schema | boolean | undefined;
  if (!properties) {
    if (additional && typeof additional === 'object') {
      for (const [k, v] of Object.entries(value)) walk(additional, v, path ? `${path}.${k}` : k, out);
    }
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    const child = path ? `${path}.${k}` : k;
    const prop = properties[k];
    if (!prop) {
      out.push(child);
      continue;
    }
    walk(prop, v, child, out);
  }
}
