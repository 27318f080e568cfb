import type * as apps from 'kubernetes-types/apps/v1';
import type * as batch from 'kubernetes-types/batch/v1';
import type * as core from 'kubernetes-types/core/v1';
import { type KindKey, parseKindKey } from '../validation/kind-key';
import { defaultDaemonSet, defaultDeployment, defaultReplicaSet, defaultStatefulSet } from './apps';
import { defaultCronJob, defaultJob } from './batch';
import {
  defaultConfigMap,
  defaultEndpoints,
  defaultLimitRange,
  defaultNamespace,
  defaultNode,
  defaultPersistentVolume,
  defaultPersistentVolumeClaim,
  defaultPodTemplate,
  defaultReplicationController,
  defaultSecret,
  defaultService,
} from './core';
import { defaultPod } from './pod';
import { type ServiceIPFamilyOptions, generateJobSelector, prepareNamespaceForCreate, prepareServiceForCreate } from './strategy';

type Defaulter = (obj: never) => unknown;
const d = <T>(fn: (obj: T) => unknown): Defaulter => fn as Defaulter;

/** Defaulters by `group/Kind`. */
const defaulters = new Map<string, Defaulter>([
  ['/Pod', d<core.Pod>(defaultPod)],
  ['/Service', d<core.Service>(defaultService)],
  ['/Namespace', d<core.Namespace>(defaultNamespace)],
  ['/Secret', d<core.Secret>(defaultSecret)],
  ['/ConfigMap', d<core.ConfigMap>(defaultConfigMap)],
  ['/ReplicationController', d<core.ReplicationController>(defaultReplicationController)],
  ['/PodTemplate', d<core.PodTemplate>(defaultPodTemplate)],
  ['/Endpoints', d<core.Endpoints>(defaultEndpoints)],
  ['/PersistentVolumeClaim', d<core.PersistentVolumeClaim>(defaultPersistentVolumeClaim)],
  ['/PersistentVolume', d<core.PersistentVolume>(defaultPersistentVolume)],
  ['/Node', d<core.Node>(defaultNode)],
  ['/LimitRange', d<core.LimitRange>(defaultLimitRange)],
  ['apps/Deployment', d<apps.Deployment>(defaultDeployment)],
  ['apps/ReplicaSet', d<apps.ReplicaSet>(defaultReplicaSet)],
  ['apps/StatefulSet', d<apps.StatefulSet>(defaultStatefulSet)],
  ['apps/DaemonSet', d<apps.DaemonSet>(defaultDaemonSet)],
  ['batch/Job', d<batch.Job>(defaultJob)],
  ['batch/CronJob', d<batch.CronJob>(defaultCronJob)],
]);

/** Whether `applyDefaults` has defaults for the kind. */
export function hasDefaults(kindKey: KindKey): boolean {
  const k = parseKindKey(kindKey);
  return defaulters.has(`${k.group}/${k.kind}`);
}

/**
 * Applies the kind's Kubernetes defaults to `obj` **in place** (as Kubernetes' defaulters do on
 * decode) and returns the same object; pass `structuredClone(obj)` to keep the original.
 * Idempotent. Kinds without defaults are returned untouched. Run on every decode of a request
 * body (create, update, patch result), before validation.
 */
export function applyDefaults<T>(kindKey: KindKey, obj: T): T {
  const k = parseKindKey(kindKey);
  const fn = defaulters.get(`${k.group}/${k.kind}`);
  if (fn && obj && typeof obj === 'object') fn(obj as never);
  return obj;
}

/** Options of `prepareForCreate`: the cluster's service IP families. */
export type PrepareForCreateOptions = ServiceIPFamilyOptions;

/**
 * The create-only preparation of Kubernetes' REST strategies that validation depends on, in
 * place: a Namespace's `kubernetes` finalizer and Active phase, a Job's generated selector and
 * labels (the object must have its uid), a Service's consistent cluster IPs and IP families.
 * Other kinds are returned untouched. Run after `applyDefaults`, before `validate`.
 */
export function prepareForCreate<T>(kindKey: KindKey, obj: T, opts: PrepareForCreateOptions = {}): T {
  const k = parseKindKey(kindKey);
  switch (`${k.group}/${k.kind}`) {
    case '/Namespace':
      prepareNamespaceForCreate(obj as core.Namespace);
      break;
    case 'batch/Job':
      generateJobSelector(obj as batch.Job);
      break;
    case '/Service':
      prepareServiceForCreate(obj as core.Service, opts);
      break;
  }
  return obj;
}
