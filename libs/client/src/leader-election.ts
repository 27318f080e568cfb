import type { Logger } from '@tskube/component';
import { StatusReason, hasReason, type coordinationv1 } from '@tskube/api-types';
import type { ApiClient, GroupVersionResource } from './api-client';
import { realClock, sleep, type Clock } from './clock';
import { silentLogger } from './logging';
import { formatMicroTime } from './time-format';

/** coordination.k8s.io/v1 leases. */
export const LeasesResource: GroupVersionResource = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases' };

/** What the elector needs from an ApiClient. */
export type LeaseClient = Pick<ApiClient, 'get' | 'create' | 'update'>;

/** What the elector calls as leadership comes and goes. */
export interface LeaderCallbacks {
  /**
   * This process became the leader. `signal` aborts when it stops leading (lease lost or
   * `stop()`); the work started here must stop then. Not awaited; a rejection is logged.
   */
  onStartedLeading(signal: AbortSignal): void | Promise<void>;
  /**
   * This process stopped leading: the lease could not be renewed within renewDeadline, or
   * `stop()` was called. Called once per onStartedLeading, after its signal aborted (unlike
   * client-go, not called when leadership was never acquired).
   */
  onStoppedLeading(): void;
  /** The observed holder changed (including to this process); '' when the lease was released. */
  onNewLeader?(identity: string): void;
}

export interface LeaderElectorOptions {
  client: LeaseClient;
  /** Namespace of the Lease object, e.g. 'kube-system'. */
  namespace: string;
  /** Name of the Lease object, e.g. 'kube-scheduler'. */
  name: string;
  /** This candidate's unique identity, e.g. `<hostname>_<uuid>`. */
  identity: string;
  /** How long a non-leader waits after the last observed change before taking over; 15 s. */
  leaseDurationMs?: number;
  /** How long the leader keeps retrying a renewal before giving up leadership; 10 s. */
  renewDeadlineMs?: number;
  /** Pause between attempts to acquire or renew; 2 s. */
  retryPeriodMs?: number;
  /** On `stop()` while leading, release the lease so a successor need not wait; true by default. */
  releaseOnCancel?: boolean;
  callbacks: LeaderCallbacks;
  clock?: Clock;
  logger?: Logger;
  /** A number in [0, 1) for the acquire jitter; Math.random by default. */
  random?: () => number;
}

/** client-go's JitterFactor for acquire retries: each wait is retryPeriod·(1 + 1.2·random). */
const jitterFactor = 1.2;

type LeaseSpec = coordinationv1.LeaseSpec;
type Lease = coordinationv1.Lease;

/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection package:
 * candidates poll the lease every retryPeriod and take it over when its holder has not renewed it
 * for leaseDuration, measured on the local clock from when this candidate last saw it change (so
 * clock skew between machines does not matter). Every write is a compare-and-swap on the
 * Lease's resourceVersion. The leader renews every retryPeriod and gives up if it cannot renew
 * for renewDeadline; it never assumes it still leads beyond that.
 */
export class LeaderElector {
  private readonly o: Required<Omit<LeaderElectorOptions, 'logger' | 'clock' | 'random'>>;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly random: () => number;
  private readonly controller = new AbortController();
  private running: Promise<void> | undefined;
  /** The last lease object seen, for the renewal fast path and for release. */
  private lease: Lease | undefined;
  private observedSpec = '';
  private observedTime = 0;
  private observedHolder = '';
  private leading = false;

  constructor(options: LeaderElectorOptions) {
    this.o = {
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
      releaseOnCancel: true,
      ...options,
    };
    this.clock = options.clock ?? realClock;
    this.logger = options.logger ?? silentLogger;
    this.random = options.random ?? Math.random;
    const { leaseDurationMs, renewDeadlineMs, retryPeriodMs } = this.o;
    if (!options.identity) throw new TypeError('identity is required');
    if (!options.namespace || !options.name) throw new TypeError('namespace and name of the lease are required');
    if (!(retryPeriodMs > 0)) throw new RangeError('retryPeriodMs must be greater than zero');
    if (!(leaseDurationMs > renewDeadlineMs)) throw new RangeError('leaseDurationMs must be greater than renewDeadlineMs');
    if (!(renewDeadlineMs > jitterFactor * retryPeriodMs)) throw new RangeError('renewDeadlineMs must be greater than 1.2 × retryPeriodMs');
  }

  /** Whether this process holds the lease, as of its last successful acquire or renewal. */
  isLeader(): boolean {
    return this.leading;
  }

  /** The holder this candidate last observed; '' when none. */
  getLeader(): string {
    return this.observedHolder;
  }

  /**
   * Campaigns until elected, then leads until the lease is lost or `stop()` is called. Resolves
   * then (it never rejects: API failures are retried). A stopped elector cannot run again.
   */
  run(): Promise<void> {
    this.running ??= this.campaign();
    return this.running;
  }

  /** Stops campaigning or leading; releases the lease when leading and releaseOnCancel. */
  async stop(): Promise<void> {
    this.controller.abort();
    await this.running;
  }

  private async campaign(): Promise<void> {
    const signal = this.controller.signal;
    if (!(await this.acquire(signal))) return;
    const leadership = new AbortController();
    this.leading = true;
    this.logger.info('became leader', { lease: `${this.o.namespace}/${this.o.name}`, identity: this.o.identity });
    try {
      const started = this.o.callbacks.onStartedLeading(leadership.signal);
      if (started instanceof Promise) started.catch((err: unknown) => this.logger.error('onStartedLeading failed', { err }));
    } catch (err) {
      this.logger.error('onStartedLeading failed', { err });
    }
    await this.renewLoop(signal);
    this.leading = false;
    leadership.abort();
    if (signal.aborted && this.o.releaseOnCancel) await this.release();
    try {
      this.o.callbacks.onStoppedLeading();
    } catch (err) {
      this.logger.error('onStoppedLeading failed', { err });
    }
  }

  /** Tries every retryPeriod (jittered) until the lease is ours; false when stopped first. */
  private async acquire(signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      if (await this.tryAcquireOrRenew(signal)) return true;
      await sleep(this.clock, this.o.retryPeriodMs * (1 + jitterFactor * this.random()), signal);
    }
    return false;
  }

  /** Renews every retryPeriod; returns when stopped or when renewals failed for renewDeadline. */
  private async renewLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await sleep(this.clock, this.o.retryPeriodMs, signal);
      if (signal.aborted) return;
      const deadline = this.clock.now() + this.o.renewDeadlineMs;
      let renewed = false;
      for (;;) {
        renewed = await this.tryAcquireOrRenew(signal);
        if (renewed || signal.aborted) break;
        const left = deadline - this.clock.now();
        if (left <= 0) break;
        await sleep(this.clock, Math.min(this.o.retryPeriodMs, left), signal);
        if (this.clock.now() >= deadline) break;
      }
      if (signal.aborted) return;
      if (!renewed) {
        this.logger.warn('failed to renew lease, stepping down', { lease: `${this.o.namespace}/${this.o.name}` });
        return;
      }
    }
  }

  /** One attempt to take or keep the lease (client-go's tryAcquireOrRenew). */
  private async tryAcquireOrRenew(signal: AbortSignal): Promise<boolean> {
    const now = this.clock.now();
    const callOpts = { signal, timeoutMs: this.o.renewDeadlineMs };
    const mine = (spec: LeaseSpec | undefined): LeaseSpec => ({
      holderIdentity: this.o.identity,
      leaseDurationSeconds: Math.max(1, Math.round(this.o.leaseDurationMs / 1000)),
      acquireTime: spec?.holderIdentity === this.o.identity && spec.acquireTime ? spec.acquireTime : formatMicroTime(now),
      renewTime: formatMicroTime(now),
      leaseTransitions: spec === undefined ? 0 : spec.holderIdentity === this.o.identity ? (spec.leaseTransitions ?? 0) : (spec.leaseTransitions ?? 0) + 1,
    });

    // Fast path: the leader renews its own, still valid lease without reading it first.
    if (this.leading && this.lease && now < this.observedTime + this.o.leaseDurationMs) {
      try {
        this.observe(await this.o.client.update<Lease>(LeasesResource, this.o.namespace, { ...this.lease, spec: mine(this.lease.spec) }, callOpts), now);
        return true;
      } catch (err) {
        this.logger.debug('lease renewal failed, reading it again', { err });
      }
    }

    let current: Lease;
    try {
      current = await this.o.client.get<Lease>(LeasesResource, this.o.namespace, this.o.name, callOpts);
    } catch (err) {
      if (!hasReason(err, StatusReason.NotFound)) {
        this.logger.warn('reading the lease failed', { err });
        return false;
      }
      try {
        const created = await this.o.client.create<Lease>(
          LeasesResource,
          this.o.namespace,
          { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.o.name, namespace: this.o.namespace }, spec: mine(undefined) },
          callOpts,
        );
        this.observe(created, now);
        return true;
      } catch (createErr) {
        this.logger.debug('creating the lease failed', { err: createErr });
        return false;
      }
    }

    this.observe(current, now);
    const spec = current.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const durationMs = spec.leaseDurationSeconds ? spec.leaseDurationSeconds * 1000 : this.o.leaseDurationMs;
    if (holder !== '' && holder !== this.o.identity && now < this.observedTime + durationMs) return false;

    try {
      this.observe(await this.o.client.update<Lease>(LeasesResource, this.o.namespace, { ...current, spec: mine(spec) }, callOpts), now);
      return true;
    } catch (err) {
      this.logger.debug('taking the lease failed', { err });
      return false;
    }
  }

  /** Records the lease; the observation time moves only when its spec changed. */
  private observe(lease: Lease, now: number): void {
    this.lease = lease;
    const spec = JSON.stringify(lease.spec ?? {});
    if (spec !== this.observedSpec) {
      this.observedSpec = spec;
      this.observedTime = now;
    }
    const holder = lease.spec?.holderIdentity ?? '';
    if (holder !== this.observedHolder) {
      this.observedHolder = holder;
      try {
        this.o.callbacks.onNewLeader?.(holder);
      } catch (err) {
        this.logger.error('onNewLeader failed', { err });
      }
    }
  }

  /**
   * Gives the lease up: no holder, a one-second duration, so the next candidate takes it at its
   * next attempt (client-go's release). Best effort: a failure only costs the successor a wait.
   */
  private async release(): Promise<void> {
    const lease = this.lease;
    if (lease === undefined || lease.spec?.holderIdentity !== this.o.identity) return;
    const now = formatMicroTime(this.clock.now());
    try {
      const released = await this.o.client.update<Lease>(
        LeasesResource,
        this.o.namespace,
        { ...lease, spec: { holderIdentity: '', leaseDurationSeconds: 1, acquireTime: now, renewTime: now, leaseTransitions: lease.spec.leaseTransitions ?? 0 } },
        { timeoutMs: this.o.renewDeadlineMs },
      );
      this.observe(released, this.clock.now());
    } catch (err) {
      this.logger.warn('releasing the lease failed', { err });
    }
  }
}
