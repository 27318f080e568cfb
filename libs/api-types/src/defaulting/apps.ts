import type { DaemonSet, Deployment, ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1';
import { defaultPersistentVolumeClaimSpec, defaultPodTemplateSpec } from './pod';

/**
 * apps/v1 defaulting as Kubernetes' SetDefaults_* for apps/v1 (v1.30; StatefulSetAutoDeletePVC
 * on, MaxUnavailableStatefulSet off). Each function mutates and returns its argument, is
 * idempotent, and defaults the pod template as a PodSpec (templates get no enableServiceLinks:
 * that default is the Pod's own).
 */

/**
 * One replica, RollingUpdate with maxUnavailable and maxSurge 25%, revisionHistoryLimit 10,
 * progressDeadlineSeconds 600.
 */
export function defaultDeployment(d: Deployment): Deployment {
  const spec = (d.spec ??= {} as NonNullable<Deployment['spec']>);
  if (spec.replicas === undefined) spec.replicas = 1;
  const strategy = (spec.strategy ??= {});
  if (!strategy.type) strategy.type = 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru = (strategy.rollingUpdate ??= {});
    if (ru.maxUnavailable === undefined) ru.maxUnavailable = '25%';
    if (ru.maxSurge === undefined) ru.maxSurge = '25%';
  }
  if (spec.revisionHistoryLimit === undefined) spec.revisionHistoryLimit = 10;
  if (spec.progressDeadlineSeconds === undefined) spec.progressDeadlineSeconds = 600;
  defaultPodTemplateSpec((spec.template ??= {}));
  return d;
}

/** One replica. */
export function defaultReplicaSet(rs: ReplicaSet): ReplicaSet {
  const spec = (rs.spec ??= {} as NonNullable<ReplicaSet['spec']>);
  if (spec.replicas === undefined) spec.replicas = 1;
  defaultPodTemplateSpec((spec.template ??= {}));
  return rs;
}

/** RollingUpdate with maxUnavailable 1 and maxSurge 0, revisionHistoryLimit 10. */
export function defaultDaemonSet(ds: DaemonSet): DaemonSet {
  const spec = (ds.spec ??= {} as NonNullable<DaemonSet['spec']>);
  const us = (spec.updateStrategy ??= {});
  if (!us.type) us.type = 'RollingUpdate';
  if (us.type === 'RollingUpdate') {
    const ru = (us.rollingUpdate ??= {});
    if (ru.maxUnavailable === undefined) ru.maxUnavailable = 1;
    if (ru.maxSurge === undefined) ru.maxSurge = 0;
  }
  if (spec.revisionHistoryLimit === undefined) spec.revisionHistoryLimit = 10;
  defaultPodTemplateSpec((spec.template ??= {}));
  return ds;
}

/**
 * podManagementPolicy OrderedReady, RollingUpdate with partition 0, PVC retention Retain/Retain,
 * one replica, revisionHistoryLimit 10; claim templates get PVC spec defaults.
 */
export function defaultStatefulSet(ss: StatefulSet): StatefulSet {
  const spec = (ss.spec ??= {} as NonNullable<StatefulSet['spec']>);
  if (!spec.podManagementPolicy) spec.podManagementPolicy = 'OrderedReady';
  const us = (spec.updateStrategy ??= {});
  if (!us.type) {
    us.type = 'RollingUpdate';
    us.rollingUpdate ??= {};
  }
  if (us.type === 'RollingUpdate' && us.rollingUpdate && us.rollingUpdate.partition === undefined) us.rollingUpdate.partition = 0;
  const retention = (spec.persistentVolumeClaimRetentionPolicy ??= {});
  if (!retention.whenDeleted) retention.whenDeleted = 'Retain';
  if (!retention.whenScaled) retention.whenScaled = 'Retain';
  if (spec.replicas === undefined) spec.replicas = 1;
  if (spec.revisionHistoryLimit === undefined) spec.revisionHistoryLimit = 10;
  defaultPodTemplateSpec((spec.template ??= {}));
  for (const claim of spec.volumeClaimTemplates ?? []) {
    defaultPersistentVolumeClaimSpec((claim.spec ??= {}));
    const status = ((claim as { status?: { phase?: string } }).status ??= {});
    if (!status.phase) status.phase = 'Pending';
  }
  return ss;
}
