import { Registry } from 'prom-client';
import type { corev1 } from '@tskube/api-types';
import { realClock, type Clock } from '@tskube/client';
import type { Logger } from '@tskube/component';
import type { ProbeRuntime } from './exec';
import { ProberMetrics } from './metrics';
import { Prober, withProbeDefaults, type RecordEvent } from './prober';
import { ProbeType } from './result';
import { ResultsCache, WorkerResult } from './results';
import { ProbeWorker, type ContainerInstance, type WorkerHost } from './worker';

export interface ProbeManagerOptions {
  /** Runs exec probes (CRI ExecSync). */
  runtime: ProbeRuntime;
  logger: Logger;
  /**
   * Called with the pod's UID when a container's readiness or startup result changed or its
   * liveness (or startup) probe failed, so the lifecycle re-syncs the pod. Called from the
   * workers' asynchronous loops, never from inside a ProbeManager method.
   */
  onChange: (podUid: string) => void;
  /** Records Unhealthy and ProbeWarning events about a pod. */
  recordEvent: RecordEvent;
  /** Where prober_probe_total and prober_probe_duration_seconds are registered; a private registry if absent. */
  registry?: Registry;
  /** Time for periods, delays and the start-up jitter; the real clock by default. */
  clock?: Clock;
  /** The random source for the start-up jitter, in [0, 1); Math.random by default. */
  random?: () => number;
}

/** Why the lifecycle must restart a container (Kubernetes' computePodActions). */
export interface ProbeFailure {
  failed: boolean;
  /**
   * The kubelet's Killing event message: `Container <name> failed liveness probe, will be
   * restarted` (or `startup probe`; without the restart clause under restartPolicy Never).
   */
  message?: string;
  /** Which probe failed. */
  probe?: 'liveness' | 'startup';
  /** The failed probe's own terminationGracePeriodSeconds, which overrides the pod's for this kill. */
  terminationGracePeriodSeconds?: number;
}

interface PodEntry {
  pod: corev1.Pod;
  containers: Map<string, ContainerInstance>;
  /** Workers that ended for good (their container will not run again, or the pod is terminating): addPod does not bring them back. */
  ended: Set<string>;
}

const probeOf: Record<ProbeType, (c: corev1.Container) => corev1.Probe | undefined> = {
  [ProbeType.Startup]: (c) => c.startupProbe,
  [ProbeType.Readiness]: (c) => c.readinessProbe,
  [ProbeType.Liveness]: (c) => c.livenessProbe,
};

const workerKey = (podUid: string, containerName: string, type: ProbeType) => `${podUid}\u0000${containerName}\u0000${type}`;

/** The containers the kubelet probes: the regular ones and the sidecars (init containers with restartPolicy Always). */
function probedContainers(pod: corev1.Pod): corev1.Container[] {
  return [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')];
}

/**
 * The kubelet's probe manager: one worker per container and probe kind (startup, readiness,
 * liveness) of every pod it is given, and the latest results, keyed by container ID so a
 * restarted container starts clean. The pod lifecycle reports containers starting and stopping
 * and asks, while syncing a pod, whether each container has started, is ready, or must be
 * restarted. Every method is synchronous and cheap; probing happens in the workers' loops.
 */
export class ProbeManager implements WorkerHost {
  readonly clock: Clock;
  readonly random: () => number;
  readonly startedAt: number;
  readonly prober: Prober;
  readonly metrics: ProberMetrics;
  readonly logger: Logger;
  private readonly onChange: (podUid: string) => void;
  private readonly resultsByType: Record<ProbeType, ResultsCache> = {
    [ProbeType.Startup]: new ResultsCache(),
    [ProbeType.Readiness]: new ResultsCache(),
    [ProbeType.Liveness]: new ResultsCache(),
  };
  private readonly workers = new Map<string, ProbeWorker>();
  private readonly pods = new Map<string, PodEntry>();

  constructor(opts: ProbeManagerOptions) {
    if (!opts?.runtime || typeof opts.runtime.execSync !== 'function') throw new TypeError('ProbeManager: runtime with execSync is required');
    if (!opts.logger) throw new TypeError('ProbeManager: logger is required');
    if (typeof opts.onChange !== 'function') throw new TypeError('ProbeManager: onChange must be a function');
    if (typeof opts.recordEvent !== 'function') throw new TypeError('ProbeManager: recordEvent must be a function');
    this.clock = opts.clock ?? realClock;
    this.random = opts.random ?? Math.random;
    this.startedAt = this.clock.now();
    this.logger = opts.logger;
    this.onChange = opts.onChange;
    this.metrics = new ProberMetrics(opts.registry ?? new Registry());
    this.prober = new Prober({ runtime: opts.runtime, recordEvent: opts.recordEvent, logger: opts.logger });
  }

  /**
   * Starts the workers of the pod's probes that are not running yet; existing ones keep their
   * state and see the pod as given here (a pod being deleted silences its liveness and startup
   * probes, as Kubernetes stops them when the pod terminates). Idempotent.
   */
  addPod(pod: corev1.Pod): void {
    const uid = pod.metadata?.uid;
    if (!uid) throw new TypeError('ProbeManager.addPod: the pod has no metadata.uid');
    let entry = this.pods.get(uid);
    if (entry) entry.pod = pod;
    else this.pods.set(uid, (entry = { pod, containers: new Map(), ended: new Set() }));
    const terminating = Boolean(pod.metadata?.deletionTimestamp);
    for (const container of probedContainers(pod)) {
      for (const type of [ProbeType.Startup, ProbeType.Readiness, ProbeType.Liveness]) {
        const probe = probeOf[type](container);
        if (!probe) continue;
        const key = workerKey(uid, container.name, type);
        const existing = this.workers.get(key);
        if (existing) {
          existing.updatePod(pod);
          continue;
        }
        if (entry.ended.has(key) || (terminating && type !== ProbeType.Readiness)) continue;
        this.workers.set(key, new ProbeWorker(this, type, pod, container, withProbeDefaults(probe)));
      }
    }
  }

  /** Stops the pod's workers and forgets its containers and results. Idempotent. */
  removePod(podUid: string): void {
    for (const [key, worker] of this.workers) {
      if (worker.podUid !== podUid) continue;
      this.workers.delete(key);
      worker.stop();
    }
    this.pods.delete(podUid);
  }

  /**
   * Stops the liveness and startup workers of a pod that is terminating, so no probe restarts a
   * container that is being stopped; readiness goes on until the pod is removed. Idempotent.
   */
  stopLivenessAndStartup(podUid: string): void {
    const entry = this.pods.get(podUid);
    for (const [key, worker] of this.workers) {
      if (worker.podUid !== podUid || worker.type === ProbeType.Readiness) continue;
      this.workers.delete(key);
      entry?.ended.add(key);
      worker.stop();
    }
  }

  /**
   * A container instance started (or the pod's IP became known): probes follow this instance from
   * now on. Adds the pod's workers if addPod was not called. Results of earlier instances of
   * the container no longer count.
   */
  containerStarted(pod: corev1.Pod, containerName: string, containerId: string, startedAt: Date, podIP: string | undefined): void {
    const uid = pod.metadata?.uid;
    if (!uid) throw new TypeError('ProbeManager.containerStarted: the pod has no metadata.uid');
    if (!this.pods.has(uid)) this.pods.set(uid, { pod, containers: new Map(), ended: new Set() });
    this.pods.get(uid)!.containers.set(containerName, { id: containerId, startedAt, running: true, podIP });
    this.addPod(pod);
  }

  /** The container's current instance is no longer running. Its readiness turns false at the next probe period. */
  containerStopped(podUid: string, containerName: string): void {
    const instance = this.pods.get(podUid)?.containers.get(containerName);
    if (instance) instance.running = false;
  }

  /**
   * Whether the container instance counts as started: it runs, and its startup probe has passed
   * (true at once when it has none).
   */
  isStarted(podUid: string, containerName: string, containerId: string): boolean {
    if (!this.running(podUid, containerName, containerId)) return false;
    return this.startupPassed(podUid, containerName, containerId);
  }

  /**
   * Whether the container instance is ready: it runs, has started, and its readiness probe has
   * passed (true at once when it has none). While it is not, the readiness worker is asked to
   * probe without waiting for its period, as the kubelet does when it builds the pod's status.
   */
  isReady(podUid: string, containerName: string, containerId: string): boolean {
    if (!this.isStarted(podUid, containerName, containerId)) return false;
    if (this.resultsByType[ProbeType.Readiness].get(containerId) === WorkerResult.Success) return true;
    const worker = this.workers.get(workerKey(podUid, containerName, ProbeType.Readiness));
    if (!worker) return true;
    worker.trigger();
    return false;
  }

  /**
   * Whether the running container instance must be restarted because its liveness probe (or its
   * startup probe) failed failureThreshold times. The worker holds off until a new instance is
   * started. Never true for an instance that is not running: whether an exited container comes
   * back is the restart policy's business, as in Kubernetes' computePodActions.
   */
  livenessFailed(podUid: string, containerName: string, containerId: string): ProbeFailure {
    if (!this.running(podUid, containerName, containerId)) return { failed: false };
    const container = this.containerSpec(podUid, containerName);
    for (const [type, probe] of [
      [ProbeType.Liveness, 'liveness'],
      [ProbeType.Startup, 'startup'],
    ] as const) {
      if (this.resultsByType[type].get(containerId) !== WorkerResult.Failure) continue;
      const grace = container ? probeOf[type](container)?.terminationGracePeriodSeconds : undefined;
      const restarts = container?.restartPolicy === 'Always' || this.pods.get(podUid)?.pod.spec?.restartPolicy !== 'Never';
      const message = `Container ${containerName} failed ${probe} probe${restarts ? ', will be restarted' : ''}`;
      return { failed: true, message, probe, ...(grace !== undefined ? { terminationGracePeriodSeconds: grace } : {}) };
    }
    return { failed: false };
  }

  /** Stops every worker and waits for them to finish; for the kubelet's shutdown. */
  async close(): Promise<void> {
    const all = [...this.workers.values()];
    this.workers.clear();
    for (const w of all) w.stop();
    await Promise.all(all.map((w) => w.done));
    this.pods.clear();
  }

  /** Workers running, for tests and diagnostics. */
  workerCount(): number {
    return this.workers.size;
  }

  // WorkerHost

  results(type: ProbeType): ResultsCache {
    return this.resultsByType[type];
  }

  container(podUid: string, containerName: string): ContainerInstance | undefined {
    return this.pods.get(podUid)?.containers.get(containerName);
  }

  startupPassed(podUid: string, containerName: string, containerId: string): boolean {
    const result = this.resultsByType[ProbeType.Startup].get(containerId);
    if (result !== undefined) return result === WorkerResult.Success;
    // A startup probe that has not run yet holds the container back; without one it has started.
    return !this.workers.has(workerKey(podUid, containerName, ProbeType.Startup));
  }

  resultChanged(type: ProbeType, pod: corev1.Pod, containerName: string, result: WorkerResult): void {
    if (type === ProbeType.Liveness && result !== WorkerResult.Failure) return;
    const uid = pod.metadata?.uid ?? '';
    this.logger.debug('Probe result changed', { probeType: type, podUID: uid, containerName, result });
    try {
      this.onChange(uid);
    } catch (err) {
      this.logger.error('onChange failed', { podUID: uid, err });
    }
  }

  workerExited(worker: ProbeWorker): void {
    const key = workerKey(worker.podUid, worker.containerName, worker.type);
    if (this.workers.get(key) !== worker) return;
    // It ended on its own: its container is done with probing.
    this.workers.delete(key);
    this.pods.get(worker.podUid)?.ended.add(key);
  }

  private running(podUid: string, containerName: string, containerId: string): boolean {
    const instance = this.container(podUid, containerName);
    return instance !== undefined && instance.running && instance.id === containerId;
  }

  private containerSpec(podUid: string, containerName: string): corev1.Container | undefined {
    const pod = this.pods.get(podUid)?.pod;
    return pod ? probedContainers(pod).find((c) => c.name === containerName) : undefined;
  }
}
