import type { corev1 } from '@tskube/api-types';
import type { cri } from '@tskube/proto';
import { describe, expect, it } from 'vitest';
import { CriError } from '../cri';
import { applyDefaultImageTag, effectivePullPolicy, ImageError, ImageManager } from './images';

const pod: corev1.Pod = { metadata: { name: 'p', namespace: 'default', uid: 'u1' }, spec: { containers: [] } };

/** An image service with `present` images whose pulls succeed for names in `pullable`. */
function images(present: string[], pullable: string[] = []) {
  const pulls: string[] = [];
  const have = new Set(present);
  const svc = {
    imageStatus: async (spec: cri.DeepPartial<cri.ImageSpec>) => ({ image: have.has(String(spec.image)) ? ({ id: `sha256:${spec.image}`, size: 1234n } as cri.Image) : undefined, info: {} }),
    pullImage: async (spec: cri.DeepPartial<cri.ImageSpec>) => {
      pulls.push(String(spec.image));
      if (!pullable.includes(String(spec.image))) throw new CriError(2, `failed to pull and unpack image "${spec.image}": not found`);
      have.add(String(spec.image));
      return `sha256:${spec.image}`;
    },
  };
  return { svc: svc as never, pulls };
}

describe('image references and pull policy', () => {
  it.each([
    ['busybox', 'busybox:latest'],
    ['busybox:1.35', 'busybox:1.35'],
    ['localhost:5000/app', 'localhost:5000/app:latest'],
    ['docker.io/library/nginx@sha256:0123', 'docker.io/library/nginx@sha256:0123'],
  ])('%s → %s', (image, want) => expect(applyDefaultImageTag(image)).toBe(want));

  it('defaults the policy as the API does', () => {
    expect(effectivePullPolicy({ name: 'c', image: 'busybox' })).toBe('Always');
    expect(effectivePullPolicy({ name: 'c', image: 'busybox:latest' })).toBe('Always');
    expect(effectivePullPolicy({ name: 'c', image: 'busybox:1.35' })).toBe('IfNotPresent');
    expect(effectivePullPolicy({ name: 'c', image: 'busybox', imagePullPolicy: 'Never' })).toBe('Never');
  });
});

describe('ImageManager', () => {
  it('uses a present image under IfNotPresent, with the Pulled event', async () => {
    const { svc, pulls } = images(['busybox:1.35']);
    const events: string[] = [];
    const got = await new ImageManager(svc).ensureImage(pod, { name: 'c', image: 'busybox:1.35' }, {}, (_t, r, m) => events.push(`${r}: ${m}`));
    expect(got).toEqual({ ok: true, imageRef: 'sha256:busybox:1.35' });
    expect(pulls).toEqual([]);
    expect(events).toEqual(['Pulled: Container image "busybox:1.35" already present on machine']);
  });

  it('refuses a missing image under Never', async () => {
    const { svc } = images([]);
    const got = await new ImageManager(svc).ensureImage(pod, { name: 'c', image: 'busybox:1.35', imagePullPolicy: 'Never' }, {}, () => undefined);
    expect(got).toEqual({ ok: false, reason: ImageError.ErrImageNeverPull, message: 'Container image "busybox:1.35" is not present with pull policy of Never' });
  });

  it('pulls under Always and reports the time and size', async () => {
    const { svc, pulls } = images(['busybox:latest'], ['busybox:latest']);
    const events: string[] = [];
    await new ImageManager(svc).ensureImage(pod, { name: 'c', image: 'busybox' }, {}, (_t, r, m) => events.push(`${r}: ${m}`));
    expect(pulls).toEqual(['busybox:latest']);
    expect(events[0]).toBe('Pulling: Pulling image "busybox:latest"');
    expect(events[1]).toMatch(/^Pulled: Successfully pulled image "busybox:latest" in \S+ \(\S+ including waiting\)\. Image size: 1234 bytes\.$/);
  });

  it('fails with ErrImagePull, then backs off with ImagePullBackOff until the delay passed', async () => {
    let now = 0;
    const { svc, pulls } = images([]);
    const m = new ImageManager(svc, () => now);
    const c = { name: 'c', image: 'registry.invalid/x:1' };
    const first = await m.ensureImage(pod, c, {}, () => undefined);
    expect(first).toEqual({ ok: false, reason: ImageError.ErrImagePull, message: 'rpc error: code = Unknown desc = failed to pull and unpack image "registry.invalid/x:1": not found' });
    now = 5_000;
    expect(await m.ensureImage(pod, c, {}, () => undefined)).toEqual({ ok: false, reason: ImageError.ImagePullBackOff, message: 'Back-off pulling image "registry.invalid/x:1"' });
    expect(pulls).toHaveLength(1);
    now = 10_000;
    expect((await m.ensureImage(pod, c, {}, () => undefined)).ok).toBe(false);
    expect(pulls).toHaveLength(2);
    expect(m.retryAt(pod, c)).toBe(10_000 + 20_000);
  });

  it('refuses an unparsable reference as InvalidImageName', async () => {
    const { svc } = images([]);
    const got = await new ImageManager(svc).ensureImage(pod, { name: 'c', image: 'Not A Name' }, {}, () => undefined);
    expect(got).toMatchObject({ ok: false, reason: ImageError.InvalidImageName });
  });
});
