import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from './harness';

const pod = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, ...extra },
  spec: { containers: [{ name: 'c', image: 'busybox' }] },
});

describe('apiserver REST API', () => {
  let c: TestCluster;
  beforeAll(async () => {
    c = await startCluster();
  });
  afterAll(async () => {
    await c?.stop();
  });

  it('serves health, version and metrics', async () => {
    expect((await c.request('GET', '/healthz')).text).toBe('ok');
    expect((await c.request('GET', '/readyz?verbose')).text).toContain('[+]informer-sync ok');
    expect((await c.request('GET', '/livez')).status).toBe(200);
    expect((await c.request('GET', '/version')).json()).toMatchObject({ major: '1', minor: '33' });
    await c.request('GET', '/api/v1/namespaces/default/pods');
    const metrics = (await c.request('GET', '/metrics')).text;
    expect(metrics).toMatch(/apiserver_request_total\{verb="LIST",group="",version="v1",resource="pods",subresource="",code="200"\} \d+/);
    expect(metrics).toContain('apiserver_request_duration_seconds_bucket');
    expect(metrics).toContain('apiserver_storage_request_duration_seconds');
    expect(metrics).toContain('apiserver_registered_watchers');
  });

  it('creates the system namespaces on first start', async () => {
    const list = (await c.request('GET', '/api/v1/namespaces')).json() as { items: { metadata: { name: string }; status: { phase: string } }[] };
    expect(list.items.map((n) => n.metadata.name).sort()).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    expect(list.items.every((n) => n.status.phase === 'Active')).toBe(true);
  });

  it('serves legacy and aggregated discovery with exact content types', async () => {
    const api = await c.request('GET', '/api');
    expect(api.json()).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const v2 = await c.request('GET', '/apis', undefined, {
      Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json',
    });
    expect(v2.headers.get('content-type')).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    const beta = await c.request('GET', '/api', undefined, {
      Accept: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json',
    });
    expect(beta.headers.get('content-type')).toBe('application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList');
    const core = beta.json() as { items: { metadata: { name: string }; versions: { resources: { resource: string; shortNames?: string[] }[] }[] }[] };
    expect(core.items).toHaveLength(1);
    expect(core.items[0].metadata.name).toBe('');
    expect(core.items[0].versions[0].resources.find((r) => r.resource === 'pods')?.shortNames).toEqual(['po']);
    const apps = (await c.request('GET', '/apis/apps/v1')).json() as { resources: { name: string; kind: string; group?: string }[] };
    expect(apps.resources.find((r) => r.name === 'deployments/scale')).toMatchObject({ kind: 'Scale', group: 'autoscaling' });
    expect(((await c.request('GET', '/apis')).json() as { kind: string }).kind).toBe('APIGroupList');
  });

  it('creates, reads, lists with paging, updates and deletes', async () => {
    const created = await c.request('POST', '/api/v1/namespaces/default/pods', pod('crud'));
    expect(created.status).toBe(201);
    const obj = created.json() as { metadata: { uid: string; resourceVersion: string } };
    expect(obj.metadata.uid).toBeTruthy();
    const got = await c.request('GET', '/api/v1/namespaces/default/pods/crud');
    expect(got.json()).toEqual(obj);
    for (let i = 0; i < 4; i++) await c.request('POST', '/api/v1/namespaces/default/pods', pod(`page-${i}`, { labels: { page: 'yes' } }));
    const page = (await c.request('GET', '/api/v1/namespaces/default/pods?labelSelector=page%3Dyes&limit=3')).json() as {
      items: unknown[];
      metadata: { continue?: string };
    };
    expect(page.items).toHaveLength(3);
    const rest = (await c.request('GET', `/api/v1/namespaces/default/pods?labelSelector=page%3Dyes&limit=3&continue=${page.metadata.continue}`)).json() as { items: unknown[] };
    expect(rest.items).toHaveLength(1);
    const merged = await c.request('PATCH', '/api/v1/namespaces/default/pods/crud', { metadata: { labels: { a: 'b' } } }, { 'Content-Type': 'application/merge-patch+json' });
    expect((merged.json() as { metadata: { labels: Record<string, string> } }).metadata.labels).toEqual({ a: 'b' });
    const jsonPatched = await c.request('PATCH', '/api/v1/namespaces/default/pods/crud', [{ op: 'add', path: '/metadata/annotations', value: { x: 'y' } }], {
      'Content-Type': 'application/json-patch+json',
    });
    expect((jsonPatched.json() as { metadata: { annotations: Record<string, string> } }).metadata.annotations).toEqual({ x: 'y' });
    const del = await c.request('DELETE', '/api/v1/namespaces/default/pods/crud');
    expect(del.status).toBe(200);
    expect((await c.request('GET', '/api/v1/namespaces/default/pods/crud')).status).toBe(404);
  });

  it('answers bad input with Kubernetes status codes and changes nothing', async () => {
    const before = await c.store.currentRevision();
    const cases: [string, string, unknown, Record<string, string>, number, string | RegExp][] = [
      ['malformed JSON', '/api/v1/namespaces/default/pods', '{"apiVersion": "v1", "kind": ', { 'Content-Type': 'application/json' }, 400, /json parse error/],
      ['malformed YAML', '/api/v1/namespaces/default/pods', 'a: [b', { 'Content-Type': 'application/yaml' }, 400, /YAML/],
      ['unknown resource', '/api/v1/namespaces/default/widgets', pod('w'), {}, 404, 'the server could not find the requested resource'],
      ['wrong apiVersion', '/api/v1/namespaces/default/pods', { ...pod('v'), apiVersion: 'apps/v1' }, {}, 400, 'the API version in the data (apps/v1) does not match the expected API version (v1)'],
      ['wrong kind', '/api/v1/namespaces/default/pods', { ...pod('k'), kind: 'Service' }, {}, 400, /does not match the expected kind \(Pod\)/],
      ['namespace mismatch', '/api/v1/namespaces/default/pods', pod('n', { namespace: 'kube-system' }), {}, 400, 'the namespace of the provided object does not match the namespace sent on the request'],
      ['missing namespace', '/api/v1/namespaces/nowhere/pods', pod('m'), {}, 404, 'namespaces "nowhere" not found'],
      ['unsupported content type', '/api/v1/namespaces/default/pods', 'x', { 'Content-Type': 'text/plain' }, 415, /unknown format/],
    ];
    for (const [what, path, body, headers, code, message] of cases) {
      const r = await c.request('POST', path, body, headers);
      expect(r.status, what).toBe(code);
      expect(r.headers.get('content-type'), what).toBe('application/json');
      const status = r.json() as { kind: string; status: string; code: number; message: string };
      expect(status.kind, what).toBe('Status');
      expect(status.status).toBe('Failure');
      expect(status.code).toBe(code);
      if (typeof message === 'string') expect(status.message, what).toBe(message);
      else expect(status.message, what).toMatch(message);
    }
    const big = JSON.stringify({ ...pod('big'), metadata: { name: 'big', annotations: { a: 'x'.repeat(4 * 1024 * 1024) } } });
    const tooLarge = await c.request('POST', '/api/v1/namespaces/default/pods', big, { 'Content-Type': 'application/json' });
    expect(tooLarge.status).toBe(413);
    expect(await c.store.currentRevision()).toBe(before);
  });

  it('refuses a stale update with 409 Conflict and a duplicate create with 409 AlreadyExists', async () => {
    const created = (await c.request('POST', '/api/v1/namespaces/default/pods', pod('conflict'))).json() as { metadata: Record<string, unknown> };
    await c.request('PATCH', '/api/v1/namespaces/default/pods/conflict', { metadata: { labels: { v: '2' } } }, { 'Content-Type': 'application/merge-patch+json' });
    const stale = await c.request('PUT', '/api/v1/namespaces/default/pods/conflict', created);
    expect(stale.status).toBe(409);
    expect((stale.json() as { reason: string }).reason).toBe('Conflict');
    const dup = await c.request('POST', '/api/v1/namespaces/default/pods', pod('conflict'));
    expect((dup.json() as { reason: string; code: number }).code).toBe(409);
    expect((dup.json() as { reason: string }).reason).toBe('AlreadyExists');
  });

  it('honours dryRun=All on create, update, patch and delete', async () => {
    const before = await c.store.currentRevision();
    const r = await c.request('POST', '/api/v1/namespaces/default/pods?dryRun=All', pod('dry'));
    expect(r.status).toBe(201);
    expect((await c.request('GET', '/api/v1/namespaces/default/pods/dry')).status).toBe(404);
    expect(await c.store.currentRevision()).toBe(before);
  });

  it('streams watch events as newline-delimited JSON, resuming from a resourceVersion', async () => {
    const list = (await c.request('GET', '/api/v1/namespaces/default/configmaps')).json() as { metadata: { resourceVersion: string } };
    const controller = new AbortController();
    const res = await fetch(`${c.url}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${list.metadata.resourceVersion}&allowWatchBookmarks=true`, {
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const reader = res.body!.getReader();
    await c.request('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'w1' }, data: { a: '1' } });
    await c.request('PATCH', '/api/v1/namespaces/default/configmaps/w1', { data: { a: '2' } }, { 'Content-Type': 'application/merge-patch+json' });
    await c.request('DELETE', '/api/v1/namespaces/default/configmaps/w1');
    const events: { type: string; object: { kind: string; metadata: { name: string } } }[] = [];
    let buffered = '';
    while (events.length < 3) {
      const { value, done } = await reader.read();
      if (done) break;
      buffered += new TextDecoder().decode(value);
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) if (line) events.push(JSON.parse(line));
    }
    controller.abort();
    expect(events.map((e) => `${e.type} ${e.object.kind} ${e.object.metadata.name}`)).toEqual(['ADDED ConfigMap w1', 'MODIFIED ConfigMap w1', 'DELETED ConfigMap w1']);
  });

  it('sends a 410 Expired ERROR event inside a 200 stream for a too-old resourceVersion', async () => {
    // A restarted apiserver's cache starts at the store's revision: history before it is gone.
    for (let i = 0; i < 3; i++) await c.request('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `old-${i}` } });
    const again = await startCluster({ store: c.store });
    try {
      const res = await fetch(`${again.url}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1`);
      expect(res.status).toBe(200);
      const text = await res.text();
      const ev = JSON.parse(text.trim().split('\n')[0]) as { type: string; object: { code: number; reason: string } };
      expect(ev.type).toBe('ERROR');
      expect(ev.object).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
    } finally {
      await again.stop();
    }
  });
  it('deletes a pod on a node gracefully: deletionTimestamp first, gone when its grace runs out with no node', async () => {
    const spec = { nodeName: 'ghost', terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'busybox' }] };
    await c.request('POST', '/api/v1/namespaces/default/pods', { ...pod('graceful'), spec });
    await c.request('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'alive' } });
    await c.request('POST', '/api/v1/namespaces/default/pods', { ...pod('kept'), spec: { ...spec, nodeName: 'alive' } });
    const del = await c.request('DELETE', '/api/v1/namespaces/default/pods/graceful');
    expect(del.status).toBe(200);
    const body = del.json() as { metadata: { deletionTimestamp: string; deletionGracePeriodSeconds: number } };
    expect(body.metadata.deletionGracePeriodSeconds).toBe(1);
    await c.request('DELETE', '/api/v1/namespaces/default/pods/kept');
    expect((await c.request('GET', '/api/v1/namespaces/default/pods/graceful')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
    expect(await c.server.sweepExpiredPods(Date.now() + 2000)).toBe(1);
    expect((await c.request('GET', '/api/v1/namespaces/default/pods/graceful')).status).toBe(404);
    // The pod on a live node waits for its kubelet's confirmation (a delete with grace 0).
    expect((await c.request('GET', '/api/v1/namespaces/default/pods/kept')).status).toBe(200);
    expect((await c.request('DELETE', '/api/v1/namespaces/default/pods/kept?gracePeriodSeconds=0')).status).toBe(200);
    expect((await c.request('GET', '/api/v1/namespaces/default/pods/kept')).status).toBe(404);
  });

  it('resolves priorityClassName into spec.priority and refuses unknown classes', async () => {
    const p = (await c.request('POST', '/api/v1/namespaces/default/pods', { ...pod('critical'), spec: { priorityClassName: 'system-cluster-critical', containers: [{ name: 'c', image: 'x' }] } })).json() as {
      spec: { priority: number; preemptionPolicy: string };
    };
    expect(p.spec.priority).toBe(2000000000);
    expect(p.spec.preemptionPolicy).toBe('PreemptLowerPriority');
    const plain = (await c.request('POST', '/api/v1/namespaces/default/pods', pod('plain'))).json() as { spec: { priority: number } };
    expect(plain.spec.priority).toBe(0);
    const unknown = await c.request('POST', '/api/v1/namespaces/default/pods', { ...pod('nope'), spec: { priorityClassName: 'missing', containers: [{ name: 'c', image: 'x' }] } });
    expect(unknown.status).toBe(403);
    expect((unknown.json() as { message: string }).message).toBe('pods "nope" is forbidden: no PriorityClass with name missing was found');
  });
  it('loses no update with 100 concurrent read-modify-write clients (GET, change, PUT with resourceVersion, retry on 409)', async () => {
    await c.request('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'counter' }, data: { n: '0' } });
    let conflicts = 0;
    await Promise.all(
      Array.from({ length: 100 }, async () => {
        for (;;) {
          const cur = (await c.request('GET', '/api/v1/namespaces/default/configmaps/counter')).json() as { data: { n: string } };
          cur.data.n = String(Number(cur.data.n) + 1);
          const put = await c.request('PUT', '/api/v1/namespaces/default/configmaps/counter', cur);
          if (put.status === 200) return;
          expect(put.status).toBe(409);
          conflicts++;
        }
      }),
    );
    const final = (await c.request('GET', '/api/v1/namespaces/default/configmaps/counter')).json() as { data: { n: string } };
    expect(final.data.n).toBe('100');
    expect(conflicts).toBeGreaterThan(0);
  });
  it('validates with field paths and Kubernetes messages (422 Invalid with causes), storing nothing', async () => {
    const before = await c.store.currentRevision();
    const bad = await c.request('POST', '/api/v1/namespaces/default/pods', pod('Foo'));
    expect(bad.status).toBe(422);
    const status = bad.json() as { reason: string; message: string; details: { causes: { reason: string; field: string; message: string }[] } };
    expect(status.reason).toBe('Invalid');
    expect(status.message).toMatch(/^Pod "Foo" is invalid: metadata.name: Invalid value: "Foo": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character/);
    expect(status.details.causes[0]).toMatchObject({ reason: 'FieldValueInvalid', field: 'metadata.name' });

    const noContainers = await c.request('POST', '/api/v1/namespaces/default/pods', { ...pod('empty'), spec: { containers: [] } });
    expect((noContainers.json() as { message: string }).message).toContain('spec.containers: Required value');

    const mismatch = await c.request('POST', '/apis/apps/v1/namespaces/default/deployments', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'mismatch' },
      spec: { selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'b' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
    });
    expect(mismatch.status).toBe(422);
    expect((mismatch.json() as { message: string }).message).toContain("spec.template.metadata.labels: Invalid value: {\"app\":\"b\"}: `selector` does not match template `labels`");
    expect(await c.store.currentRevision()).toBe(before);
  });

  it('applies Kubernetes defaults on create', async () => {
    const created = (await c.request('POST', '/api/v1/namespaces/default/pods', pod('defaults'))).json() as {
      spec: { restartPolicy: string; dnsPolicy: string; terminationGracePeriodSeconds: number; schedulerName: string; containers: { imagePullPolicy: string }[]; tolerations: unknown[] };
    };
    expect(created.spec).toMatchObject({ restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', terminationGracePeriodSeconds: 30, schedulerName: 'default-scheduler' });
    expect(created.spec.containers[0].imagePullPolicy).toBe('Always');
    expect(created.spec.tolerations).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
    const d = (await c.request('POST', '/apis/apps/v1/namespaces/default/deployments', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'defaulted' },
      spec: { selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'c', image: 'x:1' }] } } },
    })).json() as { spec: Record<string, unknown> };
    expect(d.spec).toMatchObject({ replicas: 1, revisionHistoryLimit: 10, progressDeadlineSeconds: 600, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } } });
  });
  it('reports unknown fields: refused with fieldValidation=Strict, a Warning header by default, silent with Ignore', async () => {
    const body = { ...pod('strict'), spec: { containers: [{ name: 'c', image: 'x', bogus: 1 }], extra: true } };
    const strict = await c.request('POST', '/api/v1/namespaces/default/pods?fieldValidation=Strict', body);
    expect(strict.status).toBe(400);
    expect((strict.json() as { message: string }).message).toBe(
      'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].bogus", unknown field "spec.extra"',
    );
    const warn = await c.request('POST', '/api/v1/namespaces/default/pods', body);
    expect(warn.status).toBe(201);
    expect(warn.headers.get('warning')).toBe('299 - "unknown field \\"spec.containers[0].bogus\\"", 299 - "unknown field \\"spec.extra\\""');
    const ignore = await c.request('POST', '/api/v1/namespaces/default/pods?fieldValidation=Ignore', { ...body, metadata: { name: 'ignored' } });
    expect(ignore.status).toBe(201);
    expect(ignore.headers.get('warning')).toBeNull();
  });
});
