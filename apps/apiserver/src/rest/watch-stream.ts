import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../errors';
import type { ApiObject } from '../storage/codec';
import type { ObjectWatch } from '../storage/resource-store';
import { apiVersion, withTypeMeta, type ServedResource, type TableBuilder, type TableOptions } from './handler';

export interface WatchStreamOptions {
  served: ServedResource;
  namespace: string;
  /** Watch of one object (`/pods/x?watch=true`). */
  name?: string;
  filter?: (obj: ApiObject) => boolean;
  query: URLSearchParams;
  /** Set when the client asked for Table output (`kubectl get -w`). */
  table?: TableBuilder;
  includeObject: TableOptions['includeObject'];
  minTimeoutSeconds: number;
  bookmarkIntervalMs: number;
  /** Called once per open watch and again when it ends (for the open-watches gauge). */
  onOpen?: (delta: 1 | -1) => void;
}

/** Watches currently streaming, by resource (for /metrics). */
export const openWatches = new Map<string, number>();

/**
 * A watch as Kubernetes streams it: 200 with chunked newline-delimited JSON events, headers
 * flushed at once. A resourceVersion older than the watch cache's history is not an HTTP error
 * but an ERROR event carrying a 410 Expired Status, after which the stream ends.
 */
export async function streamWatch(req: IncomingMessage, res: ServerResponse, o: WatchStreamOptions): Promise<void> {
  const { query, served } = o;
  const rv = query.get('resourceVersion') ?? undefined;
  const match = query.get('resourceVersionMatch') ?? '';
  const sendInitialEvents = query.get('sendInitialEvents');
  const bookmarks = query.get('allowWatchBookmarks') === 'true';
  if (sendInitialEvents !== null) {
    if (!bookmarks && sendInitialEvents === 'true') {
      throw ApiError.invalidList('allowWatchBookmarks: Required value: sendInitialEvents requires setting allowWatchBookmarks=true');
    }
    if (match !== 'NotOlderThan') {
      throw ApiError.invalidList(`resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan`);
    }
  } else if (match) {
    throw ApiError.invalidList('resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch');
  }
  const timeoutParam = query.get('timeoutSeconds');
  const timeoutSeconds =
    timeoutParam !== null && timeoutParam !== '' ? Number(timeoutParam) : o.minTimeoutSeconds * (1 + Math.random());
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds < 0) throw ApiError.badRequest(`invalid timeoutSeconds: ${timeoutParam}`);

  // sendInitialEvents=true: start with the current state (ADDED events) whatever the rv says, then
  // mark the end of it with a bookmark; sendInitialEvents=false with an rv: plain resume.
  const initial = sendInitialEvents === 'true' || rv === undefined || rv === '' || rv === '0';
  let watch: ObjectWatch;
  try {
    watch = await served.store.watch(o.namespace, {
      resourceVersion: initial ? undefined : rv,
      filter: o.filter,
      name: o.name,
    });
  } catch (err) {
    if (err instanceof ApiError && err.code === 410) {
      writeHead(res, o);
      writeEvent(res, { type: 'ERROR', object: err.toStatus() });
      res.end();
      return;
    }
    throw err;
  }

  const key = `${served.group}/${served.resource}`;
  openWatches.set(key, (openWatches.get(key) ?? 0) + 1);
  writeHead(res, o);
  let closed = false;
  const stop = () => {
    if (closed) return;
    closed = true;
    watch.close();
  };
  req.on('close', stop);
  res.on('close', stop);
  const timeout = setTimeout(stop, timeoutSeconds * 1000);
  let lastRevision = watch.startRevision;
  const bookmarkTimer = bookmarks
    ? setInterval(() => {
        if (!closed) writeEvent(res, { type: 'BOOKMARK', object: bookmark(served, Math.max(lastRevision, watch.revision)) });
      }, o.bookmarkIntervalMs)
    : undefined;

  let headersSent = false;
  const render = (obj: ApiObject): unknown => {
    const typed = withTypeMeta(obj, served);
    if (!o.table) return typed;
    const t = o.table(served, [typed], { includeObject: o.includeObject, noHeaders: headersSent });
    if (headersSent) delete (t as { columnDefinitions?: unknown }).columnDefinitions;
    headersSent = true;
    return t;
  };

  try {
    const endBookmark = sendInitialEvents === 'true';
    let sent = 0;
    if (endBookmark && watch.initialCount === 0) writeEvent(res, { type: 'BOOKMARK', object: initialEventsEndBookmark(served, watch.startRevision) });
    for await (const ev of watch) {
      if (closed) break;
      lastRevision = Math.max(lastRevision, ev.revision);
      writeEvent(res, { type: ev.type, object: render(ev.object) });
      sent++;
      if (endBookmark && sent === watch.initialCount) {
        writeEvent(res, { type: 'BOOKMARK', object: initialEventsEndBookmark(served, watch.startRevision) });
      }
    }
  } finally {
    clearTimeout(timeout);
    if (bookmarkTimer) clearInterval(bookmarkTimer);
    openWatches.set(key, (openWatches.get(key) ?? 1) - 1);
    // A watch that ended because the client fell behind just closes: the client re-watches from
    // the last revision it saw.
    stop();
    if (!res.writableEnded) res.end();
  }
}

/**
 * Writes the initial-events-end bookmark once the synthetic ADDED events are out. Wrapped as a
 * separate export so it can be sent right after the snapshot.
 */
export function initialEventsEndBookmark(served: ServedResource, revision: number): Record<string, unknown> {
  const b = bookmark(served, revision);
  (b.metadata as Record<string, unknown>).annotations = { 'k8s.io/initial-events-end': 'true' };
  return b;
}

function bookmark(served: ServedResource, revision: number): Record<string, unknown> {
  return { kind: served.kind, apiVersion: apiVersion(served), metadata: { resourceVersion: String(revision) } };
}

function writeHead(res: ServerResponse, o: WatchStreamOptions): void {
  const type = o.table ? 'application/json;as=Table;v=v1;g=meta.k8s.io' : 'application/json';
  res.writeHead(200, { 'Content-Type': type, 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
}

function writeEvent(res: ServerResponse, event: { type: string; object: unknown }): void {
  if (res.writableEnded || res.destroyed) return;
  res.write(JSON.stringify(event) + '\n');
}
