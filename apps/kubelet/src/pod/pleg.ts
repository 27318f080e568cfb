import type { Logger } from '@tskube/component';
import { cri } from '@tskube/proto';
import type { RuntimeService } from '../cri';
import { LabelKey } from '../runtime/labels';

export interface PlegOptions {
  runtime: Pick<RuntimeService, 'listContainers' | 'listPodSandbox'>;
  logger: Logger;
  /** Told the UIDs of pods whose sandboxes or containers changed state since the last relist. */
  onChange(uids: Set<string>): void;
  /** 1 s by default, the kubelet's generic PLEG period. */
  periodMs?: number;
}

/**
 * The pod lifecycle event generator: relists the runtime's sandboxes and containers every second
 * and tells which pods had something appear, change state or disappear, so that their workers
 * sync (a container that exited, above all). Also knows every pod UID the runtime holds.
 */
export class Pleg {
  private states = new Map<string, { uid: string; state: number }>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private uids = new Set<string>();
  private relisted = false;

  constructor(private readonly opts: PlegOptions) {}

  /** Pod UIDs seen in the runtime at the last relist. */
  runtimeUIDs(): Set<string> {
    return new Set(this.uids);
  }

  /** Pod UIDs with a ready sandbox at the last relist. */
  readySandboxUIDs(): Set<string> {
    const out = new Set<string>();
    for (const [key, v] of this.states) if (key.startsWith('s/') && v.state === cri.PodSandboxState.SANDBOX_READY && v.uid) out.add(v.uid);
    return out;
  }

  /** Containers by CRI state at the last relist, for the kubelet_running_containers gauge. */
  containerCounts(): Record<'created' | 'running' | 'exited' | 'unknown', number> {
    const out = { created: 0, running: 0, exited: 0, unknown: 0 };
    for (const [key, v] of this.states) {
      if (!key.startsWith('c/')) continue;
      if (v.state === cri.ContainerState.CONTAINER_CREATED) out.created++;
      else if (v.state === cri.ContainerState.CONTAINER_RUNNING) out.running++;
      else if (v.state === cri.ContainerState.CONTAINER_EXITED) out.exited++;
      else out.unknown++;
    }
    return out;
  }

  /** Whether a relist has succeeded since start (the kubelet's PLEG health). */
  healthy(): boolean {
    return this.relisted;
  }

  start(): void {
    const tick = () => {
      if (this.stopped) return;
      this.running = this.relist().finally(() => {
        if (!this.stopped) this.timer = setTimeout(tick, this.opts.periodMs ?? 1000);
      });
    };
    tick();
  }

  async relist(): Promise<void> {
    let sandboxes: cri.PodSandbox[];
    let containers: cri.Container[];
    try {
      [sandboxes, containers] = await Promise.all([this.opts.runtime.listPodSandbox(), this.opts.runtime.listContainers()]);
    } catch (err) {
      this.opts.logger.warn('relisting the runtime failed', { err: (err as Error).message });
      return;
    }
    const next = new Map<string, { uid: string; state: number }>();
    for (const s of sandboxes) next.set(`s/${s.id}`, { uid: s.labels[LabelKey.PodUID] ?? '', state: s.state });
    for (const c of containers) next.set(`c/${c.id}`, { uid: c.labels[LabelKey.PodUID] ?? '', state: c.state });
    const changed = new Set<string>();
    for (const [key, v] of next) {
      const was = this.states.get(key);
      if (!was || was.state !== v.state) changed.add(v.uid);
    }
    for (const [key, v] of this.states) if (!next.has(key)) changed.add(v.uid);
    changed.delete('');
    this.states = next;
    this.uids = new Set([...next.values()].map((v) => v.uid).filter((u) => u !== ''));
    this.relisted = true;
    if (changed.size) this.opts.onChange(changed);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
