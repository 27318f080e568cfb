import type { corev1 } from '@tskube/api-types';
import type { Clock, Timer } from '@tskube/client';
import type { Logger } from '@tskube/component';
import { ProbeMetricResult, podLabelName, type ProberMetrics } from './metrics';
import type { EffectiveProbe, Prober } from './prober';
import { ProbeResult, ProbeType } from './result';
import { WorkerResult, type ResultsCache } from './results';

/** What the manager knows of a container instance: told by the lifecycle through containerStarted/containerStopped. */
export interface ContainerInstance {
  id: string;
  startedAt: Date;
  running: boolean;
  podIP: string | undefined;
}

/** What a worker needs from its manager. */
export interface WorkerHost {
  readonly clock: Clock;
  readonly random: () => number;
  /** When the manager (the kubelet) started, in clock ms: workers created within one period of it start after a random delay. */
  readonly startedAt: number;
  readonly prober: Prober;
  readonly metrics: ProberMetrics;
  readonly logger: Logger;
  results(type: ProbeType): ResultsCache;
  /** The container's current instance, if the lifecycle reported one. */
  container(podUid: string, containerName: string): ContainerInstance | undefined;
  /** Whether the startup probe (if any) of this container instance has passed. */
  startupPassed(podUid: string, containerName: string, containerId: string): boolean;
  /** A result the lifecycle should know about changed. */
  resultChanged(type: ProbeType, pod: corev1.Pod, containerName: string, result: WorkerResult): void;
  /** The worker ended (stopped, or gave up on its container); the manager forgets it. */
  workerExited(worker: ProbeWorker): void;
}

/**
 * One probe of one container of one pod, run every periodSeconds for as long as the pod is on
 * the node (Kubernetes' prober worker). It follows the container's instances: a new container ID
 * starts from the probe kind's initial result (readiness failure, liveness success, startup
 * unknown) and fresh counters; the result changes only once successThreshold successes or
 * failureThreshold failures in a row are seen. Liveness and startup probes go on hold after
 * failing (the container is about to be restarted) until a new instance appears. Probes other
 * than startup wait until the startup probe has passed; the startup probe stops once it has.
 */
export class ProbeWorker {
  readonly type: ProbeType;
  readonly podUid: string;
  readonly containerName: string;
  /** Settles when the worker has ended and cleaned up. */
  readonly done: Promise<void>;
  private pod: corev1.Pod;
  private readonly container: corev1.Container;
  private readonly spec: EffectiveProbe;
  private readonly host: WorkerHost;
  private readonly initialValue: WorkerResult;
  private readonly labels: { probe_type: string; container: string; pod: string; namespace: string; pod_uid: string };

  private containerId: string | undefined;
  private lastResult: WorkerResult | undefined;
  private resultRun = 0;
  private onHold = false;
  private stopped = false;
  private tickPending = false;
  private triggerPending = false;
  private ticker: Timer | undefined;
  private sleeper: Timer | undefined;
  /** Wakes the loop waiting for its next tick (a tick, a trigger or stop). */
  private wake: (() => void) | undefined;
  /** Ends the start-up delay early; only stop does. */
  private interruptSleep: (() => void) | undefined;

  constructor(host: WorkerHost, type: ProbeType, pod: corev1.Pod, container: corev1.Container, spec: EffectiveProbe) {
    this.host = host;
    this.type = type;
    this.pod = pod;
    this.podUid = pod.metadata?.uid ?? '';
    this.container = container;
    this.containerName = container.name;
    this.spec = spec;
    this.initialValue = type === ProbeType.Readiness ? WorkerResult.Failure : type === ProbeType.Liveness ? WorkerResult.Success : WorkerResult.Unknown;
    this.labels = { probe_type: type, container: container.name, pod: podLabelName(pod), namespace: pod.metadata?.namespace ?? '', pod_uid: this.podUid };
    this.done = this.run();
  }

  /** The pod as last given to the manager (its deletionTimestamp silences liveness and startup). */
  updatePod(pod: corev1.Pod): void {
    this.pod = pod;
  }

  /** Ends the worker after any probe in flight; idempotent. */
  stop(): void {
    this.stopped = true;
    this.ticker?.cancel();
    this.sleeper?.cancel();
    this.interruptSleep?.();
    this.wake?.();
  }

  /** Runs a probe as soon as the worker is idle, without waiting for the period (coalesced while one is pending). */
  trigger(): void {
    this.triggerPending = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    const periodMs = this.spec.periodSeconds * 1000;
    // Let the caller that created the worker finish first (containerStarted records the container right after).
    await Promise.resolve();
    try {
      // Right after a kubelet (re)start every pod's workers start at once: spread their probes
      // over the first period instead, as Kubernetes does.
      if (periodMs > this.host.clock.now() - this.host.startedAt) await this.sleep(this.host.random() * periodMs);
      this.startTicker(periodMs);
      while (!this.stopped) {
        if (!(await this.doProbe())) break;
        await this.nextTick();
      }
    } finally {
      this.ticker?.cancel();
      if (this.containerId !== undefined) this.host.results(this.type).remove(this.containerId);
      for (const result of Object.values(ProbeMetricResult)) this.host.metrics.probeTotal.remove({ ...this.labels, result });
      this.host.workerExited(this);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      if (this.stopped) return resolve();
      this.interruptSleep = resolve;
      this.sleeper = this.host.clock.setTimer(ms, resolve);
    }).then(() => {
      this.interruptSleep = undefined;
    });
  }

  /** A ticker like Go's: fires every period; a tick that finds the previous one unconsumed is dropped. */
  private startTicker(periodMs: number): void {
    const schedule = () => {
      this.ticker = this.host.clock.setTimer(periodMs, () => {
        if (this.stopped) return;
        this.tickPending = true;
        this.wake?.();
        schedule();
      });
    };
    schedule();
  }

  private async nextTick(): Promise<void> {
    while (!this.stopped) {
      if (this.tickPending) {
        this.tickPending = false;
        return;
      }
      if (this.triggerPending) {
        this.triggerPending = false;
        return;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }

  /** One round: decides whether to probe, probes, and applies the thresholds. False ends the worker. */
  private async doProbe(): Promise<boolean> {
    try {
      return await this.probeOnce();
    } catch (err) {
      // A bug here must not end probing for the container: log it and carry on.
      this.host.logger.error('Probe worker failed', { probeType: this.type, podUID: this.podUid, containerName: this.containerName, err });
      return true;
    }
  }

  private async probeOnce(): Promise<boolean> {
    const start = this.host.clock.now();
    const results = this.host.results(this.type);
    const instance = this.host.container(this.podUid, this.containerName);
    // Not created yet (or already forgotten): wait for the lifecycle to report it.
    if (!instance) return true;

    if (instance.id !== this.containerId) {
      if (this.containerId !== undefined) results.remove(this.containerId);
      this.containerId = instance.id;
      results.set(instance.id, this.initialValue);
      this.onHold = false;
      this.lastResult = undefined;
      this.resultRun = 0;
    }
    if (this.onHold) return true;

    if (!instance.running) {
      this.setResult(WorkerResult.Failure);
      // A container that will not be started again needs no more probing.
      return this.restartPolicy() !== 'Never';
    }

    if (this.pod.metadata?.deletionTimestamp && (this.type === ProbeType.Liveness || this.type === ProbeType.Startup)) {
      // The pod is being deleted: liveness and startup go quiet so they cannot restart it now.
      this.setResult(WorkerResult.Success);
      return false;
    }

    if (Math.trunc((this.host.clock.now() - instance.startedAt.getTime()) / 1000) < this.spec.initialDelaySeconds) return true;

    const started = this.host.startupPassed(this.podUid, this.containerName, instance.id);
    if (started && this.type === ProbeType.Startup) return true;
    if (!started && this.type !== ProbeType.Startup) return true;

    const verdict = await this.host.prober.probe(this.type, this.spec, { pod: this.pod, container: this.container, containerId: instance.id, podIP: instance.podIP });
    // Stopped meanwhile, or the container changed under the probe: the verdict is about nothing current.
    if (this.stopped || this.host.container(this.podUid, this.containerName)?.id !== instance.id) return !this.stopped;
    // A probe that could not be run says nothing about the container.
    if (verdict.error) return true;

    const result = verdict.result === ProbeResult.Success ? WorkerResult.Success : WorkerResult.Failure;
    const metricResult = result === WorkerResult.Success ? ProbeMetricResult.Successful : ProbeMetricResult.Failed;
    this.host.metrics.probeTotal.inc({ ...this.labels, result: metricResult });
    if (result === WorkerResult.Success) {
      const { probe_type, container, pod, namespace } = this.labels;
      this.host.metrics.probeDuration.observe({ probe_type, container, pod, namespace }, (this.host.clock.now() - start) / 1000);
    }

    if (this.lastResult === result) this.resultRun++;
    else {
      this.lastResult = result;
      this.resultRun = 1;
    }
    if ((result === WorkerResult.Failure && this.resultRun < this.spec.failureThreshold) || (result === WorkerResult.Success && this.resultRun < this.spec.successThreshold)) {
      return true;
    }
    this.setResult(result);
    if ((this.type === ProbeType.Liveness || this.type === ProbeType.Startup) && result === WorkerResult.Failure) {
      // The container will be restarted: leave it alone until its next instance.
      this.onHold = true;
      this.resultRun = 0;
    }
    return true;
  }

  private setResult(result: WorkerResult): void {
    if (this.containerId === undefined) return;
    if (this.host.results(this.type).set(this.containerId, result)) this.host.resultChanged(this.type, this.pod, this.containerName, result);
  }

  /** The container's restart policy: the pod's, or Always for a sidecar (an init container with restartPolicy Always). */
  private restartPolicy(): string {
    return this.container.restartPolicy === 'Always' ? 'Always' : (this.pod.spec?.restartPolicy ?? 'Always');
  }
}
