/**
 * The table of served resources: every resource of the groups tskube serves, as kube-apiserver 1.33
 * lists them in discovery (`kubectl api-resources -o wide`): names, short names, categories, verbs,
 * subresources and the fields a field selector may name. The one source of truth for discovery,
 * routing, OpenAPI, clients and the CLI.
 *
 * Each row names its kind through KindMap, so the table does not compile if a kind lacks a type.
 */
import type { KnownApiVersion, KnownKind } from '../types/kinds';
import { count, eventSource, flag, objectMetaFields, podIP, text } from './fields';
import { storageVersionHash } from './storage-version-hash';
import { Verb, type FieldGetter, type ResourceInfo, type SubresourceInfo } from './types';

const { Create, Delete, DeleteCollection, Get, List, Patch, Update, Watch } = Verb;

/** What every ordinary stored resource serves. */
const ALL: readonly Verb[] = [Create, Delete, DeleteCollection, Get, List, Patch, Update, Watch];
/** What status, scale and the other object-shaped subresources serve. */
const GPU: readonly Verb[] = [Get, Patch, Update];
/** What connect subresources (exec, attach, port-forward) serve: GET and POST upgrade. */
const CONNECT: readonly Verb[] = [Create, Get];
/** What proxy subresources serve. */
const PROXY: readonly Verb[] = [Create, Delete, Get, Patch, Update];

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

function sub<A extends KnownApiVersion>(name: string, apiVersion: A, kind: KnownKind<A>, verbs: readonly Verb[]): SubresourceInfo {
  return { name, ...splitApiVersion(apiVersion), kind, verbs };
}

const status = <A extends KnownApiVersion>(apiVersion: A, kind: KnownKind<A>) => sub('status', apiVersion, kind, GPU);
const scale = () => sub('scale', 'autoscaling/v1', 'Scale', GPU);

interface Def {
  resource: string;
  namespaced: boolean;
  /** Defaults to the lower-cased kind. */
  singular?: string;
  shortNames?: string[];
  categories?: string[];
  /** Defaults to all eight verbs. */
  verbs?: readonly Verb[];
  subresources?: SubresourceInfo[];
  /** Resource-specific selectable fields; metadata.name/namespace are added. */
  fields?: Record<string, FieldGetter>;
  /** `false` for virtual resources without storage. */
  stored?: boolean;
  /** The group/version objects are stored in, when it is not this one (its hash is published). */
  storageVersion?: { group: string; version: string; kind: string };
}

function def<A extends KnownApiVersion>(apiVersion: A, kind: KnownKind<A>, d: Def): ResourceInfo {
  const { group, version } = splitApiVersion(apiVersion);
  const stored = d.stored ?? true;
  const sv = d.storageVersion ?? { group, version, kind };
  return {
    group,
    version,
    apiVersion,
    kind,
    listKind: `${kind}List`,
    resource: d.resource,
    singular: d.singular ?? kind.toLowerCase(),
    namespaced: d.namespaced,
    shortNames: d.shortNames ?? [],
    categories: d.categories ?? [],
    verbs: d.verbs ?? ALL,
    subresources: [...(d.subresources ?? [])].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    selectableFields: new Map([...objectMetaFields(d.namespaced), ...Object.entries(d.fields ?? {})]),
    storageResource: stored ? d.resource : undefined,
    storageVersionHash: stored ? storageVersionHash(sv.group, sv.version, sv.kind) : undefined,
  };
}

const hpa = (apiVersion: 'autoscaling/v1' | 'autoscaling/v2') =>
  def(apiVersion, 'HorizontalPodAutoscaler', {
    resource: 'horizontalpodautoscalers',
    namespaced: true,
    shortNames: ['hpa'],
    categories: ['all'],
    subresources: [status(apiVersion, 'HorizontalPodAutoscaler')],
    // Both versions keep the same objects, stored as autoscaling/v2.
    storageVersion: { group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler' },
  });

/**
 * Groups in the order kube-apiserver lists them (its APIService priorities), each with its
 * versions most preferred first. The core group comes first, as `/api` precedes `/apis`.
 */
export const servedGroupVersions: ReadonlyArray<{ group: string; versions: readonly string[] }> = [
  { group: '', versions: ['v1'] },
  { group: 'apps', versions: ['v1'] },
  { group: 'events.k8s.io', versions: ['v1'] },
  { group: 'autoscaling', versions: ['v2', 'v1'] },
  { group: 'batch', versions: ['v1'] },
  { group: 'networking.k8s.io', versions: ['v1'] },
  { group: 'policy', versions: ['v1'] },
  { group: 'rbac.authorization.k8s.io', versions: ['v1'] },
  { group: 'storage.k8s.io', versions: ['v1'] },
  { group: 'scheduling.k8s.io', versions: ['v1'] },
  { group: 'coordination.k8s.io', versions: ['v1'] },
  { group: 'discovery.k8s.io', versions: ['v1'] },
];

/** Every served resource, grouped by group version and sorted by name within one. */
export const servedResources: readonly ResourceInfo[] = [
  // core/v1
  def('v1', 'Binding', { resource: 'bindings', namespaced: true, verbs: [Create], stored: false }),
  def('v1', 'ComponentStatus', {
    resource: 'componentstatuses',
    namespaced: false,
    shortNames: ['cs'],
    verbs: [Get, List],
    stored: false,
  }),
  def('v1', 'ConfigMap', { resource: 'configmaps', namespaced: true, shortNames: ['cm'] }),
  def('v1', 'Endpoints', { resource: 'endpoints', namespaced: true, singular: 'endpoints', shortNames: ['ep'] }),
  def('v1', 'Event', {
    resource: 'events',
    namespaced: true,
    shortNames: ['ev'],
    fields: {
      'involvedObject.kind': text('involvedObject', 'kind'),
      'involvedObject.namespace': text('involvedObject', 'namespace'),
      'involvedObject.name': text('involvedObject', 'name'),
      'involvedObject.uid': text('involvedObject', 'uid'),
      'involvedObject.apiVersion': text('involvedObject', 'apiVersion'),
      'involvedObject.resourceVersion': text('involvedObject', 'resourceVersion'),
      'involvedObject.fieldPath': text('involvedObject', 'fieldPath'),
      reason: text('reason'),
      reportingComponent: text('reportingComponent'),
      source: eventSource,
      type: text('type'),
    },
  }),
  def('v1', 'LimitRange', { resource: 'limitranges', namespaced: true, shortNames: ['limits'] }),
  def('v1', 'Namespace', {
    resource: 'namespaces',
    namespaced: false,
    shortNames: ['ns'],
    // Namespaces are removed one by one through finalization, never as a collection.
    verbs: [Create, Delete, Get, List, Patch, Update, Watch],
    subresources: [sub('finalize', 'v1', 'Namespace', [Update]), status('v1', 'Namespace')],
    fields: { 'status.phase': text('status', 'phase') },
  }),
  def('v1', 'Node', {
    resource: 'nodes',
    namespaced: false,
    shortNames: ['no'],
    subresources: [sub('proxy', 'v1', 'NodeProxyOptions', PROXY), status('v1', 'Node')],
    fields: { 'spec.unschedulable': flag('spec', 'unschedulable') },
  }),
  def('v1', 'PersistentVolumeClaim', {
    resource: 'persistentvolumeclaims',
    namespaced: true,
    shortNames: ['pvc'],
    subresources: [status('v1', 'PersistentVolumeClaim')],
  }),
  def('v1', 'PersistentVolume', {
    resource: 'persistentvolumes',
    namespaced: false,
    shortNames: ['pv'],
    subresources: [status('v1', 'PersistentVolume')],
  }),
  def('v1', 'Pod', {
    resource: 'pods',
    namespaced: true,
    shortNames: ['po'],
    categories: ['all'],
    subresources: [
      sub('attach', 'v1', 'PodAttachOptions', CONNECT),
      sub('binding', 'v1', 'Binding', [Create]),
      sub('ephemeralcontainers', 'v1', 'Pod', GPU),
      sub('eviction', 'policy/v1', 'Eviction', [Create]),
      sub('exec', 'v1', 'PodExecOptions', CONNECT),
      // Discovery names the log subresource's kind Pod, though it returns plain text.
      sub('log', 'v1', 'Pod', [Get]),
      sub('portforward', 'v1', 'PodPortForwardOptions', CONNECT),
      sub('proxy', 'v1', 'PodProxyOptions', PROXY),
      sub('resize', 'v1', 'Pod', GPU),
      status('v1', 'Pod'),
    ],
    fields: {
      'spec.nodeName': text('spec', 'nodeName'),
      'spec.restartPolicy': text('spec', 'restartPolicy'),
      'spec.schedulerName': text('spec', 'schedulerName'),
      'spec.serviceAccountName': text('spec', 'serviceAccountName'),
      'spec.hostNetwork': flag('spec', 'hostNetwork'),
      'status.phase': text('status', 'phase'),
      'status.podIP': podIP,
      'status.nominatedNodeName': text('status', 'nominatedNodeName'),
    },
  }),
  def('v1', 'PodTemplate', { resource: 'podtemplates', namespaced: true }),
  def('v1', 'ReplicationController', {
    resource: 'replicationcontrollers',
    namespaced: true,
    shortNames: ['rc'],
    categories: ['all'],
    subresources: [scale(), status('v1', 'ReplicationController')],
    fields: { 'status.replicas': count('status', 'replicas') },
  }),
  def('v1', 'ResourceQuota', {
    resource: 'resourcequotas',
    namespaced: true,
    shortNames: ['quota'],
    subresources: [status('v1', 'ResourceQuota')],
  }),
  def('v1', 'Secret', { resource: 'secrets', namespaced: true, fields: { type: text('type') } }),
  def('v1', 'ServiceAccount', {
    resource: 'serviceaccounts',
    namespaced: true,
    shortNames: ['sa'],
    subresources: [sub('token', 'authentication.k8s.io/v1', 'TokenRequest', [Create])],
  }),
  def('v1', 'Service', {
    resource: 'services',
    namespaced: true,
    shortNames: ['svc'],
    categories: ['all'],
    subresources: [sub('proxy', 'v1', 'ServiceProxyOptions', PROXY), status('v1', 'Service')],
    fields: { 'spec.clusterIP': text('spec', 'clusterIP'), 'spec.type': text('spec', 'type') },
  }),

  // apps/v1
  def('apps/v1', 'ControllerRevision', { resource: 'controllerrevisions', namespaced: true }),
  def('apps/v1', 'DaemonSet', {
    resource: 'daemonsets',
    namespaced: true,
    shortNames: ['ds'],
    categories: ['all'],
    subresources: [status('apps/v1', 'DaemonSet')],
  }),
  def('apps/v1', 'Deployment', {
    resource: 'deployments',
    namespaced: true,
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: [scale(), status('apps/v1', 'Deployment')],
  }),
  def('apps/v1', 'ReplicaSet', {
    resource: 'replicasets',
    namespaced: true,
    shortNames: ['rs'],
    categories: ['all'],
    subresources: [scale(), status('apps/v1', 'ReplicaSet')],
    fields: { 'status.replicas': count('status', 'replicas') },
  }),
  def('apps/v1', 'StatefulSet', {
    resource: 'statefulsets',
    namespaced: true,
    shortNames: ['sts'],
    categories: ['all'],
    subresources: [scale(), status('apps/v1', 'StatefulSet')],
  }),

  // events.k8s.io/v1: the same objects as core/v1 events, in the newer shape.
  def('events.k8s.io/v1', 'Event', {
    resource: 'events',
    namespaced: true,
    shortNames: ['ev'],
    storageVersion: { group: '', version: 'v1', kind: 'Event' },
    fields: {
      'regarding.kind': text('regarding', 'kind'),
      'regarding.namespace': text('regarding', 'namespace'),
      'regarding.name': text('regarding', 'name'),
      'regarding.uid': text('regarding', 'uid'),
      'regarding.apiVersion': text('regarding', 'apiVersion'),
      'regarding.resourceVersion': text('regarding', 'resourceVersion'),
      'regarding.fieldPath': text('regarding', 'fieldPath'),
      reason: text('reason'),
      reportingController: text('reportingController'),
      type: text('type'),
    },
  }),

  // autoscaling/v2 (preferred) and autoscaling/v1
  hpa('autoscaling/v2'),
  hpa('autoscaling/v1'),

  // batch/v1
  def('batch/v1', 'CronJob', {
    resource: 'cronjobs',
    namespaced: true,
    shortNames: ['cj'],
    categories: ['all'],
    subresources: [status('batch/v1', 'CronJob')],
  }),
  def('batch/v1', 'Job', {
    resource: 'jobs',
    namespaced: true,
    categories: ['all'],
    subresources: [status('batch/v1', 'Job')],
    fields: { 'status.successful': count('status', 'succeeded') },
  }),

  // networking.k8s.io/v1
  def('networking.k8s.io/v1', 'IngressClass', { resource: 'ingressclasses', namespaced: false }),
  def('networking.k8s.io/v1', 'Ingress', {
    resource: 'ingresses',
    namespaced: true,
    shortNames: ['ing'],
    subresources: [status('networking.k8s.io/v1', 'Ingress')],
  }),
  def('networking.k8s.io/v1', 'IPAddress', { resource: 'ipaddresses', namespaced: false, shortNames: ['ip'] }),
  def('networking.k8s.io/v1', 'NetworkPolicy', { resource: 'networkpolicies', namespaced: true, shortNames: ['netpol'] }),
  def('networking.k8s.io/v1', 'ServiceCIDR', {
    resource: 'servicecidrs',
    namespaced: false,
    subresources: [status('networking.k8s.io/v1', 'ServiceCIDR')],
  }),

  // policy/v1
  def('policy/v1', 'PodDisruptionBudget', {
    resource: 'poddisruptionbudgets',
    namespaced: true,
    shortNames: ['pdb'],
    subresources: [status('policy/v1', 'PodDisruptionBudget')],
  }),

  // rbac.authorization.k8s.io/v1
  def('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', { resource: 'clusterrolebindings', namespaced: false }),
  def('rbac.authorization.k8s.io/v1', 'ClusterRole', { resource: 'clusterroles', namespaced: false }),
  def('rbac.authorization.k8s.io/v1', 'RoleBinding', { resource: 'rolebindings', namespaced: true }),
  def('rbac.authorization.k8s.io/v1', 'Role', { resource: 'roles', namespaced: true }),

  // storage.k8s.io/v1
  def('storage.k8s.io/v1', 'CSIDriver', { resource: 'csidrivers', namespaced: false }),
  def('storage.k8s.io/v1', 'CSINode', { resource: 'csinodes', namespaced: false }),
  def('storage.k8s.io/v1', 'CSIStorageCapacity', { resource: 'csistoragecapacities', namespaced: true }),
  def('storage.k8s.io/v1', 'StorageClass', { resource: 'storageclasses', namespaced: false, shortNames: ['sc'] }),
  def('storage.k8s.io/v1', 'VolumeAttachment', {
    resource: 'volumeattachments',
    namespaced: false,
    subresources: [status('storage.k8s.io/v1', 'VolumeAttachment')],
  }),

  // scheduling.k8s.io/v1
  def('scheduling.k8s.io/v1', 'PriorityClass', { resource: 'priorityclasses', namespaced: false, shortNames: ['pc'] }),

  // coordination.k8s.io/v1
  def('coordination.k8s.io/v1', 'Lease', { resource: 'leases', namespaced: true }),

  // discovery.k8s.io/v1
  def('discovery.k8s.io/v1', 'EndpointSlice', { resource: 'endpointslices', namespaced: true }),
];
