import type { ObjectFieldSelector, ResourceFieldSelector, Volume } from 'kubernetes-types/core/v1';
import type { ObjectMeta } from 'kubernetes-types/meta/v1';
import { MAX_INT32 } from './constants';
import { validVolumeDownwardAPIFieldPaths, validateObjectFieldSelector, validateResourceFieldSelector } from './downward-api';
import { type FieldError, type FieldPath, duplicate, forbidden, invalid, notSupported, required } from './field';
import { isDNS1123Label, isDNS1123Subdomain } from './name';
import { validateAnnotations, validateLabels } from './object-meta';
import { isAbsPath, validateFileMode, validateLocalDescendingPath, validateLocalNonReservedPath, validatePathNoBacksteps } from './paths';
import { quantityAt } from './resources';

/** A pod's volumes and their sources, as Kubernetes' ValidateVolumes and validateVolumeSource check them. */

/** Volume source fields in the order Kubernetes checks them; the path name where it differs. */
const volumeSourceFields: readonly [keyof Volume, string][] = [
  ['emptyDir', 'emptyDir'],
  ['hostPath', 'hostPath'],
  ['gitRepo', 'gitRepo'],
  ['gcePersistentDisk', 'gcePersistentDisk'],
  ['awsElasticBlockStore', 'awsElasticBlockStore'],
  ['secret', 'secret'],
  ['nfs', 'nfs'],
  ['iscsi', 'iscsi'],
  ['glusterfs', 'glusterfs'],
  ['flocker', 'flocker'],
  ['persistentVolumeClaim', 'persistentVolumeClaim'],
  ['rbd', 'rbd'],
  ['cinder', 'cinder'],
  ['cephfs', 'cephFS'],
  ['quobyte', 'quobyte'],
  // Kubernetes misspells this one in its "more than 1 volume type" error; kept for identical output.
  ['downwardAPI', 'downwarAPI'],
  ['fc', 'fc'],
  ['flexVolume', 'flexVolume'],
  ['configMap', 'configMap'],
  ['azureFile', 'azureFile'],
  ['vsphereVolume', 'vsphereVolume'],
  ['photonPersistentDisk', 'photonPersistentDisk'],
  ['portworxVolume', 'portworxVolume'],
  ['azureDisk', 'azureDisk'],
  ['storageos', 'storageos'],
  ['projected', 'projected'],
  ['scaleIO', 'scaleIO'],
  ['csi', 'csi'],
  ['ephemeral', 'ephemeral'],
];

const supportedHostPathTypes = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];

function validateKeyToPath(kp: { key?: string; path?: string; mode?: number }, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!kp.key) errs.push(required(path.child('key')));
  if (!kp.path) errs.push(required(path.child('path')));
  errs.push(...validateLocalNonReservedPath(kp.path ?? '', path.child('path')));
  errs.push(...validateFileMode(kp.mode, path.child('mode')));
  return errs;
}

function validateVolumeSource(vol: Volume, path: FieldPath, podMeta: ObjectMeta | undefined): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const [key, name] of volumeSourceFields) {
    const src = vol[key];
    if (src === undefined || src === null) continue;
    if (count > 0) {
      errs.push(forbidden(path.child(name), 'may not specify more than 1 volume type'));
      continue;
    }
    count++;
    errs.push(...validateOneVolumeSource(vol, key, path, podMeta));
  }
  if (count === 0) errs.push(required(path, 'must specify a volume type'));
  return errs;
}

function validateOneVolumeSource(vol: Volume, key: keyof Volume, path: FieldPath, podMeta: ObjectMeta | undefined): FieldError[] {
  const errs: FieldError[] = [];
  switch (key) {
    case 'emptyDir': {
      const limit = vol.emptyDir?.sizeLimit;
      if (limit !== undefined) {
        const q = quantityAt(limit, path.child('emptyDir', 'sizeLimit'), errs);
        if (q?.negative) errs.push(forbidden(path.child('emptyDir', 'sizeLimit'), 'SizeLimit field must be a valid resource quantity'));
      }
      break;
    }
    case 'hostPath': {
      const hp = vol.hostPath!;
      const p = path.child('hostPath');
      if (!hp.path) {
        errs.push(required(p.child('path')));
        break;
      }
      errs.push(...validatePathNoBacksteps(hp.path, p.child('path')));
      if (hp.type !== undefined && !supportedHostPathTypes.includes(hp.type)) {
        errs.push(notSupported(p.child('type'), hp.type, supportedHostPathTypes));
      }
      break;
    }
    case 'gitRepo': {
      const g = vol.gitRepo!;
      const p = path.child('gitRepo');
      if (!g.repository) errs.push(required(p.child('repository')));
      const dir = g.directory ?? '';
      const pathErrs = validateLocalDescendingPath(dir, p.child('directory'));
      errs.push(...pathErrs);
      break;
    }
    case 'secret': {
      const s = vol.secret!;
      const p = path.child('secret');
      if (!s.secretName) errs.push(required(p.child('secretName')));
      errs.push(...validateFileMode(s.defaultMode, p.child('defaultMode')));
      (s.items ?? []).forEach((kp, i) => errs.push(...validateKeyToPath(kp, p.child('items').index(i))));
      break;
    }
    case 'configMap': {
      const c = vol.configMap!;
      const p = path.child('configMap');
      if (!c.name) errs.push(required(p.child('name')));
      errs.push(...validateFileMode(c.defaultMode, p.child('defaultMode')));
      (c.items ?? []).forEach((kp, i) => errs.push(...validateKeyToPath(kp, p.child('items').index(i))));
      break;
    }
    case 'nfs': {
      const n = vol.nfs!;
      const p = path.child('nfs');
      if (!n.server) errs.push(required(p.child('server')));
      if (!n.path) errs.push(required(p.child('path')));
      if (!isAbsPath(n.path ?? '')) errs.push(invalid(p.child('path'), n.path ?? '', 'must be an absolute path'));
      break;
    }
    case 'persistentVolumeClaim': {
      if (!vol.persistentVolumeClaim!.claimName) errs.push(required(path.child('persistentVolumeClaim', 'claimName')));
      break;
    }
    case 'downwardAPI': {
      const d = vol.downwardAPI!;
      const p = path.child('downwardAPI');
      errs.push(...validateFileMode(d.defaultMode, p.child('defaultMode')));
      for (const file of d.items ?? []) errs.push(...validateDownwardAPIVolumeFile(file, p));
      break;
    }
    case 'projected': {
      errs.push(...validateProjectedSources(vol.projected!, path.child('projected')));
      break;
    }
    case 'csi': {
      const c = vol.csi!;
      const p = path.child('csi');
      if (!c.driver) errs.push(required(p.child('driver')));
      else errs.push(...isDNS1123Subdomain(c.driver.toLowerCase()).map((msg) => invalid(p.child('driver'), c.driver, msg)));
      if (c.nodePublishSecretRef && !c.nodePublishSecretRef.name) {
        errs.push(required(p.child('nodePublishSecretRef', 'name')));
      }
      break;
    }
    case 'ephemeral': {
      const e = vol.ephemeral!;
      const p = path.child('ephemeral');
      if (!e.volumeClaimTemplate) {
        errs.push(required(p.child('volumeClaimTemplate')));
      } else {
        const meta = e.volumeClaimTemplate.metadata;
        errs.push(...validateAnnotations(meta?.annotations, p.child('volumeClaimTemplate', 'metadata', 'annotations')));
        errs.push(...validateLabels(meta?.labels, p.child('volumeClaimTemplate', 'metadata', 'labels')));
      }
      if (podMeta?.name && vol.name) {
        const pvcName = `${podMeta.name}-${vol.name}`;
        for (const msg of isDNS1123Subdomain(pvcName)) {
          errs.push(invalid(p.child('name'), vol.name, `PVC name "${pvcName}": ${msg}`));
        }
      }
      break;
    }
    default:
      // The remaining in-tree drivers are kept for compatibility only; their sources are stored as given.
      break;
  }
  return errs;
}

function validateDownwardAPIVolumeFile(
  file: { path?: string; fieldRef?: ObjectFieldSelector; resourceFieldRef?: ResourceFieldSelector; mode?: number },
  path: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  if (!file.path) errs.push(required(path.child('path')));
  errs.push(...validateLocalNonReservedPath(file.path ?? '', path.child('path')));
  if (file.fieldRef) {
    errs.push(...validateObjectFieldSelector(file.fieldRef, validVolumeDownwardAPIFieldPaths, path.child('fieldRef')));
    if (file.resourceFieldRef) {
      errs.push(invalid(path, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
    }
  } else if (file.resourceFieldRef) {
    errs.push(...validateResourceFieldSelector(file.resourceFieldRef, path.child('resourceFieldRef'), true));
  } else {
    errs.push(required(path, 'one of fieldRef and resourceFieldRef is required'));
  }
  errs.push(...validateFileMode(file.mode, path.child('mode')));
  return errs;
}

function validateProjectedSources(projected: NonNullable<Volume['projected']>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateFileMode(projected.defaultMode, path.child('defaultMode')));
  const allPaths = new Set<string>();
  const notePath = (p: string, at: FieldPath) => {
    if (allPaths.has(p)) errs.push(invalid(at, p, 'conflicting duplicate paths'));
    else allPaths.add(p);
  };
  (projected.sources ?? []).forEach((src, i) => {
    const srcPath = path.child('sources').index(i);
    let n = 0;
    if (src.secret) {
      n++;
      const p = srcPath.child('secret');
      if (!src.secret.name) errs.push(required(p.child('name')));
      (src.secret.items ?? []).forEach((kp, j) => {
        const ip = p.child('items').index(j);
        errs.push(...validateKeyToPath(kp, ip));
        notePath(kp.path ?? '', ip.child('path'));
      });
    }
    if (src.configMap) {
      n++;
      const p = srcPath.child('configMap');
      if (!src.configMap.name) errs.push(required(p.child('name')));
      (src.configMap.items ?? []).forEach((kp, j) => {
        const ip = p.child('items').index(j);
        errs.push(...validateKeyToPath(kp, ip));
        notePath(kp.path ?? '', ip.child('path'));
      });
    }
    if (src.downwardAPI) {
      n++;
      const p = srcPath.child('downwardAPI');
      for (const file of src.downwardAPI.items ?? []) {
        errs.push(...validateDownwardAPIVolumeFile(file, p));
        notePath(file.path ?? '', p.child('path'));
      }
    }
    if (src.serviceAccountToken) {
      n++;
      const p = srcPath.child('serviceAccountToken');
      const exp = src.serviceAccountToken.expirationSeconds;
      if (exp !== undefined) {
        if (exp < 10 * 60) {
          errs.push(invalid(p.child('expirationSeconds'), exp, 'may not specify a duration less than 10 minutes'));
        }
        if (exp > MAX_INT32) {
          errs.push(invalid(p.child('expirationSeconds'), exp, 'may not specify a duration larger than 2^32 seconds'));
        }
      }
      if (!src.serviceAccountToken.path) errs.push(required(p.child('path')));
      else notePath(src.serviceAccountToken.path, p.child('path'));
    }
    if (n > 1) errs.push(forbidden(srcPath, 'may not specify more than 1 volume type per source'));
  });
  return errs;
}

/**
 * The pod's volumes: each a DNS-label name, unique, with exactly one source. Returns the names
 * of the valid volumes, which volumeMounts may refer to.
 */
export function validateVolumes(
  volumes: Volume[] | undefined,
  podMeta: ObjectMeta | undefined,
  path: FieldPath,
): { names: Map<string, Volume>; errs: FieldError[] } {
  const errs: FieldError[] = [];
  const names = new Map<string, Volume>();
  const createdPVCs = new Set<string>();
  if (podMeta?.name) {
    for (const v of volumes ?? []) if (v.ephemeral) createdPVCs.add(`${podMeta.name}-${v.name}`);
  }
  (volumes ?? []).forEach((vol, i) => {
    const p = path.index(i);
    const el = validateVolumeSource(vol, p, podMeta);
    if (!vol.name) el.push(required(p.child('name')));
    else el.push(...isDNS1123Label(vol.name).map((msg) => invalid(p.child('name'), vol.name, msg)));
    if (names.has(vol.name)) el.push(duplicate(p.child('name'), vol.name));
    if (el.length === 0) names.set(vol.name, vol);
    else errs.push(...el);
    const claim = vol.persistentVolumeClaim?.claimName;
    if (claim && createdPVCs.has(claim)) {
      errs.push(
        invalid(p.child('persistentVolumeClaim', 'claimName'), claim, 'must not reference a PVC that gets created for an ephemeral volume'),
      );
    }
  });
  return { names, errs };
}
