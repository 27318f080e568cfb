import { describe, expect, it } from 'vitest';
import {
  byRevision,
  canonicalJson,
  computeHash,
  equalIgnoreHash,
  findNewReplicaSet,
  findOldReplicaSets,
  maxRevision,
  semanticEqual,
  setNewReplicaSetAnnotations,
  type Deployment,
  type ReplicaSet,
} from './replica-sets';

const template = (image: string, labels: Record<string, string> = { app: 'web' }) => ({ metadata: { labels }, spec: { containers: [{ name: 'app', image }] } });

function deployment(image: string, annotations: Record<string, string> = {}): Deployment {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', annotations }, spec: { replicas: 3, selector: {}, template: template(image) } };
}

function rs(name: string, image: string, created: string, revision?: string, annotations: Record<string, string> = {}): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, uid: name, creationTimestamp: created, annotations: { ...annotations, ...(revision ? { 'deployment.kubernetes.io/revision': revision } : {}) } },
    spec: { replicas: 1, selector: {}, template: template(image, { app: 'web', 'pod-template-hash': name }) },
  };
}

describe('computeHash', () => {
  it('is stable, independent of key order, and moved by the collision count', () => {
    const a = computeHash({ metadata: { labels: { a: '1', b: '2' } }, spec: { containers: [{ name: 'c', image: 'x' }] } });
    const b = computeHash({ spec: { containers: [{ image: 'x', name: 'c' }] }, metadata: { labels: { b: '2', a: '1' } } });
    expect(a).toBe(b);
    expect(a).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    expect(computeHash(template('y'))).not.toBe(computeHash(template('x')));
    expect(computeHash(template('x'), 1)).not.toBe(computeHash(template('x')));
    expect(computeHash(template('x'), 1)).not.toBe(computeHash(template('x'), 2));
  });

  it('serialises canonically', () => {
    expect(canonicalJson({ b: [1, { d: 1, c: undefined }], a: 'x' })).toBe('{"a":"x","b":[1,{"d":1}]}');
  });
});

describe('template equality', () => {
  it('ignores the hash label and absent versus empty collections', () => {
    expect(equalIgnoreHash(template('x'), template('x', { app: 'web', 'pod-template-hash': 'abc' }))).toBe(true);
    expect(equalIgnoreHash(template('x'), template('y'))).toBe(false);
    expect(semanticEqual({ a: [], b: {} }, {})).toBe(true);
    expect(semanticEqual({ a: 0 }, {})).toBe(false);
  });
});

describe('new and old ReplicaSets', () => {
  it('finds the oldest ReplicaSet with the current template as new, the rest as old', () => {
    const list = [rs('b', 'v2', '2026-01-01T00:00:05Z', '2'), rs('a', 'v1', '2026-01-01T00:00:01Z', '1'), rs('c', 'v2', '2026-01-01T00:00:05Z', '3')];
    expect(findNewReplicaSet(deployment('v2'), list)?.metadata.name).toBe('b');
    expect(findOldReplicaSets(deployment('v2'), list).map((r) => r.metadata.name)).toEqual(['a', 'c']);
    expect(findNewReplicaSet(deployment('v3'), list)).toBeUndefined();
    expect(maxRevision(list)).toBe(3);
    expect([...list].sort(byRevision).map((r) => r.metadata.name)).toEqual(['a', 'b', 'c']);
  });
});

describe('setNewReplicaSetAnnotations', () => {
  it('sets revision and replicas annotations on a ReplicaSet to be created, copying the Deployment annotations', () => {
    const target = rs('n', 'v2', '2026-01-01T00:00:05Z');
    const d = deployment('v2', { team: 'a', 'kubectl.kubernetes.io/last-applied-configuration': '{}', 'deployment.kubernetes.io/revision': '1' });
    expect(setNewReplicaSetAnnotations(d, target, 2, false, 3, 4)).toBe(true);
    expect(target.metadata.annotations).toEqual({
      team: 'a',
      'deployment.kubernetes.io/revision': '2',
      'deployment.kubernetes.io/desired-replicas': '3',
      'deployment.kubernetes.io/max-replicas': '4',
    });
  });

  it('records the old revision in the history when a rollback reuses a ReplicaSet', () => {
    const target = rs('o', 'v1', '2026-01-01T00:00:01Z', '1');
    expect(setNewReplicaSetAnnotations(deployment('v1'), target, 3, true, 3, 4)).toBe(true);
    expect(target.metadata.annotations).toEqual({ 'deployment.kubernetes.io/revision': '3', 'deployment.kubernetes.io/revision-history': '1' });
    setNewReplicaSetAnnotations(deployment('v1'), target, 5, true, 3, 4);
    expect(target.metadata.annotations?.['deployment.kubernetes.io/revision-history']).toBe('1,3');
  });

  it('never lowers a revision and reports no change when up to date', () => {
    const target = rs('n', 'v2', '2026-01-01T00:00:05Z', '4');
    expect(setNewReplicaSetAnnotations(deployment('v2'), target, 3, true, 3, 4)).toBe(false);
    expect(target.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('4');
  });
});
