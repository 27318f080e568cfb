/** PersistentVolumes, PersistentVolumeClaims, StorageClasses and the CSI objects. */
import type { corev1, storagev1 } from '@tskube/api-types';
import { fieldDocs } from '../descriptions';
import { timestampSince } from '../duration';
import { NONE, UNSET, accessModes, quantity } from '../format';
import { ageColumn, column, nameColumn, printer, wide, type RowContext } from '../printer';

const age = (obj: { metadata?: { creationTimestamp?: string } }, ctx: RowContext): string => timestampSince(obj.metadata?.creationTimestamp, ctx.now);

/** The pre-GA annotation that still overrides storageClassName when present. */
const BETA_STORAGE_CLASS = 'volume.beta.kubernetes.io/storage-class';

const pvColumns = [
  nameColumn,
  column('Capacity', 'string', fieldDocs.pvCapacity),
  column('Access Modes', 'string', fieldDocs.pvAccessModes),
  column('Reclaim Policy', 'string', fieldDocs.pvReclaimPolicy),
  column('Status', 'string', fieldDocs.pvPhase),
  column('Claim', 'string', fieldDocs.pvClaimRef),
  column('StorageClass', 'string', 'StorageClass of the pv'),
  column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pv'),
  column('Reason', 'string', fieldDocs.pvReason),
  ageColumn,
  wide('VolumeMode', 'string', fieldDocs.pvVolumeMode),
];

function pvRow(pv: corev1.PersistentVolume, ctx: RowContext): unknown[] {
  const spec = pv.spec ?? {};
  const claim = spec.claimRef ? `${spec.claimRef.namespace ?? ''}/${spec.claimRef.name ?? ''}` : '';
  const annotations = pv.metadata?.annotations ?? {};
  const storageClass = Object.hasOwn(annotations, BETA_STORAGE_CLASS) ? annotations[BETA_STORAGE_CLASS]! : (spec.storageClassName ?? '');
  return [
    pv.metadata?.name ?? '',
    quantity(spec.capacity?.storage),
    accessModes(spec.accessModes),
    spec.persistentVolumeReclaimPolicy ?? '',
    pv.metadata?.deletionTimestamp ? 'Terminating' : (pv.status?.phase ?? ''),
    claim,
    storageClass,
    spec.volumeAttributesClassName ?? UNSET,
    pv.status?.reason ?? '',
    age(pv, ctx),
    spec.volumeMode ?? UNSET,
  ];
}

const pvcColumns = [
  nameColumn,
  column('Status', 'string', fieldDocs.pvcPhase),
  column('Volume', 'string', fieldDocs.pvcVolumeName),
  column('Capacity', 'string', fieldDocs.pvcCapacity),
  column('Access Modes', 'string', fieldDocs.pvcAccessModes),
  column('StorageClass', 'string', 'StorageClass of the pvc'),
  column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc'),
  ageColumn,
  wide('VolumeMode', 'string', fieldDocs.pvcVolumeMode),
];

function pvcRow(pvc: corev1.PersistentVolumeClaim, ctx: RowContext): unknown[] {
  const spec = pvc.spec ?? {};
  const annotations = pvc.metadata?.annotations ?? {};
  const storageClass = Object.hasOwn(annotations, BETA_STORAGE_CLASS) ? annotations[BETA_STORAGE_CLASS]! : (spec.storageClassName ?? '');
  // Capacity and access modes are the bound volume's, so blank until bound.
  const bound = Boolean(spec.volumeName);
  return [
    pvc.metadata?.name ?? '',
    pvc.metadata?.deletionTimestamp ? 'Terminating' : (pvc.status?.phase ?? ''),
    spec.volumeName ?? '',
    bound ? quantity(pvc.status?.capacity?.storage) : '',
    bound ? accessModes(pvc.status?.accessModes) : '',
    storageClass,
    spec.volumeAttributesClassName ?? UNSET,
    age(pvc, ctx),
    spec.volumeMode ?? UNSET,
  ];
}

const storageClassColumns = [
  nameColumn,
  column('Provisioner', 'string', fieldDocs.scProvisioner),
  column('ReclaimPolicy', 'string', fieldDocs.scReclaimPolicy),
  column('VolumeBindingMode', 'string', fieldDocs.scVolumeBindingMode),
  column('AllowVolumeExpansion', 'string', fieldDocs.scAllowVolumeExpansion),
  ageColumn,
];

/** storageutil.IsDefaultAnnotation: the GA or beta is-default-class annotation set to "true". */
const isDefaultClass = (annotations: Readonly<Record<string, string>> | undefined): boolean =>
  annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true' || annotations?.['storageclass.beta.kubernetes.io/is-default-class'] === 'true';

function storageClassRow(sc: storagev1.StorageClass, ctx: RowContext): unknown[] {
  const name = sc.metadata?.name ?? '';
  return [
    isDefaultClass(sc.metadata?.annotations) ? `${name} (default)` : name,
    sc.provisioner ?? '',
    sc.reclaimPolicy ?? 'Delete',
    sc.volumeBindingMode ?? 'Immediate',
    sc.allowVolumeExpansion ?? false,
    age(sc, ctx),
  ];
}

const csiDriverColumns = [
  nameColumn,
  column('AttachRequired', 'boolean', fieldDocs.csiAttachRequired),
  column('PodInfoOnMount', 'boolean', fieldDocs.csiPodInfoOnMount),
  column('StorageCapacity', 'boolean', fieldDocs.csiStorageCapacity),
  column('TokenRequests', 'string', fieldDocs.csiTokenRequests),
  column('RequiresRepublish', 'boolean', fieldDocs.csiRequiresRepublish),
  column('Modes', 'string', fieldDocs.csiModes),
  ageColumn,
];

function csiDriverRow(d: storagev1.CSIDriver, ctx: RowContext): unknown[] {
  const spec = d.spec ?? {};
  const tokenRequests = spec.tokenRequests ? spec.tokenRequests.map((t) => t.audience).join(',') : UNSET;
  return [
    d.metadata?.name ?? '',
    spec.attachRequired ?? true,
    spec.podInfoOnMount ?? false,
    spec.storageCapacity ?? false,
    tokenRequests,
    spec.requiresRepublish ?? false,
    (spec.volumeLifecycleModes ?? []).join(',') || NONE,
    age(d, ctx),
  ];
}

const csiNodeColumns = [nameColumn, column('Drivers', 'integer', 'Drivers indicates the number of CSI drivers registered on the node'), ageColumn];

const csiStorageCapacityColumns = [
  nameColumn,
  column('StorageClassName', 'string', fieldDocs.cscStorageClassName),
  column('Capacity', 'string', fieldDocs.cscCapacity),
];

const volumeAttachmentColumns = [
  nameColumn,
  column('Attacher', 'string', fieldDocs.vaAttacher, { format: 'name' }),
  column('PV', 'string', fieldDocs.vaPV),
  column('Node', 'string', fieldDocs.vaNodeName),
  column('Attached', 'boolean', fieldDocs.vaAttached),
  ageColumn,
];

export const persistentVolumePrinter = printer<corev1.PersistentVolume>(pvColumns, pvRow);
export const persistentVolumeClaimPrinter = printer<corev1.PersistentVolumeClaim>(pvcColumns, pvcRow);
export const storageClassPrinter = printer<storagev1.StorageClass>(storageClassColumns, storageClassRow);
export const csiDriverPrinter = printer<storagev1.CSIDriver>(csiDriverColumns, csiDriverRow);
export const csiNodePrinter = printer<storagev1.CSINode>(csiNodeColumns, (n, ctx) => [n.metadata?.name ?? '', n.spec?.drivers?.length ?? 0, age(n, ctx)]);
export const csiStorageCapacityPrinter = printer<storagev1.CSIStorageCapacity>(csiStorageCapacityColumns, (c) => [
  c.metadata?.name ?? '',
  c.storageClassName ?? '',
  c.capacity !== undefined ? quantity(c.capacity) : UNSET,
]);
export const volumeAttachmentPrinter = printer<storagev1.VolumeAttachment>(volumeAttachmentColumns, (va, ctx) => [
  va.metadata?.name ?? '',
  va.spec?.attacher ?? '',
  va.spec?.source?.persistentVolumeName ?? '',
  va.spec?.nodeName ?? '',
  va.status?.attached ?? false,
  age(va, ctx),
]);
