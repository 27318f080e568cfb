/**
 * core/v1: everything `kubernetes-types` declares, plus the options kinds that connect
 * subresources (log, exec, attach, port-forward, proxy) take as query parameters. Kubernetes
 * registers these as kinds of v1 and names them in discovery, but they never travel as JSON bodies.
 */
export type * from 'kubernetes-types/core/v1';

/** Query parameters of GET pods/{name}/log. */
export interface PodLogOptions {
  apiVersion?: 'v1';
  kind?: 'PodLogOptions';
  /** The container to read; may be omitted when the pod has exactly one. */
  container?: string;
  /** Stream the log as it grows. */
  follow?: boolean;
  /** The previous, terminated instance of the container. */
  previous?: boolean;
  sinceSeconds?: number;
  /** RFC 3339 time; only one of sinceSeconds and sinceTime may be set. */
  sinceTime?: string;
  /** Prefix each line with an RFC 3339 timestamp. */
  timestamps?: boolean;
  tailLines?: number;
  limitBytes?: number;
  insecureSkipTLSVerifyBackend?: boolean;
  /** `All`, `Stdout` or `Stderr` (PodLogsQuerySplitStreams). */
  stream?: string;
}

/** Query parameters of pods/{name}/exec. */
export interface PodExecOptions {
  apiVersion?: 'v1';
  kind?: 'PodExecOptions';
  stdin?: boolean;
  stdout?: boolean;
  stderr?: boolean;
  tty?: boolean;
  container?: string;
  /** The command and its arguments, one `command=` query parameter each. */
  command: string[];
}

/** Query parameters of pods/{name}/attach. */
export interface PodAttachOptions {
  apiVersion?: 'v1';
  kind?: 'PodAttachOptions';
  stdin?: boolean;
  stdout?: boolean;
  stderr?: boolean;
  tty?: boolean;
  container?: string;
}

/** Query parameters of pods/{name}/portforward. */
export interface PodPortForwardOptions {
  apiVersion?: 'v1';
  kind?: 'PodPortForwardOptions';
  ports?: number[];
}

/** Query parameters of pods/{name}/proxy. */
export interface PodProxyOptions {
  apiVersion?: 'v1';
  kind?: 'PodProxyOptions';
  /** Path to forward to the pod. */
  path?: string;
}

/** Query parameters of nodes/{name}/proxy. */
export interface NodeProxyOptions {
  apiVersion?: 'v1';
  kind?: 'NodeProxyOptions';
  path?: string;
}

/** Query parameters of services/{name}/proxy. */
export interface ServiceProxyOptions {
  apiVersion?: 'v1';
  kind?: 'ServiceProxyOptions';
  path?: string;
}
