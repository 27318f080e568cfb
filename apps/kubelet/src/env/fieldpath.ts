import { isQualifiedName, type corev1 } from '@tskube/api-types';

/**
 * The downward API's pod field paths, as Kubernetes resolves them for env vars (fieldRef) and
 * downwardAPI volume files: which paths exist, the `metadata.labels['key']` subscript form, and the
 * `key="value"` lines a whole label or annotation map is written as.
 */

/** `metadata.labels['app']` → `['metadata.labels', 'app']`; anything else → undefined. */
export function splitSubscriptedPath(fieldPath: string): [path: string, subscript: string] | undefined {
  if (!fieldPath.endsWith("']")) return undefined;
  const inner = fieldPath.slice(0, -2);
  const open = inner.indexOf("['");
  if (open <= 0) return undefined;
  return [inner.slice(0, open), inner.slice(open + 2)];
}

const supportedLabels = new Set([
  'metadata.annotations',
  'metadata.labels',
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.restartPolicy',
  'spec.serviceAccountName',
  'spec.schedulerName',
  'status.phase',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
]);

/**
 * The field path a fieldRef of `apiVersion` names (v1 only; `spec.host` is the old name of
 * spec.nodeName). Throws an Error with Kubernetes' message for what the downward API does not offer.
 */
export function convertDownwardAPIFieldLabel(apiVersion: string | undefined, label: string): string {
  const version = apiVersion || 'v1';
  if (version !== 'v1') throw new Error(`unsupported pod version: ${version}`);
  const split = splitSubscriptedPath(label);
  if (split) {
    if (split[0] === 'metadata.annotations' || split[0] === 'metadata.labels') return label;
    throw new Error(`field label does not support subscript: ${label}`);
  }
  if (supportedLabels.has(label)) return label;
  if (label === 'spec.host') return 'spec.nodeName';
  throw new Error(`field label not supported: ${label}`);
}

/**
 * The value of one of the pod's metadata fields (the ones downwardAPI volumes may name; env vars
 * resolve spec and status fields before coming here). Throws an Error with Kubernetes' message.
 */
export function extractFieldPathAsString(pod: corev1.Pod, fieldPath: string): string {
  const meta = pod.metadata ?? {};
  const split = splitSubscriptedPath(fieldPath);
  if (split) {
    const [path, key] = split;
    if (path === 'metadata.annotations') {
      const errs = isQualifiedName(key.toLowerCase());
      if (errs.length > 0) throw new Error(`invalid key subscript in ${fieldPath}: ${errs.join(';')}`);
      return meta.annotations?.[key] ?? '';
    }
    if (path === 'metadata.labels') {
      const errs = isQualifiedName(key);
      if (errs.length > 0) throw new Error(`invalid key subscript in ${fieldPath}: ${errs.join(';')}`);
      return meta.labels?.[key] ?? '';
    }
    throw new Error(`fieldPath ${goQuote(fieldPath)} does not support subscript`);
  }
  switch (fieldPath) {
    case 'metadata.annotations':
      return formatMap(meta.annotations);
    case 'metadata.labels':
      return formatMap(meta.labels);
    case 'metadata.name':
      return meta.name ?? '';
    case 'metadata.namespace':
      return meta.namespace ?? '';
    case 'metadata.uid':
      return meta.uid ?? '';
  }
  throw new Error(`unsupported fieldPath: ${fieldPath}`);
}

/** One `key="value"` line per entry, keys in byte order, values quoted as Go's %q does. */
export function formatMap(map: Record<string, string> | undefined): string {
  const keys = Object.keys(map ?? {}).sort(compareBytes);
  return keys.map((k) => `${k}=${goQuote(map![k]!)}`).join('\n');
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

const namedEscapes: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '"': '\\"', '\\': '\\\\' };

/**
 * A double-quoted string as Go's strconv.Quote writes it: printable characters as they are, the
 * usual backslash escapes, `\xNN` for other ASCII control bytes and `\uNNNN` for non-printing
 * Unicode (anything but letters, marks, numbers, punctuation, symbols and the ASCII space).
 */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const named = namedEscapes[ch];
    if (named !== undefined) {
      out += named;
      continue;
    }
    const cp = ch.codePointAt(0)!;
    if (cp < 0x20 || cp === 0x7f) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (!isPrintable(cp)) out += cp > 0xffff ? '\\U' + cp.toString(16).padStart(8, '0') : '\\u' + cp.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + '"';
}

function isPrintable(cp: number): boolean {
  return cp === 0x20 || /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(String.fromCodePoint(cp));
}
