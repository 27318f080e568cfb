import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { corev1 } from '@tskube/api-types';
import { parseTime } from '@tskube/client';
import type { Logger } from '@tskube/component';
import type { cri } from '@tskube/proto';
import { isCriNotFound, type ImageManagerService, type RuntimeService } from '../cri';
import { EnvError, expandContainerCommand, makeEnvironment, type EnvContext, type EnvSources } from '../env';
import type { DNSSettings } from '../network/dns';
import { hostNetworkHostsFile, managedHostsFile, podHostDomain, podHostname } from '../network/hosts';
import { containerConfig } from '../runtime/container-config';
import { HookRunner } from '../runtime/hooks';
import { criErrorText, ImageError, ImageManager } from '../runtime/images';
import { containerHash, formatPod } from '../runtime/labels';
import { ContainerRunState, type ContainerStatus as RuntimeContainer, type PodRuntimeStatus, RuntimeStatusReader } from '../runtime/runtime-status';
import { podLogDirectory, sandboxConfig } from '../runtime/sandbox-config';
import { Backoff, formatGoDuration } from './backoff';
import type { PodProber, PodVolumes } from './deps';
import { PodDirs, removePodCgroups } from './pod-dirs';
import { generatePodStatus, isSidecar, shouldContainerBeRestarted, type WaitingReason } from './status';
import type { StatusManager } from './status-manager';

/** Records an event about the pod, or one of its containers when `fieldPath` is set. */
export type PodEventRecorder = (pod: corev1.Pod, fieldPath: string | undefined, type: 'Normal' | 'Warning', reason: string, message: string) => void;

export interface PodSyncerOptions {
  runtime: RuntimeService & ImageManagerService;
  volumes: PodVolumes;
  prober: PodProber;
  envSources: EnvSources;
  statusManager: StatusManager;
  recordEvent: PodEventRecorder;
  logger: Logger;
  nodeName: string;
  rootDir: string;
  podLogsDir: string;
  dns: DNSSettings;
  clusterDomain: string;
  /** The node's memory in bytes, for Burstable containers' OOM score. */
  memoryCapacity: number;
  /** The node's IPs, primary first (status.hostIPs). */
  hostIPs(): string[];
  /** The node's allocatable resources, for resourceFieldRef env vars. */
  nodeAllocatable(): Record<string, string> | undefined;
  /** The runtime's network condition; a pod network sandbox waits for it. */
  networkReady(): Promise<{ ready: boolean; message: string }>;
  /** The host's /etc/hosts, for host-network pods. */
  hostHostsFile?: string;
  now?: () => number;
  /** Crash-loop back-off: 10 s doubling to 5 min, as the kubelet's. */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
}

/** What a sync asks of its worker. */
export interface SyncResult {
  /** Sync again after this long at the latest (a back-off ending, a retry). */
  requeueAfterMs?: number;
  /** The pod is gone for good: its deletion was confirmed and nothing of it is left. */
  done?: boolean;
}

/** Per-pod memory of the lifecycle between syncs (the kubelet's reason cache, mostly). */
interface PodMemory {
  reasons: Map<string, WaitingReason>;
  /** Container instances the prober has been told about (started here or adopted). */
  announced: Set<string>;
  lastVolumeRefresh: number;
}

const minimumGracePeriodSeconds = 2;
const volumeRefreshMs = 60_000;

function fieldPathOf(name: string, init: boolean): string {
  return init ? `spec.initContainers{${name}}` : `spec.containers{${name}}`;
}

/** The pod's grace period for stopping its containers, as the kubelet computes it. */
export function podGracePeriodSeconds(pod: corev1.Pod): number {
  return pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
}

function isTerminalPhase(phase: string | undefined): boolean {
  return phase === 'Succeeded' || phase === 'Failed';
}

/** The highest `<n>.log` in the container's log directory plus one; 0 when there is none. */
async function restartCountFromLogs(dir: string): Promise<number> {
  try {
    let max = -1;
    for (const f of await readdir(dir)) {
      const m = /^(\d+)\.log$/.exec(f);
      if (m) max = Math.max(max, Number(m[1]));
    }
    return max + 1;
  } catch {
    return 0;
  }
}

/**
 * One pod's lifecycle, one sync at a time (the caller serialises syncs per pod), as the kubelet's
 * SyncPod, SyncTerminatingPod and HandlePodCleanups do it: every sync reads the pod's state from
 * the runtime and moves it one step towards the spec — sandbox, init containers in order,
 * containers, restarts with back-off — then writes the status the result implies.
 */
export class PodSyncer {
  private readonly o: PodSyncerOptions;
  private readonly reader: RuntimeStatusReader;
  private readonly images: ImageManager;
  private readonly hooks: HookRunner;
  private readonly dirs: PodDirs;
  private readonly crashBackoff: Backoff;
  private readonly memory = new Map<string, PodMemory>();
  private readonly pendingCgroups = new Set<string>();
  private readonly lastSeen = new Map<string, PodRuntimeStatus>();
  private readonly now: () => number;

  constructor(options: PodSyncerOptions) {
    this.o = options;
    this.now = options.now ?? Date.now;
    this.reader = new RuntimeStatusReader(options.runtime);
    this.images = new ImageManager(options.runtime, this.now);
    this.hooks = new HookRunner(options.runtime);
    this.dirs = new PodDirs(options.rootDir);
    this.crashBackoff = new Backoff(options.backoffInitialMs ?? 10_000, options.backoffMaxMs ?? 300_000, this.now);
  }

  private memoryOf(uid: string): PodMemory {
    let m = this.memory.get(uid);
    if (!m) {
      m = { reasons: new Map(), announced: new Set(), lastVolumeRefresh: this.now() };
      this.memory.set(uid, m);
    }
    return m;
  }

  /** Reads the pod's state from the runtime and keeps it as the last one seen. */
  private async read(uid: string): Promise<PodRuntimeStatus> {
    const status = await this.reader.podStatus(uid);
    this.lastSeen.set(uid, status);
    return status;
  }

  /** The pod's state in the runtime as the last sync saw it (a second old at most while PLEG runs). */
  lastRuntimeStatus(uid: string): PodRuntimeStatus | undefined {
    return this.lastSeen.get(uid);
  }

  /** Moves a pod the apiserver still has one step towards its spec, or through termination if it is being deleted. */
  async sync(pod: corev1.Pod): Promise<SyncResult> {
    if (pod.metadata?.deletionTimestamp) return this.terminate(pod);
    const uid = pod.metadata?.uid ?? '';
    const mem = this.memoryOf(uid);
    let runtime = await this.read(uid);

    if (isTerminalPhase(pod.status?.phase)) {
      // Done for good: nothing runs again, whatever the restart policy says.
      await this.stopPod(pod, runtime, podGracePeriodSeconds(pod));
      await this.writeStatus(pod, await this.read(uid), true);
      return {};
    }
    this.o.prober.addPod(pod);

    // activeDeadlineSeconds: past it, the kubelet fails the pod and stops what runs.
    const deadline = pod.spec?.activeDeadlineSeconds;
    const started = parseTime(pod.status?.startTime);
    if (deadline !== undefined && started !== undefined && this.now() - started >= deadline * 1000) {
      const failure = { reason: 'DeadlineExceeded', message: 'Pod was active on the node longer than the specified deadline' };
      this.o.recordEvent(pod, undefined, 'Warning', failure.reason, failure.message);
      await this.stopPod(pod, runtime, podGracePeriodSeconds(pod));
      await this.writeStatus(pod, await this.read(uid), true, failure);
      return {};
    }
    const untilDeadline = deadline !== undefined && started !== undefined ? started + deadline * 1000 - this.now() : undefined;

    try {
      await this.o.volumes.setUpPod(pod);
      if (this.now() - mem.lastVolumeRefresh > volumeRefreshMs) {
        mem.lastVolumeRefresh = this.now();
        await this.o.volumes.refreshPod(pod);
      }
    } catch (err) {
      this.o.recordEvent(pod, undefined, 'Warning', 'FailedMount', (err as Error).message);
      await this.writeStatus(pod, runtime, false);
      return { requeueAfterMs: 5_000 };
    }

    const policy = pod.spec?.restartPolicy ?? 'Always';
    let requeue: number | undefined;
    const requeueAfter = (ms: number | undefined) => {
      if (ms !== undefined) requeue = requeue === undefined ? Math.max(ms, 100) : Math.min(requeue, Math.max(ms, 100));
    };

    // The sandbox: the newest one, if it is still ready; otherwise a new one, and everything restarts.
    const latest = runtime.sandboxes[0];
    if (!latest?.ready) {
      if (latest && policy === 'Never' && runtime.containers.length > 0) {
        await this.stopPod(pod, runtime, podGracePeriodSeconds(pod));
        await this.writeStatus(pod, await this.read(uid), true);
        return {};
      }
      const created = await this.createSandbox(pod, runtime);
      if (created !== undefined) {
        await this.writeStatus(pod, runtime, false);
        return { requeueAfterMs: created };
      }
      runtime = await this.read(uid);
    }
    const sandbox = runtime.sandboxes[0]!;
    const podIPs = pod.spec?.hostNetwork ? this.o.hostIPs() : sandbox.ips;
    const sbConfig = sandboxConfig(pod, sandbox.attempt, { podLogsDir: this.o.podLogsDir, dns: this.o.dns, clusterDomain: this.o.clusterDomain }).config;
    await this.writeHostsFile(pod, podIPs);

    // Containers that must stop: from an older sandbox, unknown to the spec, changed, or unhealthy.
    const specNames = new Set((pod.spec?.containers ?? []).map((c) => `c/${c.name}`).concat((pod.spec?.initContainers ?? []).map((c) => `i/${c.name}`)));
    let killed = false;
    for (const c of runtime.containers) {
      if (c.state !== ContainerRunState.Running) continue;
      const spec = this.specOf(pod, c);
      if (c.sandboxId !== sandbox.id || !specNames.has(`${c.init ? 'i' : 'c'}/${c.name}`) || !spec) {
        await this.killContainer(pod, spec, c, podGracePeriodSeconds(pod));
        killed = true;
        continue;
      }
      if (c.init && !isSidecar(spec)) continue;
      if (c.hash !== containerHash(spec)) {
        await this.killContainer(pod, spec, c, podGracePeriodSeconds(pod), `Container ${spec.name} definition changed, will be restarted`);
        killed = true;
        continue;
      }
      const liveness = this.o.prober.livenessFailed(uid, c.name, c.id);
      if (liveness.failed) {
        const grace = liveness.terminationGracePeriodSeconds ?? podGracePeriodSeconds(pod);
        await this.killContainer(pod, spec, c, grace, liveness.message ?? `Container ${spec.name} failed liveness probe, will be restarted`);
        killed = true;
      }
    }
    if (killed) runtime = await this.read(uid);

    // Running containers the prober does not know yet: adopted after a restart of the kubelet.
    for (const c of runtime.containers) {
      if (c.state !== ContainerRunState.Running || c.sandboxId !== sandbox.id || mem.announced.has(c.id)) continue;
      mem.announced.add(c.id);
      this.o.prober.containerStarted(pod, c.name, c.id, new Date(c.startedAt), podIPs[0]);
    }

    const current = (name: string, init: boolean) => runtime.containers.filter((c) => c.name === name && c.init === init && c.sandboxId === sandbox.id);

    // Init containers one at a time, in order; each must exit 0 before the next starts. A sidecar
    // (restartPolicy Always) only has to have started, and is restarted whenever it stops. Once a
    // container has run in this sandbox the pod is initialized and init containers stay done.
    const regularStarted = (pod.spec?.containers ?? []).some((c) => current(c.name, false).length > 0);
    let initialized = true;
    for (const ic of pod.spec?.initContainers ?? []) {
      const newest = current(ic.name, true)[0];
      if (isSidecar(ic)) {
        if (newest?.state === ContainerRunState.Running) {
          if (regularStarted || this.o.prober.isStarted(uid, ic.name, newest.id)) continue;
          initialized = false;
          break;
        }
        requeueAfter(await this.startContainer(pod, ic, true, runtime, sandbox.id, sbConfig, podIPs, mem));
        if (regularStarted) continue;
        initialized = false;
        break;
      }
      if (regularStarted) continue;
      if (newest?.state === ContainerRunState.Exited && newest.exitCode === 0) continue;
      initialized = false;
      if (newest?.state === ContainerRunState.Running) break;
      if (newest?.state === ContainerRunState.Exited && policy === 'Never') {
        // A failed init container of a pod that never restarts fails the pod.
        await this.stopPod(pod, runtime, podGracePeriodSeconds(pod));
        await this.writeStatus(pod, await this.read(uid), true);
        return {};
      }
      requeueAfter(await this.startContainer(pod, ic, true, runtime, sandbox.id, sbConfig, podIPs, mem));
      break;
    }
    if (initialized) {
      for (const c of pod.spec?.containers ?? []) {
        const newest = current(c.name, false)[0];
        if (newest?.state === ContainerRunState.Running) continue;
        if (newest && !shouldContainerBeRestarted(pod, newest, c)) continue;
        requeueAfter(await this.startContainer(pod, c, false, runtime, sandbox.id, sbConfig, podIPs, mem));
      }
    }

    runtime = await this.read(uid);
    const status = await this.writeStatus(pod, runtime, false);
    if (isTerminalPhase(status.phase)) {
      // Every container has finished and none will restart: the pod is done, its sandbox stops.
      await this.stopPod(pod, runtime, podGracePeriodSeconds(pod));
    } else {
      await this.pruneContainers(runtime, sandbox.id);
    }
    requeueAfter(untilDeadline);
    return requeue === undefined ? {} : { requeueAfterMs: requeue };
  }

  /**
   * Stops a pod that is being deleted: its containers within the grace period (preStop hooks
   * first), then the sandbox; writes the final status, removes what is left of it on the node,
   * and confirms the deletion to the apiserver.
   */
  async terminate(pod: corev1.Pod): Promise<SyncResult> {
    const uid = pod.metadata?.uid ?? '';
    const runtime = await this.read(uid);
    await this.stopPod(pod, runtime, podGracePeriodSeconds(pod));
    const after = await this.read(uid);
    if (after.containers.some((c) => c.state === ContainerRunState.Running)) return { requeueAfterMs: 1000 };
    await this.writeStatus(pod, after, true);
    await this.removePodFromNode(uid, after, pod);
    await this.o.statusManager.confirmDeletion(pod);
    return { done: true };
  }

  /**
   * Removes everything of a pod the apiserver no longer has (deleted while this kubelet was away,
   * or force-deleted): its containers are stopped with the grace period they were started with.
   */
  async cleanupOrphan(uid: string): Promise<void> {
    const runtime = await this.read(uid);
    const running = runtime.containers.filter((c) => c.state === ContainerRunState.Running);
    if (runtime.sandboxes.length === 0 && runtime.containers.length === 0) {
      await this.removePodFromNode(uid, runtime, undefined);
      return;
    }
    this.o.logger.info('removing containers of a pod that no longer exists', { uid, containers: running.length });
    await Promise.all(
      running.map(async (c) => {
        const grace = Math.max(minimumGracePeriodSeconds, c.terminationGracePeriod ?? 30);
        await this.o.runtime.stopContainer(c.id, grace).catch((err: unknown) => {
          if (!isCriNotFound(err)) throw err;
        });
      }),
    );
    await this.removePodFromNode(uid, runtime, undefined);
  }

  /** Forgets what the syncer remembers of a pod that is gone. */
  forget(uid: string): void {
    this.memory.delete(uid);
    this.lastSeen.delete(uid);
    this.images.forgetPod(uid);
    this.crashBackoff.forget((k) => k.includes(`_${uid}_`));
    this.o.statusManager.forget(uid);
  }

  private specOf(pod: corev1.Pod, c: RuntimeContainer): corev1.Container | undefined {
    return (c.init ? pod.spec?.initContainers : pod.spec?.containers)?.find((x) => x.name === c.name);
  }

  /** Creates the pod's sandbox; resolves undefined on success, else after how long to retry. */
  private async createSandbox(pod: corev1.Pod, runtime: PodRuntimeStatus): Promise<number | undefined> {
    const latest = runtime.sandboxes[0];
    if (latest) {
      this.o.recordEvent(pod, undefined, 'Normal', 'SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.');
      await this.stopPod(pod, runtime, podGracePeriodSeconds(pod), false);
    }
    if (!pod.spec?.hostNetwork) {
      const net = await this.o.networkReady();
      if (!net.ready) {
        this.o.recordEvent(pod, undefined, 'Warning', 'NetworkNotReady', `network is not ready: container runtime network not ready: ${net.message}`);
        return 2_000;
      }
    }
    const attempt = latest ? latest.attempt + 1 : 0;
    const { config, dnsWarning } = sandboxConfig(pod, attempt, { podLogsDir: this.o.podLogsDir, dns: this.o.dns, clusterDomain: this.o.clusterDomain });
    if (dnsWarning) this.o.recordEvent(pod, undefined, 'Warning', dnsWarning.reason, dnsWarning.message);
    await mkdir(config.logDirectory!, { recursive: true, mode: 0o755 });
    try {
      await this.o.runtime.runPodSandbox(config);
    } catch (err) {
      this.o.recordEvent(pod, undefined, 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${criErrorText(err)}`);
      return 5_000;
    }
    return undefined;
  }

  private async writeHostsFile(pod: corev1.Pod, podIPs: string[]): Promise<void> {
    const uid = pod.metadata?.uid ?? '';
    let content: string;
    if (pod.spec?.hostNetwork) {
      const host = await readFile(this.o.hostHostsFile ?? '/etc/hosts', 'utf8').catch(() => '');
      content = hostNetworkHostsFile(host, pod.spec.hostAliases);
    } else {
      content = managedHostsFile(podIPs, podHostname(pod), podHostDomain(pod, this.o.clusterDomain), pod.spec?.hostAliases);
    }
    await this.dirs.writeHostsFile(uid, content);
  }

  private envContext(pod: corev1.Pod, podIPs: string[]): EnvContext {
    const hostIPs = this.o.hostIPs();
    const allocatable = this.o.nodeAllocatable();
    return {
      nodeName: this.o.nodeName,
      ...(hostIPs[0] ? { hostIP: hostIPs[0], hostIPs } : {}),
      ...(podIPs[0] ? { podIP: podIPs[0], podIPs } : {}),
      ...(allocatable ? { nodeAllocatable: allocatable } : {}),
      recordEvent: (type, reason, message) => this.o.recordEvent(pod, undefined, type, reason, message),
    };
  }

  private backoffKey(pod: corev1.Pod, container: corev1.Container): string {
    return `${pod.metadata?.name}_${pod.metadata?.namespace}_${pod.metadata?.uid}_${container.name}_${containerHash(container)}`;
  }

  /**
   * Starts one container (startContainer): crash-loop back-off, image, configuration, create,
   * start, postStart hook. A failure is remembered as the container's waiting reason. Resolves
   * when to sync again, if a back-off or retry is pending.
   */
  private async startContainer(
    pod: corev1.Pod,
    container: corev1.Container,
    init: boolean,
    runtime: PodRuntimeStatus,
    sandboxId: string,
    sbConfig: cri.DeepPartial<cri.PodSandboxConfig>,
    podIPs: string[],
    mem: PodMemory,
  ): Promise<number | undefined> {
    const uid = pod.metadata?.uid ?? '';
    const fieldPath = fieldPathOf(container.name, init);
    const event = (type: 'Normal' | 'Warning', reason: string, message: string) => this.o.recordEvent(pod, fieldPath, type, reason, message);
    const fail = (reason: string, message: string) => {
      mem.reasons.set(container.name, { reason, message });
    };
    const history = runtime.containers.filter((c) => c.name === container.name && c.init === init);
    const latest = history[0];
    if (latest?.state === ContainerRunState.Exited) {
      const key = this.backoffKey(pod, container);
      if (this.crashBackoff.isInBackOffSince(key, latest.finishedAt)) {
        event('Warning', 'BackOff', `Back-off restarting failed container ${container.name} in pod ${formatPod(pod)}`);
        fail('CrashLoopBackOff', `back-off ${formatGoDuration(this.crashBackoff.get(key))} restarting failed container=${container.name} pod=${formatPod(pod)}`);
        return this.crashBackoff.until(key, latest.finishedAt) - this.now();
      }
      this.crashBackoff.next(key, latest.finishedAt);
    }

    const image = await this.images.ensureImage(pod, container, sbConfig, event);
    if (!image.ok) {
      event('Warning', 'Failed', `Error: ${image.reason}`);
      fail(image.reason, image.message);
      if (image.reason === ImageError.ImagePullBackOff || image.reason === ImageError.ErrImagePull) {
        const at = this.images.retryAt(pod, container);
        return at === undefined ? 10_000 : at - this.now();
      }
      return 10_000;
    }

    const logDir = podLogDirectory(this.o.podLogsDir, pod);
    const restartCount = latest ? latest.restartCount + 1 : await restartCountFromLogs(join(logDir, container.name));
    let env: { name: string; value: string }[];
    try {
      env = await makeEnvironment(pod, container, this.o.envSources, this.envContext(pod, podIPs));
    } catch (err) {
      const message = err instanceof EnvError ? err.message : (err as Error).message;
      event('Warning', 'Failed', `Error: ${message}`);
      fail('CreateContainerConfigError', message);
      return 10_000;
    }
    const { command, args } = expandContainerCommand(container, env);
    const mounts: cri.DeepPartial<cri.Mount>[] = [...this.o.volumes.mountsFor(pod, container, env)];
    const mountsAt = (path: string) => (container.volumeMounts ?? []).some((m) => m.mountPath === path);
    if ((podIPs.length > 0 || pod.spec?.hostNetwork) && !mountsAt('/etc/hosts')) {
      mounts.push({ hostPath: this.dirs.hostsFile(uid), containerPath: '/etc/hosts' });
    }
    const terminationPath = container.terminationMessagePath ?? '/dev/termination-log';
    if (terminationPath) {
      mounts.push({ hostPath: await this.dirs.newTerminationMessageFile(uid, container.name), containerPath: terminationPath });
    }
    await mkdir(join(logDir, container.name), { recursive: true, mode: 0o755 });
    const config = containerConfig({
      pod,
      container: { ...container, terminationMessagePath: terminationPath },
      init,
      restartCount,
      imageRef: image.imageRef,
      command,
      args,
      env,
      mounts,
      memoryCapacity: this.o.memoryCapacity,
    });
    let id: string;
    try {
      id = await this.o.runtime.createContainer(sandboxId, config, sbConfig);
    } catch (err) {
      const message = (err as Error).message;
      event('Warning', 'Failed', `Error: ${message}`);
      fail('CreateContainerError', message);
      return 10_000;
    }
    event('Normal', 'Created', `Created container: ${container.name}`);
    try {
      await this.o.runtime.startContainer(id);
    } catch (err) {
      const message = (err as Error).message;
      event('Warning', 'Failed', `Error: ${message}`);
      fail('RunContainerError', message);
      return 10_000;
    }
    event('Normal', 'Started', `Started container ${container.name}`);
    mem.reasons.delete(container.name);
    mem.announced.add(id);
    this.o.prober.containerStarted(pod, container.name, id, new Date(this.now()), podIPs[0]);

    const postStart = container.lifecycle?.postStart;
    if (postStart) {
      try {
        await this.hooks.run(pod, container, id, postStart, podIPs[0]);
      } catch (err) {
        this.o.logger.warn('postStart hook failed', { pod: formatPod(pod), container: container.name, err: (err as Error).message });
        event('Warning', 'FailedPostStartHook', 'PostStartHook failed');
        const status = (await this.read(uid)).containers.find((c) => c.id === id);
        if (status) await this.killContainer(pod, container, status, podGracePeriodSeconds(pod), 'FailedPostStartHook');
        fail('PostStartHookError', (err as Error).message);
      }
    }
    return undefined;
  }

  /**
   * Stops one container (killContainer): a Killing event, the preStop hook within the grace
   * period, then StopContainer with what is left of it (at least 2 s; the runtime sends SIGTERM,
   * then SIGKILL).
   */
  private async killContainer(pod: corev1.Pod, spec: corev1.Container | undefined, c: RuntimeContainer, graceSeconds: number, message?: string): Promise<void> {
    const uid = pod.metadata?.uid ?? '';
    const fieldPath = fieldPathOf(c.name, c.init);
    this.o.recordEvent(pod, fieldPath, 'Normal', 'Killing', message ?? `Stopping container ${c.name}`);
    let grace = graceSeconds;
    const preStop = spec?.lifecycle?.preStop;
    if (preStop && grace > 0 && spec) {
      const started = this.now();
      const abort = new AbortController();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.hooks.run(pod, spec, c.id, preStop, pod.status?.podIP, grace, abort.signal).catch((err: unknown) => {
          this.o.logger.warn('preStop hook failed', { pod: formatPod(pod), container: c.name, err: (err as Error).message });
          this.o.recordEvent(pod, fieldPath, 'Warning', 'FailedPreStopHook', 'PreStopHook failed');
        }),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, grace * 1000))),
      ]);
      clearTimeout(timer);
      abort.abort();
      grace -= Math.floor((this.now() - started) / 1000);
    }
    if (grace < minimumGracePeriodSeconds) grace = minimumGracePeriodSeconds;
    try {
      await this.o.runtime.stopContainer(c.id, grace, { timeoutMs: (grace + 120) * 1000 });
    } catch (err) {
      if (!isCriNotFound(err)) throw err;
    }
    this.o.prober.containerStopped(uid, c.name);
  }

  /** Stops every running container of the pod (in parallel) and, unless told not to, its sandboxes. */
  private async stopPod(pod: corev1.Pod, runtime: PodRuntimeStatus, graceSeconds: number, sandboxes = true): Promise<void> {
    if (sandboxes) this.o.prober.stopLivenessAndStartup?.(pod.metadata?.uid ?? '');
    const running = runtime.containers.filter((c) => c.state === ContainerRunState.Running);
    await Promise.all(running.map((c) => this.killContainer(pod, this.specOf(pod, c), c, graceSeconds)));
    if (!sandboxes) return;
    this.o.prober.removePod(pod.metadata?.uid ?? '');
    for (const s of runtime.sandboxes) {
      if (!s.ready) continue;
      await this.o.runtime.stopPodSandbox(s.id).catch((err: unknown) => {
        if (!isCriNotFound(err)) throw err;
      });
    }
  }

  /** Computes the pod's API status from the runtime's state and writes it when it changed. */
  private async writeStatus(pod: corev1.Pod, runtime: PodRuntimeStatus, podIsTerminal: boolean, failure?: { reason: string; message: string }): Promise<corev1.PodStatus> {
    const uid = pod.metadata?.uid ?? '';
    const mem = this.memoryOf(uid);
    const status = generatePodStatus({
      pod,
      runtime,
      reasons: mem.reasons,
      isReady: (name, id) => this.o.prober.isReady(uid, name, id),
      isStarted: (name, id) => this.o.prober.isStarted(uid, name, id),
      hostIPs: this.o.hostIPs(),
      podIsTerminal,
      ...(failure ? { failure } : {}),
      now: new Date(this.now()),
    });
    await this.o.statusManager.setStatus(pod, status);
    return status;
  }

  /**
   * Garbage collection of the pod's dead containers and sandboxes, as the kubelet's container GC
   * keeps them: per container the newest dead instance (for `logs --previous` and lastState),
   * nothing of sandboxes other than the current one.
   */
  private async pruneContainers(runtime: PodRuntimeStatus, currentSandbox: string): Promise<void> {
    const seen = new Set<string>();
    const kept = new Set<string>();
    for (const c of runtime.containers) {
      const key = `${c.init}/${c.name}`;
      if (c.state === ContainerRunState.Running || !seen.has(key)) {
        if (c.state !== ContainerRunState.Running) seen.add(key);
        kept.add(c.id);
        continue;
      }
      await this.o.runtime.removeContainer(c.id).catch((err: unknown) => this.o.logger.warn('removing a dead container failed', { id: c.id, err: (err as Error).message }));
    }
    for (const s of runtime.sandboxes) {
      if (s.id === currentSandbox || s.ready) continue;
      if (runtime.containers.some((c) => c.sandboxId === s.id && kept.has(c.id))) continue;
      await this.o.runtime.removePodSandbox(s.id).catch((err: unknown) => this.o.logger.warn('removing a dead sandbox failed', { id: s.id, err: (err as Error).message }));
    }
  }

  /** Removes the pod's sandboxes, containers, volumes, files, log directory and cgroups. */
  private async removePodFromNode(uid: string, runtime: PodRuntimeStatus, pod: corev1.Pod | undefined): Promise<void> {
    for (const s of runtime.sandboxes) {
      await this.o.runtime.stopPodSandbox(s.id).catch(() => undefined);
      await this.o.runtime.removePodSandbox(s.id).catch((err: unknown) => {
        if (!isCriNotFound(err)) throw err;
      });
    }
    for (const c of runtime.containers) {
      await this.o.runtime.removeContainer(c.id).catch((err: unknown) => {
        if (!isCriNotFound(err)) throw err;
      });
    }
    this.o.prober.removePod(uid);
    await this.o.volumes.tearDownPod(uid);
    await this.dirs.removeLifecycleFiles(uid);
    const logDir = pod ? podLogDirectory(this.o.podLogsDir, pod) : await this.findLogDir(uid);
    if (logDir) await rm(logDir, { recursive: true, force: true });
    // The runtime lets go of the pod's cgroups a moment after it removed the containers.
    for (let attempt = 0; ; attempt++) {
      if (await removePodCgroups(uid)) return;
      if (attempt === 10) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    this.pendingCgroups.add(uid);
  }

  /** Tries again to remove the cgroups of removed pods that were still busy; resolves how many still are. */
  async retryCgroupCleanup(): Promise<number> {
    for (const uid of [...this.pendingCgroups]) if (await removePodCgroups(uid)) this.pendingCgroups.delete(uid);
    return this.pendingCgroups.size;
  }

  private async findLogDir(uid: string): Promise<string | undefined> {
    const entries = await readdir(this.o.podLogsDir).catch(() => [] as string[]);
    const found = entries.find((e) => e.endsWith(`_${uid}`));
    return found ? join(this.o.podLogsDir, found) : undefined;
  }
}
