/**
 * The real kubectl against the OpenAPI v3 documents, behind a tiny hand-written server: just
 * enough discovery for pods, configmaps and deployments, the documents, and a recorder for the
 * writes kubectl makes. The server answers every write with the object it was sent, so what is
 * tested is what kubectl sends, not how the apiserver handles it.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OpenApiV3 } from './index';

const KUBECTL = process.env.KUBECTL ?? '/usr/lib/google-cloud-sdk/bin/kubectl';

interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  contentType: string | undefined;
  userAgent: string | undefined;
  body: string;
}

const resource = (name: string, kind: string, verbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']) => ({
  name,
  singularName: kind.toLowerCase(),
  namespaced: true,
  kind,
  verbs,
});

const DISCOVERY: Record<string, unknown> = {
  '/version': { major: '1', minor: '33', gitVersion: 'v1.33.0', platform: 'linux/amd64' },
  '/api': { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] },
  '/apis': {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [{ name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } }],
  },
  '/api/v1': {
    kind: 'APIResourceList',
    groupVersion: 'v1',
    resources: [resource('configmaps', 'ConfigMap'), resource('pods', 'Pod'), { ...resource('pods/status', 'Pod', ['get', 'patch', 'update']), singularName: '' }],
  },
  '/apis/apps/v1': {
    kind: 'APIResourceList',
    groupVersion: 'apps/v1',
    resources: [resource('deployments', 'Deployment'), { ...resource('deployments/scale', 'Scale', ['get', 'patch', 'update']), singularName: '', group: 'autoscaling', version: 'v1' }],
  },
};

/** Objects the server holds, by path: what a GET finds before an apply patches it. */
const existing = new Map<string, unknown>();

let server: http.Server;
let url: string;
const requests: Recorded[] = [];
const openapi = new OpenApiV3();

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(text);
}

function handle(req: IncomingMessage, res: ServerResponse, body: string): void {
  const u = new URL(req.url ?? '/', 'http://x');
  const path = u.pathname;
  requests.push({ method: req.method ?? '', path, query: u.searchParams, contentType: req.headers['content-type'], userAgent: req.headers['user-agent'], body });
  if (req.method === 'GET' && path in DISCOVERY) return send(res, 200, DISCOVERY[path]);
  if (req.method === 'GET' && path === '/openapi/v3') return send(res, 200, openapi.root());
  if (req.method === 'GET' && path.startsWith('/openapi/v3/')) {
    const doc = openapi.document(path.slice('/openapi/v3/'.length));
    if (!doc) return send(res, 404, notFound('openapi', path));
    const cache = u.searchParams.get('hash') === doc.hash ? 'public, immutable' : 'no-cache, private';
    return send(res, 200, doc.body, { ETag: doc.etag, 'Cache-Control': cache });
  }
  if (req.method === 'GET') {
    const obj = existing.get(path);
    return obj ? send(res, 200, obj) : send(res, 404, notFound(path.split('/').at(-2) ?? '', path.split('/').at(-1) ?? ''));
  }
  if (req.method === 'POST') return send(res, 201, body);
  if (req.method === 'PATCH') return send(res, 200, JSON.stringify(existing.get(path) ?? {}));
  return send(res, 405, { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 405, reason: 'MethodNotAllowed' });
}

function notFound(resource: string, name: string) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', code: 404, message: `${resource} "${name}" not found`, details: { name, kind: resource } };
}

let dir: string;
let kubeconfig: string;
let run = 0;

/** Runs kubectl with a fresh discovery and OpenAPI cache, so no test sees another's cache. */
function kubectl(args: string[], binary = KUBECTL): Promise<{ code: number; stdout: string; stderr: string }> {
  const cacheDir = join(dir, `cache-${run++}`);
  return new Promise((resolve) => {
    execFile(
      binary,
      [`--kubeconfig=${kubeconfig}`, `--cache-dir=${cacheDir}`, ...args],
      { timeout: 30_000, env: { ...process.env, KUBECONFIG: kubeconfig, HOME: dir } },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

function manifest(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: default
spec:
  containers:
  - name: c
    image: busybox:1.36
`;

beforeAll(async () => {
  expect(existsSync(KUBECTL), `${KUBECTL} must be installed`).toBe(true);
  dir = mkdtempSync(join(tmpdir(), 'tskube-openapi-kubectl-'));
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'test', cluster: { server: url } }],
      users: [{ name: 'admin', user: {} }],
      contexts: [{ name: 'test', context: { cluster: 'test', user: 'admin', namespace: 'default' } }],
      'current-context': 'test',
    }),
  );
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  requests.length = 0;
  existing.clear();
});

const writes = () => requests.filter((r) => r.method !== 'GET');

describe('real kubectl with OpenAPI v3', () => {
  it('is kubectl 1.33', async () => {
    const r = await kubectl(['version', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).clientVersion.minor).toBe('33');
  });

  it('explains pods.spec.containers from the core/v1 document', async () => {
    const r = await kubectl(['explain', 'pods.spec.containers']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/KIND:\s+Pod/);
    expect(r.stdout).toMatch(/VERSION:\s+v1/);
    expect(r.stdout).toMatch(/FIELD:\s+containers <\[\]Container>/);
    expect(r.stdout).toContain('List of containers belonging to the pod.');
    expect(r.stdout).toMatch(/name\s+<string> -required-/);
    expect(r.stdout).toMatch(/ports\s+<\[\]ContainerPort>/);
    expect(r.stdout).toMatch(/resources\s+<ResourceRequirements>/);
    expect(requests.some((q) => q.path === '/openapi/v3/api/v1')).toBe(true);
  });

  it('explains deployments.spec.strategy with --api-version', async () => {
    const r = await kubectl(['explain', 'deployments.spec.strategy', '--api-version=apps/v1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/GROUP:\s+apps/);
    expect(r.stdout).toMatch(/KIND:\s+Deployment/);
    expect(r.stdout).toMatch(/FIELD:\s+strategy <DeploymentStrategy>/);
    expect(r.stdout).toMatch(/rollingUpdate\s+<RollingUpdateDeployment>/);
    expect(r.stdout).toMatch(/maxSurge\s+<IntOrString>|type\s+<string>/);
  });

  it('explains an int-or-string and a quantity field', async () => {
    const r = await kubectl(['explain', 'deployments.spec.strategy.rollingUpdate.maxSurge', '--api-version=apps/v1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/FIELD:\s+maxSurge <IntOrString>/);
    const q = await kubectl(['explain', 'pods.spec.containers.resources.limits']);
    expect(q.code, q.stderr).toBe(0);
    expect(q.stdout).toMatch(/FIELD:\s+limits <map\[string\]Quantity>/);
  });

  it('create -f --dry-run=server sends Strict field validation and leaves validation to the server', async () => {
    const r = await kubectl(['create', '-f', manifest('pod.yaml', POD), '--dry-run=server']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/openapi/i);
    expect(r.stdout).toContain('pod/web created (server dry run)');
    const [post] = writes();
    expect(post).toMatchObject({ method: 'POST', path: '/api/v1/namespaces/default/pods' });
    expect(post!.query.get('fieldValidation')).toBe('Strict');
    expect(post!.query.get('dryRun')).toBe('All');
    expect(post!.userAgent).toMatch(/v1\.33\./);
    expect(requests.some((q) => q.path.startsWith('/openapi/v2'))).toBe(false);
  });

  it('create -f with an unknown field still goes to the server, with Strict', async () => {
    const bad = POD.replace('  containers:', '  bogusField: 1\n  containers:');
    const r = await kubectl(['create', '-f', manifest('bad.yaml', bad)]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/unknown field|openapi/i);
    const [post] = writes();
    expect(post!.query.get('fieldValidation')).toBe('Strict');
    expect(JSON.parse(post!.body).spec.bogusField).toBe(1);
  });

  it('create -f of an apps/v1 Deployment finds its patch operation in the apps/v1 document', async () => {
    const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: default}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: c, image: busybox:1.36}]
`;
    const r = await kubectl(['create', '-f', manifest('deploy.yaml', deployment)]);
    expect(r.code, r.stderr).toBe(0);
    const [post] = writes();
    expect(post).toMatchObject({ method: 'POST', path: '/apis/apps/v1/namespaces/default/deployments' });
    expect(post!.query.get('fieldValidation')).toBe('Strict');
    expect(requests.some((q) => q.path === '/openapi/v3/apis/apps/v1')).toBe(true);
  });

  it('apply -f of a new object creates it with the last-applied annotation', async () => {
    const r = await kubectl(['apply', '-f', manifest('apply.yaml', POD)]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/openapi/i);
    expect(r.stdout).toContain('pod/web created');
    const [post] = writes();
    expect(post).toMatchObject({ method: 'POST', path: '/api/v1/namespaces/default/pods' });
    expect(post!.query.get('fieldManager')).toBe('kubectl-client-side-apply');
    expect(post!.query.get('fieldValidation')).toBe('Strict');
    const sent = JSON.parse(post!.body);
    const lastApplied = sent.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'];
    expect(lastApplied.endsWith('\n')).toBe(true);
    expect(JSON.parse(lastApplied)).toMatchObject({ kind: 'Pod', metadata: { name: 'web' } });
  });

  // kubectl builds the patch from the v3 schemas here: without the containers merge key in the
  // document, it replaces the whole list and sends no $setElementOrder.
  it('apply -f of a changed object sends a strategic merge patch keyed by container name', async () => {
    const applied = JSON.parse(
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'web', namespace: 'default' },
        spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] },
      }),
    );
    existing.set('/api/v1/namespaces/default/pods/web', {
      ...applied,
      metadata: { ...applied.metadata, uid: 'u1', resourceVersion: '5', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': `${JSON.stringify(applied)}\n` } },
    });
    const changed = POD.replace('busybox:1.36', 'busybox:1.37') + '  - name: sidecar\n    image: nginx:1.27\n';
    const r = await kubectl(['apply', '-f', manifest('changed.yaml', changed)]);
    expect(r.code, r.stderr).toBe(0);
    const [patch] = writes();
    expect(patch).toMatchObject({ method: 'PATCH', path: '/api/v1/namespaces/default/pods/web', contentType: 'application/strategic-merge-patch+json' });
    expect(patch!.query.get('fieldValidation')).toBe('Strict');
    const body = JSON.parse(patch!.body);
    expect(body.spec['$setElementOrder/containers']).toEqual([{ name: 'c' }, { name: 'sidecar' }]);
    expect(body.spec.containers).toEqual(expect.arrayContaining([{ name: 'c', image: 'busybox:1.37' }, { name: 'sidecar', image: 'nginx:1.27' }]));
  });
});

// Older kubectl still in use find the same patch operations (1.27 and 1.28 need protobuf v2).
describe.each(['1.29', '1.30', '1.31', '1.32'])('kubectl %s', (version) => {
  const binary = join(dirname(KUBECTL), `kubectl.${version}`);

  it('create -f sends Strict field validation without OpenAPI v2', async () => {
    expect(existsSync(binary), `${binary} must be installed`).toBe(true);
    const r = await kubectl(['create', '-f', manifest(`pod-${version}.yaml`, POD), '--dry-run=server'], binary);
    expect(r.code, r.stderr).toBe(0);
    const [post] = writes();
    expect(post).toMatchObject({ method: 'POST', path: '/api/v1/namespaces/default/pods' });
    expect(post!.query.get('fieldValidation')).toBe('Strict');
    expect(post!.userAgent).toContain(`/v${version}.`);
    expect(requests.some((q) => q.path.startsWith('/openapi/v2'))).toBe(false);
  });
});
