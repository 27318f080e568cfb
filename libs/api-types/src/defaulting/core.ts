import type {
  ConfigMap,
  Endpoints,
  LimitRange,
  Namespace,
  Node,
  PersistentVolume,
  PersistentVolumeClaim,
  PodTemplate,
  ReplicationController,
  Secret,
  Service,
} from 'kubernetes-types/core/v1';
import { defaultPersistentVolumeClaimSpec, defaultPodTemplateSpec } from './pod';
import { defaultResourceList } from './resources';

/**
 * Defaulting of the other core/v1 kinds, as Kubernetes' SetDefaults_* functions (v1.30). Each
 * mutates and returns its argument and is idempotent.
 */

/** kubernetes-types marks server-set fields such as status readonly; defaulting sets them as Kubernetes does. */
const writable = <T>(o: T): { -readonly [K in keyof T]: T[K] } => o;

/** Default ClientIP session affinity timeout: three hours. */
export const DEFAULT_CLIENT_IP_SERVICE_AFFINITY_SECONDS = 10800;

/** Types of Service that receive traffic from outside the cluster. */
function externallyAccessible(svc: Service): boolean {
  const t = svc.spec?.type;
  return t === 'LoadBalancer' || t === 'NodePort' || (t === 'ClusterIP' && (svc.spec?.externalIPs ?? []).length > 0);
}

/**
 * SetDefaults_Service: sessionAffinity None (its config dropped), or ClientIP with a 10800s
 * timeout; type ClusterIP; port protocol TCP and targetPort = port; externalTrafficPolicy
 * Cluster for externally reachable types; internalTrafficPolicy Cluster; LoadBalancers allocate
 * node ports and report ingress IPs in VIP mode. Cluster IPs and IP families are the
 * allocator's (see `prepareServiceForCreate`).
 */
export function defaultService(svc: Service): Service {
  const spec = (svc.spec ??= {});
  if (!spec.sessionAffinity) spec.sessionAffinity = 'None';
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP' && spec.sessionAffinityConfig?.clientIP?.timeoutSeconds === undefined) {
    spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: DEFAULT_CLIENT_IP_SERVICE_AFFINITY_SECONDS } };
  }
  if (!spec.type) spec.type = 'ClusterIP';
  for (const p of spec.ports ?? []) {
    if (!p.protocol) p.protocol = 'TCP';
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if (externallyAccessible(svc) && !spec.externalTrafficPolicy) spec.externalTrafficPolicy = 'Cluster';
  if (spec.internalTrafficPolicy === undefined && (spec.type === 'NodePort' || spec.type === 'LoadBalancer' || spec.type === 'ClusterIP')) {
    spec.internalTrafficPolicy = 'Cluster';
  }
  if (spec.type === 'LoadBalancer') {
    if (spec.allocateLoadBalancerNodePorts === undefined) spec.allocateLoadBalancerNodePorts = true;
    for (const ing of svc.status?.loadBalancer?.ingress ?? []) if (ing.ip && ing.ipMode === undefined) ing.ipMode = 'VIP';
  }
  return svc;
}

/** SetDefaults_Namespace and SetDefaults_NamespaceStatus: the `kubernetes.io/metadata.name` label and phase Active. */
export function defaultNamespace(ns: Namespace): Namespace {
  const name = ns.metadata?.name;
  if (name) ns.metadata!.labels = { ...(ns.metadata!.labels ?? {}), 'kubernetes.io/metadata.name': name };
  const status = (ns.status ??= {});
  if (!status.phase) status.phase = 'Active';
  return ns;
}

/**
 * SetDefaults_Secret (type Opaque) and the v1 conversion of `stringData`: each entry is
 * base64-encoded into `data`, overwriting a same-named key there, and `stringData` removed, as
 * Kubernetes stores it.
 */
export function defaultSecret(secret: Secret): Secret {
  if (!secret.type) secret.type = 'Opaque';
  if (secret.stringData) {
    const data = (secret.data ??= {});
    for (const [k, v] of Object.entries(secret.stringData)) data[k] = Buffer.from(v ?? '', 'utf8').toString('base64');
    delete secret.stringData;
  }
  return secret;
}

/** SetDefaults_ConfigMap: an empty data map when none is given. */
export function defaultConfigMap(cm: ConfigMap): ConfigMap {
  if (!cm.data) cm.data = {};
  return cm;
}

/**
 * SetDefaults_ReplicationController: selector and object labels from the template labels when
 * unset, one replica; then the template's pod defaults.
 */
export function defaultReplicationController(rc: ReplicationController): ReplicationController {
  const spec = (rc.spec ??= {});
  const labels = spec.template?.metadata?.labels;
  if (labels) {
    if (Object.keys(spec.selector ?? {}).length === 0) spec.selector = { ...labels };
    const meta = (rc.metadata ??= {});
    if (Object.keys(meta.labels ?? {}).length === 0) meta.labels = { ...labels };
  }
  if (spec.replicas === undefined) spec.replicas = 1;
  defaultPodTemplateSpec(spec.template);
  return rc;
}

/** A PodTemplate's template gets pod spec defaults. */
export function defaultPodTemplate(pt: PodTemplate): PodTemplate {
  defaultPodTemplateSpec(pt.template);
  return pt;
}

/** SetDefaults_Endpoints: port protocol TCP. */
export function defaultEndpoints(ep: Endpoints): Endpoints {
  for (const ss of ep.subsets ?? []) for (const p of ss.ports ?? []) if (!p.protocol) p.protocol = 'TCP';
  return ep;
}

/** SetDefaults_PersistentVolumeClaim: phase Pending, volumeMode Filesystem, canonical quantities. */
export function defaultPersistentVolumeClaim(pvc: PersistentVolumeClaim): PersistentVolumeClaim {
  defaultPersistentVolumeClaimSpec((pvc.spec ??= {}));
  const status = (writable(pvc).status ??= {});
  if (!status.phase) status.phase = 'Pending';
  return pvc;
}

/** SetDefaults_PersistentVolume: phase Pending, reclaim policy Retain, volumeMode Filesystem. */
export function defaultPersistentVolume(pv: PersistentVolume): PersistentVolume {
  const spec = (pv.spec ??= {});
  if (!spec.persistentVolumeReclaimPolicy) spec.persistentVolumeReclaimPolicy = 'Retain';
  if (!spec.volumeMode) spec.volumeMode = 'Filesystem';
  defaultResourceList(spec.capacity);
  const status = (writable(pv).status ??= {});
  if (!status.phase) status.phase = 'Pending';
  return pv;
}

/** SetDefaults_NodeStatus: allocatable equal to capacity when only capacity is reported. */
export function defaultNode(node: Node): Node {
  const status = node.status;
  if (status) {
    defaultResourceList(status.capacity);
    defaultResourceList(status.allocatable);
    if (!status.allocatable && status.capacity) status.allocatable = { ...status.capacity };
  }
  return node;
}

/**
 * SetDefaults_LimitRangeItem: for Container limits, `default` from `max` and `defaultRequest`
 * from `default`, then from `min`, where unset.
 */
export function defaultLimitRange(lr: LimitRange): LimitRange {
  for (const item of lr.spec?.limits ?? []) {
    for (const list of [item.max, item.min, item.default, item.defaultRequest, item.maxLimitRequestRatio]) defaultResourceList(list);
    if (item.type !== 'Container') continue;
    const def = (item.default ??= {});
    const req = (item.defaultRequest ??= {});
    for (const [k, v] of Object.entries(item.max ?? {})) if (!Object.hasOwn(def, k)) def[k] = v;
    for (const [k, v] of Object.entries(def)) if (!Object.hasOwn(req, k)) req[k] = v;
    for (const [k, v] of Object.entries(item.min ?? {})) if (!Object.hasOwn(req, k)) req[k] = v;
  }
  return lr;
}
