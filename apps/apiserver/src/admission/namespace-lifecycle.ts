import { ApiError } from '../errors';
import type { ApiObject } from '../storage/codec';
import type { ResourceStore } from '../storage/resource-store';

/** Namespaces that exist from the first start and cannot be deleted. */
export const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'] as const;
const immortal = new Set<string>(['default', 'kube-system', 'kube-public']);

/**
 * Kubernetes' NamespaceLifecycle admission: nothing is created in a namespace that does not
 * exist or is being deleted, and the system namespaces cannot be deleted.
 */
export class NamespaceLifecycle {
  constructor(private readonly namespaces: ResourceStore) {}

  async admit(op: 'create' | 'update' | 'delete', resource: { resource: string; namespaced: boolean; group: string }, namespace: string, obj: ApiObject | undefined): Promise<void> {
    if (resource.group === '' && resource.resource === 'namespaces') {
      if (op === 'delete' && obj === undefined) return;
      return;
    }
    if (!resource.namespaced || op !== 'create' || !namespace) return;
    let ns: ApiObject;
    try {
      // The cache is enough for the common case; a namespace created a moment ago is read from
      // the store before the request is refused.
      ns = await this.namespaces.get('', namespace, { resourceVersion: '0' }).catch(() => this.namespaces.get('', namespace));
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) throw ApiError.notFound({ group: '', resource: 'namespaces' }, namespace);
      throw err;
    }
    const phase = (ns.status as { phase?: string } | undefined)?.phase;
    if (ns.metadata?.deletionTimestamp || phase === 'Terminating') {
      const what = resource.group ? `${resource.resource}.${resource.group}` : resource.resource;
      throw ApiError.of(
        403,
        'Forbidden',
        `${what} "${obj?.metadata?.name ?? obj?.metadata?.generateName ?? ''}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
        { name: obj?.metadata?.name, group: resource.group, kind: resource.resource, causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }] },
      );
    }
  }

  /** Refuses deleting the namespaces Kubernetes keeps forever. */
  checkDelete(name: string): void {
    if (immortal.has(name)) {
      throw ApiError.of(403, 'Forbidden', `namespaces "${name}" is forbidden: this namespace may not be deleted`, { name, group: '', kind: 'namespaces' });
    }
  }

  /** Creates the system namespaces that do not exist yet. */
  async bootstrap(): Promise<void> {
    for (const name of systemNamespaces) {
      try {
        await this.namespaces.create('', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
      } catch (err) {
        if (err instanceof ApiError && err.code === 409) continue;
        throw err;
      }
    }
  }
}
