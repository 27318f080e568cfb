/**
 * The `paths` of one group version's OpenAPI v3 document, from the resource registry: for every
 * resource its collection, item and deprecated watch paths (and the all-namespaces list of a
 * namespaced one), its object-shaped subresources (status, scale, ...) and its create-only ones
 * (binding, eviction, token), with Kubernetes' operation ids, `x-kubernetes-action` and
 * `x-kubernetes-group-version-kind`. kubectl reads the patch operations: one whose
 * group-version-kind is an object's kind and which takes `fieldValidation` tells it the server
 * validates fields itself, and `application/strategic-merge-patch+json` among its body types lets
 * it build strategic merge patches from the schemas.
 */
import type { GroupVersion, GroupVersionKind, ResourceInfo, SubresourceInfo } from '@tskube/api-types';
import { ref } from './schema';

/** An OpenAPI parameter object. */
export interface Parameter {
  name: string;
  in: 'path' | 'query';
  description: string;
  required?: true;
  schema: { type: 'string' | 'integer' | 'boolean' };
}

/** An OpenAPI operation, with Kubernetes' extensions. */
export interface Operation {
  description: string;
  operationId: string;
  tags: string[];
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: { $ref: string } }>; required: true };
  responses: Record<string, { description: string; content: Record<string, { schema: { $ref: string } }> }>;
  /**
   * What the operation does in Kubernetes' terms: get, list, post, put, patch, delete,
   * deletecollection, watch, watchlist. Absent only on the discovery operation.
   */
  'x-kubernetes-action'?: string;
  /** The kind the operation is about; for a list, the kind of its items. Absent only on the discovery operation. */
  'x-kubernetes-group-version-kind'?: { group: string; kind: string; version: string };
}

/** An OpenAPI path item: shared parameters and one operation per HTTP method. */
export interface PathItem {
  parameters?: Parameter[];
  get?: Operation;
  put?: Operation;
  post?: Operation;
  delete?: Operation;
  patch?: Operation;
}

/** Names the schema of a group-version-kind; throws when there is none. */
export type SchemaNameOf = (gvk: GroupVersionKind) => string;

/** The patch types the apiserver accepts, as kubectl looks them up in a patch operation's body. */
export const PATCH_CONTENT_TYPES = [
  'application/apply-patch+yaml',
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
] as const;

/** Subresources that stream or proxy rather than read and write objects; the documents leave them out. */
const STREAMING_SUBRESOURCES = new Set(['attach', 'exec', 'log', 'portforward', 'proxy']);

const PATCH_SCHEMA = 'io.k8s.apimachinery.pkg.apis.meta.v1.Patch';
const STATUS_SCHEMA = 'io.k8s.apimachinery.pkg.apis.meta.v1.Status';
const DELETE_OPTIONS_SCHEMA = 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions';
const WATCH_EVENT_SCHEMA = 'io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent';
const API_RESOURCE_LIST_SCHEMA = 'io.k8s.apimachinery.pkg.apis.meta.v1.APIResourceList';

const query = (name: string, type: Parameter['schema']['type'], description: string): Parameter => ({
  name,
  in: 'query',
  description,
  schema: { type },
});

const PRETTY = query('pretty', 'string', "If 'true', the response is indented for people to read.");
const DRY_RUN = query('dryRun', 'string', 'When set, the request is checked and processed in full but nothing is persisted. The only valid value is All.');
const FIELD_MANAGER = query('fieldManager', 'string', 'Name of the actor making the change, recorded in managedFields: at most 128 printable characters.');
const FIELD_MANAGER_PATCH = query(
  'fieldManager',
  'string',
  'Name of the actor making the change, recorded in managedFields: at most 128 printable characters. Required for apply patches (application/apply-patch+yaml), optional for the other patch types.',
);
const FIELD_VALIDATION = query(
  'fieldValidation',
  'string',
  'What the server does with unknown or duplicate fields in the body: Ignore drops them, Warn accepts the request with a warning for each, Strict rejects the request.',
);
const FORCE = query('force', 'boolean', 'Apply patches only: take over fields other managers own instead of failing with a conflict. Must be unset for the other patch types.');

const LIST_PARAMETERS = [
  query('allowWatchBookmarks', 'boolean', 'On a watch, also send BOOKMARK events, which carry only a resourceVersion. The server may send them at any time, or never.'),
  query('continue', 'string', 'The token a previous paginated list returned, to fetch the next page with otherwise the same parameters. An expired token is answered with 410 Gone.'),
  query('fieldSelector', 'string', 'Only objects whose fields match this selector; everything when unset.'),
  query('labelSelector', 'string', 'Only objects whose labels match this selector; everything when unset.'),
  query('limit', 'integer', 'The most objects to return at once; when more remain, the list metadata carries a continue token.'),
  query('resourceVersion', 'string', 'Which version of the data to serve, as resourceVersionMatch qualifies it; the most recent when unset.'),
  query('resourceVersionMatch', 'string', 'How resourceVersion constrains a list: Exact or NotOlderThan.'),
  query(
    'sendInitialEvents',
    'boolean',
    'On a watch, first send an ADDED event for every existing object, then a BOOKMARK that marks their end. Needs resourceVersionMatch=NotOlderThan.',
  ),
  query('timeoutSeconds', 'integer', 'End the list or watch call after this many seconds.'),
  query('watch', 'boolean', 'Stream changes to the selected objects (ADDED, MODIFIED, DELETED) instead of returning them.'),
];

const DELETE_PARAMETERS = [
  DRY_RUN,
  query('gracePeriodSeconds', 'integer', "Seconds to wait before the object is deleted: 0 deletes at once, unset uses the kind's default."),
  query('orphanDependents', 'boolean', 'Deprecated in favour of propagationPolicy: whether to orphan the objects that depend on this one.'),
  query('propagationPolicy', 'string', 'Whether and how the garbage collector deletes dependents: Orphan, Background or Foreground.'),
];

const pathParameter = (name: string, description: string): Parameter => ({ name, in: 'path', required: true, description, schema: { type: 'string' } });
const NAMESPACE = pathParameter('namespace', 'The namespace of the objects.');

/** `apps` → `Apps`, `rbac.authorization.k8s.io` → `RbacAuthorization`, the core group → `Core`. */
export function groupIdentifier(group: string): string {
  if (group === '') return 'Core';
  return group
    .replace(/\.k8s\.io$/, '')
    .split('.')
    .map(capitalize)
    .join('');
}

/** The operation tag of a group version: `core_v1`, `apps_v1`, `rbacAuthorization_v1`. */
export function groupVersionTag({ group, version }: GroupVersion): string {
  const id = groupIdentifier(group);
  return `${id[0]!.toLowerCase()}${id.slice(1)}_${version}`;
}

/** The URL prefix of a group version, without a leading slash: `api/v1`, `apis/apps/v1`. */
export function groupVersionPath({ group, version }: GroupVersion): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

/**
 * Every path of one group version, keyed as OpenAPI keys them (`/api/v1/namespaces/{namespace}/pods`).
 * `schemaOf` names the schema of each kind the operations take or return.
 */
export function groupVersionPaths(gv: GroupVersion, resources: readonly ResourceInfo[], schemaOf: SchemaNameOf): Record<string, PathItem> {
  const prefix = `/${groupVersionPath(gv)}`;
  const ids = `${groupIdentifier(gv.group)}${capitalize(gv.version)}`;
  const tags = [groupVersionTag(gv)];
  const paths: Record<string, PathItem> = {};

  paths[`${prefix}/`] = {
    get: {
      description: 'get available resources',
      operationId: `get${ids}APIResources`,
      tags,
      // Discovery has no kind of this group version; Kubernetes leaves the extensions off it.
      responses: ok(API_RESOURCE_LIST_SCHEMA),
    },
  };

  for (const r of resources) {
    const kind = r.kind;
    const ext = { group: r.group, kind, version: r.version };
    const schema = schemaOf(ext);
    const scope = r.namespaced ? 'Namespaced' : '';
    const has = (verb: string) => r.verbs.includes(verb as ResourceInfo['verbs'][number]);
    const collection = r.namespaced ? `${prefix}/namespaces/{namespace}/${r.resource}` : `${prefix}/${r.resource}`;
    const item = `${collection}/{name}`;
    const watchCollection = r.namespaced ? `${prefix}/watch/namespaces/{namespace}/${r.resource}` : `${prefix}/watch/${r.resource}`;
    const scoped = (extra: Parameter[]) => (r.namespaced ? [...extra, NAMESPACE] : extra);
    const name = pathParameter('name', `The name of the ${kind}.`);
    const listSchema = () => schemaOf({ ...ext, kind: `${kind}List` });
    const operation = (o: Omit<Operation, 'tags' | 'x-kubernetes-group-version-kind'> & { 'x-kubernetes-action': string }): Operation => ({
      ...o,
      tags,
      'x-kubernetes-group-version-kind': ext,
    });

    const collectionItem: PathItem = {};
    if (has('list')) {
      collectionItem.get = operation({
        description: `list or watch objects of kind ${kind}`,
        operationId: `list${ids}${scope}${kind}`,
        parameters: LIST_PARAMETERS,
        responses: ok(listSchema(), true),
        'x-kubernetes-action': 'list',
      });
    }
    if (has('create')) {
      collectionItem.post = operation({
        description: `create a ${kind}`,
        operationId: `create${ids}${scope}${kind}`,
        parameters: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION],
        requestBody: body(schema),
        responses: { ...ok(schema), ...created(schema), ...accepted(schema) },
        'x-kubernetes-action': 'post',
      });
    }
    if (has('deletecollection')) {
      collectionItem.delete = operation({
        description: `delete collection of ${kind}`,
        operationId: `delete${ids}Collection${scope}${kind}`,
        parameters: [...DELETE_PARAMETERS, ...LIST_PARAMETERS.filter((p) => p.name !== 'watch' && p.name !== 'allowWatchBookmarks')],
        requestBody: body(DELETE_OPTIONS_SCHEMA),
        responses: ok(STATUS_SCHEMA),
        'x-kubernetes-action': 'deletecollection',
      });
    }
    if (hasOperations(collectionItem)) paths[collection] = { parameters: scoped([PRETTY]), ...collectionItem };

    const itemItem: PathItem = {};
    if (has('get')) {
      itemItem.get = operation({
        description: `read the specified ${kind}`,
        operationId: `read${ids}${scope}${kind}`,
        responses: ok(schema),
        'x-kubernetes-action': 'get',
      });
    }
    if (has('update')) {
      itemItem.put = operation({
        description: `replace the specified ${kind}`,
        operationId: `replace${ids}${scope}${kind}`,
        parameters: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION],
        requestBody: body(schema),
        responses: { ...ok(schema), ...created(schema) },
        'x-kubernetes-action': 'put',
      });
    }
    if (has('patch')) {
      itemItem.patch = operation({
        description: `partially update the specified ${kind}`,
        operationId: `patch${ids}${scope}${kind}`,
        parameters: PATCH_PARAMETERS,
        requestBody: patchBody(),
        responses: { ...ok(schema), ...created(schema) },
        'x-kubernetes-action': 'patch',
      });
    }
    if (has('delete')) {
      itemItem.delete = operation({
        description: `delete a ${kind}`,
        operationId: `delete${ids}${scope}${kind}`,
        parameters: DELETE_PARAMETERS,
        requestBody: body(DELETE_OPTIONS_SCHEMA),
        responses: { ...ok(STATUS_SCHEMA), ...accepted(STATUS_SCHEMA) },
        'x-kubernetes-action': 'delete',
      });
    }
    if (hasOperations(itemItem)) paths[item] = { parameters: scoped([name, PRETTY]), ...itemItem };

    if (has('list') && r.namespaced) {
      paths[`${prefix}/${r.resource}`] = {
        parameters: [...LIST_PARAMETERS, PRETTY].sort(byName),
        get: operation({
          description: `list or watch objects of kind ${kind}`,
          operationId: `list${ids}${kind}ForAllNamespaces`,
          responses: ok(listSchema(), true),
          'x-kubernetes-action': 'list',
        }),
      };
    }

    if (has('watch')) {
      paths[watchCollection] = {
        parameters: scoped([...LIST_PARAMETERS, PRETTY]).sort(byName),
        get: operation({
          description: `watch changes to a list of ${kind}; deprecated: use the watch parameter of the list operation`,
          operationId: `watch${ids}${scope}${kind}List`,
          responses: ok(WATCH_EVENT_SCHEMA, true),
          'x-kubernetes-action': 'watchlist',
        }),
      };
      paths[`${watchCollection}/{name}`] = {
        parameters: scoped([...LIST_PARAMETERS, name, PRETTY]).sort(byName),
        get: operation({
          description: `watch changes to one ${kind}; deprecated: use the watch parameter of the list operation with a metadata.name field selector`,
          operationId: `watch${ids}${scope}${kind}`,
          responses: ok(WATCH_EVENT_SCHEMA, true),
          'x-kubernetes-action': 'watch',
        }),
      };
      if (r.namespaced) {
        paths[`${prefix}/watch/${r.resource}`] = {
          parameters: [...LIST_PARAMETERS, PRETTY].sort(byName),
          get: operation({
            description: `watch changes to a list of ${kind}; deprecated: use the watch parameter of the list operation`,
            operationId: `watch${ids}${kind}ListForAllNamespaces`,
            responses: ok(WATCH_EVENT_SCHEMA, true),
            'x-kubernetes-action': 'watchlist',
          }),
        };
      }
    }

    for (const sub of r.subresources) {
      const subItem = subresourceOperations(sub, { ids, scope, kind, tags, schemaOf });
      if (subItem) paths[`${item}/${sub.name}`] = { parameters: scoped([pathParameter('name', `The name of the ${kind}.`), PRETTY]), ...subItem };
    }
  }
  return paths;
}

const PATCH_PARAMETERS = [DRY_RUN, FIELD_MANAGER_PATCH, FIELD_VALIDATION, FORCE];

/** The operations of one subresource, or undefined for the streaming ones the documents leave out. */
function subresourceOperations(
  sub: SubresourceInfo,
  o: { ids: string; scope: string; kind: string; tags: string[]; schemaOf: SchemaNameOf },
): PathItem | undefined {
  if (STREAMING_SUBRESOURCES.has(sub.name)) return undefined;
  const ext = { group: sub.group, kind: sub.kind, version: sub.version };
  const schema = o.schemaOf(ext);
  const suffix = capitalize(sub.name);
  const operation = (x: Omit<Operation, 'tags' | 'x-kubernetes-group-version-kind'> & { 'x-kubernetes-action': string }): Operation => ({
    ...x,
    tags: o.tags,
    'x-kubernetes-group-version-kind': ext,
  });
  const item: PathItem = {};
  if (sub.verbs.includes('get')) {
    item.get = operation({
      description: `read ${sub.name} of the specified ${o.kind}`,
      operationId: `read${o.ids}${o.scope}${o.kind}${suffix}`,
      responses: ok(schema),
      'x-kubernetes-action': 'get',
    });
  }
  if (sub.verbs.includes('update')) {
    item.put = operation({
      description: `replace ${sub.name} of the specified ${o.kind}`,
      operationId: `replace${o.ids}${o.scope}${o.kind}${suffix}`,
      parameters: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION],
      requestBody: body(schema),
      responses: { ...ok(schema), ...created(schema) },
      'x-kubernetes-action': 'put',
    });
  }
  if (sub.verbs.includes('patch')) {
    item.patch = operation({
      description: `partially update ${sub.name} of the specified ${o.kind}`,
      operationId: `patch${o.ids}${o.scope}${o.kind}${suffix}`,
      parameters: PATCH_PARAMETERS,
      requestBody: patchBody(),
      responses: { ...ok(schema), ...created(schema) },
      'x-kubernetes-action': 'patch',
    });
  }
  if (sub.verbs.includes('create')) {
    item.post = operation({
      description: `create ${sub.name} of a ${o.kind}`,
      operationId: `create${o.ids}${o.scope}${o.kind}${suffix}`,
      parameters: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION],
      requestBody: body(schema),
      responses: { ...ok(schema), ...created(schema), ...accepted(schema) },
      'x-kubernetes-action': 'post',
    });
  }
  return hasOperations(item) ? item : undefined;
}

/** What the apiserver answers with: JSON or YAML, and newline-delimited JSON events for a watch. */
function content(schema: string, watch = false): Record<string, { schema: { $ref: string } }> {
  const types = watch ? ['application/json', 'application/json;stream=watch', 'application/yaml'] : ['application/json', 'application/yaml'];
  return Object.fromEntries(types.map((t) => [t, { schema: ref(schema) }]));
}

const ok = (schema: string, watch = false) => ({ '200': { description: 'OK', content: content(schema, watch) } });
const created = (schema: string) => ({ '201': { description: 'Created', content: content(schema) } });
const accepted = (schema: string) => ({ '202': { description: 'Accepted', content: content(schema) } });

function body(schema: string): NonNullable<Operation['requestBody']> {
  return { content: { '*/*': { schema: ref(schema) } }, required: true };
}

function patchBody(): NonNullable<Operation['requestBody']> {
  return { content: Object.fromEntries(PATCH_CONTENT_TYPES.map((t) => [t, { schema: ref(PATCH_SCHEMA) }])), required: true };
}

function hasOperations(item: PathItem): boolean {
  return Boolean(item.get || item.put || item.post || item.delete || item.patch);
}

function byName(a: Parameter, b: Parameter): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function capitalize(s: string): string {
  return s.length === 0 ? s : s[0]!.toUpperCase() + s.slice(1);
}
