import type { IDuplexStream, IWatchCreateRequest, IWatchRequest, IWatchResponse } from 'etcd3';
import { StorageError, StorageErrorCode } from '../errors';
import { WatchEventType, type WatchEvent, type Watcher } from '../store';
import { fromEtcdError } from './etcd-errors';
import { toKeyValue, type KeyCodec } from './keys';

export type WatchStream = IDuplexStream<IWatchRequest, IWatchResponse>;

export interface EtcdWatcherOptions {
  /** Opens a fresh gRPC watch stream (one per watcher). */
  open: () => Promise<WatchStream>;
  /** The create request, already in etcd's encoding. */
  request: IWatchCreateRequest;
  codec: KeyCodec;
  /** Buffered events beyond which the watcher fails with Unavailable. */
  bufferLimit: number;
  /** Called once when the watcher stops for any reason, so the store can forget it. */
  onStop: (watcher: EtcdWatcher) => void;
}

/**
 * One store watch over its own etcd watch stream. etcd3's high-level Watcher is not used: it
 * reconnects silently (a consumer never learns that etcd is gone) and drops the compact revision
 * of a cancelled watch. Here a lost stream ends the watch with Unavailable and a compacted start
 * with Compacted carrying etcd's compact revision; the caller resumes from its last revision,
 * like the apiserver's reflector does. Events already received are delivered before the error,
 * so resuming after the last delivered revision leaves no gap.
 */
export class EtcdWatcher implements Watcher {
  private queue: WatchEvent[] = [];
  private head = 0;
  private failure: unknown;
  private closed = false;
  private stopped = false;
  private stream: WatchStream | undefined;
  private wake: (() => void) | undefined;
  private readonly options: EtcdWatcherOptions;

  constructor(options: EtcdWatcherOptions) {
    this.options = options;
    void this.start();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue = [];
    this.head = 0;
    this.stop();
    this.notify();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    try {
      for (;;) {
        if (this.closed) return;
        if (this.head < this.queue.length) {
          const event = this.queue[this.head++]!;
          if (this.head === this.queue.length) {
            this.queue = [];
            this.head = 0;
          }
          yield event;
          continue;
        }
        if (this.failure !== undefined) throw this.failure;
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
      }
    } finally {
      // Leaving the loop early (break, return, a thrown error) ends the watch too.
      this.close();
    }
  }

  private async start(): Promise<void> {
    let stream: WatchStream;
    try {
      stream = await this.options.open();
    } catch (err) {
      this.fail(unavailable(err, 'cannot open etcd watch stream'));
      return;
    }
    // Errors must always have a listener: a cancelled stream reports CANCELLED as an error.
    stream.on('error', (err) => this.fail(unavailable(err, 'etcd watch stream failed')));
    if (this.stopped) {
      stream.cancel();
      return;
    }
    this.stream = stream;
    stream.on('data', (response) => this.onResponse(response));
    stream.on('end', () => this.fail(new StorageError(StorageErrorCode.Unavailable, 'etcd watch stream ended')));
    stream.write({ create_request: this.options.request });
  }

  private onResponse(response: IWatchResponse): void {
    if (this.stopped) return;
    const compactRevision = Number(response.compact_revision);
    if (compactRevision > 0) {
      this.fail(
        new StorageError(StorageErrorCode.Compacted, `watch start revision is older than the compacted revision ${compactRevision}`, {
          revision: compactRevision,
        }),
      );
      return;
    }
    if (response.canceled) {
      this.fail(new StorageError(StorageErrorCode.Unavailable, `etcd cancelled the watch: ${response.cancel_reason || 'no reason given'}`));
      return;
    }
    for (const event of response.events) {
      const kv = toKeyValue(this.options.codec, event.kv);
      this.queue.push({
        type: event.type === 'Delete' ? WatchEventType.Delete : WatchEventType.Put,
        kv,
        ...(event.prev_kv ? { prevKv: toKeyValue(this.options.codec, event.prev_kv) } : {}),
        revision: kv.modRevision,
      });
    }
    if (this.queue.length - this.head > this.options.bufferLimit) {
      this.fail(new StorageError(StorageErrorCode.Unavailable, `watcher fell more than ${this.options.bufferLimit} events behind`));
      return;
    }
    if (response.events.length > 0) this.notify();
  }

  private fail(err: unknown): void {
    if (this.stopped) return;
    this.failure = err;
    this.stop();
    this.notify();
  }

  private stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.stream?.cancel();
    this.stream = undefined;
    this.options.onStop(this);
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

function unavailable(err: unknown, message: string): StorageError {
  const mapped = fromEtcdError(err);
  if (mapped instanceof StorageError) return mapped;
  return new StorageError(StorageErrorCode.Unavailable, `${message}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}
