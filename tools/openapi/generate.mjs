#!/usr/bin/env node
// `npm run openapi`: regenerates apps/apiserver/src/openapi/generated/schemas.json, the OpenAPI v3
// schemas of every kind the apiserver serves, from the project's own wire types (libs/api-types,
// which are the `kubernetes-types` declarations plus what that package lacks). The TypeScript
// compiler reads the declarations; names, descriptions, properties, required fields and
// group-version-kinds come from them. What TypeScript cannot say (Go integer widths, byte
// strings, list merge keys and list/map types) comes from the tables beside this file.
// Deterministic: sorted keys, one schema per line, no timestamps. `--output <dir>` writes below
// <dir> instead of the repository root (tools/openapi/check.mjs uses it).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { FORMATS } from './formats.mjs';
import { LIST_EXTENSIONS, TYPE_EXTENSIONS } from './list-extensions.mjs';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const OUTPUT = 'apps/apiserver/src/openapi/generated/schemas.json';

const TYPES_DIR = 'libs/api-types/src/types';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const REF_PREFIX = '#/components/schemas/';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

/** Where Kubernetes publishes the types of each `kubernetes-types` module; the rest are `io.k8s.api.<group>.<version>`. */
const PACKAGE_OF_MODULE = {
  'meta/v1': META,
  'api/resource': 'io.k8s.apimachinery.pkg.api.resource',
  runtime: 'io.k8s.apimachinery.pkg.runtime',
  version: 'io.k8s.apimachinery.pkg.version',
  'apiextensions/v1': 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1',
};

/**
 * The package's `type X = string` aliases, which Kubernetes publishes as named schemas of their
 * own. Quantity takes a number too: Kubernetes' v3 documents say so with `oneOf`.
 */
const NAMED_SCALARS = {
  [`${META}.Time`]: { type: 'string', format: 'date-time' },
  [`${META}.MicroTime`]: { type: 'string', format: 'date-time' },
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { oneOf: [{ type: 'string' }, { type: 'number' }] },
};

/** `number | string` in the package is Go's intstr.IntOrString, a named schema in Kubernetes. */
const INT_OR_STRING_SCHEMA = {
  description:
    'IntOrString holds either a 32-bit integer or a string; in JSON and YAML it is written as whichever of the two it holds, so one field can take a port number or a port name.',
  format: 'int-or-string',
  oneOf: [{ type: 'integer' }, { type: 'string' }],
};

/** Meta kinds every document references, besides the served kinds and their lists. */
const META_ROOTS = ['APIResourceList', 'DeleteOptions', 'Patch', 'Status', 'WatchEvent'];

/** Meta kinds registered in every served group version, as Kubernetes registers them. */
const KINDS_IN_EVERY_GROUP = new Set(['DeleteOptions', 'WatchEvent']);
/** Meta kinds registered only in the core group. */
const CORE_ONLY_KINDS = new Set(['APIResourceList', 'Status']);

/** Builds the schemas: name → OpenAPI v3 schema object, keys sorted. Throws on anything it cannot represent. */
export function generateSchemas() {
  const program = ts.createProgram({
    rootNames: [join(root, TYPES_DIR, 'index.ts')],
    options: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: [],
    },
  });
  const checker = program.getTypeChecker();
  const names = nameDeclarations(program, checker);
  const nameOf = (decl) => {
    const name = names.get(decl);
    if (!name) throw new Error(`${where(decl)}: ${decl.name.text} is not exported from a known package module`);
    return name;
  };

  const kindsFile = program.getSourceFile(join(root, TYPES_DIR, 'kinds.ts'));
  const kindMap = kindsFile.statements.find((s) => ts.isInterfaceDeclaration(s) && s.name.text === 'KindMap');
  if (!kindMap) throw new Error(`${TYPES_DIR}/kinds.ts: no KindMap interface`);

  const queue = [];
  const seen = new Map();
  const enqueue = (decl) => {
    const name = nameOf(decl);
    const prev = seen.get(name);
    if (prev && prev !== decl) throw new Error(`${name} is declared twice: ${where(prev)} and ${where(decl)}`);
    if (!prev) {
      seen.set(name, decl);
      queue.push(decl);
    }
    return name;
  };

  // The served kinds, as KindMap lists them, each with its list kind when the package declares one.
  const servedGVs = new Set(['/v1']);
  for (const versionMember of kindMap.members) {
    const apiVersion = propertyName(versionMember);
    const slash = apiVersion.indexOf('/');
    servedGVs.add(slash < 0 ? `/${apiVersion}` : apiVersion);
    for (const kindMember of versionMember.type.members) {
      const decl = resolveReference(checker, kindMember.type);
      enqueue(decl);
      const list = siblingExport(checker, decl, `${decl.name.text}List`);
      if (list) enqueue(list);
    }
  }
  const metaModule = program.getSourceFile(join(root, 'node_modules/kubernetes-types/meta/v1.d.ts'));
  for (const kind of META_ROOTS) {
    const decl = metaModule.statements.find((s) => (ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s)) && s.name.text === kind);
    if (!decl) throw new Error(`kubernetes-types/meta/v1 declares no ${kind}`);
    enqueue(decl);
  }

  const schemas = { [INT_OR_STRING]: INT_OR_STRING_SCHEMA };
  const converter = new Converter(checker, (decl) => enqueue(decl));
  while (queue.length > 0) {
    const decl = queue.shift();
    const name = nameOf(decl);
    schemas[name] = converter.declaration(decl, name);
  }

  const everyGroup = [...servedGVs].map((gv) => gv.split('/')).sort(([g1, v1], [g2, v2]) => cmp(g1, g2) || cmp(v1, v2));
  for (const kind of KINDS_IN_EVERY_GROUP) {
    schemas[`${META}.${kind}`]['x-kubernetes-group-version-kind'] = everyGroup.map(([group, version]) => ({ group, kind, version }));
  }
  for (const kind of CORE_ONLY_KINDS) {
    schemas[`${META}.${kind}`]['x-kubernetes-group-version-kind'] = [{ group: '', kind, version: 'v1' }];
  }

  applyTables(schemas, names);
  return sortKeys(schemas);
}

/**
 * Names every exported declaration as Kubernetes names its schema: the package's modules first,
 * then the project's modules (`corev1.ts`, `networkingv1.ts`, `metav1.ts`), whose exports, and
 * re-exports from other modules, belong to the group version their file names. That makes the
 * networking.k8s.io/v1 IPAddressSpec, which the project borrows from the package's v1alpha1, an
 * `io.k8s.api.networking.v1` schema, as Kubernetes 1.33 publishes it.
 */
function nameDeclarations(program, checker) {
  const names = new Map();
  const pkgRoot = join(root, 'node_modules/kubernetes-types') + sep;
  const projectRoot = join(root, TYPES_DIR) + sep;
  const project = [];
  for (const file of program.getSourceFiles()) {
    const path = resolve(file.fileName);
    if (path.startsWith(pkgRoot)) {
      const module = relative(pkgRoot, path).replace(/\.d\.ts$/, '').split(sep).join('/');
      const pkg = PACKAGE_OF_MODULE[module] ?? `io.k8s.api.${module.replace('/', '.')}`;
      for (const s of file.statements) {
        if ((ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s)) && isExported(s)) names.set(s, `${pkg}.${s.name.text}`);
      }
    } else if (path.startsWith(projectRoot)) {
      const m = /^([a-z]+?)(v\d+(?:(?:alpha|beta)\d+)?)\.ts$/.exec(relative(projectRoot, path));
      if (m) project.push({ file, pkg: m[1] === 'meta' ? META : `io.k8s.api.${m[1]}.${m[2]}` });
    }
  }
  for (const { file, pkg } of project) {
    const moduleSymbol = checker.getSymbolAtLocation(file);
    if (!moduleSymbol) continue;
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      for (const decl of symbol.declarations ?? []) {
        if (ts.isInterfaceDeclaration(decl) || ts.isTypeAliasDeclaration(decl)) names.set(decl, `${pkg}.${exported.name}`);
      }
    }
  }
  return names;
}

/** Turns declarations and type nodes into schemas; `reference(decl)` records a named schema and returns its name. */
class Converter {
  constructor(checker, reference) {
    this.checker = checker;
    this.reference = reference;
  }

  declaration(decl, name) {
    if (NAMED_SCALARS[name]) return { description: this.doc(decl.name), ...NAMED_SCALARS[name] };
    if (!ts.isInterfaceDeclaration(decl)) throw new Error(`${where(decl)}: ${name} is a type alias with no known schema`);
    if (decl.heritageClauses?.length) throw new Error(`${where(decl)}: ${name} extends another interface, which the generator does not flatten`);
    if (decl.typeParameters?.length) throw new Error(`${where(decl)}: ${name} is generic`);
    const schema = { description: this.doc(decl.name), type: 'object' };
    const { properties, required } = this.members(decl.members, name);
    if (Object.keys(properties).length > 0) schema.properties = properties;
    if (required.length > 0) schema.required = required;
    const gvk = groupVersionKind(decl);
    if (gvk) schema['x-kubernetes-group-version-kind'] = [gvk];
    if (!schema.description) delete schema.description;
    return schema;
  }

  members(members, owner) {
    const properties = {};
    const required = [];
    for (const m of members) {
      if (ts.isIndexSignatureDeclaration(m)) throw new Error(`${where(m)}: ${owner} mixes properties and an index signature`);
      if (!ts.isPropertySignature(m) || !m.type) throw new Error(`${where(m)}: ${owner} has a member that is not a typed property`);
      const name = propertyName(m);
      const at = `${owner}.${name}`;
      // Kubernetes publishes apiVersion and kind as plain strings, though each kind fixes them.
      const schema = name === 'apiVersion' || name === 'kind' ? { type: 'string' } : this.type(m.type, at);
      const description = this.doc(m.name);
      properties[name] = description ? withDescription(schema, description) : schema;
      if (!m.questionToken) required.push(name);
    }
    return { properties, required };
  }

  type(node, at) {
    switch (node.kind) {
      case ts.SyntaxKind.StringKeyword:
        return { type: 'string' };
      case ts.SyntaxKind.BooleanKeyword:
        return { type: 'boolean' };
      // Every number on the wire of the served kinds is a Go integer; FORMATS names the int64 ones.
      case ts.SyntaxKind.NumberKeyword:
        return { type: 'integer', format: 'int32' };
      case ts.SyntaxKind.UnknownKeyword:
      case ts.SyntaxKind.AnyKeyword:
        return {};
      case ts.SyntaxKind.ParenthesizedType:
        return this.type(node.type, at);
      case ts.SyntaxKind.ArrayType:
        return { type: 'array', items: this.type(node.elementType, `${at}[]`) };
      case ts.SyntaxKind.LiteralType:
        return this.literals([node], at);
      case ts.SyntaxKind.UnionType:
        return this.union(node, at);
      case ts.SyntaxKind.TypeLiteral:
        return this.typeLiteral(node, at);
      case ts.SyntaxKind.TypeReference: {
        const id = node.typeName;
        if (ts.isIdentifier(id) && (id.text === 'Array' || id.text === 'ReadonlyArray') && node.typeArguments?.length === 1) {
          return { type: 'array', items: this.type(node.typeArguments[0], `${at}[]`) };
        }
        if (ts.isIdentifier(id) && id.text === 'Record' && node.typeArguments?.length === 2) {
          return { type: 'object', additionalProperties: this.type(node.typeArguments[1], `${at}{}`) };
        }
        const decl = resolveReference(this.checker, node);
        // The project's own aliases (unions of literals) are written out in place.
        if (ts.isTypeAliasDeclaration(decl) && !decl.getSourceFile().isDeclarationFile) return this.type(decl.type, at);
        return { $ref: REF_PREFIX + this.reference(decl) };
      }
      default:
        throw new Error(`${where(node)}: ${at}: cannot represent \`${node.getText()}\``);
    }
  }

  union(node, at) {
    const parts = node.types.filter((t) => t.kind !== ts.SyntaxKind.UndefinedKeyword && !(ts.isLiteralTypeNode(t) && t.literal.kind === ts.SyntaxKind.NullKeyword));
    if (parts.length === 1) return this.type(parts[0], at);
    const kinds = new Set(parts.map((t) => t.kind));
    if (kinds.size === 2 && kinds.has(ts.SyntaxKind.NumberKeyword) && kinds.has(ts.SyntaxKind.StringKeyword)) return { $ref: REF_PREFIX + INT_OR_STRING };
    if (parts.every(ts.isLiteralTypeNode)) return this.literals(parts, at);
    throw new Error(`${where(node)}: ${at}: cannot represent the union \`${node.getText()}\``);
  }

  literals(nodes, at) {
    const values = nodes.map((n) => {
      if (ts.isStringLiteral(n.literal)) return n.literal.text;
      throw new Error(`${where(n)}: ${at}: only string literals become enums`);
    });
    return { type: 'string', enum: values };
  }

  typeLiteral(node, at) {
    const [index, ...rest] = node.members;
    if (index && rest.length === 0 && ts.isIndexSignatureDeclaration(index)) {
      return { type: 'object', additionalProperties: this.type(index.type, `${at}{}`) };
    }
    const { properties, required } = this.members(node.members, at);
    const schema = { type: 'object', properties };
    if (required.length > 0) schema.required = required;
    return schema;
  }

  /** The JSDoc of the declaration a name belongs to, as Kubernetes writes descriptions: paragraphs split by blank lines. */
  doc(nameNode) {
    const symbol = this.checker.getSymbolAtLocation(nameNode);
    if (!symbol) return '';
    return ts.displayPartsToString(symbol.getDocumentationComment(this.checker)).trim();
  }
}

/** A `$ref` cannot carry a description beside it in OpenAPI 3.0, so Kubernetes wraps it in `allOf`. */
function withDescription(schema, description) {
  if (schema.$ref) return { allOf: [{ $ref: schema.$ref }], description };
  return { ...schema, description };
}

/** `{group, kind, version}` when the interface fixes apiVersion and kind to literals, as every served kind does. */
function groupVersionKind(decl) {
  const literal = (prop) => {
    const m = decl.members.find((x) => ts.isPropertySignature(x) && x.name && propertyName(x) === prop);
    const t = m?.type;
    return t && ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal) ? t.literal.text : undefined;
  };
  const apiVersion = literal('apiVersion');
  const kind = literal('kind');
  if (!apiVersion || !kind) return undefined;
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', kind, version: apiVersion } : { group: apiVersion.slice(0, slash), kind, version: apiVersion.slice(slash + 1) };
}

/** The interface or alias a type reference names, through imports and namespace-qualified names. */
function resolveReference(checker, node) {
  if (!ts.isTypeReferenceNode(node)) throw new Error(`${where(node)}: expected a type name, found \`${node.getText()}\``);
  let symbol = checker.getSymbolAtLocation(node.typeName);
  if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  const decl = symbol?.declarations?.find((d) => ts.isInterfaceDeclaration(d) || ts.isTypeAliasDeclaration(d));
  if (!decl) throw new Error(`${where(node)}: cannot resolve \`${node.getText()}\``);
  return decl;
}

/** An interface of the same module as `decl` by name (`PodList` beside `Pod`), if there is one. */
function siblingExport(checker, decl, name) {
  const file = decl.getSourceFile();
  const moduleSymbol = checker.getSymbolAtLocation(file);
  const symbol = moduleSymbol && checker.getExportsOfModule(moduleSymbol).find((s) => s.name === name);
  const target = symbol && symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  return target?.declarations?.find(ts.isInterfaceDeclaration);
}

/**
 * Adds what the tables know: integer widths and byte strings (FORMATS), list and map semantics
 * for strategic merge patch and server-side apply (LIST_EXTENSIONS, TYPE_EXTENSIONS). An entry
 * that names a property a generated schema lacks is an error, so the tables cannot rot silently;
 * entries for schemas no served kind reaches are skipped, but must name a declared type.
 */
function applyTables(schemas, names) {
  const declared = new Set(names.values());
  const lookup = (table, schemaName, field) => {
    if (!declared.has(schemaName) && !schemas[schemaName]) throw new Error(`${table}: no type ${schemaName}`);
    const schema = schemas[schemaName];
    if (!schema) return undefined;
    if (field === undefined) return schema;
    const prop = schema.properties?.[field];
    if (!prop) throw new Error(`${table}: ${schemaName} has no property ${field}`);
    return prop;
  };

  for (const [schemaName, fields] of Object.entries(FORMATS)) {
    for (const [field, format] of Object.entries(fields)) {
      const prop = lookup('FORMATS', schemaName, field);
      if (!prop) continue;
      const target = prop.type === 'array' ? prop.items : prop.type === 'object' && prop.additionalProperties ? prop.additionalProperties : prop;
      const want = format === 'byte' ? 'string' : 'integer';
      if (target.type !== want) throw new Error(`FORMATS: ${schemaName}.${field} is not a ${want}`);
      target.format = format;
    }
  }

  for (const [schemaName, fields] of Object.entries(LIST_EXTENSIONS)) {
    for (const [field, ext] of Object.entries(fields)) {
      const prop = lookup('LIST_EXTENSIONS', schemaName, field);
      if (!prop) continue;
      if (ext.listType || ext.mergeKey) {
        if (prop.type !== 'array') throw new Error(`LIST_EXTENSIONS: ${schemaName}.${field} is not a list`);
      }
      if (ext.listType) prop['x-kubernetes-list-type'] = ext.listType;
      if (ext.mapKeys) prop['x-kubernetes-list-map-keys'] = ext.mapKeys;
      if (ext.mapType) prop['x-kubernetes-map-type'] = ext.mapType;
      if (ext.mergeKey) prop['x-kubernetes-patch-merge-key'] = ext.mergeKey;
      if (ext.strategy) prop['x-kubernetes-patch-strategy'] = ext.strategy;
    }
  }

  for (const [schemaName, ext] of Object.entries(TYPE_EXTENSIONS)) {
    const schema = lookup('TYPE_EXTENSIONS', schemaName);
    if (schema) schema['x-kubernetes-map-type'] = ext.mapType;
  }
}

/** The file's text: one schema per line, so a change to one type is a one-line diff. */
export function render(schemas) {
  const lines = Object.entries(schemas).map(([name, schema]) => `${JSON.stringify(name)}:${JSON.stringify(schema)}`);
  return `{\n${lines.join(',\n')}\n}\n`;
}

function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort(cmp)
        .map((k) => [k, sortKeys(value[k])]),
    );
  }
  return value;
}

function cmp(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

function propertyName(member) {
  const n = member.name;
  if (ts.isIdentifier(n) || ts.isStringLiteral(n)) return n.text;
  throw new Error(`${where(member)}: unsupported property name`);
}

function isExported(statement) {
  return statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false;
}

function where(node) {
  const file = node.getSourceFile();
  const { line } = file.getLineAndCharacterOfPosition(node.getStart());
  return `${relative(root, file.fileName)}:${line + 1}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--output');
  const base = at >= 0 ? args[at + 1] : root;
  if (at >= 0 && !base) {
    console.error('usage: generate.mjs [--output <dir>]');
    process.exit(2);
  }
  const schemas = generateSchemas();
  const text = render(schemas);
  const out = join(base, OUTPUT);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
  console.log(`openapi: ${Object.keys(schemas).length} schemas, ${(Buffer.byteLength(text) / 1024).toFixed(0)} KiB → ${out.startsWith(root + sep) ? relative(root, out) : out}`);
}
