import { credentials, Metadata, status as GrpcStatus, type CallOptions as GrpcCallOptions, type ClientUnaryCall, type ServiceError } from '@grpc/grpc-js';
import { cri } from '@tskube/proto';
import { parseRuntimeEndpoint } from './endpoint';
import { CriError, criErrorFromGrpc } from './errors';
import type { CallOptions, CriInput, ExecSyncResult, ImageManagerService, RuntimeService } from './services';

/** The kubelet's `--runtime-request-timeout` default. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 2 * 60_000;

/** The largest message either side sends: the kubelet's and containerd's 16 MiB. */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/** The CRI version the kubelet announces in VersionRequest, as Kubernetes' kubelet does. */
const KUBELET_CRI_VERSION = '0.1.0';

export interface CriClientOptions {
  /** `--container-runtime-endpoint`: `unix:///run/containerd/containerd.sock` or a socket path. */
  endpoint: string;
  /** `--image-service-endpoint`; default: the runtime endpoint. */
  imageEndpoint?: string;
  /** Deadline of every call that has no more specific one, in ms; 0: none. Default 2 minutes. */
  requestTimeoutMs?: number;
  /** Source of the current time for deadlines (ms since the epoch); default Date.now. */
  now?: () => number;
}

type Unary<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: Partial<GrpcCallOptions>,
  callback: (error: ServiceError | null, response: Res) => void,
) => ClientUnaryCall;

/**
 * The CRI RuntimeService and ImageService over gRPC on a unix socket, as the kubelet's remote
 * runtime and image services (Kubernetes' pkg/kubelet/cri/remote). grpc-js connects lazily and
 * reconnects by itself; a call made while the runtime is down fails at once with Unavailable
 * rather than waiting for it.
 */
export class CriClient implements RuntimeService, ImageManagerService {
  /** The grpc-js target of the runtime service (`unix:///...`). */
  readonly endpoint: string;
  private readonly runtime: cri.RuntimeServiceClient;
  private readonly images: cri.ImageServiceClient;
  private readonly requestTimeoutMs: number;
  private readonly now: () => number;

  constructor(options: CriClientOptions) {
    const runtimeEndpoint = parseRuntimeEndpoint(options.endpoint);
    const imageEndpoint = parseRuntimeEndpoint(options.imageEndpoint ?? options.endpoint);
    if (options.requestTimeoutMs !== undefined && !(options.requestTimeoutMs >= 0)) {
      throw new Error(`requestTimeoutMs must be >= 0, got ${options.requestTimeoutMs}`);
    }
    this.endpoint = runtimeEndpoint.target;
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.now = options.now ?? Date.now;
    const channelOptions = {
      'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
      'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
    };
    this.runtime = new cri.RuntimeServiceClient(runtimeEndpoint.target, credentials.createInsecure(), channelOptions);
    this.images =
      imageEndpoint.target === runtimeEndpoint.target
        ? new cri.ImageServiceClient(imageEndpoint.target, credentials.createInsecure(), { ...channelOptions, channelOverride: this.runtime.getChannel() })
        : new cri.ImageServiceClient(imageEndpoint.target, credentials.createInsecure(), channelOptions);
  }

  /** Closes the connections; calls made afterwards fail. Idempotent. */
  close(): void {
    this.images.close();
    this.runtime.close();
  }

  // RuntimeVersioner

  async version(apiVersion = KUBELET_CRI_VERSION, options?: CallOptions): Promise<cri.VersionResponse> {
    return this.call('RuntimeService/Version', this.runtime, this.runtime.version, cri.VersionRequest.fromPartial({ version: apiVersion }), options);
  }

  // PodSandboxManager

  async runPodSandbox(config: CriInput<cri.PodSandboxConfig>, runtimeHandler = '', options?: CallOptions): Promise<string> {
    const request = cri.RunPodSandboxRequest.fromPartial({ config, runtimeHandler });
    const res = await this.call('RuntimeService/RunPodSandbox', this.runtime, this.runtime.runPodSandbox, request, options);
    return res.podSandboxId;
  }

  async stopPodSandbox(podSandboxId: string, options?: CallOptions): Promise<void> {
    await this.call('RuntimeService/StopPodSandbox', this.runtime, this.runtime.stopPodSandbox, { podSandboxId }, options);
  }

  async removePodSandbox(podSandboxId: string, options?: CallOptions): Promise<void> {
    await this.call('RuntimeService/RemovePodSandbox', this.runtime, this.runtime.removePodSandbox, { podSandboxId }, options);
  }

  async podSandboxStatus(podSandboxId: string, verbose = false, options?: CallOptions): Promise<cri.PodSandboxStatusResponse> {
    return this.call('RuntimeService/PodSandboxStatus', this.runtime, this.runtime.podSandboxStatus, { podSandboxId, verbose }, options);
  }

  async listPodSandbox(filter?: CriInput<cri.PodSandboxFilter>, options?: CallOptions): Promise<cri.PodSandbox[]> {
    const request = cri.ListPodSandboxRequest.fromPartial({ filter });
    return (await this.call('RuntimeService/ListPodSandbox', this.runtime, this.runtime.listPodSandbox, request, options)).items;
  }

  async portForward(request: CriInput<cri.PortForwardRequest>, options?: CallOptions): Promise<cri.PortForwardResponse> {
    return this.call('RuntimeService/PortForward', this.runtime, this.runtime.portForward, cri.PortForwardRequest.fromPartial(request), options);
  }

  // ContainerManager

  async createContainer(
    podSandboxId: string,
    config: CriInput<cri.ContainerConfig>,
    sandboxConfig: CriInput<cri.PodSandboxConfig>,
    options?: CallOptions,
  ): Promise<string> {
    const request = cri.CreateContainerRequest.fromPartial({ podSandboxId, config, sandboxConfig });
    return (await this.call('RuntimeService/CreateContainer', this.runtime, this.runtime.createContainer, request, options)).containerId;
  }

  async startContainer(containerId: string, options?: CallOptions): Promise<void> {
    await this.call('RuntimeService/StartContainer', this.runtime, this.runtime.startContainer, { containerId }, options);
  }

  async stopContainer(containerId: string, timeoutSeconds: number, options?: CallOptions): Promise<void> {
    const timeout = wholeSeconds(timeoutSeconds, 'timeoutSeconds');
    // The runtime may take the whole grace period before it kills; the deadline must outlast it.
    const call = { ...options, timeoutMs: options?.timeoutMs ?? this.extendedTimeout(timeout) };
    await this.call('RuntimeService/StopContainer', this.runtime, this.runtime.stopContainer, { containerId, timeout: BigInt(timeout) }, call);
  }

  async removeContainer(containerId: string, options?: CallOptions): Promise<void> {
    await this.call('RuntimeService/RemoveContainer', this.runtime, this.runtime.removeContainer, { containerId }, options);
  }

  async listContainers(filter?: CriInput<cri.ContainerFilter>, options?: CallOptions): Promise<cri.Container[]> {
    const request = cri.ListContainersRequest.fromPartial({ filter });
    return (await this.call('RuntimeService/ListContainers', this.runtime, this.runtime.listContainers, request, options)).containers;
  }

  async containerStatus(containerId: string, verbose = false, options?: CallOptions): Promise<cri.ContainerStatusResponse> {
    return this.call('RuntimeService/ContainerStatus', this.runtime, this.runtime.containerStatus, { containerId, verbose }, options);
  }

  async updateContainerResources(
    containerId: string,
    resources: CriInput<cri.LinuxContainerResources> | undefined,
    annotations: Record<string, string> = {},
    options?: CallOptions,
  ): Promise<void> {
    const request = cri.UpdateContainerResourcesRequest.fromPartial({ containerId, linux: resources, annotations });
    await this.call('RuntimeService/UpdateContainerResources', this.runtime, this.runtime.updateContainerResources, request, options);
  }

  async reopenContainerLog(containerId: string, options?: CallOptions): Promise<void> {
    await this.call('RuntimeService/ReopenContainerLog', this.runtime, this.runtime.reopenContainerLog, { containerId }, options);
  }

  async execSync(containerId: string, cmd: string[], timeoutSeconds: number, options?: CallOptions): Promise<ExecSyncResult> {
    const timeout = wholeSeconds(timeoutSeconds, 'timeoutSeconds');
    // No command timeout means no call deadline either, as the kubelet does: a probe without
    // timeoutSeconds may run as long as it likes.
    const call = { ...options, timeoutMs: options?.timeoutMs ?? (timeout === 0 ? 0 : this.extendedTimeout(timeout)) };
    const res = await this.call('RuntimeService/ExecSync', this.runtime, this.runtime.execSync, { containerId, cmd, timeout: BigInt(timeout) }, call);
    return { stdout: Buffer.from(res.stdout), stderr: Buffer.from(res.stderr), exitCode: res.exitCode };
  }

  async exec(request: CriInput<cri.ExecRequest>, options?: CallOptions): Promise<cri.ExecResponse> {
    return this.call('RuntimeService/Exec', this.runtime, this.runtime.exec, cri.ExecRequest.fromPartial(request), options);
  }

  async attach(request: CriInput<cri.AttachRequest>, options?: CallOptions): Promise<cri.AttachResponse> {
    return this.call('RuntimeService/Attach', this.runtime, this.runtime.attach, cri.AttachRequest.fromPartial(request), options);
  }

  // ContainerStatsManager

  async containerStats(containerId: string, options?: CallOptions): Promise<cri.ContainerStats | undefined> {
    return (await this.call('RuntimeService/ContainerStats', this.runtime, this.runtime.containerStats, { containerId }, options)).stats;
  }

  async listContainerStats(filter?: CriInput<cri.ContainerStatsFilter>, options?: CallOptions): Promise<cri.ContainerStats[]> {
    const request = cri.ListContainerStatsRequest.fromPartial({ filter });
    return (await this.call('RuntimeService/ListContainerStats', this.runtime, this.runtime.listContainerStats, request, options)).stats;
  }

  // RuntimeService

  async updateRuntimeConfig(runtimeConfig: CriInput<cri.RuntimeConfig>, options?: CallOptions): Promise<void> {
    const request = cri.UpdateRuntimeConfigRequest.fromPartial({ runtimeConfig });
    await this.call('RuntimeService/UpdateRuntimeConfig', this.runtime, this.runtime.updateRuntimeConfig, request, options);
  }

  async status(verbose = false, options?: CallOptions): Promise<cri.StatusResponse> {
    return this.call('RuntimeService/Status', this.runtime, this.runtime.status, { verbose }, options);
  }

  // ImageManagerService

  async listImages(filter?: CriInput<cri.ImageFilter>, options?: CallOptions): Promise<cri.Image[]> {
    const request = cri.ListImagesRequest.fromPartial({ filter });
    return (await this.call('ImageService/ListImages', this.images, this.images.listImages, request, options)).images;
  }

  async imageStatus(image: CriInput<cri.ImageSpec>, verbose = false, options?: CallOptions): Promise<cri.ImageStatusResponse> {
    const request = cri.ImageStatusRequest.fromPartial({ image, verbose });
    return this.call('ImageService/ImageStatus', this.images, this.images.imageStatus, request, options);
  }

  async pullImage(
    image: CriInput<cri.ImageSpec>,
    auth?: CriInput<cri.AuthConfig>,
    sandboxConfig?: CriInput<cri.PodSandboxConfig>,
    options?: CallOptions,
  ): Promise<string> {
    const request = cri.PullImageRequest.fromPartial({ image, auth, sandboxConfig });
    // A pull takes as long as the image is large; like the kubelet, no deadline unless asked.
    const call = { ...options, timeoutMs: options?.timeoutMs ?? 0 };
    return (await this.call('ImageService/PullImage', this.images, this.images.pullImage, request, call)).imageRef;
  }

  async removeImage(image: CriInput<cri.ImageSpec>, options?: CallOptions): Promise<void> {
    const request = cri.RemoveImageRequest.fromPartial({ image });
    await this.call('ImageService/RemoveImage', this.images, this.images.removeImage, request, options);
  }

  async imageFsInfo(options?: CallOptions): Promise<cri.ImageFsInfoResponse> {
    return this.call('ImageService/ImageFsInfo', this.images, this.images.imageFsInfo, {}, options);
  }

  /** The request timeout plus the time the runtime itself may wait (a stop's grace period). */
  private extendedTimeout(seconds: number): number {
    return this.requestTimeoutMs === 0 ? 0 : this.requestTimeoutMs + seconds * 1000;
  }

  private call<Req, Res>(method: string, client: object, fn: Unary<Req, Res>, request: Req, options: CallOptions = {}): Promise<Res> {
    const timeoutMs = options.timeoutMs ?? this.requestTimeoutMs;
    const grpcOptions: Partial<GrpcCallOptions> = timeoutMs > 0 ? { deadline: this.now() + timeoutMs } : {};
    const signal = options.signal;
    return new Promise<Res>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new CriError(GrpcStatus.CANCELLED, `${method}: Cancelled: call aborted before it started`, { method }));
        return;
      }
      const onAbort = () => call.cancel();
      const call = fn.call(client, request, new Metadata(), grpcOptions, (err, res) => {
        signal?.removeEventListener('abort', onAbort);
        if (err) reject(criErrorFromGrpc(err, method));
        else resolve(res);
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

function wholeSeconds(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${what} must be a whole number of seconds >= 0, got ${value}`);
  return value;
}
