import type { corev1 } from '@tskube/api-types';
import { describe, expect, it } from 'vitest';
import type { Payload } from './atomic-writer';
import { configMapPayload, downwardAPIPayload, secretPayload } from './payload';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const show = (p: Payload) => Object.fromEntries([...p].map(([k, v]) => [k, `${v.data.toString()} ${v.mode.toString(8)}`]));

const cm: corev1.ConfigMap = { metadata: { name: 'cm' }, data: { 'app.conf': 'x=1', other: 'o' }, binaryData: { 'logo.bin': b64('\x00\x01') } };
const secret: corev1.Secret = { metadata: { name: 's' }, data: { user: b64('admin'), pass: b64('p@ss') } };

describe('configMapPayload', () => {
  it.each([
    { name: 'all keys with the default mode', items: undefined, mode: 0o644, optional: false, want: { 'app.conf': 'x=1 644', other: 'o 644', 'logo.bin': '\x00\x01 644' } },
    { name: 'all keys with defaultMode 0400', items: [], mode: 0o400, optional: false, want: { 'app.conf': 'x=1 400', other: 'o 400', 'logo.bin': '\x00\x01 400' } },
    {
      name: 'items at their paths and modes',
      items: [{ key: 'app.conf', path: 'etc/app.conf', mode: 0o600 }, { key: 'logo.bin', path: 'img/logo' }],
      mode: 0o644,
      optional: false,
      want: { 'etc/app.conf': 'x=1 600', 'img/logo': '\x00\x01 644' },
    },
    { name: 'a missing item key of an optional source is skipped', items: [{ key: 'nope', path: 'n' }, { key: 'other', path: 'o' }], mode: 0o644, optional: true, want: { o: 'o 644' } },
  ])('$name', ({ items, mode, optional, want }) => {
    expect(show(configMapPayload(items, cm, mode, optional))).toEqual(want);
  });

  it('refuses a missing item key', () => {
    expect(() => configMapPayload([{ key: 'nope', path: 'n' }], cm, 0o644, false)).toThrow('configmap references non-existent config key: nope');
  });
});

describe('secretPayload', () => {
  it.each([
    { name: 'all keys, decoded', items: undefined, optional: false, want: { user: 'admin 644', pass: 'p@ss 644' } },
    { name: 'items', items: [{ key: 'pass', path: 'creds/password', mode: 0o400 }], optional: false, want: { 'creds/password': 'p@ss 400' } },
    { name: 'a missing optional key', items: [{ key: 'nope', path: 'n' }], optional: true, want: {} },
  ])('$name', ({ items, optional, want }) => {
    expect(show(secretPayload(items, secret, 0o644, optional))).toEqual(want);
  });

  it('refuses a missing item key', () => {
    expect(() => secretPayload([{ key: 'nope', path: 'n' }], secret, 0o644, false)).toThrow('references non-existent secret key: nope');
  });
});

describe('downwardAPIPayload', () => {
  const pod: corev1.Pod = {
    metadata: { name: 'web', namespace: 'shop', uid: 'u-1', labels: { app: 'web', tier: 'front' }, annotations: { build: '7' } },
    spec: { containers: [{ name: 'main', resources: { requests: { cpu: '250m' }, limits: { memory: '64Mi' } } }] },
  };

  it('writes metadata fields and container resources', () => {
    const items: corev1.DownwardAPIVolumeFile[] = [
      { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
      { path: 'annotations', fieldRef: { fieldPath: 'metadata.annotations' }, mode: 0o600 },
      { path: 'name', fieldRef: { fieldPath: 'metadata.name' } },
      { path: 'ns', fieldRef: { fieldPath: 'metadata.namespace' } },
      { path: './meta//uid', fieldRef: { fieldPath: 'metadata.uid' } },
      { path: 'tier', fieldRef: { fieldPath: "metadata.labels['tier']" } },
      { path: 'cpu_request', resourceFieldRef: { containerName: 'main', resource: 'requests.cpu', divisor: '1m' } },
      { path: 'mem_limit', resourceFieldRef: { containerName: 'main', resource: 'limits.memory', divisor: '1Mi' } },
      { path: 'cpu_limit', resourceFieldRef: { containerName: 'main', resource: 'limits.cpu' } },
    ];
    expect(show(downwardAPIPayload(items, pod, 0o644, { cpu: '3', memory: '1Gi' }))).toEqual({
      labels: 'app="web"\ntier="front" 644',
      annotations: 'build="7" 600',
      name: 'web 644',
      ns: 'shop 644',
      'meta/uid': 'u-1 644',
      tier: 'front 644',
      cpu_request: '250 644',
      mem_limit: '64 644',
      cpu_limit: '3 644',
    });
  });

  it('reports every failing item together', () => {
    const items: corev1.DownwardAPIVolumeFile[] = [
      { path: 'a', fieldRef: { fieldPath: 'spec.nodeName' } },
      { path: 'b', resourceFieldRef: { containerName: 'ghost', resource: 'limits.cpu' } },
      { path: 'c', fieldRef: { fieldPath: 'metadata.name' } },
    ];
    expect(() => downwardAPIPayload(items, pod, 0o644, undefined)).toThrow('[unsupported fieldPath: spec.nodeName, container ghost not found]');
  });

  it('gives one failure alone', () => {
    expect(() => downwardAPIPayload([{ path: 'a', fieldRef: { fieldPath: 'status.podIP' } }], pod, 0o644, undefined)).toThrow(/^unsupported fieldPath: status.podIP$/);
  });
});
