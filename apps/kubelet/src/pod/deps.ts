import type { corev1 } from '@tskube/api-types';
import type { cri } from '@tskube/proto';

/**
 * What the pod lifecycle needs from the volume manager (apps/kubelet/src/volumes), by shape, so
 * that the lifecycle runs with any implementation of it.
 */
export interface PodVolumes {
  /** Creates every volume of the pod; idempotent; throws with an event-worthy message. */
  setUpPod(pod: corev1.Pod): Promise<void>;
  /** The CRI mounts of one container's volumeMounts (`env` expands subPathExpr); after setUpPod. */
  mountsFor(pod: corev1.Pod, container: corev1.Container, env?: ReadonlyArray<{ name: string; value: string }>): cri.DeepPartial<cri.Mount>[];
  /** Rewrites configMap, secret, downwardAPI and projected contents that changed. */
  refreshPod(pod: corev1.Pod): Promise<void>;
  /** Removes the pod's volumes; idempotent. */
  tearDownPod(podUid: string): Promise<void>;
}

/** What the pod lifecycle needs from the probe manager (apps/kubelet/src/prober). */
export interface PodProber {
  addPod(pod: corev1.Pod): void;
  removePod(podUid: string): void;
  containerStarted(pod: corev1.Pod, containerName: string, containerId: string, startedAt: Date, podIP: string | undefined): void;
  containerStopped(podUid: string, containerName: string): void;
  isReady(podUid: string, containerName: string, containerId: string): boolean;
  isStarted(podUid: string, containerName: string, containerId: string): boolean;
  /**
   * Whether the running instance failed its liveness (or startup) probe: `message` is the Killing
   * event's (`Container x failed liveness probe, will be restarted`), and the probe's own grace
   * period applies.
   */
  livenessFailed(podUid: string, containerName: string, containerId: string): { failed: boolean; message?: string; terminationGracePeriodSeconds?: number };
  /** A pod being stopped keeps only its readiness probes. */
  stopLivenessAndStartup?(podUid: string): void;
  /** Stops every probe worker (the kubelet's shutdown). */
  close?(): Promise<void>;
}

/** Volumes without a volume manager: none are set up, no container gets a volume mount. */
export const noVolumes: PodVolumes = {
  setUpPod: async () => undefined,
  mountsFor: () => [],
  refreshPod: async () => undefined,
  tearDownPod: async () => undefined,
};

/** Probing without a probe manager: running containers are ready and started, never unhealthy. */
export const noProbes: PodProber = {
  addPod: () => undefined,
  removePod: () => undefined,
  containerStarted: () => undefined,
  containerStopped: () => undefined,
  isReady: () => true,
  isStarted: () => true,
  livenessFailed: () => ({ failed: false }),
};
