import { describe, expect, it } from 'vitest';
import { buildTable, buildTableForObject } from './index';

const now = new Date('2025-01-01T12:00:00Z');
const pods = { group: '', resource: 'pods', version: 'v1', kind: 'Pod' };
const pod = (name: string, extra: Record<string, unknown> = {}) => ({
  metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '41', labels: { app: 'web' }, creationTimestamp: '2025-01-01T11:59:00Z' },
  spec: { containers: [{ name: 'c', image: 'nginx' }] },
  status: { phase: 'Running' },
  ...extra,
});

describe('buildTable', () => {
  it('answers a meta.k8s.io/v1 Table with the list metadata', () => {
    const table = buildTable(pods, [pod('a'), pod('b')], { now, listMeta: { resourceVersion: '42', continue: 'abc', remainingItemCount: 3 } });
    expect(Object.keys(table)).toEqual(['kind', 'apiVersion', 'metadata', 'columnDefinitions', 'rows']);
    expect(table.kind).toBe('Table');
    expect(table.apiVersion).toBe('meta.k8s.io/v1');
    expect(table.metadata).toEqual({ resourceVersion: '42', continue: 'abc', remainingItemCount: 3 });
    expect(table.rows.map((r) => r.cells[0])).toEqual(['a', 'b']);
    expect(table.columnDefinitions[0]).toEqual({ name: 'Name', type: 'string', format: 'name', description: expect.stringContaining('Name must be unique'), priority: 0 });
  });

  it.each([
    { name: 'empty strings are left out', listMeta: { resourceVersion: '', continue: '' }, want: {} },
    { name: 'a zero remaining count is kept', listMeta: { resourceVersion: '7', remainingItemCount: 0 }, want: { resourceVersion: '7', remainingItemCount: 0 } },
    { name: 'values of the wrong type are ignored', listMeta: { resourceVersion: 7, continue: null }, want: {} },
    { name: 'no list metadata', listMeta: undefined, want: {} },
  ])('list metadata: $name', ({ listMeta, want }) => {
    expect(buildTable(pods, [], { now, listMeta }).metadata).toEqual(want);
  });

  it('embeds PartialObjectMetadata by default', () => {
    const p = pod('a');
    const [row] = buildTable(pods, [p], { now }).rows;
    expect(row!.object).toEqual({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: p.metadata });
  });

  it('embeds the whole object for includeObject=Object, typed when it was not', () => {
    const p = pod('a');
    expect(buildTable(pods, [p], { now, includeObject: 'Object' }).rows[0]!.object).toEqual({ kind: 'Pod', apiVersion: 'v1', ...p });
    const typed = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' } };
    expect(buildTable({ group: 'apps', resource: 'deployments', version: 'v1', kind: 'Deployment' }, [typed], { now, includeObject: 'Object' }).rows[0]!.object).toBe(typed);
    const untyped = { metadata: { name: 'd' } };
    expect(buildTable({ group: 'apps', resource: 'deployments', version: 'v1', kind: 'Deployment' }, [untyped], { now, includeObject: 'Object' }).rows[0]!.object).toEqual({
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: { name: 'd' },
    });
  });

  it('leaves the object out for includeObject=None', () => {
    const [row] = buildTable(pods, [pod('a')], { now, includeObject: 'None' }).rows;
    expect(row).not.toHaveProperty('object');
  });

  it('leaves out column definitions when asked for no headers', () => {
    const table = buildTable(pods, [pod('a')], { now, noHeaders: true });
    expect(table.columnDefinitions).toEqual([]);
    expect(table.rows[0]!.cells).toHaveLength(9);
  });

  it('carries row conditions of finished pods', () => {
    const table = buildTable(pods, [pod('done', { status: { phase: 'Succeeded' } }), pod('running')], { now });
    expect(table.rows[0]!.conditions).toEqual([{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]);
    expect(table.rows[1]).not.toHaveProperty('conditions');
  });

  it('measures ages from the current time by default', () => {
    const created = new Date(Date.now() - 3 * 3600_000).toISOString();
    const table = buildTable({ group: '', resource: 'namespaces' }, [{ metadata: { name: 'ns', creationTimestamp: created }, status: { phase: 'Active' } }]);
    expect(table.rows[0]!.cells).toEqual(['ns', 'Active', '3h']);
  });

  it('prints events.k8s.io events through their own field names', () => {
    const e = { metadata: { name: 'e' }, regarding: { kind: 'Pod', name: 'p' }, note: 'hi', reason: 'R', type: 'Normal', eventTime: '2025-01-01T11:59:50.000000Z' };
    expect(buildTable({ group: 'events.k8s.io', resource: 'events' }, [e], { now }).rows[0]!.cells).toEqual(['10s', 'Normal', 'R', 'pod/p', '', '', 'hi', '10s', 1, 'e']);
  });

  it('serialises to the JSON kubectl reads', () => {
    const json = JSON.parse(JSON.stringify(buildTable({ group: '', resource: 'configmaps' }, [{ metadata: { name: 'cm', creationTimestamp: '2025-01-01T11:00:00Z' }, data: { a: 'b' } }], { now })));
    expect(json).toEqual({
      kind: 'Table',
      apiVersion: 'meta.k8s.io/v1',
      metadata: {},
      columnDefinitions: [
        { name: 'Name', type: 'string', format: 'name', description: expect.any(String), priority: 0 },
        { name: 'Data', type: 'string', format: '', description: expect.any(String), priority: 0 },
        { name: 'Age', type: 'string', format: '', description: expect.any(String), priority: 0 },
      ],
      rows: [{ cells: ['cm', 1, '60m'], object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 'cm', creationTimestamp: '2025-01-01T11:00:00Z' } } }],
    });
  });
});

describe('default table', () => {
  const roles = { group: 'rbac.authorization.k8s.io', resource: 'roles' };
  it.each([
    { name: 'UTC timestamp as is', ts: '2025-01-01T11:00:00Z', want: '2025-01-01T11:00:00Z' },
    { name: 'an offset becomes UTC', ts: '2025-01-01T13:00:00+02:00', want: '2025-01-01T11:00:00Z' },
    { name: 'fractions are dropped', ts: '2025-01-01T11:00:00.999Z', want: '2025-01-01T11:00:00Z' },
    { name: "missing prints Go's zero time", ts: undefined, want: '0001-01-01T00:00:00Z' },
  ])('CREATED AT: $name', ({ ts, want }) => {
    const table = buildTable(roles, [{ metadata: { name: 'r', creationTimestamp: ts } }], { now });
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Created At']);
    expect(table.rows[0]!.cells).toEqual(['r', want]);
  });
});

describe('buildTableForObject', () => {
  it("uses the object's resourceVersion", () => {
    const table = buildTableForObject(pods, pod('a'), { now });
    expect(table.metadata).toEqual({ resourceVersion: '41' });
    expect(table.rows).toHaveLength(1);
    expect(table.rows[0]!.cells.slice(0, 5)).toEqual(['a', '0/1', 'Running', '0', '60s']);
  });

  it('passes includeObject through', () => {
    expect(buildTableForObject(pods, pod('a'), { now, includeObject: 'None' }).rows[0]).not.toHaveProperty('object');
  });
});
