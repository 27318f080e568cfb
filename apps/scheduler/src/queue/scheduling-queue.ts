import type { corev1 } from '@tskube/api-types';
import { realClock, type Clock, type Timer } from '@tskube/client';
import type { QueuedPodInfo } from '../framework/interfaces';
import { PodInfo, podKey } from '../framework/pod-info';
import type { Status } from '../framework/status';
import { inTreeEventRegistrations, isPodWorthRequeuing, type ClusterEvent, type EventRegistration, type HintContext } from './events';
import { KeyedHeap } from './heap';
import { Nominator } from './nominator';

/** A pod in the scheduling queue, with its scheduling history (framework.QueuedPodInfo). */
export interface QueuedPod extends QueuedPodInfo {
  /** The latest version of the pod the queue has seen. */
  podInfo: PodInfo;
  /** When the pod last entered the queue or last failed: the active queue's tie-breaker and the start of its backoff. */
  timestamp: number;
  /** Scheduling attempts so far (pops); drives the backoff. */
  attempts: number;
  /** When the pod first entered the active or backoff queue (ungated), for the end-to-end latency. */
  initialEnqueueTimestamp: number | undefined;
  /** Plugins that rejected the pod in its last attempt; only events they care about move it. */
  unschedulablePlugins: ReadonlySet<string>;
  /** The PreEnqueue plugin keeping the pod out of the active queue (scheduling gates), if any. */
  gatingPlugin: string | undefined;
}

export interface SchedulingQueueOptions {
  /** The profiles' QueueSort (every profile shares one). */
  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean;
  /** The PreEnqueue plugins of the pod's profile; undefined lets it in. */
  preEnqueue?(pod: PodInfo): Status | undefined;
  /** podInitialBackoffSeconds in ms; 1 s. */
  initialBackoffMs?: number;
  /** podMaxBackoffSeconds in ms; 10 s. */
  maxBackoffMs?: number;
  /** A pod unschedulable this long is retried whatever happened (podMaxInUnschedulablePodsDuration); 5 min. */
  maxUnschedulableMs?: number;
  /** How often unschedulable pods are checked against `maxUnschedulableMs`; 30 s as in Kubernetes. */
  unschedulableFlushIntervalMs?: number;
  nominator?: Nominator;
  hintContext?: HintContext;
  /** Which events each plugin reacts to; the in-tree table by default. */
  registrations?: Readonly<Record<string, readonly EventRegistration[]>>;
  clock?: Clock;
}

/** What a failed attempt reports when it hands the pod back. */
export interface FailureOptions {
  /** The plugins that rejected the pod; empty when no plugin did (no nodes, an error). */
  unschedulablePlugins: ReadonlySet<string>;
  /** An internal error rather than a verdict: the pod only waits out its backoff. */
  error: boolean;
}

interface InFlight {
  readonly qp: QueuedPod;
  /** Position in the event log when the pod was popped: later events concern its attempt. */
  readonly seq: number;
  /** The pod itself changed meaningfully during the attempt. */
  updated: boolean;
}

interface LoggedEvent {
  readonly event: ClusterEvent;
  readonly oldObj: unknown;
  readonly newObj: unknown;
}

/** The sizes of the sub-queues. */
export interface PendingPods {
  active: number;
  backoff: number;
  unschedulable: number;
  /** Held back by PreEnqueue (scheduling gates); counted apart from unschedulable. */
  gated: number;
}

const emptySet: ReadonlySet<string> = new Set();

/**
 * kube-scheduler's PriorityQueue:
 *
 * - activeQ, a heap in QueueSort order, from which the scheduling loop pops;
 * - backoffQ, a heap by backoff expiry (podInitialBackoffSeconds doubling per attempt up to
 *   podMaxBackoffSeconds), drained into activeQ by a timer set for the earliest expiry;
 * - unschedulablePods, which leave only on a cluster event that one of the plugins that rejected
 *   them registers (with its hint agreeing), on a meaningful update of the pod itself, or after
 *   `maxUnschedulableMs`. Nothing polls them for schedulability.
 *
 * Events arriving while a pod is being scheduled or bound are remembered, so a pod that fails
 * after an event that may have helped it goes to backoffQ rather than waiting for another event.
 * Single-threaded: callers need no locking.
 */
export class SchedulingQueue {
  readonly nominator: Nominator;
  private readonly activeQ: KeyedHeap<QueuedPod>;
  private readonly backoffQ: KeyedHeap<QueuedPod>;
  private readonly unschedulable = new Map<string, QueuedPod>();
  private readonly inFlight = new Map<string, InFlight>();
  private eventLog: LoggedEvent[] = [];
  private eventLogBase = 0;
  private readonly clock: Clock;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxUnschedulableMs: number;
  private readonly flushIntervalMs: number;
  private readonly preEnqueue: (pod: PodInfo) => Status | undefined;
  private readonly hintContext: HintContext;
  private readonly registrations: Readonly<Record<string, readonly EventRegistration[]>>;
  private waiters: ((qp: QueuedPod | undefined) => void)[] = [];
  private backoffTimer: { timer: Timer; at: number } | undefined;
  private flushTimer: Timer | undefined;
  private closed = false;
  /** Incremented by every pop (the scheduling cycle number). */
  schedulingCycle = 0;

  constructor(options: SchedulingQueueOptions) {
    this.clock = options.clock ?? realClock;
    this.initialBackoffMs = options.initialBackoffMs ?? 1000;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
    this.maxUnschedulableMs = options.maxUnschedulableMs ?? 5 * 60_000;
    this.flushIntervalMs = options.unschedulableFlushIntervalMs ?? 30_000;
    if (!(this.initialBackoffMs > 0) || this.maxBackoffMs < this.initialBackoffMs) throw new RangeError('backoff: need 0 < initial <= max');
    if (!(this.maxUnschedulableMs > 0) || !(this.flushIntervalMs > 0)) throw new RangeError('maxUnschedulableMs and unschedulableFlushIntervalMs must be positive');
    this.preEnqueue = options.preEnqueue ?? (() => undefined);
    this.nominator = options.nominator ?? new Nominator();
    this.hintContext = options.hintContext ?? { namespaceLabels: () => undefined };
    this.registrations = options.registrations ?? inTreeEventRegistrations;
    const less = options.less;
    this.activeQ = new KeyedHeap<QueuedPod>((qp) => qp.podInfo.key, (a, b) => less(a, b));
    this.backoffQ = new KeyedHeap<QueuedPod>((qp) => qp.podInfo.key, (a, b) => this.backoffExpiry(a) < this.backoffExpiry(b));
  }

  /** Starts the periodic flush of pods unschedulable for too long. Idempotent. */
  start(): void {
    if (this.flushTimer !== undefined || this.closed) return;
    const tick = () => {
      if (this.closed) return;
      this.flushUnschedulablePodsLeftover();
      this.flushTimer = this.clock.setTimer(this.flushIntervalMs, tick);
    };
    this.flushTimer = this.clock.setTimer(this.flushIntervalMs, tick);
  }

  /** Stops the timers and wakes waiting `pop`s with undefined. The queue keeps its pods. */
  close(): void {
    this.closed = true;
    this.flushTimer?.cancel();
    this.backoffTimer?.timer.cancel();
    this.flushTimer = undefined;
    this.backoffTimer = undefined;
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  /** A new pending pod (or one this scheduler just became responsible for). */
  add(pod: corev1.Pod): void {
    const key = podKey(pod);
    if (this.inFlight.has(key) || this.find(key) !== undefined) {
      this.update(undefined, pod);
      return;
    }
    const now = this.clock.now();
    const qp: QueuedPod = {
      podInfo: new PodInfo(pod),
      timestamp: now,
      attempts: 0,
      initialEnqueueTimestamp: undefined,
      unschedulablePlugins: emptySet,
      gatingPlugin: undefined,
    };
    this.nominator.add(qp.podInfo);
    this.moveToActiveQ(qp);
  }

  /**
   * A pending pod changed. Status-only changes (the scheduler's own condition writes among them)
   * just refresh the stored pod; other changes give an unschedulable or gated pod another try.
   */
  update(oldPod: corev1.Pod | undefined, newPod: corev1.Pod): void {
    const key = podKey(newPod);
    const info = new PodInfo(newPod);
    this.nominator.update(oldPod ?? newPod, info);
    const changed = oldPod === undefined || isPodUpdated(oldPod, newPod);
    const flight = this.inFlight.get(key);
    if (flight !== undefined) {
      flight.qp.podInfo = info;
      if (changed) flight.updated = true;
      return;
    }
    const active = this.activeQ.get(key);
    if (active !== undefined) {
      active.podInfo = info;
      this.activeQ.addOrUpdate(active);
      return;
    }
    const backingOff = this.backoffQ.get(key);
    if (backingOff !== undefined) {
      backingOff.podInfo = info;
      this.backoffQ.addOrUpdate(backingOff);
      return;
    }
    const parked = this.unschedulable.get(key);
    if (parked !== undefined) {
      parked.podInfo = info;
      if (!changed) return;
      this.unschedulable.delete(key);
      if (parked.gatingPlugin === undefined && this.isBackingOff(parked)) this.addToBackoffQ(parked);
      else this.moveToActiveQ(parked);
      return;
    }
    this.add(newPod);
  }

  /**
   * Moves a pod parked in unschedulablePods (gated or not) or waiting in backoffQ to activeQ through
   * PreEnqueue (Activate), as kube-scheduler does once the preemption a pod started has finished.
   * A pod in activeQ, in flight or unknown is left alone.
   */
  activate(key: string): void {
    const qp = this.unschedulable.get(key) ?? this.backoffQ.get(key);
    if (qp === undefined) return;
    this.unschedulable.delete(key);
    this.backoffQ.delete(key);
    this.armBackoffTimer();
    this.moveToActiveQ(qp);
  }

  /** The pod is gone or no longer pending: forgets it everywhere. */
  delete(pod: corev1.Pod): void {
    const key = podKey(pod);
    this.nominator.delete(pod);
    this.activeQ.delete(key);
    this.backoffQ.delete(key);
    this.unschedulable.delete(key);
  }

  /**
   * The next pod to schedule, waiting until there is one; undefined once the queue is closed or
   * `signal` aborts. The pod counts as in flight until `done` or `addUnschedulableIfNotPresent`.
   */
  pop(signal?: AbortSignal): Promise<QueuedPod | undefined> {
    if (this.closed || signal?.aborted) return Promise.resolve(undefined);
    const qp = this.activeQ.pop();
    if (qp !== undefined) return Promise.resolve(this.startAttempt(qp));
    return new Promise((resolve) => {
      const onAbort = () => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(undefined);
      };
      const waiter = (next: QueuedPod | undefined) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(next);
      };
      this.waiters.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** The attempt for `key` is over (bound, or dropped because the pod is gone). */
  done(key: string): void {
    if (!this.inFlight.delete(key)) return;
    this.trimEventLog();
  }

  /**
   * Hands back a pod whose attempt failed (AddUnschedulableIfNotPresent). It goes to backoffQ when
   * the failure was an error, when the pod changed during the attempt, or when an event during the
   * attempt may have helped it; otherwise to unschedulablePods. A pod already queued again (re-added
   * by an update) is left where it is.
   */
  addUnschedulableIfNotPresent(qp: QueuedPod, failure: FailureOptions): void {
    const key = qp.podInfo.key;
    const flight = this.inFlight.get(key);
    this.inFlight.delete(key);
    if (this.find(key) !== undefined) {
      this.trimEventLog();
      return;
    }
    qp.unschedulablePlugins = failure.unschedulablePlugins;
    qp.timestamp = this.clock.now();
    let retry = failure.error || flight?.updated === true;
    if (!retry && flight !== undefined) {
      for (let i = flight.seq - this.eventLogBase; i < this.eventLog.length; i++) {
        const e = this.eventLog[i]!;
        if (isPodWorthRequeuing(qp.unschedulablePlugins, qp.podInfo, e.event, e.oldObj, e.newObj, this.hintContext, this.registrations)) {
          retry = true;
          break;
        }
      }
    }
    this.trimEventLog();
    if (retry) this.addToBackoffQ(qp);
    else this.unschedulable.set(key, qp);
  }

  /**
   * A cluster event happened (MoveAllToActiveOrBackoffQueue): every unschedulable pod it may help
   * moves to backoffQ, or straight to activeQ when its backoff is over. Gated pods stay.
   */
  moveAllToActiveOrBackoffQueue(event: ClusterEvent, oldObj?: unknown, newObj?: unknown): void {
    if (this.inFlight.size > 0) this.eventLog.push({ event, oldObj, newObj });
    if (this.unschedulable.size === 0) return;
    const moved: QueuedPod[] = [];
    for (const qp of this.unschedulable.values()) {
      if (qp.gatingPlugin !== undefined) continue;
      if (isPodWorthRequeuing(qp.unschedulablePlugins, qp.podInfo, event, oldObj, newObj, this.hintContext, this.registrations)) moved.push(qp);
    }
    for (const qp of moved) {
      this.unschedulable.delete(qp.podInfo.key);
      this.addToBackoffQ(qp);
    }
  }

  /** Moves pods whose backoff is over to activeQ (flushBackoffQCompleted). */
  flushBackoffQCompleted(): void {
    const now = this.clock.now();
    for (let qp = this.backoffQ.peek(); qp !== undefined && this.backoffExpiry(qp) <= now; qp = this.backoffQ.peek()) {
      this.backoffQ.pop();
      this.moveToActiveQ(qp);
    }
    this.armBackoffTimer();
  }

  /** Retries pods unschedulable for longer than `maxUnschedulableMs` (flushUnschedulablePodsLeftover). */
  flushUnschedulablePodsLeftover(): void {
    const now = this.clock.now();
    const stale: QueuedPod[] = [];
    for (const qp of this.unschedulable.values()) {
      if (qp.gatingPlugin === undefined && now - qp.timestamp > this.maxUnschedulableMs) stale.push(qp);
    }
    for (const qp of stale) {
      this.unschedulable.delete(qp.podInfo.key);
      this.addToBackoffQ(qp);
    }
  }

  /** How long the pod waits after its latest failure: initial · 2^(attempts-1), capped. */
  backoffDuration(qp: QueuedPod): number {
    let d = this.initialBackoffMs;
    for (let i = 1; i < qp.attempts; i++) {
      if (d > this.maxBackoffMs - d) return this.maxBackoffMs;
      d += d;
    }
    return d;
  }

  /** Where the pod is: 'active', 'backoff', 'unschedulable', 'gated', 'inFlight' or undefined. */
  whereIs(key: string): 'active' | 'backoff' | 'unschedulable' | 'gated' | 'inFlight' | undefined {
    if (this.inFlight.has(key)) return 'inFlight';
    if (this.activeQ.has(key)) return 'active';
    if (this.backoffQ.has(key)) return 'backoff';
    const u = this.unschedulable.get(key);
    if (u === undefined) return undefined;
    return u.gatingPlugin === undefined ? 'unschedulable' : 'gated';
  }

  pendingPods(): PendingPods {
    let gated = 0;
    for (const qp of this.unschedulable.values()) if (qp.gatingPlugin !== undefined) gated++;
    return { active: this.activeQ.size, backoff: this.backoffQ.size, unschedulable: this.unschedulable.size - gated, gated };
  }

  private find(key: string): QueuedPod | undefined {
    return this.activeQ.get(key) ?? this.backoffQ.get(key) ?? this.unschedulable.get(key);
  }

  private startAttempt(qp: QueuedPod): QueuedPod {
    qp.attempts++;
    qp.unschedulablePlugins = emptySet;
    this.schedulingCycle++;
    this.inFlight.set(qp.podInfo.key, { qp, seq: this.eventLogBase + this.eventLog.length, updated: false });
    return qp;
  }

  private trimEventLog(): void {
    if (this.inFlight.size === 0) {
      this.eventLogBase += this.eventLog.length;
      this.eventLog = [];
      return;
    }
    // Dropping the prefix no in-flight pod needs any more; only worth the scan when the log grew.
    if (this.eventLog.length < 256) return;
    let min = Infinity;
    for (const f of this.inFlight.values()) min = Math.min(min, f.seq);
    const drop = min - this.eventLogBase;
    if (drop > 0) {
      this.eventLog = this.eventLog.slice(drop);
      this.eventLogBase = min;
    }
  }

  /** PreEnqueue, then activeQ; a rejected pod is parked as gated. */
  private moveToActiveQ(qp: QueuedPod): void {
    const key = qp.podInfo.key;
    const rejected = this.preEnqueue(qp.podInfo);
    if (rejected !== undefined) {
      qp.gatingPlugin = rejected.plugin ?? 'PreEnqueue';
      this.unschedulable.set(key, qp);
      return;
    }
    qp.gatingPlugin = undefined;
    qp.initialEnqueueTimestamp ??= this.clock.now();
    this.unschedulable.delete(key);
    this.backoffQ.delete(key);
    const waiter = this.waiters.shift();
    if (waiter !== undefined) {
      waiter(this.startAttempt(qp));
      return;
    }
    this.activeQ.addOrUpdate(qp);
  }

  /** backoffQ while the pod's backoff runs, activeQ once it is over. */
  private addToBackoffQ(qp: QueuedPod): void {
    if (!this.isBackingOff(qp)) {
      this.moveToActiveQ(qp);
      return;
    }
    qp.initialEnqueueTimestamp ??= this.clock.now();
    this.backoffQ.addOrUpdate(qp);
    this.armBackoffTimer();
  }

  private backoffExpiry(qp: QueuedPod): number {
    return qp.timestamp + this.backoffDuration(qp);
  }

  private isBackingOff(qp: QueuedPod): boolean {
    return qp.attempts > 0 && this.backoffExpiry(qp) > this.clock.now();
  }

  /** One timer, for the earliest expiry in backoffQ. */
  private armBackoffTimer(): void {
    if (this.closed) return;
    const head = this.backoffQ.peek();
    if (head === undefined) {
      this.backoffTimer?.timer.cancel();
      this.backoffTimer = undefined;
      return;
    }
    const at = this.backoffExpiry(head);
    if (this.backoffTimer !== undefined && this.backoffTimer.at <= at) return;
    this.backoffTimer?.timer.cancel();
    this.backoffTimer = {
      at,
      timer: this.clock.setTimer(at - this.clock.now(), () => {
        this.backoffTimer = undefined;
        this.flushBackoffQCompleted();
      }),
    };
  }
}

/** Whether an update changed more than status and bookkeeping metadata (isPodUpdated). */
export function isPodUpdated(oldPod: corev1.Pod, newPod: corev1.Pod): boolean {
  const strip = (p: corev1.Pod) => {
    const { resourceVersion: _rv, generation: _g, managedFields: _mf, ...meta } = p.metadata ?? {};
    return JSON.stringify({ metadata: meta, spec: p.spec });
  };
  return strip(oldPod) !== strip(newPod);
}
