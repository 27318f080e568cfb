import type { coordinationv1, corev1 } from '@tskube/api-types';
import { formatTime, parseTime } from '@tskube/client';

type NodeCondition = corev1.NodeCondition;

/** The conditions a silent node gets set to Unknown (NetworkUnavailable is the control plane's). */
export const MonitoredConditions = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'] as const;

interface Health {
  /** The node's Ready condition as last seen (undefined: it had none). */
  ready: NodeCondition | undefined;
  /** When the node last showed signs of life, on our clock. */
  probeTimestamp: number;
  /** When its Ready condition last changed, on our clock. */
  readyTransitionTimestamp: number;
  /** The lease renewTime last seen, in ms. */
  leaseRenewTime: number | undefined;
}

/** What one look at a node concluded. */
export interface HealthObservation {
  /** The Ready condition the node had (a stand-in Unknown one when it had none). */
  observedReady: NodeCondition;
  /** The Ready condition it has once `status` is written (or as it is when nothing is to be written); undefined when it has none. */
  currentReady: NodeCondition | undefined;
  /** The status to write through updateStatus, when the node must be marked Unknown; otherwise undefined. */
  status?: corev1.NodeStatus;
}

export interface NodeHealthTrackerOptions {
  /** `--node-monitor-grace-period`: silence after which a node is Unknown. */
  gracePeriodMs: number;
  /** `--node-startup-grace-period`: the same for a node that never posted a Ready condition. */
  startupGracePeriodMs: number;
}

const sameTime = (a: string | undefined, b: string | undefined) => (parseTime(a) ?? 0) === (parseTime(b) ?? 0);

/**
 * The node lifecycle controller's health bookkeeping (tryUpdateNodeHealth): when did each node
 * last show signs of life, measured on this controller's clock so the kubelet's clock does not
 * matter. A node shows life when its Ready condition's heartbeat changes or its Lease in
 * kube-node-lease is renewed. One silent for longer than the grace period gets every monitored
 * condition set to Unknown ("Kubelet stopped posting node status.", or "never posted" for a
 * condition it never had). Synchronous and single-threaded.
 */
export class NodeHealthTracker {
  private readonly health = new Map<string, Health>();

  constructor(private readonly options: NodeHealthTrackerOptions) {}

  /** Looks at a node (and its lease) at `now`; see HealthObservation. */
  observe(node: corev1.Node, lease: coordinationv1.Lease | undefined, now: number): HealthObservation {
    const name = node.metadata?.name ?? '';
    const created = parseTime(node.metadata?.creationTimestamp) ?? now;
    const currentReady = (node.status?.conditions ?? []).find((c) => c.type === 'Ready');
    let saved = this.health.get(name);
    let observedReady: NodeCondition;
    let grace: number;
    if (!currentReady) {
      const at = node.metadata?.creationTimestamp;
      observedReady = { type: 'Ready', status: 'Unknown', ...(at ? { lastHeartbeatTime: at, lastTransitionTime: at } : {}) };
      grace = this.options.startupGracePeriodMs;
      if (saved) saved = { ...saved, ready: undefined };
      else saved = { ready: undefined, probeTimestamp: created, readyTransitionTimestamp: created, leaseRenewTime: undefined };
    } else {
      observedReady = { ...currentReady };
      grace = this.options.gracePeriodMs;
      if (!saved || !saved.ready) {
        saved = { ready: currentReady, probeTimestamp: now, readyTransitionTimestamp: now, leaseRenewTime: saved?.leaseRenewTime };
      } else if (!sameTime(saved.ready.lastHeartbeatTime, currentReady.lastHeartbeatTime)) {
        const transitioned = !sameTime(saved.ready.lastTransitionTime, currentReady.lastTransitionTime);
        saved = { ready: currentReady, probeTimestamp: now, readyTransitionTimestamp: transitioned ? now : saved.readyTransitionTimestamp, leaseRenewTime: saved.leaseRenewTime };
      }
    }
    // A renewed lease is a sign of life even when the status is never posted.
    const renew = parseTime(lease?.spec?.renewTime);
    if (renew !== undefined && (saved.leaseRenewTime === undefined || saved.leaseRenewTime < renew)) {
      saved = { ...saved, leaseRenewTime: renew, probeTimestamp: now };
    }
    this.health.set(name, saved);

    if (now <= saved.probeTimestamp + grace) return { observedReady, currentReady };
    const stamp = formatTime(now);
    const conditions = (node.status?.conditions ?? []).map((c) => ({ ...c }));
    for (const type of MonitoredConditions) {
      const c = conditions.find((x) => x.type === type);
      if (!c) {
        conditions.push({
          type,
          status: 'Unknown',
          reason: 'NodeStatusNeverUpdated',
          message: 'Kubelet never posted node status.',
          ...(node.metadata?.creationTimestamp ? { lastHeartbeatTime: node.metadata.creationTimestamp } : {}),
          lastTransitionTime: stamp,
        });
      } else if (c.status !== 'Unknown') {
        c.status = 'Unknown';
        c.reason = 'NodeStatusUnknown';
        c.message = 'Kubelet stopped posting node status.';
        c.lastTransitionTime = stamp;
      }
    }
    const newReady = conditions.find((c) => c.type === 'Ready')!;
    if (sameCondition(newReady, observedReady)) return { observedReady, currentReady };
    return { observedReady, currentReady: newReady, status: { ...(node.status ?? {}), conditions } };
  }

  /** The status written for a node marked Unknown: its Ready condition moved now. */
  written(name: string, status: corev1.NodeStatus, now: number): void {
    const saved = this.health.get(name);
    if (!saved) return;
    this.health.set(name, { ...saved, ready: (status.conditions ?? []).find((c) => c.type === 'Ready'), readyTransitionTimestamp: now });
  }

  /** Starts every node's grace period over (leaving the all-nodes-down disruption mode). */
  resetProbes(now: number): void {
    for (const [name, h] of this.health) this.health.set(name, { ...h, probeTimestamp: now, readyTransitionTimestamp: now });
  }

  forget(name: string): void {
    this.health.delete(name);
  }
}

function sameCondition(a: NodeCondition, b: NodeCondition): boolean {
  return a.status === b.status && (a.reason ?? '') === (b.reason ?? '') && (a.message ?? '') === (b.message ?? '') && sameTime(a.lastTransitionTime, b.lastTransitionTime) && sameTime(a.lastHeartbeatTime, b.lastHeartbeatTime);
}
