// The components' side of the apiserver's gRPC API and the controller machinery built on it.
export {
  ApiClient,
  PatchType,
  type ApiClientOptions,
  type CallOptionsBase,
  type GetOptions,
  type GroupVersionResource,
  type ListOptions,
  type ListResult,
  type PatchOptions,
  type UpdateOptions,
  type WatchOptions,
  type WriteOptions,
} from './api-client';
export { WatchEventType, decodeWatchEvent, type ErrorWatchEvent, type ObjectWatchEvent, type WatchEvent, type WatchStream } from './watch-stream';
export { TransportError, errorFromGrpc, errorFromStatusObject, isResourceExpired, isTransportError } from './errors';
export { realClock, sleep, type Clock, type Timer } from './clock';
export { Backoff, type BackoffOptions } from './backoff';
export { TokenBucket } from './token-bucket';
export { formatMicroTime, formatTime, parseTime } from './time-format';

export { listWatch, type ListPageOptions, type ListWatchOptions, type ListerWatcher, type ListerWatcherWatchOptions } from './list-watch';
export { Informer, type EventHandler, type HandlerRegistration, type InformerOptions } from './informer';
export {
  Cache,
  NamespaceIndex,
  NodeNameIndex,
  namespaceIndexFunc,
  nodeNameIndexFunc,
  type CacheOptions,
  type IndexFunc,
  type IndexedLister,
  type Indexer,
  type Indexers,
  type Lister,
  type Store,
} from './cache/indexer';
export { DeletedFinalStateUnknown, metaNamespaceKey, objectOf, splitMetaNamespaceKey, type KeyFunc, type ObjectWithMeta } from './cache/keys';

export { WorkQueue, type Queue } from './workqueue/queue';
export { DelayingWorkQueue, type DelayingQueue, type DelayingQueueOptions } from './workqueue/delaying-queue';
export { RateLimitingWorkQueue, type RateLimitingQueue, type RateLimitingQueueOptions } from './workqueue/rate-limiting-queue';
export {
  BucketRateLimiter,
  ItemExponentialFailureRateLimiter,
  MaxOfRateLimiter,
  defaultControllerRateLimiter,
  type BucketOptions,
  type ExponentialOptions,
  type RateLimiter,
} from './workqueue/rate-limiters';
export { runWorkers, type RunWorkersOptions } from './workqueue/run-workers';

export { LeaderElector, LeasesResource, type LeaderCallbacks, type LeaderElectorOptions, type LeaseClient } from './leader-election';
export { EventRecorder, EventType, EventsResource, type EventClient, type EventRecorderOptions, type EventSubject } from './event-recorder';
