import type { corev1 } from '@tskube/api-types';
import type { cri } from '@tskube/proto';
import { CriError, type ImageManagerService } from '../cri';
import { Backoff, formatGoDuration } from '../pod/backoff';

/** Why a container cannot have its image, as its waiting reason says it. */
export const ImageError = {
  ErrImagePull: 'ErrImagePull',
  ImagePullBackOff: 'ImagePullBackOff',
  ErrImageNeverPull: 'ErrImageNeverPull',
  InvalidImageName: 'InvalidImageName',
} as const;
export type ImageError = (typeof ImageError)[keyof typeof ImageError];

export type ImageResult = { ok: true; imageRef: string } | { ok: false; reason: ImageError; message: string };

/** Records an event about the container (its field path is the container's). */
export type ContainerEventSink = (type: 'Normal' | 'Warning', reason: string, message: string) => void;

/**
 * `busybox` → `busybox:latest`: a reference with neither tag nor digest gets the default tag, as
 * the kubelet's applyDefaultImageTag does (without qualifying the name; the runtime does that).
 */
export function applyDefaultImageTag(image: string): string {
  if (image.includes('@')) return image;
  const lastSlash = image.lastIndexOf('/');
  return image.slice(lastSlash + 1).includes(':') ? image : `${image}:latest`;
}

/** The pull policy the API would default to: Always for `:latest` or no tag, else IfNotPresent. */
export function effectivePullPolicy(container: corev1.Container): string {
  if (container.imagePullPolicy) return container.imagePullPolicy;
  const image = container.image ?? '';
  if (image.includes('@')) return 'IfNotPresent';
  return applyDefaultImageTag(image).endsWith(':latest') ? 'Always' : 'IfNotPresent';
}

const validReference = /^[a-z0-9]+(?:[._-][a-z0-9]+|__)*(?:[:.][a-zA-Z0-9-]+)*(?::\d+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$/;

/** How CRI errors read in Kubernetes' messages: the gRPC status as Go prints it. */
export function criErrorText(err: unknown): string {
  if (err instanceof CriError) return `rpc error: code = ${err.code} desc = ${err.message}`;
  return (err as Error)?.message ?? String(err);
}

/**
 * Makes sure a container's image is on the node, honouring its imagePullPolicy as the kubelet's
 * image manager does (EnsureImageExists): Never uses what is present or fails ErrImageNeverPull;
 * IfNotPresent pulls only what is missing; Always pulls every time. A failed pull backs off per
 * pod and image (10 s doubling to 5 min) and reports ImagePullBackOff meanwhile. Events: Pulling,
 * Pulled, Failed, BackOff, ErrImageNeverPull, with Kubernetes' messages.
 */
export class ImageManager {
  private readonly backoff: Backoff;

  constructor(
    private readonly images: ImageManagerService,
    private readonly now: () => number = Date.now,
  ) {
    this.backoff = new Backoff(10_000, 300_000, now);
  }

  async ensureImage(pod: corev1.Pod, container: corev1.Container, sandboxConfig: cri.DeepPartial<cri.PodSandboxConfig>, event: ContainerEventSink): Promise<ImageResult> {
    const image = container.image ?? '';
    if (!image || !validReference.test(applyDefaultImageTag(image))) {
      const message = `Failed to apply default image tag "${image}": couldn't parse image name "${image}": invalid reference format`;
      event('Warning', 'InspectFailed', message);
      return { ok: false, reason: ImageError.InvalidImageName, message };
    }
    const ref = applyDefaultImageTag(image);
    const policy = effectivePullPolicy(container);
    const spec = { image: ref, userSpecifiedImage: image };
    const present = (await this.images.imageStatus(spec)).image;
    if (policy !== 'Always' && present) {
      event('Normal', 'Pulled', `Container image "${image}" already present on machine`);
      return { ok: true, imageRef: present.id };
    }
    if (policy === 'Never') {
      const message = `Container image "${image}" is not present with pull policy of Never`;
      event('Warning', 'ErrImageNeverPull', message);
      return { ok: false, reason: ImageError.ErrImageNeverPull, message };
    }
    const key = `${pod.metadata?.uid ?? ''}_${ref}`;
    if (this.backoff.isInBackOffSinceUpdate(key, this.now())) {
      const message = `Back-off pulling image "${ref}"`;
      event('Normal', 'BackOff', message);
      return { ok: false, reason: ImageError.ImagePullBackOff, message };
    }
    event('Normal', 'Pulling', `Pulling image "${ref}"`);
    const started = this.now();
    let imageRef: string;
    try {
      imageRef = await this.images.pullImage(spec, undefined, sandboxConfig);
    } catch (err) {
      const text = criErrorText(err);
      event('Warning', 'Failed', `Failed to pull image "${ref}": ${text}`);
      this.backoff.next(key, this.now());
      return { ok: false, reason: ImageError.ErrImagePull, message: text };
    }
    const took = formatGoDuration(this.now() - started);
    let size = 0n;
    try {
      size = (await this.images.imageStatus(spec)).image?.size ?? 0n;
    } catch {
      // the size is for the message only
    }
    event('Normal', 'Pulled', `Successfully pulled image "${ref}" in ${took} (${took} including waiting). Image size: ${size} bytes.`);
    return { ok: true, imageRef };
  }

  /** When the pull back-off of `key` ends, for scheduling the next attempt. */
  retryAt(pod: corev1.Pod, container: corev1.Container): number | undefined {
    const key = `${pod.metadata?.uid ?? ''}_${applyDefaultImageTag(container.image ?? '')}`;
    const delay = this.backoff.get(key);
    return delay ? this.now() + delay : undefined;
  }

  /** Forgets the pod's back-offs once it is gone. */
  forgetPod(podUid: string): void {
    this.backoff.forget((k) => k.startsWith(`${podUid}_`));
  }
}
