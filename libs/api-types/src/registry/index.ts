/** The table of served resources and the lookups over it. */
export { ResourceRegistry, registry } from './registry';
export type { ResourceRegistryOptions } from './registry';
export { servedGroupVersions, servedResources } from './resources';
export { parseResourceArg } from './resolve';
export type { ResourceArg } from './resolve';
export { STORAGE_ROOT, storageKey } from './storage-key';
export { storageVersionHash } from './storage-version-hash';
export { Verb } from './types';
export type {
  FieldGetter,
  GroupVersion,
  GroupVersionKind,
  GroupVersionResource,
  GroupVersions,
  ResourceInfo,
  SubresourceInfo,
} from './types';
