import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { messages } from './descriptor';
import { compileSchema, descriptorFile, renderDescriptor } from './generate-descriptor';
import { messageType, protobufKinds } from './schema';

const fieldOptions = new Set(['(tskube.gojson.pointer)', '(tskube.gojson.keep_empty)', '(tskube.gojson.inline)', 'json_name']);
const marshals = new Set(['quantity', 'int-or-string', 'time', 'raw-json', 'items']);

describe('descriptor', () => {
  it('is what the .proto files compile to (run generate-descriptor.ts after editing them)', () => {
    expect(readFileSync(descriptorFile, 'utf8')).toBe(renderDescriptor(compileSchema()));
  });

  it('uses only the options the decoder reads', () => {
    for (const [name, type] of Object.entries(messages)) {
      for (const key of Object.keys(type.options ?? {})) expect(`${name}: ${key}`).toBe(`${name}: (tskube.gojson.marshal)`);
      const marshal = type.options?.['(tskube.gojson.marshal)'] as string | undefined;
      if (marshal !== undefined) expect(marshals, name).toContain(marshal);
      for (const [field, f] of Object.entries(type.fields)) {
        for (const key of Object.keys(f.options ?? {})) expect(fieldOptions, `${name}.${field}`).toContain(key);
      }
    }
  });

  it('resolves every type reference', () => {
    for (const name of Object.keys(messages)) {
      const type = messageType(name);
      for (const field of type.fieldsArray) {
        if (field.options?.['(tskube.gojson.inline)']) expect(field.resolvedType, field.fullName).toBeTruthy();
      }
    }
  });

  it.each(Object.entries(protobufKinds).flatMap(([gv, { package: pkg, kinds }]) => kinds.map((kind) => ({ gv, kind, name: `${pkg}.${kind}` }))))(
    'holds $gv $kind',
    ({ name }) => {
      expect(messageType(name).fields.metadata, `${name}.metadata`).toBeDefined();
    },
  );
});
