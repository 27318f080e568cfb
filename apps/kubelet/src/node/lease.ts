import { StatusReason, hasReason, type coordinationv1 } from '@tskube/api-types';
import { formatMicroTime, realClock, sleep, type ApiClient, type Clock, type GroupVersionResource } from '@tskube/client';
import type { Logger } from '@tskube/component';

export const LeasesResource: GroupVersionResource = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases' };

/** The namespace of node heartbeat leases. */
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

export interface NodeLeaseOptions {
  client: Pick<ApiClient, 'get' | 'create' | 'update'>;
  nodeName: string;
  /** leaseDurationSeconds; 40 as the kubelet's nodeLeaseDurationSeconds. */
  leaseDurationSeconds?: number;
  /** Renew interval; a quarter of the duration (10 s) as the kubelet renews. */
  renewIntervalMs?: number;
  /** The Node's UID once known, for the lease's owner reference (so the lease goes with the node). */
  nodeUID: () => string | undefined;
  clock?: Clock;
  logger: Logger;
  /** Called after every attempt, for metrics. */
  onRenew?: (ok: boolean) => void;
}

/**
 * The kubelet's node lease controller: keeps `kube-node-lease/<node>` renewed (holderIdentity =
 * node name, renewTime now) every renew interval, creating it when missing and giving it an owner
 * reference to the Node once the Node exists. Failures retry with a back-off from 200 ms to 7 s,
 * as the kubelet's controller does; the node lifecycle controller treats a lease older than its
 * grace period as a node gone silent.
 */
export class NodeLeaseController {
  private readonly o: NodeLeaseOptions;
  private readonly clock: Clock;
  private readonly durationSeconds: number;
  private readonly intervalMs: number;
  private latest: coordinationv1.Lease | undefined;
  private controller: AbortController | undefined;
  private loop: Promise<void> | undefined;

  constructor(options: NodeLeaseOptions) {
    this.o = options;
    this.clock = options.clock ?? realClock;
    this.durationSeconds = options.leaseDurationSeconds ?? 40;
    if (!Number.isInteger(this.durationSeconds) || this.durationSeconds <= 0) throw new RangeError(`leaseDurationSeconds must be a positive integer, got ${this.durationSeconds}`);
    this.intervalMs = options.renewIntervalMs ?? this.durationSeconds * 250;
    if (!(this.intervalMs > 0)) throw new RangeError(`renewIntervalMs must be > 0, got ${this.intervalMs}`);
  }

  /** The lease as last written. */
  lease(): coordinationv1.Lease | undefined {
    return this.latest;
  }

  /** Starts renewing (the first renewal at once). Idempotent. */
  start(): void {
    if (this.loop) return;
    const controller = new AbortController();
    this.controller = controller;
    this.loop = this.run(controller.signal);
  }

  async stop(): Promise<void> {
    this.controller?.abort();
    await this.loop;
    this.loop = undefined;
  }

  private async run(signal: AbortSignal): Promise<void> {
    let backoffMs = 200;
    while (!signal.aborted) {
      let ok = false;
      try {
        await this.renew(signal);
        ok = true;
      } catch (err) {
        if (signal.aborted) return;
        this.o.logger.warn('failed to renew the node lease, will retry', { err, retryInMs: backoffMs });
      }
      this.o.onRenew?.(ok);
      if (ok) {
        backoffMs = 200;
        await sleep(this.clock, this.intervalMs, signal);
      } else {
        await sleep(this.clock, backoffMs, signal);
        backoffMs = Math.min(backoffMs * 2, 7000);
      }
    }
  }

  /** One renewal: update the lease last written (or read), create it when it does not exist. */
  async renew(signal?: AbortSignal): Promise<coordinationv1.Lease> {
    const name = this.o.nodeName;
    let base = this.latest;
    if (base === undefined) {
      try {
        base = await this.o.client.get<coordinationv1.Lease>(LeasesResource, NODE_LEASE_NAMESPACE, name, { ...(signal ? { signal } : {}) });
      } catch (err) {
        if (!hasReason(err, StatusReason.NotFound)) throw err;
        const created = await this.o.client.create<coordinationv1.Lease>(LeasesResource, NODE_LEASE_NAMESPACE, this.desired(undefined), { ...(signal ? { signal } : {}) });
        this.latest = created;
        return created;
      }
    }
    try {
      const updated = await this.o.client.update<coordinationv1.Lease>(LeasesResource, NODE_LEASE_NAMESPACE, this.desired(base), { ...(signal ? { signal } : {}) });
      this.latest = updated;
      return updated;
    } catch (err) {
      // Someone else wrote it (or it is gone): read it afresh next time.
      if (hasReason(err, StatusReason.Conflict) || hasReason(err, StatusReason.NotFound)) this.latest = undefined;
      throw err;
    }
  }

  private desired(base: coordinationv1.Lease | undefined): coordinationv1.Lease {
    const lease: coordinationv1.Lease = base
      ? structuredClone(base)
      : { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.o.nodeName, namespace: NODE_LEASE_NAMESPACE } };
    lease.spec = { ...lease.spec, holderIdentity: this.o.nodeName, leaseDurationSeconds: this.durationSeconds, renewTime: formatMicroTime(this.clock.now()) };
    const uid = this.o.nodeUID();
    const meta = (lease.metadata ??= {});
    if (uid !== undefined && (meta.ownerReferences ?? []).length === 0) {
      meta.ownerReferences = [{ apiVersion: 'v1', kind: 'Node', name: this.o.nodeName, uid }];
    }
    return lease;
  }
}
