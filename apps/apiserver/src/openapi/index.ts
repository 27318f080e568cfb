/**
 * OpenAPI v3 as kube-apiserver serves it: `/openapi/v3` lists one document per group version,
 * each at a URL that carries the hash of its content, and `/openapi/v3/api/v1`,
 * `/openapi/v3/apis/<group>/<version>` serve the documents. Paths come from the resource
 * registry, schemas from `generated/schemas.json` (`npm run openapi`, from the project's types).
 *
 * HTTP, as Kubernetes does it: `Content-Type: application/json`; `ETag` is the quoted hash; when
 * the request's `hash` query parameter equals the document's hash the response may be cached
 * forever (`Cache-Control: public, immutable`), since another content would have another URL.
 */
import { createHash } from 'node:crypto';
import { registry as servedRegistry, type GroupVersion, type GroupVersionKind, type ResourceRegistry } from '@tskube/api-types';
import { groupVersionDocument, schemaIndex } from './document';
import generated from './generated/schemas.json';
import { groupVersionPath } from './operations';
import type { Schemas } from './schema';

export { groupVersionDocument, schemaIndex, type GroupVersionDocument } from './document';
export { PATCH_CONTENT_TYPES, groupIdentifier, groupVersionPath, groupVersionTag, groupVersionPaths } from './operations';
export type { Operation, Parameter, PathItem } from './operations';
export { REF_PREFIX, referencedSchemas, type Schema, type Schemas } from './schema';

/** One served document: its bytes and the validators derived from them. */
export interface OpenApiDocument {
  /** The document as compact JSON; never changes for the life of the process. */
  body: Buffer;
  /** Upper-case hex SHA-512 of `body`, as Kubernetes computes it: the `hash` of its URL. */
  hash: string;
  /** `hash` in double quotes, for the `ETag` header. */
  etag: string;
}

/** The body of `/openapi/v3`: for each document path, the URL that serves its current content. */
export type OpenApiRoot = { paths: Record<string, { serverRelativeURL: string }> };

export interface OpenApiV3Options {
  /** The resources to document; the registry of everything tskube serves by default. */
  registry?: ResourceRegistry;
  /** Schemas by name; the generated ones by default. */
  schemas?: Schemas;
}

/**
 * The documents of every served group version. Each is built on first use and then kept: the
 * registry and schemas are fixed for the life of the process, so a document's bytes and hash
 * never change. Safe to share between requests.
 */
export class OpenApiV3 {
  private readonly registry: ResourceRegistry;
  private readonly schemas: Schemas;
  private readonly groupVersions = new Map<string, GroupVersion>();
  private readonly built = new Map<string, OpenApiDocument>();
  private schemaOf: ((gvk: GroupVersionKind) => string) | undefined;
  private rootBody: OpenApiRoot | undefined;

  constructor(options: OpenApiV3Options = {}) {
    this.registry = options.registry ?? servedRegistry;
    this.schemas = options.schemas ?? (generated as unknown as Schemas);
    for (const { group, versions } of this.registry.groups()) {
      for (const version of versions) this.groupVersions.set(groupVersionPath({ group, version }), { group, version });
    }
  }

  /** The document paths, in discovery order: `api/v1`, `apis/apps/v1`, ... */
  paths(): string[] {
    return [...this.groupVersions.keys()];
  }

  /**
   * The document at `path` (`api/v1`, `apis/apps/v1`: the part of the URL after `/openapi/v3/`,
   * without the query), or undefined when no group version is served there.
   */
  document(path: string): OpenApiDocument | undefined {
    const cached = this.built.get(path);
    if (cached) return cached;
    const gv = this.groupVersions.get(path);
    if (!gv) return undefined;
    this.schemaOf ??= schemaIndex(this.schemas);
    const doc = groupVersionDocument(gv, this.registry.resourcesFor(gv), this.schemas, this.schemaOf);
    const body = Buffer.from(JSON.stringify(doc));
    const hash = createHash('sha512').update(body).digest('hex').toUpperCase();
    const built = { body, hash, etag: `"${hash}"` };
    this.built.set(path, built);
    return built;
  }

  /** The `/openapi/v3` body. Builds every document the first time, since each URL carries its document's hash. */
  root(): OpenApiRoot {
    if (!this.rootBody) {
      const paths: OpenApiRoot['paths'] = {};
      for (const path of this.groupVersions.keys()) {
        paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${this.document(path)!.hash}` };
      }
      this.rootBody = { paths };
    }
    return this.rootBody;
  }
}

let served: OpenApiV3 | undefined;

/** The OpenAPI v3 service over everything tskube serves, created on first use. */
export function openApi(): OpenApiV3 {
  served ??= new OpenApiV3();
  return served;
}

/** The `/openapi/v3` body for everything tskube serves. */
export function openApiRoot(): OpenApiRoot {
  return openApi().root();
}

/** The document at `api/v1` or `apis/<group>/<version>`; undefined when nothing is served there. */
export function openApiDocument(path: string): OpenApiDocument | undefined {
  return openApi().document(path);
}
