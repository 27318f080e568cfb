import type { ApiClient, GroupVersionResource, ListResult } from './api-client';
import type { WatchStream } from './watch-stream';

/** What an informer lists with: one page of the watched collection. */
export interface ListPageOptions {
  resourceVersion: string;
  /** Page size; 0 for everything at once. */
  limit: number;
  /** Continue token of the previous page; '' for the first. */
  continue: string;
  signal?: AbortSignal;
}

/** What an informer watches with. */
export interface ListerWatcherWatchOptions {
  /** The revision to watch from, exclusive. */
  resourceVersion: string;
  allowWatchBookmarks: boolean;
  timeoutSeconds?: number;
  signal?: AbortSignal;
}

/**
 * The collection an informer mirrors: list and watch with the same namespace and selectors.
 * client-go's cache.ListerWatcher.
 */
export interface ListerWatcher<T> {
  /** Lists one page. Rejects with StatusError (410 when the revision or token expired) or TransportError. */
  list(options: ListPageOptions): Promise<ListResult<T>>;
  /** Opens a watch from `resourceVersion`. */
  watch(options: ListerWatcherWatchOptions): WatchStream<T>;
}

/** The slice of a collection to mirror. */
export interface ListWatchOptions {
  /** One namespace, or '' (default) for all namespaces and for cluster-scoped resources. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

/** A ListerWatcher for one resource through an ApiClient. */
export function listWatch<T>(
  client: Pick<ApiClient, 'list' | 'watch'>,
  gvr: GroupVersionResource,
  options: ListWatchOptions = {},
): ListerWatcher<T> {
  const namespace = options.namespace ?? '';
  const selectors = {
    ...(options.labelSelector ? { labelSelector: options.labelSelector } : {}),
    ...(options.fieldSelector ? { fieldSelector: options.fieldSelector } : {}),
  };
  return {
    list: (o) =>
      client.list<T>(gvr, namespace, {
        ...selectors,
        resourceVersion: o.resourceVersion,
        limit: o.limit,
        continue: o.continue,
        ...(o.signal ? { signal: o.signal } : {}),
      }),
    watch: (o) =>
      client.watch<T>(gvr, namespace, {
        ...selectors,
        resourceVersion: o.resourceVersion,
        allowWatchBookmarks: o.allowWatchBookmarks,
        ...(o.timeoutSeconds === undefined ? {} : { timeoutSeconds: o.timeoutSeconds }),
        ...(o.signal ? { signal: o.signal } : {}),
      }),
  };
}
