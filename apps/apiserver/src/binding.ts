import { ApiError } from './errors';
import type { ServedResource } from './rest/handler';
import { timestamp, type ApiObject } from './storage/codec';

/**
 * pods/binding: sets spec.nodeName once. A pod that already has a node gets 409 Conflict, as
 * Kubernetes answers (`pod x is already assigned to node "n"`).
 */
export async function bindPod(
  pods: ServedResource,
  namespace: string,
  name: string,
  binding: { metadata?: { name?: string; uid?: string }; target?: { kind?: string; name?: string } },
  dryRun: boolean,
): Promise<ApiObject> {
  if (binding.metadata?.name && binding.metadata.name !== name) {
    throw ApiError.badRequest(`the name of the object (${binding.metadata.name}) does not match the name on the URL (${name})`);
  }
  const node = binding.target?.name;
  if (!node) throw ApiError.invalid({ group: '', kind: 'Binding' }, name, [{ type: 'Required', field: 'target.name' }]);
  if (binding.target?.kind && binding.target.kind !== 'Node') {
    throw ApiError.invalid({ group: '', kind: 'Binding' }, name, [{ type: 'NotSupported', field: 'target.kind', value: binding.target.kind, detail: 'supported values: "Node"' }]);
  }
  return pods.store.guaranteedUpdate(
    namespace,
    name,
    (current) => {
      if (!current) throw ApiError.notFound({ group: '', resource: 'pods' }, name);
      if (binding.metadata?.uid && binding.metadata.uid !== current.metadata?.uid) {
        throw ApiError.conflictWith({ group: '', resource: 'pods' }, name, `Precondition failed: UID in precondition: ${binding.metadata.uid}, UID in object meta: ${current.metadata?.uid ?? ''}`);
      }
      if (current.metadata?.deletionTimestamp) {
        throw ApiError.conflictWith({ group: '', resource: 'pods' }, name, 'pod is being deleted, cannot be assigned to a host');
      }
      const spec = (current.spec ?? {}) as { nodeName?: string };
      if (spec.nodeName) {
        throw ApiError.conflictWith({ group: '', resource: 'pods' }, name, `pod ${name} is already assigned to node "${spec.nodeName}"`);
      }
      const status = (current.status ?? {}) as { conditions?: Record<string, unknown>[] };
      const conditions = (status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
      conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: timestamp() });
      // Binding writes both spec.nodeName and the PodScheduled condition: one store write, so
      // it goes through the status path for the condition and sets the node on the object.
      return { object: { ...current, spec: { ...spec, nodeName: node }, status: { ...status, conditions } } };
    },
    { dryRun, subresource: 'binding' },
  );
}
