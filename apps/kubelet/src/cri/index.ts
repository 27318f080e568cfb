// The kubelet's container runtime interface: the service interfaces it programs against, the
// gRPC client that implements them over containerd's socket, and its errors.
export { CriClient, DEFAULT_REQUEST_TIMEOUT_MS, type CriClientOptions } from './client';
export { DEFAULT_RUNTIME_ENDPOINT, parseRuntimeEndpoint, type RuntimeEndpoint } from './endpoint';
export { CriError, CriErrorCode, criErrorFromGrpc, isCriDeadlineExceeded, isCriNotFound, isCriUnavailable, isCriUnimplemented, type CriErrorOptions } from './errors';
export type {
  CallOptions,
  ContainerManager,
  ContainerStatsManager,
  CriInput,
  ExecSyncResult,
  ImageManagerService,
  PodSandboxManager,
  RuntimeService,
  RuntimeVersioner,
} from './services';
