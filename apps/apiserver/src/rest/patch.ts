import fastJsonPatch, { type Operation } from 'fast-json-patch';
import { ApiError } from '../errors';
import { isObject } from './body';

const { applyPatch, JsonPatchError } = fastJsonPatch;

export const PatchType = {
  Json: 'application/json-patch+json',
  Merge: 'application/merge-patch+json',
  StrategicMerge: 'application/strategic-merge-patch+json',
  Apply: 'application/apply-patch+yaml',
} as const;

export const patchTypes = [PatchType.Json, PatchType.Merge, PatchType.StrategicMerge, PatchType.Apply];

/** RFC 7386 JSON merge patch: objects merge recursively, null deletes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

/** Applies a patch body of the given type to `current`, returning the patched object. */
export function applyPatchBody(type: string, current: Record<string, unknown>, body: Buffer): Record<string, unknown> {
  let patch: unknown;
  try {
    patch = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw ApiError.badRequest(`error decoding patch: ${(err as Error).message}`);
  }
  switch (type) {
    case PatchType.Merge:
    case PatchType.StrategicMerge: {
      if (!isObject(patch)) throw ApiError.badRequest('json: cannot unmarshal into Go value of type map[string]interface {}');
      // Until strategic merge lands, a strategic patch is applied as a merge patch, but only when
      // both give the same result: no directives ($patch, $setElementOrder/..., $retainKeys) and
      // no list of objects (which strategic merge would merge by key, not replace). Objects
      // marked `$patch: replace` are the exception: they replace what is there wholesale, lists
      // inside them included, which needs no list merging (kubectl rollout undo of StatefulSets
      // and DaemonSets sends such a patch of spec.template).
      if (type === PatchType.StrategicMerge && !replaceOnly(patch)) {
        throw ApiError.unsupportedMediaType(type, [PatchType.Json, PatchType.Merge]);
      }
      const result = type === PatchType.StrategicMerge ? strategicReplaceMerge(current, patch) : mergePatch(current, patch);
      if (!isObject(result)) throw ApiError.badRequest('the patch does not produce an object');
      return result;
    }
    case PatchType.Json: {
      if (!Array.isArray(patch)) throw ApiError.badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
      try {
        const doc = structuredClone(current);
        const result = applyPatch(doc, patch as Operation[], true, true).newDocument as unknown;
        if (!isObject(result)) throw ApiError.badRequest('the patch does not produce an object');
        return result;
      } catch (err) {
        if (err instanceof ApiError) throw err;
        if (err instanceof JsonPatchError) {
          // Kubernetes answers a failed JSON patch operation (e.g. a test that does not hold,
          // a path that is missing) with 422 Invalid.
          throw ApiError.of(422, 'Invalid', `the server rejected our request due to an error in our request: ${jsonPatchMessage(err)}`);
        }
        throw ApiError.badRequest(String((err as Error).message ?? err));
      }
    }
    default:
      throw ApiError.unsupportedMediaType(type, patchTypes.slice(0, 3));
  }
}

function jsonPatchMessage(err: InstanceType<typeof JsonPatchError>): string {
  switch (err.name) {
    case 'TEST_OPERATION_FAILED':
      return 'testing value failed';
    case 'OPERATION_PATH_UNRESOLVABLE':
      return `remove operation does not apply: doc is missing path: "${err.operation?.path ?? ''}"`;
    default:
      return err.message.split('\n')[0];
  }
}

/**
 * Whether a strategic merge patch means the same as a merge patch once `$patch: replace` objects
 * replace wholesale: no other directive anywhere, nothing inside a replaced object that is a
 * directive, and lists of objects only inside replaced objects.
 */
function replaceOnly(patch: Record<string, unknown>): boolean {
  if ('$patch' in patch) {
    if (patch.$patch !== 'replace') return false;
    const { $patch: _directive, ...rest } = patch;
    return findDirectives(rest).length === 0;
  }
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$')) return false;
    if (Array.isArray(value) ? hasObjectList(value) : isObject(value) && !replaceOnly(value)) return false;
  }
  return true;
}

/** A merge patch in which objects carrying `$patch: replace` replace their target instead of merging into it. */
function strategicReplaceMerge(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  if (patch.$patch === 'replace') {
    const { $patch: _directive, ...rest } = patch;
    return rest;
  }
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = strategicReplaceMerge(out[key], value);
  }
  return out;
}

function findDirectives(patch: Record<string, unknown>): string[] {
  const found: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (isObject(v)) {
      for (const [k, inner] of Object.entries(v)) {
        if (k.startsWith('$')) found.push(k);
        walk(inner);
      }
    }
  };
  walk(patch);
  return found;
}

function hasObjectList(v: unknown): boolean {
  if (Array.isArray(v)) return v.some((x) => isObject(x) || Array.isArray(x)) || v.some(hasObjectList);
  if (isObject(v)) return Object.values(v).some(hasObjectList);
  return false;
}
