import type { ClientReadableStream } from '@grpc/grpc-js';
import type { StatusError } from '@tskube/api-types';
import { WatchEventType as ProtoEventType, type WatchEvent as ProtoWatchEvent } from '@tskube/proto';
import { errorFromGrpc, errorFromStatusObject } from './errors';

/** What a watch event reports, as Kubernetes' watch.EventType. */
export const WatchEventType = {
  Added: 'ADDED',
  Modified: 'MODIFIED',
  Deleted: 'DELETED',
  Bookmark: 'BOOKMARK',
  Error: 'ERROR',
} as const;
export type WatchEventType = (typeof WatchEventType)[keyof typeof WatchEventType];

/** A change to one object, or a BOOKMARK whose object carries only metadata.resourceVersion. */
export interface ObjectWatchEvent<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';
  /** The object after the change (its last state for DELETED). */
  object: T;
  /** The object's metadata.resourceVersion: where a watch resumes after this event. */
  resourceVersion: string;
}

/** The watch cannot continue (410 Expired/Gone when the revision was compacted); always last. */
export interface ErrorWatchEvent {
  type: 'ERROR';
  /** The metav1.Status the server sent. */
  object: unknown;
  /** That Status as an error, for `isResourceExpired` and friends. */
  error: StatusError;
}

export type WatchEvent<T> = ObjectWatchEvent<T> | ErrorWatchEvent;

/**
 * An open watch: iterate it once with `for await`. Iteration ends when the server ends the stream
 * (timeout, shutdown, or after an ERROR event) or when the stream is closed; it throws a
 * StatusError or TransportError when the call fails. Events arrive in resourceVersion order and
 * the stream applies back-pressure: a slow consumer slows the server down instead of buffering.
 */
export interface WatchStream<T> extends AsyncIterable<WatchEvent<T>> {
  /** Ends the watch: a pending or later `next()` finishes without error. Idempotent. */
  close(): void;
}

const typeNames: Partial<Record<number, ObjectWatchEvent<unknown>['type']>> = {
  [ProtoEventType.ADDED]: 'ADDED',
  [ProtoEventType.MODIFIED]: 'MODIFIED',
  [ProtoEventType.DELETED]: 'DELETED',
  [ProtoEventType.BOOKMARK]: 'BOOKMARK',
};

/** Decodes one wire event; exported for the fake server's tests and other stream sources. */
export function decodeWatchEvent<T>(ev: ProtoWatchEvent): WatchEvent<T> {
  const object: unknown = ev.object.length === 0 ? undefined : JSON.parse(Buffer.from(ev.object).toString('utf8'));
  if (ev.type === ProtoEventType.ERROR) return { type: 'ERROR', object, error: errorFromStatusObject(object) };
  const type = typeNames[ev.type];
  if (type === undefined) throw new TypeError(`unknown watch event type ${ev.type}`);
  const rv = ev.resourceVersion || ((object as { metadata?: { resourceVersion?: string } } | undefined)?.metadata?.resourceVersion ?? '');
  return { type, object: object as T, resourceVersion: rv };
}

/** A WatchStream over a grpc-js server-streaming call. */
export class GrpcWatchStream<T> implements WatchStream<T> {
  private closed = false;
  private iterated = false;
  private readonly onAbort = () => this.close();

  constructor(
    private readonly call: ClientReadableStream<ProtoWatchEvent>,
    private readonly signal?: AbortSignal,
  ) {
    // An error nobody iterates for would otherwise be an unhandled 'error' event.
    call.on('error', () => undefined);
    if (signal?.aborted) this.close();
    else signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // Informers pass one long-lived signal to watch after watch: do not pile up listeners on it.
    this.signal?.removeEventListener('abort', this.onAbort);
    this.call.cancel();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<WatchEvent<T>> {
    if (this.iterated) throw new Error('a WatchStream can be iterated only once');
    this.iterated = true;
    if (this.closed) return;
    try {
      for await (const ev of this.call as AsyncIterable<ProtoWatchEvent>) {
        if (this.closed) return;
        yield decodeWatchEvent<T>(ev);
      }
    } catch (err) {
      if (this.closed) return;
      throw errorFromGrpc(err);
    } finally {
      // The consumer may stop early (break, throw): release the call on the server too.
      this.close();
    }
  }
}
