import { servedResources } from '@tskube/api-types';
import type { Logger } from '@tskube/component';
import type { Store } from '@tskube/store';
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { NamespaceLifecycle } from './admission/namespace-lifecycle';
import { PriorityAdmission } from './admission/priority';
import { ResourceQuotaAdmission } from './admission/resource-quota';
import { ResourceCatalog } from './catalog';
import { Discovery } from './discovery/discovery';
import { instrumentStore } from './instrument-store';
import { RestHandler, type Admit, type TableBuilder } from './rest/handler';
import { buildFilter } from './selectors';
import { scaleSubresource } from './scale';
import { buildTable } from './tables';
import { openApi } from './openapi';
import { decodeProtobufBody, isMalformed, isUnsupported } from './protobuf';
import { unknownFields } from './field-validation';
import { ServiceAllocator, kubernetesService, parseCidr, parsePortRange } from './services';
import { ApiError } from './errors';
import { ApiServerHttp, type OpenApiSource } from './server';
import { PodConnect } from './pod-connect';
import { GrpcApi } from './grpc/api-service';
import type { StrategyHooks } from './strategies';

export interface ApiServerOptions {
  store: Store;
  logger: Logger;
  bindAddress?: string;
  /** 0 picks a free port. */
  port: number;
  /** The components' gRPC API; 0 picks a free port, undefined serves none. */
  grpcPort?: number;
  hooks?: StrategyHooks;
  tables?: TableBuilder;
  openapi?: OpenApiSource;
  minRequestTimeoutSeconds?: number;
  bookmarkIntervalMs?: number;
  /** --service-cluster-ip-range; default 10.96.0.0/12. */
  serviceClusterIpRange?: string;
  /** --service-node-port-range; default 30000-32767. */
  serviceNodePortRange?: string;
}

/** The version the apiserver reports: the Kubernetes API level it serves. */
export const serverVersion = {
  major: '1',
  minor: '33',
  gitVersion: 'v1.33.0-tskube',
  gitCommit: 'unknown',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: `node${process.versions.node}`,
  compiler: 'tsc',
  platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
};

/** A running apiserver: the REST API on `port`, backed by `store`. */
export class ApiServer {
  readonly registry = new Registry();
  readonly catalog: ResourceCatalog;
  readonly http: ApiServerHttp;
  readonly namespaces: NamespaceLifecycle;
  readonly grpc: GrpcApi | undefined;
  readonly services: ServiceAllocator;
  readonly priorities: PriorityAdmission;
  readonly quotas: ResourceQuotaAdmission;
  private sweeper: NodeJS.Timeout | undefined;
  private ready = false;

  constructor(private readonly options: ApiServerOptions) {
    collectDefaultMetrics({ register: this.registry });
    const storeLatency = new Histogram({
      name: 'apiserver_storage_request_duration_seconds',
      help: 'Store call latency by operation and resource.',
      labelNames: ['operation', 'resource'],
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [this.registry],
    });
    const store = instrumentStore(options.store, storeLatency);
    this.services = new ServiceAllocator(
      parseCidr(options.serviceClusterIpRange ?? '10.96.0.0/12'),
      parsePortRange(options.serviceNodePortRange ?? '30000-32767'),
    );
    const hooks: StrategyHooks = { ...options.hooks, prepare: { ...(options.hooks?.prepare ?? {}), '/Service': this.services.strategy() } };
    this.catalog = new ResourceCatalog(store, servedResources, hooks, {
      onError: (err) => options.logger.warn('watch cache restarted', { err: String(err) }),
    });
    this.namespaces = new NamespaceLifecycle(this.catalog.store('', 'namespaces'));
    this.services.attach(this.catalog.store('', 'services'));
    this.priorities = new PriorityAdmission(this.catalog.store('scheduling.k8s.io', 'priorityclasses'));
    this.quotas = new ResourceQuotaAdmission(this.catalog.store('', 'resourcequotas'));
    const admit: Admit = async (op, resource, namespace, obj, options) => {
      await this.namespaces.admit(op, resource, namespace, obj);
      if (op === 'create' && obj && resource.group === '' && resource.resource === 'pods') await this.priorities.admitPod(obj);
      if (op === 'delete' && resource.group === '' && resource.resource === 'namespaces') this.namespaces.checkDelete(namespace);
      // Last: quota measures the object as the other admissions left it.
      await this.quotas.admit(op, resource, namespace, obj, options);
    };
    if (options.grpcPort !== undefined) {
      this.grpc = new GrpcApi({
        catalog: this.catalog,
        filters: buildFilter,
        admit,
        logger: options.logger,
        minWatchTimeoutSeconds: options.minRequestTimeoutSeconds,
        bookmarkIntervalMs: options.bookmarkIntervalMs,
      });
    }
    const podConnect = new PodConnect({ pods: this.catalog.store('', 'pods'), nodes: this.catalog.store('', 'nodes'), logger: options.logger });
    const rest = new RestHandler({
      connect: podConnect,
      catalog: this.catalog,
      filters: buildFilter,
      tables: options.tables ?? ((r, objs, o) => ({ ...buildTable(r, objs, o) })),
      admit,
      subresources: { scale: scaleSubresource },
      decodeProtobuf: (body) => {
        try {
          return decodeProtobufBody(body);
        } catch (err) {
          if (isUnsupported(err)) throw ApiError.unsupportedMediaType('application/vnd.kubernetes.protobuf', ['application/json', 'application/yaml']);
          if (isMalformed(err)) throw ApiError.badRequest(err.message);
          throw err;
        }
      },
      unknownFields: (r, obj) => unknownFields({ group: r.group, version: r.version, kind: r.kind }, obj),
      minRequestTimeoutSeconds: options.minRequestTimeoutSeconds,
      bookmarkIntervalMs: options.bookmarkIntervalMs,
    });
    this.http = new ApiServerHttp({
      rest,
      discovery: new Discovery({ resources: this.catalog.discoveryResources(), serverAddress: `${options.bindAddress ?? '127.0.0.1'}:${options.port}` }),
      openapi: options.openapi ?? openApi(),
      logger: options.logger,
      registry: this.registry,
      upgrade: async (req, socket, head, info, query) => {
        if (podConnect.handles(info)) return podConnect.upgrade(req, socket, head, info, query);
        const body = JSON.stringify(ApiError.badRequest(`${info.resource}/${info.subresource} cannot be upgraded`).toStatus());
        socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      },
      version: serverVersion,
      checks: {
        etcd: async () => {
          await options.store.currentRevision();
        },
      },
      readyChecks: {
        'informer-sync': () => {
          if (!this.ready) throw new Error('watch caches are still loading');
        },
      },
    });
  }

  get port(): number {
    return this.http.port;
  }

  async start(): Promise<void> {
    await this.catalog.start();
    await this.namespaces.bootstrap();
    await this.bootstrapKubernetesService();
    await this.priorities.bootstrap();
    this.ready = true;
    this.sweeper = setInterval(() => {
      this.sweepExpiredPods().catch((err: unknown) => this.options.logger.warn('pod sweep failed', { err: String(err) }));
    }, 5000);
    this.sweeper.unref();
    await this.http.listen(this.options.port, this.options.bindAddress ?? '127.0.0.1');
    if (this.grpc) await this.grpc.listen(this.options.grpcPort!, this.options.bindAddress ?? '127.0.0.1');
  }

  /** The `kubernetes` Service in `default`, created on first start. */
  private async bootstrapKubernetesService(): Promise<void> {
    try {
      await this.catalog.store('', 'services').create('default', kubernetesService());
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 409)) throw err;
    }
  }

  /**
   * Pods whose grace period ran out on a node that does not exist (no kubelet will ever confirm)
   * are removed, as the pod GC would; pods on a live node wait for their kubelet.
   */
  async sweepExpiredPods(now = Date.now()): Promise<number> {
    const pods = this.catalog.store('', 'pods');
    const nodes = this.catalog.store('', 'nodes');
    let removed = 0;
    for (const { object } of pods.cache.list().items) {
      const meta = object.metadata ?? {};
      if (!meta.deletionTimestamp || Date.parse(meta.deletionTimestamp) > now || meta.finalizers?.length) continue;
      const node = (object.spec as { nodeName?: string } | undefined)?.nodeName;
      if (node && nodes.cache.get(nodes.key('', node))) continue;
      try {
        await pods.delete(meta.namespace ?? '', meta.name ?? '', { gracePeriodSeconds: 0, preconditions: { uid: meta.uid } });
        removed++;
      } catch (err) {
        if (!(err instanceof ApiError && (err.code === 404 || err.code === 409))) throw err;
      }
    }
    return removed;
  }

  async stop(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    await this.grpc?.close();
    await this.http.close();
    this.catalog.close();
  }
}
