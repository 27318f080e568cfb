import type * as apps from 'kubernetes-types/apps/v1';
import type * as batch from 'kubernetes-types/batch/v1';
import type * as core from 'kubernetes-types/core/v1';
import type { ObjectMeta } from 'kubernetes-types/meta/v1';
import {
  validateControllerRevision,
  validateControllerRevisionUpdate,
  validateDaemonSet,
  validateDaemonSetUpdate,
  validateDeployment,
  validateDeploymentUpdate,
  validateReplicaSet,
  validateReplicaSetUpdate,
  validateStatefulSet,
  validateStatefulSetUpdate,
} from './apps';
import { validateCronJob, validateCronJobUpdate, validateJob, validateJobUpdate } from './batch';
import {
  validateConfigMap,
  validateConfigMapUpdate,
  validateEndpoints,
  validateNamespace,
  validateNode,
  validateNodeUpdate,
  validatePersistentVolumeClaim,
  validatePodTemplate,
  validateReplicationController,
  validateSecret,
  validateSecretUpdate,
  validateServiceAccount,
} from './core';
import type { FieldError } from './field';
import { type KindKey, parseKindKey } from './kind-key';
import { nameIsDNSSubdomain } from './name';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta';
import { validatePodCreate, validatePodUpdate } from './pod';
import { validateService, validateServiceUpdate } from './service';

/** Options of `validate` for kinds it has no rules for. */
export interface ValidateOptions {
  /**
   * Scope of a kind validate does not know: true requires metadata.namespace, false forbids it,
   * undefined leaves it unchecked. Ignored for known kinds, whose scope is fixed.
   */
  namespaced?: boolean;
}

interface KindRules {
  create(obj: never): FieldError[];
  /** Update rules; absent means metadata update rules plus the create rules. */
  update?(obj: never, old: never): FieldError[];
}

const rule = <T>(create: (o: T) => FieldError[], update?: (o: T, old: T) => FieldError[]): KindRules =>
  ({ create, update }) as unknown as KindRules;

const withMetaUpdate =
  <T extends { metadata?: ObjectMeta }>(create: (o: T) => FieldError[]) =>
  (o: T, old: T): FieldError[] => [
    ...validateObjectMetaUpdate(o.metadata, old.metadata),
    ...create(o).filter((e) => !e.field.startsWith('metadata.')),
  ];

/** Rules by `group/Kind`. */
const kinds = new Map<string, KindRules>([
  ['/Pod', rule<core.Pod>(validatePodCreate, validatePodUpdate)],
  ['/Service', rule<core.Service>(validateService, validateServiceUpdate)],
  ['/Namespace', rule<core.Namespace>(validateNamespace, (o, old) => validateObjectMetaUpdate(o.metadata, old.metadata))],
  ['/ConfigMap', rule<core.ConfigMap>(validateConfigMap, validateConfigMapUpdate)],
  ['/Secret', rule<core.Secret>(validateSecret, validateSecretUpdate)],
  ['/ServiceAccount', rule<core.ServiceAccount>(validateServiceAccount, withMetaUpdate(validateServiceAccount))],
  ['/Node', rule<core.Node>(validateNode, validateNodeUpdate)],
  ['/Endpoints', rule<core.Endpoints>(validateEndpoints, withMetaUpdate(validateEndpoints))],
  ['/PersistentVolumeClaim', rule<core.PersistentVolumeClaim>(validatePersistentVolumeClaim, withMetaUpdate(validatePersistentVolumeClaim))],
  ['/PodTemplate', rule<core.PodTemplate>(validatePodTemplate, withMetaUpdate(validatePodTemplate))],
  ['/ReplicationController', rule<core.ReplicationController>(validateReplicationController, withMetaUpdate(validateReplicationController))],
  ['apps/Deployment', rule<apps.Deployment>(validateDeployment, validateDeploymentUpdate)],
  ['apps/ReplicaSet', rule<apps.ReplicaSet>(validateReplicaSet, validateReplicaSetUpdate)],
  ['apps/StatefulSet', rule<apps.StatefulSet>(validateStatefulSet, validateStatefulSetUpdate)],
  ['apps/DaemonSet', rule<apps.DaemonSet>(validateDaemonSet, validateDaemonSetUpdate)],
  ['apps/ControllerRevision', rule<apps.ControllerRevision>(validateControllerRevision, validateControllerRevisionUpdate)],
  ['batch/Job', rule<batch.Job>(validateJob, validateJobUpdate)],
  ['batch/CronJob', rule<batch.CronJob>(validateCronJob, validateCronJobUpdate)],
]);

/** Whether `validate` has kind-specific rules for the kind (otherwise it checks metadata only). */
export function hasValidation(kindKey: KindKey): boolean {
  const k = parseKindKey(kindKey);
  return kinds.has(`${k.group}/${k.kind}`);
}

/**
 * Validates an object of the given kind as the apiserver does before it stores it: with `old`,
 * as an update of `old`; without, as a create. The object must already be defaulted (see
 * `applyDefaults`) and have the fields the apiserver fills before validating (a name generated
 * from generateName, allocated cluster IPs, a Job's generated selector). Kinds without rules get
 * metadata validation only (names as DNS subdomains). Returns the errors in Kubernetes' order;
 * empty means valid. Pure: neither object is modified.
 */
export function validate(kindKey: KindKey, obj: unknown, old?: unknown, opts: ValidateOptions = {}): FieldError[] {
  const k = parseKindKey(kindKey);
  const rules = kinds.get(`${k.group}/${k.kind}`);
  if (rules) {
    if (old === undefined) return rules.create(obj as never);
    return rules.update ? rules.update(obj as never, old as never) : rules.create(obj as never);
  }
  const meta = (obj as { metadata?: ObjectMeta } | undefined)?.metadata;
  if (old !== undefined) {
    return validateObjectMetaUpdate(meta, (old as { metadata?: ObjectMeta }).metadata, { kubeFinalizerNames: false });
  }
  const namespaced = opts.namespaced ?? Boolean(meta?.namespace);
  return validateObjectMeta(meta, { namespaced, nameValidator: nameIsDNSSubdomain, kubeFinalizerNames: false });
}
