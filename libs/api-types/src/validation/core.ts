import type {
  ConfigMap,
  Endpoints,
  Namespace,
  Node,
  PersistentVolumeClaim,
  PersistentVolumeClaimSpec,
  PodTemplate,
  ReplicationController,
  Secret,
  ServiceAccount,
} from 'kubernetes-types/core/v1';
import { semanticEqual } from './equal';
import { ErrorType, FieldError, type FieldPath, duplicate, fieldPath, forbidden, internalError, invalid, notSupported, required, tooLong } from './field';
import { isDualStackCIDRs, validateCIDR, validateIP, validateNonSpecialIP } from './ip';
import { isConfigMapKey, isDNS1123Label, isQualifiedName, isValidLabelValue, isValidPortNum, nameIsDNSLabel, nameIsDNSSubdomain } from './name';
import {
  validateFinalizerName,
  validateImmutableField,
  validateKubeFinalizerName,
  validateLabelName,
  validateLabelSelector,
  validateNonnegativeField,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from './object-meta';
import { validatePodTemplateSpec } from './pod';
import { validateResourceQuantityValue } from './resources';
import { validateTaintEffect } from './scheduling';
import { checkQuantity } from './quantities';

/**
 * Validation of the other core/v1 kinds: Namespace, ConfigMap, Secret, ServiceAccount, Node,
 * Endpoints, PersistentVolumeClaim, PodTemplate and ReplicationController, as
 * k8s.io/kubernetes pkg/apis/core/validation (v1.30) has them.
 */

/** ConfigMaps and Secrets hold at most 1 MiB of data. */
export const MAX_SECRET_SIZE = 1024 * 1024;

/** A Namespace: a DNS label name, no namespace, standard or qualified spec finalizers. */
export function validateNamespace(ns: Namespace): FieldError[] {
  const errs = validateObjectMeta(ns.metadata, { namespaced: false, nameValidator: nameIsDNSLabel });
  for (const f of ns.spec?.finalizers ?? []) {
    const p = fieldPath('spec', 'finalizers');
    errs.push(...validateFinalizerName(f, p), ...validateKubeFinalizerName(f, p));
  }
  return errs;
}

/** A ConfigMap: keys of data and binaryData are config keys, not both bags, 1 MiB in all. */
export function validateConfigMap(cm: ConfigMap): FieldError[] {
  const errs = validateObjectMeta(cm.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain });
  let total = 0;
  for (const [key, value] of Object.entries(cm.data ?? {})) {
    const p = fieldPath('data').key(key);
    for (const msg of isConfigMapKey(key)) errs.push(invalid(p, key, msg));
    if (Object.hasOwn(cm.binaryData ?? {}, key)) errs.push(invalid(p, key, 'duplicate of key present in binaryData'));
    total += Buffer.byteLength(value ?? '', 'utf8');
  }
  for (const [key, value] of Object.entries(cm.binaryData ?? {})) {
    for (const msg of isConfigMapKey(key)) errs.push(invalid(fieldPath('binaryData').key(key), key, msg));
    total += base64Length(value ?? '');
  }
  // Kubernetes reports the whole object's size at the empty path, which renders as "[]".
  if (total > MAX_SECRET_SIZE) errs.push(tooLong(fieldPath(''), '', MAX_SECRET_SIZE));
  return errs;
}

/** Decoded byte length of base64 text (the form []byte fields travel in). */
function base64Length(b64: string): number {
  return Buffer.from(b64, 'base64').length;
}

function validateImmutableData(
  next: { immutable?: boolean; data?: unknown; binaryData?: unknown },
  prev: { immutable?: boolean; data?: unknown; binaryData?: unknown },
  withBinary: boolean,
): FieldError[] {
  if (!prev.immutable) return [];
  const errs: FieldError[] = [];
  const msg = 'field is immutable when `immutable` is set';
  if (!next.immutable) errs.push(forbidden(fieldPath('immutable'), msg));
  if (!semanticEqual(next.data, prev.data)) errs.push(forbidden(fieldPath('data'), msg));
  if (withBinary && !semanticEqual(next.binaryData, prev.binaryData)) errs.push(forbidden(fieldPath('binaryData'), msg));
  return errs;
}

/** A ConfigMap update: data frozen once `immutable` was set. */
export function validateConfigMapUpdate(next: ConfigMap, prev: ConfigMap): FieldError[] {
  return [...validateObjectMetaUpdate(next.metadata, prev.metadata), ...validateImmutableData(next, prev, true), ...validateConfigMap(next)];
}

const SA_NAME_ANNOTATION = 'kubernetes.io/service-account.name';

/**
 * A Secret: keys are config keys, at most 1 MiB of (decoded) data, and the keys each well-known
 * type requires. `stringData` must already be merged into `data` (the defaulting module does it,
 * as Kubernetes' conversion does).
 */
export function validateSecret(secret: Secret): FieldError[] {
  const errs = validateObjectMeta(secret.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain });
  const dataPath = fieldPath('data');
  const data = secret.data ?? {};
  let total = 0;
  for (const [key, value] of Object.entries(data)) {
    for (const msg of isConfigMapKey(key)) errs.push(invalid(dataPath.key(key), key, msg));
    total += base64Length(value ?? '');
  }
  if (total > MAX_SECRET_SIZE) errs.push(tooLong(dataPath, '', MAX_SECRET_SIZE));
  const has = (k: string) => Object.hasOwn(data, k);
  const jsonCheck = (key: string) => {
    if (!has(key)) {
      errs.push(required(dataPath.key(key)));
      return;
    }
    try {
      const parsed: unknown = JSON.parse(Buffer.from(data[key]!, 'base64').toString('utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('json: cannot unmarshal into Go value of type map[string]interface {}');
    } catch (err) {
      errs.push(invalid(dataPath.key(key), '<secret contents redacted>', err instanceof Error ? err.message : String(err)));
    }
  };
  switch (secret.type ?? '') {
    case 'kubernetes.io/service-account-token':
      if (!secret.metadata?.annotations?.[SA_NAME_ANNOTATION]) {
        errs.push(required(fieldPath('metadata', 'annotations').key(SA_NAME_ANNOTATION)));
      }
      break;
    case 'kubernetes.io/dockercfg':
      jsonCheck('.dockercfg');
      break;
    case 'kubernetes.io/dockerconfigjson':
      jsonCheck('.dockerconfigjson');
      break;
    case 'kubernetes.io/basic-auth':
      if (!has('username') && !has('password')) {
        errs.push(required(dataPath.key('username')), required(dataPath.key('password')));
      }
      break;
    case 'kubernetes.io/ssh-auth':
      if (!data['ssh-privatekey']) errs.push(required(dataPath.key('ssh-privatekey')));
      break;
    case 'kubernetes.io/tls':
      if (!has('tls.crt')) errs.push(required(dataPath.key('tls.crt')));
      if (!has('tls.key')) errs.push(required(dataPath.key('tls.key')));
      break;
  }
  return errs;
}

/** A Secret update: type immutable; data frozen once `immutable` was set. */
export function validateSecretUpdate(next: Secret, prev: Secret): FieldError[] {
  return [
    ...validateObjectMetaUpdate(next.metadata, prev.metadata),
    ...validateImmutableField(next.type ?? '', prev.type ?? '', fieldPath('type')),
    ...validateImmutableData(next, prev, false),
    ...validateSecret(next),
  ];
}

/** A ServiceAccount: metadata only. */
export function validateServiceAccount(sa: ServiceAccount): FieldError[] {
  return validateObjectMeta(sa.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain });
}

function validateNodeTaints(node: Node, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const unique = new Map<string, Set<string>>();
  (node.spec?.taints ?? []).forEach((t, i) => {
    const p = path.index(i);
    errs.push(...validateLabelName(t.key, p.child('key')));
    const msgs = isValidLabelValue(t.value ?? '');
    if (msgs.length > 0) errs.push(invalid(p.child('value'), t.value ?? '', msgs.join(';')));
    errs.push(...validateTaintEffect(t.effect, false, p.child('effect')));
    const keys = unique.get(t.effect) ?? new Set<string>();
    if (keys.has(t.key)) {
      errs.push(new FieldError(ErrorType.Duplicate, p.toString(), t, 'taints must be unique by key and effect pair'));
      return;
    }
    keys.add(t.key);
    unique.set(t.effect, keys);
  });
  return errs;
}

function validateResourceList(list: Record<string, unknown> | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [name, raw] of Object.entries(list ?? {})) {
    const p = path.child(name);
    const q = checkQuantity(String(raw));
    if (typeof q === 'string') errs.push(invalid(p, raw, q));
    else errs.push(...validateResourceQuantityValue(name, q, p));
  }
  return errs;
}

/**
 * A Node: a DNS subdomain name, no namespace, taints unique by key and effect (reported, as
 * Kubernetes does, under `metadata.taints`), capacity and allocatable non-negative, pod CIDRs
 * valid and dual-stack at most.
 */
export function validateNode(node: Node): FieldError[] {
  const metaPath = fieldPath('metadata');
  const errs = validateObjectMeta(node.metadata, { namespaced: false, nameValidator: nameIsDNSSubdomain }, metaPath);
  if ((node.spec?.taints ?? []).length > 0) errs.push(...validateNodeTaints(node, metaPath.child('taints')));
  errs.push(...validateResourceList(node.status?.capacity, fieldPath('status', 'capacity')));
  errs.push(...validateResourceList(node.status?.allocatable, fieldPath('status', 'allocatable')));
  const cidrs = node.spec?.podCIDRs ?? [];
  if (cidrs.length > 0) {
    const p = fieldPath('spec', 'podCIDRs');
    cidrs.forEach((c, i) => errs.push(...validateCIDR(p.index(i), c)));
    if (cidrs.length > 1) {
      if (!isDualStackCIDRs(cidrs) || cidrs.length > 2) {
        if (cidrs.some((c) => validateCIDR(p, c).length > 0)) {
          errs.push(internalError(p, 'invalid PodCIDRs. failed to check with dual stack with error:invalid CIDR'));
        }
        errs.push(invalid(p, cidrs, 'may specify no more than one CIDR for each IP family'));
      }
      const seen = new Set<string>();
      cidrs.forEach((c, i) => {
        if (seen.has(c)) errs.push(duplicate(p.index(i), c));
        seen.add(c);
      });
    }
  }
  return errs;
}

/**
 * A Node update: ValidateNodeUpdate. Status may change freely (within the resource rules), as may
 * taints and unschedulable; podCIDRs and providerID only from unset to set.
 */
export function validateNodeUpdate(next: Node, prev: Node): FieldError[] {
  const metaPath = fieldPath('metadata');
  const errs = validateObjectMetaUpdate(next.metadata, prev.metadata, {}, metaPath);
  errs.push(...validateResourceList(next.status?.capacity, fieldPath('status', 'capacity')));
  errs.push(...validateResourceList(next.status?.allocatable, fieldPath('status', 'allocatable')));
  const seen: unknown[] = [];
  (next.status?.addresses ?? []).forEach((a, i) => {
    if (seen.some((s) => semanticEqual(s, a))) errs.push(duplicate(fieldPath('status', 'addresses').index(i), a));
    seen.push(a);
  });
  const oldCIDRs = prev.spec?.podCIDRs ?? [];
  const newCIDRs = next.spec?.podCIDRs ?? [];
  const cidrMsg = 'node updates may not change podCIDR except from "" to valid';
  if (oldCIDRs.length > 0) {
    if (oldCIDRs.length !== newCIDRs.length) errs.push(forbidden(fieldPath('spec', 'podCIDRs'), cidrMsg));
    else oldCIDRs.forEach((c, i) => c !== newCIDRs[i] && errs.push(forbidden(fieldPath('spec', 'podCIDRs'), cidrMsg)));
  }
  if (prev.spec?.providerID && prev.spec.providerID !== next.spec?.providerID) {
    errs.push(forbidden(fieldPath('spec', 'providerID'), 'node updates may not change providerID except from "" to valid'));
  }
  if ((next.spec?.taints ?? []).length > 0) errs.push(...validateNodeTaints(next, metaPath.child('taints')));
  if ((next.spec?.externalID ?? '') !== (prev.spec?.externalID ?? '')) errs.push(forbidden(fieldPath('spec', 'externalID'), 'may not be updated'));
  return errs;
}

/** Endpoints: each subset has addresses, valid non-special IPs and named ports when several. */
export function validateEndpoints(ep: Endpoints): FieldError[] {
  const errs = validateObjectMeta(ep.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain });
  (ep.subsets ?? []).forEach((ss, i) => {
    const p = fieldPath('subsets').index(i);
    if ((ss.addresses ?? []).length === 0 && (ss.notReadyAddresses ?? []).length === 0) {
      errs.push(required(p, 'must specify `addresses` or `notReadyAddresses`'));
    }
    for (const list of ['addresses', 'notReadyAddresses'] as const) {
      (ss[list] ?? []).forEach((a, j) => {
        const ap = p.child(list).index(j);
        errs.push(...validateIP(ap.child('ip'), a.ip));
        if (a.hostname) errs.push(...isDNS1123Label(a.hostname).map((msg) => invalid(ap.child('hostname'), a.hostname, msg)));
        if (a.nodeName !== undefined) {
          errs.push(...nameIsDNSSubdomain(a.nodeName, false).map((msg) => invalid(ap.child('nodeName'), a.nodeName, msg)));
        }
        errs.push(...validateNonSpecialIP(ap.child('ip'), a.ip));
      });
    }
    const ports = ss.ports ?? [];
    ports.forEach((port, j) => {
      const pp = p.child('ports').index(j);
      if (ports.length > 1 && !port.name) errs.push(required(pp.child('name')));
      else if (port.name) errs.push(...isDNS1123Label(port.name).map((msg) => invalid(pp.child('name'), port.name, msg)));
      for (const msg of isValidPortNum(port.port)) errs.push(invalid(pp.child('port'), port.port, msg));
      if (!port.protocol) errs.push(required(pp.child('protocol')));
      else if (!['SCTP', 'TCP', 'UDP'].includes(port.protocol)) errs.push(notSupported(pp.child('protocol'), port.protocol, ['SCTP', 'TCP', 'UDP']));
      if (port.appProtocol !== undefined) {
        errs.push(...isQualifiedName(port.appProtocol).map((msg) => invalid(pp.child('appProtocol'), port.appProtocol, msg)));
      }
    });
  });
  return errs;
}

const supportedAccessModes = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];

/** A PersistentVolumeClaimSpec: access modes, a positive storage request, class and mode. */
export function validatePersistentVolumeClaimSpec(spec: PersistentVolumeClaimSpec | undefined, path: FieldPath): FieldError[] {
  const s = spec ?? {};
  const errs: FieldError[] = [];
  const modes = s.accessModes ?? [];
  if (modes.length === 0) errs.push(required(path.child('accessModes'), 'at least 1 access mode is required'));
  if (s.selector) errs.push(...validateLabelSelector(s.selector, path.child('selector')));
  let rwop = false;
  let other = false;
  for (const m of modes) {
    if (!supportedAccessModes.includes(m)) errs.push(notSupported(path.child('accessModes'), m, supportedAccessModes));
    if (m === 'ReadWriteOncePod') rwop = true;
    else if (supportedAccessModes.includes(m)) other = true;
  }
  if (rwop && other) errs.push(forbidden(path.child('accessModes'), 'may not use ReadWriteOncePod with other access modes'));
  const storagePath = path.child('resources').key('storage');
  const storage = s.resources?.requests?.['storage'];
  if (storage === undefined) {
    errs.push(required(storagePath));
  } else {
    const q = checkQuantity(String(storage));
    if (typeof q === 'string') errs.push(invalid(storagePath, storage, q));
    else if (q.negative || q.zero) errs.push(invalid(storagePath, q.canonical, 'must be greater than zero'));
    else errs.push(...validateResourceQuantityValue('storage', q, storagePath));
  }
  if (s.storageClassName) {
    errs.push(...nameIsDNSSubdomain(s.storageClassName, false).map((msg) => invalid(path.child('storageClassName'), s.storageClassName, msg)));
  }
  if (s.volumeMode !== undefined && s.volumeMode !== 'Block' && s.volumeMode !== 'Filesystem') {
    errs.push(notSupported(path.child('volumeMode'), s.volumeMode, ['Block', 'Filesystem']));
  }
  return errs;
}

/** A PersistentVolumeClaim. */
export function validatePersistentVolumeClaim(pvc: PersistentVolumeClaim): FieldError[] {
  const errs = validateObjectMeta(pvc.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain });
  errs.push(...validatePersistentVolumeClaimSpec(pvc.spec, fieldPath('spec')));
  return errs;
}

/** A PodTemplate: its template as a pod template spec. */
export function validatePodTemplate(pt: PodTemplate): FieldError[] {
  const errs = validateObjectMeta(pt.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain });
  errs.push(...validatePodTemplateSpec(pt.template, fieldPath('template')));
  return errs;
}

/** A ReplicationController: a non-empty selector matching the template, replicas ≥ 0. */
export function validateReplicationController(rc: ReplicationController): FieldError[] {
  const errs = validateObjectMeta(rc.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain });
  const spec = rc.spec ?? {};
  const specPath = fieldPath('spec');
  const selector = spec.selector ?? {};
  errs.push(...validateNonnegativeField(spec.minReadySeconds ?? 0, specPath.child('minReadySeconds')));
  if (Object.keys(selector).length === 0) errs.push(required(specPath.child('selector')));
  errs.push(...validateNonnegativeField(spec.replicas ?? 0, specPath.child('replicas')));
  const tp = specPath.child('template');
  if (!spec.template) {
    errs.push(required(tp));
    return errs;
  }
  const labels = spec.template.metadata?.labels ?? {};
  if (Object.keys(selector).length > 0 && !Object.entries(selector).every(([k, v]) => Object.hasOwn(labels, k) && labels[k] === v)) {
    errs.push(invalid(tp.child('metadata', 'labels'), labels, '`selector` does not match template `labels`'));
  }
  errs.push(...validatePodTemplateSpec(spec.template, tp));
  if (spec.template.spec?.restartPolicy !== 'Always') {
    errs.push(notSupported(tp.child('spec', 'restartPolicy'), spec.template.spec?.restartPolicy ?? '', ['Always']));
  }
  if (spec.template.spec?.activeDeadlineSeconds !== undefined) {
    errs.push(forbidden(tp.child('spec', 'activeDeadlineSeconds'), 'activeDeadlineSeconds in ReplicationController is not Supported'));
  }
  return errs;
}
