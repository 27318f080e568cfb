import type { corev1 } from '@tskube/api-types';
import { labelSelectorAsSelector } from '@tskube/api-types';
import { NodeInfo } from '../framework/node-info';
import { PodInfo, affinityTermMatches } from '../framework/pod-info';
import { requiredNodeAffinityOf } from '../plugins/helper/node-affinity';
import { TAINT_NODE_UNSCHEDULABLE, doNotScheduleTaints, findMatchingUntoleratedTaint, tolerationsTolerateTaint } from '../plugins/helper/taints';
import { PluginNames } from '../plugins/names';
import { fitsRequest } from '../plugins/node-resources/fit';

/** What changed, as bit flags so one node update can carry several (framework.ActionType). */
export const ActionType = {
  Add: 1 << 0,
  Delete: 1 << 1,
  UpdateNodeAllocatable: 1 << 2,
  UpdateNodeLabel: 1 << 3,
  /** Taints, and spec.unschedulable (which acts as a taint). */
  UpdateNodeTaint: 1 << 4,
  UpdateNodeCondition: 1 << 5,
  UpdatePodLabel: 1 << 6,
  /** An assigned pod's requests went down (in-place resize). */
  UpdatePodScaleDown: 1 << 7,
  All: (1 << 8) - 1,
} as const;

/** Which objects an event is about. Unscheduled pods are the queue's own business and have no events here. */
export const EventResource = {
  Node: 'Node',
  /** Pods bound to a node (assumed ones included). */
  AssignedPod: 'AssignedPod',
  /** Matches every registration: the periodic flush and forced moves. */
  Wildcard: '*',
} as const;
export type EventResource = (typeof EventResource)[keyof typeof EventResource];

/** A change in the cluster that may make pending pods schedulable (framework.ClusterEvent). */
export interface ClusterEvent {
  readonly resource: EventResource;
  /** ActionType flags. */
  readonly action: number;
  /** For logs and metrics, e.g. `NodeAdd`. */
  readonly label: string;
}

export const ClusterEvents = {
  NodeAdd: { resource: EventResource.Node, action: ActionType.Add, label: 'NodeAdd' },
  NodeDelete: { resource: EventResource.Node, action: ActionType.Delete, label: 'NodeDelete' },
  AssignedPodAdd: { resource: EventResource.AssignedPod, action: ActionType.Add, label: 'AssignedPodAdd' },
  /** Deleted, finished (Succeeded/Failed), or an assumed pod whose binding failed. */
  AssignedPodDelete: { resource: EventResource.AssignedPod, action: ActionType.Delete, label: 'AssignedPodDelete' },
  UnschedulableTimeout: { resource: EventResource.Wildcard, action: ActionType.All, label: 'UnschedulableTimeout' },
} as const satisfies Record<string, ClusterEvent>;

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * The event for a node update, or undefined when nothing a plugin looks at changed (heartbeats,
 * images, annotations), as nodeSchedulingPropertiesChange decides.
 */
export function nodeUpdateEvent(oldNode: corev1.Node, newNode: corev1.Node): ClusterEvent | undefined {
  let action = 0;
  if (!same(oldNode.status?.allocatable, newNode.status?.allocatable)) action |= ActionType.UpdateNodeAllocatable;
  if (!same(oldNode.metadata?.labels, newNode.metadata?.labels)) action |= ActionType.UpdateNodeLabel;
  if ((oldNode.spec?.unschedulable ?? false) !== (newNode.spec?.unschedulable ?? false) || !same(oldNode.spec?.taints, newNode.spec?.taints)) {
    action |= ActionType.UpdateNodeTaint;
  }
  const conditions = (n: corev1.Node) => (n.status?.conditions ?? []).map((c) => `${c.type}=${c.status}`).sort();
  if (!same(conditions(oldNode), conditions(newNode))) action |= ActionType.UpdateNodeCondition;
  if (action === 0) return undefined;
  return { resource: EventResource.Node, action, label: 'NodeUpdate' };
}

/** The event for an update of an assigned pod, or undefined when nothing relevant changed. */
export function assignedPodUpdateEvent(oldPod: corev1.Pod, newPod: corev1.Pod): ClusterEvent | undefined {
  let action = 0;
  if (!same(oldPod.metadata?.labels, newPod.metadata?.labels)) action |= ActionType.UpdatePodLabel;
  const before = podInfoOf(oldPod).requests;
  const after = podInfoOf(newPod).requests;
  if (after.milliCPU < before.milliCPU || after.memory < before.memory || after.ephemeralStorage < before.ephemeralStorage) action |= ActionType.UpdatePodScaleDown;
  if (action === 0) return undefined;
  return { resource: EventResource.AssignedPod, action, label: 'AssignedPodUpdate' };
}

/** What hints may look up besides the event's objects. */
export interface HintContext {
  /** Labels of a namespace, for affinity terms with a namespaceSelector. */
  namespaceLabels(namespace: string): Readonly<Record<string, string>> | undefined;
}

/**
 * Whether an event may make `pod`, rejected by the hint's plugin, schedulable (a QueueingHint
 * reduced to Queue/QueueSkip). `oldObj` is undefined for adds, `newObj` for deletes.
 */
export type QueueingHint = (pod: PodInfo, oldObj: unknown, newObj: unknown, ctx: HintContext) => boolean;

/** An event a plugin cares about (framework.ClusterEventWithHint); without a hint every such event queues. */
export interface EventRegistration {
  readonly resource: EventResource;
  readonly action: number;
  readonly hint?: QueueingHint;
}

// Derived objects are cached per API object: one event is checked against many pending pods.
const nodeInfos = new WeakMap<corev1.Node, NodeInfo>();
const podInfos = new WeakMap<corev1.Pod, PodInfo>();

function nodeInfoOf(node: corev1.Node): NodeInfo {
  let ni = nodeInfos.get(node);
  if (ni === undefined) nodeInfos.set(node, (ni = new NodeInfo(node)));
  return ni;
}

function podInfoOf(pod: corev1.Pod): PodInfo {
  let pi = podInfos.get(pod);
  if (pi === undefined) podInfos.set(pod, (pi = new PodInfo(pod)));
  return pi;
}

const asNode = (obj: unknown): corev1.Node | undefined => obj as corev1.Node | undefined;
const asPod = (obj: unknown): corev1.Pod | undefined => obj as corev1.Pod | undefined;

const nodeFits: QueueingHint = (pod, _old, obj) => {
  const node = asNode(obj);
  return node !== undefined && fitsRequest(pod, nodeInfoOf(node)).length === 0;
};

const nodeMatchesAffinity: QueueingHint = (pod, _old, obj) => {
  const node = asNode(obj);
  return node !== undefined && requiredNodeAffinityOf(pod).matches(nodeInfoOf(node));
};

const nodeTaintsTolerated: QueueingHint = (pod, _old, obj) => {
  const node = asNode(obj);
  return node !== undefined && findMatchingUntoleratedTaint(node.spec?.taints, pod.pod.spec?.tolerations, doNotScheduleTaints) === undefined;
};

const nodeSchedulable: QueueingHint = (pod, _old, obj) => {
  const node = asNode(obj);
  if (node === undefined) return false;
  return node.spec?.unschedulable !== true || tolerationsTolerateTaint(pod.pod.spec?.tolerations, { key: TAINT_NODE_UNSCHEDULABLE, effect: 'NoSchedule' });
};

const deletedPodUsedHostPorts: QueueingHint = (pod, oldObj) => {
  const deleted = asPod(oldObj);
  if (deleted === undefined) return false;
  const ports = podInfoOf(deleted).hostPorts;
  return pod.hostPorts.some((p) => ports.some((q) => q.hostPort === p.hostPort && (q.protocol ?? 'TCP') === (p.protocol ?? 'TCP')));
};

/** An assigned pod added or relabelled now matches one of the pod's required affinity terms. */
const podMatchesAffinity: QueueingHint = (pod, _old, newObj, ctx) => {
  const other = asPod(newObj);
  if (other === undefined) return false;
  const nsLabels = ctx.namespaceLabels(other.metadata?.namespace ?? '');
  return pod.requiredAffinityTerms.some((t) => affinityTermMatches(t, other, nsLabels));
};

/** A deleted pod was what the pod's anti-affinity, or its own anti-affinity towards the pod, objected to. */
const deletedPodBlockedAntiAffinity: QueueingHint = (pod, oldObj, _new, ctx) => {
  const deleted = asPod(oldObj);
  if (deleted === undefined) return false;
  const deletedNsLabels = ctx.namespaceLabels(deleted.metadata?.namespace ?? '');
  if (pod.requiredAntiAffinityTerms.some((t) => affinityTermMatches(t, deleted, deletedNsLabels))) return true;
  const podNsLabels = ctx.namespaceLabels(pod.namespace);
  return podInfoOf(deleted).requiredAntiAffinityTerms.some((t) => affinityTermMatches(t, pod.pod, podNsLabels));
};

/** The changed assigned pod is one the pod's spread constraints count (same namespace, selector matches). */
const podCountedBySpread: QueueingHint = (pod, oldObj, newObj) => {
  const constraints = pod.pod.spec?.topologySpreadConstraints ?? [];
  // Cluster default constraints select by owner, which is not worth recomputing here.
  if (constraints.length === 0) return true;
  return [asPod(oldObj), asPod(newObj)].some((other) => {
    if (other === undefined || (other.metadata?.namespace ?? '') !== pod.namespace) return false;
    return constraints.some((c) => {
      try {
        return labelSelectorAsSelector(c.labelSelector).matches(other.metadata?.labels);
      } catch {
        return true;
      }
    });
  });
};

/** The node carries every topology key the pod spreads over, so it is (or was) a domain. */
const nodeIsSpreadDomain: QueueingHint = (pod, oldObj, newObj) => {
  const constraints = pod.pod.spec?.topologySpreadConstraints ?? [];
  if (constraints.length === 0) return true;
  return [asNode(oldObj), asNode(newObj)].some((node) => {
    const labels = node?.metadata?.labels ?? {};
    return node !== undefined && constraints.every((c) => Object.hasOwn(labels, c.topologyKey));
  });
};

const { Node, AssignedPod } = EventResource;
const A = ActionType;

/**
 * The events each in-tree plugin registers (EventsToRegister), with Kubernetes' hints simplified:
 * a pod rejected by a plugin goes back to the active or backoff queue only on an event that plugin
 * registers, and only when its hint says the event may help that pod. Plugins not listed here
 * (out-of-tree ones) are moved by every event.
 */
export const inTreeEventRegistrations: Readonly<Record<string, readonly EventRegistration[]>> = {
  [PluginNames.NodeUnschedulable]: [{ resource: Node, action: A.Add | A.UpdateNodeTaint, hint: nodeSchedulable }],
  [PluginNames.NodeName]: [{ resource: Node, action: A.Add }],
  [PluginNames.TaintToleration]: [{ resource: Node, action: A.Add | A.UpdateNodeTaint, hint: nodeTaintsTolerated }],
  [PluginNames.NodeAffinity]: [{ resource: Node, action: A.Add | A.UpdateNodeLabel, hint: nodeMatchesAffinity }],
  [PluginNames.NodePorts]: [
    { resource: AssignedPod, action: A.Delete, hint: deletedPodUsedHostPorts },
    { resource: Node, action: A.Add },
  ],
  [PluginNames.NodeResourcesFit]: [
    { resource: AssignedPod, action: A.Delete | A.UpdatePodScaleDown },
    { resource: Node, action: A.Add | A.UpdateNodeAllocatable, hint: nodeFits },
  ],
  [PluginNames.InterPodAffinity]: [
    { resource: AssignedPod, action: A.Add | A.UpdatePodLabel, hint: podMatchesAffinity },
    { resource: AssignedPod, action: A.Delete, hint: deletedPodBlockedAntiAffinity },
    { resource: Node, action: A.Add | A.UpdateNodeLabel },
  ],
  [PluginNames.PodTopologySpread]: [
    { resource: AssignedPod, action: A.Add | A.UpdatePodLabel | A.Delete, hint: podCountedBySpread },
    { resource: Node, action: A.Add | A.Delete | A.UpdateNodeLabel | A.UpdateNodeTaint, hint: nodeIsSpreadDomain },
  ],
  // Gates are lifted by an update of the pod itself, which the queue handles directly.
  [PluginNames.SchedulingGates]: [],
  [PluginNames.DefaultPreemption]: [],
  [PluginNames.NodeResourcesBalancedAllocation]: [],
  [PluginNames.ImageLocality]: [],
  [PluginNames.PrioritySort]: [],
  [PluginNames.DefaultBinder]: [],
};

/**
 * Whether `event` may make `pod` schedulable given the plugins that rejected it
 * (isPodWorthRequeuing): yes for the wildcard event, for a pod no plugin rejected (an error or
 * no nodes at all), and when any rejecting plugin registers the event and its hint agrees.
 */
export function isPodWorthRequeuing(
  rejectors: ReadonlySet<string>,
  pod: PodInfo,
  event: ClusterEvent,
  oldObj: unknown,
  newObj: unknown,
  ctx: HintContext,
  registrations: Readonly<Record<string, readonly EventRegistration[]>> = inTreeEventRegistrations,
): boolean {
  if (event.resource === EventResource.Wildcard || rejectors.size === 0) return true;
  for (const plugin of rejectors) {
    const regs = registrations[plugin];
    if (regs === undefined) return true;
    for (const r of regs) {
      if (r.resource !== event.resource || (r.action & event.action) === 0) continue;
      if (r.hint === undefined) return true;
      try {
        if (r.hint(pod, oldObj, newObj, ctx)) return true;
      } catch {
        // A hint that cannot decide errs on the side of another attempt, as Kubernetes does.
        return true;
      }
    }
  }
  return false;
}
