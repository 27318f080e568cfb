import { describe, expect, it } from 'vitest';
import { FakeImageStore, formatImageReference, parseImageReference } from './images';

describe('parseImageReference', () => {
  it.each([
    { input: 'nginx', want: 'docker.io/library/nginx:latest' },
    { input: 'nginx:1.22', want: 'docker.io/library/nginx:1.22' },
    { input: 'user/app', want: 'docker.io/user/app:latest' },
    { input: 'docker.io/library/busybox:1.35', want: 'docker.io/library/busybox:1.35' },
    { input: 'registry.tskube.local/pause:3.9', want: 'registry.tskube.local/pause:3.9' },
    { input: 'localhost:5000/app', want: 'localhost:5000/app:latest' },
    { input: 'localhost/app:v1', want: 'localhost/app:v1' },
    { input: `nginx@sha256:${'a'.repeat(64)}`, want: `docker.io/library/nginx@sha256:${'a'.repeat(64)}` },
    { input: 'quay.io/a/b/c:v1.2-rc', want: 'quay.io/a/b/c:v1.2-rc' },
  ])('$input is $want', ({ input, want }) => {
    const ref = parseImageReference(input);
    expect(ref && formatImageReference(ref)).toBe(want);
  });

  it.each(['', 'Nginx', 'nginx:', 'nginx:bad tag', ' nginx', 'a//b', 'nginx@sha256'])('%j is not a reference', (input) => {
    expect(parseImageReference(input)).toBeUndefined();
  });
});

describe('FakeImageStore', () => {
  it('finds an image by any of its names or its ID, with or without the sha256 prefix', () => {
    const store = new FakeImageStore([{ name: 'nginx:1.22', size: 100 }]);
    const image = store.find('docker.io/library/nginx:1.22')!;
    expect(image.size).toBe(100);
    expect(store.find('nginx:1.22')).toBe(image);
    expect(store.find(image.id)).toBe(image);
    expect(store.find(image.id.slice('sha256:'.length))).toBe(image);
    expect(store.find(image.repoDigests[0]!)).toBe(image);
    expect(store.find('nginx:1.23')).toBeUndefined();
  });

  it('adds idempotently, sizes stably, and removes every name at once', () => {
    const a = new FakeImageStore([]);
    const b = new FakeImageStore([]);
    const x = a.add('redis:7');
    expect(a.add('docker.io/library/redis:7')).toBe(x);
    expect(b.add('redis:7').size).toBe(x.size);
    expect(x.size).toBeGreaterThanOrEqual(1_000_000);
    a.remove(x.repoDigests[0]!);
    expect(a.find('redis:7')).toBeUndefined();
    expect(a.list()).toEqual([]);
    expect(() => a.add('Bad Name')).toThrow(/invalid reference format/);
  });

  it('describes images as CRI does', () => {
    const store = new FakeImageStore([{ name: 'registry.tskube.local/pause:3.9', size: 321_520, pinned: true }]);
    const image = FakeImageStore.toCri(store.list()[0]!);
    expect(image).toMatchObject({ repoTags: ['registry.tskube.local/pause:3.9'], size: 321_520n, pinned: true });
    expect(image.repoDigests[0]).toMatch(/^registry\.tskube\.local\/pause@sha256:[0-9a-f]{64}$/);
  });
});
