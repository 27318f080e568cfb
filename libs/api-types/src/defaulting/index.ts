export { type PrepareForCreateOptions, applyDefaults, hasDefaults, prepareForCreate } from './apply';
export {
  DEFAULT_TOLERATION_SECONDS,
  defaultContainer,
  defaultPod,
  defaultPodSpec,
  defaultPodTemplateSpec,
  defaultTolerationSeconds,
  defaultVolume,
  imageTag,
} from './pod';
export {
  DEFAULT_CLIENT_IP_SERVICE_AFFINITY_SECONDS,
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
export { defaultDaemonSet, defaultDeployment, defaultReplicaSet, defaultStatefulSet } from './apps';
export { defaultCronJob, defaultJob } from './batch';
export { type ServiceIPFamilyOptions, generateJobSelector, prepareNamespaceForCreate, prepareServiceForCreate } from './strategy';
export { canonicalQuantity, defaultResourceList } from './resources';
