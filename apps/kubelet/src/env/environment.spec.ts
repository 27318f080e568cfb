import type { corev1 } from '@tskube/api-types';
import { describe, expect, it } from 'vitest';
import { makeEnvironment, type EnvContext, type EnvSources } from './environment';
import { EnvError } from './errors';

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** EnvSources over fixed objects, counting the lookups. */
class FakeSources implements EnvSources {
  readonly calls: string[] = [];
  constructor(
    private readonly objects: { configMaps?: corev1.ConfigMap[]; secrets?: corev1.Secret[]; services?: corev1.Service[] } = {},
    private readonly failServices = false,
  ) {}

  async getConfigMap(namespace: string, name: string) {
    this.calls.push(`configmap ${namespace}/${name}`);
    return this.objects.configMaps?.find((o) => o.metadata?.namespace === namespace && o.metadata.name === name);
  }

  async getSecret(namespace: string, name: string) {
    this.calls.push(`secret ${namespace}/${name}`);
    return this.objects.secrets?.find((o) => o.metadata?.namespace === namespace && o.metadata.name === name);
  }

  async listServices(namespace: string) {
    this.calls.push(`services ${namespace}`);
    if (this.failServices) throw new Error('cache not synced');
    return (this.objects.services ?? []).filter((s) => s.metadata?.namespace === namespace);
  }
}

const sources = new FakeSources({
  configMaps: [
    { metadata: { namespace: 'shop', name: 'settings' }, data: { LOG_LEVEL: 'debug', MODE: 'fast', '1st': 'x', 'dotted.key': 'y' } },
    { metadata: { namespace: 'shop', name: 'overrides' }, data: { MODE: 'slow' } },
    { metadata: { namespace: 'other', name: 'elsewhere' }, data: { K: 'v' } },
  ],
  secrets: [{ metadata: { namespace: 'shop', name: 'creds' }, data: { PASSWORD: b64('s3cr=t é'), 'api-key': b64('k-123') } }],
  services: [
    { metadata: { namespace: 'default', name: 'kubernetes' }, spec: { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP' }] } },
    { metadata: { namespace: 'shop', name: 'db' }, spec: { clusterIP: '10.96.0.20', ports: [{ port: 5432 }] } },
  ],
});

const ctx: EnvContext = {
  nodeName: 'node-1',
  hostIP: '192.168.1.10',
  podIP: '10.244.0.7',
  podIPs: ['fd00::7', '10.244.0.7'],
  nodeAllocatable: { cpu: '4', memory: '8Gi', 'ephemeral-storage': '50Gi' },
};

function pod(container: corev1.Container, spec: Partial<corev1.PodSpec> = {}): corev1.Pod {
  return {
    metadata: { name: 'web-0', namespace: 'shop', uid: 'uid-123', labels: { app: 'web' }, annotations: { 'example.com/owner': 'team-a' } },
    spec: { nodeName: 'node-1', serviceAccountName: 'robot', enableServiceLinks: true, containers: [container], ...spec },
  };
}

async function envOf(container: corev1.Container, spec: Partial<corev1.PodSpec> = {}, s: EnvSources = sources, c: EnvContext = ctx) {
  return Object.fromEntries((await makeEnvironment(pod(container, spec), container, s, c)).map((e) => [e.name, e.value]));
}

const serviceVarNames = [
  'KUBERNETES_SERVICE_HOST',
  'KUBERNETES_SERVICE_PORT',
  'KUBERNETES_SERVICE_PORT_HTTPS',
  'KUBERNETES_PORT',
  'KUBERNETES_PORT_443_TCP',
  'KUBERNETES_PORT_443_TCP_PROTO',
  'KUBERNETES_PORT_443_TCP_PORT',
  'KUBERNETES_PORT_443_TCP_ADDR',
];

describe('makeEnvironment: env values', () => {
  it.each([
    { name: 'a literal value', env: [{ name: 'A', value: 'x' }], want: { A: 'x' } },
    { name: 'an empty value', env: [{ name: 'A' }], want: { A: '' } },
    { name: 'a reference to an earlier var', env: [{ name: 'A', value: 'x' }, { name: 'B', value: '$(A)-y' }], want: { A: 'x', B: 'x-y' } },
    { name: 'a reference to a later var stays as written', env: [{ name: 'B', value: '$(A)-y' }, { name: 'A', value: 'x' }], want: { A: 'x', B: '$(A)-y' } },
    { name: 'a reference to itself before its definition', env: [{ name: 'A', value: '$(A)' }], want: { A: '$(A)' } },
    { name: 'a redefinition sees the earlier value', env: [{ name: 'A', value: '1' }, { name: 'A', value: '$(A)2' }], want: { A: '12' } },
    { name: 'an escaped reference', env: [{ name: 'A', value: 'x' }, { name: 'B', value: '$$(A)' }], want: { B: '$(A)' } },
    { name: 'a reference to a service variable', env: [{ name: 'DB', value: '$(DB_SERVICE_HOST):$(DB_SERVICE_PORT)' }], want: { DB: '10.96.0.20:5432' } },
    { name: 'a reference to a valueFrom var', env: [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }, { name: 'URL', value: 'http://$(NODE)' }], want: { URL: 'http://node-1' } },
    { name: 'a value wins over valueFrom', env: [{ name: 'A', value: 'lit', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }], want: { A: 'lit' } },
  ])('$name', async ({ env, want }) => {
    expect(await envOf({ name: 'c', env })).toMatchObject(want);
  });
});

describe('makeEnvironment: valueFrom', () => {
  const field = (fieldPath: string) => ({ fieldRef: { apiVersion: 'v1', fieldPath } });
  it.each([
    { name: 'metadata.name', from: field('metadata.name'), want: 'web-0' },
    { name: 'metadata.namespace', from: field('metadata.namespace'), want: 'shop' },
    { name: 'metadata.uid', from: field('metadata.uid'), want: 'uid-123' },
    { name: "metadata.labels['app']", from: field("metadata.labels['app']"), want: 'web' },
    { name: "metadata.annotations['example.com/owner']", from: field("metadata.annotations['example.com/owner']"), want: 'team-a' },
    { name: 'metadata.labels (all)', from: field('metadata.labels'), want: 'app="web"' },
    { name: 'spec.nodeName', from: field('spec.nodeName'), want: 'node-1' },
    { name: 'spec.serviceAccountName', from: field('spec.serviceAccountName'), want: 'robot' },
    { name: 'status.hostIP', from: field('status.hostIP'), want: '192.168.1.10' },
    { name: 'status.hostIPs', from: field('status.hostIPs'), want: '192.168.1.10' },
    { name: 'status.podIP (the node family first)', from: field('status.podIP'), want: '10.244.0.7' },
    { name: 'status.podIPs (the node family first)', from: field('status.podIPs'), want: '10.244.0.7,fd00::7' },
    { name: 'configMapKeyRef', from: { configMapKeyRef: { name: 'settings', key: 'LOG_LEVEL' } }, want: 'debug' },
    { name: 'secretKeyRef (decoded)', from: { secretKeyRef: { name: 'creds', key: 'PASSWORD' } }, want: 's3cr=t é' },
    { name: 'resourceFieldRef requests.cpu in millicores', from: { resourceFieldRef: { resource: 'requests.cpu', divisor: '1m' } }, want: '500' },
    { name: 'resourceFieldRef limits.memory', from: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } }, want: '256' },
    { name: 'resourceFieldRef unset limits.cpu is the node allocatable', from: { resourceFieldRef: { resource: 'limits.cpu' } }, want: '4' },
    { name: 'resourceFieldRef unset limits.ephemeral-storage', from: { resourceFieldRef: { resource: 'limits.ephemeral-storage', divisor: '1Gi' } }, want: '50' },
    { name: 'resourceFieldRef unset requests stay zero', from: { resourceFieldRef: { resource: 'requests.ephemeral-storage' } }, want: '0' },
    { name: 'resourceFieldRef of a named container', from: { resourceFieldRef: { containerName: 'side', resource: 'limits.memory', divisor: '1Gi' } }, want: '8' },
  ])('$name', async ({ from, want }) => {
    const container: corev1.Container = { name: 'c', env: [{ name: 'V', valueFrom: from }], resources: { requests: { cpu: '500m' }, limits: { memory: '256Mi' } } };
    const env = await makeEnvironment(pod(container, { containers: [container, { name: 'side' }] }), container, sources, ctx);
    expect(env.find((e) => e.name === 'V')?.value).toBe(want);
  });

  it('prefers the IPv6 pod IP on an IPv6 node', async () => {
    const env = await envOf({ name: 'c', env: [{ name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }, { name: 'IPS', valueFrom: { fieldRef: { fieldPath: 'status.podIPs' } } }] }, {}, sources, { ...ctx, hostIP: 'fd00::1' });
    expect(env).toMatchObject({ IP: 'fd00::7', IPS: 'fd00::7,10.244.0.7' });
  });

  it('gives the pod IP as given when no pod IPs are known, and empty before the sandbox has one', async () => {
    const container = { name: 'c', env: [{ name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }, { name: 'IPS', valueFrom: { fieldRef: { fieldPath: 'status.podIPs' } } }] };
    expect(await envOf(container, {}, sources, { nodeName: 'n', hostIP: '1.2.3.4', podIP: '10.0.0.9' })).toMatchObject({ IP: '10.0.0.9', IPS: '10.0.0.9' });
    expect(await envOf(container, {}, sources, { nodeName: 'n', hostIP: '1.2.3.4' })).toMatchObject({ IP: '', IPS: '' });
  });

  it.each([
    { name: 'a missing optional ConfigMap', from: { configMapKeyRef: { name: 'absent', key: 'k', optional: true } } },
    { name: 'a missing optional ConfigMap key', from: { configMapKeyRef: { name: 'settings', key: 'absent', optional: true } } },
    { name: 'a missing optional Secret', from: { secretKeyRef: { name: 'absent', key: 'k', optional: true } } },
    { name: 'a missing optional Secret key', from: { secretKeyRef: { name: 'creds', key: 'absent', optional: true } } },
  ])('leaves the variable out for $name', async ({ from }) => {
    expect(await envOf({ name: 'c', env: [{ name: 'V', valueFrom: from }] })).not.toHaveProperty('V');
  });
});

describe('makeEnvironment: envFrom', () => {
  it('adds every key, with the prefix, later sources overriding earlier ones', async () => {
    const env = await envOf({
      name: 'c',
      envFrom: [{ configMapRef: { name: 'settings' } }, { configMapRef: { name: 'overrides' } }, { prefix: 'S_', secretRef: { name: 'creds' } }],
    });
    expect(env).toMatchObject({ LOG_LEVEL: 'debug', MODE: 'slow', 'dotted.key': 'y', '1st': 'x', S_PASSWORD: 's3cr=t é', 'S_api-key': 'k-123' });
  });

  it.each([
    { name: 'an optional ConfigMap', from: { configMapRef: { name: 'absent', optional: true } } },
    { name: 'an optional Secret', from: { secretRef: { name: 'absent', optional: true } } },
  ])('skips $name that does not exist', async ({ from }) => {
    expect(Object.keys(await envOf({ name: 'c', envFrom: [from] })).sort()).toEqual(serviceVarNames.concat(['DB_PORT', 'DB_PORT_5432_TCP', 'DB_PORT_5432_TCP_ADDR', 'DB_PORT_5432_TCP_PORT', 'DB_PORT_5432_TCP_PROTO', 'DB_SERVICE_HOST', 'DB_SERVICE_PORT']).sort());
  });

  it('skips keys no environment can hold and reports them in one event', async () => {
    const events: string[] = [];
    const s = new FakeSources({ configMaps: [{ metadata: { namespace: 'shop', name: 'odd' }, data: { GOOD: '1', 'a=b': '2', 'tab\tkey': '3', 'ünï': '4' } }] });
    const env = await envOf({ name: 'c', envFrom: [{ configMapRef: { name: 'odd' } }] }, {}, s, { ...ctx, recordEvent: (type, reason, message) => events.push(`${type} ${reason} ${message}`) });
    expect(Object.keys(env)).toEqual(['GOOD']);
    expect(events).toEqual([
      'Warning InvalidEnvironmentVariableNames Keys [a=b, tab\tkey, ünï] from the EnvFrom configMap shop/odd were skipped since they are considered invalid environment variable names.',
    ]);
  });

  it('reads each ConfigMap and Secret once however often it is named', async () => {
    const s = new FakeSources({ configMaps: [{ metadata: { namespace: 'shop', name: 'settings' }, data: { A: '1', B: '2' } }] });
    await envOf({ name: 'c', envFrom: [{ configMapRef: { name: 'settings' } }], env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'settings', key: 'A' } } }, { name: 'Y', valueFrom: { configMapKeyRef: { name: 'settings', key: 'B' } } }] }, {}, s);
    expect(s.calls.filter((c) => c.startsWith('configmap'))).toEqual(['configmap shop/settings']);
  });
});

describe('makeEnvironment: precedence and order', () => {
  const container: corev1.Container = {
    name: 'c',
    envFrom: [{ configMapRef: { name: 'settings' } }],
    env: [
      { name: 'MODE', value: 'explicit' },
      { name: 'DB_SERVICE_HOST', value: 'db.local' },
      { name: 'FROM_CM', value: '$(LOG_LEVEL)' },
    ],
  };

  it('env overrides envFrom, and both override service variables', async () => {
    const env = await makeEnvironment(pod(container), container, sources, ctx);
    const byName = Object.fromEntries(env.map((e) => [e.name, e.value]));
    expect(byName).toMatchObject({ MODE: 'explicit', DB_SERVICE_HOST: 'db.local', FROM_CM: 'debug', KUBERNETES_SERVICE_HOST: '10.96.0.1' });
    expect(env.filter((e) => e.name === 'DB_SERVICE_HOST')).toHaveLength(1);
  });

  it('lists envFrom and env variables first, in definition order, then the service variables', async () => {
    const names = (await makeEnvironment(pod(container), container, sources, ctx)).map((e) => e.name);
    expect(names.slice(0, 6)).toEqual(['LOG_LEVEL', 'MODE', '1st', 'dotted.key', 'DB_SERVICE_HOST', 'FROM_CM']);
    expect(names.slice(6)).toEqual([
      'DB_SERVICE_PORT',
      'DB_PORT',
      'DB_PORT_5432_TCP',
      'DB_PORT_5432_TCP_PROTO',
      'DB_PORT_5432_TCP_PORT',
      'DB_PORT_5432_TCP_ADDR',
      ...serviceVarNames,
    ]);
  });

  it('gives only the kubernetes service variables when service links are off', async () => {
    const env = await envOf({ name: 'c' }, { enableServiceLinks: false });
    expect(Object.keys(env).sort()).toEqual([...serviceVarNames].sort());
  });

  it('gives the default namespace its own services', async () => {
    const container: corev1.Container = { name: 'c' };
    const p = { ...pod(container), metadata: { name: 'x', namespace: 'default' } };
    const s = new FakeSources({ services: [...(await sources.listServices('default')), { metadata: { namespace: 'default', name: 'cache' }, spec: { clusterIP: '10.96.0.30', ports: [{ port: 6379 }] } }] });
    const env = Object.fromEntries((await makeEnvironment(p, container, s, ctx)).map((e) => [e.name, e.value]));
    expect(env).toMatchObject({ CACHE_SERVICE_HOST: '10.96.0.30', KUBERNETES_SERVICE_HOST: '10.96.0.1' });
    expect(s.calls).toEqual(['services default']);
  });
});

describe('makeEnvironment: errors (CreateContainerConfigError messages)', () => {
  it.each([
    { name: 'a missing ConfigMap', container: { name: 'c', env: [{ name: 'V', valueFrom: { configMapKeyRef: { name: 'absent', key: 'k' } } }] }, error: 'configmap "absent" not found' },
    { name: 'a missing ConfigMap key', container: { name: 'c', env: [{ name: 'V', valueFrom: { configMapKeyRef: { name: 'settings', key: 'nope' } } }] }, error: "couldn't find key nope in ConfigMap shop/settings" },
    { name: 'a missing Secret', container: { name: 'c', env: [{ name: 'V', valueFrom: { secretKeyRef: { name: 'absent', key: 'k' } } }] }, error: 'secret "absent" not found' },
    { name: 'a missing Secret key', container: { name: 'c', env: [{ name: 'V', valueFrom: { secretKeyRef: { name: 'creds', key: 'nope' } } }] }, error: "couldn't find key nope in Secret shop/creds" },
    { name: 'an envFrom ConfigMap', container: { name: 'c', envFrom: [{ configMapRef: { name: 'absent' } }] }, error: 'configmap "absent" not found' },
    { name: 'an envFrom Secret', container: { name: 'c', envFrom: [{ secretRef: { name: 'absent' } }] }, error: 'secret "absent" not found' },
    { name: 'a ConfigMap of another namespace', container: { name: 'c', envFrom: [{ configMapRef: { name: 'elsewhere' } }] }, error: 'configmap "elsewhere" not found' },
    { name: 'an unsupported field', container: { name: 'c', env: [{ name: 'V', valueFrom: { fieldRef: { fieldPath: 'spec.containers' } } }] }, error: 'field label not supported: spec.containers' },
    { name: 'a field env vars cannot read', container: { name: 'c', env: [{ name: 'V', valueFrom: { fieldRef: { fieldPath: 'status.phase' } } }] }, error: 'unsupported fieldPath: status.phase' },
    { name: 'an unsupported API version', container: { name: 'c', env: [{ name: 'V', valueFrom: { fieldRef: { apiVersion: 'v2', fieldPath: 'metadata.name' } } }] }, error: 'unsupported pod version: v2' },
    { name: 'an unsupported resource', container: { name: 'c', env: [{ name: 'V', valueFrom: { resourceFieldRef: { resource: 'limits.gpu' } } }] }, error: 'unsupported container resource : limits.gpu' },
    { name: 'an unknown container', container: { name: 'c', env: [{ name: 'V', valueFrom: { resourceFieldRef: { containerName: 'ghost', resource: 'limits.cpu' } } }] }, error: 'container ghost not found' },
    { name: 'a malformed divisor', container: { name: 'c', env: [{ name: 'V', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: 'lots' } } }] }, error: /quantities must match/ },
  ])('$name', async ({ container, error }) => {
    const err = await makeEnvironment(pod(container), container, sources, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnvError);
    if (typeof error === 'string') expect((err as Error).message).toBe(error);
    else expect((err as Error).message).toMatch(error);
  });

  it('needs the host IP for status.hostIP', async () => {
    const container = { name: 'c', env: [{ name: 'V', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } }] };
    await expect(makeEnvironment(pod(container), container, sources, { nodeName: 'n' })).rejects.toThrow('host IP unknown; known addresses: []');
  });

  it('fails when the services cannot be listed', async () => {
    const container = { name: 'c' };
    await expect(makeEnvironment(pod(container), container, new FakeSources({}, true), ctx)).rejects.toThrow(new EnvError('failed to list services when setting up env vars'));
  });
});
