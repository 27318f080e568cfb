import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedStore } from '@tskube/store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../errors';
import type { ApiObject } from './codec';
import { ResourceStore, type ObjectWatch } from './resource-store';

const podInfo = { group: '', version: 'v1', kind: 'Pod', resource: 'pods', namespaced: true, keyPrefix: '/registry/pods/' };
const deployInfo = { group: 'apps', version: 'v1', kind: 'Deployment', resource: 'deployments', namespaced: true, keyPrefix: '/registry/deployments/' };
const nsInfo = { group: '', version: 'v1', kind: 'Namespace', resource: 'namespaces', namespaced: false, keyPrefix: '/registry/namespaces/' };

const pod = (name: string, labels: Record<string, string> = {}): ApiObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels },
  spec: { containers: [{ name: 'c', image: 'busybox' }] },
});

async function errorOf(p: Promise<unknown>): Promise<ApiError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

async function next(w: ObjectWatch, n: number) {
  const it = w[Symbol.asyncIterator]();
  const out = [];
  for (let i = 0; i < n; i++) {
    const r = await Promise.race([it.next(), new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`timeout after ${i} events`)), 3000))]);
    if (r.done) throw new Error('watch ended');
    out.push(r.value);
  }
  return out;
}

describe('ResourceStore', () => {
  let dir: string;
  let store: EmbeddedStore;
  let pods: ResourceStore;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tskube-rs-'));
    store = EmbeddedStore.open({ path: join(dir, 'db') });
    pods = new ResourceStore(store, podInfo, {
      statusSubresource: true,
      gracePeriod: (obj, requested) => {
        const spec = obj.spec as { nodeName?: string; terminationGracePeriodSeconds?: number };
        if (!spec.nodeName) return 0;
        return requested ?? spec.terminationGracePeriodSeconds ?? 30;
      },
    });
    await pods.start();
  });
  afterEach(async () => {
    pods.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sets the metadata only the server owns on create', async () => {
    const created = await pods.create('default', pod('web'));
    const meta = created.metadata!;
    expect(meta.namespace).toBe('default');
    expect(meta.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(meta.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Number(meta.resourceVersion)).toBeGreaterThan(0);
    expect(meta.generation).toBeUndefined();
    const got = await pods.get('default', 'web');
    expect(got).toEqual(created);
  });

  it('generates names from generateName', async () => {
    const obj = pod('');
    obj.metadata = { generateName: 'web-' };
    const created = await pods.create('default', obj);
    expect(created.metadata!.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('answers Kubernetes errors: AlreadyExists, NotFound, namespace mismatch, set resourceVersion', async () => {
    await pods.create('default', pod('web'));
    const dup = await errorOf(pods.create('default', pod('web')));
    expect(dup.toStatus()).toMatchObject({ code: 409, reason: 'AlreadyExists', message: 'pods "web" already exists' });
    const missing = await errorOf(pods.get('default', 'nope'));
    expect(missing.toStatus()).toMatchObject({ code: 404, reason: 'NotFound', message: 'pods "nope" not found' });
    const other = pod('x');
    other.metadata!.namespace = 'other';
    expect((await errorOf(pods.create('default', other))).toStatus()).toMatchObject({
      code: 400,
      message: 'the namespace of the provided object does not match the namespace sent on the request',
    });
    const withRv = pod('y');
    withRv.metadata!.resourceVersion = '5';
    expect((await errorOf(pods.create('default', withRv))).code).toBe(400);
    expect(await store.get('/registry/pods/default/x')).toBeUndefined();
  });

  it('updates with compare-and-swap on resourceVersion and keeps server-owned fields', async () => {
    const created = await pods.create('default', pod('web'));
    const changed = structuredClone(created);
    (changed.metadata!.labels as Record<string, string>).app = 'web';
    changed.metadata!.uid = 'forged';
    const updated = await pods.update('default', 'web', changed);
    expect(updated.metadata!.labels).toEqual({ app: 'web' });
    expect(updated.metadata!.uid).toBe(created.metadata!.uid);
    expect(Number(updated.metadata!.resourceVersion)).toBeGreaterThan(Number(created.metadata!.resourceVersion));

    const stale = await errorOf(pods.update('default', 'web', changed));
    expect(stale.toStatus()).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message: 'Operation cannot be fulfilled on pods "web": the object has been modified; please apply your changes to the latest version and try again',
    });
    // No resourceVersion: an unconditional update of the latest state.
    const blind = structuredClone(changed);
    delete blind.metadata!.resourceVersion;
    await pods.update('default', 'web', blind);
  });

  it('does not write a no-op update', async () => {
    const created = await pods.create('default', pod('web'));
    const again = await pods.update('default', 'web', created);
    expect(again.metadata!.resourceVersion).toBe(created.metadata!.resourceVersion);
  });

  it('keeps status on the main resource and only status on /status', async () => {
    const created = await pods.create('default', pod('web'));
    const withStatus = { ...structuredClone(created), status: { phase: 'Running' } };
    const main = await pods.update('default', 'web', withStatus);
    expect(main.status).toBeUndefined();
    const viaStatus = await pods.update('default', 'web', { ...withStatus, spec: { containers: [] } }, { subresource: 'status' });
    expect(viaStatus.status).toEqual({ phase: 'Running' });
    expect((viaStatus.spec as { containers: unknown[] }).containers).toHaveLength(1);
  });

  it('bumps generation on spec changes only', async () => {
    const deployments = new ResourceStore(store, deployInfo, { tracksGeneration: true, statusSubresource: true });
    await deployments.start();
    const d = await deployments.create('default', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas: 1 } });
    expect(d.metadata!.generation).toBe(1);
    const labelled = await deployments.update('default', 'd', { ...d, metadata: { ...d.metadata, labels: { a: 'b' } } });
    expect(labelled.metadata!.generation).toBe(1);
    const scaled = await deployments.update('default', 'd', { ...labelled, spec: { replicas: 3 } });
    expect(scaled.metadata!.generation).toBe(2);
    deployments.close();
  });

  it('loses no update across 100 concurrent read-modify-write updaters', async () => {
    await pods.create('default', { ...pod('counter'), metadata: { name: 'counter', annotations: { n: '0' } } });
    await Promise.all(
      Array.from({ length: 100 }, () =>
        pods.guaranteedUpdate('default', 'counter', (cur) => {
          const n = Number(cur!.metadata!.annotations!.n) + 1;
          return { object: { ...cur!, metadata: { ...cur!.metadata, annotations: { n: String(n) } } } };
        }),
      ),
    );
    expect((await pods.get('default', 'counter')).metadata!.annotations!.n).toBe('100');
  });

  it('deletes at once, or gracefully for a pod on a node, and honours preconditions', async () => {
    await pods.create('default', pod('loose'));
    const gone = await pods.delete('default', 'loose');
    expect(gone.deleted).toBe(true);
    expect((await errorOf(pods.get('default', 'loose'))).code).toBe(404);

    const bound = await pods.create('default', { ...pod('bound'), spec: { nodeName: 'n1', containers: [] } });
    const wrongUid = await errorOf(pods.delete('default', 'bound', { preconditions: { uid: 'nope' } }));
    expect(wrongUid.toStatus().message).toBe(`Operation cannot be fulfilled on pods "bound": Precondition failed: UID in precondition: nope, UID in object meta: ${bound.metadata!.uid}`);
    const graceful = await pods.delete('default', 'bound');
    expect(graceful.deleted).toBe(false);
    expect(graceful.object.metadata!.deletionGracePeriodSeconds).toBe(30);
    expect(Date.parse(graceful.object.metadata!.deletionTimestamp!)).toBeGreaterThan(Date.now() + 25_000);
    // The kubelet's confirmation: a delete with grace 0.
    const confirmed = await pods.delete('default', 'bound', { gracePeriodSeconds: 0 });
    expect(confirmed.deleted).toBe(true);
  });

  it('keeps an object with finalizers until the last one is removed', async () => {
    const created = await pods.create('default', { ...pod('fin'), metadata: { name: 'fin', finalizers: ['example.com/hold'] } });
    const pending = await pods.delete('default', 'fin');
    expect(pending.deleted).toBe(false);
    expect(pending.object.metadata!.deletionTimestamp).toBeDefined();
    const current = await pods.get('default', 'fin');
    expect(current.metadata!.uid).toBe(created.metadata!.uid);
    await pods.update('default', 'fin', { ...current, metadata: { ...current.metadata, finalizers: [] } });
    expect((await errorOf(pods.get('default', 'fin'))).code).toBe(404);
  });

  it('adds the orphan and foregroundDeletion finalizers for those propagation policies', async () => {
    await pods.create('default', pod('o'));
    const orphan = await pods.delete('default', 'o', { propagationPolicy: 'Orphan' });
    expect(orphan.object.metadata!.finalizers).toEqual(['orphan']);
    await pods.create('default', pod('f'));
    const fg = await pods.delete('default', 'f', { propagationPolicy: 'Foreground' });
    expect(fg.object.metadata!.finalizers).toEqual(['foregroundDeletion']);
  });

  it('lists with a filter, limit and continue tokens, consistently across pages', async () => {
    for (let i = 0; i < 25; i++) await pods.create('default', pod(`p${String(i).padStart(2, '0')}`, { even: String(i % 2 === 0) }));
    await pods.create('other', pod('elsewhere', { even: 'true' }));
    const evens = (o: ApiObject) => o.metadata?.labels?.even === 'true';
    const first = await pods.list('default', { filter: evens, limit: 5 });
    expect(first.items.map((o) => o.metadata!.name)).toEqual(['p00', 'p02', 'p04', 'p06', 'p08']);
    expect(first.continue).toBeDefined();
    await pods.create('default', pod('p01a', { even: 'true' }));
    const names: string[] = first.items.map((o) => o.metadata!.name!);
    let token = first.continue;
    while (token) {
      const page = await pods.list('default', { filter: evens, limit: 5, continue: token });
      expect(page.resourceVersion).toBe(first.resourceVersion);
      names.push(...page.items.map((o) => o.metadata!.name!));
      token = page.continue;
    }
    expect(names).toHaveLength(13);
    expect(names).not.toContain('p01a');
    const all = await pods.list('', { filter: evens });
    expect(all.items.map((o) => o.metadata!.namespace)).toContain('other');
    expect((await pods.list('default', { resourceVersion: '0' })).items).toHaveLength(26);
  });

  it('rejects a malformed continue token with 400', async () => {
    expect((await errorOf(pods.list('default', { continue: 'garbage' }))).code).toBe(400);
  });

  it('watches from a resourceVersion and from now (with ADDED events first), with selector transitions', async () => {
    const a = await pods.create('default', pod('a', { tier: 'web' }));
    const w0 = await pods.watch('default', { filter: (o) => o.metadata?.labels?.tier === 'web' });
    expect((await next(w0, 1)).map((e) => [e.type, e.object.metadata!.name])).toEqual([['ADDED', 'a']]);
    const b = await pods.create('default', pod('b', { tier: 'db' }));
    const wFrom = await pods.watch('default', { resourceVersion: a.metadata!.resourceVersion });
    // Relabel b into the selection, then a out of it.
    await pods.update('default', 'b', { ...b, metadata: { ...b.metadata, labels: { tier: 'web' } } });
    const a2 = await pods.get('default', 'a');
    await pods.update('default', 'a', { ...a2, metadata: { ...a2.metadata, labels: { tier: 'db' } } });
    await pods.delete('default', 'b');
    expect((await next(w0, 3)).map((e) => [e.type, e.object.metadata!.name])).toEqual([
      ['ADDED', 'b'],
      ['DELETED', 'a'],
      ['DELETED', 'b'],
    ]);
    expect((await next(wFrom, 4)).map((e) => [e.type, e.object.metadata!.name])).toEqual([
      ['ADDED', 'b'],
      ['MODIFIED', 'b'],
      ['MODIFIED', 'a'],
      ['DELETED', 'b'],
    ]);
    w0.close();
    wFrom.close();
  });

  it('queues only the events a filtered watch wants, and its revision still follows the others', async () => {
    const w = await pods.watch('default', { filter: (o) => o.metadata?.labels?.node === 'a' });
    const watcher = (w as unknown as { watcher: { pending: number; seen: number } }).watcher;
    const before = w.revision;
    let last = '';
    for (let i = 0; i < 5; i++) last = (await pods.create('default', pod(`other-${i}`, { node: 'b' }))).metadata!.resourceVersion!;
    // Nothing of node b is queued, yet the watch stands at the newest revision (what a bookmark says).
    expect(watcher.pending).toBe(0);
    expect(w.revision).toBe(Number(last));
    expect(w.revision).toBeGreaterThan(before);
    const mine = await pods.create('default', pod('mine', { node: 'a' }));
    await pods.create('default', pod('later', { node: 'b' }));
    const events = await next(w, 1);
    expect(events.map((e) => [e.type, e.object.metadata!.name])).toEqual([['ADDED', 'mine']]);
    expect(events[0].revision).toBe(Number(mine.metadata!.resourceVersion));
    w.close();
  });

  it('answers 410 Expired for a watch older than the cache history', async () => {
    const small = new ResourceStore(store, { ...podInfo, keyPrefix: '/registry/small/' }, {}, { historySize: 3 });
    await small.start();
    const first = await small.create('default', pod('a'));
    for (let i = 0; i < 5; i++) {
      const cur = await small.get('default', 'a');
      await small.update('default', 'a', { ...cur, metadata: { ...cur.metadata, labels: { i: String(i) } } });
    }
    await new Promise((r) => setTimeout(r, 50));
    const err = await errorOf(small.watch('default', { resourceVersion: first.metadata!.resourceVersion }));
    expect(err.toStatus()).toMatchObject({ code: 410, reason: 'Expired' });
    expect(err.toStatus().message).toMatch(/^too old resource version: \d+ \(\d+\)$/);
    small.close();
  });

  it('stores cluster-scoped objects without a namespace', async () => {
    const namespaces = new ResourceStore(store, nsInfo);
    await namespaces.start();
    const ns = await namespaces.create('', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', namespace: 'ignored' } });
    expect(ns.metadata!.namespace).toBeUndefined();
    expect(await store.get('/registry/namespaces/team-a')).toBeDefined();
    namespaces.close();
  });
});
