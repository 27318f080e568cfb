import type { Container, Pod, PodSpec, PodTemplateSpec, Toleration } from 'kubernetes-types/core/v1';
import type { ObjectMeta } from 'kubernetes-types/meta/v1';
import { MAX_INT32 } from './constants';
import { type ContainerContext, validateContainers, validateEphemeralContainers, validateInitContainers } from './containers';
import { semanticEqual } from './equal';
import { type FieldError, type FieldPath, duplicate, fieldPath, forbidden, invalid, notSupported, required } from './field';
import { validateIP } from './ip';
import { byteLength, inclusiveRangeError, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, nameIsDNSSubdomain } from './name';
import { validateAnnotations, validateLabels, validateObjectMeta, validateObjectMetaUpdate } from './object-meta';
import { validateResourceRequirements } from './resources';
import { validateAffinity, validateTolerations, validateTopologySpreadConstraints } from './scheduling';
import { validatePodSecurityContext } from './security-context';
import { validateVolumes } from './volumes';

/**
 * Pod and pod template validation: k8s.io/kubernetes pkg/apis/core/validation (v1.30) for
 * ValidatePodCreate, ValidatePodSpec, ValidatePodTemplateSpec and their parts, on the v1 wire
 * form after defaulting (call the defaulting module first, as the apiserver decodes with
 * defaults before it validates).
 */

/** What changes between validating a Pod and a PodSpec embedded in a template. */
export interface PodSpecValidationOptions {
  /** The PodSpec is a Pod's own (host ports must then equal container ports under hostNetwork). */
  resourceIsPod?: boolean;
  /**
   * Extra names volumeMounts may refer to besides spec.volumes: a StatefulSet's
   * volumeClaimTemplates.
   */
  extraVolumeNames?: readonly string[];
}

const MAX_DNS_NAMESERVERS = 3;
const MAX_DNS_SEARCH_PATHS = 32;
const MAX_DNS_SEARCH_LIST_CHARS = 2048;

function validatePodDNSConfig(spec: PodSpec, path: FieldPath): FieldError[] {
  const cfg = spec.dnsConfig;
  if (spec.dnsPolicy === 'None') {
    if (!cfg) return [required(path, 'must provide `dnsConfig` when `dnsPolicy` is None')];
    if ((cfg.nameservers ?? []).length === 0) {
      return [required(path.child('nameservers'), 'must provide at least one DNS nameserver when `dnsPolicy` is None')];
    }
  }
  if (!cfg) return [];
  const errs: FieldError[] = [];
  const ns = cfg.nameservers ?? [];
  if (ns.length > MAX_DNS_NAMESERVERS) {
    errs.push(invalid(path.child('nameservers'), ns, `must not have more than ${MAX_DNS_NAMESERVERS} nameservers`));
  }
  ns.forEach((s, i) => errs.push(...validateIP(path.child('nameservers').index(i), s)));
  const searches = cfg.searches ?? [];
  if (searches.length > MAX_DNS_SEARCH_PATHS) {
    errs.push(invalid(path.child('searches'), searches, `must not have more than ${MAX_DNS_SEARCH_PATHS} search paths`));
  }
  if (byteLength(searches.join(' ')) > MAX_DNS_SEARCH_LIST_CHARS) {
    errs.push(
      invalid(path.child('searches'), searches, `must not have more than ${MAX_DNS_SEARCH_LIST_CHARS} characters (including spaces) in the search list`),
    );
  }
  searches.forEach((s, i) => {
    const trimmed = s.endsWith('.') ? s.slice(0, -1) : s;
    for (const msg of isDNS1123Subdomain(trimmed)) errs.push(invalid(path.child('searches').index(i), trimmed, msg));
  });
  (cfg.options ?? []).forEach((o, i) => {
    if (!o.name) errs.push(required(path.child('options').index(i), 'must not be empty'));
  });
  return errs;
}

const restartPolicies = ['Always', 'OnFailure', 'Never'];
const dnsPolicies = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];

/** A PodSpec, in a Pod or a template: ValidatePodSpec. */
export function validatePodSpec(
  spec: PodSpec | undefined,
  podMeta: ObjectMeta | undefined,
  path: FieldPath,
  opts: PodSpecValidationOptions = {},
): FieldError[] {
  const s: PodSpec = spec ?? ({ containers: [] } as PodSpec);
  const errs: FieldError[] = [];
  const gracePeriod = s.terminationGracePeriodSeconds ?? 0;
  const hostUsers = s.hostUsers ?? true;
  const vols = validateVolumes(s.volumes, podMeta, path.child('volumes'));
  errs.push(...vols.errs);
  const claimNames = new Set<string>();
  (s.resourceClaims ?? []).forEach((c, i) => {
    const p = path.child('resourceClaims').index(i);
    if (claimNames.has(c.name)) errs.push(duplicate(p, c.name));
    else {
      for (const msg of isDNS1123Label(c.name)) errs.push(invalid(p.child('name'), c.name, msg));
      claimNames.add(c.name);
    }
  });
  const cx: ContainerContext = {
    volumes: vols.names,
    extraVolumeNames: opts.extraVolumeNames ?? [],
    podRestartPolicy: s.restartPolicy ?? '',
    hostUsers,
    gracePeriod,
  };
  errs.push(...validateContainers(s.containers, path.child('containers'), cx));
  errs.push(...validateInitContainers(s.initContainers, s.containers, path.child('initContainers'), cx));
  errs.push(...validateEphemeralContainers(s, path.child('ephemeralContainers'), cx));
  if (s.hostNetwork) {
    (s.containers ?? []).forEach((c, i) => {
      (c.ports ?? []).forEach((port, j) => {
        const hp = port.hostPort ?? 0;
        if ((opts.resourceIsPod || hp !== 0) && hp !== port.containerPort) {
          errs.push(
            invalid(path.child('containers').index(i).child('ports').index(j).child('hostPort'), hp, 'must match `containerPort` when `hostNetwork` is true'),
          );
        }
      });
    });
  }
  if (!s.restartPolicy) errs.push(required(path.child('restartPolicy')));
  else if (!restartPolicies.includes(s.restartPolicy)) errs.push(notSupported(path.child('restartPolicy'), s.restartPolicy, restartPolicies));
  if (!s.dnsPolicy) errs.push(required(path.child('dnsPolicy')));
  else if (!dnsPolicies.includes(s.dnsPolicy)) errs.push(notSupported(path.child('dnsPolicy'), s.dnsPolicy, dnsPolicies));
  errs.push(...validateLabels(s.nodeSelector, path.child('nodeSelector')));
  errs.push(...validatePodSecurityContext(s, path.child('securityContext')));
  (s.imagePullSecrets ?? []).forEach((ref, i) => {
    const extra = Object.keys(ref).filter((k) => k !== 'name');
    if (extra.length > 0) errs.push(invalid(path.child('imagePullSecrets').index(i), ref, 'only name may be set'));
  });
  errs.push(...validateAffinity(s.affinity, path.child('affinity')));
  errs.push(...validatePodDNSConfig(s, path.child('dnsConfig')));
  (s.readinessGates ?? []).forEach((g, i) => {
    const p = path.child('readinessGates').index(i).child('conditionType');
    for (const msg of isQualifiedName(g.conditionType)) errs.push(invalid(p, g.conditionType, msg));
  });
  const gates = new Set<string>();
  (s.schedulingGates ?? []).forEach((g, i) => {
    const p = path.child('schedulingGates').index(i);
    for (const msg of isQualifiedName(g.name)) errs.push(invalid(p, g.name, msg));
    if (gates.has(g.name)) errs.push(duplicate(p, g.name));
    gates.add(g.name);
  });
  errs.push(...validateTopologySpreadConstraints(s.topologySpreadConstraints, path.child('topologySpreadConstraints')));
  if (s.hostUsers === false) {
    const msg = 'when `pod.Spec.HostUsers` is false';
    if (s.hostNetwork) errs.push(forbidden(path.child('hostNetwork'), msg));
    if (s.hostPID) errs.push(forbidden(path.child('HostPID'), msg));
    if (s.hostIPC) errs.push(forbidden(path.child('HostIPC'), msg));
  }
  if (s.serviceAccountName) {
    for (const msg of nameIsDNSSubdomain(s.serviceAccountName, false)) {
      errs.push(invalid(path.child('serviceAccountName'), s.serviceAccountName, msg));
    }
  }
  if (s.nodeName) {
    for (const msg of nameIsDNSSubdomain(s.nodeName, false)) errs.push(invalid(path.child('nodeName'), s.nodeName, msg));
  }
  if (s.activeDeadlineSeconds !== undefined) {
    const v = s.activeDeadlineSeconds;
    if (v < 1 || v > MAX_INT32) errs.push(invalid(path.child('activeDeadlineSeconds'), v, inclusiveRangeError(1, MAX_INT32)));
  }
  if (s.hostname) for (const msg of isDNS1123Label(s.hostname)) errs.push(invalid(path.child('hostname'), s.hostname, msg));
  if (s.subdomain) for (const msg of isDNS1123Label(s.subdomain)) errs.push(invalid(path.child('subdomain'), s.subdomain, msg));
  if ((s.tolerations ?? []).length > 0) errs.push(...validateTolerations(s.tolerations, path.child('tolerations')));
  (s.hostAliases ?? []).forEach((ha, i) => {
    const p = path.child('hostAliases').index(i);
    errs.push(...validateIP(p.child('ip'), ha.ip ?? ''));
    for (const h of ha.hostnames ?? []) errs.push(...isDNS1123Subdomain(h).map((msg) => invalid(p.child('hostnames'), h, msg)));
  });
  if (s.priorityClassName) {
    for (const msg of nameIsDNSSubdomain(s.priorityClassName, false)) {
      errs.push(invalid(path.child('priorityClassName'), s.priorityClassName, msg));
    }
  }
  if (s.runtimeClassName !== undefined) {
    for (const msg of nameIsDNSSubdomain(s.runtimeClassName, false)) {
      errs.push(invalid(path.child('runtimeClassName'), s.runtimeClassName, msg));
    }
  }
  if (s.preemptionPolicy !== undefined) {
    if (!s.preemptionPolicy) errs.push(required(path.child('preemptionPolicy')));
    else if (s.preemptionPolicy !== 'PreemptLowerPriority' && s.preemptionPolicy !== 'Never') {
      errs.push(notSupported(path.child('preemptionPolicy'), s.preemptionPolicy, ['PreemptLowerPriority', 'Never']));
    }
  }
  if (s.overhead) errs.push(...validateResourceRequirements({ limits: s.overhead }, path.child('overhead')));
  if (s.os) {
    if (!s.os.name) errs.push(required(path.child('os', 'name'), 'cannot be empty'));
    else if (s.os.name !== 'linux' && s.os.name !== 'windows') errs.push(notSupported(path.child('os'), s.os.name, ['linux', 'windows']));
  }
  return errs;
}

/** ValidatePodTemplateSpec: labels, annotations and the spec of a template; ephemeral containers forbidden. */
export function validatePodTemplateSpec(
  template: PodTemplateSpec | undefined,
  path: FieldPath,
  opts: PodSpecValidationOptions = {},
): FieldError[] {
  const errs = validateLabels(template?.metadata?.labels, path.child('labels'));
  errs.push(...validateAnnotations(template?.metadata?.annotations, path.child('annotations')));
  errs.push(...validatePodSpecificAnnotations(template?.metadata?.annotations, template?.spec, path.child('annotations')));
  errs.push(...validatePodSpec(template?.spec, undefined, path.child('spec'), opts));
  if ((template?.spec?.ephemeralContainers ?? []).length > 0) {
    errs.push(forbidden(path.child('spec', 'ephemeralContainers'), 'ephemeral containers not allowed in pod template'));
  }
  return errs;
}

const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';
const DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';

function validatePodSpecificAnnotations(
  annotations: Record<string, string> | undefined,
  spec: PodSpec | undefined,
  path: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  const a = annotations ?? {};
  if (Object.hasOwn(a, MIRROR_POD_ANNOTATION) && !spec?.nodeName) {
    errs.push(invalid(path.key(MIRROR_POD_ANNOTATION), a[MIRROR_POD_ANNOTATION], 'must set spec.nodeName if mirror pod annotation is set'));
  }
  if (Object.hasOwn(a, DELETION_COST_ANNOTATION)) {
    const v = a[DELETION_COST_ANNOTATION]!;
    const n = Number(v);
    if (!/^[+-]?[0-9]+$/.test(v) || n < -MAX_INT32 - 1 || n > MAX_INT32) {
      errs.push(invalid(path.key(DELETION_COST_ANNOTATION), v, 'must be a 32bit integer'));
    }
  }
  return errs;
}

function validatePodMetadataAndSpec(pod: Pod): FieldError[] {
  const metaPath = fieldPath('metadata');
  const specPath = fieldPath('spec');
  const errs = validateObjectMeta(pod.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain }, metaPath);
  errs.push(...validatePodSpecificAnnotations(pod.metadata?.annotations, pod.spec, metaPath.child('annotations')));
  errs.push(...validatePodSpec(pod.spec, pod.metadata, specPath, { resourceIsPod: true }));
  if (!pod.spec?.serviceAccountName) {
    (pod.spec?.volumes ?? []).forEach((v, vi) => {
      (v.projected?.sources ?? []).forEach((src, si) => {
        if (src.serviceAccountToken) {
          errs.push(
            forbidden(
              specPath.child('volumes').index(vi).child('projected', 'sources').index(si).child('serviceAccountToken'),
              'must not be specified when serviceAccountName is not set',
            ),
          );
        }
      });
    });
  }
  for (const list of ['containers', 'initContainers'] as const) {
    (pod.spec?.[list] ?? []).forEach((c, i) => {
      if (c.image !== undefined && c.image.trim() !== c.image) {
        errs.push(invalid(specPath.child(list).index(i).child('image'), c.image, 'must not have leading or trailing whitespace'));
      }
    });
  }
  return errs;
}

/** A new Pod: ValidatePodCreate. */
export function validatePodCreate(pod: Pod): FieldError[] {
  const errs = validatePodMetadataAndSpec(pod);
  const specPath = fieldPath('spec');
  if ((pod.spec?.ephemeralContainers ?? []).length > 0) {
    errs.push(forbidden(specPath.child('ephemeralContainers'), 'cannot be set on create'));
  }
  if (pod.spec?.nodeName && (pod.spec.schedulingGates ?? []).length > 0) {
    errs.push(forbidden(specPath.child('nodeName'), 'cannot be set until all schedulingGates have been cleared'));
  }
  return errs;
}


const updatablePodSpecFields = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

function validateContainerUpdates(
  next: Container[] | undefined,
  prev: Container[] | undefined,
  path: FieldPath,
): { errs: FieldError[]; stop: boolean } {
  const n = next ?? [];
  if (n.length !== (prev ?? []).length) return { errs: [forbidden(path, 'pod updates may not add or remove containers')], stop: true };
  const errs: FieldError[] = [];
  n.forEach((c, i) => {
    if (!c.image) errs.push(required(path.index(i).child('image')));
    if ((c.image ?? '').trim() !== (c.image ?? '')) {
      errs.push(invalid(path.index(i).child('image'), c.image, 'must not have leading or trailing whitespace'));
    }
  });
  return { errs, stop: false };
}

function validateOnlyAddedTolerations(next: Toleration[] | undefined, prev: Toleration[] | undefined, path: FieldPath): FieldError[] {
  for (const old of prev ?? []) {
    const found = (next ?? []).some((t) => semanticEqual({ ...old, tolerationSeconds: t.tolerationSeconds }, t));
    if (!found) return [forbidden(path, 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return validateTolerations(next, path);
}

/** Top-level fields of a spec that differ, for the message of a forbidden pod update. */
function specDiff(prev: PodSpec, next: PodSpec): string {
  const keys = [...new Set([...Object.keys(prev), ...Object.keys(next)])].sort();
  const lines: string[] = [];
  for (const k of keys) {
    const a = (prev as unknown as Record<string, unknown>)[k];
    const b = (next as unknown as Record<string, unknown>)[k];
    if (semanticEqual(a, b)) continue;
    lines.push(`-  ${k}: ${JSON.stringify(a) ?? 'null'}`, `+  ${k}: ${JSON.stringify(b) ?? 'null'}`);
  }
  return `  core.PodSpec{\n${lines.join('\n')}\n  }\n`;
}

/**
 * A Pod update: ValidatePodUpdate. Only container images, activeDeadlineSeconds (lowered),
 * added tolerations (or changed tolerationSeconds), removed scheduling gates, and for gated pods
 * added node selectors may change; any other spec change is one Forbidden error on `spec`.
 */
export function validatePodUpdate(next: Pod, prev: Pod): FieldError[] {
  const metaPath = fieldPath('metadata');
  const specPath = fieldPath('spec');
  const errs = validateObjectMetaUpdate(next.metadata, prev.metadata, {}, metaPath);
  errs.push(...validatePodMetadataAndSpec(next));
  const newAnn = next.metadata?.annotations ?? {};
  const oldAnn = prev.metadata?.annotations ?? {};
  for (const [k, v] of Object.entries(oldAnn)) {
    if (Object.hasOwn(newAnn, k) && newAnn[k] === v) continue;
    if (k.startsWith('container.apparmor.security.beta.kubernetes.io/')) {
      errs.push(forbidden(metaPath.child('annotations').key(k), 'may not remove or update AppArmor annotations'));
    }
    if (k === MIRROR_POD_ANNOTATION) errs.push(forbidden(metaPath.child('annotations').key(k), 'may not remove or update mirror pod annotation'));
  }
  for (const k of Object.keys(newAnn)) {
    if (Object.hasOwn(oldAnn, k)) continue;
    if (k.startsWith('container.apparmor.security.beta.kubernetes.io/')) {
      errs.push(forbidden(metaPath.child('annotations').key(k), 'may not add AppArmor annotations'));
    }
    if (k === MIRROR_POD_ANNOTATION) errs.push(forbidden(metaPath.child('annotations').key(k), 'may not add mirror pod annotation'));
  }
  const ns: PodSpec = next.spec ?? ({ containers: [] } as PodSpec);
  const os: PodSpec = prev.spec ?? ({ containers: [] } as PodSpec);
  for (const list of ['containers', 'initContainers'] as const) {
    const r = validateContainerUpdates(ns[list], os[list], specPath.child(list));
    errs.push(...r.errs);
    if (r.stop) return errs;
  }
  if (ns.activeDeadlineSeconds !== undefined) {
    const v = ns.activeDeadlineSeconds;
    if (v < 0 || v > MAX_INT32) {
      errs.push(invalid(specPath.child('activeDeadlineSeconds'), v, inclusiveRangeError(0, MAX_INT32)));
      return errs;
    }
    if (os.activeDeadlineSeconds !== undefined && os.activeDeadlineSeconds < v) {
      errs.push(invalid(specPath.child('activeDeadlineSeconds'), v, 'must be less than or equal to previous value'));
      return errs;
    }
  } else if (os.activeDeadlineSeconds !== undefined) {
    errs.push(invalid(specPath.child('activeDeadlineSeconds'), null, 'must not update from a positive integer to nil value'));
  }
  errs.push(...validateOnlyAddedTolerations(ns.tolerations, os.tolerations, specPath.child('tolerations')));
  const oldGates = new Set((os.schedulingGates ?? []).map((g) => g.name));
  (ns.schedulingGates ?? []).forEach((g, i) => {
    if (!oldGates.has(g.name)) {
      errs.push(forbidden(specPath.child('schedulingGates').index(i).child('name'), `only deletion is allowed, but found new scheduling gate '${g.name}'`));
    }
  });
  if (semanticEqual(ns, os)) return errs;
  const munged: PodSpec = {
    ...ns,
    containers: (ns.containers ?? []).map((c, i) => ({ ...c, image: os.containers?.[i]?.image })),
    initContainers: ns.initContainers?.map((c, i) => ({ ...c, image: os.initContainers?.[i]?.image })),
    activeDeadlineSeconds: os.activeDeadlineSeconds,
    schedulingGates: os.schedulingGates,
    tolerations: os.tolerations,
  };
  if ((os.terminationGracePeriodSeconds ?? 0) < 0 && munged.terminationGracePeriodSeconds === 1) {
    munged.terminationGracePeriodSeconds = os.terminationGracePeriodSeconds;
  }
  if ((os.schedulingGates ?? []).length > 0 && !semanticEqual(munged.nodeSelector, os.nodeSelector)) {
    // A gated pod may gain node selector entries, never lose or change them.
    const oldSel = os.nodeSelector ?? {};
    for (const [k, v] of Object.entries(oldSel)) {
      if (munged.nodeSelector?.[k] !== v) {
        errs.push(invalid(specPath.child('nodeSelector'), munged.nodeSelector ?? {}, 'only additions to spec.nodeSelector are allowed (no mutations or deletions)'));
        break;
      }
    }
    munged.nodeSelector = os.nodeSelector;
  }
  if (!semanticEqual(munged, os)) {
    errs.push(forbidden(specPath, `pod updates may not change fields other than ${updatablePodSpecFields.join(',')}\n${specDiff(os, munged)}`));
  }
  return errs;
}
