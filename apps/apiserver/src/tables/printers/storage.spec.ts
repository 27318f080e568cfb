import type { corev1, storagev1 } from '@tskube/api-types';
import { describe, expect, it } from 'vitest';
import { csiDriverPrinter, csiNodePrinter, csiStorageCapacityPrinter, persistentVolumeClaimPrinter, persistentVolumePrinter, storageClassPrinter, volumeAttachmentPrinter } from './storage';

const now = new Date('2025-01-01T12:00:00Z');
const ctx = { now, group: '' };
const metadata = { name: 'v', creationTimestamp: '2025-01-01T11:00:00Z' };

describe('persistent volumes', () => {
  it.each([
    {
      name: 'bound',
      pv: {
        metadata,
        spec: {
          capacity: { storage: '10Gi' },
          accessModes: ['ReadWriteOnce'],
          persistentVolumeReclaimPolicy: 'Retain',
          claimRef: { namespace: 'default', name: 'data' },
          storageClassName: 'standard',
          volumeMode: 'Filesystem',
        },
        status: { phase: 'Bound' },
      },
      want: ['v', '10Gi', 'RWO', 'Retain', 'Bound', 'default/data', 'standard', '<unset>', '', '60m', 'Filesystem'],
    },
    {
      name: 'beta class annotation wins; terminating',
      pv: {
        metadata: { ...metadata, deletionTimestamp: '2025-01-01T11:59:00Z', annotations: { 'volume.beta.kubernetes.io/storage-class': 'old' } },
        spec: { capacity: { storage: '1.5Gi' }, storageClassName: 'standard', volumeAttributesClassName: 'gold' },
        status: { phase: 'Released', reason: 'Because' },
      },
      want: ['v', '1536Mi', '', '', 'Terminating', '', 'old', 'gold', 'Because', '60m', '<unset>'],
    },
  ])('$name', ({ pv, want }) => {
    expect(persistentVolumePrinter.row(pv as corev1.PersistentVolume, ctx).cells).toEqual(want);
  });
});

describe('persistent volume claims', () => {
  it.each([
    {
      name: 'pending: no capacity or access modes yet',
      pvc: { metadata, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'standard' }, status: { phase: 'Pending' } },
      want: ['v', 'Pending', '', '', '', 'standard', '<unset>', '60m', '<unset>'],
    },
    {
      name: 'bound: the volume’s capacity and modes',
      pvc: {
        metadata,
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeName: 'pv-1', volumeMode: 'Filesystem' },
        status: { phase: 'Bound', capacity: { storage: '2Gi' }, accessModes: ['ReadWriteOnce', 'ReadOnlyMany'] },
      },
      want: ['v', 'Bound', 'pv-1', '2Gi', 'RWO,ROX', '', '<unset>', '60m', 'Filesystem'],
    },
  ])('$name', ({ pvc, want }) => {
    expect(persistentVolumeClaimPrinter.row(pvc as corev1.PersistentVolumeClaim, ctx).cells).toEqual(want);
  });
});

describe('storage classes and CSI objects', () => {
  it('storage class with defaults and the default-class marker', () => {
    const sc: storagev1.StorageClass = { metadata: { ...metadata, name: 'local', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'rancher.io/local-path' };
    expect(storageClassPrinter.row(sc, ctx).cells).toEqual(['local (default)', 'rancher.io/local-path', 'Delete', 'Immediate', false, '60m']);
  });

  it('storage class with explicit settings', () => {
    const sc: storagev1.StorageClass = { metadata, provisioner: 'p', reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer', allowVolumeExpansion: true };
    expect(storageClassPrinter.row(sc, ctx).cells).toEqual(['v', 'p', 'Retain', 'WaitForFirstConsumer', true, '60m']);
  });

  it('CSI driver', () => {
    const d: storagev1.CSIDriver = { metadata, spec: { tokenRequests: [{ audience: 'a' }, { audience: 'b' }], volumeLifecycleModes: ['Persistent', 'Ephemeral'] } };
    expect(csiDriverPrinter.row(d, ctx).cells).toEqual(['v', true, false, false, 'a,b', false, 'Persistent,Ephemeral', '60m']);
    expect(csiDriverPrinter.row({ metadata, spec: {} }, ctx).cells).toEqual(['v', true, false, false, '<unset>', false, '<none>', '60m']);
  });

  it('CSI node, storage capacity and volume attachment', () => {
    expect(csiNodePrinter.row({ metadata, spec: { drivers: [{ name: 'd', nodeID: 'n' }] } }, ctx).cells).toEqual(['v', 1, '60m']);
    expect(csiStorageCapacityPrinter.row({ metadata, storageClassName: 'fast', capacity: '100Gi' }, ctx).cells).toEqual(['v', 'fast', '100Gi']);
    expect(csiStorageCapacityPrinter.row({ metadata, storageClassName: 'fast' }, ctx).cells).toEqual(['v', 'fast', '<unset>']);
    const va: storagev1.VolumeAttachment = { metadata, spec: { attacher: 'csi.example.com', nodeName: 'n1', source: { persistentVolumeName: 'pv-1' } }, status: { attached: true } };
    expect(volumeAttachmentPrinter.row(va, ctx).cells).toEqual(['v', 'csi.example.com', 'pv-1', 'n1', true, '60m']);
  });
});
