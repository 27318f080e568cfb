import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { EtcdStore } from '@tskube/store';
import { startEtcd, type EtcdServer } from '@tskube/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KUBECTL, startCluster, type TestCluster } from './harness';

const manifest = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  labels: {app: demo}
data: {mode: fast}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: demo}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: c
        image: busybox:1.36
`;

// The real kubectl, at the version this project targets and at an older one still in use,
// against each store backend (the etcd leg runs a real etcd).
const cases = [
  { name: '1.33', backend: 'embedded', binary: KUBECTL },
  { name: '1.29', backend: 'embedded', binary: KUBECTL.replace(/kubectl$/, 'kubectl.1.29') },
  { name: '1.33', backend: 'etcd', binary: KUBECTL },
  { name: '1.29', backend: 'etcd', binary: KUBECTL.replace(/kubectl$/, 'kubectl.1.29') },
];

let etcd: EtcdServer | undefined;
afterAll(async () => {
  await etcd?.stop();
});

describe.each(cases)('real kubectl $name against the apiserver on the $backend store', ({ binary, backend }) => {
  let c: TestCluster;
  let store: EtcdStore | undefined;
  const k = (args: string[], input?: string) => c.kubectl(args, { binary, input });
  beforeAll(async () => {
    expect(existsSync(binary), `${binary} must be installed`).toBe(true);
    if (backend === 'etcd') {
      etcd ??= await startEtcd();
      store = new EtcdStore({ endpoints: etcd.endpoint, prefix: `/${randomUUID()}` });
    }
    c = await startCluster({ store });
  });
  afterAll(async () => {
    await c?.stop();
    await store?.close();
  });

  it('reports version, api-versions and api-resources', async () => {
    expect(await k(['version'])).toMatch(/Server Version: v1\.33\.0/);
    const versionsOut = (await k(['api-versions'])).trim().split('\n');
    expect(versionsOut).toEqual(expect.arrayContaining(['v1', 'apps/v1', 'batch/v1', 'autoscaling/v2', 'networking.k8s.io/v1']));
    const resources = await k(['api-resources']);
    expect(resources).toMatch(/^pods\s+po\s+v1\s+true\s+Pod$/m);
    expect(resources).toMatch(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    expect(resources).toMatch(/^nodes\s+no\s+v1\s+false\s+Node$/m);
  });

  it('creates from a multi-document manifest and reads back in machine formats', async () => {
    const created = await k(['create', '-f', '-', ], manifest);
    expect(created.trim().split('\n')).toEqual(['configmap/settings created', 'deployment.apps/web created']);
    expect(await k(['get', 'deploy', 'web', '-o', 'name'])).toBe('deployment.apps/web\n');
    const json = JSON.parse(await k(['get', 'deploy', 'web', '-o', 'json'])) as { spec: { replicas: number }; metadata: { generation: number } };
    expect(json.spec.replicas).toBe(2);
    expect(json.metadata.generation).toBe(1);
    expect(await k(['get', 'cm', 'settings', '-o', 'yaml'])).toMatch(/^ {2}mode: fast$/m);
    expect(await k(['get', 'cm', '-l', 'app=demo', '-o', 'jsonpath={.items[*].metadata.name}'])).toBe('settings');
    expect(await k(['get', 'cm', 'settings', '-o', 'custom-columns=NAME:.metadata.name,MODE:.data.mode'])).toMatch(/^NAME\s+MODE\nsettings\s+fast\n$/);
    expect(await k(['get', 'deploy', '-A', '-o', 'name'])).toBe('deployment.apps/web\n');
    // Human output comes from the server's Table, as with kube-apiserver.
    expect(await k(['get', 'ns', 'default'])).toMatch(/^NAME\s+STATUS\s+AGE\ndefault\s+Active\s+\d+s\n$/);
    expect(await k(['get', 'deploy', '-o', 'wide'])).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR\nweb\s+0\/2\s+0\s+0\s+\d+s\s+c\s+busybox:1.36\s+app=web\n$/);
    expect(await k(['get', 'svc', '-A'])).toMatch(/^NAMESPACE\s+NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\ndefault\s+kubernetes\s+ClusterIP\s+10\.96\.0\.1\s+<none>\s+443\/TCP\s+\d+s\n$/);
    expect(await k(['get', 'cm', '--show-labels'])).toMatch(/^settings\s+1\s+\d+s\s+app=demo$/m);
    expect(await k(['get', 'cm', '--field-selector', 'metadata.name=settings', '-o', 'name'])).toBe('configmap/settings\n');
  });

  it('applies new objects and explains fields from the served OpenAPI, refusing unknown fields under strict validation', async () => {
    expect(await k(['apply', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: applied}\ndata: {a: "1"}\n')).toBe('configmap/applied created\n');
    const applied = JSON.parse(await k(['get', 'cm', 'applied', '-o', 'json'])) as { metadata: { annotations: Record<string, string> } };
    expect(JSON.parse(applied.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'])).toMatchObject({ data: { a: '1' } });
    const explained = await k(['explain', 'pods.spec.containers']);
    expect(explained).toMatch(/FIELD: containers <\[\]Container>/);
    expect(explained).toMatch(/image\s+<string>/);
    const bad = await c.kubectlResult(['create', '-f', '-'], { binary, input: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bad}\nbogus: 1\n' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('strict decoding error: unknown field "bogus"');
    await k(['delete', 'cm', 'applied']);
  });

  it('labels, annotates, patches and scales', async () => {
    expect(await k(['label', 'cm', 'settings', 'tier=backend'])).toBe('configmap/settings labeled\n');
    expect(await k(['annotate', 'cm', 'settings', 'note=hello'])).toBe('configmap/settings annotated\n');
    expect(await k(['patch', 'cm', 'settings', '--type', 'merge', '-p', '{"data":{"extra":"1"}}'])).toBe('configmap/settings patched\n');
    expect(await k(['patch', 'cm', 'settings', '--type', 'json', '-p', '[{"op":"replace","path":"/data/mode","value":"slow"}]'])).toBe('configmap/settings patched\n');
    const cm = JSON.parse(await k(['get', 'cm', 'settings', '-o', 'json'])) as { metadata: { labels: Record<string, string>; annotations: Record<string, string> }; data: Record<string, string> };
    expect(cm.metadata.labels).toEqual({ app: 'demo', tier: 'backend' });
    expect(cm.metadata.annotations).toEqual({ note: 'hello' });
    expect(cm.data).toEqual({ mode: 'slow', extra: '1' });
    expect(await k(['scale', 'deploy', 'web', '--replicas=4'])).toBe('deployment.apps/web scaled\n');
    const d = JSON.parse(await k(['get', 'deploy', 'web', '-o', 'json'])) as { spec: { replicas: number }; metadata: { generation: number } };
    expect(d.spec.replicas).toBe(4);
    expect(d.metadata.generation).toBe(2);
  });

  it('reports server errors as Kubernetes does', async () => {
    const r = await c.kubectlResult(['get', 'cm', 'nope'], { binary });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error from server (NotFound): configmaps "nope" not found');
    const bad = await c.kubectlResult(['get', 'pods', '--field-selector', 'spec.foo=x'], { binary });
    expect(bad.stderr).toContain('field label not supported: spec.foo');
  });

  it('describes a pod and a deployment with their events', async () => {
    await k(['create', '-f', '-', ], 'apiVersion: v1\nkind: Pod\nmetadata: {name: described, labels: {app: web}}\nspec: {containers: [{name: c, image: busybox}]}\n');
    const uid = await k(['get', 'pod', 'described', '-o', 'jsonpath={.metadata.uid}']);
    const event = (name: string, kind: string, objUid: string, reason: string, message: string) =>
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name },
        involvedObject: { kind, name: kind === 'Pod' ? 'described' : 'web', namespace: 'default', uid: objUid, apiVersion: kind === 'Pod' ? 'v1' : 'apps/v1' },
        reason,
        message,
        type: 'Normal',
        source: { component: 'test' },
        firstTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        lastTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        count: 1,
      });
    await k(['create', '-f', '-', ], event('described.1', 'Pod', uid, 'Scheduled', 'Successfully assigned default/described to node-1'));
    const pod = await k(['describe', 'pod', 'described']);
    expect(pod).toMatch(/^Name:\s+described$/m);
    expect(pod).toMatch(/^Status:\s+Pending$/m);
    expect(pod).toMatch(/^QoS Class:\s+BestEffort$/m);
    expect(pod).toMatch(/Normal\s+Scheduled\s+\S+\s+test\s+Successfully assigned default\/described to node-1/);
    const deployUid = await k(['get', 'deploy', 'web', '-o', 'jsonpath={.metadata.uid}']);
    await k(['create', '-f', '-', ], event('web.1', 'Deployment', deployUid, 'ScalingReplicaSet', 'Scaled up replica set web-abc to 2'));
    const deploy = await k(['describe', 'deployment', 'web']);
    expect(deploy).toMatch(/^Selector:\s+app=web$/m);
    expect(deploy).toMatch(/Normal\s+ScalingReplicaSet\s+\S+\s+test\s+Scaled up replica set web-abc to 2/);
  });

  it('watches with get -w and sees later changes', async () => {
    const watcher = c.kubectlResult(['get', 'cm', '-w', '--request-timeout=3s', '-o', 'name'], { binary });
    await new Promise((r) => setTimeout(r, 700));
    await k(['create', '-f', '-', ], '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"seen-later"}}');
    const out = await watcher;
    expect(out.stdout).toContain('configmap/settings');
    expect(out.stdout).toContain('configmap/seen-later');
  });

  it('runs the generators, whose bodies kubectl sends as protobuf', async () => {
    expect(await k(['create', 'namespace', 'generated'])).toBe('namespace/generated created\n');
    expect(await k(['create', 'configmap', 'gen-cm', '--from-literal=a=b', '-n', 'generated'])).toBe('configmap/gen-cm created\n');
    expect(await k(['create', 'deployment', 'gen-deploy', '--image=busybox', '--replicas=2', '-n', 'generated'])).toBe('deployment.apps/gen-deploy created\n');
    const d = JSON.parse(await k(['get', 'deploy', 'gen-deploy', '-n', 'generated', '-o', 'json'])) as { spec: { replicas: number; template: { spec: { containers: { image: string }[] } } } };
    expect(d.spec.replicas).toBe(2);
    expect(d.spec.template.spec.containers[0].image).toBe('busybox');
    expect(await k(['get', 'cm', 'gen-cm', '-n', 'generated', '-o', 'jsonpath={.data.a}'])).toBe('b');
    expect(await k(['auth', 'can-i', 'create', 'pods'])).toBe('yes\n');
  });

  it('deletes by name, by label and all, and with --cascade=orphan', async () => {
    await k(['create', '-f', '-', ], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, labels: {x: "1"}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, labels: {x: "1"}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n');
    expect(await k(['delete', 'cm', 'settings'])).toBe('configmap "settings" deleted\n');
    expect((await k(['delete', 'cm', '-l', 'x=1'])).trim().split('\n').sort()).toEqual(['configmap "a" deleted', 'configmap "b" deleted']);
    expect((await k(['delete', 'cm', '--all'])).trim().split('\n').sort()).toEqual(['configmap "c" deleted', 'configmap "seen-later" deleted']);
    expect(await k(['get', 'cm', '-o', 'name'])).toBe('');
    // Orphaning is finished by the garbage collector (controller-manager), which removes the
    // orphan finalizer after releasing the dependents; here the apiserver's part is checked.
    expect(await k(['delete', 'deploy', 'web', '--cascade=orphan', '--wait=false'])).toBe('deployment.apps "web" deleted\n');
    const d = JSON.parse(await k(['get', 'deploy', 'web', '-o', 'json'])) as { metadata: { finalizers: string[]; deletionTimestamp?: string } };
    expect(d.metadata.finalizers).toEqual(['orphan']);
    expect(d.metadata.deletionTimestamp).toBeDefined();
  });
});
