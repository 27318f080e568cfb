/**
 * Accept and Content-Type parsing. Parameters are compared exactly, key by key: kubectl offers
 * `...;v=v2;...` and `...;v=v2beta1;...` side by side, and a substring test would confuse them.
 */
export interface MediaType {
  /** type/subtype, lowercased, e.g. "application/json". */
  type: string;
  params: Record<string, string>;
  /** q-value, 1 when absent. */
  q: number;
}

/** Parses one media type (`application/json;as=Table;v=v1;g=meta.k8s.io`). */
export function parseMediaType(text: string): MediaType {
  const [head, ...rest] = text.split(';');
  const params: Record<string, string> = {};
  let q = 1;
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    const key = p.slice(0, eq).trim().toLowerCase();
    let value = p.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (key === 'q') q = Number(value);
    else params[key] = value;
  }
  return { type: head.trim().toLowerCase(), params, q: Number.isFinite(q) ? q : 0 };
}

/** The media types of an Accept header, highest q first (stable for equal q). Empty: any. */
export function parseAccept(header: string | undefined): MediaType[] {
  if (!header || !header.trim()) return [{ type: '*/*', params: {}, q: 1 }];
  return header
    .split(',')
    .filter((s) => s.trim())
    .map(parseMediaType)
    .map((m, i) => ({ m, i }))
    .sort((a, b) => b.m.q - a.m.q || a.i - b.i)
    .map(({ m }) => m)
    .filter((m) => m.q > 0);
}

/** What a response body may be rendered as. */
export type Rendering =
  | { kind: 'json' }
  | { kind: 'yaml' }
  | { kind: 'table'; version: 'v1' | 'v1beta1' }
  | { kind: 'partialObjectMetadata'; list: boolean; version: 'v1' | 'v1beta1' }
  | { kind: 'discovery'; version: 'v2' | 'v2beta1' };

const jsonTypes = new Set(['application/json', '*/*', 'application/*']);
// Clients that prefer protobuf always offer JSON as well, except for bodies nobody reads as
// protobuf here; answering JSON to a bare protobuf Accept is what Kubernetes does for kinds
// without a protobuf form, so accept it as JSON too.
const protobufType = 'application/vnd.kubernetes.protobuf';

/**
 * Picks the first acceptable rendering for an object endpoint. `allowTable` for get/list,
 * `allowDiscovery` for /api and /apis. Returns undefined when nothing offered can be served (406).
 */
export function negotiate(accept: MediaType[], options: { allowTable?: boolean; allowDiscovery?: boolean } = {}): Rendering | undefined {
  for (const m of accept) {
    const as = m.params.as;
    if (as) {
      if (m.type !== 'application/json' && m.type !== protobufType) continue;
      if (options.allowTable && as === 'Table' && m.params.g === 'meta.k8s.io' && (m.params.v === 'v1' || m.params.v === 'v1beta1')) {
        return { kind: 'table', version: m.params.v };
      }
      if (
        options.allowTable &&
        (as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') &&
        m.params.g === 'meta.k8s.io' &&
        (m.params.v === 'v1' || m.params.v === 'v1beta1')
      ) {
        return { kind: 'partialObjectMetadata', list: as === 'PartialObjectMetadataList', version: m.params.v };
      }
      if (
        options.allowDiscovery &&
        as === 'APIGroupDiscoveryList' &&
        m.params.g === 'apidiscovery.k8s.io' &&
        (m.params.v === 'v2' || m.params.v === 'v2beta1')
      ) {
        return { kind: 'discovery', version: m.params.v };
      }
      continue;
    }
    if (jsonTypes.has(m.type) || m.type === protobufType) return { kind: 'json' };
    if (m.type === 'application/yaml') return { kind: 'yaml' };
  }
  return undefined;
}

/** Content-Type for an aggregated discovery answer, exactly as Kubernetes writes it. */
export function discoveryContentType(version: 'v2' | 'v2beta1'): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}
