import type { corev1 } from '@tskube/api-types';
import { LabelsSelector, labelSelectorAsSelector } from '@tskube/api-types';
import type { Listers } from '../../framework/interfaces';

/**
 * The selector of the pod's "group" for default spreading (helper.DefaultSelector): the merged
 * selectors of the Services that select the pod, plus the selector of its controlling
 * ReplicationController, ReplicaSet or StatefulSet. Everything (empty) when the pod belongs to none.
 */
export function defaultSelector(pod: corev1.Pod, listers: Listers): LabelsSelector {
  const ns = pod.metadata?.namespace ?? '';
  const podLabels = pod.metadata?.labels ?? {};
  const labelSet: Record<string, string> = {};
  for (const svc of listers.services(ns)) {
    const sel = svc.spec?.selector;
    // A Service without a selector selects nothing, not everything.
    if (sel === undefined || sel === null) continue;
    if (LabelsSelector.fromSet(sel).matches(podLabels)) Object.assign(labelSet, sel);
  }
  let selector = LabelsSelector.fromSet(labelSet);

  const owner = pod.metadata?.ownerReferences?.find((r) => r.controller === true);
  if (owner === undefined) return selector;
  if (owner.apiVersion === 'v1' && owner.kind === 'ReplicationController') {
    const rc = listers.replicationController(ns, owner.name);
    if (rc?.spec?.selector !== undefined) selector = LabelsSelector.fromSet({ ...labelSet, ...rc.spec.selector });
  } else if (owner.apiVersion === 'apps/v1' && (owner.kind === 'ReplicaSet' || owner.kind === 'StatefulSet')) {
    const obj = owner.kind === 'ReplicaSet' ? listers.replicaSet(ns, owner.name) : listers.statefulSet(ns, owner.name);
    if (obj !== undefined) {
      try {
        const other = labelSelectorAsSelector(obj.spec?.selector);
        if (!other.matchesNothing()) selector = selector.add(...other.requirements());
      } catch {
        // An invalid controller selector adds nothing, as in Kubernetes.
      }
    }
  }
  return selector;
}
