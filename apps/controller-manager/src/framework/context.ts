import type { KubeObject } from '@tskube/api-types';
import {
  EventRecorder,
  Informer,
  RateLimitingWorkQueue,
  defaultControllerRateLimiter,
  listWatch,
  metaNamespaceKey,
  objectOf,
  runWorkers,
  type ApiClient,
  type DeletedFinalStateUnknown,
  type GroupVersionResource,
  type Indexers,
  type ObjectWithMeta,
} from '@tskube/client';
import type { Logger } from '@tskube/component';

/** The resources controllers watch, by short name. */
export const Resources = {
  pods: { group: '', version: 'v1', resource: 'pods' },
  nodes: { group: '', version: 'v1', resource: 'nodes' },
  namespaces: { group: '', version: 'v1', resource: 'namespaces' },
  services: { group: '', version: 'v1', resource: 'services' },
  endpoints: { group: '', version: 'v1', resource: 'endpoints' },
  serviceaccounts: { group: '', version: 'v1', resource: 'serviceaccounts' },
  persistentvolumeclaims: { group: '', version: 'v1', resource: 'persistentvolumeclaims' },
  replicationcontrollers: { group: '', version: 'v1', resource: 'replicationcontrollers' },
  resourcequotas: { group: '', version: 'v1', resource: 'resourcequotas' },
  events: { group: '', version: 'v1', resource: 'events' },
  replicasets: { group: 'apps', version: 'v1', resource: 'replicasets' },
  deployments: { group: 'apps', version: 'v1', resource: 'deployments' },
  statefulsets: { group: 'apps', version: 'v1', resource: 'statefulsets' },
  daemonsets: { group: 'apps', version: 'v1', resource: 'daemonsets' },
  controllerrevisions: { group: 'apps', version: 'v1', resource: 'controllerrevisions' },
  jobs: { group: 'batch', version: 'v1', resource: 'jobs' },
  cronjobs: { group: 'batch', version: 'v1', resource: 'cronjobs' },
  endpointslices: { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' },
  leases: { group: 'coordination.k8s.io', version: 'v1', resource: 'leases' },
} as const satisfies Record<string, GroupVersionResource>;

export type ResourceName = keyof typeof Resources;

/**
 * Shared informers: one list+watch per resource however many controllers read it, as client-go's
 * SharedInformerFactory. Indexers must be registered before `start()`.
 */
export class InformerFactory {
  private readonly informers = new Map<string, Informer<KubeObject & ObjectWithMeta>>();
  private readonly indexers = new Map<string, Indexers<KubeObject & ObjectWithMeta>>();
  private started = false;

  constructor(
    private readonly client: ApiClient,
    private readonly logger: Logger,
  ) {}

  /** Adds indexes to a resource's cache; only before start. */
  addIndexers<T extends KubeObject>(resource: ResourceName, indexers: Indexers<T>): void {
    if (this.started) throw new Error('indexers must be added before the informers start');
    const existing = this.indexers.get(resource) ?? {};
    this.indexers.set(resource, { ...existing, ...(indexers as unknown as Indexers<KubeObject & ObjectWithMeta>) });
  }

  informer<T extends KubeObject = KubeObject>(resource: ResourceName): Informer<T & ObjectWithMeta> {
    let inf = this.informers.get(resource);
    if (!inf) {
      const indexers = this.indexers.get(resource);
      inf = new Informer<KubeObject & ObjectWithMeta>({
        listerWatcher: listWatch(this.client, Resources[resource]),
        ...(indexers ? { indexers } : {}),
        logger: this.logger,
      });
      this.informers.set(resource, inf);
      if (this.started) void inf.start();
    }
    return inf as unknown as Informer<T & ObjectWithMeta>;
  }

  start(): void {
    this.started = true;
    for (const inf of this.informers.values()) void inf.start();
  }

  async waitForSync(signal?: AbortSignal): Promise<boolean> {
    const results = await Promise.all([...this.informers.values()].map((i) => i.waitForSync(signal)));
    return results.every(Boolean);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }
}

export interface ControllerContext {
  client: ApiClient;
  informers: InformerFactory;
  recorder: EventRecorder;
  logger: Logger;
  /** Aborted when the controller-manager stops (or loses leadership). */
  signal: AbortSignal;
  /** Workers for a controller: `--concurrent-<name>-syncs`, else its default. */
  workers(name: string, fallback: number): number;
  /** Controller-specific flags (e.g. cluster-cidr), by flag name. */
  flags: Record<string, string>;
}

/** A controller: `start` wires its handlers and returns once its workers have exited. */
export interface Controller {
  name: string;
  /** Enabled when `--controllers` says `*` (the default); false ones must be named. */
  enabledByDefault?: boolean;
  start(ctx: ControllerContext): Promise<void>;
}

/** A queue of namespace/name keys with Kubernetes' default controller rate limiting. */
export function newQueue(): RateLimitingWorkQueue<string> {
  return new RateLimitingWorkQueue<string>({ rateLimiter: defaultControllerRateLimiter() });
}

/** The namespace/name key of an object or of a tombstone's object. */
export function keyOf(obj: ObjectWithMeta | DeletedFinalStateUnknown<ObjectWithMeta>): string {
  return metaNamespaceKey(objectOf(obj));
}

/**
 * Runs `sync` for every key of `queue` with `workers` workers until the context stops, logging
 * failures (the item is retried with back-off).
 */
export async function runController(ctx: ControllerContext, name: string, queue: RateLimitingWorkQueue<string>, workers: number, sync: (key: string) => Promise<void>): Promise<void> {
  await runWorkers(queue, workers, sync, {
    signal: ctx.signal,
    onError: (err, item) => ctx.logger.warn('sync failed', { controller: name, key: item, err: err instanceof Error ? err.message : String(err) }),
  });
}
