// Formats TypeScript cannot express: every `number` of a served kind is a Go integer, int32
// unless listed here as int64; strings listed as `byte` are base64 ([]byte in Go). From
// Kubernetes 1.33's Go types. Keyed by schema name, then property; a list or map property's
// format applies to its items.
export const FORMATS = {
  'io.k8s.api.apps.v1.ControllerRevision': {
    revision: 'int64',
  },
  'io.k8s.api.apps.v1.DaemonSetStatus': {
    observedGeneration: 'int64',
  },
  'io.k8s.api.apps.v1.DeploymentStatus': {
    observedGeneration: 'int64',
  },
  'io.k8s.api.apps.v1.ReplicaSetStatus': {
    observedGeneration: 'int64',
  },
  'io.k8s.api.apps.v1.StatefulSetStatus': {
    observedGeneration: 'int64',
  },
  'io.k8s.api.authentication.v1.TokenRequestSpec': {
    expirationSeconds: 'int64',
  },
  'io.k8s.api.autoscaling.v1.HorizontalPodAutoscalerStatus': {
    observedGeneration: 'int64',
  },
  'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus': {
    observedGeneration: 'int64',
  },
  'io.k8s.api.batch.v1.CronJobSpec': {
    startingDeadlineSeconds: 'int64',
  },
  'io.k8s.api.batch.v1.JobSpec': {
    activeDeadlineSeconds: 'int64',
  },
  'io.k8s.api.core.v1.ConfigMap': {
    binaryData: 'byte',
  },
  'io.k8s.api.core.v1.ContainerImage': {
    sizeBytes: 'int64',
  },
  'io.k8s.api.core.v1.PodLogOptions': {
    limitBytes: 'int64',
    sinceSeconds: 'int64',
    tailLines: 'int64',
  },
  'io.k8s.api.core.v1.PodSecurityContext': {
    fsGroup: 'int64',
    runAsGroup: 'int64',
    runAsUser: 'int64',
    supplementalGroups: 'int64',
  },
  'io.k8s.api.core.v1.PodSpec': {
    activeDeadlineSeconds: 'int64',
    terminationGracePeriodSeconds: 'int64',
  },
  'io.k8s.api.core.v1.Probe': {
    terminationGracePeriodSeconds: 'int64',
  },
  'io.k8s.api.core.v1.ReplicationControllerStatus': {
    observedGeneration: 'int64',
  },
  'io.k8s.api.core.v1.Secret': {
    data: 'byte',
  },
  'io.k8s.api.core.v1.SecurityContext': {
    runAsGroup: 'int64',
    runAsUser: 'int64',
  },
  'io.k8s.api.core.v1.ServiceAccountTokenProjection': {
    expirationSeconds: 'int64',
  },
  'io.k8s.api.core.v1.SleepAction': {
    seconds: 'int64',
  },
  'io.k8s.api.core.v1.Toleration': {
    tolerationSeconds: 'int64',
  },
  'io.k8s.api.policy.v1.PodDisruptionBudgetStatus': {
    observedGeneration: 'int64',
  },
  'io.k8s.api.storage.v1.TokenRequest': {
    expirationSeconds: 'int64',
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.Condition': {
    observedGeneration: 'int64',
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions': {
    gracePeriodSeconds: 'int64',
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta': {
    remainingItemCount: 'int64',
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': {
    deletionGracePeriodSeconds: 'int64',
    generation: 'int64',
  },
};
