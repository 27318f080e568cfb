import { isAbsolute } from 'node:path';

/** containerd's socket: the kubelet's `--container-runtime-endpoint` default on Linux. */
export const DEFAULT_RUNTIME_ENDPOINT = 'unix:///run/containerd/containerd.sock';

/** A CRI endpoint as grpc-js dials it. */
export interface RuntimeEndpoint {
  /** The grpc-js target, always `unix:///<absolute path>`. */
  readonly target: string;
  /** The socket's absolute path. */
  readonly socketPath: string;
}

/**
 * Parses a `--container-runtime-endpoint` value. Like the kubelet on Linux it accepts only unix
 * sockets: `unix:///path`, `unix:/path`, or a bare absolute path (which the kubelet still takes
 * with a deprecation warning). Throws on anything else, e.g. a tcp:// or relative address.
 */
export function parseRuntimeEndpoint(endpoint: string): RuntimeEndpoint {
  const value = endpoint.trim();
  let path: string;
  if (value.startsWith('unix://')) path = value.slice('unix://'.length);
  else if (value.startsWith('unix:')) path = value.slice('unix:'.length);
  else if (!value.includes('://')) path = value;
  else throw new Error(`container runtime endpoint ${JSON.stringify(endpoint)}: only unix sockets are supported (unix:///path)`);
  if (!isAbsolute(path)) throw new Error(`container runtime endpoint ${JSON.stringify(endpoint)}: the socket path must be absolute`);
  // Linux's sockaddr_un holds 108 bytes with the terminating NUL; a longer path cannot be dialled.
  if (Buffer.byteLength(path) > 107) throw new Error(`container runtime endpoint ${JSON.stringify(endpoint)}: socket path longer than 107 bytes`);
  return { target: `unix://${path}`, socketPath: path };
}
