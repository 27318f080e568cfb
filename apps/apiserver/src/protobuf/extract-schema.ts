// Writes proto/k8s.io/**/types.proto from checkouts of Kubernetes' k8s.io/api and
// k8s.io/apimachinery modules: the messages of every kind in schema.ts' protobufKinds (plus
// DeleteOptions and the runtime.Unknown envelope) and everything they reference, with field
// names and numbers from each package's generated.proto and the tskube/gojson.proto options
// from its Go types (pointer or not, omitempty or not, embedded or not). Then regenerates
// descriptor.ts. Run it after adding a kind, or to move to a newer Kubernetes:
//   npx tsx apps/apiserver/src/protobuf/extract-schema.ts <k8s.io/api dir> <k8s.io/apimachinery dir> <release tag>
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileSchema, descriptorFile, protoDir, renderDescriptor } from './generate-descriptor';
import { protobufKinds } from './schema';

interface Package {
  module: 'api' | 'apimachinery';
  /** Directory inside the module. */
  dir: string;
}

/** Every proto package the messages may reference, and where its sources are. */
const packages: Record<string, Package> = {
  ...Object.fromEntries(
    Object.values(protobufKinds).map((gv) => [gv.package, { module: 'api', dir: gv.package.slice('k8s.io.api.'.length).replace('.', '/') }]),
  ),
  'k8s.io.apimachinery.pkg.apis.meta.v1': { module: 'apimachinery', dir: 'pkg/apis/meta/v1' },
  'k8s.io.apimachinery.pkg.runtime': { module: 'apimachinery', dir: 'pkg/runtime' },
  'k8s.io.apimachinery.pkg.runtime.schema': { module: 'apimachinery', dir: 'pkg/runtime/schema' },
  'k8s.io.apimachinery.pkg.api.resource': { module: 'apimachinery', dir: 'pkg/api/resource' },
  'k8s.io.apimachinery.pkg.util.intstr': { module: 'apimachinery', dir: 'pkg/util/intstr' },
};

/** Messages whose Go types write their own JSON, and the form they write (tskube/gojson.proto). */
const marshals: Record<string, string> = {
  'k8s.io.apimachinery.pkg.api.resource.Quantity': 'quantity',
  'k8s.io.apimachinery.pkg.util.intstr.IntOrString': 'int-or-string',
  'k8s.io.apimachinery.pkg.apis.meta.v1.Time': 'time',
  'k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1': 'raw-json',
  'k8s.io.apimachinery.pkg.runtime.RawExtension': 'raw-json',
};

/** Self-marshalling Go types the decoder has no form for yet: reaching one is an error. */
const unsupportedMarshals = new Set(['k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime', 'k8s.io.apimachinery.pkg.apis.meta.v1.Duration']);

/** Envelope messages: read field by field, never turned into JSON, so no Go facts. */
const envelopePackage = 'k8s.io.apimachinery.pkg.runtime';

const scalars = new Set(['string', 'bytes', 'bool', 'int32', 'int64', 'uint32', 'uint64', 'double', 'float', 'sint32', 'sint64', 'fixed32', 'fixed64', 'sfixed32', 'sfixed64']);

/** One field as generated.proto declares it. */
export interface ProtoField {
  label: 'optional' | 'repeated' | 'map';
  keyType?: string;
  type: string;
  name: string;
  id: number;
}

/** What a Go struct field's declaration says about its JSON form. */
export interface GoField {
  /** The JSON name from the tag; empty for an embedded struct. */
  json: string;
  omitempty: boolean;
  /** Embedded without a JSON name (or `,inline`): its fields join the parent object. */
  inline: boolean;
  pointer: boolean;
}

function importPath(pkg: string): string {
  const p = packages[pkg];
  return `k8s.io/${p.module}/${p.dir}`;
}

/** The messages of one generated.proto, by short name, with their fields in declaration order. */
export function parseProto(text: string): Map<string, ProtoField[]> {
  const source = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
  const messages = new Map<string, ProtoField[]>();
  for (const m of source.matchAll(/message\s+(\w+)\s*\{([^}]*)\}/g)) {
    const fields: ProtoField[] = [];
    for (const raw of m[2].split(';')) {
      const line = raw.trim();
      if (!line || /^(reserved|option)\s/.test(line)) continue;
      const map = /^map<\s*(\S+)\s*,\s*(\S+)\s*>\s+(\w+)\s*=\s*(\d+)$/.exec(line);
      if (map) {
        fields.push({ label: 'map', keyType: map[1], type: map[2], name: map[3], id: Number(map[4]) });
        continue;
      }
      const field = /^(optional|repeated)\s+(\S+)\s+(\w+)\s*=\s*(\d+)$/.exec(line);
      if (!field) throw new Error(`message ${m[1]}: cannot read "${line}"`);
      fields.push({ label: field[1] as 'optional' | 'repeated', type: field[2], name: field[3], id: Number(field[4]) });
    }
    messages.set(m[1], fields);
  }
  return messages;
}

/** Go structs' protobuf-tagged fields by proto name, and the named slice types, of one package. */
export function parseGo(sources: string[]): { structs: Map<string, Map<string, GoField>>; slices: Set<string> } {
  const structs = new Map<string, Map<string, GoField>>();
  const slices = new Set<string>();
  for (const source of sources) {
    for (const m of source.matchAll(/^type\s+(\w+)\s+\[\]/gm)) slices.add(m[1]);
    for (const m of source.matchAll(/^type\s+(\w+)\s+struct\s*\{[ \t]*\n([\s\S]*?)^\}/gm)) {
      const fields = new Map<string, GoField>();
      for (const raw of m[2].split('\n')) {
        const line = raw.trim();
        if (line.startsWith('//') || !line.includes('`')) continue;
        const [declaration, rest] = [line.slice(0, line.indexOf('`')), line.slice(line.indexOf('`') + 1, line.lastIndexOf('`'))];
        const protobufTag = /protobuf:"([^"]*)"/.exec(rest);
        if (!protobufTag) continue;
        const words = declaration.trim().split(/\s+/);
        const embedded = words.length === 1;
        const name = /name=(\w+)/.exec(protobufTag[1])?.[1] ?? words[0][0].toLowerCase() + words[0].slice(1);
        const [json, ...flags] = (/json:"([^"]*)"/.exec(rest)?.[1] ?? '').split(',');
        fields.set(name, {
          json,
          omitempty: flags.includes('omitempty'),
          inline: (embedded && json === '') || flags.includes('inline'),
          pointer: words[words.length - 1].startsWith('*'),
        });
      }
      structs.set(m[1], fields);
    }
  }
  return { structs, slices };
}

function extract(apiDir: string, machineryDir: string, release: string): Map<string, string> {
  const protos = new Map<string, ProtoField[]>();
  const go = new Map<string, ReturnType<typeof parseGo>>();
  for (const [pkg, p] of Object.entries(packages)) {
    const dir = join(p.module === 'api' ? apiDir : machineryDir, p.dir);
    for (const [name, fields] of parseProto(readFileSync(join(dir, 'generated.proto'), 'utf8'))) protos.set(`${pkg}.${name}`, fields);
    const goFiles = readdirSync(dir).filter((f) => f.endsWith('.go') && !f.endsWith('_test.go') && !f.includes('generated'));
    go.set(pkg, parseGo(goFiles.map((f) => readFileSync(join(dir, f), 'utf8'))));
  }
  const resolve = (type: string, pkg: string) => (scalars.has(type) ? type : type.startsWith('.') ? type.slice(1) : `${pkg}.${type}`);
  const split = (full: string) => [full.slice(0, full.lastIndexOf('.')), full.slice(full.lastIndexOf('.') + 1)];

  // The closure, in the order messages are first reached.
  const order: string[] = [];
  const visit = (full: string): void => {
    if (order.includes(full)) return;
    if (unsupportedMarshals.has(full)) throw new Error(`${full} is reached but the decoder has no JSON form for it`);
    const fields = protos.get(full);
    if (!fields) throw new Error(`${full} is referenced but not in the packages read`);
    order.push(full);
    if (marshals[full]) return;
    const [pkg] = split(full);
    for (const f of fields) if (!scalars.has(f.type)) visit(resolve(f.type, pkg));
  };
  const roots = [
    ...Object.values(protobufKinds).flatMap((gv) => gv.kinds.map((k) => `${gv.package}.${k}`)),
    'k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions',
    `${envelopePackage}.Unknown`,
  ];
  roots.forEach(visit);

  const blocks = new Map<string, string[]>();
  const imports = new Map<string, Set<string>>();
  for (const full of order) {
    const [pkg, name] = split(full);
    const { structs, slices } = go.get(pkg)!;
    const lines = [`message ${name} {`];
    const marshal = marshals[full] ?? (slices.has(name) ? 'items' : undefined);
    if (marshal) lines.push(`  option (tskube.gojson.marshal) = "${marshal}";`);
    const goFields = marshal || pkg === envelopePackage ? undefined : structs.get(name);
    if (!marshal && pkg !== envelopePackage && !goFields) throw new Error(`${full}: no Go struct`);
    for (const f of protos.get(full)!) {
      const options: string[] = [];
      if (goFields) {
        const g = goFields.get(f.name);
        if (!g) throw new Error(`${full}.${f.name}: no Go field`);
        if (g.json && g.json !== f.name) options.push(`json_name = "${g.json}"`);
        if (g.inline) options.push('(tskube.gojson.inline) = true');
        else {
          if (g.pointer) options.push('(tskube.gojson.pointer) = true');
          if (!g.omitempty) options.push('(tskube.gojson.keep_empty) = true');
        }
      }
      const target = resolve(f.type, pkg);
      if (!scalars.has(target) && split(target)[0] !== pkg) {
        if (!imports.has(pkg)) imports.set(pkg, new Set());
        imports.get(pkg)!.add(split(target)[0]);
      }
      const type = scalars.has(target) ? target : split(target)[0] === pkg ? split(target)[1] : target;
      const suffix = options.length ? ` [${options.join(', ')}]` : '';
      lines.push(f.label === 'map' ? `  map<${f.keyType}, ${type}> ${f.name} = ${f.id}${suffix};` : `  ${f.label} ${type} ${f.name} = ${f.id}${suffix};`);
    }
    lines.push('}');
    if (!blocks.has(pkg)) blocks.set(pkg, []);
    blocks.get(pkg)!.push(lines.join('\n'));
  }

  const files = new Map<string, string>();
  for (const [pkg, list] of blocks) {
    const deps = [...(imports.get(pkg) ?? [])].map((p) => `${importPath(p)}/types.proto`).sort();
    if (list.some((b) => b.includes('tskube.gojson'))) deps.unshift('tskube/gojson.proto');
    const module = packages[pkg].module;
    const header = [
      `// Generated by extract-schema.ts from k8s.io/${module} ${release} (${packages[pkg].dir}: generated.proto`,
      '// and the Go types): the messages tskube decodes from protobuf bodies and all they reference.',
      "// Field names and numbers are Kubernetes'; the tskube.gojson options carry the Go facts that",
      '// decide the JSON form (see tskube/gojson.proto). Regenerate rather than edit.',
      '',
      'syntax = "proto2";',
      '',
      `package ${pkg};`,
      '',
      ...deps.map((d) => `import "${d}";`),
      ...(deps.length ? [''] : []),
    ];
    files.set(`${importPath(pkg)}/types.proto`, `${header.join('\n')}\n${list.join('\n\n')}\n`);
  }
  return files;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [apiDir, machineryDir, release] = process.argv.slice(2);
  if (!apiDir || !machineryDir || !release) {
    console.error('usage: extract-schema.ts <k8s.io/api dir> <k8s.io/apimachinery dir> <release tag>');
    process.exit(2);
  }
  const files = extract(apiDir, machineryDir, release);
  rmSync(join(protoDir, 'k8s.io'), { recursive: true, force: true });
  for (const [path, text] of files) {
    mkdirSync(dirname(join(protoDir, path)), { recursive: true });
    writeFileSync(join(protoDir, path), text);
  }
  writeFileSync(descriptorFile, renderDescriptor(compileSchema()));
  console.log(`wrote ${files.size} .proto files and descriptor.ts`);
}
