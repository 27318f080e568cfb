import { credentials as grpcCredentials, Metadata, status as GrpcCode, type CallOptions, type ChannelCredentials, type ClientOptions, type ServiceError } from '@grpc/grpc-js';
import type { KubeObject } from '@tskube/api-types';
import { ApiClient as GrpcApiClient } from '@tskube/proto';
import { TransportError, errorFromGrpc } from './errors';
import { GrpcWatchStream, type WatchStream } from './watch-stream';

/** A resource addressed as a REST path does: `/apis/<group>/<version>/<resource>`. */
export interface GroupVersionResource {
  /** API group, '' for the core group. */
  group: string;
  /** Version within the group, e.g. 'v1'. */
  version: string;
  /** Plural lower-case resource name, e.g. 'pods'. */
  resource: string;
}

/** The Content-Type names of the patch formats the API accepts, as REST clients send them. */
export const PatchType = {
  JSONPatch: 'application/json-patch+json',
  MergePatch: 'application/merge-patch+json',
  StrategicMergePatch: 'application/strategic-merge-patch+json',
  Apply: 'application/apply-patch+yaml',
} as const;
export type PatchType = (typeof PatchType)[keyof typeof PatchType];

/** Options every call takes. */
export interface CallOptionsBase {
  /** Aborting cancels the call; it then rejects with a TransportError (CANCELLED). */
  signal?: AbortSignal;
  /** Deadline for this call in ms, overriding the client's `requestTimeoutMs`; 0 for none. */
  timeoutMs?: number;
}

export interface GetOptions extends CallOptionsBase {
  /** '' (default) for the object itself, or a subresource such as 'status' or 'scale'. */
  subresource?: string;
  /** '' (default): a consistent read; '0': any state; otherwise a state at least this new. */
  resourceVersion?: string;
}

/** metav1.ListOptions for a list; see ListOptions in api.proto for each rule. */
export interface ListOptions extends CallOptionsBase {
  labelSelector?: string;
  fieldSelector?: string;
  /** At most this many items per page; 0 or absent: no limit. */
  limit?: number;
  /** The `continue` of the previous page. */
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: '' | 'NotOlderThan' | 'Exact';
}

/** One page of a list. */
export interface ListResult<T> {
  /** The items in key order (namespace, then name). */
  items: T[];
  /** The revision of the snapshot; a watch from it sees every later change. */
  resourceVersion: string;
  /** Non-empty when more pages follow: pass it as `ListOptions.continue`. */
  continue: string;
  /** With a limit, the server's estimate of the items still to come, when it knows it. */
  remainingItemCount?: number;
}

/** metav1.ListOptions for a watch. */
export interface WatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  /** '' or '0': synthetic ADDED events for what exists, then changes; otherwise changes after it. */
  resourceVersion?: string;
  resourceVersionMatch?: '' | 'NotOlderThan';
  /** The server ends the stream (cleanly) after this many seconds. */
  timeoutSeconds?: number;
  /** Accept BOOKMARK events (progress notifications). */
  allowWatchBookmarks?: boolean;
  /** The WatchList feature: initial ADDED events, then a BOOKMARK marking their end. */
  sendInitialEvents?: boolean;
  /** Aborting closes the stream, as `close()` does. */
  signal?: AbortSignal;
}

/** Options of the writing verbs. */
export interface WriteOptions extends CallOptionsBase {
  /** ['All'] to validate and default without storing. */
  dryRun?: string[];
  /** Actor recorded in managedFields; defaults to the client's `fieldManager`. */
  fieldManager?: string;
  /** 'Ignore' | 'Warn' | 'Strict'; '' for the server default. */
  fieldValidation?: string;
}

export interface UpdateOptions extends WriteOptions {
  /** '' for the object itself, or a subresource such as 'status' or 'scale'. */
  subresource?: string;
}

export interface PatchOptions extends UpdateOptions {
  /** Server-side apply only: take over fields other managers own. */
  force?: boolean;
}

export interface ApiClientOptions {
  /** host:port of the apiserver's gRPC endpoint, as the components' `--master` flag gives it. */
  master: string;
  /** Channel credentials; insecure (plaintext) by default, as on a single machine. */
  credentials?: ChannelCredentials;
  /** HTTP/2 keepalive ping interval; 30 s by default, the apiserver's own interval. */
  keepaliveTimeMs?: number;
  /** How long a keepalive ping may go unanswered before the connection counts as dead; 10 s. */
  keepaliveTimeoutMs?: number;
  /** Deadline of every unary call unless the call says otherwise; 60 s by default, 0 for none. */
  requestTimeoutMs?: number;
  /** Default `fieldManager` of writes, e.g. 'kube-scheduler'; '' lets the server choose. */
  fieldManager?: string;
  /** Extra grpc-js channel options, applied last. */
  channelOptions?: Partial<ClientOptions>;
}

type Unary<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response: Res) => void,
) => { cancel(): void };

const encodeJson = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), 'utf8');

function decodeJson<T>(bytes: Uint8Array): T {
  return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')) as T;
}

function nameOf(obj: unknown): string {
  const name = (obj as { metadata?: { name?: unknown } } | null)?.metadata?.name;
  if (typeof name !== 'string' || name === '') throw new TypeError('object has no metadata.name');
  return name;
}

/**
 * The components' client for the apiserver's gRPC API: every verb for any resource, with API
 * objects as plain JSON values. A refused call rejects with api-types' `StatusError` (code,
 * reason, message and details of the Status the server sent); a call that never got an answer
 * rejects with a `TransportError`. One client holds one channel, shared by every call and watch;
 * it reconnects by itself, so callers only retry calls.
 */
export class ApiClient {
  private readonly grpc: GrpcApiClient;
  private readonly requestTimeoutMs: number;
  private readonly fieldManager: string;

  constructor(options: ApiClientOptions) {
    if (!options.master || !/^[^\s/]+:\d+$/.test(options.master)) {
      throw new TypeError(`master must be host:port, got ${JSON.stringify(options.master)}`);
    }
    this.requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
    this.fieldManager = options.fieldManager ?? '';
    this.grpc = new GrpcApiClient(options.master, options.credentials ?? grpcCredentials.createInsecure(), {
      'grpc.keepalive_time_ms': options.keepaliveTimeMs ?? 30_000,
      'grpc.keepalive_timeout_ms': options.keepaliveTimeoutMs ?? 10_000,
      // Informers keep watches open for minutes with nothing to say; pings must still flow.
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.max_receive_message_length': 64 * 1024 * 1024,
      ...options.channelOptions,
    });
  }

  /** Reads one object (or subresource). NotFound when it does not exist. */
  async get<T = KubeObject>(gvr: GroupVersionResource, namespace: string, name: string, options: GetOptions = {}): Promise<T> {
    const res = await this.call(this.grpc.get, { gvr, namespace, name, subresource: options.subresource ?? '', resourceVersion: options.resourceVersion ?? '' }, options);
    return decodeJson<T>(res.object);
  }

  /** Reads one page of a collection; namespace '' lists all namespaces. */
  async list<T = KubeObject>(gvr: GroupVersionResource, namespace: string, options: ListOptions = {}): Promise<ListResult<T>> {
    const res = await this.call(
      this.grpc.list,
      {
        gvr,
        namespace,
        options: {
          labelSelector: options.labelSelector ?? '',
          fieldSelector: options.fieldSelector ?? '',
          limit: options.limit ?? 0,
          continue: options.continue ?? '',
          resourceVersion: options.resourceVersion ?? '',
          resourceVersionMatch: options.resourceVersionMatch ?? '',
          allowWatchBookmarks: false,
        },
      },
      options,
    );
    return {
      items: res.items.map((b) => decodeJson<T>(b)),
      resourceVersion: res.resourceVersion,
      continue: res.continue,
      ...(res.remainingItemCount === undefined ? {} : { remainingItemCount: res.remainingItemCount }),
    };
  }

  /** Stores a new object; not idempotent (AlreadyExists the second time). Returns it as stored. */
  async create<T = KubeObject>(gvr: GroupVersionResource, namespace: string, obj: T, options: WriteOptions = {}): Promise<T> {
    const res = await this.call(this.grpc.create, { gvr, namespace, object: encodeJson(obj), ...this.writeFields(options) }, options);
    return decodeJson<T>(res.object);
  }

  /**
   * Replaces the object named by `obj.metadata.name`. With `metadata.resourceVersion` set this is a
   * compare-and-swap (Conflict when the stored object moved on).
   */
  async update<T = KubeObject>(gvr: GroupVersionResource, namespace: string, obj: T, options: UpdateOptions = {}): Promise<T> {
    const res = await this.call(
      this.grpc.update,
      { gvr, namespace, name: nameOf(obj), subresource: options.subresource ?? '', object: encodeJson(obj), ...this.writeFields(options) },
      options,
    );
    return decodeJson<T>(res.object);
  }

  /** Replaces the status subresource of `obj` (spec changes are ignored by the server). */
  async updateStatus<T = KubeObject>(gvr: GroupVersionResource, namespace: string, obj: T, options: WriteOptions = {}): Promise<T> {
    const res = await this.call(
      this.grpc.updateStatus,
      { gvr, namespace, name: nameOf(obj), object: encodeJson(obj), ...this.writeFields(options) },
      options,
    );
    return decodeJson<T>(res.object);
  }

  /**
   * Applies a patch of `patchType`. `patch` is sent as is when it is a string or bytes, otherwise
   * as its JSON. Returns the object as stored after the patch.
   */
  async patch<T = KubeObject>(
    gvr: GroupVersionResource,
    namespace: string,
    name: string,
    patchType: PatchType,
    patch: unknown,
    options: PatchOptions = {},
  ): Promise<T> {
    let data: Buffer;
    if (typeof patch === 'string') data = Buffer.from(patch, 'utf8');
    else if (patch instanceof Uint8Array) data = Buffer.from(patch);
    else data = encodeJson(patch);
    const res = await this.call(
      this.grpc.patch,
      {
        gvr,
        namespace,
        name,
        subresource: options.subresource ?? '',
        patchType,
        data,
        ...this.writeFields(options),
        ...(options.force === undefined ? {} : { force: options.force }),
      },
      options,
    );
    return decodeJson<T>(res.object);
  }

  /**
   * Deletes an object. `deleteOptions` is a metav1.DeleteOptions (propagationPolicy,
   * gracePeriodSeconds, preconditions, dryRun). Resolves with what REST answers: the object as it
   * now is, or a Status with status 'Success'.
   */
  async delete<T = KubeObject>(
    gvr: GroupVersionResource,
    namespace: string,
    name: string,
    deleteOptions?: Record<string, unknown>,
    options: CallOptionsBase = {},
  ): Promise<T> {
    const res = await this.call(
      this.grpc.delete,
      { gvr, namespace, name, options: deleteOptions === undefined ? Buffer.alloc(0) : encodeJson(deleteOptions) },
      options,
    );
    return decodeJson<T>(res.object);
  }

  /**
   * Binds a pod to a node (the scheduler's bind). `binding` is a v1 Binding; Conflict when the pod
   * already has a node. Resolves with the Success Status.
   */
  async bind(namespace: string, name: string, binding: unknown, options: WriteOptions = {}): Promise<KubeObject> {
    const res = await this.call(
      this.grpc.bind,
      { namespace, name, binding: encodeJson(binding), dryRun: options.dryRun ?? [], fieldManager: options.fieldManager ?? this.fieldManager },
      options,
    );
    return decodeJson<KubeObject>(res.object);
  }

  /**
   * Opens a watch. The stream starts at once; errors the server knows before streaming (unknown
   * resource, forbidden, ...) surface from the first `next()`.
   */
  watch<T = KubeObject>(gvr: GroupVersionResource, namespace: string, options: WatchOptions = {}): WatchStream<T> {
    const call = this.grpc.watch({
      gvr,
      namespace,
      options: {
        labelSelector: options.labelSelector ?? '',
        fieldSelector: options.fieldSelector ?? '',
        limit: 0,
        continue: '',
        resourceVersion: options.resourceVersion ?? '',
        resourceVersionMatch: options.resourceVersionMatch ?? '',
        allowWatchBookmarks: options.allowWatchBookmarks ?? false,
        ...(options.timeoutSeconds === undefined ? {} : { timeoutSeconds: options.timeoutSeconds }),
        ...(options.sendInitialEvents === undefined ? {} : { sendInitialEvents: options.sendInitialEvents }),
      },
    });
    return new GrpcWatchStream<T>(call, options.signal);
  }

  /** Closes the channel; calls in flight fail with CANCELLED. Idempotent. */
  close(): void {
    this.grpc.close();
  }

  private writeFields(options: WriteOptions) {
    return {
      dryRun: options.dryRun ?? [],
      fieldManager: options.fieldManager ?? this.fieldManager,
      fieldValidation: options.fieldValidation ?? '',
    };
  }

  private call<Req, Res>(method: Unary<Req, Res>, request: Req, options: CallOptionsBase): Promise<Res> {
    const timeoutMs = options.timeoutMs ?? this.requestTimeoutMs;
    const callOptions: Partial<CallOptions> = timeoutMs > 0 ? { deadline: Date.now() + timeoutMs } : {};
    const signal = options.signal;
    return new Promise<Res>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new TransportError(GrpcCode.CANCELLED, 'call cancelled before it started'));
        return;
      }
      const onAbort = () => call.cancel();
      const call = method.call(this.grpc, request, new Metadata(), callOptions, (err, res) => {
        signal?.removeEventListener('abort', onAbort);
        if (err) reject(errorFromGrpc(err));
        else resolve(res);
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
