/**
 * How callers name a kind to the validation and defaulting dispatchers: a string
 * `group/version/Kind` (`apps/v1/Deployment`), `version/Kind` for the core group (`v1/Pod`), a
 * bare `Kind` for the core group, or an object with group and kind (version optional).
 */
export type KindKey = string | { group: string; version?: string; kind: string };

/** A parsed kind key; the core group is ''. */
export interface ParsedKind {
  group: string;
  version: string;
  kind: string;
}

/** Splits a kind key. Throws TypeError on a string with more than three parts or no kind. */
export function parseKindKey(key: KindKey): ParsedKind {
  if (typeof key !== 'string') return { group: key.group, version: key.version ?? '', kind: key.kind };
  const parts = key.split('/');
  const kind = parts[parts.length - 1] ?? '';
  if (!kind || parts.length > 3) throw new TypeError(`invalid kind key ${JSON.stringify(key)}: want group/version/Kind`);
  if (parts.length === 3) return { group: parts[0]!, version: parts[1]!, kind };
  if (parts.length === 2) return { group: '', version: parts[0]!, kind };
  return { group: '', version: '', kind };
}

/** The kind key of an object from its own apiVersion and kind. */
export function kindKeyOf(obj: { apiVersion?: string; kind?: string }): ParsedKind {
  const av = obj.apiVersion ?? '';
  const slash = av.indexOf('/');
  return slash < 0
    ? { group: '', version: av, kind: obj.kind ?? '' }
    : { group: av.slice(0, slash), version: av.slice(slash + 1), kind: obj.kind ?? '' };
}
