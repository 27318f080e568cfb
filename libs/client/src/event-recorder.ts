import type { Logger } from '@tskube/component';
import { StatusReason, hasReason, type corev1 } from '@tskube/api-types';
import { PatchType, type ApiClient, type GroupVersionResource } from './api-client';
import { realClock, type Clock } from './clock';
import { silentLogger } from './logging';
import { formatTime } from './time-format';
import { TokenBucket } from './token-bucket';

/** core/v1 events. */
export const EventsResource: GroupVersionResource = { group: '', version: 'v1', resource: 'events' };

/** Event.type values. */
export const EventType = { Normal: 'Normal', Warning: 'Warning' } as const;
export type EventType = (typeof EventType)[keyof typeof EventType];

/** What the recorder needs from an ApiClient. */
export type EventClient = Pick<ApiClient, 'create' | 'patch'>;

/** An object events can be about: an API object, or a reference to one. */
export type EventSubject =
  | { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string; uid?: string; resourceVersion?: string } }
  | corev1.ObjectReference;

export interface EventRecorderOptions {
  client: EventClient;
  /** source.component and reportingComponent, e.g. 'default-scheduler', 'kubelet'. */
  component: string;
  /** source.host (the kubelet's node name); absent for control-plane components. */
  host?: string;
  /** reportingInstance; `host` by default, else `component`. */
  reportingInstance?: string;
  /** Per-object budget: this many events at once (25 by default, as client-go)... */
  burst?: number;
  /** ...then one more every this many ms (5 min by default); events beyond it are dropped. */
  refillIntervalMs?: number;
  /** A repeat within this many ms of the last occurrence updates the old event; 10 min by default. */
  aggregationWindowMs?: number;
  /**
   * Once this many events differing only in message arrived for one object and reason within the
   * window, later ones are combined into one event "(combined from similar events): ..."; 10 by
   * default as in client-go, 0 turns it off.
   */
  maxSimilarEvents?: number;
  /** Entries kept by each of the caches (LRU); 4096 by default. */
  cacheSize?: number;
  clock?: Clock;
  logger?: Logger;
}

/** One event as this recorder last wrote or will write it. */
interface Seen {
  name: string;
  namespace: string;
  ref: corev1.ObjectReference;
  type: EventType;
  reason: string;
  message: string;
  count: number;
  firstTimestamp: string;
  lastTimestamp: string;
  /** Clock time of the last occurrence, for the aggregation window. */
  lastSeen: number;
  /** Whether the server has the event (a repeat patches it). */
  stored: boolean;
  /** Whether a write of this entry is queued; repeats meanwhile ride along with it. */
  queued: boolean;
}

interface Similar {
  messages: Set<string>;
  lastSeen: number;
}

/** A Map bounded to `max` entries, evicting the least recently touched. */
class Lru<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly max: number) {}

  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as K);
  }

  delete(key: K): void {
    this.map.delete(key);
  }
}

function referenceOf(subject: EventSubject): corev1.ObjectReference {
  if ('metadata' in subject && subject.metadata !== undefined) {
    const m = subject.metadata;
    return {
      ...(subject.kind ? { kind: subject.kind } : {}),
      ...(m.namespace ? { namespace: m.namespace } : {}),
      ...(m.name ? { name: m.name } : {}),
      ...(m.uid ? { uid: m.uid } : {}),
      ...(subject.apiVersion ? { apiVersion: subject.apiVersion } : {}),
      ...(m.resourceVersion ? { resourceVersion: m.resourceVersion } : {}),
    };
  }
  return { ...(subject as corev1.ObjectReference) };
}

const sep = '\u0000';

/**
 * Records core/v1 Events about objects, as client-go's legacy EventRecorder and its
 * EventCorrelator:
 *
 * - a repeat (same object, type, reason and message) within the aggregation window patches the
 *   earlier event's count and lastTimestamp instead of creating another;
 * - after `maxSimilarEvents` distinct messages for the same object and reason, further ones are
 *   folded into one combined event;
 * - each object has a token-bucket budget; events beyond it are dropped.
 *
 * `event()` never blocks or throws: writes happen in the background, one at a time, in order.
 * Failed writes are logged and dropped. `flush()` waits for the writes queued so far.
 */
export class EventRecorder {
  private readonly client: EventClient;
  private readonly component: string;
  private readonly host: string | undefined;
  private readonly reportingInstance: string;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly burst: number;
  private readonly refillIntervalMs: number;
  private readonly windowMs: number;
  private readonly maxSimilar: number;
  private readonly seen: Lru<string, Seen>;
  private readonly similar: Lru<string, Similar>;
  private readonly budgets: Lru<string, TokenBucket>;
  /** Writes not yet started, oldest first, from `head` on. */
  private queue: (() => Promise<void>)[] = [];
  private head = 0;
  private draining = false;
  private seq = 0;

  constructor(options: EventRecorderOptions) {
    if (!options.component) throw new TypeError('component is required');
    this.client = options.client;
    this.component = options.component;
    this.host = options.host;
    this.reportingInstance = options.reportingInstance ?? options.host ?? options.component;
    this.clock = options.clock ?? realClock;
    this.logger = options.logger ?? silentLogger;
    this.burst = options.burst ?? 25;
    this.refillIntervalMs = options.refillIntervalMs ?? 300_000;
    this.windowMs = options.aggregationWindowMs ?? 600_000;
    this.maxSimilar = options.maxSimilarEvents ?? 10;
    const size = options.cacheSize ?? 4096;
    this.seen = new Lru(size);
    this.similar = new Lru(size);
    this.budgets = new Lru(size);
    if (!(this.burst >= 1) || !(this.refillIntervalMs > 0) || !(this.windowMs > 0) || this.maxSimilar < 0) {
      throw new RangeError('burst >= 1, refillIntervalMs > 0, aggregationWindowMs > 0 and maxSimilarEvents >= 0 required');
    }
  }

  /**
   * Records that `reason` happened to `subject` (a machine-readable UpperCamelCase word such as
   * 'FailedScheduling'), with a human-readable `message`. Invalid types are logged and dropped.
   */
  event(subject: EventSubject, type: EventType, reason: string, message: string): void {
    if (type !== EventType.Normal && type !== EventType.Warning) {
      this.logger.error('unsupported event type, dropped', { type, reason });
      return;
    }
    const ref = referenceOf(subject);
    if (!ref.name) {
      this.logger.error('event subject has no name, dropped', { reason });
      return;
    }
    const now = this.clock.now();
    const objectKey = [this.component, this.host ?? '', ref.kind ?? '', ref.namespace ?? '', ref.name, ref.uid ?? '', ref.apiVersion ?? ''].join(sep);

    let budget = this.budgets.get(objectKey);
    if (budget === undefined) this.budgets.set(objectKey, (budget = new TokenBucket(1000 / this.refillIntervalMs, this.burst, this.clock)));
    if (!budget.tryTake()) {
      this.logger.debug('event rate limit reached, dropped', { object: `${ref.namespace ?? ''}/${ref.name}`, reason });
      return;
    }

    // Similar events: same everything but the message.
    const aggregateKey = [objectKey, type, reason, this.component, this.reportingInstance].join(sep);
    let key = `${aggregateKey}${sep}${message}`;
    if (this.maxSimilar > 0) {
      let entry = this.similar.get(aggregateKey);
      if (entry === undefined || now - entry.lastSeen > this.windowMs) entry = { messages: new Set(), lastSeen: now };
      entry.messages.add(message);
      entry.lastSeen = now;
      this.similar.set(aggregateKey, entry);
      if (entry.messages.size >= this.maxSimilar) {
        message = `(combined from similar events): ${message}`;
        key = aggregateKey;
      }
    }

    const timestamp = formatTime(now);
    let seen = this.seen.get(key);
    if (seen !== undefined && now - seen.lastSeen <= this.windowMs) {
      seen.count += 1;
      seen.lastTimestamp = timestamp;
      seen.message = message;
      seen.lastSeen = now;
    } else {
      seen = {
        name: this.uniqueName(ref.name, now),
        namespace: ref.namespace || 'default',
        ref,
        type,
        reason,
        message,
        count: 1,
        firstTimestamp: timestamp,
        lastTimestamp: timestamp,
        lastSeen: now,
        stored: false,
        queued: false,
      };
      this.seen.set(key, seen);
    }
    if (!seen.queued) {
      seen.queued = true;
      const entry = seen;
      this.enqueue(() => this.write(key, entry));
    }
  }

  /** Resolves once every event recorded before the call has been written (or has failed). */
  flush(): Promise<void> {
    return new Promise((resolve) => this.enqueue(async () => resolve()));
  }

  /**
   * Queues a write behind the others. One loop drains the queue: a chain of `.then` per event
   * would make every stack trace captured meanwhile (and gRPC captures one per call) walk the
   * whole backlog, so a burst of events would slow down every other call of the process.
   */
  private enqueue(write: () => Promise<void>): void {
    this.queue.push(write);
    if (!this.draining) {
      this.draining = true;
      void this.drain();
    }
  }

  private async drain(): Promise<void> {
    // Events are written after the code that recorded them has run on, as they were with a chain.
    await Promise.resolve();
    while (this.head < this.queue.length) {
      const write = this.queue[this.head]!;
      this.queue[this.head++] = undefined as never;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      try {
        await write();
      } catch (err) {
        this.logger.warn('writing an event failed', { err });
      }
    }
    this.queue = [];
    this.head = 0;
    this.draining = false;
  }

  private uniqueName(objectName: string, now: number): string {
    // client-go uses the time in ns; ms·10^6 plus a counter keeps names unique within one ms.
    const nanos = BigInt(now) * 1_000_000n + BigInt(this.seq++ % 1_000_000);
    return `${objectName}.${nanos.toString(16)}`;
  }

  /**
   * Writes `seen` as it is now: creates it, or patches count, lastTimestamp and message of the
   * stored event (a strategic merge patch, as client-go sends). Repeats recorded while a write was
   * queued are folded into it, so a burst costs one write.
   */
  private async write(key: string, seen: Seen): Promise<void> {
    seen.queued = false;
    if (seen.stored) {
      try {
        await this.client.patch(EventsResource, seen.namespace, seen.name, PatchType.StrategicMergePatch, {
          count: seen.count,
          lastTimestamp: seen.lastTimestamp,
          message: seen.message,
        });
        return;
      } catch (err) {
        if (!hasReason(err, StatusReason.NotFound)) throw err;
        // The event expired (events have a TTL) or was deleted: start a fresh one, as client-go does.
        seen.name = this.uniqueName(seen.ref.name ?? '', this.clock.now());
        seen.count = 1;
        seen.firstTimestamp = seen.lastTimestamp;
        seen.stored = false;
      }
    }
    const event: corev1.Event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: seen.name, namespace: seen.namespace },
      involvedObject: seen.ref,
      reason: seen.reason,
      message: seen.message,
      type: seen.type,
      source: { component: this.component, ...(this.host ? { host: this.host } : {}) },
      firstTimestamp: seen.firstTimestamp,
      lastTimestamp: seen.lastTimestamp,
      count: seen.count,
      reportingComponent: this.component,
      reportingInstance: this.reportingInstance,
    };
    try {
      await this.client.create<corev1.Event>(EventsResource, seen.namespace, event);
      seen.stored = true;
    } catch (err) {
      // A later repeat must not patch an event that was never stored.
      if (this.seen.get(key) === seen) this.seen.delete(key);
      throw err;
    }
  }
}
