import type { corev1 } from '@tskube/api-types';
import { TokenBucket, type Clock } from '@tskube/client';

/** How a zone's nodes are doing, as the node lifecycle controller classifies it. */
export const ZoneState = {
  Initial: 'Initial',
  Normal: 'Normal',
  FullDisruption: 'FullDisruption',
  PartialDisruption: 'PartialDisruption',
} as const;
export type ZoneState = (typeof ZoneState)[keyof typeof ZoneState];

/** Nodes with this label are left out of zone health (isNodeExcludedFromDisruptionChecks). */
export const ExcludeDisruptionLabel = 'node.kubernetes.io/exclude-disruption';

/** A node's zone: region and zone labels (the beta ones first, as Kubernetes reads them). */
export function zoneKey(node: corev1.Node): string {
  const labels = node.metadata?.labels ?? {};
  const zone = labels['failure-domain.beta.kubernetes.io/zone'] ?? labels['topology.kubernetes.io/zone'] ?? '';
  const region = labels['failure-domain.beta.kubernetes.io/region'] ?? labels['topology.kubernetes.io/region'] ?? '';
  if (!zone && !region) return '';
  return `${region}:\u0000:${zone}`;
}

/**
 * A zone's state from its nodes' Ready statuses (ComputeZoneState): no ready node at all → full
 * disruption; more than two not ready and at least `unhealthyThreshold` of them → partial;
 * otherwise normal. Returns how many are not ready too.
 */
export function computeZoneState(readyStatuses: readonly (string | undefined)[], unhealthyThreshold: number): { notReady: number; state: ZoneState } {
  const ready = readyStatuses.filter((s) => s === 'True').length;
  const notReady = readyStatuses.length - ready;
  if (ready === 0 && notReady > 0) return { notReady, state: ZoneState.FullDisruption };
  if (notReady > 2 && notReady / readyStatuses.length >= unhealthyThreshold) return { notReady, state: ZoneState.PartialDisruption };
  return { notReady, state: ZoneState.Normal };
}

/**
 * The nodes waiting for a NoExecute taint in one zone, let through at a rate that follows the
 * zone's health (RateLimitedTimedQueue with a swappable limiter): in order of when each is due,
 * one node once, a failed attempt retried after the delay its handler asks for. Rate 0 stops it.
 */
export class RateLimitedNodeQueue {
  private readonly items = new Map<string, { uid: string; processAt: number }>();
  private bucket: TokenBucket | undefined;

  constructor(
    private readonly clock: Clock,
    qps: number,
  ) {
    this.setRate(qps);
  }

  /** Queues a node; false when it is already waiting. */
  add(name: string, uid: string): boolean {
    if (this.items.has(name)) return false;
    this.items.set(name, { uid, processAt: this.clock.now() });
    return true;
  }

  /** Drops a node from the queue; false when it was not there. */
  remove(name: string): boolean {
    return this.items.delete(name);
  }

  /** Replaces the rate: `qps` nodes per second (burst one), 0 for none at all. */
  setRate(qps: number): void {
    this.bucket = qps > 0 ? new TokenBucket(qps, 1, this.clock) : undefined;
  }

  /**
   * Hands due nodes to `fn` in order while the rate allows. `fn` answers done (the node leaves the
   * queue) or a delay in ms before it is tried again.
   */
  async process(fn: (name: string, uid: string) => Promise<true | number>): Promise<void> {
    const due = [...this.items].sort((a, b) => a[1].processAt - b[1].processAt);
    for (const [name, item] of due) {
      if (item.processAt > this.clock.now()) continue;
      if (!this.bucket?.tryTake()) return;
      const result = await fn(name, item.uid);
      if (result === true) this.items.delete(name);
      else if (this.items.get(name) === item) item.processAt = this.clock.now() + result;
    }
  }

  get size(): number {
    return this.items.size;
  }
}
