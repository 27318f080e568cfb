import type { IncomingMessage, ServerResponse } from 'node:http';
import { stringify as toYaml } from 'yaml';
import { ApiError } from '../errors';
import type { ApiObject } from '../storage/codec';
import type { DeleteOptions, ResourceStore } from '../storage/resource-store';
import { contentType, decodeObjectBody, isObject, objectBodyTypes, readBody } from './body';
import { negotiate, parseAccept, type Rendering } from './negotiation';
import { applyPatchBody, PatchType, patchTypes } from './patch';
import type { RequestInfo } from './request-info';
import { streamWatch } from './watch-stream';
import { bindPod } from '../binding';
import { evictPod } from '../eviction';

/** A resource as the REST layer serves it. */
export interface ServedResource {
  group: string;
  version: string;
  kind: string;
  resource: string;
  namespaced: boolean;
  verbs: string[];
  /** Subresource names served (e.g. "status", "scale"). */
  subresources: string[];
  store: ResourceStore;
}

export interface Catalog {
  lookup(group: string, version: string, resource: string): ServedResource | undefined;
}

/** Builds the predicate of a list or watch from its selectors; throws ApiError on bad input. */
export type FilterFactory = (resource: ServedResource, labelSelector: string, fieldSelector: string) => ((obj: ApiObject) => boolean) | undefined;

export type TableOptions = { includeObject: 'None' | 'Metadata' | 'Object'; noHeaders?: boolean; listMeta?: Record<string, unknown> };
/** Renders objects as a meta.k8s.io Table for kubectl's human output. */
export type TableBuilder = (resource: ServedResource, objects: ApiObject[], options: TableOptions) => Record<string, unknown>;

/** Checks run before a write reaches storage (namespace lifecycle, quota, ...). */
export type Admit = (
  op: 'create' | 'update' | 'delete',
  resource: ServedResource,
  namespace: string,
  obj: ApiObject | undefined,
  /** A dry run is checked but charges nothing; subresource is '' for the object itself. */
  options?: { dryRun?: boolean; subresource?: string },
) => Promise<void>;

/** Converts between a resource and one of its special subresources (scale). */
export interface SubresourceHandler {
  get(resource: ServedResource, obj: ApiObject): ApiObject;
  /** Applies the subresource's new state to the object. */
  apply(resource: ServedResource, obj: ApiObject, sub: ApiObject): ApiObject;
  kind: { group: string; version: string; kind: string };
}

export interface RestHandlerOptions {
  catalog: Catalog;
  filters: FilterFactory;
  tables?: TableBuilder;
  admit?: Admit;
  subresources?: Record<string, SubresourceHandler>;
  /** Minimum watch timeout in seconds; a watch without timeoutSeconds lasts this to twice this. */
  minRequestTimeoutSeconds?: number;
  bookmarkIntervalMs?: number;
  /** Validates unknown fields for fieldValidation=Strict|Warn: returns the unknown field paths. */
  unknownFields?: (resource: ServedResource, obj: Record<string, unknown>) => string[];
  /** Protobuf request bodies: decodes to a JSON object. */
  decodeProtobuf?: (body: Buffer) => Record<string, unknown>;
  /** Subresources proxied to a kubelet (pods/log, pods/exec, pods/attach). */
  connect?: {
    handles(info: RequestInfo): boolean;
    serve(req: IncomingMessage, res: ServerResponse, info: RequestInfo, query: URLSearchParams): Promise<void>;
  };
}

const accessReviews = new Map([
  ['selfsubjectaccessreviews', 'SelfSubjectAccessReview'],
  ['selfsubjectrulesreviews', 'SelfSubjectRulesReview'],
  ['subjectaccessreviews', 'SubjectAccessReview'],
  ['localsubjectaccessreviews', 'LocalSubjectAccessReview'],
]);

const tableContentType = (v: string) => `application/json;as=Table;v=${v};g=meta.k8s.io`;

/** Serves every resource request: CRUD, list, watch, patch, delete and deletecollection. */
export class RestHandler {
  constructor(private readonly options: RestHandlerOptions) {}

  async handle(req: IncomingMessage, res: ServerResponse, info: RequestInfo, query: URLSearchParams): Promise<void> {
    if (info.group === '' && info.verb === 'create' && (info.resource === 'bindings' || (info.resource === 'pods' && info.subresource === 'binding'))) {
      return this.bind(req, res, info, query);
    }
    if (info.group === '' && info.verb === 'create' && info.resource === 'pods' && info.subresource === 'eviction') {
      return this.evict(req, res, info, query);
    }
    if (this.options.connect?.handles(info)) return this.options.connect.serve(req, res, info, query);
    if (info.group === 'authorization.k8s.io' && info.verb === 'create' && accessReviews.has(info.resource)) {
      return this.review(req, res, info, query);
    }
    const served = this.options.catalog.lookup(info.group, info.version, info.resource);
    if (!served) throw notFoundResource();
    if (served.namespaced === false && info.namespace && info.resource !== 'namespaces') throw notFoundResource();
    if (info.subresource && !served.subresources.includes(info.subresource)) throw notFoundResource();
    const namespace = served.namespaced ? info.namespace : '';
    const accept = parseAccept(req.headers.accept);
    const verb = info.verb;

    if (info.subresource && info.subresource !== 'status' && this.options.subresources?.[info.subresource]) {
      return this.handleSpecialSubresource(req, res, served, info, namespace, query, this.options.subresources[info.subresource]);
    }

    switch (verb) {
      case 'get': {
        this.checkVerb(served, 'get');
        const rendering = this.render(accept, true);
        const obj = await served.store.get(namespace, info.name, { resourceVersion: query.get('resourceVersion') ?? undefined });
        return this.send(res, 200, obj, rendering, served, query);
      }
      case 'list': {
        this.checkVerb(served, 'list');
        if (served.namespaced && !info.namespace && info.name === '' && info.resource !== 'namespaces') {
          // all namespaces
        }
        const rendering = this.render(accept, true);
        const filter = this.options.filters(served, query.get('labelSelector') ?? '', query.get('fieldSelector') ?? '');
        const result = await served.store.list(namespace, {
          filter,
          limit: parseIntParam(query, 'limit'),
          continue: query.get('continue') ?? undefined,
          resourceVersion: query.get('resourceVersion') ?? undefined,
          resourceVersionMatch: query.get('resourceVersionMatch') ?? undefined,
        });
        const list: ApiObject = {
          kind: `${served.kind}List`,
          apiVersion: apiVersion(served),
          metadata: listMeta(result),
          items: result.items.map((o) => withTypeMeta(o, served)),
        };
        return this.send(res, 200, list, rendering, served, query);
      }
      case 'watch': {
        this.checkVerb(served, 'watch');
        const rendering = this.render(accept, true);
        const filter = this.options.filters(served, query.get('labelSelector') ?? '', query.get('fieldSelector') ?? '');
        return streamWatch(req, res, {
          served,
          namespace,
          name: info.name || undefined,
          filter,
          query,
          table: rendering.kind === 'table' && this.options.tables ? this.options.tables : undefined,
          includeObject: (query.get('includeObject') as TableOptions['includeObject']) ?? 'Metadata',
          minTimeoutSeconds: this.options.minRequestTimeoutSeconds ?? 1800,
          bookmarkIntervalMs: this.options.bookmarkIntervalMs ?? 60_000,
        });
      }
      case 'create': {
        this.checkVerb(served, 'create');
        // A name on the URL is only right for a subresource, and the ones that take a POST are
        // served above; any other would be misread as a create of the resource itself.
        if (info.name) throw ApiError.methodNotSupported(info.subresource ? { group: served.group, resource: `${served.resource}/${info.subresource}` } : served, 'create');
        const rendering = this.render(accept, false);
        const obj = await this.readObject(req, res, served, query);
        if (served.namespaced && !namespace) throw notFoundResource();
        await this.options.admit?.('create', served, namespace, obj, { dryRun: isDryRun(query) });
        const created = await served.store.create(namespace, obj, { dryRun: isDryRun(query) });
        return this.send(res, 201, withTypeMeta(created, served), rendering, served, query);
      }
      case 'update': {
        this.checkVerb(served, 'update');
        const rendering = this.render(accept, false);
        const obj = await this.readObject(req, res, served, query);
        await this.options.admit?.('update', served, namespace, obj, { dryRun: isDryRun(query), subresource: info.subresource });
        const existed = info.subresource ? true : await exists(served.store, namespace, info.name);
        const updated = await served.store.update(namespace, info.name, obj, {
          dryRun: isDryRun(query),
          subresource: info.subresource,
          allowCreate: false,
        });
        return this.send(res, existed ? 200 : 201, withTypeMeta(updated, served), rendering, served, query);
      }
      case 'patch': {
        this.checkVerb(served, 'patch');
        const rendering = this.render(accept, false);
        const type = contentType(req);
        if (!patchTypes.includes(type as (typeof patchTypes)[number]) || type === PatchType.Apply) {
          throw ApiError.unsupportedMediaType(type, [PatchType.Json, PatchType.Merge, PatchType.StrategicMerge]);
        }
        const body = await readBody(req);
        const updated = await served.store.guaranteedUpdate(
          namespace,
          info.name,
          async (current) => {
            if (!current) throw ApiError.notFound(served.store.qualifiedResource, info.name);
            const patched = applyPatchBody(type, current as Record<string, unknown>, body);
            this.checkFields(res, served, patched, query, []);
            const precondition = (patched.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;
            if (precondition && precondition !== current.metadata?.resourceVersion) {
              throw ApiError.conflict(served.store.qualifiedResource, info.name);
            }
            await this.options.admit?.('update', served, namespace, patched, { dryRun: isDryRun(query), subresource: info.subresource });
            return { object: patched };
          },
          { dryRun: isDryRun(query), subresource: info.subresource },
        );
        return this.send(res, 200, withTypeMeta(updated, served), rendering, served, query);
      }
      case 'delete': {
        this.checkVerb(served, 'delete');
        const rendering = this.render(accept, false);
        const options = await this.readDeleteOptions(req, query);
        await this.options.admit?.('delete', served, namespace, undefined);
        const { object, deleted } = await served.store.delete(namespace, info.name, options);
        if (deleted && served.resource !== 'pods') {
          // Kubernetes answers an immediate delete with a Success status for most kinds.
          const meta = object.metadata ?? {};
          return this.send(
            res,
            200,
            {
              kind: 'Status',
              apiVersion: 'v1',
              metadata: {},
              status: 'Success',
              details: { name: meta.name, group: served.group, kind: served.resource, uid: meta.uid },
            },
            rendering,
            undefined,
            query,
          );
        }
        const accepted = !deleted && options.propagationPolicy === 'Foreground';
        return this.send(res, accepted ? 202 : 200, withTypeMeta(object, served), rendering, served, query);
      }
      case 'deletecollection': {
        this.checkVerb(served, 'deletecollection');
        const rendering = this.render(accept, false);
        const options = await this.readDeleteOptions(req, query);
        const filter = this.options.filters(served, query.get('labelSelector') ?? '', query.get('fieldSelector') ?? '');
        const { items } = await served.store.list(namespace, { filter });
        const deleted: ApiObject[] = [];
        for (const item of items) {
          try {
            const r = await served.store.delete(item.metadata?.namespace ?? '', item.metadata?.name ?? '', {
              ...options,
              preconditions: undefined,
            });
            deleted.push(withTypeMeta(r.object, served));
          } catch (err) {
            if (err instanceof ApiError && err.code === 404) continue;
            throw err;
          }
        }
        const list = { kind: `${served.kind}List`, apiVersion: apiVersion(served), metadata: {}, items: deleted };
        return this.send(res, 200, list, rendering, served, query);
      }
      default:
        throw ApiError.methodNotSupported(served.store.qualifiedResource, verb);
    }
  }

  /**
   * Access reviews (`kubectl auth can-i`): until authentication and authorization arrive every
   * request is allowed, and the review says so.
   */
  private async review(req: IncomingMessage, res: ServerResponse, info: RequestInfo, query: URLSearchParams): Promise<void> {
    const { object } = await this.readRawObject(req);
    const kind = accessReviews.get(info.resource)!;
    checkTypeMeta(object, { group: info.group, version: info.version, kind });
    const status =
      kind === 'SelfSubjectRulesReview'
        ? { resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }], incomplete: false }
        : { allowed: true, reason: 'no authorization is configured: every request is allowed' };
    const answer = { ...object, metadata: { ...((object.metadata as object) ?? {}), creationTimestamp: null }, status };
    return this.send(res, 201, answer as unknown as ApiObject, { kind: 'json' }, undefined, query);
  }

  /** POST pods/<name>/binding and POST bindings: the scheduler's bind. */
  private async bind(req: IncomingMessage, res: ServerResponse, info: RequestInfo, query: URLSearchParams): Promise<void> {
    const pods = this.options.catalog.lookup('', 'v1', 'pods');
    if (!pods) throw notFoundResource();
    const { object } = await this.readRawObject(req);
    checkTypeMeta(object, { group: '', version: 'v1', kind: 'Binding' });
    const binding = object as { metadata?: { name?: string; uid?: string }; target?: { kind?: string; name?: string } };
    const name = info.subresource ? info.name : (binding.metadata?.name ?? '');
    await bindPod(pods, info.namespace, name, binding, isDryRun(query));
    const status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
    return this.send(res, 201, status, { kind: 'json' }, undefined, query);
  }

  /** POST pods/<name>/eviction: a deletion that respects the pod's PodDisruptionBudget. */
  private async evict(req: IncomingMessage, res: ServerResponse, info: RequestInfo, query: URLSearchParams): Promise<void> {
    const pods = this.options.catalog.lookup('', 'v1', 'pods');
    if (!pods) throw notFoundResource();
    const { object } = await this.readRawObject(req);
    const version = typeof object.apiVersion === 'string' && object.apiVersion.startsWith('policy/') ? object.apiVersion.slice('policy/'.length) : 'v1';
    checkTypeMeta(object, { group: 'policy', version, kind: 'Eviction' });
    const eviction = object as { metadata?: { name?: string }; deleteOptions?: Record<string, unknown> };
    const budgets = this.options.catalog.lookup('policy', 'v1', 'poddisruptionbudgets');
    await evictPod(
      pods,
      budgets,
      info.namespace,
      info.name,
      { metadata: eviction.metadata, deleteOptions: eviction.deleteOptions ? deleteOptionsFrom(eviction.deleteOptions) : undefined },
      isDryRun(query),
    );
    const status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
    return this.send(res, 201, status, { kind: 'json' }, undefined, query);
  }

  private async handleSpecialSubresource(
    req: IncomingMessage,
    res: ServerResponse,
    served: ServedResource,
    info: RequestInfo,
    namespace: string,
    query: URLSearchParams,
    handler: SubresourceHandler,
  ): Promise<void> {
    const accept = parseAccept(req.headers.accept);
    const rendering = this.render(accept, false);
    const subApiVersion = handler.kind.group ? `${handler.kind.group}/${handler.kind.version}` : handler.kind.version;
    switch (info.verb) {
      case 'get': {
        const obj = await served.store.get(namespace, info.name);
        return this.send(res, 200, handler.get(served, withTypeMeta(obj, served)), rendering, undefined, query);
      }
      case 'update':
      case 'patch': {
        const type = info.verb === 'patch' ? contentType(req) : '';
        const body = info.verb === 'patch' ? await readBody(req) : undefined;
        const input = info.verb === 'update' ? (await this.readRawObject(req)).object : undefined;
        if (input && input.apiVersion && input.apiVersion !== subApiVersion) {
          throw ApiError.badRequest(`the API version in the data (${String(input.apiVersion)}) does not match the expected API version (${subApiVersion})`);
        }
        let result: ApiObject | undefined;
        await served.store.guaranteedUpdate(
          namespace,
          info.name,
          (current) => {
            if (!current) throw ApiError.notFound(served.store.qualifiedResource, info.name);
            const currentSub = handler.get(served, withTypeMeta(current, served));
            const nextSub = input ?? applyPatchBody(type, currentSub as Record<string, unknown>, body!);
            const rv = (nextSub.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;
            if (input && rv && rv !== current.metadata?.resourceVersion) throw ApiError.conflict(served.store.qualifiedResource, info.name);
            return { object: handler.apply(served, current, nextSub) };
          },
          { dryRun: isDryRun(query) },
        ).then((o) => (result = handler.get(served, withTypeMeta(o, served))));
        return this.send(res, 200, result!, rendering, undefined, query);
      }
      default:
        throw ApiError.methodNotSupported(served.store.qualifiedResource, info.verb);
    }
  }

  private checkVerb(served: ServedResource, verb: string): void {
    if (!served.verbs.includes(verb)) throw ApiError.methodNotSupported(served.store.qualifiedResource, verb);
  }

  private render(accept: ReturnType<typeof parseAccept>, allowTable: boolean): Rendering {
    const r = negotiate(accept, { allowTable });
    if (!r) throw ApiError.notAcceptable('application/json, application/yaml, application/vnd.kubernetes.protobuf');
    return r;
  }

  private async readRawObject(req: IncomingMessage): Promise<{ object: Record<string, unknown>; duplicates: string[] }> {
    // The size limit applies before anything else looks at the body, as in Kubernetes.
    const body = await readBody(req);
    const type = contentType(req);
    if (!objectBodyTypes.includes(type)) throw ApiError.unsupportedMediaType(type, objectBodyTypes);
    if (type === 'application/vnd.kubernetes.protobuf') {
      if (!this.options.decodeProtobuf) throw ApiError.unsupportedMediaType(type, objectBodyTypes.slice(0, 2));
      return { object: this.options.decodeProtobuf(body), duplicates: [] };
    }
    return decodeObjectBody(body, type);
  }

  /** Reads and checks a create/update body: apiVersion and kind must be this resource's. */
  private async readObject(req: IncomingMessage, res: ServerResponse, served: ServedResource, query: URLSearchParams): Promise<ApiObject> {
    const { object, duplicates } = await this.readRawObject(req);
    checkTypeMeta(object, served);
    this.checkFields(res, served, object, query, duplicates);
    return object as ApiObject;
  }

  /** fieldValidation: Strict refuses unknown and duplicate fields, Warn reports them in headers. */
  private checkFields(res: ServerResponse, served: ServedResource, object: Record<string, unknown>, query: URLSearchParams, duplicates: string[]): void {
    const mode = query.get('fieldValidation') ?? 'Warn';
    if (!['Strict', 'Warn', 'Ignore'].includes(mode)) {
      throw ApiError.badRequest(`fieldValidation must be one of "Ignore", "Warn", or "Strict": got ${mode}`);
    }
    if (mode === 'Ignore') return;
    const unknown = this.options.unknownFields?.(served, object) ?? [];
    const problems = [...unknown.map((f) => `unknown field "${f}"`), ...duplicates.map((f) => `duplicate field "${f}"`)];
    if (!problems.length) return;
    if (mode === 'Strict') {
      throw ApiError.badRequest(`${served.kind} in version "${served.version}" cannot be handled as a ${served.kind}: strict decoding error: ${problems.join(', ')}`);
    }
    const existing = res.getHeader('Warning');
    const warnings = [...(Array.isArray(existing) ? existing : existing ? [String(existing)] : []), ...problems.map((p) => `299 - "${p.replace(/["\\]/g, '\\$&')}"`)];
    res.setHeader('Warning', warnings);
  }

  private async readDeleteOptions(req: IncomingMessage, query: URLSearchParams): Promise<DeleteOptions> {
    const body = await readBody(req);
    let opts: Record<string, unknown> = {};
    if (body.length) {
      const type = contentType(req);
      if (type === 'application/vnd.kubernetes.protobuf' && this.options.decodeProtobuf) opts = this.options.decodeProtobuf(body);
      else opts = decodeObjectBody(body, type === 'application/yaml' ? type : 'application/json').object;
    }
    return deleteOptionsFrom(opts, query);
  }

  private send(res: ServerResponse, code: number, body: ApiObject, rendering: Rendering, served: ServedResource | undefined, query: URLSearchParams): void {
    let payload: unknown = body;
    let type = 'application/json';
    if (rendering.kind === 'table' && served && this.options.tables && body.kind !== 'Status') {
      const includeObject = (query.get('includeObject') as TableOptions['includeObject']) ?? 'Metadata';
      const isList = Array.isArray(body.items);
      const items = isList ? (body.items as ApiObject[]) : [body];
      const listMeta = isList ? (body.metadata as Record<string, unknown>) : { resourceVersion: body.metadata?.resourceVersion };
      payload = this.options.tables(served, items, { includeObject, listMeta });
      type = tableContentType(rendering.version);
    } else if (rendering.kind === 'partialObjectMetadata' && body.kind !== 'Status') {
      const toPartial = (o: ApiObject) => ({ kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${rendering.version}`, metadata: o.metadata });
      payload = Array.isArray(body.items)
        ? { kind: 'PartialObjectMetadataList', apiVersion: `meta.k8s.io/${rendering.version}`, metadata: body.metadata, items: (body.items as ApiObject[]).map(toPartial) }
        : toPartial(body);
      type = `application/json;as=PartialObjectMetadata${Array.isArray(body.items) ? 'List' : ''};v=${rendering.version};g=meta.k8s.io`;
    }
    if (rendering.kind === 'yaml') {
      const text = toYaml(payload);
      res.writeHead(code, { 'Content-Type': 'application/yaml', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
      return;
    }
    const text = query.get('pretty') === 'true' ? JSON.stringify(payload, null, 2) + '\n' : JSON.stringify(payload) + '\n';
    res.writeHead(code, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }
}

/** A body's apiVersion and kind must be the resource's (they are filled in when absent). */
export function checkTypeMeta(object: Record<string, unknown>, served: Pick<ServedResource, 'group' | 'version' | 'kind'>): void {
  const expectedVersion = apiVersion(served);
  if (object.apiVersion !== undefined && object.apiVersion !== expectedVersion) {
    throw ApiError.badRequest(`the API version in the data (${String(object.apiVersion)}) does not match the expected API version (${expectedVersion})`);
  }
  if (object.kind !== undefined && object.kind !== served.kind) {
    throw ApiError.badRequest(`the kind in the data (${String(object.kind)}) does not match the expected kind (${served.kind})`);
  }
  if (object.metadata !== undefined && !isObject(object.metadata)) {
    throw ApiError.badRequest('json: cannot unmarshal into Go struct field Object.metadata of type v1.ObjectMeta');
  }
  object.apiVersion = expectedVersion;
  object.kind = served.kind;
}

/** DeleteOptions from a request body and query parameters (the query wins), validated. */
export function deleteOptionsFrom(opts: Record<string, unknown>, query: URLSearchParams = new URLSearchParams()): DeleteOptions {
  const grace = query.get('gracePeriodSeconds') ?? opts.gracePeriodSeconds;
  let policy = (query.get('propagationPolicy') ?? opts.propagationPolicy) as DeleteOptions['propagationPolicy'] | undefined;
  const orphan = query.get('orphanDependents') ?? opts.orphanDependents;
  if (policy === undefined && orphan !== undefined && orphan !== null) policy = String(orphan) === 'true' ? 'Orphan' : 'Background';
  if (policy !== undefined && !['Orphan', 'Background', 'Foreground'].includes(policy)) {
    throw ApiError.invalidList(`propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`);
  }
  const pre = isObject(opts.preconditions) ? (opts.preconditions as DeleteOptions['preconditions']) : undefined;
  const dryRun = query.getAll('dryRun').includes('All') || (Array.isArray(opts.dryRun) && opts.dryRun.includes('All'));
  return {
    gracePeriodSeconds: grace === undefined || grace === null ? undefined : Number(grace),
    propagationPolicy: policy,
    preconditions: pre,
    dryRun,
  };
}

export function apiVersion(served: Pick<ServedResource, 'group' | 'version'>): string {
  return served.group ? `${served.group}/${served.version}` : served.version;
}

export function withTypeMeta(obj: ApiObject, served: ServedResource): ApiObject {
  if (obj.kind === served.kind && obj.apiVersion === apiVersion(served)) return obj;
  return { ...obj, apiVersion: apiVersion(served), kind: served.kind };
}

function listMeta(result: { resourceVersion: string; continue?: string; remainingItemCount?: number }): Record<string, unknown> {
  const meta: Record<string, unknown> = { resourceVersion: result.resourceVersion };
  if (result.continue) meta.continue = result.continue;
  if (result.remainingItemCount !== undefined) meta.remainingItemCount = result.remainingItemCount;
  return meta;
}

function parseIntParam(query: URLSearchParams, name: string): number | undefined {
  const v = query.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw ApiError.badRequest(`invalid value for ${name}: ${v}`);
  return Number(v);
}

function isDryRun(query: URLSearchParams): boolean {
  const values = query.getAll('dryRun');
  for (const v of values) {
    if (v !== 'All') throw ApiError.badRequest(`dryRun: Unsupported value: "${v}": supported values: "All"`);
  }
  return values.length > 0;
}

async function exists(store: ResourceStore, namespace: string, name: string): Promise<boolean> {
  try {
    await store.get(namespace, name);
    return true;
  } catch (err) {
    if (err instanceof ApiError && err.code === 404) return false;
    throw err;
  }
}

export function notFoundResource(): ApiError {
  return ApiError.of(404, 'NotFound', 'the server could not find the requested resource', {});
}
