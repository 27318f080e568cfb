import { BinaryWriter } from '@bufbuild/protobuf/wire';
import { describe, expect, it } from 'vitest';
import { ListOptions, ListResponse, WatchEvent, WatchEventType } from './index';

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-0', namespace: 'default', resourceVersion: '42' } };

describe('generated messages', () => {
  it.each([
    { name: 'ADDED carries the object', type: WatchEventType.ADDED, object: pod, resourceVersion: '42' },
    { name: 'DELETED carries the last state', type: WatchEventType.DELETED, object: pod, resourceVersion: '43' },
    {
      name: 'BOOKMARK carries only a resourceVersion',
      type: WatchEventType.BOOKMARK,
      object: { apiVersion: 'v1', kind: 'Pod', metadata: { resourceVersion: '50', annotations: { 'k8s.io/initial-events-end': 'true' } } },
      resourceVersion: '50',
    },
    {
      name: 'ERROR carries a Status and no resourceVersion',
      type: WatchEventType.ERROR,
      object: { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 410, reason: 'Expired', message: 'too old resource version' },
      resourceVersion: '',
    },
  ])('a WatchEvent round-trips: $name', ({ type, object, resourceVersion }) => {
    const bytes = WatchEvent.encode({ type, object: json(object), resourceVersion }).finish();
    const got = WatchEvent.decode(bytes);
    expect(got.type).toBe(type);
    expect(got.resourceVersion).toBe(resourceVersion);
    expect(JSON.parse(Buffer.from(got.object).toString('utf8'))).toEqual(object);
  });

  it('keeps the JSON bytes untouched, including non-ASCII text', () => {
    const raw = Buffer.from('{"metadata":{"name":"x","annotations":{"note":"grüße ✓"}}}');
    const got = WatchEvent.decode(WatchEvent.encode(WatchEvent.fromPartial({ type: WatchEventType.MODIFIED, object: raw })).finish());
    expect(Buffer.compare(got.object, raw)).toBe(0);
  });

  it('decodes int64 fields as numbers', () => {
    const big = 2 ** 40 + 3;
    const got = ListResponse.decode(
      ListResponse.encode(ListResponse.fromPartial({ items: [json(pod), json(pod)], resourceVersion: '7', remainingItemCount: big })).finish(),
    );
    expect(got.remainingItemCount).toBe(big);
    expect(typeof got.remainingItemCount).toBe('number');
    expect(got.items.map((b) => JSON.parse(Buffer.from(b).toString('utf8')))).toEqual([pod, pod]);
  });

  it('refuses an int64 beyond Number.MAX_SAFE_INTEGER rather than rounding it', () => {
    // ListResponse.remaining_item_count is field 4, varint: tag (4 << 3) | 0.
    const bytes = new BinaryWriter().uint32(32).int64('9007199254740993').finish();
    expect(() => ListResponse.decode(bytes)).toThrow(/MAX_SAFE_INTEGER/);
  });

  it.each([
    { name: 'absent', options: {}, want: undefined },
    { name: 'zero', options: { timeoutSeconds: 0 }, want: 0 },
    { name: 'set', options: { timeoutSeconds: 300 }, want: 300 },
  ])('tells an absent optional scalar from its zero value: timeoutSeconds $name', ({ options, want }) => {
    const got = ListOptions.decode(ListOptions.encode(ListOptions.fromPartial(options)).finish());
    expect(got.timeoutSeconds).toBe(want);
  });

  it('defaults every scalar of an empty message', () => {
    expect(ListOptions.decode(new Uint8Array())).toEqual({
      labelSelector: '',
      fieldSelector: '',
      limit: 0,
      continue: '',
      resourceVersion: '',
      resourceVersionMatch: '',
      timeoutSeconds: undefined,
      allowWatchBookmarks: false,
      sendInitialEvents: undefined,
    });
  });
});
