import { isIPv4, isIPv6 } from 'node:net';
import type { corev1 } from '@tskube/api-types';
import { EnvError } from './errors';
import { expand, mappingFor } from './expansion';
import { convertDownwardAPIFieldLabel, extractFieldPathAsString } from './fieldpath';
import { resourceFieldValue } from './resources';
import { serviceEnvVars, visibleServices } from './service-env';

/** Where the kubelet reads what env vars refer to; normally its informers' caches. */
export interface EnvSources {
  /** The ConfigMap, or undefined if it does not exist. */
  getConfigMap(namespace: string, name: string): Promise<corev1.ConfigMap | undefined>;
  /** The Secret, or undefined if it does not exist. */
  getSecret(namespace: string, name: string): Promise<corev1.Secret | undefined>;
  /**
   * The services of `namespace`, for the service environment variables. Called for the pod's
   * namespace and for `default` (whose `kubernetes` service every pod sees).
   */
  listServices(namespace: string): Promise<corev1.Service[]>;
}

/** What the kubelet knows about the node and the pod's sandbox when it starts a container. */
export interface EnvContext {
  nodeName: string;
  /** The node's primary address (status.hostIP). */
  hostIP?: string;
  /** All the node's addresses, primary first (status.hostIPs); default [hostIP]. */
  hostIPs?: string[];
  /** The sandbox's IP (status.podIP). */
  podIP?: string;
  /** The sandbox's IPs (status.podIPs); default [podIP]. */
  podIPs?: string[];
  /**
   * The node's allocatable resources: the limits a resourceFieldRef reports for unset ones
   * (absent: unset limits read as 0).
   */
  nodeAllocatable?: Record<string, string>;
  /**
   * Told about warnings Kubernetes records as pod events: envFrom keys skipped because no
   * environment can hold them (reason InvalidEnvironmentVariableNames).
   */
  recordEvent?: (type: 'Normal' | 'Warning', reason: string, message: string) => void;
}

export type EnvVar = { name: string; value: string };

/**
 * A name an environment can hold: printable ASCII without `=` (Kubernetes' relaxed environment
 * variable names, the default since 1.32).
 */
export function isEnvVarName(name: string): boolean {
  return /^[\x20-\x3c\x3e-\x7e]+$/.test(name);
}

function decodeSecretValue(data: string): string {
  return Buffer.from(data, 'base64').toString('utf8');
}

/** Fetches each ConfigMap and Secret once per environment, as the kubelet does. */
class Lookups {
  private readonly configMaps = new Map<string, corev1.ConfigMap | undefined>();
  private readonly secrets = new Map<string, corev1.Secret | undefined>();

  constructor(
    private readonly sources: EnvSources,
    private readonly namespace: string,
  ) {}

  async configMap(name: string): Promise<corev1.ConfigMap | undefined> {
    if (!this.configMaps.has(name)) this.configMaps.set(name, await this.fetch('configmap', name, () => this.sources.getConfigMap(this.namespace, name)));
    return this.configMaps.get(name);
  }

  async secret(name: string): Promise<corev1.Secret | undefined> {
    if (!this.secrets.has(name)) this.secrets.set(name, await this.fetch('secret', name, () => this.sources.getSecret(this.namespace, name)));
    return this.secrets.get(name);
  }

  private async fetch<T>(what: string, name: string, get: () => Promise<T>): Promise<T> {
    try {
      return await get();
    } catch (err) {
      throw new EnvError(`failed to get ${what} ${this.namespace}/${name}: ${(err as Error).message}`, { cause: err });
    }
  }
}

/** The pod's IPs with the node's address family first, one of each family at most. */
function sortPodIPs(podIPs: readonly string[], hostIP: string | undefined): string[] {
  const v6First = hostIP !== undefined && isIPv6(hostIP);
  const [primary, secondary] = v6First ? [isIPv6, isIPv4] : [isIPv4, isIPv6];
  return [podIPs.find((ip) => primary(ip)), podIPs.find((ip) => secondary(ip))].filter((ip): ip is string => ip !== undefined);
}

function hostIPs(ctx: EnvContext): string[] {
  const ips = ctx.hostIPs ?? (ctx.hostIP ? [ctx.hostIP] : []);
  if (ips.length === 0) throw new EnvError('host IP unknown; known addresses: []');
  return ips;
}

function fieldRefValue(ref: corev1.ObjectFieldSelector, pod: corev1.Pod, ctx: EnvContext): string {
  let path: string;
  try {
    path = convertDownwardAPIFieldLabel(ref.apiVersion, ref.fieldPath);
  } catch (err) {
    throw new EnvError((err as Error).message);
  }
  const podIPs = sortPodIPs(ctx.podIPs ?? (ctx.podIP ? [ctx.podIP] : []), ctx.hostIPs?.[0] ?? ctx.hostIP);
  const podIP = podIPs[0] ?? ctx.podIP ?? '';
  switch (path) {
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? '';
    case 'status.hostIP':
      return hostIPs(ctx)[0]!;
    case 'status.hostIPs':
      return hostIPs(ctx).join(',');
    case 'status.podIP':
      return podIP;
    case 'status.podIPs':
      return podIPs.join(',');
  }
  try {
    return extractFieldPathAsString(pod, path);
  } catch (err) {
    throw new EnvError((err as Error).message);
  }
}

function resourceRefValue(ref: corev1.ResourceFieldSelector, pod: corev1.Pod, container: corev1.Container, ctx: EnvContext): string {
  // The kubelet defaults the limits of the pod's (regular) containers from the node's allocatable;
  // an init container named by containerName keeps its own.
  const named = ref.containerName;
  const defaulted = !named || named === container.name || (pod.spec?.containers ?? []).some((c) => c.name === named);
  try {
    return resourceFieldValue(ref, pod, container, defaulted ? ctx.nodeAllocatable : undefined);
  } catch (err) {
    throw new EnvError((err as Error).message, { cause: err });
  }
}

/**
 * The container's environment as Kubernetes' kubelet builds it:
 *
 * 1. envFrom sources in order, later ones overriding earlier ones, keys prefixed; a missing optional
 *    source is skipped; keys no environment can hold are skipped with an event.
 * 2. env entries in order, overriding envFrom: a `value` has `$(VAR)` references expanded against
 *    what is defined so far and the service variables; `valueFrom` resolves its source. A missing
 *    optional ConfigMap, Secret or key leaves the variable out.
 * 3. The service variables (see service-env.ts) not already defined.
 *
 * Variables keep the position where they were first defined. Throws EnvError with the kubelet's
 * message for what cannot be resolved.
 */
export async function makeEnvironment(pod: corev1.Pod, container: corev1.Container, sources: EnvSources, ctx: EnvContext): Promise<EnvVar[]> {
  const namespace = pod.metadata?.namespace || 'default';
  const serviceEnv = await serviceEnvironment(namespace, pod.spec?.enableServiceLinks ?? true, sources);
  const lookups = new Lookups(sources, namespace);
  const env = new Map<string, string>();

  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    let data: Record<string, string> | undefined;
    let what: string;
    if (from.configMapRef) {
      const ref = from.configMapRef;
      what = `configMap ${namespace}/${ref.name}`;
      const cm = await lookups.configMap(ref.name ?? '');
      if (!cm) {
        if (ref.optional) continue;
        throw new EnvError(`configmap "${ref.name ?? ''}" not found`);
      }
      data = cm.data ?? {};
    } else if (from.secretRef) {
      const ref = from.secretRef;
      what = `secret ${namespace}/${ref.name}`;
      const secret = await lookups.secret(ref.name ?? '');
      if (!secret) {
        if (ref.optional) continue;
        throw new EnvError(`secret "${ref.name ?? ''}" not found`);
      }
      data = Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, decodeSecretValue(v)]));
    } else {
      continue;
    }
    const invalid: string[] = [];
    for (const [key, value] of Object.entries(data)) {
      const name = prefix + key;
      if (!isEnvVarName(name)) {
        invalid.push(name);
        continue;
      }
      env.set(name, value);
    }
    if (invalid.length > 0) {
      ctx.recordEvent?.(
        'Warning',
        'InvalidEnvironmentVariableNames',
        `Keys [${invalid.sort().join(', ')}] from the EnvFrom ${what} were skipped since they are considered invalid environment variable names.`,
      );
    }
  }

  const mapping = mappingFor(env, serviceEnv);
  for (const entry of container.env ?? []) {
    let value = entry.value ?? '';
    if (value !== '') {
      value = expand(value, mapping);
    } else if (entry.valueFrom) {
      const from = entry.valueFrom;
      if (from.fieldRef) {
        value = fieldRefValue(from.fieldRef, pod, ctx);
      } else if (from.resourceFieldRef) {
        value = resourceRefValue(from.resourceFieldRef, pod, container, ctx);
      } else if (from.configMapKeyRef) {
        const ref = from.configMapKeyRef;
        const cm = await lookups.configMap(ref.name ?? '');
        if (!cm) {
          if (ref.optional) continue;
          throw new EnvError(`configmap "${ref.name ?? ''}" not found`);
        }
        const found = cm.data?.[ref.key];
        if (found === undefined) {
          if (ref.optional) continue;
          throw new EnvError(`couldn't find key ${ref.key} in ConfigMap ${namespace}/${ref.name ?? ''}`);
        }
        value = found;
      } else if (from.secretKeyRef) {
        const ref = from.secretKeyRef;
        const secret = await lookups.secret(ref.name ?? '');
        if (!secret) {
          if (ref.optional) continue;
          throw new EnvError(`secret "${ref.name ?? ''}" not found`);
        }
        const found = secret.data?.[ref.key];
        if (found === undefined) {
          if (ref.optional) continue;
          throw new EnvError(`couldn't find key ${ref.key} in Secret ${namespace}/${ref.name ?? ''}`);
        }
        value = decodeSecretValue(found);
      }
    }
    env.set(entry.name, value);
  }

  const out: EnvVar[] = [...env].map(([name, value]) => ({ name, value }));
  for (const [name, value] of serviceEnv) if (!env.has(name)) out.push({ name, value });
  return out;
}

/** The service variables a pod of `namespace` gets (see visibleServices). */
async function serviceEnvironment(namespace: string, enableServiceLinks: boolean, sources: EnvSources): Promise<Map<string, string>> {
  let own: corev1.Service[];
  let fromDefault: corev1.Service[];
  try {
    [own, fromDefault] = await Promise.all([
      namespace === 'default' || !enableServiceLinks ? Promise.resolve([]) : sources.listServices(namespace),
      sources.listServices('default'),
    ]);
  } catch (err) {
    throw new EnvError('failed to list services when setting up env vars', { cause: err });
  }
  const services = visibleServices(namespace, enableServiceLinks, own, fromDefault);
  return new Map(serviceEnvVars(services).map((e) => [e.name, e.value]));
}
