import { labelSelectorAsSelector } from '@tskube/api-types';
import { ApiError } from './errors';
import type { ServedResource, SubresourceHandler } from './rest/handler';
import type { ApiObject } from './storage/codec';

type Selector = { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };

/**
 * The `scale` subresource of deployments, replicasets, statefulsets and replicationcontrollers:
 * an autoscaling/v1 Scale whose spec.replicas reads and writes the object's spec.replicas, and
 * whose status carries the current replicas and the selector in its string form.
 */
export const scaleSubresource: SubresourceHandler = {
  kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
  get(_resource: ServedResource, obj: ApiObject): ApiObject {
    const spec = (obj.spec ?? {}) as { replicas?: number; selector?: Selector | Record<string, string> };
    const status = (obj.status ?? {}) as { replicas?: number };
    const meta = obj.metadata ?? {};
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name: meta.name,
        namespace: meta.namespace,
        uid: meta.uid,
        resourceVersion: meta.resourceVersion,
        creationTimestamp: meta.creationTimestamp,
      },
      spec: { replicas: spec.replicas ?? 0 },
      status: { replicas: status.replicas ?? 0, selector: selectorString(obj.kind === 'ReplicationController', spec.selector) },
    };
  },
  apply(resource: ServedResource, obj: ApiObject, sub: ApiObject): ApiObject {
    const replicas = (sub.spec as { replicas?: unknown } | undefined)?.replicas;
    const name = obj.metadata?.name ?? '';
    if (replicas === undefined || replicas === null) return obj;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas)) {
      throw ApiError.badRequest(`json: cannot unmarshal ${typeof replicas} into Go struct field ScaleSpec.spec.replicas of type int32`);
    }
    if (replicas < 0) {
      throw ApiError.invalid({ group: 'autoscaling', kind: 'Scale' }, name, [
        { type: 'Invalid', field: 'spec.replicas', value: replicas, detail: 'must be greater than or equal to 0' },
      ]);
    }
    void resource;
    return { ...obj, spec: { ...((obj.spec as object) ?? {}), replicas } };
  },
};

function selectorString(mapSelector: boolean, selector: Selector | Record<string, string> | undefined): string {
  if (!selector) return '';
  if (mapSelector) {
    return Object.keys(selector)
      .sort()
      .map((k) => `${k}=${(selector as Record<string, string>)[k]}`)
      .join(',');
  }
  try {
    return labelSelectorAsSelector(selector as Selector).toString();
  } catch {
    return '';
  }
}
