import { chmod, lstat, mkdir, readdir, rm, rmdir, stat } from 'node:fs/promises';
import { posix } from 'node:path';
import { Quantity, type authenticationv1, type corev1 } from '@tskube/api-types';
import type { Logger } from '@tskube/component';
import type { cri } from '@tskube/proto';
import { AtomicWriter, type Payload } from './atomic-writer';
import { containerMounts, type ResolvedVolume } from './container-mounts';
import { aggregateMessage, VolumeError, type VolumeFailure } from './errors';
import { checkHostPathType } from './host-path';
import { SystemMounter, type Mounter } from './mounter';
import { setVolumeOwnership } from './ownership';
import { configMapPayload, DEFAULT_MODE, downwardAPIPayload, secretPayload } from './payload';

/** Where the kubelet reads what volumes refer to; normally its informers' caches or the API. */
export interface VolumeSources {
  /** The ConfigMap, or undefined if it does not exist. */
  getConfigMap(namespace: string, name: string): Promise<corev1.ConfigMap | undefined>;
  /** The Secret, or undefined if it does not exist. */
  getSecret(namespace: string, name: string): Promise<corev1.Secret | undefined>;
  /** The claim, or undefined if it does not exist. */
  getPersistentVolumeClaim(namespace: string, name: string): Promise<corev1.PersistentVolumeClaim | undefined>;
  /** The volume, or undefined if it does not exist. */
  getPersistentVolume(name: string): Promise<corev1.PersistentVolume | undefined>;
  /**
   * Creates a TokenRequest through serviceaccounts/<name>/token and answers it with its status,
   * for projected serviceAccountToken sources. Absent: such sources fail to mount.
   */
  requestServiceAccountToken?(namespace: string, serviceAccountName: string, request: authenticationv1.TokenRequest): Promise<authenticationv1.TokenRequest>;
}

export interface VolumeManagerOptions {
  /** The kubelet's --root-dir; pods' volumes live under <rootDir>/pods/<uid>/volumes. */
  rootDir: string;
  sources: VolumeSources;
  logger: Logger;
  nodeName: string;
  /** Mounts tmpfs and reads the mount table; default mount(8)/umount(8) and /proc/self/mountinfo. */
  mounter?: Mounter;
  /** The clock for data directory names and token lifetimes. */
  now?: () => Date;
  /**
   * The node's allocatable resources: the limits downwardAPI files report for unset ones, and the
   * cap on memory-backed volumes' size.
   */
  nodeAllocatable?: () => Record<string, string> | undefined;
}

/** The directory names Kubernetes gives each volume plugin under a pod's volumes directory. */
export const PluginDir = {
  EmptyDir: 'kubernetes.io~empty-dir',
  ConfigMap: 'kubernetes.io~configmap',
  Secret: 'kubernetes.io~secret',
  DownwardAPI: 'kubernetes.io~downward-api',
  Projected: 'kubernetes.io~projected',
} as const;
export type PluginDir = (typeof PluginDir)[keyof typeof PluginDir];

/** A failure whose message is already the whole event text (not a SetUp failure). */
class StageError extends Error {}

/** Kubernetes renews a projected token once 80% of its lifetime has passed, or after 24 hours. */
const TOKEN_RENEW_FRACTION = 0.8;
const TOKEN_MAX_AGE_MS = 24 * 3600 * 1000;

interface CachedToken {
  token: string;
  issuedMs: number;
  expiresMs: number;
}

function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'ENOENT';
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Sets up, refreshes and tears down the volumes of the pods a kubelet runs, as Kubernetes' volume
 * manager and in-tree plugins do: emptyDir (disk or tmpfs), configMap, secret (always tmpfs),
 * downwardAPI, projected (tmpfs), hostPath with its type checks, and claims bound to hostPath or
 * local volumes. File contents are written with the atomic writer's `..data` layout. Operations on
 * one pod are serialised; different pods proceed concurrently.
 */
export class VolumeManager {
  private readonly rootDir: string;
  private readonly sources: VolumeSources;
  private readonly logger: Logger;
  private readonly mounter: Mounter;
  private readonly now: () => Date;
  private readonly nodeAllocatable: () => Record<string, string> | undefined;
  /** What setUpPod resolved, per pod uid: what mountsFor needs without waiting. */
  private readonly pods = new Map<string, Map<string, ResolvedVolume>>();
  private readonly locks = new Map<string, Promise<void>>();
  private readonly tokens = new Map<string, CachedToken>();

  constructor(opts: VolumeManagerOptions) {
    if (!opts.rootDir || !posix.isAbsolute(opts.rootDir)) throw new TypeError(`VolumeManager: rootDir must be an absolute path, got "${opts.rootDir}"`);
    if (!opts.sources) throw new TypeError('VolumeManager: sources are required');
    this.rootDir = posix.normalize(opts.rootDir);
    this.sources = opts.sources;
    this.logger = opts.logger.with({ subsystem: 'volumes', node: opts.nodeName });
    this.mounter = opts.mounter ?? new SystemMounter();
    this.now = opts.now ?? (() => new Date());
    this.nodeAllocatable = opts.nodeAllocatable ?? (() => undefined);
  }

  /** <rootDir>/pods/<uid>. */
  podDir(podUid: string): string {
    return posix.join(this.rootDir, 'pods', checkUid(podUid));
  }

  /** <rootDir>/pods/<uid>/volumes/<plugin>/<name>: where a volume of that plugin lives. */
  volumeDir(podUid: string, plugin: PluginDir, name: string): string {
    return posix.join(this.podDir(podUid), 'volumes', plugin, name);
  }

  /**
   * Creates every volume of the pod. Idempotent: run again, it leaves what is in place and writes
   * only changed contents. Every volume is attempted; throws one VolumeError listing each failure
   * (`MountVolume.SetUp failed for volume "x" : configmap "y" not found`).
   */
  async setUpPod(pod: corev1.Pod): Promise<void> {
    const uid = podUid(pod);
    await this.locked(uid, async () => {
      const resolved = new Map<string, ResolvedVolume>();
      const failures: VolumeFailure[] = [];
      for (const volume of pod.spec?.volumes ?? []) {
        try {
          resolved.set(volume.name, await this.setUpVolume(pod, volume));
        } catch (err) {
          const message = err instanceof StageError ? err.message : `MountVolume.SetUp failed for volume "${volume.name}" : ${messageOf(err)}`;
          failures.push({ volume: volume.name, message });
          this.logger.warn('volume set-up failed', { pod: podRef(pod), volume: volume.name, err: message });
        }
      }
      this.pods.set(uid, resolved);
      if (failures.length > 0) throw new VolumeError(failures.map((f) => f.message).join('; '), { failures });
    });
  }

  /**
   * The CRI mounts of one container's volumeMounts; call after setUpPod. `env` (the container's
   * environment) expands subPathExpr. Throws VolumeError when a volume is not set up or a subPath
   * cannot be made.
   */
  mountsFor(pod: corev1.Pod, container: corev1.Container, env: ReadonlyArray<{ name: string; value: string }> = []): cri.Mount[] {
    const volumes = this.pods.get(podUid(pod));
    if (!volumes) throw new VolumeError(`volumes of pod ${podRef(pod)} are not set up`);
    return containerMounts(container, volumes, env);
  }

  /**
   * Re-reads the sources of the pod's configMap, secret, downwardAPI and projected volumes and
   * rewrites what changed (one atomic `..data` switch per volume). Failures as setUpPod's.
   */
  async refreshPod(pod: corev1.Pod): Promise<void> {
    const uid = podUid(pod);
    await this.locked(uid, async () => {
      const failures: VolumeFailure[] = [];
      for (const volume of pod.spec?.volumes ?? []) {
        if (!(volume.configMap || volume.secret || volume.downwardAPI || volume.projected)) continue;
        try {
          const resolved = await this.setUpVolume(pod, volume);
          this.pods.get(uid)?.set(volume.name, resolved);
        } catch (err) {
          failures.push({ volume: volume.name, message: `MountVolume.SetUp failed for volume "${volume.name}" : ${messageOf(err)}` });
        }
      }
      if (failures.length > 0) throw new VolumeError(failures.map((f) => f.message).join('; '), { failures });
    });
  }

  /**
   * Unmounts whatever is mounted below the pod's volume directories (found in the mount table, so
   * this works after a restart too) and removes them; the pod directory goes too when nothing else
   * is left in it. Idempotent. Throws VolumeError, removing nothing, when a mount stays busy.
   */
  async tearDownPod(uid: string): Promise<void> {
    const podDir = this.podDir(uid);
    await this.locked(uid, async () => {
      const dirs = [posix.join(podDir, 'volumes'), posix.join(podDir, 'volume-subpaths')];
      const below = async () => (await this.mounter.mountPoints()).map((m) => m.path).filter((p) => dirs.some((d) => p === d || p.startsWith(`${d}/`)));
      const failures: VolumeFailure[] = [];
      // Deepest first; a path mounted twice is listed (and unmounted) twice.
      for (const path of (await below()).sort((a, b) => b.length - a.length)) {
        try {
          await this.mounter.unmount(path);
        } catch (err) {
          const volume = posix.basename(path);
          failures.push({ volume, message: `UnmountVolume.TearDown failed for volume "${volume}" pod "${uid}" : ${messageOf(err)}` });
        }
      }
      const left = await below();
      if (failures.length > 0 || left.length > 0) {
        const message = failures.length > 0 ? failures.map((f) => f.message).join('; ') : `mounts remain below ${podDir}: ${left.join(', ')}`;
        throw new VolumeError(message, { failures });
      }
      for (const dir of dirs) await rm(dir, { recursive: true, force: true });
      await rmdir(podDir).catch(() => undefined);
      this.pods.delete(uid);
      for (const key of this.tokens.keys()) if (key.startsWith(`${uid}/`)) this.tokens.delete(key);
      this.logger.debug('pod volumes torn down', { podUid: uid });
    });
  }

  /** The uids of pods that have volume directories on disk (to tear down orphans after a restart). */
  async podsOnDisk(): Promise<string[]> {
    let entries: string[];
    try {
      entries = await readdir(posix.join(this.rootDir, 'pods'));
    } catch (err) {
      if (isNotFound(err)) return [];
      throw err;
    }
    const out: string[] = [];
    for (const uid of entries) {
      const has = await Promise.all(['volumes', 'volume-subpaths'].map((d) => lstat(posix.join(this.rootDir, 'pods', uid, d)).then(() => true, () => false)));
      if (has.some(Boolean)) out.push(uid);
    }
    return out.sort();
  }

  private locked(uid: string, fn: () => Promise<void>): Promise<void> {
    const previous = this.locks.get(uid) ?? Promise.resolve();
    const run = previous.then(fn);
    const settled = run.catch(() => undefined);
    this.locks.set(uid, settled);
    void settled.then(() => {
      if (this.locks.get(uid) === settled) this.locks.delete(uid);
    });
    return run;
  }

  private async setUpVolume(pod: corev1.Pod, volume: corev1.Volume): Promise<ResolvedVolume> {
    const uid = podUid(pod);
    const namespace = pod.metadata?.namespace || 'default';
    if (volume.emptyDir) {
      const dir = this.volumeDir(uid, PluginDir.EmptyDir, volume.name);
      const medium = volume.emptyDir.medium ?? '';
      if (medium !== '' && medium !== 'Memory') throw new Error(`emptyDir medium "${medium}" is not supported by this kubelet`);
      let fresh = await this.makeDir(dir);
      if (medium === 'Memory') fresh = (await this.ensureTmpfs(dir, this.memoryVolumeSize(pod, volume.emptyDir.sizeLimit))) || fresh;
      // Like the kubelet, ownership is set when the volume is first made, not on every sync.
      if (fresh) await this.applyFsGroup(pod, dir, false);
      return { path: dir, readOnly: false };
    }
    if (volume.configMap) {
      const source = volume.configMap;
      const optional = Boolean(source.optional);
      const cm = (await this.sources.getConfigMap(namespace, source.name ?? '')) ?? (optional ? {} : undefined);
      if (!cm) throw new Error(`configmap "${source.name ?? ''}" not found`);
      const payload = configMapPayload(source.items, cm, source.defaultMode ?? DEFAULT_MODE, optional);
      return this.writeVolume(pod, volume.name, PluginDir.ConfigMap, payload, false);
    }
    if (volume.secret) {
      const source = volume.secret;
      const optional = Boolean(source.optional);
      const secret = (await this.sources.getSecret(namespace, source.secretName ?? '')) ?? (optional ? {} : undefined);
      if (!secret) throw new Error(`secret "${source.secretName ?? ''}" not found`);
      const payload = secretPayload(source.items, secret, source.defaultMode ?? DEFAULT_MODE, optional);
      return this.writeVolume(pod, volume.name, PluginDir.Secret, payload, true);
    }
    if (volume.downwardAPI) {
      const payload = downwardAPIPayload(volume.downwardAPI.items, pod, volume.downwardAPI.defaultMode ?? DEFAULT_MODE, this.nodeAllocatable());
      return this.writeVolume(pod, volume.name, PluginDir.DownwardAPI, payload, false);
    }
    if (volume.projected) {
      const payload = await this.projectedPayload(pod, volume.projected);
      return this.writeVolume(pod, volume.name, PluginDir.Projected, payload, true);
    }
    if (volume.hostPath) {
      await checkHostPathType(volume.hostPath.path, volume.hostPath.type);
      return { path: volume.hostPath.path, readOnly: false };
    }
    if (volume.persistentVolumeClaim) {
      return this.claimVolume(pod, volume.persistentVolumeClaim.claimName, Boolean(volume.persistentVolumeClaim.readOnly), false);
    }
    if (volume.ephemeral) {
      return this.claimVolume(pod, `${pod.metadata?.name ?? ''}-${volume.name}`, false, true);
    }
    const kind = Object.keys(volume).find((k) => k !== 'name') ?? 'none';
    throw new StageError(`failed to get Plugin from volumeSpec for volume "${volume.name}" err=no volume plugin matched (${kind})`);
  }

  /** Writes a content volume's files, on a tmpfs when `memory` (secrets never touch the disk). */
  private async writeVolume(pod: corev1.Pod, name: string, plugin: PluginDir, payload: Payload, memory: boolean): Promise<ResolvedVolume> {
    const dir = this.volumeDir(podUid(pod), plugin, name);
    await this.makeDir(dir);
    if (memory) await this.ensureTmpfs(dir, this.memoryVolumeSize(pod, undefined));
    await new AtomicWriter(dir, this.now).write(payload);
    await this.applyFsGroup(pod, dir, true);
    return { path: dir, readOnly: true };
  }

  /** Gives the pod's fsGroup (if any) access to a volume it owns (see ownership.ts). */
  private async applyFsGroup(pod: corev1.Pod, dir: string, readOnly: boolean): Promise<void> {
    const context = pod.spec?.securityContext;
    if (context?.fsGroup === undefined || context.fsGroup === null) return;
    await setVolumeOwnership(dir, context.fsGroup, { readOnly, onRootMismatch: context.fsGroupChangePolicy === 'OnRootMismatch' });
  }

  /** Creates a volume directory with emptyDir's mode 0777, whatever the umask; true if it was new. */
  private async makeDir(dir: string): Promise<boolean> {
    const existed = await lstat(dir).then(() => true, () => false);
    await mkdir(dir, { recursive: true, mode: 0o750 });
    if (((await stat(dir)).mode & 0o777) !== 0o777) await chmod(dir, 0o777);
    return !existed;
  }

  /** Mounts a tmpfs on `dir` unless one is there; true if it mounted one. */
  private async ensureTmpfs(dir: string, sizeBytes: bigint | undefined): Promise<boolean> {
    const mounted = (await this.mounter.mountPoints()).some((m) => m.path === dir && m.fsType === 'tmpfs');
    if (mounted) return false;
    await this.mounter.mountTmpfs(dir, sizeBytes);
    this.logger.debug('tmpfs mounted', { dir, sizeBytes: sizeBytes?.toString() });
    return true;
  }

  /**
   * The size of a memory-backed volume, as Kubernetes bounds it: the node's allocatable memory,
   * lowered to the pod's memory limit (when every container has one) and to the volume's sizeLimit.
   * Undefined when nothing bounds it (the kernel's default then applies).
   */
  private memoryVolumeSize(pod: corev1.Pod, sizeLimit: string | number | undefined): bigint | undefined {
    let size: bigint | undefined;
    const lower = (candidate: bigint | undefined) => {
      if (candidate !== undefined && candidate > 0n && (size === undefined || candidate <= size)) size = candidate;
    };
    const allocatable = this.nodeAllocatable()?.['memory'];
    if (allocatable !== undefined) size = Quantity.fromJSON(allocatable).scaledValue(0);
    lower(podMemoryLimit(pod));
    if (sizeLimit !== undefined) lower(Quantity.fromJSON(sizeLimit).scaledValue(0));
    return size;
  }

  private async projectedPayload(pod: corev1.Pod, source: corev1.ProjectedVolumeSource): Promise<Payload> {
    const namespace = pod.metadata?.namespace || 'default';
    const defaultMode = source.defaultMode ?? DEFAULT_MODE;
    const payload: Payload = new Map();
    const errors: string[] = [];
    const add = (more: Payload) => {
      for (const [k, v] of more) payload.set(k, v);
    };
    for (const projection of source.sources ?? []) {
      try {
        if (projection.configMap) {
          const ref = projection.configMap;
          const optional = Boolean(ref.optional);
          const cm = (await this.sources.getConfigMap(namespace, ref.name ?? '')) ?? (optional ? {} : undefined);
          if (!cm) throw new Error(`configmap "${ref.name ?? ''}" not found`);
          add(configMapPayload(ref.items, cm, defaultMode, optional));
        } else if (projection.secret) {
          const ref = projection.secret;
          const optional = Boolean(ref.optional);
          const secret = (await this.sources.getSecret(namespace, ref.name ?? '')) ?? (optional ? {} : undefined);
          if (!secret) throw new Error(`secret "${ref.name ?? ''}" not found`);
          add(secretPayload(ref.items, secret, defaultMode, optional));
        } else if (projection.downwardAPI) {
          add(downwardAPIPayload(projection.downwardAPI.items, pod, defaultMode, this.nodeAllocatable()));
        } else if (projection.serviceAccountToken) {
          const token = projection.serviceAccountToken;
          // With an fsGroup Kubernetes writes the token 0600 and relies on ownership for group access.
          const mode = pod.spec?.securityContext?.fsGroup !== undefined ? 0o600 : defaultMode;
          payload.set(token.path, { data: Buffer.from(await this.serviceAccountToken(pod, token)), mode });
        } else {
          const kind = Object.keys(projection)[0] ?? 'none';
          throw new Error(`projected source ${kind} is not supported by this kubelet`);
        }
      } catch (err) {
        errors.push(messageOf(err));
      }
    }
    if (errors.length > 0) throw new Error(aggregateMessage(errors));
    return payload;
  }

  /** A bound token for the pod's service account, reused until 80% of its lifetime has passed. */
  private async serviceAccountToken(pod: corev1.Pod, projection: corev1.ServiceAccountTokenProjection): Promise<string> {
    const namespace = pod.metadata?.namespace || 'default';
    const account = pod.spec?.serviceAccountName || 'default';
    const expirationSeconds = projection.expirationSeconds ?? 3600;
    const key = `${podUid(pod)}/${namespace}/${account}/${projection.audience ?? ''}/${expirationSeconds}`;
    const nowMs = this.now().getTime();
    const cached = this.tokens.get(key);
    if (cached && nowMs < cached.issuedMs + (cached.expiresMs - cached.issuedMs) * TOKEN_RENEW_FRACTION && nowMs - cached.issuedMs < TOKEN_MAX_AGE_MS) {
      return cached.token;
    }
    if (!this.sources.requestServiceAccountToken) throw new Error('failed to fetch token: the API server does not serve serviceaccounts/token');
    const request: authenticationv1.TokenRequest = {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: {
        audiences: projection.audience ? [projection.audience] : [],
        expirationSeconds,
        boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: pod.metadata?.name ?? '', uid: podUid(pod) },
      },
    };
    let answer: authenticationv1.TokenRequest;
    try {
      answer = await this.sources.requestServiceAccountToken(namespace, account, request);
    } catch (err) {
      throw new Error(`failed to fetch token: ${messageOf(err)}`, { cause: err });
    }
    const token = answer.status?.token;
    if (!token) throw new Error('failed to fetch token: the TokenRequest was answered without a token');
    const expiresMs = Date.parse(answer.status?.expirationTimestamp ?? '') || nowMs + expirationSeconds * 1000;
    this.tokens.set(key, { token, issuedMs: nowMs, expiresMs });
    return token;
  }

  /**
   * A claim's volume: the claim must be Bound to a volume that is bound back to it; hostPath and
   * local volumes are used in place. Messages as the kubelet's volume manager gives them.
   */
  private async claimVolume(pod: corev1.Pod, claimName: string, readOnly: boolean, ephemeral: boolean): Promise<ResolvedVolume> {
    const namespace = pod.metadata?.namespace || 'default';
    const processing = (msg: string) => new StageError(`error processing PVC ${namespace}/${claimName}: ${msg}`);
    let claim: corev1.PersistentVolumeClaim | undefined;
    try {
      claim = await this.sources.getPersistentVolumeClaim(namespace, claimName);
    } catch (err) {
      throw processing(`failed to fetch PVC from API server: ${messageOf(err)}`);
    }
    if (!claim) throw processing(`failed to fetch PVC from API server: persistentvolumeclaims "${claimName}" not found`);
    if (ephemeral && !(claim.metadata?.ownerReferences ?? []).some((o) => o.uid === podUid(pod) && o.controller)) {
      throw new StageError(`PVC ${namespace}/${claimName} was not created for pod ${podRef(pod)} (pod is not owner)`);
    }
    if (claim.metadata?.deletionTimestamp) throw processing(`can't start pod because PVC ${namespace}/${claimName} is being deleted`);
    if (claim.status?.phase !== 'Bound') throw processing('PVC is not bound');
    const pvName = claim.spec?.volumeName;
    if (!pvName) throw processing('PVC has empty pvc.Spec.VolumeName');
    let pv: corev1.PersistentVolume | undefined;
    try {
      pv = await this.sources.getPersistentVolume(pvName);
    } catch (err) {
      throw processing(`failed to fetch PV ${pvName} from API server: ${messageOf(err)}`);
    }
    if (!pv) throw processing(`failed to fetch PV ${pvName} from API server: persistentvolumes "${pvName}" not found`);
    const claimRef = pv.spec?.claimRef;
    if (!claimRef) throw processing(`found PV object ${pvName} but it has a nil pv.Spec.ClaimRef indicating it is not yet bound to the claim`);
    if (claimRef.uid !== claim.metadata?.uid) {
      throw processing(`found PV object ${pvName} but its pv.Spec.ClaimRef.UID ${claimRef.uid ?? ''} does not point to claim.UID ${claim.metadata?.uid ?? ''}`);
    }
    if (pv.spec?.hostPath) {
      try {
        await checkHostPathType(pv.spec.hostPath.path, pv.spec.hostPath.type);
      } catch (err) {
        throw new StageError(`MountVolume.SetUp failed for volume "${pvName}" : ${messageOf(err)}`);
      }
      return { path: pv.spec.hostPath.path, readOnly };
    }
    if (pv.spec?.local) {
      // A directory is used in place (the kubelet bind-mounts it into the pod directory first,
      // which gives containers the same view).
      const path = pv.spec.local.path;
      const info = await stat(path).catch(() => undefined);
      const newMounter = (msg: string) => new StageError(`MountVolume.NewMounter initialization failed for volume "${pvName}" : ${msg}`);
      if (!info) throw newMounter(`path "${path}" does not exist`);
      if (info.isBlockDevice()) throw newMounter('local block device volumes are not supported by this kubelet');
      if (!info.isDirectory()) throw newMounter('only directory and block device are supported');
      return { path, readOnly };
    }
    throw new StageError(`failed to get Plugin from volumeSpec for volume "${pvName}" err=no volume plugin matched`);
  }
}

function podUid(pod: corev1.Pod): string {
  const uid = pod.metadata?.uid;
  if (!uid) throw new VolumeError(`pod ${podRef(pod)} has no uid`);
  return checkUid(uid);
}

/** A uid names a directory: refuse anything that could leave <rootDir>/pods. */
function checkUid(uid: string): string {
  if (!uid || uid === '.' || uid === '..' || uid.includes('/') || uid.includes('\0')) throw new VolumeError(`invalid pod uid "${uid}"`);
  return uid;
}

function podRef(pod: corev1.Pod): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}

/**
 * The pod's memory limit as its cgroup gets it: the sum of its containers' limits, or the largest
 * init container limit if that is more; undefined when a container has no limit.
 */
function podMemoryLimit(pod: corev1.Pod): bigint | undefined {
  const limitOf = (c: corev1.Container) => {
    const v = c.resources?.limits?.['memory'];
    return v === undefined ? undefined : Quantity.fromJSON(v).scaledValue(0);
  };
  let sum = 0n;
  for (const c of pod.spec?.containers ?? []) {
    const l = limitOf(c);
    if (l === undefined) return undefined;
    sum += l;
  }
  for (const c of pod.spec?.initContainers ?? []) {
    const l = limitOf(c);
    if (l === undefined) return undefined;
    if (l > sum) sum = l;
  }
  return sum;
}
