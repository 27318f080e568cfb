import type { corev1 } from '@tskube/api-types';
import { objectOf, type DeletedFinalStateUnknown, type EventHandler } from '@tskube/client';
import type { SchedulerCache } from './cache/cache';
import { ClusterEvents, assignedPodUpdateEvent, nodeUpdateEvent } from './queue/events';
import type { SchedulingQueue } from './queue/scheduling-queue';

export interface HandlerDeps {
  cache: SchedulerCache;
  queue: SchedulingQueue;
  /** Whether one of this scheduler's profiles schedules the pod (by spec.schedulerName). */
  responsible(pod: corev1.Pod): boolean;
  /** A pod with a node is gone from the cache or newly terminating (preemption waits for its victims). */
  onEvicted?(pod: corev1.Pod): void;
}

const assigned = (pod: corev1.Pod): boolean => (pod.spec?.nodeName ?? '') !== '';
/** Finished pods hold no resources; the scheduler treats them as gone, as its informer's field selector does. */
const terminal = (pod: corev1.Pod): boolean => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

/**
 * Node events (addNodeToCache, updateNodeInCache, deleteNodeFromCache): the cache follows, and
 * the queue hears the cluster event so that pods waiting for such a node may move.
 */
export function nodeEventHandler({ cache, queue }: HandlerDeps): EventHandler<corev1.Node> {
  return {
    onAdd(node) {
      cache.addNode(node);
      queue.moveAllToActiveOrBackoffQueue(ClusterEvents.NodeAdd, undefined, node);
    },
    onUpdate(oldNode, newNode) {
      if (oldNode === newNode) return;
      cache.updateNode(oldNode, newNode);
      const event = nodeUpdateEvent(oldNode, newNode);
      if (event !== undefined) queue.moveAllToActiveOrBackoffQueue(event, oldNode, newNode);
    },
    onDelete(obj: corev1.Node | DeletedFinalStateUnknown<corev1.Node>) {
      const node = objectOf(obj);
      cache.removeNode(node);
      queue.moveAllToActiveOrBackoffQueue(ClusterEvents.NodeDelete, node, undefined);
    },
  };
}

/**
 * Pod events, split as kube-scheduler splits them between its two handlers: pods with a node feed
 * the cache (and are cluster events for the queue); pending pods of this scheduler's profiles feed
 * the queue. A pod that gains a node leaves the queue and enters the cache.
 */
export function podEventHandler({ cache, queue, responsible, onEvicted }: HandlerDeps): EventHandler<corev1.Pod> {
  const addAssigned = (pod: corev1.Pod) => {
    if (terminal(pod)) return;
    cache.addPod(pod);
    queue.moveAllToActiveOrBackoffQueue(ClusterEvents.AssignedPodAdd, undefined, pod);
  };
  const removeAssigned = (pod: corev1.Pod) => {
    cache.removePod(pod);
    onEvicted?.(pod);
    queue.moveAllToActiveOrBackoffQueue(ClusterEvents.AssignedPodDelete, pod, undefined);
  };
  return {
    onAdd(pod) {
      if (assigned(pod)) addAssigned(pod);
      else if (responsible(pod)) queue.add(pod);
    },
    onUpdate(oldPod, newPod) {
      if (oldPod === newPod) return;
      if (assigned(newPod)) {
        if (!assigned(oldPod)) {
          queue.delete(oldPod);
          addAssigned(newPod);
          return;
        }
        if (terminal(newPod)) {
          if (!terminal(oldPod)) removeAssigned(oldPod);
          return;
        }
        cache.updatePod(oldPod, newPod);
        if (newPod.metadata?.deletionTimestamp !== undefined && oldPod.metadata?.deletionTimestamp === undefined) onEvicted?.(newPod);
        const event = assignedPodUpdateEvent(oldPod, newPod);
        if (event !== undefined) queue.moveAllToActiveOrBackoffQueue(event, oldPod, newPod);
        return;
      }
      if (responsible(newPod)) {
        if (responsible(oldPod)) queue.update(oldPod, newPod);
        else queue.add(newPod);
      } else if (responsible(oldPod)) {
        queue.delete(oldPod);
      }
    },
    onDelete(obj: corev1.Pod | DeletedFinalStateUnknown<corev1.Pod>) {
      const pod = objectOf(obj);
      if (assigned(pod)) {
        if (!terminal(pod)) removeAssigned(pod);
        else cache.removePod(pod);
        return;
      }
      queue.delete(pod);
    },
  };
}
