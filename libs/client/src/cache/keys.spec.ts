import { describe, expect, it } from 'vitest';
import { DeletedFinalStateUnknown, metaNamespaceKey, objectOf, splitMetaNamespaceKey } from './keys';

describe('metaNamespaceKey', () => {
  it.each([
    { name: 'namespaced object', input: { metadata: { name: 'web', namespace: 'prod' } }, want: 'prod/web' },
    { name: 'cluster-scoped object', input: { metadata: { name: 'node-1' } }, want: 'node-1' },
    { name: 'empty namespace', input: { metadata: { name: 'node-1', namespace: '' } }, want: 'node-1' },
    { name: 'tombstone', input: new DeletedFinalStateUnknown('prod/gone', { metadata: { name: 'x' } }), want: 'prod/gone' },
  ])('keys a $name', ({ input, want }) => {
    expect(metaNamespaceKey(input)).toBe(want);
  });

  it('refuses an object without a name', () => {
    expect(() => metaNamespaceKey({ metadata: {} })).toThrow(TypeError);
  });
});

describe('splitMetaNamespaceKey', () => {
  it.each([
    { key: 'prod/web', want: { namespace: 'prod', name: 'web' } },
    { key: 'node-1', want: { namespace: '', name: 'node-1' } },
  ])('splits $key', ({ key, want }) => {
    expect(splitMetaNamespaceKey(key)).toEqual(want);
  });

  it.each(['', 'a/b/c', '/x', 'x/'])('refuses %j', (key) => {
    expect(() => splitMetaNamespaceKey(key)).toThrow(TypeError);
  });
});

describe('objectOf', () => {
  it('unwraps tombstones and passes objects through', () => {
    const obj = { metadata: { name: 'a' } };
    expect(objectOf(obj)).toBe(obj);
    expect(objectOf(new DeletedFinalStateUnknown('a', obj))).toBe(obj);
  });
});
