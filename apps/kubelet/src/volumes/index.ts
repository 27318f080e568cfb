// The kubelet's volumes: setting up a pod's volumes on the node, the CRI mounts of its
// containers, refreshing configMap/secret/downwardAPI/projected contents, and tearing them down.
export { VolumeManager, PluginDir, type VolumeManagerOptions, type VolumeSources } from './manager';
export { VolumeError, type VolumeFailure } from './errors';
export { AtomicWriter, type FileProjection, type Payload } from './atomic-writer';
export { containerMounts, translatePropagation, type ResolvedVolume } from './container-mounts';
export { checkHostPathType, HostPathType } from './host-path';
export { SystemMounter, parseMountInfo, type Mounter, type MountPoint } from './mounter';
export { setVolumeOwnership } from './ownership';
export { configMapPayload, downwardAPIPayload, secretPayload, DEFAULT_MODE } from './payload';
