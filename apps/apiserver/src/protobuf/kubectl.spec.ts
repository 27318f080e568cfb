import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeProtobufBody, protobufMediaType } from './index';

// The real kubectl against a stand-in server that records what it is sent: proof that the bodies
// kubectl's generator commands encode as protobuf decode to the JSON kubectl would have sent.
const KUBECTL = process.env.KUBECTL ?? '/usr/lib/google-cloud-sdk/bin/kubectl';

interface Recorded {
  method: string;
  path: string;
  contentType: string;
  body: Buffer;
}

/** Just enough discovery for kubectl to map the resources these commands name. */
const groups: Record<string, Record<string, { kind: string; namespaced: boolean; group?: string; version?: string }>> = {
  v1: {
    namespaces: { kind: 'Namespace', namespaced: false },
    configmaps: { kind: 'ConfigMap', namespaced: true },
    secrets: { kind: 'Secret', namespaced: true },
    services: { kind: 'Service', namespaced: true },
    serviceaccounts: { kind: 'ServiceAccount', namespaced: true },
    resourcequotas: { kind: 'ResourceQuota', namespaced: true },
    pods: { kind: 'Pod', namespaced: true },
  },
  'apps/v1': {
    deployments: { kind: 'Deployment', namespaced: true },
    'deployments/scale': { kind: 'Scale', namespaced: true, group: 'autoscaling', version: 'v1' },
  },
  'batch/v1': { jobs: { kind: 'Job', namespaced: true }, cronjobs: { kind: 'CronJob', namespaced: true } },
  'rbac.authorization.k8s.io/v1': {
    roles: { kind: 'Role', namespaced: true },
    rolebindings: { kind: 'RoleBinding', namespaced: true },
    clusterroles: { kind: 'ClusterRole', namespaced: false },
    clusterrolebindings: { kind: 'ClusterRoleBinding', namespaced: false },
  },
  'policy/v1': { poddisruptionbudgets: { kind: 'PodDisruptionBudget', namespaced: true } },
  'networking.k8s.io/v1': { ingresses: { kind: 'Ingress', namespaced: true } },
  'scheduling.k8s.io/v1': { priorityclasses: { kind: 'PriorityClass', namespaced: false } },
  'authorization.k8s.io/v1': { selfsubjectaccessreviews: { kind: 'SelfSubjectAccessReview', namespaced: false } },
  'authentication.k8s.io/v1': { selfsubjectreviews: { kind: 'SelfSubjectReview', namespaced: false } },
  'autoscaling/v2': { horizontalpodautoscalers: { kind: 'HorizontalPodAutoscaler', namespaced: true } },
  'autoscaling/v1': { horizontalpodautoscalers: { kind: 'HorizontalPodAutoscaler', namespaced: true } },
};

function discovery(path: string): unknown {
  if (path === '/version') return { major: '1', minor: '32', gitVersion: 'v1.32.0' };
  if (path === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] };
  if (path === '/apis') {
    const named = Object.keys(groups).filter((gv) => gv.includes('/'));
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: named.map((gv) => {
        const [group, version] = gv.split('/');
        const v = { groupVersion: gv, version };
        return { name: group, versions: [v], preferredVersion: v };
      }),
    };
  }
  const gv = path === '/api/v1' ? 'v1' : path.startsWith('/apis/') ? path.slice('/apis/'.length) : undefined;
  const resources = gv === undefined ? undefined : groups[gv];
  if (!resources) return undefined;
  return {
    kind: 'APIResourceList',
    groupVersion: gv,
    resources: Object.entries(resources).map(([name, r]) => ({
      name,
      singularName: name.includes('/') ? '' : r.kind.toLowerCase(),
      namespaced: r.namespaced,
      kind: r.kind,
      ...(r.group === undefined ? {} : { group: r.group, version: r.version }),
      verbs: ['create', 'delete', 'get', 'list', 'update', 'patch'],
    })),
  };
}

/** What the server answers a write with: the object itself, plus what a review's caller reads. */
function echo(object: Record<string, unknown>): Record<string, unknown> {
  if (object.kind === 'SelfSubjectAccessReview') return { ...object, status: { allowed: true } };
  if (object.kind === 'SelfSubjectReview') return { ...object, status: { userInfo: { username: 'admin' } } };
  if (object.kind === 'TokenRequest') return { ...object, status: { token: 'a-token', expirationTimestamp: '2030-01-01T00:00:00Z' } };
  return object;
}

let server: Server;
let dir: string;
let kubeconfig: string;
let recorded: Recorded[] = [];
/** Created objects by path, so commands that read what they build from can find it. */
const stored = new Map<string, Record<string, unknown>>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tskube-protobuf-kubectl-'));
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0];
      const send = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (req.method === 'GET') {
        const found = discovery(path) ?? stored.get(path);
        return found ? send(200, found) : send(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 });
      }
      const body = Buffer.concat(chunks);
      const contentType = req.headers['content-type'] ?? '';
      recorded.push({ method: req.method ?? '', path, contentType, body });
      if (req.method === 'DELETE') return send(200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' });
      try {
        const object = contentType === protobufMediaType ? decodeProtobufBody(body) : (JSON.parse(body.toString()) as Record<string, unknown>);
        const name = (object.metadata as { name?: string } | undefined)?.name;
        if (name) stored.set(`${path}/${name}`, { ...object, metadata: { ...(object.metadata as object), uid: `uid-${name}` } });
        send(201, echo(object));
      } catch (err) {
        send(415, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: (err as Error).message, reason: 'UnsupportedMediaType', code: 415 });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'test', cluster: { server: `http://127.0.0.1:${port}` } }],
      users: [{ name: 'admin', user: {} }],
      contexts: [{ name: 'test', context: { cluster: 'test', user: 'admin', namespace: 'default' } }],
      'current-context': 'test',
    }),
  );
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function kubectl(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      KUBECTL,
      [`--kubeconfig=${kubeconfig}`, `--cache-dir=${join(dir, 'cache')}`, ...args],
      { timeout: 30_000, env: { ...process.env, HOME: dir, KUBECONFIG: kubeconfig } },
      (err, stdout, stderr) => (err ? reject(new Error(`kubectl ${args.join(' ')}: ${stderr}`)) : resolve(stdout)),
    );
  });
}

/** Runs a command and returns the one write it sent. */
async function sent(args: string[]): Promise<Recorded> {
  recorded = [];
  await kubectl(args);
  expect(recorded, `writes sent by kubectl ${args.join(' ')}`).toHaveLength(1);
  return recorded[0];
}

describe('real kubectl generator bodies', () => {
  // Each command's --dry-run=client -o json prints the object it would send, which is exactly
  // the JSON body; the protobuf body it sends for real must decode to the same thing.
  it.each([
    { name: 'namespace', args: ['create', 'namespace', 'x'] },
    { name: 'configmap --from-literal', args: ['create', 'configmap', 'cm', '--from-literal=a=b', '--from-literal=c='] },
    { name: 'secret generic', args: ['create', 'secret', 'generic', 's', '--from-literal=user=admin', '--type=Opaque'] },
    { name: 'secret docker-registry', args: ['create', 'secret', 'docker-registry', 'reg', '--docker-server=r.example', '--docker-username=u', '--docker-password=p'] },
    { name: 'deployment --replicas=2', args: ['create', 'deployment', 'web', '--image=busybox', '--replicas=2'] },
    { name: 'deployment --replicas=0 --port', args: ['create', 'deployment', 'idle', '--image=nginx', '--replicas=0', '--port=80'] },
    { name: 'deployment with a command', args: ['create', 'deployment', 'cmd', '--image=busybox', '--', 'sleep', '3600'] },
    { name: 'serviceaccount', args: ['create', 'serviceaccount', 'robot'] },
    { name: 'service clusterip', args: ['create', 'service', 'clusterip', 'svc', '--tcp=80:8080', '--tcp=443:https'] },
    { name: 'service nodeport', args: ['create', 'service', 'nodeport', 'np', '--tcp=80:8080', '--node-port=30080'] },
    { name: 'job', args: ['create', 'job', 'once', '--image=busybox'] },
    { name: 'job with a command', args: ['create', 'job', 'cmd', '--image=busybox', '--', 'echo', 'hi'] },
    { name: 'cronjob', args: ['create', 'cronjob', 'tick', '--image=busybox', '--schedule=*/5 * * * *', '--restart=OnFailure'] },
    { name: 'clusterrole', args: ['create', 'clusterrole', 'reader', '--verb=get', '--resource=pods'] },
    { name: 'clusterrole with resource names', args: ['create', 'clusterrole', 'picky', '--verb=get,list', '--resource=deployments.apps', '--resource-name=web'] },
    { name: 'role', args: ['create', 'role', 'pod-reader', '--verb=get', '--verb=list', '--resource=pods'] },
    { name: 'rolebinding', args: ['create', 'rolebinding', 'rb', '--role=pod-reader', '--user=alice', '--serviceaccount=default:robot'] },
    { name: 'clusterrolebinding', args: ['create', 'clusterrolebinding', 'crb', '--clusterrole=reader', '--group=devs'] },
    { name: 'quota', args: ['create', 'quota', 'q', '--hard=cpu=1,memory=1Gi,pods=10', '--scopes=BestEffort'] },
    { name: 'priorityclass', args: ['create', 'priorityclass', 'high', '--value=1000', '--description=important'] },
    { name: 'priorityclass global default', args: ['create', 'priorityclass', 'base', '--value=0', '--global-default', '--preemption-policy=Never'] },
    { name: 'poddisruptionbudget', args: ['create', 'poddisruptionbudget', 'pdb', '--selector=app=web', '--min-available=50%'] },
    { name: 'poddisruptionbudget max-unavailable', args: ['create', 'pdb', 'pdb2', '--selector=app=web', '--max-unavailable=1'] },
    { name: 'ingress', args: ['create', 'ingress', 'ing', '--rule=example.com/path*=svc:80,tls=cert', '--class=nginx', '--annotation=a=b'] },
  ])('create $name', async ({ args }) => {
    const end = args.includes('--') ? args.indexOf('--') : args.length;
    const dryRun = [...args.slice(0, end), '--dry-run=client', '-o', 'json', ...args.slice(end)];
    const want = JSON.parse(await kubectl(dryRun)) as unknown;
    const write = await sent(args);
    expect(write.method).toBe('POST');
    expect(write.contentType).toBe(protobufMediaType);
    expect(decodeProtobufBody(write.body)).toEqual(want);
  });

  it('auth can-i sends a SelfSubjectAccessReview', async () => {
    recorded = [];
    expect((await kubectl(['auth', 'can-i', 'list', 'deployments.apps', '--subresource=scale'])).trim()).toBe('yes');
    const review = recorded.find((r) => r.path.endsWith('/selfsubjectaccessreviews'));
    expect(review?.contentType).toBe(protobufMediaType);
    expect(decodeProtobufBody(review!.body)).toEqual({
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: {
        resourceAttributes: { namespace: 'default', verb: 'list', group: 'apps', resource: 'deployments', subresource: 'scale' },
      },
      status: { allowed: false },
    });
  });

  it('create token sends a TokenRequest', async () => {
    const write = await sent(['create', 'token', 'robot', '--audience=api', '--duration=1h']);
    expect(write.path).toBe('/api/v1/namespaces/default/serviceaccounts/robot/token');
    expect(write.contentType).toBe(protobufMediaType);
    // Fields without omitempty come through as Go writes them: null pointers, zero values.
    expect(decodeProtobufBody(write.body)).toEqual({
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: { audiences: ['api'], expirationSeconds: 3600, boundObjectRef: null },
      status: { token: '', expirationTimestamp: null },
    });
  });

  it('auth whoami sends a SelfSubjectReview', async () => {
    const write = await sent(['auth', 'whoami', '-o', 'json']);
    expect(write.contentType).toBe(protobufMediaType);
    expect(decodeProtobufBody(write.body)).toEqual({
      kind: 'SelfSubjectReview',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { creationTimestamp: null },
      status: { userInfo: {} },
    });
  });

  it('create job --from=cronjob sends owner references', async () => {
    await kubectl(['create', 'cronjob', 'nightly', '--image=busybox', '--schedule=0 0 * * *']);
    const args = ['create', 'job', 'manual', '--from=cronjob/nightly'];
    const want = JSON.parse(await kubectl([...args, '--dry-run=client', '-o', 'json'])) as Record<string, unknown>;
    const write = await sent(args);
    const job = decodeProtobufBody(write.body);
    expect(job).toEqual(want);
    expect(job.metadata).toMatchObject({
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly', uid: 'uid-nightly', controller: true }],
    });
  });

  it('autoscale sends a HorizontalPodAutoscaler', async () => {
    await kubectl(['create', 'deployment', 'scaled', '--image=busybox']);
    const args = ['autoscale', 'deployment', 'scaled', '--max=5', '--min=2', '--cpu-percent=80'];
    const want = JSON.parse(await kubectl([...args, '--dry-run=client', '-o', 'json'])) as Record<string, unknown>;
    const write = await sent(args);
    expect(write.contentType).toBe(protobufMediaType);
    expect(decodeProtobufBody(write.body)).toEqual(want);
  });

  it('create namespace sends exactly the JSON kubectl prints', async () => {
    const write = await sent(['create', 'namespace', 'plain']);
    expect(write.path).toBe('/api/v1/namespaces');
    expect(decodeProtobufBody(write.body)).toEqual({
      kind: 'Namespace',
      apiVersion: 'v1',
      metadata: { name: 'plain', creationTimestamp: null },
      spec: {},
      status: {},
    });
  });

  it('create deployment keeps replicas and the pod template', async () => {
    const write = await sent(['create', 'deployment', 'web', '--image=busybox', '--replicas=2']);
    expect(decodeProtobufBody(write.body)).toEqual({
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: { name: 'web', creationTimestamp: null, labels: { app: 'web' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { creationTimestamp: null, labels: { app: 'web' } },
          spec: { containers: [{ name: 'busybox', image: 'busybox', resources: {} }] },
        },
        strategy: {},
      },
      status: {},
    });
  });

  it('kubectl delete sends DeleteOptions as JSON, not protobuf', async () => {
    recorded = [];
    await kubectl(['delete', 'namespace', 'x', '--wait=false', '--cascade=foreground']);
    const del = recorded.find((r) => r.method === 'DELETE');
    expect(del?.contentType).toBe('application/json');
    expect(JSON.parse(del!.body.toString())).toMatchObject({ propagationPolicy: 'Foreground' });
  });
});
