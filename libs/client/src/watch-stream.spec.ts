import { describe, expect, it } from 'vitest';
import { newResourceExpired } from '@tskube/api-types';
import { WatchEventType as ProtoEventType } from '@tskube/proto';
import { decodeWatchEvent } from './watch-stream';

const bytes = (v: unknown) => Buffer.from(JSON.stringify(v));

describe('decodeWatchEvent', () => {
  it.each([
    { name: 'ADDED', type: ProtoEventType.ADDED, want: 'ADDED' },
    { name: 'MODIFIED', type: ProtoEventType.MODIFIED, want: 'MODIFIED' },
    { name: 'DELETED', type: ProtoEventType.DELETED, want: 'DELETED' },
    { name: 'BOOKMARK', type: ProtoEventType.BOOKMARK, want: 'BOOKMARK' },
  ])('decodes $name with its object and resourceVersion', ({ type, want }) => {
    const obj = { kind: 'Pod', metadata: { name: 'p', resourceVersion: '7' } };
    expect(decodeWatchEvent({ type, object: bytes(obj), resourceVersion: '7' })).toEqual({ type: want, object: obj, resourceVersion: '7' });
  });

  it('falls back to the object resourceVersion when the envelope has none', () => {
    const ev = decodeWatchEvent({ type: ProtoEventType.ADDED, object: bytes({ metadata: { resourceVersion: '9' } }), resourceVersion: '' });
    expect(ev.type !== 'ERROR' && ev.resourceVersion).toBe('9');
  });

  it('decodes an ERROR event into its Status and a StatusError', () => {
    const status = newResourceExpired('too old resource version: 1 (5)').toStatus();
    const ev = decodeWatchEvent({ type: ProtoEventType.ERROR, object: bytes(status), resourceVersion: '' });
    expect(ev.type).toBe('ERROR');
    if (ev.type === 'ERROR') {
      expect(ev.object).toEqual(status);
      expect(ev.error).toMatchObject({ code: 410, reason: 'Expired' });
    }
  });

  it('refuses an unknown type', () => {
    expect(() => decodeWatchEvent({ type: ProtoEventType.UNSPECIFIED, object: bytes({}), resourceVersion: '' })).toThrow(TypeError);
  });
});
