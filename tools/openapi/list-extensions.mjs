// List and map semantics of the served types, as Kubernetes 1.33 publishes them in its OpenAPI
// documents (from the Go types' `patchStrategy`/`patchMergeKey` tags and `+listType`,
// `+listMapKey`, `+mapType`, `+structType` markers, which `kubernetes-types` drops). kubectl's
// strategic merge patch reads the patch keys; server-side apply reads the list and map types.
// Keyed by schema name, then property. Entries for types no served kind reaches are skipped;
// the generator fails on a property a generated schema lacks.
//
//   strategy  x-kubernetes-patch-strategy   (merge, retainKeys, merge,retainKeys, replace)
//   mergeKey  x-kubernetes-patch-merge-key
//   listType  x-kubernetes-list-type        (atomic, set, map)
//   mapKeys   x-kubernetes-list-map-keys
//   mapType   x-kubernetes-map-type         (atomic, granular)

/** Per property. */
export const LIST_EXTENSIONS = {
  'io.k8s.api.apps.v1.DaemonSetStatus': {
    conditions: { strategy: 'merge', mergeKey: 'type', listType: 'map', mapKeys: ['type'] },
  },
  'io.k8s.api.apps.v1.DeploymentSpec': {
    strategy: { strategy: 'retainKeys' },
  },
  'io.k8s.api.apps.v1.DeploymentStatus': {
    conditions: { strategy: 'merge', mergeKey: 'type', listType: 'map', mapKeys: ['type'] },
  },
  'io.k8s.api.apps.v1.ReplicaSetStatus': {
    conditions: { strategy: 'merge', mergeKey: 'type', listType: 'map', mapKeys: ['type'] },
  },
  'io.k8s.api.apps.v1.StatefulSetSpec': {
    volumeClaimTemplates: { listType: 'atomic' },
  },
  'io.k8s.api.apps.v1.StatefulSetStatus': {
    conditions: { strategy: 'merge', mergeKey: 'type', listType: 'map', mapKeys: ['type'] },
  },
  'io.k8s.api.authentication.v1.TokenRequestSpec': {
    audiences: { listType: 'atomic' },
  },
  'io.k8s.api.autoscaling.v2.HPAScalingRules': {
    policies: { listType: 'atomic' },
  },
  'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec': {
    metrics: { listType: 'atomic' },
  },
  'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus': {
    conditions: { strategy: 'merge', mergeKey: 'type', listType: 'map', mapKeys: ['type'] },
    currentMetrics: { listType: 'atomic' },
  },
  'io.k8s.api.batch.v1.CronJobStatus': {
    active: { listType: 'atomic' },
  },
  'io.k8s.api.batch.v1.JobStatus': {
    conditions: { strategy: 'merge', mergeKey: 'type', listType: 'atomic' },
  },
  'io.k8s.api.batch.v1.PodFailurePolicy': {
    rules: { listType: 'atomic' },
  },
  'io.k8s.api.batch.v1.PodFailurePolicyOnExitCodesRequirement': {
    values: { listType: 'set' },
  },
  'io.k8s.api.batch.v1.PodFailurePolicyRule': {
    onPodConditions: { listType: 'atomic' },
  },
  'io.k8s.api.batch.v1.SuccessPolicy': {
    rules: { listType: 'atomic' },
  },
  'io.k8s.api.batch.v1.UncountedTerminatedPods': {
    failed: { listType: 'set' },
    succeeded: { listType: 'set' },
  },
  'io.k8s.api.core.v1.Capabilities': {
    add: { listType: 'atomic' },
    drop: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.CephFSPersistentVolumeSource': {
    monitors: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.CephFSVolumeSource': {
    monitors: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.ComponentStatus': {
    conditions: { strategy: 'merge', mergeKey: 'type', listType: 'map', mapKeys: ['type'] },
  },
  'io.k8s.api.core.v1.ConfigMapProjection': {
    items: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.ConfigMapVolumeSource': {
    items: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.Container': {
    args: { listType: 'atomic' },
    command: { listType: 'atomic' },
    env: { strategy: 'merge', mergeKey: 'name', listType: 'map', mapKeys: ['name'] },
    envFrom: { listType: 'atomic' },
    ports: { strategy: 'merge', mergeKey: 'containerPort', listType: 'map', mapKeys: ['containerPort', 'protocol'] },
    resizePolicy: { listType: 'atomic' },
    volumeDevices: { strategy: 'merge', mergeKey: 'devicePath', listType: 'map', mapKeys: ['devicePath'] },
    volumeMounts: { strategy: 'merge', mergeKey: 'mountPath', listType: 'map', mapKeys: ['mountPath'] },
  },
  'io.k8s.api.core.v1.ContainerImage': {
    names: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.ContainerStatus': {
    volumeMounts: { strategy: 'merge', mergeKey: 'mountPath', listType: 'map', mapKeys: ['mountPath'] },
  },
  'io.k8s.api.core.v1.DownwardAPIProjection': {
    items: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.DownwardAPIVolumeSource': {
    items: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.EndpointSubset': {
    addresses: { listType: 'atomic' },
    notReadyAddresses: { listType: 'atomic' },
    ports: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.Endpoints': {
    subsets: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.EphemeralContainer': {
    args: { listType: 'atomic' },
    command: { listType: 'atomic' },
    env: { strategy: 'merge', mergeKey: 'name', listType: 'map', mapKeys: ['name'] },
    envFrom: { listType: 'atomic' },
    ports: { strategy: 'merge', mergeKey: 'containerPort', listType: 'map', mapKeys: ['containerPort', 'protocol'] },
    resizePolicy: { listType: 'atomic' },
    volumeDevices: { strategy: 'merge', mergeKey: 'devicePath', listType: 'map', mapKeys: ['devicePath'] },
    volumeMounts: { strategy: 'merge', mergeKey: 'mountPath', listType: 'map', mapKeys: ['mountPath'] },
  },
  'io.k8s.api.core.v1.ExecAction': {
    command: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.FCVolumeSource': {
    targetWWNs: { listType: 'atomic' },
    wwids: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.HTTPGetAction': {
    httpHeaders: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.HostAlias': {
    hostnames: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.ISCSIPersistentVolumeSource': {
    portals: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.ISCSIVolumeSource': {
    portals: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.LimitRangeSpec': {
    limits: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.LoadBalancerIngress': {
    ports: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.LoadBalancerStatus': {
    ingress: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.NamespaceSpec': {
    finalizers: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.NamespaceStatus': {
    conditions: { strategy: 'merge', mergeKey: 'type', listType: 'map', mapKeys: ['type'] },
  },
  'io.k8s.api.core.v1.NodeAffinity': {
    preferredDuringSchedulingIgnoredDuringExecution: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.NodeSelector': {
    nodeSelectorTerms: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.NodeSelectorRequirement': {
    values: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.NodeSelectorTerm': {
    matchExpressions: { listType: 'atomic' },
    matchFields: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.NodeSpec': {
    podCIDRs: { strategy: 'merge', listType: 'set' },
    taints: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.NodeStatus': {
    addresses: { strategy: 'merge', mergeKey: 'type', listType: 'map', mapKeys: ['type'] },
    conditions: { strategy: 'merge', mergeKey: 'type', listType: 'map', mapKeys: ['type'] },
    images: { listType: 'atomic' },
    runtimeHandlers: { listType: 'atomic' },
    volumesAttached: { listType: 'atomic' },
    volumesInUse: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.PersistentVolumeClaimSpec': {
    accessModes: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.PersistentVolumeClaimStatus': {
    accessModes: { listType: 'atomic' },
    allocatedResourceStatuses: { mapType: 'granular' },
    conditions: { strategy: 'merge', mergeKey: 'type', listType: 'map', mapKeys: ['type'] },
  },
  'io.k8s.api.core.v1.PersistentVolumeSpec': {
    accessModes: { listType: 'atomic' },
    claimRef: { mapType: 'granular' },
    mountOptions: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.PodAffinity': {
    preferredDuringSchedulingIgnoredDuringExecution: { listType: 'atomic' },
    requiredDuringSchedulingIgnoredDuringExecution: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.PodAffinityTerm': {
    matchLabelKeys: { listType: 'atomic' },
    mismatchLabelKeys: { listType: 'atomic' },
    namespaces: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.PodAntiAffinity': {
    preferredDuringSchedulingIgnoredDuringExecution: { listType: 'atomic' },
    requiredDuringSchedulingIgnoredDuringExecution: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.PodDNSConfig': {
    nameservers: { listType: 'atomic' },
    options: { listType: 'atomic' },
    searches: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.PodExecOptions': {
    command: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.PodPortForwardOptions': {
    ports: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.PodSecurityContext': {
    supplementalGroups: { listType: 'atomic' },
    sysctls: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.PodSpec': {
    containers: { strategy: 'merge', mergeKey: 'name', listType: 'map', mapKeys: ['name'] },
    ephemeralContainers: { strategy: 'merge', mergeKey: 'name', listType: 'map', mapKeys: ['name'] },
    hostAliases: { strategy: 'merge', mergeKey: 'ip', listType: 'map', mapKeys: ['ip'] },
    imagePullSecrets: { strategy: 'merge', mergeKey: 'name', listType: 'map', mapKeys: ['name'] },
    initContainers: { strategy: 'merge', mergeKey: 'name', listType: 'map', mapKeys: ['name'] },
    nodeSelector: { mapType: 'atomic' },
    readinessGates: { listType: 'atomic' },
    resourceClaims: { strategy: 'merge,retainKeys', mergeKey: 'name', listType: 'map', mapKeys: ['name'] },
    schedulingGates: { strategy: 'merge', mergeKey: 'name', listType: 'map', mapKeys: ['name'] },
    tolerations: { listType: 'atomic' },
    topologySpreadConstraints: { strategy: 'merge', mergeKey: 'topologyKey', listType: 'map', mapKeys: ['topologyKey', 'whenUnsatisfiable'] },
    volumes: { strategy: 'merge,retainKeys', mergeKey: 'name', listType: 'map', mapKeys: ['name'] },
  },
  'io.k8s.api.core.v1.PodStatus': {
    conditions: { strategy: 'merge', mergeKey: 'type', listType: 'map', mapKeys: ['type'] },
    containerStatuses: { listType: 'atomic' },
    ephemeralContainerStatuses: { listType: 'atomic' },
    hostIPs: { strategy: 'merge', mergeKey: 'ip', listType: 'atomic' },
    initContainerStatuses: { listType: 'atomic' },
    podIPs: { strategy: 'merge', mergeKey: 'ip', listType: 'map', mapKeys: ['ip'] },
    resourceClaimStatuses: { strategy: 'merge,retainKeys', mergeKey: 'name', listType: 'map', mapKeys: ['name'] },
  },
  'io.k8s.api.core.v1.ProjectedVolumeSource': {
    sources: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.RBDPersistentVolumeSource': {
    monitors: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.RBDVolumeSource': {
    monitors: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.ReplicationControllerSpec': {
    selector: { mapType: 'atomic' },
  },
  'io.k8s.api.core.v1.ReplicationControllerStatus': {
    conditions: { strategy: 'merge', mergeKey: 'type', listType: 'map', mapKeys: ['type'] },
  },
  'io.k8s.api.core.v1.ResourceQuotaSpec': {
    scopes: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.ResourceRequirements': {
    claims: { listType: 'map', mapKeys: ['name'] },
  },
  'io.k8s.api.core.v1.ScopeSelector': {
    matchExpressions: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.ScopedResourceSelectorRequirement': {
    values: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.SecretProjection': {
    items: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.SecretVolumeSource': {
    items: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.ServiceAccount': {
    imagePullSecrets: { listType: 'atomic' },
    secrets: { strategy: 'merge', mergeKey: 'name', listType: 'map', mapKeys: ['name'] },
  },
  'io.k8s.api.core.v1.ServiceSpec': {
    clusterIPs: { listType: 'atomic' },
    externalIPs: { listType: 'atomic' },
    ipFamilies: { listType: 'atomic' },
    loadBalancerSourceRanges: { listType: 'atomic' },
    ports: { strategy: 'merge', mergeKey: 'port', listType: 'map', mapKeys: ['port', 'protocol'] },
    selector: { mapType: 'atomic' },
  },
  'io.k8s.api.core.v1.ServiceStatus': {
    conditions: { strategy: 'merge', mergeKey: 'type', listType: 'map', mapKeys: ['type'] },
  },
  'io.k8s.api.core.v1.TopologySelectorLabelRequirement': {
    values: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.TopologySelectorTerm': {
    matchLabelExpressions: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.TopologySpreadConstraint': {
    matchLabelKeys: { listType: 'atomic' },
  },
  'io.k8s.api.discovery.v1.Endpoint': {
    addresses: { listType: 'set' },
  },
  'io.k8s.api.discovery.v1.EndpointHints': {
    forZones: { listType: 'atomic' },
  },
  'io.k8s.api.discovery.v1.EndpointSlice': {
    endpoints: { listType: 'atomic' },
    ports: { listType: 'atomic' },
  },
  'io.k8s.api.networking.v1.HTTPIngressRuleValue': {
    paths: { listType: 'atomic' },
  },
  'io.k8s.api.networking.v1.IPBlock': {
    except: { listType: 'atomic' },
  },
  'io.k8s.api.networking.v1.IngressLoadBalancerIngress': {
    ports: { listType: 'atomic' },
  },
  'io.k8s.api.networking.v1.IngressLoadBalancerStatus': {
    ingress: { listType: 'atomic' },
  },
  'io.k8s.api.networking.v1.IngressSpec': {
    rules: { listType: 'atomic' },
    tls: { listType: 'atomic' },
  },
  'io.k8s.api.networking.v1.IngressTLS': {
    hosts: { listType: 'atomic' },
  },
  'io.k8s.api.networking.v1.NetworkPolicyEgressRule': {
    ports: { listType: 'atomic' },
    to: { listType: 'atomic' },
  },
  'io.k8s.api.networking.v1.NetworkPolicyIngressRule': {
    from: { listType: 'atomic' },
    ports: { listType: 'atomic' },
  },
  'io.k8s.api.networking.v1.NetworkPolicySpec': {
    egress: { listType: 'atomic' },
    ingress: { listType: 'atomic' },
    policyTypes: { listType: 'atomic' },
  },
  'io.k8s.api.networking.v1.ServiceCIDRSpec': {
    cidrs: { listType: 'atomic' },
  },
  'io.k8s.api.networking.v1.ServiceCIDRStatus': {
    conditions: { strategy: 'merge', mergeKey: 'type', listType: 'map', mapKeys: ['type'] },
  },
  'io.k8s.api.policy.v1.PodDisruptionBudgetSpec': {
    selector: { strategy: 'replace' },
  },
  'io.k8s.api.policy.v1.PodDisruptionBudgetStatus': {
    conditions: { strategy: 'merge', mergeKey: 'type', listType: 'map', mapKeys: ['type'] },
  },
  'io.k8s.api.rbac.v1.AggregationRule': {
    clusterRoleSelectors: { listType: 'atomic' },
  },
  'io.k8s.api.rbac.v1.ClusterRole': {
    rules: { listType: 'atomic' },
  },
  'io.k8s.api.rbac.v1.ClusterRoleBinding': {
    subjects: { listType: 'atomic' },
  },
  'io.k8s.api.rbac.v1.PolicyRule': {
    apiGroups: { listType: 'atomic' },
    nonResourceURLs: { listType: 'atomic' },
    resourceNames: { listType: 'atomic' },
    resources: { listType: 'atomic' },
    verbs: { listType: 'atomic' },
  },
  'io.k8s.api.rbac.v1.Role': {
    rules: { listType: 'atomic' },
  },
  'io.k8s.api.rbac.v1.RoleBinding': {
    subjects: { listType: 'atomic' },
  },
  'io.k8s.api.storage.v1.CSIDriverSpec': {
    tokenRequests: { listType: 'atomic' },
    volumeLifecycleModes: { listType: 'set' },
  },
  'io.k8s.api.storage.v1.CSINodeDriver': {
    topologyKeys: { listType: 'atomic' },
  },
  'io.k8s.api.storage.v1.CSINodeSpec': {
    drivers: { strategy: 'merge', mergeKey: 'name', listType: 'map', mapKeys: ['name'] },
  },
  'io.k8s.api.storage.v1.StorageClass': {
    allowedTopologies: { listType: 'atomic' },
    mountOptions: { listType: 'atomic' },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.APIResource': {
    categories: { listType: 'atomic' },
    shortNames: { listType: 'atomic' },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.APIResourceList': {
    resources: { listType: 'atomic' },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions': {
    dryRun: { listType: 'atomic' },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector': {
    matchExpressions: { listType: 'atomic' },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement': {
    values: { listType: 'atomic' },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': {
    finalizers: { strategy: 'merge', listType: 'set' },
    managedFields: { listType: 'atomic' },
    ownerReferences: { strategy: 'merge', mergeKey: 'uid', listType: 'map', mapKeys: ['uid'] },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.StatusDetails': {
    causes: { listType: 'atomic' },
  },
};

/** Per type: structs Kubernetes marks `+structType=atomic`, replaced whole by apply. */
export const TYPE_EXTENSIONS = {
  'io.k8s.api.autoscaling.v1.CrossVersionObjectReference': { mapType: 'atomic' },
  'io.k8s.api.core.v1.ConfigMapKeySelector': { mapType: 'atomic' },
  'io.k8s.api.core.v1.EndpointAddress': { mapType: 'atomic' },
  'io.k8s.api.core.v1.EndpointPort': { mapType: 'atomic' },
  'io.k8s.api.core.v1.LocalObjectReference': { mapType: 'atomic' },
  'io.k8s.api.core.v1.NodeSelector': { mapType: 'atomic' },
  'io.k8s.api.core.v1.NodeSelectorTerm': { mapType: 'atomic' },
  'io.k8s.api.core.v1.ObjectFieldSelector': { mapType: 'atomic' },
  'io.k8s.api.core.v1.ObjectReference': { mapType: 'atomic' },
  'io.k8s.api.core.v1.ResourceFieldSelector': { mapType: 'atomic' },
  'io.k8s.api.core.v1.ScopeSelector': { mapType: 'atomic' },
  'io.k8s.api.core.v1.SecretKeySelector': { mapType: 'atomic' },
  'io.k8s.api.core.v1.SecretReference': { mapType: 'atomic' },
  'io.k8s.api.core.v1.TopologySelectorTerm': { mapType: 'atomic' },
  'io.k8s.api.core.v1.TypedLocalObjectReference': { mapType: 'atomic' },
  'io.k8s.api.discovery.v1.EndpointPort': { mapType: 'atomic' },
  'io.k8s.api.networking.v1.ServiceBackendPort': { mapType: 'atomic' },
  'io.k8s.api.rbac.v1.RoleRef': { mapType: 'atomic' },
  'io.k8s.api.rbac.v1.Subject': { mapType: 'atomic' },
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector': { mapType: 'atomic' },
  'io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference': { mapType: 'atomic' },
};
