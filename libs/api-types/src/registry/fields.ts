/**
 * Field getters for field selectors. Kubernetes renders every selectable field as a string and
 * compares strings, so absent values get the rendering Go's zero value would have.
 */
import type { KubeObject } from '../types/object';
import type { FieldGetter } from './types';

function at(obj: unknown, path: readonly string[]): unknown {
  let cur = obj;
  for (const key of path) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** A string field; '' when absent or not a string. */
export function text(...path: string[]): FieldGetter {
  return (obj) => {
    const v = at(obj, path);
    return typeof v === 'string' ? v : '';
  };
}

/** A boolean field as `true`/`false`; absent is `false`. */
export function flag(...path: string[]): FieldGetter {
  return (obj) => (at(obj, path) === true ? 'true' : 'false');
}

/** An integer field in decimal; absent is `0`. */
export function count(...path: string[]): FieldGetter {
  return (obj) => {
    const v = at(obj, path);
    return typeof v === 'number' && Number.isFinite(v) ? String(Math.trunc(v)) : '0';
  };
}

/** metadata.name and, for namespaced resources, metadata.namespace: selectable on every resource. */
export function objectMetaFields(namespaced: boolean): Array<[string, FieldGetter]> {
  const fields: Array<[string, FieldGetter]> = [['metadata.name', text('metadata', 'name')]];
  if (namespaced) fields.push(['metadata.namespace', text('metadata', 'namespace')]);
  return fields;
}

/**
 * A pod's first IP. Kubernetes reads status.podIPs[0] (status.podIP mirrors it on the wire);
 * status.podIP is the fallback for objects written with only the singular field.
 */
export const podIP: FieldGetter = (obj: KubeObject) => {
  const ips = at(obj, ['status', 'podIPs']);
  if (Array.isArray(ips) && ips.length > 0) {
    const ip = at(ips[0], ['ip']);
    if (typeof ip === 'string') return ip;
  }
  return text('status', 'podIP')(obj);
};

/** A core/v1 Event's `source`: source.component, or reportingComponent when that is empty. */
export const eventSource: FieldGetter = (obj: KubeObject) =>
  text('source', 'component')(obj) || text('reportingComponent')(obj);
