import { open, stat } from 'node:fs/promises';
import { cri } from '@tskube/proto';
import { isCriNotFound, type ImageManagerService, type RuntimeService } from '../cri';
import { containerInfo, LabelKey } from './labels';

/** A CRI sandbox of a pod as the kubelet sees it. */
export interface SandboxStatus {
  id: string;
  attempt: number;
  ready: boolean;
  /** ms since the epoch. */
  createdAt: number;
  /** The pod's IPs, primary first; empty for a sandbox without network (or on the host's). */
  ips: string[];
}

export const ContainerRunState = { Created: 'created', Running: 'running', Exited: 'exited', Unknown: 'unknown' } as const;
export type ContainerRunState = (typeof ContainerRunState)[keyof typeof ContainerRunState];

/** One CRI container of a pod (any attempt), converted as the kubelet's toKubeContainerStatus does. */
export interface ContainerStatus {
  id: string;
  sandboxId: string;
  name: string;
  init: boolean;
  state: ContainerRunState;
  /** ms since the epoch; startedAt and finishedAt are 0 when not reached. */
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  reason: string;
  /** The runtime's message, with the termination message (or log tail) appended. */
  message: string;
  /** The image as the runtime names it, e.g. docker.io/library/busybox:1.35. */
  image: string;
  imageID: string;
  restartCount: number;
  hash: string;
  logPath: string;
  terminationMessagePath: string;
  /** The pod's terminationGracePeriodSeconds when the container was created. */
  terminationGracePeriod?: number;
}

/** The runtime's whole view of one pod: its sandboxes and containers, newest first. */
export interface PodRuntimeStatus {
  uid: string;
  sandboxes: SandboxStatus[];
  containers: ContainerStatus[];
}

const maxTerminationMessageLength = 4096;
const maxTerminationLogLines = 80;
const maxTerminationLogLength = 2048;

function ms(ns: bigint): number {
  return Number(ns / 1_000_000n);
}

function runState(state: cri.ContainerState): ContainerRunState {
  switch (state) {
    case cri.ContainerState.CONTAINER_CREATED:
      return ContainerRunState.Created;
    case cri.ContainerState.CONTAINER_RUNNING:
      return ContainerRunState.Running;
    case cri.ContainerState.CONTAINER_EXITED:
      return ContainerRunState.Exited;
    default:
      return ContainerRunState.Unknown;
  }
}

async function readTail(path: string, maxBytes: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, maxBytes);
    const buf = Buffer.alloc(length);
    await handle.read(buf, 0, length, size - length);
    return buf;
  } finally {
    await handle.close();
  }
}

/** The file's first `maxBytes` bytes: a termination message is read from its start. */
async function readHead(path: string, maxBytes: number): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(maxBytes);
    const { bytesRead } = await handle.read(buf, 0, maxBytes, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

/**
 * The last lines of a CRI log file as the container wrote them: the `<time> <stream> <tag> `
 * prefix stripped, partial lines (tag P) joined, at most 80 lines and 2048 bytes, as the kubelet
 * reads them for FallbackToLogsOnError.
 */
export async function lastLogText(path: string): Promise<string> {
  try {
    await stat(path);
  } catch {
    return '';
  }
  const raw = (await readTail(path, 256 * 1024)).toString('utf8');
  const records = raw.split('\n').filter((l) => l !== '');
  let text = '';
  const lines: string[] = [];
  for (const rec of records) {
    const m = /^\S+ (stdout|stderr) ([PF]) (.*)$/s.exec(rec);
    if (!m) continue;
    text += m[3];
    if (m[2] === 'F') {
      lines.push(`${text}\n`);
      text = '';
    }
  }
  if (text) lines.push(text);
  const joined = lines.slice(-maxTerminationLogLines).join('');
  const bytes = Buffer.from(joined, 'utf8');
  return bytes.length > maxTerminationLogLength ? bytes.subarray(bytes.length - maxTerminationLogLength).toString('utf8') : joined;
}

/**
 * Reads pods' state from the runtime: one ListPodSandbox and ListContainers filtered on the pod's
 * UID label, then ContainerStatus for each container. The runtime is the truth; the kubelet keeps
 * no copy of it between syncs, which is also what lets a restarted kubelet adopt what runs.
 */
export class RuntimeStatusReader {
  constructor(private readonly runtime: RuntimeService & ImageManagerService) {}

  async podStatus(uid: string): Promise<PodRuntimeStatus> {
    const selector = { labelSelector: { [LabelKey.PodUID]: uid } };
    const [sandboxes, containers] = await Promise.all([this.runtime.listPodSandbox(selector), this.runtime.listContainers(selector)]);
    const sandboxStatuses: SandboxStatus[] = [];
    for (const s of sandboxes) {
      let ips: string[] = [];
      if (s.state === cri.PodSandboxState.SANDBOX_READY) {
        try {
          const st = await this.runtime.podSandboxStatus(s.id);
          const net = st.status?.network;
          ips = net?.ip ? [net.ip, ...net.additionalIps.map((a) => a.ip)] : [];
        } catch (err) {
          if (!isCriNotFound(err)) throw err;
          continue;
        }
      }
      sandboxStatuses.push({ id: s.id, attempt: s.metadata?.attempt ?? 0, ready: s.state === cri.PodSandboxState.SANDBOX_READY, createdAt: ms(s.createdAt), ips });
    }
    sandboxStatuses.sort((a, b) => b.createdAt - a.createdAt || b.attempt - a.attempt);
    const statuses: ContainerStatus[] = [];
    for (const c of containers) {
      let res: cri.ContainerStatusResponse;
      try {
        res = await this.runtime.containerStatus(c.id);
      } catch (err) {
        if (isCriNotFound(err)) continue;
        throw err;
      }
      if (!res.status) continue;
      statuses.push(await this.convert(res.status, c.podSandboxId));
    }
    statuses.sort((a, b) => b.createdAt - a.createdAt || b.restartCount - a.restartCount);
    return { uid, sandboxes: sandboxStatuses, containers: statuses };
  }

  private async convert(s: cri.ContainerStatus, sandboxId: string): Promise<ContainerStatus> {
    const info = containerInfo(s.labels, s.annotations);
    const state = runState(s.state);
    const out: ContainerStatus = {
      id: s.id,
      sandboxId,
      name: info.containerName || s.metadata?.name || '',
      init: info.init,
      state,
      createdAt: ms(s.createdAt),
      startedAt: state === ContainerRunState.Created ? 0 : ms(s.startedAt),
      finishedAt: state === ContainerRunState.Exited ? ms(s.finishedAt) : 0,
      exitCode: state === ContainerRunState.Exited ? s.exitCode : 0,
      reason: state === ContainerRunState.Exited ? s.reason : '',
      message: state === ContainerRunState.Exited ? s.message : '',
      image: s.image?.image ?? '',
      imageID: s.imageId || s.imageRef,
      restartCount: info.restartCount,
      hash: info.hash,
      logPath: s.logPath,
      terminationMessagePath: info.terminationMessagePath,
      ...(info.terminationGracePeriod !== undefined ? { terminationGracePeriod: info.terminationGracePeriod } : {}),
    };
    if (state === ContainerRunState.Exited) {
      const fallback = info.terminationMessagePolicy === 'FallbackToLogsOnError' && out.exitCode !== 0 && out.reason !== 'ContainerCannotRun';
      let message = '';
      let checkLogs = fallback;
      const mount = info.terminationMessagePath ? s.mounts.find((m) => m.containerPath === info.terminationMessagePath) : undefined;
      if (mount) {
        try {
          message = await readHead(mount.hostPath, maxTerminationMessageLength);
          checkLogs = fallback && message.length === 0;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
            message = `Error on reading termination log ${mount.hostPath}: ${(err as Error).message}`;
            checkLogs = false;
          }
        }
      }
      if (checkLogs) message = await lastLogText(s.logPath);
      if (message) out.message = out.message ? `${out.message}: ${message}` : message;
    }
    return out;
  }
}
