import { isSelectorError, parseFieldSelector, parseLabelSelector, type KubeObject } from '@tskube/api-types';
import { ApiError } from './errors';
import type { CatalogEntry } from './catalog';
import type { ApiObject } from './storage/codec';
import type { ServedResource } from './rest/handler';

/**
 * The predicate of a list, watch or deletecollection from its `labelSelector` and
 * `fieldSelector`: undefined when both are empty. Invalid selectors and fields the resource does
 * not support are 400s with Kubernetes' messages.
 */
export function buildFilter(resource: ServedResource, labelSelector: string, fieldSelector: string): ((obj: ApiObject) => boolean) | undefined {
  let labels: ReturnType<typeof parseLabelSelector> | undefined;
  let fields: ReturnType<typeof parseFieldSelector> | undefined;
  try {
    if (labelSelector.trim()) labels = parseLabelSelector(labelSelector);
    if (fieldSelector.trim()) fields = parseFieldSelector(fieldSelector);
  } catch (err) {
    if (isSelectorError(err)) throw ApiError.badRequest(err.message);
    throw err;
  }
  const getters = (resource as CatalogEntry).entry?.selectableFields;
  if (fields && getters) {
    for (const r of fields.requirements()) {
      if (!getters.has(r.field)) throw ApiError.badRequest(`field label not supported: ${r.field}`);
    }
  }
  if (!labels && !fields) return undefined;
  const fieldNames = fields ? fields.requirements().map((r) => r.field) : [];
  return (obj) => {
    if (labels && !labels.matches(obj.metadata?.labels)) return false;
    if (fields) {
      const set: Record<string, string> = {};
      for (const name of fieldNames) set[name] = getters?.get(name)?.(obj as KubeObject) ?? '';
      if (!fields.matches(set)) return false;
    }
    return true;
  };
}
