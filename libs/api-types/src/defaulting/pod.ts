import type {
  Container,
  EphemeralContainer,
  HTTPGetAction,
  ObjectFieldSelector,
  PersistentVolumeClaimSpec,
  Pod,
  PodSpec,
  PodTemplateSpec,
  Probe,
  Toleration,
  Volume,
} from 'kubernetes-types/core/v1';
import { canonicalQuantity, defaultResourceList } from './resources';

/**
 * Pod defaulting as Kubernetes' core/v1 defaulters (SetObjectDefaults_Pod and the SetDefaults_*
 * functions it calls, v1.30 feature gates) do it. Every function mutates its argument in place
 * and is idempotent.
 */

const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30;
const DEFAULT_SCHEDULER_NAME = 'default-scheduler';
const TERMINATION_MESSAGE_PATH = '/dev/termination-log';
/** 0644: the mode of files projected from Secrets, ConfigMaps and the downward API. */
const DEFAULT_FILE_MODE = 0o644;
const DEFAULT_TOKEN_EXPIRATION_SECONDS = 3600;

/** Volume source fields; a volume with none of them becomes an emptyDir. */
const volumeSourceKeys = [
  'awsElasticBlockStore', 'azureDisk', 'azureFile', 'cephfs', 'cinder', 'configMap', 'csi', 'downwardAPI', 'emptyDir',
  'ephemeral', 'fc', 'flexVolume', 'flocker', 'gcePersistentDisk', 'gitRepo', 'glusterfs', 'hostPath', 'iscsi', 'nfs',
  'persistentVolumeClaim', 'photonPersistentDisk', 'portworxVolume', 'projected', 'quobyte', 'rbd', 'scaleIO', 'secret',
  'storageos', 'vsphereVolume',
] as const;

/**
 * The tag an image reference names, as the kubelet's image name parser reads it: `latest` when
 * neither tag nor digest is given, '' for a digest-only reference or a reference that does not
 * parse (which then defaults to IfNotPresent, as in Kubernetes).
 */
export function imageTag(image: string): string {
  if (!image) return '';
  let name = image;
  let digest = '';
  const at = name.indexOf('@');
  if (at >= 0) {
    digest = name.slice(at + 1);
    name = name.slice(0, at);
    if (!/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/.test(digest)) return '';
  }
  let tag = '';
  const colon = name.lastIndexOf(':');
  if (colon > name.lastIndexOf('/')) {
    tag = name.slice(colon + 1);
    name = name.slice(0, colon);
    if (!/^[\w][\w.-]{0,127}$/.test(tag)) return '';
  }
  if (!isValidRepository(name)) return '';
  return tag === '' && digest === '' ? 'latest' : tag;
}

const pathComponent = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const domainComponent = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;

/** A docker repository name: an optional registry host (with port) and lower-case path components. */
function isValidRepository(name: string): boolean {
  const parts = name.split('/');
  const first = parts[0]!;
  const hasDomain = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase());
  if (hasDomain) {
    const [host, port] = first.split(':');
    if (!host || !host.split('.').every((c) => domainComponent.test(c))) return false;
    if (port !== undefined && !/^[0-9]+$/.test(port)) return false;
    parts.shift();
  }
  return parts.length > 0 && parts.every((p) => pathComponent.test(p));
}

function defaultObjectFieldSelector(fs: ObjectFieldSelector | undefined): void {
  if (fs && !fs.apiVersion) fs.apiVersion = 'v1';
}

function defaultHTTPGet(h: HTTPGetAction | undefined): void {
  if (!h) return;
  if (!h.path) h.path = '/';
  if (!h.scheme) h.scheme = 'HTTP';
}

function defaultProbe(p: Probe | undefined): void {
  if (!p) return;
  if (!p.timeoutSeconds) p.timeoutSeconds = 1;
  if (!p.periodSeconds) p.periodSeconds = 10;
  if (!p.successThreshold) p.successThreshold = 1;
  if (!p.failureThreshold) p.failureThreshold = 3;
  defaultHTTPGet(p.httpGet);
  if (p.grpc && p.grpc.service === undefined) p.grpc.service = '';
}

/**
 * SetDefaults_Container plus the nested defaults: imagePullPolicy (Always for `:latest` or an
 * untagged image, else IfNotPresent), termination message path and policy, port protocol TCP,
 * downward API apiVersion, probe timings and HTTP defaults, canonical resource quantities, and
 * `resources: {}` as Kubernetes always serializes it.
 */
export function defaultContainer(c: Container | EphemeralContainer): void {
  if (!c.imagePullPolicy) c.imagePullPolicy = imageTag(c.image ?? '') === 'latest' ? 'Always' : 'IfNotPresent';
  if (!c.terminationMessagePath) c.terminationMessagePath = TERMINATION_MESSAGE_PATH;
  if (!c.terminationMessagePolicy) c.terminationMessagePolicy = 'File';
  for (const p of c.ports ?? []) if (!p.protocol) p.protocol = 'TCP';
  for (const e of c.env ?? []) defaultObjectFieldSelector(e.valueFrom?.fieldRef);
  if (!c.resources) c.resources = {};
  defaultResourceList(c.resources.limits);
  defaultResourceList(c.resources.requests);
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  defaultHTTPGet(c.lifecycle?.postStart?.httpGet);
  defaultHTTPGet(c.lifecycle?.preStop?.httpGet);
}

/** SetDefaults_PersistentVolumeClaimSpec: volumeMode Filesystem, canonical resource quantities. */
export function defaultPersistentVolumeClaimSpec(spec: PersistentVolumeClaimSpec | undefined): void {
  if (!spec) return;
  if (!spec.volumeMode) spec.volumeMode = 'Filesystem';
  defaultResourceList(spec.resources?.limits);
  defaultResourceList(spec.resources?.requests);
}

/** SetDefaults_Volume and the per-source defaults (file modes, hostPath type, token expiry, ...). */
export function defaultVolume(v: Volume): void {
  const anySource = volumeSourceKeys.some((k) => v[k] !== undefined && v[k] !== null);
  if (!anySource) v.emptyDir = {};
  if (v.emptyDir?.sizeLimit !== undefined) v.emptyDir.sizeLimit = canonicalQuantity(v.emptyDir.sizeLimit);
  if (v.hostPath && v.hostPath.type === undefined) v.hostPath.type = '';
  if (v.secret && v.secret.defaultMode === undefined) v.secret.defaultMode = DEFAULT_FILE_MODE;
  if (v.configMap && v.configMap.defaultMode === undefined) v.configMap.defaultMode = DEFAULT_FILE_MODE;
  if (v.iscsi && !v.iscsi.iscsiInterface) v.iscsi.iscsiInterface = 'default';
  if (v.rbd) {
    if (!v.rbd.pool) v.rbd.pool = 'rbd';
    if (!v.rbd.user) v.rbd.user = 'admin';
    if (!v.rbd.keyring) v.rbd.keyring = '/etc/ceph/keyring';
  }
  if (v.downwardAPI) {
    if (v.downwardAPI.defaultMode === undefined) v.downwardAPI.defaultMode = DEFAULT_FILE_MODE;
    for (const item of v.downwardAPI.items ?? []) defaultObjectFieldSelector(item.fieldRef);
  }
  if (v.azureDisk) {
    if (v.azureDisk.cachingMode === undefined) v.azureDisk.cachingMode = 'ReadWrite';
    if (v.azureDisk.kind === undefined) v.azureDisk.kind = 'Shared';
    if (v.azureDisk.fsType === undefined) v.azureDisk.fsType = 'ext4';
    if (v.azureDisk.readOnly === undefined) v.azureDisk.readOnly = false;
  }
  if (v.projected) {
    if (v.projected.defaultMode === undefined) v.projected.defaultMode = DEFAULT_FILE_MODE;
    for (const src of v.projected.sources ?? []) {
      for (const item of src.downwardAPI?.items ?? []) defaultObjectFieldSelector(item.fieldRef);
      if (src.serviceAccountToken && src.serviceAccountToken.expirationSeconds === undefined) {
        src.serviceAccountToken.expirationSeconds = DEFAULT_TOKEN_EXPIRATION_SECONDS;
      }
    }
  }
  if (v.scaleIO) {
    if (!v.scaleIO.storageMode) v.scaleIO.storageMode = 'ThinProvisioned';
    if (!v.scaleIO.fsType) v.scaleIO.fsType = 'xfs';
  }
  defaultPersistentVolumeClaimSpec(v.ephemeral?.volumeClaimTemplate?.spec);
}

/**
 * SetDefaults_PodSpec and everything nested in a PodSpec: dnsPolicy ClusterFirst, restartPolicy
 * Always, an empty securityContext, terminationGracePeriodSeconds 30, schedulerName
 * default-scheduler, then volumes and containers. This is what pod templates get; Pods also get
 * `defaultPod`'s extras.
 */
export function defaultPodSpec(spec: PodSpec): void {
  if (!spec.dnsPolicy) spec.dnsPolicy = 'ClusterFirst';
  if (!spec.restartPolicy) spec.restartPolicy = 'Always';
  if (!spec.securityContext) spec.securityContext = {};
  if (spec.terminationGracePeriodSeconds === undefined) spec.terminationGracePeriodSeconds = DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS;
  if (!spec.schedulerName) spec.schedulerName = DEFAULT_SCHEDULER_NAME;
  for (const v of spec.volumes ?? []) defaultVolume(v);
  for (const c of spec.initContainers ?? []) defaultContainer(c);
  for (const c of spec.containers ?? []) defaultContainer(c);
  for (const c of spec.ephemeralContainers ?? []) defaultContainer(c);
  defaultResourceList(spec.overhead);
}

/** The pod template of a workload: its PodSpec defaults (no Pod-only extras). */
export function defaultPodTemplateSpec(template: PodTemplateSpec | undefined): void {
  if (!template) return;
  if (!template.spec) template.spec = { containers: [] };
  defaultPodSpec(template.spec);
}

/**
 * SetObjectDefaults_Pod: requests copied from limits where unset (containers and init
 * containers), enableServiceLinks true, host ports equal to container ports under hostNetwork,
 * then the PodSpec defaults. Returns the same pod.
 */
export function defaultPod(pod: Pod): Pod {
  if (!pod.spec) pod.spec = { containers: [] };
  const spec = pod.spec;
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    const limits = c.resources?.limits;
    if (!limits) continue;
    const requests = (c.resources!.requests ??= {});
    for (const [k, v] of Object.entries(limits)) if (!Object.hasOwn(requests, k)) requests[k] = v;
  }
  if (spec.enableServiceLinks === undefined) spec.enableServiceLinks = true;
  if (spec.hostNetwork) {
    for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
      for (const p of c.ports ?? []) if (!p.hostPort) p.hostPort = p.containerPort;
    }
  }
  defaultPodSpec(spec);
  return pod;
}

/** The admission plugin's default: how long pods stay bound to a not-ready or unreachable node. */
export const DEFAULT_TOLERATION_SECONDS = 300;

/**
 * Kubernetes' DefaultTolerationSeconds admission plugin (an admission step on pod create, not a
 * defaulter): unless the pod already tolerates them, add NoExecute tolerations for
 * `node.kubernetes.io/not-ready` and `node.kubernetes.io/unreachable` with tolerationSeconds
 * 300, so the node lifecycle controller evicts its pods five minutes after a node fails. A
 * toleration with an empty key or empty effect counts as tolerating. Mutates and returns `pod`.
 */
export function defaultTolerationSeconds(pod: Pod, seconds: number = DEFAULT_TOLERATION_SECONDS): Pod {
  if (!pod.spec) return pod;
  const tolerations: Toleration[] = pod.spec.tolerations ?? [];
  const tolerates = (key: string) =>
    tolerations.some((t) => (t.key === key || !t.key) && (t.effect === 'NoExecute' || !t.effect));
  const add: Toleration[] = [];
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    if (!tolerates(key)) add.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds });
  }
  if (add.length > 0) pod.spec.tolerations = [...tolerations, ...add];
  return pod;
}
