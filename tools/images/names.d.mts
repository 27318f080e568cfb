/** Namespace the CRI plugin keeps its images in. */
export declare const CRI_NAMESPACE: 'k8s.io';
export declare const PAUSE_VERSION: string;
export declare const BUSYBOX_VERSION: string;
export declare const NGINX_VERSION: string;
/** The pod sandbox image (containerd's `sandbox_image`). */
export declare const PAUSE_IMAGE: string;
export declare const BUSYBOX_IMAGE: string;
export declare const BUSYBOX_LATEST_IMAGE: string;
export declare const NGINX_IMAGE: string;
export declare const NGINX_LATEST_IMAGE: string;
