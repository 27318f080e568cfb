import type { cri } from '@tskube/proto';

/**
 * The kubelet's view of a container runtime, split as Kubernetes splits it (cri-api's
 * services.go: RuntimeVersioner, ContainerManager, PodSandboxManager, ContainerStatsManager,
 * RuntimeService, ImageManagerService), so that the real client (CriClient over containerd) and a
 * simulated runtime (hollow nodes) are interchangeable behind the same interfaces.
 *
 * Every method is one CRI call. Failures reject with a CriError whose `code` is the gRPC status
 * (NotFound for a container, sandbox or image that does not exist, DeadlineExceeded when the
 * call's timeout passed, Unavailable when the runtime cannot be reached). Inputs are
 * `cri.DeepPartial`s: unset fields take their proto3 defaults, and 64-bit fields accept a number,
 * a bigint or a decimal string. Outputs are the full generated messages, 64-bit fields as bigint.
 */

/** Per-call options. */
export interface CallOptions {
  /**
   * Milliseconds before the call fails with DeadlineExceeded; 0 means no deadline. Default: the
   * client's request timeout (the kubelet's `--runtime-request-timeout`, 2 minutes), plus the
   * call's own timeout for StopContainer and ExecSync; PullImage has none by default.
   */
  timeoutMs?: number;
  /** Aborting cancels the call; it then rejects with code Cancelled. */
  signal?: AbortSignal;
}

/** Input shape of a CRI message: any subset of its fields. */
export type CriInput<T> = cri.DeepPartial<T>;

export interface RuntimeVersioner {
  /**
   * The runtime's name and version and the CRI version it serves (containerd answers
   * runtimeName "containerd", runtimeApiVersion "v1"). `apiVersion` is the kubelet's CRI version.
   */
  version(apiVersion?: string, options?: CallOptions): Promise<cri.VersionResponse>;
}

export interface PodSandboxManager {
  /**
   * Creates and starts a pod sandbox and returns its ID; it is ready when this resolves. Not
   * idempotent: every call makes a new sandbox, so the caller bumps `metadata.attempt` to retry.
   */
  runPodSandbox(config: CriInput<cri.PodSandboxConfig>, runtimeHandler?: string, options?: CallOptions): Promise<string>;
  /** Kills the sandbox's containers and tears down its network. Idempotent. */
  stopPodSandbox(podSandboxId: string, options?: CallOptions): Promise<void>;
  /** Removes the sandbox and its containers, killing what still runs. Idempotent. */
  removePodSandbox(podSandboxId: string, options?: CallOptions): Promise<void>;
  /** The sandbox's status (IP, state, creation time); NotFound if it does not exist. */
  podSandboxStatus(podSandboxId: string, verbose?: boolean, options?: CallOptions): Promise<cri.PodSandboxStatusResponse>;
  /** The sandboxes matching every set field of the filter; all of them without one. */
  listPodSandbox(filter?: CriInput<cri.PodSandboxFilter>, options?: CallOptions): Promise<cri.PodSandbox[]>;
  /** The URL of a streaming endpoint forwarding ports into the sandbox's network namespace. */
  portForward(request: CriInput<cri.PortForwardRequest>, options?: CallOptions): Promise<cri.PortForwardResponse>;
}

/** What ExecSync answers: the command's output (capped by the runtime) and exit code. */
export interface ExecSyncResult {
  stdout: Buffer;
  stderr: Buffer;
  /** The command's exit status; not an error when non-zero. */
  exitCode: number;
}

export interface ContainerManager {
  /** Creates (without starting) a container in the sandbox and returns its ID. Not idempotent. */
  createContainer(
    podSandboxId: string,
    config: CriInput<cri.ContainerConfig>,
    sandboxConfig: CriInput<cri.PodSandboxConfig>,
    options?: CallOptions,
  ): Promise<string>;
  /** Starts a created container. */
  startContainer(containerId: string, options?: CallOptions): Promise<void>;
  /**
   * Sends the container's stop signal, waits up to `timeoutSeconds`, then kills it; resolves once
   * it has exited. 0 kills at once. Idempotent.
   */
  stopContainer(containerId: string, timeoutSeconds: number, options?: CallOptions): Promise<void>;
  /** Removes the container, killing it first if it runs. Idempotent. */
  removeContainer(containerId: string, options?: CallOptions): Promise<void>;
  /** The containers matching every set field of the filter; all of them without one. */
  listContainers(filter?: CriInput<cri.ContainerFilter>, options?: CallOptions): Promise<cri.Container[]>;
  /** The container's status (state, times, exit code, reason, log path); NotFound if it does not exist. */
  containerStatus(containerId: string, verbose?: boolean, options?: CallOptions): Promise<cri.ContainerStatusResponse>;
  /** Changes the running container's cgroup limits. */
  updateContainerResources(
    containerId: string,
    resources: CriInput<cri.LinuxContainerResources> | undefined,
    annotations?: Record<string, string>,
    options?: CallOptions,
  ): Promise<void>;
  /** Makes the runtime reopen the container's log file (after the kubelet rotated it). */
  reopenContainerLog(containerId: string, options?: CallOptions): Promise<void>;
  /**
   * Runs `cmd` in the container and waits for it (a probe's exec handler). `timeoutSeconds` 0
   * means no limit; past it the runtime kills the command and the call fails DeadlineExceeded.
   */
  execSync(containerId: string, cmd: string[], timeoutSeconds: number, options?: CallOptions): Promise<ExecSyncResult>;
  /** The URL of a streaming endpoint that runs a command in the container. */
  exec(request: CriInput<cri.ExecRequest>, options?: CallOptions): Promise<cri.ExecResponse>;
  /** The URL of a streaming endpoint attached to the container's main process. */
  attach(request: CriInput<cri.AttachRequest>, options?: CallOptions): Promise<cri.AttachResponse>;
}

export interface ContainerStatsManager {
  /** The container's resource usage; NotFound if it does not exist. */
  containerStats(containerId: string, options?: CallOptions): Promise<cri.ContainerStats | undefined>;
  /** The resource usage of the running containers matching the filter. */
  listContainerStats(filter?: CriInput<cri.ContainerStatsFilter>, options?: CallOptions): Promise<cri.ContainerStats[]>;
}

export interface RuntimeService extends RuntimeVersioner, ContainerManager, PodSandboxManager, ContainerStatsManager {
  /** Hands the runtime the node's pod CIDR. */
  updateRuntimeConfig(runtimeConfig: CriInput<cri.RuntimeConfig>, options?: CallOptions): Promise<void>;
  /**
   * The runtime's conditions: RuntimeReady (it can run containers) and NetworkReady (its CNI
   * configuration is loaded), which the kubelet's node Ready condition requires.
   */
  status(verbose?: boolean, options?: CallOptions): Promise<cri.StatusResponse>;
}

export interface ImageManagerService {
  /** The images present, optionally only those matching `filter.image`. */
  listImages(filter?: CriInput<cri.ImageFilter>, options?: CallOptions): Promise<cri.Image[]>;
  /** The image's status; `image` is undefined when the image is not present (not an error). */
  imageStatus(image: CriInput<cri.ImageSpec>, verbose?: boolean, options?: CallOptions): Promise<cri.ImageStatusResponse>;
  /**
   * Pulls the image and returns its reference on the node (the image ID). Fails when the
   * registry cannot be reached or does not have it; the kubelet turns that into ErrImagePull.
   */
  pullImage(image: CriInput<cri.ImageSpec>, auth?: CriInput<cri.AuthConfig>, sandboxConfig?: CriInput<cri.PodSandboxConfig>, options?: CallOptions): Promise<string>;
  /** Removes the image with all its tags. Idempotent. */
  removeImage(image: CriInput<cri.ImageSpec>, options?: CallOptions): Promise<void>;
  /** Usage of the filesystems that hold images (and, if separate, containers' writable layers). */
  imageFsInfo(options?: CallOptions): Promise<cri.ImageFsInfoResponse>;
}
