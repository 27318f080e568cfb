import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { realClock, type Clock, type Timer } from '@tskube/client';
import { cri } from '@tskube/proto';
import { CriError } from '../errors';
import type { CallOptions, CriInput, ExecSyncResult, ImageManagerService, RuntimeService } from '../services';
import { behaviourOf, type ContainerBehaviour } from './behaviour';
import { FakeImageStore, parseImageReference, type FakeImage, type FakeImageSeed } from './images';
import { IpPool } from './ip-pool';
import { appendLog, criLogLines } from './log-file';
import { TimerQueue } from './timer-queue';

const { ContainerState, PodSandboxState, NamespaceMode } = cri;
type ContainerState = cri.ContainerState;
type PodSandboxState = cri.PodSandboxState;

/** Exit code of a container killed with SIGKILL (128 + 9), as runc reports it. */
export const KILLED_EXIT_CODE = 137;

/** containerd's default bridge subnet, used until UpdateRuntimeConfig names the node's pod CIDR. */
export const DEFAULT_FAKE_POD_CIDR = '10.88.0.0/16';

export interface FakeRuntimeOptions {
  /** Milliseconds StartContainer takes before the container is RUNNING; 0 by default. */
  startDelayMs?: number;
  /** Milliseconds a container that honours its stop signal takes to exit; 0 by default. */
  stopDelayMs?: number;
  /** The pod CIDR before UpdateRuntimeConfig sets one; DEFAULT_FAKE_POD_CIDR by default. */
  podCIDR?: string;
  /** Images present from the start; tools/images' set by default. */
  images?: readonly FakeImageSeed[];
  /**
   * Whether every valid image name not containing `notfound` counts as present without a pull
   * (true by default, so hollow kubelets never wait for one); false keeps only seeded and pulled ones.
   */
  imagesAlwaysPresent?: boolean;
  /** Answers ExecSync for running containers; exit 0 with no output by default. */
  exec?: (containerId: string, cmd: string[]) => ExecSyncResult | Promise<ExecSyncResult>;
  /** VersionResponse.runtimeName and runtimeVersion; `fakeRuntime` and `0.1.0` by default. */
  runtimeName?: string;
  runtimeVersion?: string;
  clock?: Clock;
}

interface Sandbox {
  id: string;
  name: string;
  metadata: cri.PodSandboxMetadata;
  state: PodSandboxState;
  createdAt: bigint;
  ip: string;
  /** The pool `ip` came from, to give it back. */
  pool: IpPool | undefined;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  runtimeHandler: string;
  logDirectory: string;
  namespaceOptions: cri.NamespaceOption | undefined;
  containers: Set<Container>;
}

interface Container {
  id: string;
  name: string;
  sandbox: Sandbox;
  metadata: cri.ContainerMetadata;
  image: cri.ImageSpec;
  imageName: string;
  imageId: string;
  imageDigest: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  mounts: cri.Mount[];
  logPath: string;
  resources: cri.LinuxContainerResources | undefined;
  behaviour: ContainerBehaviour;
  state: ContainerState;
  createdAt: bigint;
  startedAt: bigint;
  finishedAt: bigint;
  exitCode: number;
  reason: string;
  /** The simulated exit, or the kill at the end of a stop's grace period. */
  timer: Timer | undefined;
  /** Stops waiting for the container to exit. */
  waiters: (() => void)[] | undefined;
  /** Clock time by which a stop in progress kills the container. */
  killAt: number | undefined;
}

const stateName: Record<number, string> = {
  [ContainerState.CONTAINER_CREATED]: 'CONTAINER_CREATED',
  [ContainerState.CONTAINER_RUNNING]: 'CONTAINER_RUNNING',
  [ContainerState.CONTAINER_EXITED]: 'CONTAINER_EXITED',
  [ContainerState.CONTAINER_UNKNOWN]: 'CONTAINER_UNKNOWN',
};

const codeName: Record<number, string> = {
  [GrpcStatus.NOT_FOUND]: 'NotFound',
  [GrpcStatus.INVALID_ARGUMENT]: 'InvalidArgument',
  [GrpcStatus.UNKNOWN]: 'Unknown',
  [GrpcStatus.UNIMPLEMENTED]: 'Unimplemented',
  [GrpcStatus.CANCELLED]: 'Cancelled',
};

/** A failure shaped as CriClient reports the same failure from containerd. */
function failure(method: string, code: number, details: string): CriError {
  return new CriError(code, `${method}: ${codeName[code] ?? 'Unknown'}: ${details}`, { method });
}

const newId = (): string => randomBytes(32).toString('hex');

function matchesLabels(labels: Record<string, string>, selector: Record<string, string> | undefined): boolean {
  if (selector === undefined) return true;
  for (const key in selector) if (labels[key] !== selector[key]) return false;
  return true;
}

/**
 * A container runtime that runs nothing: sandboxes and containers live in memory, with the state
 * machine, errors and timings of containerd's CRI plugin close enough that the kubelet's real
 * pod lifecycle runs over it unchanged. Hollow kubelets use it to put a thousand nodes in one
 * process (kubemark's fake remote runtime plays the same part upstream).
 *
 * - RunPodSandbox gives each sandbox an IP from the pod CIDR (UpdateRuntimeConfig's, else
 *   DEFAULT_FAKE_POD_CIDR), none for host-network sandboxes, and reserves its name
 *   (`k8s_POD_<pod>_<namespace>_<uid>_<attempt>`) as containerd does, so a kubelet that retries
 *   without bumping the attempt is refused just the same.
 * - Containers go CREATED, then RUNNING `startDelayMs` after StartContainer, then EXITED: when
 *   stopped (0 if the stop signal is honoured, 137 when killed), or on their own as the pod asks
 *   (see behaviour.ts: exit code and delay from the container's environment or a pod annotation).
 * - With a sandbox log directory and a container log path, the log file is created on start and
 *   receives the container's simulated output in the CRI log format.
 * - Unknown IDs fail with NotFound (IDs may be abbreviated to a unique prefix, as with
 *   containerd); Remove* of unknown IDs succeed.
 *
 * All pending deadlines share one clock timer. `close()` cancels them.
 */
export class FakeRuntime implements RuntimeService, ImageManagerService {
  readonly images: FakeImageStore;
  private readonly sandboxes = new Map<string, Sandbox>();
  private readonly containers = new Map<string, Container>();
  /** Reserved sandbox and container names, to the ID holding each. */
  private readonly names = new Map<string, string>();
  private readonly timers: TimerQueue;
  private readonly clock: Clock;
  private readonly startDelayMs: number;
  private readonly stopDelayMs: number;
  private readonly imagesAlwaysPresent: boolean;
  private readonly execHandler: FakeRuntimeOptions['exec'];
  private readonly runtimeName: string;
  private readonly runtimeVersion: string;
  private pool: IpPool;
  private readonly conditions = new Map<string, cri.RuntimeCondition>([
    ['RuntimeReady', { type: 'RuntimeReady', status: true, reason: '', message: '' }],
    ['NetworkReady', { type: 'NetworkReady', status: true, reason: '', message: '' }],
  ]);
  private lastNs = 0n;
  private readonly pendingWrites = new Set<Promise<void>>();

  constructor(options: FakeRuntimeOptions = {}) {
    const nonNegative = (v: number | undefined, what: string) => {
      if (v !== undefined && !(Number.isFinite(v) && v >= 0)) throw new RangeError(`${what} must be >= 0, got ${v}`);
      return v ?? 0;
    };
    this.startDelayMs = nonNegative(options.startDelayMs, 'startDelayMs');
    this.stopDelayMs = nonNegative(options.stopDelayMs, 'stopDelayMs');
    this.clock = options.clock ?? realClock;
    this.timers = new TimerQueue(this.clock);
    this.pool = new IpPool(options.podCIDR ?? DEFAULT_FAKE_POD_CIDR);
    this.images = new FakeImageStore(options.images);
    this.imagesAlwaysPresent = options.imagesAlwaysPresent ?? true;
    this.execHandler = options.exec;
    this.runtimeName = options.runtimeName ?? 'fakeRuntime';
    this.runtimeVersion = options.runtimeVersion ?? '0.1.0';
  }

  // Simulation controls, for tests and hollow-node drivers.

  /** Sets one of the runtime's Status conditions (RuntimeReady, NetworkReady). */
  setCondition(type: string, status: boolean, reason = '', message = ''): void {
    this.conditions.set(type, { type, status, reason, message });
  }

  /** Makes a running container exit now with `exitCode`, as if its process ended (a crash). */
  exitContainer(containerId: string, exitCode: number): void {
    const c = this.lookupContainer('exitContainer', containerId);
    if (c.state === ContainerState.CONTAINER_RUNNING) this.finish(c, exitCode);
  }

  /** Sandboxes and containers held, and deadlines pending. */
  counts(): { sandboxes: number; containers: number; running: number; timers: number } {
    let running = 0;
    for (const c of this.containers.values()) if (c.state === ContainerState.CONTAINER_RUNNING) running++;
    return { sandboxes: this.sandboxes.size, containers: this.containers.size, running, timers: this.timers.size };
  }

  /** The pod CIDR sandbox IPs come from. */
  get podCIDR(): string {
    return this.pool.cidr;
  }

  /** Resolves once the log and termination-message writes started so far have finished. */
  async flush(): Promise<void> {
    while (this.pendingWrites.size > 0) await Promise.allSettled([...this.pendingWrites]);
  }

  /** Cancels every pending deadline (start delays, simulated exits, stop grace periods). Idempotent. */
  close(): void {
    this.timers.close();
    for (const c of this.containers.values()) this.release(c);
  }

  // RuntimeVersioner

  async version(apiVersion = '0.1.0', options?: CallOptions): Promise<cri.VersionResponse> {
    this.begin('RuntimeService/Version', options);
    return { version: apiVersion, runtimeName: this.runtimeName, runtimeVersion: this.runtimeVersion, runtimeApiVersion: 'v1' };
  }

  // PodSandboxManager

  async runPodSandbox(config: CriInput<cri.PodSandboxConfig>, runtimeHandler = '', options?: CallOptions): Promise<string> {
    const method = 'RuntimeService/RunPodSandbox';
    this.begin(method, options);
    const md = config.metadata;
    if (md === undefined || !md.name || !md.namespace || !md.uid) {
      throw failure(method, GrpcStatus.INVALID_ARGUMENT, 'sandbox config must include metadata with name, namespace and uid');
    }
    const metadata: cri.PodSandboxMetadata = { name: md.name, namespace: md.namespace, uid: md.uid, attempt: md.attempt ?? 0 };
    const id = newId();
    const name = ['k8s', 'POD', metadata.name, metadata.namespace, metadata.uid, metadata.attempt].join('_');
    this.reserve(method, 'sandbox', name, id);
    const ns = config.linux?.securityContext?.namespaceOptions;
    const namespaceOptions = ns === undefined ? undefined : cri.NamespaceOption.fromPartial(ns);
    let ip = '';
    let pool: IpPool | undefined;
    if (namespaceOptions?.network !== NamespaceMode.NODE) {
      const got = this.pool.allocate();
      if (got === undefined) {
        this.names.delete(name);
        throw failure(
          method,
          GrpcStatus.UNKNOWN,
          `failed to setup network for sandbox "${id}": plugin type="bridge" failed (add): failed to allocate for range 0: no IP addresses available in range set: ${this.pool.describeRange()}`,
        );
      }
      ip = got;
      pool = this.pool;
    }
    this.sandboxes.set(id, {
      id,
      name,
      metadata,
      state: PodSandboxState.SANDBOX_READY,
      createdAt: this.nowNs(),
      ip,
      pool,
      labels: copyMap(config.labels),
      annotations: copyMap(config.annotations),
      runtimeHandler,
      logDirectory: config.logDirectory ?? '',
      namespaceOptions,
      containers: new Set(),
    });
    return id;
  }

  async stopPodSandbox(podSandboxId: string, options?: CallOptions): Promise<void> {
    const method = 'RuntimeService/StopPodSandbox';
    this.begin(method, options);
    const sandbox = this.lookupSandbox(method, podSandboxId);
    for (const c of sandbox.containers) if (c.state === ContainerState.CONTAINER_RUNNING) this.finish(c, KILLED_EXIT_CODE);
    if (sandbox.state === PodSandboxState.SANDBOX_READY) {
      sandbox.state = PodSandboxState.SANDBOX_NOTREADY;
      // Tearing the network down gives the address back; the status keeps showing it.
      if (sandbox.pool !== undefined) sandbox.pool.release(sandbox.ip);
      sandbox.pool = undefined;
    }
  }

  async removePodSandbox(podSandboxId: string, options?: CallOptions): Promise<void> {
    const method = 'RuntimeService/RemovePodSandbox';
    this.begin(method, options);
    const sandbox = this.findSandbox(podSandboxId);
    if (sandbox === undefined) return;
    await this.stopPodSandbox(sandbox.id);
    for (const c of sandbox.containers) this.dropContainer(c);
    this.sandboxes.delete(sandbox.id);
    this.names.delete(sandbox.name);
  }

  async podSandboxStatus(podSandboxId: string, _verbose = false, options?: CallOptions): Promise<cri.PodSandboxStatusResponse> {
    const method = 'RuntimeService/PodSandboxStatus';
    this.begin(method, options);
    const s = this.lookupSandbox(method, podSandboxId);
    return {
      status: {
        id: s.id,
        metadata: { ...s.metadata },
        state: s.state,
        createdAt: s.createdAt,
        network: { ip: s.ip, additionalIps: [] },
        linux: { namespaces: { options: s.namespaceOptions ?? cri.NamespaceOption.fromPartial({}) } },
        labels: { ...s.labels },
        annotations: { ...s.annotations },
        runtimeHandler: s.runtimeHandler,
      },
      info: {},
      containersStatuses: [],
      timestamp: 0n,
    };
  }

  async listPodSandbox(filter?: CriInput<cri.PodSandboxFilter>, options?: CallOptions): Promise<cri.PodSandbox[]> {
    this.begin('RuntimeService/ListPodSandbox', options);
    let candidates: Iterable<Sandbox> = this.sandboxes.values();
    if (filter?.id) {
      const one = this.findSandbox(filter.id);
      candidates = one === undefined ? [] : [one];
    }
    const out: cri.PodSandbox[] = [];
    for (const s of candidates) {
      if (filter?.state != null && s.state !== (filter.state.state ?? PodSandboxState.SANDBOX_READY)) continue;
      if (!matchesLabels(s.labels, filter?.labelSelector as Record<string, string> | undefined)) continue;
      out.push({
        id: s.id,
        metadata: { ...s.metadata },
        state: s.state,
        createdAt: s.createdAt,
        labels: { ...s.labels },
        annotations: { ...s.annotations },
        runtimeHandler: s.runtimeHandler,
      });
    }
    return out;
  }

  async portForward(_request: CriInput<cri.PortForwardRequest>, options?: CallOptions): Promise<cri.PortForwardResponse> {
    return this.unsupported('RuntimeService/PortForward', options);
  }

  // ContainerManager

  async createContainer(
    podSandboxId: string,
    config: CriInput<cri.ContainerConfig>,
    _sandboxConfig: CriInput<cri.PodSandboxConfig>,
    options?: CallOptions,
  ): Promise<string> {
    const method = 'RuntimeService/CreateContainer';
    this.begin(method, options);
    const sandbox = this.findSandbox(podSandboxId);
    if (sandbox === undefined) throw failure(method, GrpcStatus.NOT_FOUND, `failed to find sandbox id "${podSandboxId}": not found`);
    const md = config.metadata;
    if (md === undefined || !md.name) throw failure(method, GrpcStatus.INVALID_ARGUMENT, 'container config must include metadata');
    if (sandbox.state !== PodSandboxState.SANDBOX_READY) {
      throw failure(method, GrpcStatus.UNKNOWN, `failed to create containerd container: sandbox "${sandbox.id}" is not ready`);
    }
    const imageName = config.image?.image ?? '';
    const image = this.resolveImage(imageName);
    if (image === undefined) throw failure(method, GrpcStatus.NOT_FOUND, `failed to resolve image "${imageName}": not found`);
    const metadata: cri.ContainerMetadata = { name: md.name, attempt: md.attempt ?? 0 };
    const id = newId();
    const sm = sandbox.metadata;
    const name = ['k8s', metadata.name, sm.name, sm.namespace, sm.uid, metadata.attempt].join('_');
    this.reserve(method, 'container', name, id);
    const env = (config.envs ?? []).map((e) => ({ key: e?.key ?? '', value: e?.value ?? '' }));
    const c: Container = {
      id,
      name,
      sandbox,
      metadata,
      image: cri.ImageSpec.fromPartial(config.image ?? {}),
      imageName: image.repoTags[0] ?? imageName,
      imageId: image.id,
      imageDigest: image.repoDigests[0] ?? image.id,
      labels: copyMap(config.labels),
      annotations: copyMap(config.annotations),
      mounts: (config.mounts ?? []).map((m) => cri.Mount.fromPartial(m ?? {})),
      logPath: config.logPath && sandbox.logDirectory ? join(sandbox.logDirectory, config.logPath) : '',
      resources: config.linux?.resources === undefined ? undefined : cri.LinuxContainerResources.fromPartial(config.linux.resources),
      behaviour: behaviourOf(metadata.name, env, sandbox.annotations),
      state: ContainerState.CONTAINER_CREATED,
      createdAt: this.nowNs(),
      startedAt: 0n,
      finishedAt: 0n,
      exitCode: 0,
      reason: '',
      timer: undefined,
      waiters: undefined,
      killAt: undefined,
    };
    this.containers.set(id, c);
    sandbox.containers.add(c);
    return id;
  }

  async startContainer(containerId: string, options?: CallOptions): Promise<void> {
    const method = 'RuntimeService/StartContainer';
    this.begin(method, options);
    const c = this.lookupContainer(method, containerId);
    if (c.state !== ContainerState.CONTAINER_CREATED || c.startedAt !== 0n || c.waiters !== undefined) {
      throw failure(method, GrpcStatus.UNKNOWN, `failed to set starting state for container "${c.id}": container is in ${stateName[c.state]} state`);
    }
    if (c.logPath !== '') {
      try {
        await this.track(appendLog(c.logPath, ''));
      } catch (err) {
        throw failure(method, GrpcStatus.UNKNOWN, `failed to start containerd task "${c.id}": failed to open log file "${c.logPath}": ${(err as Error).message}`);
      }
    }
    // Starting: not yet RUNNING, but no second start, and a removal in between is noticed.
    c.waiters = [];
    if (this.startDelayMs > 0) await this.timers.sleep(this.startDelayMs);
    const waiters = c.waiters;
    c.waiters = undefined;
    for (const w of waiters) w();
    if (!this.containers.has(c.id) || c.state !== ContainerState.CONTAINER_CREATED || c.sandbox.state !== PodSandboxState.SANDBOX_READY) {
      throw failure(method, GrpcStatus.UNKNOWN, `failed to start containerd task "${c.id}": container or sandbox was stopped or removed while starting`);
    }
    c.state = ContainerState.CONTAINER_RUNNING;
    c.startedAt = this.nowNs();
    const b = c.behaviour;
    if (c.logPath !== '' && (b.stdout !== '' || b.stderr !== '')) {
      const ms = this.clock.now();
      this.track(appendLog(c.logPath, criLogLines(ms, 'stdout', b.stdout) + criLogLines(ms, 'stderr', b.stderr))).catch(() => undefined);
    }
    if (b.exit !== undefined) {
      const code = b.exit.code;
      c.timer = this.timers.after(b.exit.afterMs, () => {
        c.timer = undefined;
        if (c.state === ContainerState.CONTAINER_RUNNING) this.finish(c, code);
      });
    }
  }

  async stopContainer(containerId: string, timeoutSeconds: number, options?: CallOptions): Promise<void> {
    const method = 'RuntimeService/StopContainer';
    this.begin(method, options);
    if (!Number.isSafeInteger(timeoutSeconds) || timeoutSeconds < 0) throw new RangeError(`timeoutSeconds must be a whole number of seconds >= 0, got ${timeoutSeconds}`);
    const c = this.lookupContainer(method, containerId);
    // A container being started is stopped once it runs; one that never ran stays as it is.
    if (c.state === ContainerState.CONTAINER_CREATED && c.waiters !== undefined) await this.waitFor(c);
    if (c.state !== ContainerState.CONTAINER_RUNNING) return;
    const now = this.clock.now();
    let killAt: number;
    if (timeoutSeconds === 0) killAt = now;
    else if (c.behaviour.ignoreSigterm) killAt = now + timeoutSeconds * 1000;
    else killAt = now + Math.min(this.stopDelayMs, timeoutSeconds * 1000);
    const graceful = timeoutSeconds > 0 && !c.behaviour.ignoreSigterm && this.stopDelayMs < timeoutSeconds * 1000;
    if (c.killAt === undefined || killAt < c.killAt) {
      c.killAt = killAt;
      c.timer?.cancel();
      const code = graceful ? 0 : KILLED_EXIT_CODE;
      if (killAt <= now) this.finish(c, code);
      else
        c.timer = this.timers.at(killAt, () => {
          c.timer = undefined;
          if (c.state === ContainerState.CONTAINER_RUNNING) this.finish(c, code);
        });
    }
    if (c.state === ContainerState.CONTAINER_RUNNING) await this.waitFor(c);
  }

  async removeContainer(containerId: string, options?: CallOptions): Promise<void> {
    this.begin('RuntimeService/RemoveContainer', options);
    const c = this.findContainer(containerId);
    if (c === undefined) return;
    if (c.state === ContainerState.CONTAINER_RUNNING) this.finish(c, KILLED_EXIT_CODE);
    this.dropContainer(c);
  }

  async listContainers(filter?: CriInput<cri.ContainerFilter>, options?: CallOptions): Promise<cri.Container[]> {
    this.begin('RuntimeService/ListContainers', options);
    const out: cri.Container[] = [];
    for (const c of this.filterContainers(filter)) {
      if (filter?.state != null && c.state !== (filter.state.state ?? ContainerState.CONTAINER_CREATED)) continue;
      out.push({
        id: c.id,
        podSandboxId: c.sandbox.id,
        metadata: { ...c.metadata },
        image: { ...c.image, annotations: { ...c.image.annotations } },
        imageRef: c.imageId,
        state: c.state,
        createdAt: c.createdAt,
        labels: { ...c.labels },
        annotations: { ...c.annotations },
        imageId: c.imageId,
      });
    }
    return out;
  }

  async containerStatus(containerId: string, _verbose = false, options?: CallOptions): Promise<cri.ContainerStatusResponse> {
    const method = 'RuntimeService/ContainerStatus';
    this.begin(method, options);
    const c = this.lookupContainer(method, containerId);
    return {
      status: {
        id: c.id,
        metadata: { ...c.metadata },
        state: c.state,
        createdAt: c.createdAt,
        startedAt: c.startedAt,
        finishedAt: c.finishedAt,
        exitCode: c.exitCode,
        image: { ...c.image, image: c.imageName, annotations: { ...c.image.annotations } },
        imageRef: c.imageDigest,
        reason: c.reason,
        message: '',
        labels: { ...c.labels },
        annotations: { ...c.annotations },
        mounts: c.mounts.map((m) => ({ ...m })),
        logPath: c.logPath,
        resources: c.resources === undefined ? undefined : { linux: { ...c.resources } },
        imageId: c.imageId,
      },
      info: {},
    };
  }

  async updateContainerResources(
    containerId: string,
    resources: CriInput<cri.LinuxContainerResources> | undefined,
    _annotations?: Record<string, string>,
    options?: CallOptions,
  ): Promise<void> {
    const method = 'RuntimeService/UpdateContainerResources';
    this.begin(method, options);
    const c = this.lookupContainer(method, containerId);
    if (c.state !== ContainerState.CONTAINER_RUNNING && c.state !== ContainerState.CONTAINER_CREATED) {
      throw failure(method, GrpcStatus.UNKNOWN, `failed to update resources: container is in ${stateName[c.state]} state`);
    }
    if (resources !== undefined) c.resources = cri.LinuxContainerResources.fromPartial(resources);
  }

  async reopenContainerLog(containerId: string, options?: CallOptions): Promise<void> {
    const method = 'RuntimeService/ReopenContainerLog';
    this.begin(method, options);
    const c = this.lookupContainer(method, containerId);
    if (c.state !== ContainerState.CONTAINER_RUNNING) throw failure(method, GrpcStatus.UNKNOWN, 'container is not running');
    if (c.logPath !== '') await this.track(appendLog(c.logPath, ''));
  }

  async execSync(containerId: string, cmd: string[], _timeoutSeconds: number, options?: CallOptions): Promise<ExecSyncResult> {
    const method = 'RuntimeService/ExecSync';
    this.begin(method, options);
    const c = this.lookupContainer(method, containerId);
    if (c.state !== ContainerState.CONTAINER_RUNNING) {
      throw failure(method, GrpcStatus.UNKNOWN, `failed to exec in container: container is in ${stateName[c.state]} state`);
    }
    if (this.execHandler !== undefined) return this.execHandler(c.id, [...cmd]);
    return { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), exitCode: 0 };
  }

  async exec(_request: CriInput<cri.ExecRequest>, options?: CallOptions): Promise<cri.ExecResponse> {
    return this.unsupported('RuntimeService/Exec', options);
  }

  async attach(_request: CriInput<cri.AttachRequest>, options?: CallOptions): Promise<cri.AttachResponse> {
    return this.unsupported('RuntimeService/Attach', options);
  }

  // ContainerStatsManager

  async containerStats(containerId: string, options?: CallOptions): Promise<cri.ContainerStats | undefined> {
    const method = 'RuntimeService/ContainerStats';
    this.begin(method, options);
    return this.statsOf(this.lookupContainer(method, containerId));
  }

  async listContainerStats(filter?: CriInput<cri.ContainerStatsFilter>, options?: CallOptions): Promise<cri.ContainerStats[]> {
    this.begin('RuntimeService/ListContainerStats', options);
    const out: cri.ContainerStats[] = [];
    for (const c of this.filterContainers(filter)) if (c.state === ContainerState.CONTAINER_RUNNING) out.push(this.statsOf(c));
    return out;
  }

  // RuntimeService

  async updateRuntimeConfig(runtimeConfig: CriInput<cri.RuntimeConfig>, options?: CallOptions): Promise<void> {
    const method = 'RuntimeService/UpdateRuntimeConfig';
    this.begin(method, options);
    const cidr = runtimeConfig.networkConfig?.podCidr ?? '';
    // Dual-stack: the first CIDR is the one addresses come from.
    const first = cidr.split(',')[0]!.trim();
    if (first === '' || first === this.pool.cidr) return;
    try {
      this.pool = new IpPool(first);
    } catch (err) {
      throw failure(method, GrpcStatus.INVALID_ARGUMENT, `invalid pod CIDR "${cidr}": ${(err as Error).message}`);
    }
  }

  async status(_verbose = false, options?: CallOptions): Promise<cri.StatusResponse> {
    this.begin('RuntimeService/Status', options);
    return {
      status: { conditions: [...this.conditions.values()].map((c) => ({ ...c })) },
      info: {},
      runtimeHandlers: [{ name: '', features: { recursiveReadOnlyMounts: false, userNamespaces: false } }],
    };
  }

  // ImageManagerService

  async listImages(filter?: CriInput<cri.ImageFilter>, options?: CallOptions): Promise<cri.Image[]> {
    this.begin('ImageService/ListImages', options);
    const wanted = filter?.image?.image;
    if (wanted) {
      const image = this.resolveImage(wanted);
      return image === undefined ? [] : [FakeImageStore.toCri(image)];
    }
    return this.images.list().map((i) => FakeImageStore.toCri(i));
  }

  async imageStatus(image: CriInput<cri.ImageSpec>, _verbose = false, options?: CallOptions): Promise<cri.ImageStatusResponse> {
    this.begin('ImageService/ImageStatus', options);
    const found = this.resolveImage(image.image ?? '');
    return { ...(found === undefined ? {} : { image: FakeImageStore.toCri(found) }), info: {} };
  }

  async pullImage(
    image: CriInput<cri.ImageSpec>,
    _auth?: CriInput<cri.AuthConfig>,
    _sandboxConfig?: CriInput<cri.PodSandboxConfig>,
    options?: CallOptions,
  ): Promise<string> {
    const method = 'ImageService/PullImage';
    this.begin(method, options);
    const name = image.image ?? '';
    const ref = parseImageReference(name);
    if (ref === undefined) throw failure(method, GrpcStatus.UNKNOWN, `failed to pull and unpack image "${name}": failed to resolve reference "${name}": invalid reference format`);
    const canonical = ref.digest !== undefined ? `${ref.repository}@${ref.digest}` : `${ref.repository}:${ref.tag}`;
    if (name.includes('notfound')) {
      throw failure(method, GrpcStatus.NOT_FOUND, `failed to pull and unpack image "${canonical}": failed to resolve reference "${canonical}": ${canonical}: not found`);
    }
    return this.images.add(name).id;
  }

  async removeImage(image: CriInput<cri.ImageSpec>, options?: CallOptions): Promise<void> {
    this.begin('ImageService/RemoveImage', options);
    this.images.remove(image.image ?? '');
  }

  async imageFsInfo(options?: CallOptions): Promise<cri.ImageFsInfoResponse> {
    this.begin('ImageService/ImageFsInfo', options);
    const used = this.images.list().reduce((n, i) => n + i.size, 0);
    return {
      imageFilesystems: [
        {
          timestamp: this.nowNs(),
          fsId: { mountpoint: '/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs' },
          usedBytes: { value: BigInt(used) },
          inodesUsed: { value: BigInt(this.images.list().length * 100) },
        },
      ],
      containerFilesystems: [],
    };
  }

  // Internals

  /** Refuses a call whose signal already aborted, as a cancelled gRPC call fails. */
  private begin(method: string, options: CallOptions | undefined): void {
    if (options?.signal?.aborted) throw failure(method, GrpcStatus.CANCELLED, 'call aborted before it started');
  }

  private unsupported(method: string, options: CallOptions | undefined): never {
    this.begin(method, options);
    throw failure(method, GrpcStatus.UNIMPLEMENTED, `${method.split('/')[1]} is not supported by the fake runtime: its containers run no processes`);
  }

  /** A strictly increasing time in ns since the epoch, so creation order survives equal clocks. */
  private nowNs(): bigint {
    const ns = BigInt(this.clock.now()) * 1_000_000n;
    this.lastNs = ns > this.lastNs ? ns : this.lastNs + 1n;
    return this.lastNs;
  }

  private reserve(method: string, kind: 'sandbox' | 'container', name: string, id: string): void {
    const holder = this.names.get(name);
    if (holder !== undefined) throw failure(method, GrpcStatus.UNKNOWN, `failed to reserve ${kind} name "${name}": name "${name}" is reserved for "${holder}"`);
    this.names.set(name, id);
  }

  private resolveImage(name: string): FakeImage | undefined {
    const found = this.images.find(name);
    if (found !== undefined || !this.imagesAlwaysPresent || name.includes('notfound') || name.startsWith('sha256:')) return found;
    return parseImageReference(name) === undefined ? undefined : this.images.add(name);
  }

  /** By full ID, else by a unique ID prefix (containerd's truncated-index lookup). */
  private findById<T>(map: Map<string, T>, id: string): T | undefined {
    const exact = map.get(id);
    if (exact !== undefined || id === '') return exact;
    let found: T | undefined;
    for (const [key, value] of map) {
      if (!key.startsWith(id)) continue;
      if (found !== undefined) return undefined;
      found = value;
    }
    return found;
  }

  private findSandbox(id: string): Sandbox | undefined {
    return this.findById(this.sandboxes, id);
  }

  private findContainer(id: string): Container | undefined {
    return this.findById(this.containers, id);
  }

  private lookupSandbox(method: string, id: string): Sandbox {
    const s = this.findSandbox(id);
    if (s === undefined) throw failure(method, GrpcStatus.NOT_FOUND, `an error occurred when try to find sandbox "${id}": not found`);
    return s;
  }

  private lookupContainer(method: string, id: string): Container {
    const c = this.findContainer(id);
    if (c === undefined) throw failure(method, GrpcStatus.NOT_FOUND, `an error occurred when try to find container "${id}": not found`);
    return c;
  }

  private *filterContainers(filter: { id?: string; podSandboxId?: string; labelSelector?: Record<string, string | undefined> } | undefined): Iterable<Container> {
    let candidates: Iterable<Container> = this.containers.values();
    if (filter?.id) {
      const one = this.findContainer(filter.id);
      candidates = one === undefined ? [] : [one];
    } else if (filter?.podSandboxId) {
      const sandbox = this.findSandbox(filter.podSandboxId);
      candidates = sandbox === undefined ? [] : sandbox.containers;
    }
    for (const c of candidates) {
      if (filter?.podSandboxId && !c.sandbox.id.startsWith(filter.podSandboxId)) continue;
      if (!matchesLabels(c.labels, filter?.labelSelector as Record<string, string> | undefined)) continue;
      yield c;
    }
  }

  /** The container's process ended with `exitCode`. */
  private finish(c: Container, exitCode: number): void {
    c.timer?.cancel();
    c.timer = undefined;
    c.killAt = undefined;
    c.state = ContainerState.CONTAINER_EXITED;
    c.exitCode = exitCode;
    c.reason = exitCode === 0 ? 'Completed' : 'Error';
    c.finishedAt = this.nowNs();
    const message = c.behaviour.terminationMessage;
    if (message !== undefined) {
      const path = c.annotations['io.kubernetes.container.terminationMessagePath'] || '/dev/termination-log';
      const mount = c.mounts.find((m) => m.containerPath === path);
      if (mount !== undefined && mount.hostPath !== '') this.track(writeFile(mount.hostPath, message)).catch(() => undefined);
    }
    const waiters = c.waiters;
    c.waiters = undefined;
    if (waiters !== undefined) for (const w of waiters) w();
  }

  private waitFor(c: Container): Promise<void> {
    return new Promise((resolve) => (c.waiters ??= []).push(resolve));
  }

  private release(c: Container): void {
    c.timer?.cancel();
    c.timer = undefined;
    const waiters = c.waiters;
    c.waiters = undefined;
    if (waiters !== undefined) for (const w of waiters) w();
  }

  private dropContainer(c: Container): void {
    this.release(c);
    this.containers.delete(c.id);
    c.sandbox.containers.delete(c);
    this.names.delete(c.name);
  }

  private statsOf(c: Container): cri.ContainerStats {
    const now = this.nowNs();
    const runningNs = c.startedAt === 0n ? 0n : (c.finishedAt === 0n ? now : c.finishedAt) - c.startedAt;
    return {
      attributes: { id: c.id, metadata: { ...c.metadata }, labels: { ...c.labels }, annotations: { ...c.annotations } },
      // A simulated container idles at one millicore and a few MiB.
      cpu: { timestamp: now, usageCoreNanoSeconds: { value: runningNs / 1000n }, usageNanoCores: { value: 1_000_000n } },
      memory: {
        timestamp: now,
        workingSetBytes: { value: 4n * 1024n * 1024n },
        availableBytes: { value: 0n },
        usageBytes: { value: 4n * 1024n * 1024n },
        rssBytes: { value: 2n * 1024n * 1024n },
        pageFaults: { value: 0n },
        majorPageFaults: { value: 0n },
      },
      writableLayer: { timestamp: now, fsId: { mountpoint: '/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs' }, usedBytes: { value: 4096n }, inodesUsed: { value: 1n } },
    };
  }

  private track<T>(p: Promise<T>): Promise<T> {
    const settled = p.then(
      () => undefined,
      () => undefined,
    );
    this.pendingWrites.add(settled);
    void settled.then(() => this.pendingWrites.delete(settled));
    return p;
  }
}

function copyMap(m: Record<string, string | undefined> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (m !== undefined) for (const k in m) out[k] = m[k] ?? '';
  return out;
}
