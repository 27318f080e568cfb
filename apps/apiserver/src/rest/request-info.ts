/**
 * What a REST path and method ask for, decoded the way Kubernetes' RequestInfoFactory does:
 *
 *   /api/v1/namespaces/{ns}/{resource}/{name}/{subresource}
 *   /apis/{group}/{version}/{resource}/{name}
 *   /api/v1/namespaces/{ns}                  (the namespace object itself)
 *
 * A GET on a collection is `list`, or `watch` with `?watch=true`; a DELETE on a collection is
 * `deletecollection`. Anything else under /api or /apis that is not a resource path (e.g. `/api`,
 * `/apis/apps`) is a discovery path and has `isResourceRequest: false`.
 */
export interface RequestInfo {
  isResourceRequest: boolean;
  /** The path split into non-empty segments. */
  parts: string[];
  /** get, list, watch, create, update, patch, delete, deletecollection; or the HTTP verb, lowercased. */
  verb: string;
  /** "api" or "apis". */
  prefix: string;
  group: string;
  version: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
}

const namespaceSubresources = new Set(['status', 'finalize']);

const methodVerbs: Record<string, string> = {
  POST: 'create',
  GET: 'get',
  HEAD: 'get',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

/** Decodes `path` (no query string) for `method`; `watch` is whether `?watch=true|1` was given. */
export function parseRequestInfo(method: string, path: string, watch: boolean): RequestInfo {
  const parts = path.split('/').filter(Boolean).map(safeDecode);
  const info: RequestInfo = {
    isResourceRequest: false,
    parts,
    verb: method.toLowerCase(),
    prefix: '',
    group: '',
    version: '',
    namespace: '',
    resource: '',
    subresource: '',
    name: '',
  };
  const [prefix] = parts;
  if (prefix !== 'api' && prefix !== 'apis') return info;
  info.prefix = prefix;
  let rest: string[];
  if (prefix === 'api') {
    if (parts.length < 2) return info;
    info.version = parts[1];
    rest = parts.slice(2);
  } else {
    if (parts.length < 3) return info;
    info.group = parts[1];
    info.version = parts[2];
    rest = parts.slice(3);
  }
  if (rest.length === 0) return info;
  info.isResourceRequest = true;
  info.verb = methodVerbs[method.toUpperCase()] ?? method.toLowerCase();

  // The legacy `/watch/` path prefix is deprecated but still accepted by Kubernetes.
  if (rest[0] === 'watch') {
    rest = rest.slice(1);
    watch = true;
  }

  if (rest[0] === 'namespaces' && rest.length > 1) {
    // /namespaces/{name}[/status|/finalize] is the namespace object itself (its namespace is its
    // own name); /namespaces/{ns}/{resource}/... is a namespaced resource.
    info.namespace = rest[1];
    if (rest.length > 2 && !namespaceSubresources.has(rest[2])) rest = rest.slice(2);
  }
  info.resource = rest[0] ?? '';
  if (rest.length >= 2) info.name = rest[1];
  if (rest.length >= 3) info.subresource = rest[2];
  if (rest.length > 3) info.subresource = rest.slice(2).join('/');

  if (info.name === '') {
    if (info.verb === 'get') info.verb = watch ? 'watch' : 'list';
    else if (info.verb === 'delete') info.verb = 'deletecollection';
  } else if (watch && info.verb === 'get') {
    info.verb = 'watch';
  }
  return info;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
