import { describe, expect, it } from 'vitest';
import generated from './generated/schemas.json';
import { referencedSchemas, type Schema, type Schemas } from './schema';

const schemas = generated as unknown as Schemas;
const prop = (schema: string, field: string) => (schemas[schema]!.properties as Record<string, Schema>)[field]!;

describe('referencedSchemas', () => {
  const table: Schemas = {
    A: { properties: { b: { $ref: '#/components/schemas/B' } } },
    B: { items: { allOf: [{ $ref: '#/components/schemas/C' }] } },
    C: { properties: { self: { $ref: '#/components/schemas/C' } } },
    D: {},
  };

  it.each([
    { name: 'follows references through schemas, allOf and cycles', input: { $ref: '#/components/schemas/A' }, want: ['A', 'B', 'C'] },
    { name: 'finds references anywhere in a value', input: [{ x: { $ref: '#/components/schemas/C' } }], want: ['C'] },
    { name: 'finds nothing in a value without references', input: { type: 'string' }, want: [] },
  ])('$name', ({ input, want }) => {
    expect([...referencedSchemas(input, table)].sort()).toEqual(want);
  });

  it('refuses a dangling reference', () => {
    expect(() => referencedSchemas({ $ref: '#/components/schemas/Nope' }, table)).toThrow(/unknown schema Nope/);
  });

  it('refuses a reference outside components.schemas', () => {
    expect(() => referencedSchemas({ $ref: 'other.json#/x' }, table)).toThrow(/unsupported \$ref/);
  });

  it('the generated schemas reference only schemas they hold', () => {
    expect(() => referencedSchemas(schemas, schemas)).not.toThrow();
  });
});

describe('generated schemas', () => {
  it.each([
    {
      name: 'IntOrString is an integer or a string',
      schema: 'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
      want: { format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }] },
    },
    { name: 'Quantity is a string or a number', schema: 'io.k8s.apimachinery.pkg.api.resource.Quantity', want: { oneOf: [{ type: 'string' }, { type: 'number' }] } },
    { name: 'Time is an RFC 3339 string', schema: 'io.k8s.apimachinery.pkg.apis.meta.v1.Time', want: { type: 'string', format: 'date-time' } },
    { name: 'MicroTime is an RFC 3339 string', schema: 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime', want: { type: 'string', format: 'date-time' } },
    { name: 'RawExtension is any object', schema: 'io.k8s.apimachinery.pkg.runtime.RawExtension', want: { type: 'object' } },
  ])('$name', ({ schema, want }) => {
    expect(schemas[schema]).toMatchObject(want);
    expect(schemas[schema]!.description).toEqual(expect.any(String));
  });

  it.each([
    { name: 'an int-or-string field refers to IntOrString', schema: 'io.k8s.api.core.v1.ServicePort', field: 'targetPort', ref: 'io.k8s.apimachinery.pkg.util.intstr.IntOrString' },
    { name: 'a timestamp refers to Time', schema: 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', field: 'creationTimestamp', ref: 'io.k8s.apimachinery.pkg.apis.meta.v1.Time' },
  ])('$name', ({ schema, field, ref }) => {
    expect(prop(schema, field).allOf).toEqual([{ $ref: `#/components/schemas/${ref}` }]);
  });

  it.each([
    { schema: 'io.k8s.api.core.v1.ContainerPort', field: 'containerPort', want: { type: 'integer', format: 'int32' } },
    { schema: 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', field: 'generation', want: { type: 'integer', format: 'int64' } },
    { schema: 'io.k8s.api.core.v1.PodSpec', field: 'terminationGracePeriodSeconds', want: { type: 'integer', format: 'int64' } },
    { schema: 'io.k8s.api.core.v1.PodSecurityContext', field: 'supplementalGroups', want: { type: 'array', items: { type: 'integer', format: 'int64' } } },
    { schema: 'io.k8s.api.core.v1.Secret', field: 'data', want: { type: 'object', additionalProperties: { type: 'string', format: 'byte' } } },
    { schema: 'io.k8s.api.core.v1.ConfigMap', field: 'data', want: { type: 'object', additionalProperties: { type: 'string' } } },
    { schema: 'io.k8s.api.core.v1.Container', field: 'command', want: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'atomic' } },
    { schema: 'io.k8s.api.core.v1.Pod', field: 'apiVersion', want: { type: 'string' } },
  ])('$schema.$field', ({ schema, field, want }) => {
    expect(prop(schema, field)).toMatchObject(want);
  });

  it('required fields come from the non-optional properties', () => {
    expect(schemas['io.k8s.api.core.v1.Container']!.required).toEqual(['name']);
    expect(schemas['io.k8s.api.core.v1.PodList']!.required).toEqual(['items']);
    expect(schemas['io.k8s.api.core.v1.Pod']!.required).toBeUndefined();
  });

  it('kinds the project adds to the package are named in their served group version', () => {
    expect(schemas['io.k8s.api.networking.v1.IPAddress']!['x-kubernetes-group-version-kind']).toEqual([
      { group: 'networking.k8s.io', kind: 'IPAddress', version: 'v1' },
    ]);
    // Undescribed, so a bare reference rather than one wrapped in allOf.
    expect(prop('io.k8s.api.networking.v1.IPAddress', 'spec')).toEqual({ $ref: '#/components/schemas/io.k8s.api.networking.v1.IPAddressSpec' });
    expect(Object.keys(schemas).filter((n) => n.includes('v1alpha1'))).toEqual([]);
    expect(schemas['io.k8s.api.core.v1.PodExecOptions']!['x-kubernetes-group-version-kind']).toEqual([{ group: '', kind: 'PodExecOptions', version: 'v1' }]);
  });

  it('meta kinds carry the group-version-kinds Kubernetes registers them under', () => {
    expect(schemas['io.k8s.apimachinery.pkg.apis.meta.v1.Status']!['x-kubernetes-group-version-kind']).toEqual([{ group: '', kind: 'Status', version: 'v1' }]);
    expect(schemas['io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions']!['x-kubernetes-group-version-kind']).toContainEqual({
      group: 'apps',
      kind: 'DeleteOptions',
      version: 'v1',
    });
  });

  it('atomic structs say so', () => {
    expect(schemas['io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector']!['x-kubernetes-map-type']).toBe('atomic');
    expect(schemas['io.k8s.api.core.v1.ObjectReference']!['x-kubernetes-map-type']).toBe('atomic');
  });

  it('names are sorted, so the file is deterministic', () => {
    const names = Object.keys(schemas);
    expect(names).toEqual([...names].sort());
  });
});
