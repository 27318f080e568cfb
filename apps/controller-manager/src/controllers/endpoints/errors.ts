import { StatusError } from '@tskube/api-types';

/**
 * The apiserver refused a create because the namespace is being deleted (a Forbidden carrying the
 * NamespaceTerminating cause); such creates fail for good, so the sync stops retrying.
 */
export function isNamespaceTerminating(err: unknown): boolean {
  return err instanceof StatusError && err.code === 403 && (err.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating');
}
