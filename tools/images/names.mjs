// The names the local cluster's images go by. containerd's config (sandbox_image), the kubelet's
// tests and the image builder read them from here, so a tag changes in one place only.
// The versions are those of Debian 12's packages the images are built from (busybox-static
// 1.35.0, nginx 1.22.1); the builder refuses to tag a binary of another version with them.

/** Namespace the CRI plugin keeps its images in: images imported elsewhere are invisible to the kubelet. */
export const CRI_NAMESPACE = 'k8s.io';

export const PAUSE_VERSION = '3.9';
export const BUSYBOX_VERSION = '1.35';
export const NGINX_VERSION = '1.22';

/** The pod sandbox image (containerd's `sandbox_image`); a local name, as no registry serves it. */
export const PAUSE_IMAGE = `registry.tskube.local/pause:${PAUSE_VERSION}`;
export const BUSYBOX_IMAGE = `docker.io/library/busybox:${BUSYBOX_VERSION}`;
export const BUSYBOX_LATEST_IMAGE = 'docker.io/library/busybox:latest';
export const NGINX_IMAGE = `docker.io/library/nginx:${NGINX_VERSION}`;
export const NGINX_LATEST_IMAGE = 'docker.io/library/nginx:latest';
